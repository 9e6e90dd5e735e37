import { promisifyRequest } from 'idb-keyval';
import { describe, expect, test } from 'vitest';
import { TraceRepository, type Retention } from '../../../src/lib/observe/store';
import { SCHEMA_VERSION } from '../../../src/lib/storage/schema';
import { freshStore } from '../helpers';
import { makeTrace } from './fakes';

const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.UTC(2026, 0, 15);

function setup(retention: Retention = { maxCount: 100, maxAgeMs: 365 * DAY }) {
  const clock = { t: T0 + DAY, now: () => clock.t };
  const store = freshStore('traces');
  return { store, clock, repo: new TraceRepository(store, { retention, clock }) };
}

describe('TraceRepository', () => {
  test('stores traces with a schema version on every record, and finds them by trace and message id', async () => {
    const { repo, store } = setup();
    const first = makeTrace({ id: 1, messageId: 'm1', at: T0 });
    const retry = makeTrace({ id: 2, messageId: 'm1', at: T0 + 10 });
    await repo.save(first);
    await repo.save(retry);
    await repo.save(makeTrace({ id: 3 }));
    expect(await repo.get(first.traceId)).toEqual(first);
    expect(await repo.getByMessage('m1')).toEqual(retry);
    expect(await repo.getByMessage('nope')).toBeUndefined();
    expect(await repo.get('f'.repeat(32))).toBeUndefined();
    const raw = await store('readonly', (s) => promisifyRequest(s.getAll()));
    expect(raw.length).toBe(3 + 3 + 2);
    expect(raw.every((record: { schema?: number }) => record.schema === SCHEMA_VERSION)).toBe(true);
    expect(await repo.count()).toBe(3);
  });

  test('saving a trace again replaces it without leaving stale index entries', async () => {
    const { repo, store } = setup();
    await repo.save(makeTrace({ id: 1, messageId: 'm1', at: T0 }));
    await repo.save(makeTrace({ id: 1, messageId: 'm2', at: T0 + 5, completion: 'edited' }));
    expect((await repo.all()).map((trace) => trace.completion)).toEqual(['edited']);
    expect(await repo.getByMessage('m1')).toBeUndefined();
    expect(await store('readonly', (s) => promisifyRequest(s.count()))).toBe(3);
  });

  test('retention evicts the oldest beyond the count limit', async () => {
    const { repo } = setup({ maxCount: 3, maxAgeMs: 365 * DAY });
    // Saved out of order: eviction goes by start time, not by insertion.
    for (const id of [5, 1, 4, 2]) await repo.save(makeTrace({ id, at: T0 + id * 1000, messageId: `m${id}` }));
    expect((await repo.all()).map((trace) => trace.prompt)).toEqual(['question 5', 'question 4', 'question 2']);
    expect(await repo.save(makeTrace({ id: 3, at: T0 + 3000 }))).toBe(1);
    expect((await repo.all()).map((trace) => trace.prompt)).toEqual(['question 5', 'question 4', 'question 3']);
    expect(await repo.getByMessage('m2')).toBeUndefined();
    expect(await repo.count()).toBe(3);
  });

  test('retention evicts traces older than the age limit, by the injected clock', async () => {
    const { repo, clock } = setup({ maxCount: 100, maxAgeMs: 7 * DAY });
    await repo.save(makeTrace({ id: 1, at: T0 }));
    await repo.save(makeTrace({ id: 2, at: T0 + 3 * DAY }));
    expect(await repo.count()).toBe(2);
    clock.t = T0 + 8 * DAY;
    expect(await repo.prune()).toBe(1);
    expect((await repo.all()).map((trace) => trace.prompt)).toEqual(['question 2']);
    clock.t = T0 + 20 * DAY;
    await repo.save(makeTrace({ id: 3, at: clock.t }));
    expect((await repo.all()).map((trace) => trace.prompt)).toEqual(['question 3']);
  });

  test('feedback is linked by message or trace id; giving it again replaces it; null removes it', async () => {
    const { repo, clock } = setup();
    await repo.save(makeTrace({ id: 1, messageId: 'm1' }));
    await repo.save(makeTrace({ id: 2, messageId: 'm2' }));
    await repo.setFeedback({ messageId: 'm1' }, { rating: 'down', comment: '  wrong year  ' });
    clock.t += 1000;
    const updated = await repo.setFeedback({ messageId: 'm1' }, { rating: 'up' });
    expect(updated?.feedback).toEqual({ rating: 'up', at: clock.t });
    await repo.setFeedback({ traceId: makeTrace({ id: 2 }).traceId }, { rating: 'down', comment: 'too long' });
    const feedback = await repo.feedbackFor(['m1', 'm2', 'm3']);
    expect(Object.fromEntries(feedback)).toEqual({ m1: { rating: 'up', at: clock.t }, m2: { rating: 'down', comment: 'too long', at: clock.t } });
    await repo.setFeedback({ messageId: 'm2' }, null);
    expect((await repo.getByMessage('m2'))?.feedback).toBeUndefined();
    expect(await repo.setFeedback({ messageId: 'unknown' }, { rating: 'up' })).toBeUndefined();
  });

  test('concurrent feedback and evaluation results do not overwrite each other', async () => {
    const { repo } = setup();
    const trace = makeTrace({ id: 1, messageId: 'm1' });
    await repo.save(trace);
    await Promise.all([
      repo.setEvals(trace.traceId, [{ name: 'relevance', score: 0.5, details: {}, version: 1, at: 1 }]),
      repo.setFeedback({ messageId: 'm1' }, { rating: 'up' }),
      repo.setEvals(trace.traceId, [{ name: 'pii', score: 1, details: {}, version: 1, at: 2 }]),
    ]);
    const stored = await repo.get(trace.traceId);
    expect(Object.keys(stored!.evals!).sort()).toEqual(['pii', 'relevance']);
    expect(stored!.feedback?.rating).toBe('up');
  });

  test('an update that throws changes nothing', async () => {
    const { repo } = setup();
    const trace = makeTrace({ id: 1 });
    await repo.save(trace);
    await expect(repo.update({ traceId: trace.traceId }, (record) => ({ ...record, startTime: 0 }))).rejects.toThrow(/may not change/);
    expect(await repo.get(trace.traceId)).toEqual(trace);
  });

  test('delete and clear', async () => {
    const { repo, store } = setup();
    await repo.save(makeTrace({ id: 1, messageId: 'm1' }));
    await repo.save(makeTrace({ id: 2 }));
    await repo.delete([makeTrace({ id: 1 }).traceId, 'f'.repeat(32)]);
    expect((await repo.all()).length).toBe(1);
    expect(await store('readonly', (s) => promisifyRequest(s.count()))).toBe(2);
    await repo.clear();
    expect(await repo.all()).toEqual([]);
  });
});

describe('TraceRepository.list: search and filters', () => {
  async function seeded() {
    const { repo } = setup();
    const traces = [
      makeTrace({ id: 1, at: T0 + 1000, model: 'llama', templateId: 'qa', templateVersion: 1, prompt: 'How tall is the Eiffel Tower?', completion: '330 metres.' }),
      makeTrace({ id: 2, at: T0 + 2000, model: 'qwen', templateId: 'qa', templateVersion: 2, prompt: 'Best café in Paris?', completion: 'Try Café de Flore.' }),
      makeTrace({ id: 3, at: T0 + 3000, model: 'llama', templateId: 'qa', templateVersion: 2, prompt: 'Summarise this', completion: 'A summary about towers.', extra: { status: 'error', error: { code: 'aborted', message: 'stopped' } } }),
      makeTrace({ id: 4, at: T0 + 4000, model: 'qwen', prompt: 'Write a haiku', completion: 'Autumn moonlight' }),
    ];
    for (const trace of traces) await repo.save(trace);
    await repo.setFeedback({ traceId: traces[0]!.traceId }, { rating: 'up' });
    await repo.setFeedback({ traceId: traces[1]!.traceId }, { rating: 'down' });
    return repo;
  }
  const ids = (page: { items: Array<{ prompt: string }> }) => page.items.map((item) => item.prompt.split(' ')[0]);

  test('newest first, paged, with the total', async () => {
    const repo = await seeded();
    const first = await repo.list({}, 0, 3);
    expect(ids(first)).toEqual(['Write', 'Summarise', 'Best']);
    expect(first.total).toBe(4);
    expect(ids(await repo.list({}, 3, 3))).toEqual(['How']);
  });

  test('text search covers prompt, completion, model and template; all words must match; accents ignored', async () => {
    const repo = await seeded();
    expect(ids(await repo.list({ text: 'tower' }))).toEqual(['Summarise', 'How']);
    expect(ids(await repo.list({ text: 'cafe paris' }))).toEqual(['Best']);
    expect(ids(await repo.list({ text: 'QWEN haiku' }))).toEqual(['Write']);
    expect(ids(await repo.list({ text: '"de flore"' }))).toEqual(['Best']);
    expect((await repo.list({ text: 'tower banana' })).total).toBe(0);
  });

  test('filters by model, template version, feedback, status and date range', async () => {
    const repo = await seeded();
    expect(ids(await repo.list({ model: 'llama' }))).toEqual(['Summarise', 'How']);
    expect(ids(await repo.list({ templateId: 'qa', templateVersion: '2' }))).toEqual(['Summarise', 'Best']);
    expect(ids(await repo.list({ templateVersion: 1 }))).toEqual(['How']);
    expect(ids(await repo.list({ feedback: 'up' }))).toEqual(['How']);
    expect(ids(await repo.list({ feedback: 'rated' }))).toEqual(['Best', 'How']);
    expect(ids(await repo.list({ feedback: 'unrated' }))).toEqual(['Write', 'Summarise']);
    expect(ids(await repo.list({ status: 'error' }))).toEqual(['Summarise']);
    expect(ids(await repo.list({ from: T0 + 2000, to: T0 + 4000 }))).toEqual(['Summarise', 'Best']);
    expect(ids(await repo.list({ model: 'qwen', feedback: 'down', text: 'paris' }))).toEqual(['Best']);
  });

  test('facets list the values to filter by', async () => {
    const repo = await seeded();
    expect(await repo.facets()).toEqual({
      models: ['llama', 'qwen'],
      appVersions: ['0.1.0'],
      templates: [
        { id: 'qa', version: '1' },
        { id: 'qa', version: '2' },
      ],
    });
  });
});
