import { describe, expect, test } from 'vitest';
import { EXPORT_FORMAT, exportTraces, parseTraceExport, TraceImportError } from '../../../src/lib/observe/exchange';
import { isSecretKey } from '../../../src/lib/observe/scrub';
import { TraceRepository } from '../../../src/lib/observe/store';
import { toOtlp } from '../../../src/lib/observe/otlp';
import type { TraceRecord } from '../../../src/lib/observe/types';
import { freshStore } from '../helpers';
import { makeTrace } from './fakes';

const NOW = Date.UTC(2026, 0, 20);
const repo = (maxCount = 100) => new TraceRepository(freshStore('traces'), { retention: { maxCount, maxAgeMs: 365 * 86_400_000 }, clock: { now: () => NOW } });

function richTrace(id: number): TraceRecord {
  const base = makeTrace({ id, messageId: `m${id}`, templateId: 'qa', templateVersion: 2 });
  return {
    ...base,
    conversationId: 'c1',
    chunks: [{ id: 'doc#1', text: 'source text', source: 'notes.md', score: 0.8 }],
    feedback: { rating: 'down', comment: 'missed the point', at: NOW - 5 },
    evals: { relevance: { name: 'relevance', score: 0.4, details: { matched: ['x'] }, version: 1, at: NOW - 4 } },
    spans: [...base.spans, { ...base.spans[0]!, spanId: 'abcdefabcdef0001', parentSpanId: base.spans[0]!.spanId, name: 'render', status: 'error', error: { code: 'x', message: 'y' } }],
  };
}

const fileWith = (traces: unknown[], extra: Record<string, unknown> = {}) => JSON.stringify({ format: EXPORT_FORMAT, version: 1, exportedAt: '', app: {}, traces, ...extra });

describe('JSON export and import', () => {
  test('round-trips traces with spans, feedback and evaluation results', async () => {
    const source = repo();
    const traces = [richTrace(1), makeTrace({ id: 2 }), makeTrace({ id: 3, messageId: 'm3' })];
    for (const trace of traces) await source.save(trace);
    const file = JSON.stringify(exportTraces(await source.all(), { now: NOW, appVersion: '0.1.0' }));
    expect(JSON.parse(file)).toMatchObject({ format: 'hearth.traces', version: 1, exportedAt: '2026-01-20T00:00:00.000Z', app: { name: 'hearth', version: '0.1.0' } });

    const target = repo();
    expect(await target.importTraces(parseTraceExport(file))).toEqual({ added: 3, duplicates: 0, expired: 0, evicted: 0 });
    expect(await target.all()).toEqual(await source.all());
    expect(await target.getByMessage('m1')).toEqual(richTrace(1));
    expect(Object.fromEntries(await target.feedbackFor(['m1']))).toEqual({ m1: richTrace(1).feedback });
  });

  test('importing again skips duplicates instead of doubling them, also within one file', async () => {
    const target = repo();
    const file = fileWith([makeTrace({ id: 1 }), makeTrace({ id: 2 }), makeTrace({ id: 1 })]);
    expect(await target.importTraces(parseTraceExport(file))).toMatchObject({ added: 2, duplicates: 1 });
    expect(await target.importTraces(parseTraceExport(file))).toMatchObject({ added: 0, duplicates: 3 });
    expect(await target.count()).toBe(2);
  });

  test('import respects retention: expired traces are skipped, the count limit evicts the oldest', async () => {
    const target = repo(2);
    const old = makeTrace({ id: 1, at: NOW - 400 * 86_400_000 });
    const result = await target.importTraces(parseTraceExport(fileWith([old, makeTrace({ id: 2, at: NOW - 3 }), makeTrace({ id: 3, at: NOW - 2 }), makeTrace({ id: 4, at: NOW - 1 })])));
    expect(result).toEqual({ added: 3, duplicates: 0, expired: 1, evicted: 1 });
    expect((await target.all()).map((trace) => trace.prompt)).toEqual(['question 4', 'question 3']);
  });

  test.each([
    ['not JSON', 'nope {', /not JSON/],
    ['another format', JSON.stringify({ format: 'something-else', traces: [] }), /not a Hearth trace export/],
    ['an OTLP file', JSON.stringify(toOtlp([makeTrace({ id: 1 })])), /OpenTelemetry/],
    ['a newer version', fileWith([], { version: 2 }), /newer Hearth/],
    ['no version', fileWith([], { version: 'one' }), /no format version/],
    ['no trace list', fileWith([], { traces: {} }), /no list of traces/],
  ])('rejects %s', (_label, file, message) => {
    expect(() => parseTraceExport(file)).toThrow(TraceImportError);
    expect(() => parseTraceExport(file)).toThrow(message);
  });

  test.each<[string, (trace: Record<string, unknown>) => void, RegExp]>([
    ['a short trace id', (t) => (t.traceId = 'abc'), /traces\[1\]\.traceId is not 32 lowercase hex/],
    ['an upper-case span id', (t) => (t.spanId = 'ABCDEF0123456789'), /spanId is not 16 lowercase hex/],
    ['a time that is text', (t) => (t.startTime = '2026-01-01'), /needs startTime and endTime/],
    ['an end before the start', (t) => (t.endTime = 0), /ends before it starts/],
    ['an unknown status', (t) => (t.status = 'fine'), /status is not one of/],
    ['an object attribute', (t) => (t.attributes = { nested: { a: 1 } }), /attributes\.nested is not a string/],
    ['a mixed array attribute', (t) => (t.attributes = { list: [1, 'a'] }), /attributes\.list/],
    ['a span pointing outside', (t) => ((t.spans as Array<Record<string, unknown>>)[0]!.parentSpanId = 'ffffffffffffffff'), /points outside the trace/],
    ['a repeated span id', (t) => (t.spans = [...(t.spans as unknown[]), (t.spans as unknown[])[0]]), /used twice/],
    ['a bad rating', (t) => (t.feedback = { rating: 'meh', at: 1 }), /feedback needs a rating/],
    ['an eval score above 1', (t) => (t.evals = { pii: { name: 'pii', score: 3, details: {}, version: 1, at: 1 } }), /score is not null or a number from 0 to 1/],
    ['an eval filed under another name', (t) => (t.evals = { pii: { name: 'judge', score: 1, details: {}, version: 1, at: 1 } }), /not a result of the evaluator "pii"/],
    ['a missing prompt', (t) => delete t.prompt, /prompt is not text/],
  ])('rejects a corrupt record: %s, naming the problem', async (_label, corrupt, message) => {
    const bad = structuredClone(makeTrace({ id: 2 })) as unknown as Record<string, unknown>;
    corrupt(bad);
    const file = fileWith([makeTrace({ id: 1 }), bad]);
    expect(() => parseTraceExport(file)).toThrow(message);
    expect(() => parseTraceExport(file)).toThrow(/^Nothing was imported/);
  });

  test('a looping span tree is rejected', () => {
    const trace = makeTrace({ id: 1 });
    const a = { ...trace.spans[0]!, spanId: 'aaaaaaaaaaaaaaaa', parentSpanId: 'bbbbbbbbbbbbbbbb' };
    const b = { ...trace.spans[0]!, spanId: 'bbbbbbbbbbbbbbbb', parentSpanId: 'aaaaaaaaaaaaaaaa' };
    expect(() => parseTraceExport(fileWith([{ ...trace, spans: [a, b] }]))).toThrow(/part of a loop/);
  });

  test('many problems are summarised, not listed endlessly', () => {
    const file = fileWith(Array.from({ length: 20 }, () => ({})));
    expect(() => parseTraceExport(file)).toThrow(/problems: .*\(and \d+ more\)\.$/);
  });

  test('unknown fields are dropped on import', () => {
    const [record] = parseTraceExport(fileWith([{ ...makeTrace({ id: 1 }), injected: '<script>' }]));
    expect(record).not.toHaveProperty('injected');
  });
});

describe('secrets never leave in an export', () => {
  test('attribute keys that name a credential', () => {
    for (const key of ['api_key', 'x-api-key', 'apiKey', 'OPENAI_API_KEY', 'hearth.remote.auth.token', 'authorization', 'db.password', 'client_secret', 'session.cookie', 'access_key_id', 'auth']) {
      expect(isSecretKey(key), key).toBe(true);
    }
    for (const key of ['gen_ai.usage.input_tokens', 'gen_ai.request.max_tokens', 'hearth.time_to_first_token_ms', 'hearth.cache.hit', 'author', 'tokenizer', 'hearth.template.id', 'keyboard']) {
      expect(isSecretKey(key), key).toBe(false);
    }
  });

  test('the JSON export strips secret attributes and redacts keys in any text; PII only on request', () => {
    const key = `ghp_${'Zz9Yy8Xx7Ww6'.repeat(3)}`;
    const trace: TraceRecord = {
      ...makeTrace({ id: 1, prompt: `use ${key} and mail me at jane@example.com`, attributes: { 'hearth.remote.api_key': key, 'hearth.remote.url': 'https://llm.example' } }),
      spans: [{ ...makeTrace({ id: 1 }).spans[0]!, attributes: { authorization: `Bearer ${key}`, 'http.url': `https://x/?token=${key}` } }],
      evals: { judge: { name: 'judge', score: 0.5, details: { output: `the key ${key}` }, version: 1, at: 1 } },
    };
    const text = JSON.stringify(exportTraces([trace]));
    expect(text).not.toContain(key);
    expect(text).not.toContain('api_key');
    expect(text).not.toContain('authorization');
    expect(text).toContain('https://llm.example');
    expect(text).toContain('jane@example.com');
    expect(JSON.stringify(exportTraces([trace], { redactPii: true }))).not.toContain('jane@example.com');
    // What was exported still imports.
    expect(parseTraceExport(text)).toHaveLength(1);
  });
});
