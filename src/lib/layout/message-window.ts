/**
 * Which messages of a conversation are in the DOM: the newest OPEN_PAGE when it opens, then
 * EARLIER_PAGE more each time the reader asks for earlier ones. Rendering every message of a
 * 2,000-message conversation at once (Markdown, code highlighting, layout) blocks the page for
 * seconds; the newest page is what the reader looks at first anyway. Messages that arrive while
 * it is open are always added (the window only ever grows at the end).
 */

/** Messages rendered when a conversation opens. */
export const OPEN_PAGE = 20;
/** Messages added each time earlier ones are asked for. */
export const EARLIER_PAGE = 20;

/** Index of the first message shown: `chosen` when the reader has a window, else the newest page. */
export function firstShown(chosen: number | null, count: number): number {
  if (chosen === null) return Math.max(0, count - OPEN_PAGE);
  return Math.min(Math.max(0, chosen), count);
}

/** The window's new start after "show earlier". */
export function earlierStart(start: number): number {
  return Math.max(0, start - EARLIER_PAGE);
}
