/** Defaults in one place. Every tunable the app ships with starts here. */
import type { SamplingSettings } from './engine/protocol';
import type { Limits } from './guard/limits';

/** A small, widely compatible default model: about 0.9 GB of GPU memory, runs on most integrated GPUs. */
export const DEFAULT_MODEL_ID = 'Llama-3.2-1B-Instruct-q4f16_1-MLC';

export const DEFAULT_SAMPLING: SamplingSettings = {
  temperature: 0.7,
  top_p: 0.95,
  max_tokens: 1024,
  seed: undefined,
  presence_penalty: 0,
  frequency_penalty: 0,
};

/** A streaming answer is saved at most this often, so a closed tab loses at most this much. */
export const STREAM_CHECKPOINT_MS = 750;

/** How long a deleted conversation can be brought back. */
export const UNDO_WINDOW_MS = 8000;

export const NEW_CONVERSATION_TITLE = 'New chat';

/** Characters of a message shown before it is folded behind “Show all” (see chat/fold.ts). */
export const FOLD_CHARS = 6000;

/** Share of the context window (after the answer's room) that retrieved document passages may take. */
export const RETRIEVAL_SHARE = 0.5;

/**
 * Limits on generation, shared by every tab. Generous enough that nobody chatting normally meets
 * them, present so that a runaway loop, a script or a long-running tab cannot burn the GPU all day.
 * Token budgets count prompt plus answer and reset at local midnight.
 */
export const DEFAULT_LIMITS: Limits = {
  requestsPerMinute: 10,
  burst: 5,
  tokensPerDay: 500_000,
  tokensPerConversation: 100_000,
  maxTokensPerAnswer: 1024,
  cacheTtlMs: 7 * 24 * 60 * 60 * 1000,
  cacheMaxEntries: 200,
  cacheMaxBytes: 5 * 1024 * 1024,
};

/** The seed used when the user asks for reproducible (and so cacheable) answers. */
export const FIXED_SEED = 42;

/** An LLM judge replies with a short JSON verdict; more would only cost time. */
export const JUDGE_MAX_TOKENS = 160;

/** Traces kept on this device: the newest this many, none older than this. Oldest go first. */
export const TRACE_RETENTION = { maxCount: 1000, maxAgeMs: 30 * 24 * 60 * 60 * 1000 } as const;

/** Traces listed per page in the trace list. */
export const TRACE_PAGE_SIZE = 50;
