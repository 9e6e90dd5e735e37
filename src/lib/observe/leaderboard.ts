/**
 * The leaderboard: traces grouped by app version × model × template (id and version; a trace
 * may have no template), with the figures that compare them. Pure functions over records.
 */
import { traceAppVersion, traceModel, traceTemplateId, traceTemplateVersion, traceTokensPerSecond, traceTtftMs } from './attributes';
import type { TraceRecord } from './types';

export interface EvalSummary {
  /** Mean score over the answers that have one (null scores are left out), or null if none has. */
  mean: number | null;
  /** How many answers the mean is over. */
  count: number;
}

export interface LeaderboardRow {
  /** Stable identity of the group, for keyed lists. */
  key: string;
  appVersion: string | null;
  model: string | null;
  templateId: string | null;
  templateVersion: string | null;
  /** Traces in the group. */
  answers: number;
  /** Of which ended in an error. */
  errors: number;
  /** Answers with feedback. */
  rated: number;
  /** Thumbs up = 1, down = 0, averaged over rated answers only; null when none is rated. */
  meanFeedback: number | null;
  /** By evaluator name; every row has every evaluator seen anywhere. */
  evals: Record<string, EvalSummary>;
  medianTtftMs: number | null;
  medianTokensPerSecond: number | null;
  /** The group's traces, newest first, for click-through. */
  traceIds: string[];
}

export type LeaderboardColumn =
  | 'appVersion'
  | 'model'
  | 'template'
  | 'answers'
  | 'errors'
  | 'rated'
  | 'meanFeedback'
  | 'medianTtftMs'
  | 'medianTokensPerSecond'
  | `eval:${string}`;

export interface LeaderboardSort {
  column: LeaderboardColumn;
  direction: 'asc' | 'desc';
}

export interface Leaderboard {
  rows: LeaderboardRow[];
  /** Evaluator names in the data, sorted: the eval columns to show. */
  evalNames: string[];
}

export function leaderboard(traces: readonly TraceRecord[], sort: LeaderboardSort = { column: 'answers', direction: 'desc' }): Leaderboard {
  const groups = new Map<string, TraceRecord[]>();
  const evalNames = new Set<string>();
  for (const trace of [...traces].sort((a, b) => b.startTime - a.startTime)) {
    const key = JSON.stringify([traceAppVersion(trace) ?? null, traceModel(trace) ?? null, traceTemplateId(trace) ?? null, traceTemplateVersion(trace) ?? null]);
    groups.set(key, [...(groups.get(key) ?? []), trace]);
    for (const name of Object.keys(trace.evals ?? {})) evalNames.add(name);
  }
  const names = [...evalNames].sort();
  const rows = [...groups].map(([key, group]) => summarise(key, group, names));
  return { rows: sortLeaderboard(rows, sort), evalNames: names };
}

function summarise(key: string, group: readonly TraceRecord[], evalNames: readonly string[]): LeaderboardRow {
  const first = group[0]!;
  const ratings = group.flatMap((trace) => (trace.feedback ? [trace.feedback.rating === 'up' ? 1 : 0] : []));
  const evals: Record<string, EvalSummary> = {};
  for (const name of evalNames) {
    const scores = group.flatMap((trace) => {
      const score = trace.evals?.[name]?.score;
      return typeof score === 'number' ? [score] : [];
    });
    evals[name] = { mean: mean(scores), count: scores.length };
  }
  return {
    key,
    appVersion: traceAppVersion(first) ?? null,
    model: traceModel(first) ?? null,
    templateId: traceTemplateId(first) ?? null,
    templateVersion: traceTemplateVersion(first) ?? null,
    answers: group.length,
    errors: group.filter((trace) => trace.status === 'error').length,
    rated: ratings.length,
    meanFeedback: mean(ratings),
    evals,
    medianTtftMs: median(group.flatMap((trace) => optional(traceTtftMs(trace)))),
    medianTokensPerSecond: median(group.flatMap((trace) => optional(traceTokensPerSecond(trace)))),
    traceIds: group.map((trace) => trace.traceId),
  };
}

const optional = (value: number | undefined): number[] => (value === undefined ? [] : [value]);

export function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** The middle value; with an even count, the mean of the two middle values. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

type SortValue = string | number | null;

function valueOf(row: LeaderboardRow, column: LeaderboardColumn): SortValue {
  if (column.startsWith('eval:')) return row.evals[column.slice(5)]?.mean ?? null;
  switch (column) {
    case 'template':
      return row.templateId === null ? null : `${row.templateId}\u0000${row.templateVersion ?? ''}`;
    case 'appVersion':
    case 'model':
    case 'answers':
    case 'errors':
    case 'rated':
    case 'meanFeedback':
    case 'medianTtftMs':
    case 'medianTokensPerSecond':
      return row[column];
    default:
      return null;
  }
}

const collator = new Intl.Collator(undefined, { numeric: true });

/** Sorts by one column; rows without a value go last in either direction; ties keep a stable order. */
export function sortLeaderboard(rows: readonly LeaderboardRow[], sort: LeaderboardSort): LeaderboardRow[] {
  const sign = sort.direction === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = valueOf(a, sort.column);
    const y = valueOf(b, sort.column);
    if (x === null || y === null) return x === y ? tieBreak(a, b) : x === null ? 1 : -1;
    const order = typeof x === 'number' && typeof y === 'number' ? x - y : collator.compare(String(x), String(y));
    return order === 0 ? tieBreak(a, b) : sign * order;
  });
}

const tieBreak = (a: LeaderboardRow, b: LeaderboardRow): number => b.answers - a.answers || collator.compare(a.key, b.key);
