import { describe, expect, test } from 'vitest';
import { rowForKey, scrollToRow, visibleRows } from '../../../src/lib/layout/virtual-list';

describe('visibleRows', () => {
  test('the rows in view plus the overscan on each side, never past the ends', () => {
    // 36 px rows, a 360 px viewport scrolled to row 100.
    expect(visibleRows(3600, 360, 36, 10_000, 8)).toEqual({ start: 92, end: 119 });
    expect(visibleRows(0, 360, 36, 10_000, 8)).toEqual({ start: 0, end: 19 });
    expect(visibleRows(36 * 9_995, 360, 36, 10_000, 8)).toEqual({ start: 9_987, end: 10_000 });
  });

  test('short lists render whole; empty lists render nothing', () => {
    expect(visibleRows(0, 600, 36, 3)).toEqual({ start: 0, end: 3 });
    expect(visibleRows(0, 600, 36, 0)).toEqual({ start: 0, end: 0 });
  });

  test('a scroll position left over from a longer list still shows the last rows', () => {
    expect(visibleRows(36 * 500, 360, 36, 20, 8)).toEqual({ start: 19, end: 20 });
  });

  test('a viewport not measured yet still renders a few rows', () => {
    expect(visibleRows(0, 0, 36, 100, 0).end).toBeGreaterThan(0);
  });
});

describe('scrollToRow', () => {
  test('moves only as far as needed to show the row', () => {
    expect(scrollToRow(5, 0, 360, 36)).toBe(0);
    expect(scrollToRow(10, 0, 360, 36)).toBe(36);
    expect(scrollToRow(2, 360, 360, 36)).toBe(72);
  });
});

describe('rowForKey', () => {
  test('arrows step, Home and End jump, pages move by a screen, all within the list', () => {
    expect(rowForKey('ArrowDown', 3, 10, 5)).toBe(4);
    expect(rowForKey('ArrowDown', 9, 10, 5)).toBe(9);
    expect(rowForKey('ArrowUp', 0, 10, 5)).toBe(0);
    expect(rowForKey('Home', 7, 10, 5)).toBe(0);
    expect(rowForKey('End', 2, 10, 5)).toBe(9);
    expect(rowForKey('PageDown', 2, 10, 5)).toBe(7);
    expect(rowForKey('PageUp', 2, 10, 5)).toBe(0);
    expect(rowForKey('Enter', 2, 10, 5)).toBeNull();
  });
});
