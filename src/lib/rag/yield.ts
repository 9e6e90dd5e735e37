/**
 * Lets the worker's event loop run between slices of long synchronous work, so that a cancel
 * message is seen within one slice rather than after the whole file.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
