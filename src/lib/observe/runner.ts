/**
 * Runs evaluators over traces without getting in the user's way: after each answer in a
 * background queue, one trace at a time, yielding to the page between evaluators; and on demand
 * over past traces, with progress and cancel. Results are stored on the trace.
 *
 * The LLM judge needs the engine, which the chat also needs: pass it to `runOver` (on demand)
 * rather than to the background queue, so it never competes with the user's next message.
 */
import type { WallClock } from './clock';
import { groundednessEvaluator } from './eval/groundedness';
import { piiEvaluator } from './eval/pii-evaluator';
import { relevanceEvaluator } from './eval/relevance';
import type { EvalInput, Evaluator } from './eval/types';
import type { TraceRepository } from './store';
import type { EvalResult, TraceRecord } from './types';

/** The evaluators that need no model: cheap enough to run after every answer. */
export const DEFAULT_EVALUATORS: readonly Evaluator[] = [relevanceEvaluator, groundednessEvaluator, piiEvaluator];

export interface EvalProgress {
  done: number;
  total: number;
}

export interface RunOverOptions {
  /** Which traces; all stored traces by default. */
  traceIds?: readonly string[];
  /** The evaluators to run; the runner's own by default. Add the judge here. */
  evaluators?: readonly Evaluator[];
  /** Skip traces that already have a result from this version of every evaluator. */
  onlyMissing?: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: EvalProgress) => void;
}

export interface RunOverResult extends EvalProgress {
  cancelled: boolean;
}

export interface EvalRunnerOptions {
  repo: Pick<TraceRepository, 'get' | 'all' | 'setEvals'>;
  evaluators?: readonly Evaluator[];
  /** Resolves when the page has a moment to spare; between every two evaluators. */
  pause?: () => Promise<void>;
  clock?: WallClock;
  /** A trace's results were stored. */
  onEvaluated?: (record: TraceRecord) => void;
  /** Background work failed (e.g. storage); evaluation goes on with the next trace. */
  onError?: (error: unknown) => void;
}

/** Waits for an idle moment where the browser offers one, otherwise for the next task. */
export function idle(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof requestIdleCallback === 'function') requestIdleCallback(() => resolve(), { timeout: 500 });
    else setTimeout(resolve, 0);
  });
}

/** Answers that failed are partial: scoring them would say more about the failure than the answer. */
const evaluable = (record: TraceRecord): boolean => record.status !== 'error';

export function evalInputOf(record: TraceRecord): EvalInput {
  return { question: record.prompt, answer: record.completion, ...(record.chunks ? { chunks: record.chunks } : {}) };
}

export class EvalRunner {
  readonly #repo: EvalRunnerOptions['repo'];
  readonly #evaluators: readonly Evaluator[];
  readonly #pause: () => Promise<void>;
  readonly #clock: WallClock;
  readonly #onEvaluated: (record: TraceRecord) => void;
  readonly #onError: (error: unknown) => void;
  readonly #queue: string[] = [];
  #draining: Promise<void> | null = null;

  constructor(options: EvalRunnerOptions) {
    this.#repo = options.repo;
    this.#evaluators = options.evaluators ?? DEFAULT_EVALUATORS;
    this.#pause = options.pause ?? idle;
    this.#clock = options.clock ?? Date;
    this.#onEvaluated = options.onEvaluated ?? (() => {});
    this.#onError = options.onError ?? ((error) => console.error('Evaluation failed', error));
  }

  /** Queues a stored trace for evaluation in the background; returns at once. */
  enqueue(traceId: string): void {
    if (!this.#queue.includes(traceId)) this.#queue.push(traceId);
    this.#kick();
  }

  #kick(): void {
    if (this.#draining) return;
    this.#draining = this.#drain().finally(() => {
      this.#draining = null;
      // A trace queued while the last drain was finishing.
      if (this.#queue.length > 0) this.#kick();
    });
  }

  /** Resolves when the background queue is empty. */
  async whenIdle(): Promise<void> {
    while (this.#draining) await this.#draining;
  }

  /** Evaluates past traces, one after another, with progress; aborting stops after the current evaluator. */
  async runOver(options: RunOverOptions = {}): Promise<RunOverResult> {
    const evaluators = options.evaluators ?? this.#evaluators;
    const wanted = options.traceIds ? new Set(options.traceIds) : null;
    let traces = (await this.#repo.all()).filter((record) => (wanted ? wanted.has(record.traceId) : true) && evaluable(record));
    if (options.onlyMissing) traces = traces.filter((record) => evaluators.some((evaluator) => record.evals?.[evaluator.name]?.version !== evaluator.version));
    const progress: EvalProgress = { done: 0, total: traces.length };
    options.onProgress?.({ ...progress });
    for (const record of traces) {
      if (options.signal?.aborted) return { ...progress, cancelled: true };
      await this.#evaluateAndStore(record, evaluators, options.signal);
      if (options.signal?.aborted) return { ...progress, cancelled: true };
      progress.done++;
      options.onProgress?.({ ...progress });
    }
    return { ...progress, cancelled: false };
  }

  /** Runs evaluators on one trace, pausing before each; a failing evaluator gives a null score, not an error. */
  async evaluate(record: TraceRecord, evaluators: readonly Evaluator[] = this.#evaluators, signal?: AbortSignal): Promise<EvalResult[]> {
    const input = evalInputOf(record);
    const results: EvalResult[] = [];
    for (const evaluator of evaluators) {
      await this.#pause();
      if (signal?.aborted) break;
      let score;
      try {
        score = await evaluator.evaluate(input, signal);
      } catch (error) {
        score = { name: evaluator.name, score: null, details: { error: error instanceof Error ? error.message : String(error) } };
      }
      results.push({ ...score, name: evaluator.name, version: evaluator.version, at: this.#clock.now() });
    }
    return results;
  }

  async #evaluateAndStore(record: TraceRecord, evaluators: readonly Evaluator[], signal?: AbortSignal): Promise<void> {
    try {
      const results = await this.evaluate(record, evaluators, signal);
      if (results.length === 0) return;
      const stored = await this.#repo.setEvals(record.traceId, results);
      if (stored) this.#onEvaluated(stored);
    } catch (error) {
      this.#onError(error);
    }
  }

  async #drain(): Promise<void> {
    for (let traceId = this.#queue.shift(); traceId !== undefined; traceId = this.#queue.shift()) {
      try {
        const record = await this.#repo.get(traceId);
        if (record && evaluable(record)) await this.#evaluateAndStore(record, this.#evaluators);
      } catch (error) {
        this.#onError(error);
      }
    }
  }
}
