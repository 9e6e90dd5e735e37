/**
 * What the user allows: request rate, token budgets, answer length and the response cache's
 * size. Stored in IndexedDB and shared by every tab; a stored value that no longer makes sense
 * falls back to its default rather than disabling a limit by accident.
 */
import { DEFAULT_LIMITS } from '../config';

export interface Limits {
  /** Generation requests per minute, across all tabs; null: no rate limit. */
  requestsPerMinute: number | null;
  /** How many requests may go back to back before the per-minute rate applies. */
  burst: number;
  /** Tokens (prompt + answer) per local day, across all conversations; null: no limit. */
  tokensPerDay: number | null;
  /** Tokens (prompt + answer) one conversation may use per local day; null: no limit. */
  tokensPerConversation: number | null;
  /** The longest answer, in tokens. */
  maxTokensPerAnswer: number;
  /** How long a cached answer may be served after it was stored. */
  cacheTtlMs: number;
  cacheMaxEntries: number;
  cacheMaxBytes: number;
}

type Rule = (value: unknown) => boolean;

const count: Rule = (value) => typeof value === 'number' && Number.isInteger(value) && value >= 1;
const optionalCount: Rule = (value) => value === null || count(value);

const RULES: { [K in keyof Limits]: Rule } = {
  requestsPerMinute: optionalCount,
  burst: count,
  tokensPerDay: optionalCount,
  tokensPerConversation: optionalCount,
  maxTokensPerAnswer: count,
  cacheTtlMs: count,
  cacheMaxEntries: count,
  cacheMaxBytes: count,
};

/** Limits from a stored or edited value: each field that is not valid keeps its default. */
export function normalizeLimits(value: unknown): Limits {
  const limits: Limits = { ...DEFAULT_LIMITS };
  if (typeof value !== 'object' || value === null) return limits;
  const record = value as Record<string, unknown>;
  for (const name of Object.keys(RULES) as (keyof Limits)[]) {
    if (name in record && RULES[name](record[name])) Object.assign(limits, { [name]: record[name] });
  }
  return limits;
}
