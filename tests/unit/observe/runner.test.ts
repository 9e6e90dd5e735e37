import { describe, expect, test, vi } from 'vitest';
import { judgeEvaluator } from '../../../src/lib/observe/eval/judge';
import type { Evaluator } from '../../../src/lib/observe/eval/types';
import { EvalRunner, idle } from '../../../src/lib/observe/runner';
import { TraceRepository } from '../../../src/lib/observe/store';
import { freshStore } from '../helpers';
import { makeTrace } from './fakes';

const CHUNK = { id: 'c1', text: 'The Eiffel Tower is 330 metres tall.' };

async function setup(options: { pause?: () => Promise<void> } = {}) {
  // Fixture traces are dated January 2026; retention judges them by this clock.
  const repo = new TraceRepository(freshStore('traces'), { clock: { now: () => Date.UTC(2026, 0, 16) } });
  const evaluated = vi.fn();
  const errors = vi.fn();
  const runner = new EvalRunner({ repo, clock: { now: () => 42 }, onEvaluated: evaluated, onError: errors, ...options });
  const traces = [
    makeTrace({ id: 1, prompt: 'How tall is the Eiffel Tower?', completion: 'The Eiffel Tower is 330 metres tall.', extra: { chunks: [CHUNK] } }),
    makeTrace({ id: 2, prompt: 'Who should I email?', completion: 'Write to jane.doe@example.com.' }),
    makeTrace({ id: 3, prompt: 'Anything', completion: 'partial', extra: { status: 'error' } }),
  ];
  for (const trace of traces) await repo.save(trace);
  return { repo, runner, evaluated, errors, traces };
}

describe('EvalRunner', () => {
  test('evaluates a queued trace in the background and stores the results on it', async () => {
    const { repo, runner, evaluated, traces } = await setup();
    runner.enqueue(traces[0]!.traceId);
    runner.enqueue(traces[1]!.traceId);
    // enqueue returns before any evaluator ran.
    expect(evaluated).not.toHaveBeenCalled();
    await runner.whenIdle();
    const first = await repo.get(traces[0]!.traceId);
    expect(first!.evals).toEqual({
      relevance: expect.objectContaining({ name: 'relevance', score: 1, version: 1, at: 42 }),
      groundedness: expect.objectContaining({ name: 'groundedness', score: 1 }),
      pii: expect.objectContaining({ name: 'pii', score: 1 }),
    });
    const second = await repo.get(traces[1]!.traceId);
    expect(second!.evals).toMatchObject({ groundedness: { score: null }, pii: { score: 0 } });
    expect(evaluated).toHaveBeenCalledTimes(2);
  });

  test('yields between evaluators', async () => {
    const order: string[] = [];
    const pause = vi.fn(async () => {
      order.push('pause');
      await idle();
    });
    const { runner, traces } = await setup({ pause });
    const spy = (name: string): Evaluator => ({ name, version: 1, evaluate: () => (order.push(name), { name, score: 1, details: {} }) });
    await runner.evaluate(traces[0]!, [spy('a'), spy('b'), spy('c')]);
    expect(order).toEqual(['pause', 'a', 'pause', 'b', 'pause', 'c']);
  });

  test('skips failed answers and unknown traces; a throwing evaluator gives a null score', async () => {
    const { repo, runner, traces, errors } = await setup();
    const broken: Evaluator = {
      name: 'broken',
      version: 1,
      evaluate: () => {
        throw new Error('kaput');
      },
    };
    runner.enqueue(traces[2]!.traceId);
    runner.enqueue('f'.repeat(32));
    await runner.whenIdle();
    expect((await repo.get(traces[2]!.traceId))!.evals).toBeUndefined();
    expect(await runner.evaluate(traces[0]!, [broken])).toEqual([{ name: 'broken', score: null, details: { error: 'kaput' }, version: 1, at: 42 }]);
    expect(errors).not.toHaveBeenCalled();
  });

  test('runs over past traces with progress, the judge included on demand', async () => {
    const { repo, runner, traces } = await setup();
    const complete = vi.fn(async () => '{"score": 4, "reason": "fine"}');
    const progress = vi.fn();
    const result = await runner.runOver({ evaluators: [judgeEvaluator(complete)], onProgress: progress });
    expect(result).toEqual({ done: 2, total: 2, cancelled: false });
    expect(progress.mock.calls.map(([p]) => p)).toEqual([
      { done: 0, total: 2 },
      { done: 1, total: 2 },
      { done: 2, total: 2 },
    ]);
    expect(complete).toHaveBeenCalledTimes(2);
    expect((await repo.get(traces[0]!.traceId))!.evals!.judge).toMatchObject({ score: 0.75, details: { reason: 'fine' } });
  });

  test('onlyMissing skips traces already evaluated by the same evaluator versions', async () => {
    const { runner, traces } = await setup();
    await runner.runOver({ traceIds: [traces[0]!.traceId] });
    expect(await runner.runOver({ onlyMissing: true })).toMatchObject({ total: 1 });
    expect(await runner.runOver({ onlyMissing: true })).toMatchObject({ total: 0 });
  });

  test('cancel stops a run part-way and keeps what was stored', async () => {
    const { repo, runner, traces } = await setup();
    const abort = new AbortController();
    const result = await runner.runOver({
      onProgress: ({ done }) => {
        if (done === 1) abort.abort();
      },
      signal: abort.signal,
    });
    expect(result).toEqual({ done: 1, total: 2, cancelled: true });
    const evaluated = await Promise.all(traces.slice(0, 2).map(async (trace) => (await repo.get(trace.traceId))!.evals !== undefined));
    expect(evaluated.filter(Boolean)).toHaveLength(1);
  });

  test('storage failures are reported and the queue goes on', async () => {
    const { repo, runner, traces, errors } = await setup();
    const setEvals = vi.spyOn(repo, 'setEvals').mockRejectedValueOnce(new Error('quota'));
    runner.enqueue(traces[0]!.traceId);
    runner.enqueue(traces[1]!.traceId);
    await runner.whenIdle();
    expect(errors).toHaveBeenCalledWith(new Error('quota'));
    expect(setEvals).toHaveBeenCalledTimes(2);
    expect((await repo.get(traces[1]!.traceId))!.evals).toBeDefined();
  });
});
