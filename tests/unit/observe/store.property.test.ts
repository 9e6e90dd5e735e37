/**
 * TraceRepository against a model: any sequence of saves, imports and deletions keeps exactly
 * the traces the retention rules say (the newest `maxCount`, none older than `maxAgeMs`), each
 * byte for byte; every answer's latest trace is found by its message id; an import counts what
 * it added, skipped as duplicate and skipped as expired exactly.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { TraceRepository, type ImportResult } from '../../../src/lib/observe/store';
import type { AttributeValue, SpanRecord, TraceRecord } from '../../../src/lib/observe/types';
import { awkwardText, storedText } from '../storage/arbitraries';
import { STORE_BACKENDS } from '../storage/backends';

const NOW = Date.UTC(2026, 4, 12);
const MAX_AGE = 1000;
const TRACE_IDS = 6;
const MESSAGE_IDS = ['m1', 'm2', 'm3'];

const hex = (n: number, digits: number): string => n.toString(16).padStart(digits, '0');
const record = <T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }, requiredKeys?: Array<keyof T>): fc.Arbitrary<T> =>
  fc.record(model, { noNullPrototype: true, ...(requiredKeys ? { requiredKeys } : {}) }) as unknown as fc.Arbitrary<T>;

const attributeValue: fc.Arbitrary<AttributeValue> = fc.oneof(
  awkwardText,
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.array(awkwardText, { maxLength: 3 }),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.array(fc.boolean(), { maxLength: 3 }),
);
const attributes = fc.dictionary(awkwardText, attributeValue, { maxKeys: 4, noNullPrototype: true });
const traceError = record<{ code: string; message: string }>({ code: awkwardText, message: storedText });

const span: fc.Arbitrary<SpanRecord> = record<SpanRecord>(
  {
    spanId: fc.nat(0xffff).map((n) => hex(n, 16)),
    parentSpanId: fc.nat(0xffff).map((n) => hex(n, 16)),
    name: awkwardText,
    startTime: fc.double({ min: 0, max: NOW, noNaN: true }),
    endTime: fc.double({ min: 0, max: NOW, noNaN: true }),
    status: fc.constantFrom('unset' as const, 'ok' as const, 'error' as const),
    error: traceError,
    attributes,
  },
  ['spanId', 'parentSpanId', 'name', 'startTime', 'endTime', 'status', 'attributes'],
);

/** Start times cluster in a few values so ties (broken by trace id) are common, and some are past retention. */
const startTime = fc.oneof(
  fc.constantFrom(NOW - 10, NOW - 5.5, NOW - 5),
  fc.double({ min: NOW - MAX_AGE * 2, max: NOW, noNaN: true }),
);

const trace: fc.Arbitrary<TraceRecord> = record<TraceRecord>(
  {
    traceId: fc.nat(TRACE_IDS - 1).map((n) => hex(n + 1, 32)),
    spanId: fc.nat(0xffff).map((n) => hex(n, 16)),
    name: awkwardText,
    messageId: fc.constantFrom(...MESSAGE_IDS),
    conversationId: awkwardText,
    startTime,
    endTime: fc.double({ min: NOW - MAX_AGE * 2, max: NOW + MAX_AGE, noNaN: true }),
    status: fc.constantFrom('unset' as const, 'ok' as const, 'error' as const),
    error: traceError,
    attributes,
    spans: fc.array(span, { maxLength: 3 }),
    prompt: storedText,
    completion: storedText,
    chunks: fc.array(record({ id: awkwardText, text: storedText, source: awkwardText, score: fc.double({ noNaN: true }) }, ['id', 'text']), { maxLength: 2 }),
    feedback: record({ rating: fc.constantFrom('up' as const, 'down' as const), comment: awkwardText, at: fc.nat() }, ['rating', 'at']),
    evals: fc.dictionary(
      awkwardText,
      record({ name: awkwardText, score: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }), details: fc.constant({}), version: fc.nat(), at: fc.nat() }),
      { maxKeys: 2, noNullPrototype: true },
    ),
  },
  ['traceId', 'spanId', 'name', 'startTime', 'endTime', 'status', 'attributes', 'spans', 'prompt', 'completion'],
);

type Op = { kind: 'save'; trace: TraceRecord } | { kind: 'import'; traces: TraceRecord[] } | { kind: 'delete'; ids: number[] };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('save' as const), trace }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('import' as const), traces: fc.array(trace, { maxLength: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), ids: fc.array(fc.nat(TRACE_IDS), { maxLength: 2 }) }) },
);

/** Time-index order, as IndexedDB keeps ['time', startTime, traceId]: oldest first. */
const oldestFirst = (a: TraceRecord, b: TraceRecord): number => a.startTime - b.startTime || (a.traceId < b.traceId ? -1 : a.traceId > b.traceId ? 1 : 0);

class Model {
  readonly traces = new Map<string, TraceRecord>();
  constructor(private readonly maxCount: number) {}

  /** Retention as documented: past the age limit first, then the oldest beyond the count. */
  evict(): number {
    let evicted = 0;
    for (const [id, item] of this.traces) {
      if (item.startTime < NOW - MAX_AGE) {
        this.traces.delete(id);
        evicted++;
      }
    }
    const excess = [...this.traces.values()].sort(oldestFirst).slice(0, Math.max(0, this.traces.size - this.maxCount));
    for (const item of excess) this.traces.delete(item.traceId);
    return evicted + excess.length;
  }

  import(traces: readonly TraceRecord[]): ImportResult {
    const result: ImportResult = { added: 0, duplicates: 0, expired: 0, evicted: 0 };
    // Stored before the import, or added earlier in the same file.
    for (const item of traces) {
      if (this.traces.has(item.traceId)) result.duplicates++;
      else if (item.startTime < NOW - MAX_AGE) result.expired++;
      else {
        this.traces.set(item.traceId, item);
        result.added++;
      }
    }
    if (traces.length > 0) result.evicted = this.evict();
    return result;
  }

  latestOf(messageId: string): TraceRecord | undefined {
    return [...this.traces.values()].filter((item) => item.messageId === messageId).sort(oldestFirst).at(-1);
  }
}

describe.each(STORE_BACKENDS)('TraceRepository round trips (%s)', (_name, freshStore) => {
  test('saves, imports and deletes keep exactly what retention allows, byte for byte', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 5 }), fc.array(op, { minLength: 1, maxLength: 8 }), async (maxCount, ops) => {
        const repo = new TraceRepository(freshStore(), { retention: { maxCount, maxAgeMs: MAX_AGE }, clock: { now: () => NOW } });
        const model = new Model(maxCount);
        for (const step of ops) {
          if (step.kind === 'save') {
            model.traces.set(step.trace.traceId, step.trace);
            expect(await repo.save(step.trace)).toBe(model.evict());
          } else if (step.kind === 'import') {
            expect(await repo.importTraces(step.traces)).toEqual(model.import(step.traces));
          } else {
            const ids = step.ids.map((n) => hex(n + 1, 32));
            await repo.delete(ids);
            for (const id of ids) model.traces.delete(id);
          }
          // The list's order (query.ts): newest first, ties by trace id.
          const expected = [...model.traces.values()].sort((a, b) => b.startTime - a.startTime || (a.traceId < b.traceId ? -1 : 1));
          expect(await repo.all()).toStrictEqual(expected);
          expect(await repo.count()).toBe(expected.length);
          for (const item of expected) expect(await repo.get(item.traceId)).toStrictEqual(item);
          for (const messageId of MESSAGE_IDS) expect(await repo.getByMessage(messageId)).toStrictEqual(model.latestOf(messageId));
        }
      }),
      { numRuns: 60 },
    );
  });
});
