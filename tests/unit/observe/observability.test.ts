import { describe, expect, test } from 'vitest';
import { judgeEvaluator } from '../../../src/lib/observe/eval/judge';
import { Observability } from '../../../src/lib/observe/observability.svelte';
import { TraceRepository } from '../../../src/lib/observe/store';
import { TraceImportError } from '../../../src/lib/observe/exchange';
import { freshStore } from '../helpers';
import { fakeClock } from './fakes';
import { validateOtlpTraces } from './otlp-shape';

const EPOCH = Date.UTC(2026, 0, 15, 12);

function setup() {
  const clock = fakeClock(EPOCH);
  const repo = new TraceRepository(freshStore('traces'), { clock: { now: () => clock.wall!() } });
  const errors: unknown[] = [];
  const observe = new Observability({
    repo,
    tracer: { clock, appVersion: '0.1.0' },
    runner: { pause: async () => {} },
    pageSize: 2,
    onError: (error) => errors.push(error),
  });
  /** One generation, traced the way the chat will trace it. */
  async function answer(messageId: string, question: string, reply: string, templateVersion: number, ttft = 100) {
    const trace = observe.tracer.startTrace('chat', {
      messageId,
      conversationId: 'c1',
      prompt: question,
      info: { model: 'demo-model', engine: 'scripted', templateId: 'qa', templateVersion, sampling: { temperature: 0.7 } },
    });
    trace.span('prompt.render', () => clock.advance(1));
    const decode = trace.startSpan('decode');
    clock.advance(ttft);
    decode.end();
    trace.end({ completion: reply, result: { usage: { promptTokens: 10, completionTokens: 5 }, timings: { timeToFirstTokenMs: ttft, totalMs: ttft + 50, decodeTokensPerSecond: 20 } } });
    clock.advance(1000);
    await observe.settled();
  }
  return { observe, repo, clock, errors, answer };
}

describe('Observability', () => {
  test('a traced generation is stored, evaluated in the background and listed', async () => {
    const { observe, answer, errors } = setup();
    await observe.search();
    await answer('m1', 'How tall is the Eiffel Tower?', 'The Eiffel Tower is 330 metres tall.', 1);
    expect(observe.page.total).toBe(1);
    const [item] = observe.page.items;
    expect(item).toMatchObject({ messageId: 'm1', prompt: 'How tall is the Eiffel Tower?', status: 'ok' });
    expect(item!.spans.map((span) => span.name)).toEqual(['prompt.render', 'decode']);
    expect(item!.evals).toMatchObject({ relevance: { score: 1 }, pii: { score: 1 }, groundedness: { score: null } });
    expect(observe.facets.models).toEqual(['demo-model']);
    expect(errors).toEqual([]);
  });

  test('feedback on an answer shows in the open trace and the leaderboard', async () => {
    const { observe, answer } = setup();
    await answer('m1', 'Capital of France?', 'Paris is the capital of France.', 1, 100);
    await answer('m2', 'Capital of Spain?', 'Madrid is the capital of Spain.', 2, 60);
    await answer('m3', 'Capital of Italy?', 'Rome is the capital of Italy.', 2, 80);
    await observe.loadLeaderboard();
    await observe.openForMessage('m2');
    expect(await observe.setFeedback('m2', 'down', 'too short')).toBe(true);
    expect(await observe.setFeedback('m2', 'up')).toBe(true);
    expect(await observe.setFeedback('m3', 'down')).toBe(true);
    expect(await observe.setFeedback('unknown', 'up')).toBe(false);
    await observe.settled();
    expect(observe.selected?.feedback).toMatchObject({ rating: 'up' });
    expect(observe.selected?.feedback).not.toHaveProperty('comment');
    expect(Object.fromEntries([...(await observe.feedbackFor(['m1', 'm2', 'm3']))].map(([id, feedback]) => [id, feedback.rating]))).toEqual({ m2: 'up', m3: 'down' });

    await observe.loadLeaderboard();
    expect(observe.rows.map((row) => [row.templateVersion, row.answers, row.rated, row.meanFeedback, row.medianTtftMs])).toEqual([
      ['2', 2, 2, 0.5, 70],
      ['1', 1, 0, null, 100],
    ]);
    observe.sortBy('medianTtftMs');
    expect(observe.rows.map((row) => row.templateVersion)).toEqual(['2', '1']);
    observe.sortBy('medianTtftMs');
    expect(observe.sort).toEqual({ column: 'medianTtftMs', direction: 'desc' });
    expect(observe.rows.map((row) => row.templateVersion)).toEqual(['1', '2']);

    // Click-through from a row lists exactly its traces.
    await observe.showRow(observe.rows.find((row) => row.templateVersion === '2')!);
    expect(observe.page.items.map((item) => item.messageId)).toEqual(['m3', 'm2']);
  });

  test('search, filters and paging', async () => {
    const { observe, answer } = setup();
    for (const [index, country] of ['France', 'Spain', 'Italy', 'Peru', 'Chile'].entries()) {
      await answer(`m${index}`, `Capital of ${country}?`, `The capital of ${country}.`, index % 2);
    }
    await observe.search({});
    expect(observe.page.items.map((item) => item.messageId)).toEqual(['m4', 'm3']);
    expect(observe.hasNextPage).toBe(true);
    await observe.nextPage();
    await observe.nextPage();
    expect(observe.page.items.map((item) => item.messageId)).toEqual(['m0']);
    expect(observe.hasNextPage).toBe(false);
    await observe.previousPage();
    expect(observe.page.offset).toBe(2);
    await observe.search({ templateVersion: 1, text: 'capital' });
    expect(observe.page.items.map((item) => item.messageId)).toEqual(['m3', 'm1']);
    expect(observe.page.total).toBe(2);
  });

  test('evaluating past traces reports progress and can be cancelled', async () => {
    const { observe, answer } = setup();
    for (const id of ['a', 'b', 'c']) await answer(id, `Question ${id}?`, `Answer ${id}.`, 1);
    let release: () => void = () => {};
    const judge = judgeEvaluator(
      () =>
        new Promise<string>((resolve) => {
          release = () => resolve('{"score": 5}');
        }),
    );
    const running = observe.evaluatePast({ evaluators: [judge] });
    await expect.poll(() => observe.evaluation).toMatchObject({ running: true, done: 0, total: 3 });
    release();
    await expect.poll(() => observe.evaluation.done).toBe(1);
    observe.cancelEvaluation();
    release();
    await running;
    expect(observe.evaluation).toEqual({ running: false, done: 1, total: 3, cancelled: true });
    await observe.search();
    expect(observe.page.items.some((item) => item.evals?.judge?.score === 1)).toBe(true);
  });

  test('exports JSON and OTLP, and a bad import writes nothing', async () => {
    const { observe, answer, repo } = setup();
    await answer('m1', 'q one', 'a one', 1);
    await answer('m2', 'q two', 'a two', 2);
    const json = await observe.exportJson();
    const otlp = JSON.parse(await observe.exportOtlp({ query: { templateVersion: 2 } }));
    expect(validateOtlpTraces(otlp)).toEqual([]);
    expect(otlp.resourceSpans[0].scopeSpans[0].spans.filter((span: { parentSpanId?: string }) => !span.parentSpanId)).toHaveLength(1);

    await observe.clearAll();
    expect(await repo.count()).toBe(0);
    const broken = JSON.parse(json);
    broken.traces[1].spans[0].parentSpanId = 'ffffffffffffffff';
    await expect(observe.importJson(JSON.stringify(broken))).rejects.toThrow(TraceImportError);
    expect(await repo.count()).toBe(0);
    expect(await observe.importJson(json)).toMatchObject({ added: 2, duplicates: 0 });
    expect(await observe.importJson(json)).toMatchObject({ added: 0, duplicates: 2 });
    expect((await observe.openForMessage('m1'))?.completion).toBe('a one');
  });

  test('a storage failure while recording is reported, not thrown into the chat', async () => {
    const { observe, repo, errors } = setup();
    repo.save = async () => {
      throw new Error('QuotaExceededError');
    };
    observe.tracer.startTrace().end();
    await observe.settled();
    expect(errors).toEqual([new Error('QuotaExceededError')]);
  });
});
