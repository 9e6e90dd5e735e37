/**
 * A token bucket for generation requests: up to `burst` requests back to back, refilled at
 * `perMinute` per minute. Pure: the caller passes the time and stores the result.
 */
export interface RateLimit {
  perMinute: number;
  burst: number;
}

/** `tokens` requests were available at time `at` (ms). */
export interface Bucket {
  tokens: number;
  at: number;
}

export type Take = { ok: true; bucket: Bucket } | { ok: false; retryAt: number };

// Refill is fractional; without slack, float rounding can leave 0.9999999 at the promised time.
const EPSILON = 1e-9;

/** The bucket as it stands at `now`. A missing bucket is full; a clock that stepped back refills nothing. */
export function refill(bucket: Bucket | null, limit: RateLimit, now: number): Bucket {
  if (!bucket) return { tokens: limit.burst, at: now };
  const elapsed = Math.max(0, now - bucket.at);
  return { tokens: Math.min(limit.burst, bucket.tokens + (elapsed * limit.perMinute) / 60_000), at: now };
}

/** Takes one request from the bucket, or says when the next one will be allowed. */
export function take(bucket: Bucket | null, limit: RateLimit, now: number): Take {
  const current = refill(bucket, limit, now);
  if (current.tokens >= 1 - EPSILON) return { ok: true, bucket: { tokens: Math.max(0, current.tokens - 1), at: now } };
  return { ok: false, retryAt: now + Math.ceil(((1 - current.tokens) * 60_000) / limit.perMinute) };
}
