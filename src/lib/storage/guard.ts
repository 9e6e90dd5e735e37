/**
 * The guard's shared state, one record each (see lib/guard for what they mean):
 *
 *   'limits'          → Limits the user set
 *   'ledger'          → today's token budget: spent, by conversation, open reservations
 *   'bucket'          → the request-rate token bucket
 *   'cache-index'     → the response cache's entries (key, size, stored, last used)
 *   'holds'           → per engine, no request before this time: a server's Retry-After (HTTP 429)
 *   ['answer', key]   → one cached answer's text
 *
 * The index and the answers change in one transaction, so they never disagree. Callers hold the
 * guard's cross-tab lock around each read-modify-write.
 */
import { promisifyRequest, type UseStore } from 'idb-keyval';
import type { EngineKind } from '../engine/protocol';
import type { Bucket } from '../guard/bucket';
import type { Ledger } from '../guard/budget';
import { normalizeLimits, type Limits } from '../guard/limits';
import type { CacheEntry } from '../guard/response-cache';
import { stamp, upgrade } from './schema';

export interface CachedAnswer {
  content: string;
  storedAt: number;
}

export interface GuardRecords {
  limits: Limits;
  ledger: Ledger | null;
  bucket: Bucket | null;
  cache: CacheEntry[];
  /** No request to this engine before this time (ms since the epoch). */
  holds: Holds;
}

export type Holds = Partial<Record<EngineKind, number>>;

export interface AnswerChanges {
  put?: { key: string; answer: CachedAnswer } | undefined;
  remove?: readonly string[] | undefined;
}

export interface GuardStore {
  load(): Promise<GuardRecords>;
  /** Writes the given records and answer changes in one transaction. */
  save(records: Partial<GuardRecords>, answers?: AnswerChanges): Promise<void>;
  answer(key: string): Promise<CachedAnswer | undefined>;
}

const RECORD_KEYS = { limits: 'limits', ledger: 'ledger', bucket: 'bucket', cache: 'cache-index', holds: 'holds' } as const satisfies Record<keyof GuardRecords, string>;
const answerKey = (key: string): IDBValidKey[] => ['answer', key];

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

// A record in a shape this version does not understand is treated as absent: the guard starts afresh.
const isLedger = (value: unknown): value is Ledger =>
  isObject(value) && typeof value.day === 'string' && isNumber(value.spent) && isObject(value.conversations) && Array.isArray(value.reservations);
const isBucket = (value: unknown): value is Bucket => isObject(value) && isNumber(value.tokens) && isNumber(value.at);
const isHolds = (value: unknown): value is Holds => isObject(value) && Object.values(value).every(isNumber);
const isCacheEntry = (value: unknown): value is CacheEntry =>
  isObject(value) && typeof value.key === 'string' && isNumber(value.bytes) && isNumber(value.storedAt) && isNumber(value.usedAt);

export class GuardRepository implements GuardStore {
  constructor(private readonly store: UseStore) {}

  async load(): Promise<GuardRecords> {
    const [limits, ledger, bucket, cache, holds] = await this.store('readonly', (store) =>
      Promise.all(Object.values(RECORD_KEYS).map((key) => promisifyRequest(store.get(key)))),
    );
    const read = <T>(record: unknown, what: string): T | undefined => (record === undefined ? undefined : upgrade<T>(record, what));
    const ledgerValue = read<{ value: unknown }>(ledger, 'budget ledger')?.value;
    const bucketValue = read<{ value: unknown }>(bucket, 'rate bucket')?.value;
    const entries = read<{ value: unknown }>(cache, 'cache index')?.value;
    const holdsValue = read<{ value: unknown }>(holds, 'engine holds')?.value;
    return {
      limits: normalizeLimits(read<{ value: unknown }>(limits, 'limits')?.value),
      ledger: isLedger(ledgerValue) ? ledgerValue : null,
      bucket: isBucket(bucketValue) ? bucketValue : null,
      cache: Array.isArray(entries) ? entries.filter(isCacheEntry) : [],
      holds: isHolds(holdsValue) ? holdsValue : {},
    };
  }

  async save(records: Partial<GuardRecords>, answers: AnswerChanges = {}): Promise<void> {
    await this.store('readwrite', (store) => {
      for (const name of Object.keys(RECORD_KEYS) as (keyof GuardRecords)[]) {
        if (name in records) store.put(stamp({ value: records[name] }), RECORD_KEYS[name]);
      }
      for (const key of answers.remove ?? []) store.delete(answerKey(key));
      if (answers.put) store.put(stamp(answers.put.answer), answerKey(answers.put.key));
      return promisifyRequest(store.transaction);
    });
  }

  async answer(key: string): Promise<CachedAnswer | undefined> {
    const record = await this.store('readonly', (store) => promisifyRequest(store.get(answerKey(key))));
    if (record === undefined) return undefined;
    const answer = upgrade<CachedAnswer>(record, 'cached answer');
    return typeof answer.content === 'string' && isNumber(answer.storedAt) ? answer : undefined;
  }
}
