import type { EvalScore, RetrievedChunk } from '../types';

/** What every evaluator sees of a trace. */
export interface EvalInput {
  /** The user's message. */
  question: string;
  /** The answer as it ended. */
  answer: string;
  /** Retrieved passages; absent or empty when retrieval was not used. */
  chunks?: readonly Pick<RetrievedChunk, 'id' | 'text'>[];
}

export interface Evaluator {
  name: string;
  /** Bumped whenever the algorithm changes, so stored results can be recomputed. */
  version: number;
  evaluate(input: EvalInput, signal?: AbortSignal): EvalScore | Promise<EvalScore>;
}
