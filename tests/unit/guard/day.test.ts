import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { reserve, settle, type BudgetLimits } from '../../../src/lib/guard/budget';
import { localDay, nextMidnight } from '../../../src/lib/guard/day';

const HOUR = 60 * 60 * 1000;

/**
 * A zone with DST, set for this file only (Node re-reads TZ when it changes). New York moved
 * its clocks forward on 2026-03-08 (a 23-hour day) and back on 2026-11-01 (25 hours).
 */
let savedZone: string | undefined;
beforeAll(() => {
  savedZone = process.env.TZ;
  process.env.TZ = 'America/New_York';
});
afterAll(() => {
  if (savedZone === undefined) delete process.env.TZ;
  else process.env.TZ = savedZone;
});

describe('local days across DST changes', () => {
  test('the zone is in effect', () => {
    expect(new Date('2026-01-15T12:00:00Z').getTimezoneOffset()).toBe(300);
    expect(new Date('2026-07-15T12:00:00Z').getTimezoneOffset()).toBe(240);
  });

  test('local day names follow the local calendar, not UTC', () => {
    // 03:30 UTC on the 9th is 23:30 on the 8th in New York.
    expect(localDay(Date.parse('2026-03-09T03:30:00Z'))).toBe('2026-03-08');
    expect(localDay(Date.parse('2026-03-09T04:30:00Z'))).toBe('2026-03-09');
  });

  test('spring forward: midnight comes 23 hours after the previous one', () => {
    const start = Date.parse('2026-03-08T05:00:00Z'); // 00:00 EST on the 8th
    expect(nextMidnight(start)).toBe(Date.parse('2026-03-09T04:00:00Z')); // 00:00 EDT on the 9th
    expect(nextMidnight(start) - start).toBe(23 * HOUR);
  });

  test('fall back: midnight comes 25 hours after the previous one', () => {
    const start = Date.parse('2026-11-01T04:00:00Z'); // 00:00 EDT on the 1st
    expect(nextMidnight(start) - start).toBe(25 * HOUR);
    // 01:30 happens twice that night; both belong to the 1st.
    expect(localDay(Date.parse('2026-11-01T05:30:00Z'))).toBe('2026-11-01');
    expect(localDay(Date.parse('2026-11-01T06:30:00Z'))).toBe('2026-11-01');
  });

  test('the budget resets at local midnight on a DST day, not 24 hours after the last one', () => {
    const limits: BudgetLimits = { tokensPerDay: 100, tokensPerConversation: null, maxTokensPerAnswer: 50 };
    const morning = Date.parse('2026-03-08T06:00:00Z'); // 01:00 EST, before the clocks jump
    const first = reserve(null, limits, { id: 'a', conversationId: 'c', promptTokens: 40, maxTokens: 50 }, morning);
    if (!first.ok) throw new Error('refused');
    const spent = settle(first.ledger, 'a', 100, morning);
    const midnight = Date.parse('2026-03-09T04:00:00Z');
    expect(reserve(spent, limits, { id: 'b', conversationId: 'c', promptTokens: 1, maxTokens: 1 }, midnight - 1).ok).toBe(false);
    expect(reserve(spent, limits, { id: 'b', conversationId: 'c', promptTokens: 1, maxTokens: 1 }, midnight).ok).toBe(true);
  });
});
