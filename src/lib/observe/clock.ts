/**
 * Time for traces. `now()` is monotonic milliseconds (durations); `wall()` is epoch
 * milliseconds, read once per trace to place it in time. A test clock may give only `now()`,
 * which then serves as both.
 */
export interface TraceClock {
  now(): number;
  wall?(): number;
}

export const systemClock: TraceClock = {
  now: () => performance.now(),
  wall: () => Date.now(),
};

/** Wall-clock milliseconds, for records that are not spans (feedback, retention, evaluations). */
export interface WallClock {
  now(): number;
}
