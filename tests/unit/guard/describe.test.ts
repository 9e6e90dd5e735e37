import { describe, expect, test } from 'vitest';
import { describeRefusal, formatTokens, formatWait } from '../../../src/lib/guard/describe';

describe('guard wording', () => {
  test('token counts are compact', () => {
    expect([950, 12_345, 100_000, 500_000, 1_200_000].map(formatTokens)).toEqual(['950', '12.3k', '100k', '500k', '1.2M']);
  });

  test('waits are rounded up to whole seconds, then minutes and hours', () => {
    expect([1, 18_000, 60_000, 250_000, 3 * 3_600_000 + 12 * 60_000].map(formatWait)).toEqual(['1 s', '18 s', '1 min', '4 min 10 s', '3 h 12 min']);
  });

  test('a rate refusal says when the next request is allowed', () => {
    const now = new Date(2026, 4, 12, 14, 2, 54).getTime();
    const text = describeRefusal({ reason: 'rate', retryAt: now + 18_000, limit: { perMinute: 3, burst: 2 } }, now);
    expect(text).toContain('3 requests a minute');
    expect(text).toContain('in 18 s');
    // The clock time is in the user's locale: 14:03:12 or 02:03:12 PM.
    expect(text).toMatch(/(14|0?2).03.12/);
  });

  test('a budget refusal says which budget, what is left, and when it resets', () => {
    const now = new Date(2026, 4, 12, 21, 0).getTime();
    const resetsAt = new Date(2026, 4, 13).getTime();
    const refusal = { reason: 'budget', scope: 'conversation', limit: 100_000, remaining: 120, needed: 900, resetsAt } as const;
    const text = describeRefusal(refusal, now);
    expect(text).toContain('This conversation’s token budget for today (100k)');
    expect(text).toContain('120 left');
    expect(text).toContain('in 3 h 0 min');
    expect(describeRefusal({ ...refusal, scope: 'day' }, now)).toContain('Today’s token budget (100k)');
  });

  test('a server hold says the server asked to wait, until when, and that local models are unaffected', () => {
    const now = new Date(2026, 4, 12, 14, 2, 54).getTime();
    const text = describeRefusal({ reason: 'server', retryAt: now + 30_000 }, now);
    expect(text).toMatch(/^Your server asked Hearth to wait \(HTTP 429\)\. You can send to it again in 30 s, at /);
    expect(text).toContain('Models on this device are not affected.');
  });
});
