import { describe, expect, test } from 'vitest';
import { committed, dropStale, emptyLedger, promptTokenBound, reserve, rollOver, settle, type BudgetLimits, type Ledger } from '../../../src/lib/guard/budget';
import { nextMidnight } from '../../../src/lib/guard/day';

const LIMITS: BudgetLimits = { tokensPerDay: 1000, tokensPerConversation: 600, maxTokensPerAnswer: 200 };
/** Local times, so the tests hold in any time zone. */
const at = (day: number, hours: number, minutes = 0): number => new Date(2026, 0, day, hours, minutes).getTime();
const ask = (id: string, promptTokens: number, maxTokens = 300, conversationId = 'c1') => ({ id, conversationId, promptTokens, maxTokens });

function reserved(ledger: Ledger | null, request: ReturnType<typeof ask>, now: number, limits = LIMITS) {
  const result = reserve(ledger, limits, request, now);
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result)}`);
  return result;
}

describe('token budget', () => {
  test('a reservation holds the prompt plus the longest answer allowed, then settles to the real usage', () => {
    const first = reserved(null, ask('a', 50), at(5, 9));
    // The settings ask for 300, the per-answer limit is 200.
    expect(first).toMatchObject({ maxTokens: 200, limitedBy: 'answer-limit' });
    expect(committed(first.ledger, 'c1')).toEqual({ day: 250, conversation: 250 });
    const settled = settle(first.ledger, 'a', 120, at(5, 9, 1));
    expect(settled).toMatchObject({ spent: 120, conversations: { c1: 120 }, reservations: [] });
  });

  test('the answer is shortened to what the budget still allows, and says which budget', () => {
    let ledger = settle(reserved(null, ask('a', 100, 100, 'c1'), at(5, 9)).ledger, 'a', 500, at(5, 9));
    // Conversation c1 has 100 of its 600 left.
    const inConversation = reserved(ledger, ask('b', 40, 100, 'c1'), at(5, 10));
    expect(inConversation).toMatchObject({ maxTokens: 60, limitedBy: 'conversation-budget' });
    // Another conversation is bounded by the day: 500 left.
    ledger = settle(reserved(ledger, ask('c', 100, 100, 'c2'), at(5, 10)).ledger, 'c', 400, at(5, 10));
    expect(reserved(ledger, ask('d', 50, 100, 'c3'), at(5, 11))).toMatchObject({ maxTokens: 50, limitedBy: 'day-budget' });
  });

  test('refuses when not even one answer token fits after the prompt, and says until when', () => {
    const ledger = settle(reserved(null, ask('a', 100, 100, 'c1'), at(5, 9)).ledger, 'a', 950, at(5, 9));
    const refused = reserve(ledger, LIMITS, ask('b', 50, 100, 'c2'), at(5, 22));
    expect(refused).toEqual({ ok: false, scope: 'day', limit: 1000, remaining: 50, needed: 51, resetsAt: at(6, 0) });
  });

  test('open reservations count, so a second request cannot take the same tokens', () => {
    const one = reserved(null, ask('a', 100, 500, 'c1'), at(5, 9), { ...LIMITS, tokensPerConversation: null, maxTokensPerAnswer: 1000 });
    expect(one.maxTokens).toBe(500);
    const two = reserve(one.ledger, { ...LIMITS, tokensPerConversation: null, maxTokensPerAnswer: 1000 }, ask('b', 100, 500, 'c2'), at(5, 9));
    expect(two).toMatchObject({ ok: true, maxTokens: 300 });
  });

  test('resets at local midnight: a new day starts from zero', () => {
    let ledger: Ledger | null = null;
    ledger = settle(reserved(ledger, ask('a', 100), at(5, 23, 59)).ledger, 'a', 1000, at(5, 23, 59));
    expect(reserve(ledger, LIMITS, ask('b', 10), at(5, 23, 59)).ok).toBe(false);
    const justBefore = nextMidnight(at(5, 23, 59)) - 1;
    expect(reserve(ledger, LIMITS, ask('b', 10), justBefore).ok).toBe(false);
    const next = reserve(ledger, LIMITS, ask('b', 10), justBefore + 1);
    expect(next).toMatchObject({ ok: true, ledger: { spent: 0, conversations: {} } });
  });

  test('an answer that runs past midnight counts against neither day', () => {
    const before = reserved(null, ask('a', 100), at(5, 23, 59));
    // After midnight the old reservation no longer counts ...
    expect(committed(rollOver(before.ledger, at(6, 0, 1)), 'c1').day).toBe(0);
    // ... and settling it charges nothing to the new day.
    expect(settle(before.ledger, 'a', 250, at(6, 0, 1))).toMatchObject({ spent: 0, reservations: [] });
  });

  test('reservations of a tab that went away are settled at what they reserved', () => {
    const one = reserved(null, ask('a', 100), at(5, 9));
    const two = reserved(one.ledger, ask('b', 10, 40, 'c2'), at(5, 9));
    const cleaned = dropStale(two.ledger, (id) => id === 'b');
    expect(cleaned).toMatchObject({ spent: 300, conversations: { c1: 300 }, reservations: [{ id: 'b' }] });
    expect(dropStale(cleaned, () => true)).toBe(cleaned);
  });

  test('settling an unknown reservation changes nothing', () => {
    const ledger = emptyLedger(at(5, 9));
    expect(settle(ledger, 'nope', 10, at(5, 9))).toBe(ledger);
  });

  test('no limits: everything the settings ask for, with nothing to blame', () => {
    const open = { tokensPerDay: null, tokensPerConversation: null, maxTokensPerAnswer: 4096 };
    expect(reserve(null, open, ask('a', 10_000, 1024), at(5, 9))).toMatchObject({ ok: true, maxTokens: 1024, limitedBy: null });
  });

  test('the prompt bound counts UTF-8 bytes plus template overhead, an upper bound for byte-level tokenizers', () => {
    expect(promptTokenBound([])).toBe(64);
    expect(promptTokenBound([{ content: 'abc' }, { content: 'é' }])).toBe(64 + 3 + 8 + 2 + 8);
  });
});
