/**
 * Traces, their feedback and their evaluation results, in the `hearth-traces` database
 * (see storage/db.ts), one object store:
 *
 *   ['trace', traceId]                               → TraceRecord (with feedback and evals)
 *   ['time', startTime, traceId]                     → { traceId, startTime, messageId? }
 *   ['message', messageId, startTime, traceId]       → { traceId }
 *
 * The two index entries are written and deleted in the same transaction as their trace: 'time'
 * lets retention find the oldest traces without reading them, 'message' finds an answer's trace.
 * Feedback and evaluation results live on the trace record and are changed by read-modify-write
 * inside one transaction, so a rating and a finishing evaluation never overwrite each other.
 * Every record carries a schema version (storage/schema.ts).
 */
import { createStore, promisifyRequest, type UseStore } from 'idb-keyval';
import { TRACE_RETENTION } from '../config';
import { DATABASES } from '../storage/db';
import { stamp, upgrade } from '../storage/schema';
import type { WallClock } from './clock';
import { prefixRange } from '../storage/keys';
import { transact, type Transaction } from './idb';
import { facetsOf, searchTraces, type TraceFacets, type TracePage, type TraceQuery } from './query';
import type { EvalResult, Feedback, Rating, TraceRecord } from './types';

export interface Retention {
  /** Keep at most this many traces; the oldest go first. */
  maxCount: number;
  /** Drop traces that started longer ago than this. */
  maxAgeMs: number;
}

export interface TraceRepositoryOptions {
  retention?: Retention;
  clock?: WallClock;
}

export type TraceTarget = { traceId: string } | { messageId: string };

export interface ImportResult {
  added: number;
  /** Already stored, or repeated in the file: kept once. */
  duplicates: number;
  /** Older than the retention window, so not written. */
  expired: number;
  /** Stored traces removed to stay within the retention count. */
  evicted: number;
}

interface TimeEntry {
  traceId: string;
  startTime: number;
  messageId?: string;
}

const traceKey = (traceId: string): IDBValidKey[] => ['trace', traceId];
const timeKey = (entry: TimeEntry): IDBValidKey[] => ['time', entry.startTime, entry.traceId];
const messageKey = (entry: TimeEntry & { messageId: string }): IDBValidKey[] => ['message', entry.messageId, entry.startTime, entry.traceId];

const entryOf = (record: TraceRecord): TimeEntry => ({
  traceId: record.traceId,
  startTime: record.startTime,
  ...(record.messageId !== undefined ? { messageId: record.messageId } : {}),
});

export class TraceRepository {
  readonly #store: UseStore;
  readonly #retention: Retention;
  readonly #clock: WallClock;

  constructor(store: UseStore, options: TraceRepositoryOptions = {}) {
    this.#store = store;
    this.#retention = options.retention ?? TRACE_RETENTION;
    this.#clock = options.clock ?? Date;
  }

  /** Stores a trace (replacing one with the same id), then applies retention. Resolves with how many were evicted. */
  async save(record: TraceRecord): Promise<number> {
    const { evicted } = await transact(this.#store, 'readwrite', { evicted: 0 }, (tx) => {
      tx.read(tx.store.get(traceKey(record.traceId)), (previous) => {
        if (previous !== undefined) removeTrace(tx.store, entryOf(upgrade<TraceRecord>(previous, 'trace')));
        writeTrace(tx.store, record);
        this.#evict(tx);
      });
    });
    return evicted;
  }

  async get(traceId: string): Promise<TraceRecord | undefined> {
    const record = await this.#store('readonly', (store) => promisifyRequest(store.get(traceKey(traceId))));
    return record === undefined ? undefined : readTrace(record);
  }

  /** The latest trace of an answer (a message is traced once per generation; regenerating makes a new message). */
  async getByMessage(messageId: string): Promise<TraceRecord | undefined> {
    return transact<TraceRecord | undefined>(this.#store, 'readonly', undefined, (tx) => {
      this.#latestOf(tx, messageId, (traceId) => tx.read(tx.store.get(traceKey(traceId)), (record) => (tx.result = record === undefined ? undefined : readTrace(record))));
    });
  }

  /** Every stored trace, newest first. */
  async all(): Promise<TraceRecord[]> {
    const records = await this.#store('readonly', (store) => promisifyRequest(store.getAll(prefixRange('trace'))));
    return searchTraces(records.map(readTrace), {}, 0, Number.MAX_SAFE_INTEGER).items;
  }

  /** One page of the traces matching `query`, newest first. */
  async list(query: TraceQuery = {}, offset = 0, limit = 50): Promise<TracePage> {
    const records = await this.#store('readonly', (store) => promisifyRequest(store.getAll(prefixRange('trace'))));
    return searchTraces(records.map(readTrace), query, offset, limit);
  }

  async facets(): Promise<TraceFacets> {
    return facetsOf(await this.all());
  }

  async count(): Promise<number> {
    return this.#store('readonly', (store) => promisifyRequest(store.count(prefixRange('time'))));
  }

  /**
   * Changes a trace in one transaction (read, `change`, write); `change` returns the new record,
   * or undefined to leave it as it is. Resolves with the stored record, or undefined if there is none.
   */
  async update(target: TraceTarget, change: (record: TraceRecord) => TraceRecord | undefined): Promise<TraceRecord | undefined> {
    return transact<TraceRecord | undefined>(this.#store, 'readwrite', undefined, (tx) => {
      const apply = (traceId: string): void =>
        tx.read(tx.store.get(traceKey(traceId)), (stored) => {
          if (stored === undefined) return;
          const current = readTrace(stored);
          const next = change(current);
          if (next === undefined) {
            tx.result = current;
            return;
          }
          if (next.traceId !== current.traceId || next.startTime !== current.startTime || next.messageId !== current.messageId) {
            throw new Error('A trace update may not change its id, start time or message.');
          }
          writeTrace(tx.store, next);
          tx.result = next;
        });
      if ('traceId' in target) apply(target.traceId);
      else this.#latestOf(tx, target.messageId, apply);
    });
  }

  /** Records the user's rating of an answer, replacing any earlier one; null removes it. */
  async setFeedback(target: TraceTarget, feedback: { rating: Rating; comment?: string } | null): Promise<TraceRecord | undefined> {
    const at = this.#clock.now();
    return this.update(target, ({ feedback: _previous, ...record }) => {
      if (feedback === null) return record;
      const comment = feedback.comment?.trim();
      const next: Feedback = { rating: feedback.rating, at, ...(comment ? { comment } : {}) };
      return { ...record, feedback: next };
    });
  }

  /** Feedback for the given answers, for showing the thumbs state of a conversation. */
  async feedbackFor(messageIds: readonly string[]): Promise<Map<string, Feedback>> {
    return transact(this.#store, 'readonly', new Map<string, Feedback>(), (tx) => {
      for (const messageId of new Set(messageIds)) {
        this.#latestOf(tx, messageId, (traceId) =>
          tx.read(tx.store.get(traceKey(traceId)), (stored) => {
            const feedback = stored === undefined ? undefined : readTrace(stored).feedback;
            if (feedback) tx.result.set(messageId, feedback);
          }),
        );
      }
    });
  }

  /** Stores evaluation results on a trace, replacing earlier results of the same evaluators. */
  async setEvals(traceId: string, results: readonly EvalResult[]): Promise<TraceRecord | undefined> {
    return this.update({ traceId }, (record) => ({
      ...record,
      evals: { ...record.evals, ...Object.fromEntries(results.map((result) => [result.name, result])) },
    }));
  }

  async delete(traceIds: readonly string[]): Promise<void> {
    await transact(this.#store, 'readwrite', undefined, (tx) => {
      for (const traceId of traceIds) {
        tx.read(tx.store.get(traceKey(traceId)), (stored) => {
          if (stored !== undefined) removeTrace(tx.store, entryOf(readTrace(stored)));
        });
      }
    });
  }

  async clear(): Promise<void> {
    await this.#store('readwrite', (store) => {
      store.clear();
      return promisifyRequest(store.transaction);
    });
  }

  /** Applies retention now (it also runs after every save and import). Resolves with how many were evicted. */
  async prune(): Promise<number> {
    const { evicted } = await transact(this.#store, 'readwrite', { evicted: 0 }, (tx) => this.#evict(tx));
    return evicted;
  }

  /**
   * Writes validated traces (see exchange.ts) in one transaction: all or nothing. Traces already
   * stored, or repeated, are skipped rather than doubled; traces past the retention age are skipped.
   */
  async importTraces(records: readonly TraceRecord[]): Promise<ImportResult> {
    const cutoff = this.#clock.now() - this.#retention.maxAgeMs;
    const initial: ImportResult & { evicted: number } = { added: 0, duplicates: 0, expired: 0, evicted: 0 };
    return transact(this.#store, 'readwrite', initial, (tx) => {
      const seen = new Set<string>();
      let pending = records.length;
      const settle = (): void => {
        if (--pending === 0) this.#evict(tx);
      };
      if (records.length === 0) return;
      for (const record of records) {
        tx.read(tx.store.getKey(traceKey(record.traceId)), (existing) => {
          if (existing !== undefined || seen.has(record.traceId)) tx.result.duplicates++;
          else if (record.startTime < cutoff) tx.result.expired++;
          else {
            seen.add(record.traceId);
            writeTrace(tx.store, record);
            tx.result.added++;
          }
          settle();
        });
      }
    });
  }

  /** Calls `then` with the newest trace id recorded for a message, if any. */
  #latestOf(tx: Transaction<unknown>, messageId: string, then: (traceId: string) => void): void {
    tx.read(tx.store.getAllKeys(prefixRange('message', messageId)), (keys) => {
      const last = keys.at(-1);
      if (Array.isArray(last) && typeof last[3] === 'string') then(last[3]);
    });
  }

  /** Deletes traces past the age limit, then the oldest beyond the count limit. */
  #evict(tx: Transaction<{ evicted: number }>): void {
    const { maxCount, maxAgeMs } = this.#retention;
    const cutoff = this.#clock.now() - maxAgeMs;
    const drop = (entries: unknown[]): void => {
      for (const entry of entries) removeTrace(tx.store, upgrade<TimeEntry>(entry, 'trace index entry'));
      tx.result.evicted += entries.length;
    };
    tx.read(tx.store.getAll(IDBKeyRange.bound(['time'], ['time', cutoff], false, true)), (expired) => {
      drop(expired);
      tx.read(tx.store.count(prefixRange('time')), (count) => {
        if (count > maxCount) tx.read(tx.store.getAll(prefixRange('time'), count - maxCount), drop);
      });
    });
  }
}

function readTrace(record: unknown): TraceRecord {
  const { schema: _schema, ...trace } = upgrade<TraceRecord & { schema: number }>(record, 'trace');
  return trace;
}

function writeTrace(store: IDBObjectStore, record: TraceRecord): void {
  const entry = entryOf(record);
  store.put(stamp(record), traceKey(record.traceId));
  store.put(stamp(entry), timeKey(entry));
  if (entry.messageId !== undefined) store.put(stamp({ traceId: entry.traceId }), messageKey({ ...entry, messageId: entry.messageId }));
}

function removeTrace(store: IDBObjectStore, entry: TimeEntry): void {
  store.delete(traceKey(entry.traceId));
  store.delete(timeKey(entry));
  if (entry.messageId !== undefined) store.delete(messageKey({ ...entry, messageId: entry.messageId }));
}

export function openTraceRepository(options: TraceRepositoryOptions = {}): TraceRepository {
  return new TraceRepository(createStore(...DATABASES.traces), options);
}
