/**
 * A list of fixed-height rows of which only the visible ones (plus a margin) are in the DOM:
 * the sidebar stays as quick with 10,000 conversations as with ten. Pure arithmetic, so the
 * component only binds scroll position and size.
 */

export interface RowRange {
  /** First row in the DOM. */
  start: number;
  /** One past the last row in the DOM. */
  end: number;
}

/** Rows drawn beyond each edge of the viewport, so fast scrolling does not show gaps. */
export const OVERSCAN = 8;

export function visibleRows(scrollTop: number, viewportHeight: number, rowHeight: number, count: number, overscan = OVERSCAN): RowRange {
  if (count === 0 || rowHeight <= 0) return { start: 0, end: 0 };
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const visible = Math.ceil(Math.max(viewportHeight, rowHeight) / rowHeight) + 1;
  const start = Math.min(count - 1, Math.max(0, first - overscan));
  const end = Math.min(count, first + visible + overscan);
  return { start, end: Math.max(start + 1, end) };
}

/** The scroll position that brings row `index` fully into view, moving as little as possible. */
export function scrollToRow(index: number, scrollTop: number, viewportHeight: number, rowHeight: number): number {
  const top = index * rowHeight;
  const bottom = top + rowHeight;
  if (top < scrollTop) return top;
  if (bottom > scrollTop + viewportHeight) return Math.max(0, bottom - viewportHeight);
  return scrollTop;
}

/** The row a list key moves to from `index` (ArrowUp/Down, Home/End, PageUp/Down), or null for other keys. */
export function rowForKey(key: string, index: number, count: number, pageRows: number): number | null {
  const clamp = (value: number): number => Math.min(count - 1, Math.max(0, value));
  switch (key) {
    case 'ArrowDown':
      return clamp(index + 1);
    case 'ArrowUp':
      return clamp(index - 1);
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    case 'PageDown':
      return clamp(index + Math.max(1, pageRows));
    case 'PageUp':
      return clamp(index - Math.max(1, pageRows));
    default:
      return null;
  }
}
