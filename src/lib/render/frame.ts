/**
 * Coalesces updates to one per animation frame: tokens can arrive far faster than the screen
 * refreshes, and rendering each of them would only block the main thread.
 */
export interface FrameThrottle<T> {
  push(value: T): void;
  /** Applies a pending value now (e.g. when streaming ends). */
  flush(): void;
  cancel(): void;
}

export function frameThrottle<T>(apply: (value: T) => void): FrameThrottle<T> {
  let pending: { value: T } | null = null;
  let frame: number | null = null;
  const run = (): void => {
    frame = null;
    if (!pending) return;
    const { value } = pending;
    pending = null;
    apply(value);
  };
  return {
    push(value) {
      pending = { value };
      frame ??= requestAnimationFrame(run);
    },
    flush() {
      if (frame !== null) cancelAnimationFrame(frame);
      run();
    },
    cancel() {
      if (frame !== null) cancelAnimationFrame(frame);
      frame = null;
      pending = null;
    },
  };
}
