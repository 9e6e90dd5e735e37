import { describe, expect, test } from 'vitest';
import { leaderboard, median, sortLeaderboard, type LeaderboardRow } from '../../../src/lib/observe/leaderboard';
import type { EvalResult, Rating, TraceRecord } from '../../../src/lib/observe/types';
import { makeTrace, type TraceFixture } from './fakes';

const evalOf = (name: string, score: number | null): EvalResult => ({ name, score, details: {}, version: 1, at: 0 });

function trace(fixture: TraceFixture & { rating?: Rating; relevance?: number | null; pii?: number }): TraceRecord {
  const record = makeTrace(fixture);
  const evals: Record<string, EvalResult> = {};
  if (fixture.relevance !== undefined) evals.relevance = evalOf('relevance', fixture.relevance);
  if (fixture.pii !== undefined) evals.pii = evalOf('pii', fixture.pii);
  return {
    ...record,
    ...(fixture.rating ? { feedback: { rating: fixture.rating, at: 0 } } : {}),
    ...(Object.keys(evals).length ? { evals } : {}),
  };
}

const TRACES: TraceRecord[] = [
  // llama × qa v1: 3 answers, 2 rated (up, down), relevance 1 / 0.5 / null
  trace({ id: 1, model: 'llama', templateId: 'qa', templateVersion: 1, rating: 'up', relevance: 1, pii: 1, ttftMs: 100, tokensPerSecond: 30 }),
  trace({ id: 2, model: 'llama', templateId: 'qa', templateVersion: 1, rating: 'down', relevance: 0.5, ttftMs: 300, tokensPerSecond: 10 }),
  trace({ id: 3, model: 'llama', templateId: 'qa', templateVersion: 1, relevance: null, ttftMs: 200 }),
  // llama × qa v2: 2 answers, both up; one error
  trace({ id: 4, model: 'llama', templateId: 'qa', templateVersion: 2, rating: 'up', relevance: 0.9, ttftMs: 50, tokensPerSecond: 40 }),
  trace({ id: 5, model: 'llama', templateId: 'qa', templateVersion: '2', rating: 'up', ttftMs: 70, tokensPerSecond: 44, extra: { status: 'error' } }),
  // qwen, no template: 1 answer, nothing rated or timed
  trace({ id: 6, model: 'qwen' }),
  // same model and template on another app version: its own row
  trace({ id: 7, model: 'llama', templateId: 'qa', templateVersion: 1, appVersion: '0.2.0', rating: 'down' }),
];

const find = (rows: LeaderboardRow[], model: string, version: string | null, app = '0.1.0') =>
  rows.find((row) => row.model === model && row.templateVersion === version && row.appVersion === app)!;

describe('leaderboard', () => {
  test('groups by app version × model × template version, with counts', () => {
    const { rows, evalNames } = leaderboard(TRACES);
    expect(rows).toHaveLength(4);
    expect(evalNames).toEqual(['pii', 'relevance']);
    const v1 = find(rows, 'llama', '1');
    expect(v1).toMatchObject({ templateId: 'qa', answers: 3, rated: 2, errors: 0 });
    expect(v1.traceIds).toEqual([TRACES[2]!.traceId, TRACES[1]!.traceId, TRACES[0]!.traceId]);
    // 2 and "2" are one version.
    expect(find(rows, 'llama', '2')).toMatchObject({ answers: 2, rated: 2, errors: 1 });
    expect(find(rows, 'qwen', null)).toMatchObject({ templateId: null, answers: 1, rated: 0 });
    expect(find(rows, 'llama', '1', '0.2.0')).toMatchObject({ answers: 1, rated: 1 });
  });

  test('means ignore what is missing; medians of odd and even counts', () => {
    const { rows } = leaderboard(TRACES);
    const v1 = find(rows, 'llama', '1');
    expect(v1.meanFeedback).toBe(0.5);
    expect(v1.evals).toEqual({ relevance: { mean: 0.75, count: 2 }, pii: { mean: 1, count: 1 } });
    expect(v1.medianTtftMs).toBe(200);
    expect(v1.medianTokensPerSecond).toBe(20);
    const v2 = find(rows, 'llama', '2');
    expect(v2).toMatchObject({ meanFeedback: 1, medianTtftMs: 60, medianTokensPerSecond: 42 });
    expect(v2.evals).toEqual({ relevance: { mean: 0.9, count: 1 }, pii: { mean: null, count: 0 } });
    const qwen = find(rows, 'qwen', null);
    expect(qwen).toMatchObject({ meanFeedback: null, medianTtftMs: null, medianTokensPerSecond: null });
    expect(find(rows, 'llama', '1', '0.2.0').meanFeedback).toBe(0);
  });

  test('sorts by any column, rows without a value last either way', () => {
    const { rows } = leaderboard(TRACES);
    const order = (column: Parameters<typeof sortLeaderboard>[1]['column'], direction: 'asc' | 'desc') =>
      sortLeaderboard(rows, { column, direction }).map((row) => `${row.appVersion}/${row.model}/${row.templateVersion}`);
    expect(order('answers', 'desc')).toEqual(['0.1.0/llama/1', '0.1.0/llama/2', '0.1.0/qwen/null', '0.2.0/llama/1']);
    expect(order('meanFeedback', 'desc')).toEqual(['0.1.0/llama/2', '0.1.0/llama/1', '0.2.0/llama/1', '0.1.0/qwen/null']);
    expect(order('meanFeedback', 'asc')).toEqual(['0.2.0/llama/1', '0.1.0/llama/1', '0.1.0/llama/2', '0.1.0/qwen/null']);
    expect(order('medianTtftMs', 'asc')).toEqual(['0.1.0/llama/2', '0.1.0/llama/1', '0.1.0/qwen/null', '0.2.0/llama/1']);
    expect(order('medianTtftMs', 'desc')).toEqual(['0.1.0/llama/1', '0.1.0/llama/2', '0.1.0/qwen/null', '0.2.0/llama/1']);
    expect(order('eval:relevance', 'desc').slice(0, 2)).toEqual(['0.1.0/llama/2', '0.1.0/llama/1']);
    expect(order('model', 'desc')[0]).toBe('0.1.0/qwen/null');
    expect(order('template', 'asc')).toEqual(['0.1.0/llama/1', '0.2.0/llama/1', '0.1.0/llama/2', '0.1.0/qwen/null']);
    expect(order('appVersion', 'desc')[0]).toBe('0.2.0/llama/1');
    expect(leaderboard(TRACES, { column: 'eval:pii', direction: 'desc' }).rows[0]!.evals.pii!.mean).toBe(1);
  });

  test('median', () => {
    expect(median([])).toBeNull();
    expect(median([5])).toBe(5);
    expect(median([9, 1, 5])).toBe(5);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  test('an empty board', () => {
    expect(leaderboard([])).toEqual({ rows: [], evalNames: [] });
  });
});
