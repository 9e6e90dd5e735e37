import { describe, expect, test } from 'vitest';
import { refill, take, type Bucket, type RateLimit } from '../../../src/lib/guard/bucket';

const LIMIT: RateLimit = { perMinute: 6, burst: 3 };

/** Takes requests at the given times; returns which were allowed and the retry time of each refusal. */
function drive(times: number[], limit = LIMIT): (true | number)[] {
  let bucket: Bucket | null = null;
  return times.map((now) => {
    const result = take(bucket, limit, now);
    if (!result.ok) return result.retryAt;
    bucket = result.bucket;
    return true;
  });
}

describe('token bucket', () => {
  test('allows a burst, then refuses and says exactly when the next request is allowed', () => {
    // 6 a minute: one token every 10 s.
    expect(drive([0, 0, 0, 0])).toEqual([true, true, true, 10_000]);
  });

  test('refills at the per-minute rate, one request per interval after the burst', () => {
    expect(drive([0, 0, 0, 9_999, 10_000, 10_001, 20_000])).toEqual([true, true, true, 10_000, true, 20_000, true]);
  });

  test('a refusal spends nothing: asking again at the promised time succeeds', () => {
    let bucket: Bucket | null = null;
    for (let i = 0; i < 3; i++) {
      const result = take(bucket, LIMIT, 1000);
      if (result.ok) bucket = result.bucket;
    }
    const refused = take(bucket, LIMIT, 4000);
    expect(refused).toEqual({ ok: false, retryAt: 11_000 });
    expect(take(bucket, LIMIT, 11_000).ok).toBe(true);
  });

  test('never refills beyond the burst, however long it rests', () => {
    expect(refill({ tokens: 0, at: 0 }, LIMIT, 24 * 60 * 60 * 1000).tokens).toBe(3);
    expect(drive([0, 0, 0, 3_600_000, 3_600_000, 3_600_000, 3_600_000])).toEqual([true, true, true, true, true, true, 3_610_000]);
  });

  test('a clock that steps back refills nothing and does not stall the bucket', () => {
    const stepped = refill({ tokens: 1, at: 50_000 }, LIMIT, 20_000);
    expect(stepped).toEqual({ tokens: 1, at: 20_000 });
    expect(refill(stepped, LIMIT, 30_000).tokens).toBe(2);
  });

  test('fractional rates keep their promise despite float rounding', () => {
    const limit = { perMinute: 7, burst: 1 };
    let bucket: Bucket | null = null;
    let now = 0;
    // Fifty times over: the request at the promised time is granted, the next one at once is refused.
    for (let i = 0; i < 50; i++) {
      const granted = take(bucket, limit, now);
      if (!granted.ok) throw new Error(`refused at the promised time ${now}`);
      bucket = granted.bucket;
      const refused = take(bucket, limit, now);
      if (refused.ok) throw new Error(`granted twice at ${now}`);
      expect(refused.retryAt - now).toBe(Math.ceil(60_000 / 7));
      now = refused.retryAt;
    }
  });
});
