import { describe, expect, test } from 'vitest';
import { insert, isCacheable, lookup, trim, type CacheEntry, type CacheLimits } from '../../../src/lib/guard/response-cache';

const LIMITS: CacheLimits = { ttlMs: 1000, maxEntries: 3, maxBytes: 100 };
const entry = (key: string, at: number, bytes = 10): CacheEntry => ({ key, bytes, storedAt: at, usedAt: at });
const keys = (entries: readonly CacheEntry[]): string[] => entries.map((item) => item.key).sort();

describe('response cache index', () => {
  test('only deterministic sampling is cacheable: temperature 0, or any temperature with a seed', () => {
    expect(isCacheable({ temperature: 0, seed: undefined })).toBe(true);
    expect(isCacheable({ temperature: 0.7, seed: undefined })).toBe(false);
    expect(isCacheable({ temperature: 0.7, seed: 42 })).toBe(true);
    expect(isCacheable({ temperature: 1.2, seed: 0 })).toBe(true);
  });

  test('a hit is served until the TTL runs out, counted from when it was stored, not last used', () => {
    let entries: CacheEntry[] = [entry('a', 0)];
    const early = lookup(entries, 'a', 999, LIMITS);
    expect(early.hit).toBe(true);
    entries = early.entries;
    expect(entries[0]?.usedAt).toBe(999);
    const late = lookup(entries, 'a', 1000, LIMITS);
    expect(late).toEqual({ hit: false, entries: [], removed: ['a'] });
  });

  test('a miss leaves the entries alone except those that expired', () => {
    const result = lookup([entry('old', 0), entry('new', 900)], 'other', 1200, LIMITS);
    expect(result.hit).toBe(false);
    expect(keys(result.entries)).toEqual(['new']);
    expect(result.removed).toEqual(['old']);
  });

  test('evicts the least recently used when the entry cap is reached', () => {
    let entries: CacheEntry[] = [];
    for (const [key, at] of [['a', 10], ['b', 20], ['c', 30]] as const) entries = insert(entries, entry(key, at), at, LIMITS).entries;
    // Using "a" makes "b" the least recently used.
    entries = lookup(entries, 'a', 40, LIMITS).entries;
    const added = insert(entries, entry('d', 50), 50, LIMITS);
    expect(added.removed).toEqual(['b']);
    expect(keys(added.entries)).toEqual(['a', 'c', 'd']);
  });

  test('evicts by bytes as well, least recently used first, and never skips over one to keep an older one', () => {
    const entries = [entry('old-small', 10, 5), entry('mid-big', 20, 60), entry('recent', 30, 30)];
    const added = insert(entries, entry('new', 40, 20), 40, LIMITS);
    // 20 + 30 = 50 fits; adding 60 would not, so mid-big goes, and old-small with it (strict LRU).
    expect(keys(added.entries)).toEqual(['new', 'recent']);
    expect(added.removed.sort()).toEqual(['mid-big', 'old-small']);
  });

  test('replacing a key keeps one entry; an answer larger than the whole cache is not stored', () => {
    const replaced = insert([entry('a', 0)], entry('a', 5, 20), 5, LIMITS);
    expect(replaced.entries).toEqual([entry('a', 5, 20)]);
    const huge = insert([entry('a', 0), entry('b', 1)], entry('b', 5, 500), 5, LIMITS);
    expect(huge.stored).toBe(false);
    expect(keys(huge.entries)).toEqual(['a']);
    expect(huge.removed).toEqual(['b']);
  });

  test('the new entry is kept even if the clock stepped back behind older entries', () => {
    const entries = [entry('a', 900), entry('b', 950), entry('c', 990)];
    const added = insert(entries, entry('d', 500), 500, LIMITS);
    expect(added.entries.map((item) => item.key)).toContain('d');
    expect(added.removed).toEqual(['a']);
  });

  test('trim applies lowered limits', () => {
    const entries = [entry('a', 10), entry('b', 20), entry('c', 30)];
    expect(trim(entries, 30, { ...LIMITS, maxEntries: 1 })).toEqual({ entries: [entry('c', 30)], removed: ['b', 'a'] });
  });
});
