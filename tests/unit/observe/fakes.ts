import type { TraceClock } from '../../../src/lib/observe/clock';

/** A clock that moves only when told: `now` is monotonic ms, `wall` starts at `epoch`. */
export function fakeClock(epoch = Date.UTC(2026, 0, 15, 12)): TraceClock & { advance(ms: number): void; set(ms: number): void } {
  let mono = 0;
  return {
    now: () => mono,
    wall: () => epoch + mono,
    advance(ms) {
      mono += ms;
    },
    set(ms) {
      mono = ms;
    },
  };
}

/** Deterministic ids in the OTLP shape: trace ids 32 hex digits, span ids 16. */
export function sequentialIds(): { newTraceId(): string; newSpanId(): string } {
  let traces = 0;
  let spans = 0;
  return {
    newTraceId: () => (++traces).toString(16).padStart(32, '0'),
    newSpanId: () => (++spans).toString(16).padStart(16, '0'),
  };
}
