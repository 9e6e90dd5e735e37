/**
 * The response cache's bookkeeping: which answers are kept, for how long (TTL from when they
 * were stored), and which go first when it is full (least recently used). Pure: the answers
 * themselves are stored by key elsewhere; this decides which keys live.
 */
import type { SamplingSettings } from '../engine/protocol';

export interface CacheEntry {
  key: string;
  /** Size of the stored answer, counted against the cache's byte cap. */
  bytes: number;
  storedAt: number;
  usedAt: number;
}

export interface CacheLimits {
  ttlMs: number;
  maxEntries: number;
  maxBytes: number;
}

/**
 * Only deterministic answers are reused: at temperature 0 the model always picks the likeliest
 * token, and with a fixed seed its sampling repeats. Otherwise each answer is meant to differ.
 */
export function isCacheable(sampling: Pick<SamplingSettings, 'temperature' | 'seed'>): boolean {
  return sampling.temperature === 0 || sampling.seed !== undefined;
}

const isFresh = (entry: CacheEntry, now: number, ttlMs: number): boolean => now - entry.storedAt < ttlMs;

export interface Lookup {
  /** The index after the lookup: a hit is marked as just used; expired entries are gone. */
  entries: CacheEntry[];
  hit: boolean;
  /** Keys whose answers can be deleted. */
  removed: string[];
}

export function lookup(entries: readonly CacheEntry[], key: string, now: number, limits: Pick<CacheLimits, 'ttlMs'>): Lookup {
  const fresh = entries.filter((entry) => isFresh(entry, now, limits.ttlMs));
  const removed = entries.filter((entry) => !fresh.includes(entry)).map((entry) => entry.key);
  const hit = fresh.some((entry) => entry.key === key);
  return { entries: hit ? fresh.map((entry) => (entry.key === key ? { ...entry, usedAt: now } : entry)) : fresh, hit, removed };
}

export interface Insert {
  entries: CacheEntry[];
  /** False when the answer alone is larger than the whole cache. */
  stored: boolean;
  /** Keys whose answers can be deleted. */
  removed: string[];
}

/** Adds (or replaces) an entry, then evicts expired entries and the least recently used until both caps hold. */
export function insert(entries: readonly CacheEntry[], added: CacheEntry, now: number, limits: CacheLimits): Insert {
  const others = byRecentUse(entries.filter((entry) => entry.key !== added.key));
  if (added.bytes > limits.maxBytes) {
    const kept = keepRecent(others, now, limits);
    return { ...kept, stored: false, removed: [...kept.removed, added.key] };
  }
  // The new entry stays first even if the clock stepped back behind older `usedAt`s.
  return { ...keepRecent([added, ...others], now, limits), stored: true };
}

/** Drops expired entries, then the least recently used until both caps hold (e.g. after the limits changed). */
export function trim(entries: readonly CacheEntry[], now: number, limits: CacheLimits): Omit<Insert, 'stored'> {
  return keepRecent(byRecentUse(entries), now, limits);
}

const byRecentUse = (entries: readonly CacheEntry[]): CacheEntry[] => [...entries].sort((a, b) => b.usedAt - a.usedAt);

/** Keeps the fresh entries from the front of `ordered` while both caps hold. */
function keepRecent(ordered: readonly CacheEntry[], now: number, limits: CacheLimits): Omit<Insert, 'stored'> {
  const entries: CacheEntry[] = [];
  const removed: string[] = [];
  let bytes = 0;
  let full = false;
  for (const entry of ordered) {
    if (!isFresh(entry, now, limits.ttlMs)) {
      removed.push(entry.key);
      continue;
    }
    // Strict LRU: once one entry does not fit, every less recently used one goes too.
    full ||= entries.length >= limits.maxEntries || bytes + entry.bytes > limits.maxBytes;
    if (full) removed.push(entry.key);
    else {
      entries.push(entry);
      bytes += entry.bytes;
    }
  }
  return { entries, removed };
}
