/**
 * Fitting a conversation into the model's context window. The system prompt and the newest
 * turns are kept; the oldest turns are dropped whole (a question with its answer), and the
 * caller is told what was left out so the user can see it.
 *
 * Token counts are estimates (about four characters a token, plus a few tokens of chat
 * template per message): the engines' tokenizers live in their workers, and a cautious
 * estimate with a safety margin is enough to decide what fits.
 */
import type { EngineMessage } from '../engine/protocol';

const CHARS_PER_TOKEN = 4;
const TOKENS_PER_MESSAGE = 4;
/** Estimates can be off; keep this share of the window free. */
const SAFETY_MARGIN = 0.1;

export function estimateTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

export function estimateMessageTokens(message: EngineMessage): number {
  return estimateTokens(message.content) + TOKENS_PER_MESSAGE;
}

export interface FitInput<T extends EngineMessage> {
  system: EngineMessage | null;
  /** Oldest first; the last one is the newest user message. */
  history: readonly T[];
  contextWindow: number;
  /** Room kept for the answer (the max_tokens setting). */
  reserveForAnswer: number;
}

export type FitResult<T extends EngineMessage> =
  | { ok: true; kept: T[]; dropped: T[]; promptTokens: number; budget: number }
  | { ok: false; reason: string; promptTokens: number; budget: number };

export function fitContext<T extends EngineMessage>(input: FitInput<T>): FitResult<T> {
  const { system, history, contextWindow } = input;
  // Leave room for an answer, but never all of the window: a long max_tokens must not starve the question.
  const reserve = Math.min(input.reserveForAnswer, Math.floor(contextWindow / 2));
  const budget = Math.floor(contextWindow * (1 - SAFETY_MARGIN)) - reserve;
  const systemTokens = system ? estimateMessageTokens(system) : 0;
  const newest = history.at(-1);
  const newestTokens = newest ? estimateMessageTokens(newest) : 0;
  if (systemTokens + newestTokens > budget) {
    return {
      ok: false,
      reason:
        `This message needs about ${systemTokens + newestTokens} tokens with the system prompt, but the model's context window ` +
        `leaves about ${budget} for the question (${contextWindow} in all, ${reserve} kept for the answer). Shorten it, or lower max tokens.`,
      promptTokens: systemTokens + newestTokens,
      budget,
    };
  }
  let used = systemTokens;
  let start = history.length;
  // Walk back from the newest message; stop at the first that does not fit, then align to a turn.
  for (let index = history.length - 1; index >= 0; index--) {
    const cost = estimateMessageTokens(history[index] as T);
    if (used + cost > budget) break;
    used += cost;
    start = index;
  }
  // Never start on an answer whose question was dropped: the model would see a reply to nothing.
  while (start < history.length - 1 && history[start]?.role === 'assistant') {
    used -= estimateMessageTokens(history[start] as T);
    start++;
  }
  return { ok: true, kept: history.slice(start), dropped: history.slice(0, start), promptTokens: used, budget };
}
