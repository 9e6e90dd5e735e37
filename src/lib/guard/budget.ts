/**
 * Token budgets: per local day, and per conversation per local day. A generation first
 * reserves the most it could use (its prompt plus its longest answer), so two tabs can never
 * promise the same tokens twice; when it ends it settles with what it really used. Pure: the
 * caller passes the time and stores the result, under the cross-tab lock.
 */
import { localDay, nextMidnight } from './day';

export interface Reservation {
  id: string;
  conversationId: string;
  /** The local day it was made on; it counts against that day only. */
  day: string;
  tokens: number;
}

export interface Ledger {
  day: string;
  /** Tokens settled today. */
  spent: number;
  /** Tokens settled today, by conversation. */
  conversations: Record<string, number>;
  /** Generations still running, in any tab. */
  reservations: Reservation[];
}

export interface BudgetLimits {
  tokensPerDay: number | null;
  tokensPerConversation: number | null;
  maxTokensPerAnswer: number;
}

export type BudgetScope = 'day' | 'conversation';

/** Why an answer's length limit is lower than its settings asked for; shown if the answer reaches it. */
export type StopReason = 'day-budget' | 'conversation-budget' | 'answer-limit';

export interface ReserveRequest {
  id: string;
  conversationId: string;
  /** An upper bound on the prompt's tokens (see `promptTokenBound`). */
  promptTokens: number;
  /** The longest answer the sampling settings ask for. */
  maxTokens: number;
}

export type Reserve =
  | {
      ok: true;
      ledger: Ledger;
      /** The longest answer this generation may write. */
      maxTokens: number;
      /** What lowered `maxTokens` below what was asked, if anything. */
      limitedBy: StopReason | null;
    }
  | { ok: false; scope: BudgetScope; limit: number; remaining: number; needed: number; resetsAt: number };

export const emptyLedger = (now: number): Ledger => ({ day: localDay(now), spent: 0, conversations: {}, reservations: [] });

/**
 * The ledger for the day of `now`: a new day starts from zero. Reservations from before midnight
 * are kept until they settle, but no longer count.
 */
export function rollOver(ledger: Ledger | null, now: number): Ledger {
  const day = localDay(now);
  if (!ledger) return emptyLedger(now);
  return ledger.day === day ? ledger : { ...ledger, day, spent: 0, conversations: {} };
}

/** Tokens promised today: settled plus reserved, in total and for one conversation. */
export function committed(ledger: Ledger, conversationId: string): { day: number; conversation: number } {
  const today = ledger.reservations.filter((reservation) => reservation.day === ledger.day);
  const sum = (items: readonly Reservation[]): number => items.reduce((total, item) => total + item.tokens, 0);
  return {
    day: ledger.spent + sum(today),
    conversation: (ledger.conversations[conversationId] ?? 0) + sum(today.filter((item) => item.conversationId === conversationId)),
  };
}

export function reserve(current: Ledger | null, limits: BudgetLimits, request: ReserveRequest, now: number): Reserve {
  const ledger = rollOver(current, now);
  const used = committed(ledger, request.conversationId);
  const room = (limit: number | null, spent: number): number => (limit === null ? Number.POSITIVE_INFINITY : Math.max(0, limit - spent));
  const dayRoom = room(limits.tokensPerDay, used.day);
  const conversationRoom = room(limits.tokensPerConversation, used.conversation);
  const scope: BudgetScope = conversationRoom < dayRoom ? 'conversation' : 'day';
  const remaining = Math.min(dayRoom, conversationRoom);

  // At least one answer token must fit after the prompt, or there is nothing to generate.
  const needed = request.promptTokens + 1;
  if (remaining < needed) {
    const limit = (scope === 'day' ? limits.tokensPerDay : limits.tokensPerConversation) ?? 0;
    return { ok: false, scope, limit, remaining, needed, resetsAt: nextMidnight(now) };
  }

  const asked = Math.min(request.maxTokens, limits.maxTokensPerAnswer);
  const maxTokens = Math.min(asked, remaining - request.promptTokens);
  const limitedBy: StopReason | null = maxTokens < asked ? `${scope}-budget` : limits.maxTokensPerAnswer < request.maxTokens ? 'answer-limit' : null;
  const reservation: Reservation = {
    id: request.id,
    conversationId: request.conversationId,
    day: ledger.day,
    tokens: request.promptTokens + maxTokens,
  };
  return { ok: true, ledger: { ...ledger, reservations: [...ledger.reservations, reservation] }, maxTokens, limitedBy };
}

/** Replaces a reservation with what the generation really used. */
export function settle(current: Ledger | null, id: string, usedTokens: number, now: number): Ledger {
  const ledger = rollOver(current, now);
  const reservation = ledger.reservations.find((item) => item.id === id);
  if (!reservation) return ledger;
  return charge({ ...ledger, reservations: ledger.reservations.filter((item) => item !== reservation) }, reservation, usedTokens);
}

/**
 * Reservations whose tab is gone (closed or crashed mid-answer) are settled at what they
 * reserved: their real usage is unknown, and charging less could overspend the budget.
 */
export function dropStale(ledger: Ledger, isLive: (reservationId: string) => boolean): Ledger {
  const stale = ledger.reservations.filter((item) => !isLive(item.id));
  if (stale.length === 0) return ledger;
  let next: Ledger = { ...ledger, reservations: ledger.reservations.filter((item) => isLive(item.id)) };
  for (const reservation of stale) next = charge(next, reservation, reservation.tokens);
  return next;
}

function charge(ledger: Ledger, reservation: Reservation, tokens: number): Ledger {
  // Tokens reserved before midnight belong to a day whose budget is closed.
  if (reservation.day !== ledger.day) return ledger;
  const { conversationId } = reservation;
  return {
    ...ledger,
    spent: ledger.spent + tokens,
    conversations: { ...ledger.conversations, [conversationId]: (ledger.conversations[conversationId] ?? 0) + tokens },
  };
}

/** Chat templates add a few tokens per message (role headers, separators) and some per request. */
const TEMPLATE_TOKENS_PER_MESSAGE = 8;
const TEMPLATE_TOKENS_PER_REQUEST = 64;

/**
 * An upper bound on a prompt's tokens, without the model's tokenizer: byte-level and
 * byte-fallback tokenizers never make more tokens than UTF-8 bytes, plus what the chat template
 * adds. Usually about four times the real count for English; the reservation settles to the
 * real usage when the answer ends, so the over-estimate only matters near the end of a budget.
 */
export function promptTokenBound(messages: readonly { content: string }[]): number {
  const encoder = new TextEncoder();
  return messages.reduce((total, message) => total + encoder.encode(message.content).length + TEMPLATE_TOKENS_PER_MESSAGE, TEMPLATE_TOKENS_PER_REQUEST);
}
