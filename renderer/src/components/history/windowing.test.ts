import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isListKey,
  maxScrollTop,
  moveActive,
  pageOffsets,
  rowsPerPage,
  scrollTopToReveal,
  visibleRange,
} from './windowing';

describe('visibleRange', () => {
  it('covers the rows in view plus the overscan on each side', () => {
    // Rows of 80 px in a 400 px box scrolled to 800: rows 10..14 are visible.
    expect(visibleRange({ scrollTop: 800, height: 400, rowHeight: 80, total: 10_000 }, 3)).toEqual({
      start: 7,
      end: 18,
    });
  });

  it('includes a partly visible row at the bottom', () => {
    expect(visibleRange({ scrollTop: 40, height: 400, rowHeight: 80, total: 100 }, 0)).toEqual({
      start: 0,
      end: 6,
    });
  });

  it('stays within the list at both ends', () => {
    expect(visibleRange({ scrollTop: 0, height: 400, rowHeight: 80, total: 10_000 }, 5)).toEqual({
      start: 0,
      end: 10,
    });
    expect(visibleRange({ scrollTop: 799_600, height: 400, rowHeight: 80, total: 10_000 }, 5)).toEqual({
      start: 9_990,
      end: 10_000,
    });
  });

  it('is empty for an empty list, and sane for a scroll position past the end (a list that shrank)', () => {
    expect(visibleRange({ scrollTop: 0, height: 400, rowHeight: 80, total: 0 }, 5)).toEqual({
      start: 0,
      end: 0,
    });
    expect(visibleRange({ scrollTop: 50_000, height: 400, rowHeight: 80, total: 3 }, 2)).toEqual({
      start: 0,
      end: 3,
    });
  });

  it('never renders more than the viewport plus the overscan, and always includes the top visible row', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 0, max: 2_000 }),
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 0, max: 10 }),
        (scrollTop, height, rowHeight, total, overscan) => {
          const range = visibleRange({ scrollTop, height, rowHeight, total }, overscan);
          expect(range.start).toBeGreaterThanOrEqual(0);
          expect(range.end).toBeLessThanOrEqual(total);
          expect(range.end - range.start).toBeLessThanOrEqual(
            Math.ceil(height / rowHeight) + 1 + 2 * overscan,
          );
          const top = Math.min(total - 1, Math.floor(scrollTop / rowHeight));
          expect(range.start).toBeLessThanOrEqual(top);
          expect(range.end).toBeGreaterThan(top);
        },
      ),
    );
  });
});

describe('scrolling a row into view', () => {
  const viewport = { scrollTop: 800, height: 400, rowHeight: 80 };

  it('does not move when the row is already fully visible', () => {
    expect(scrollTopToReveal(12, viewport)).toBe(800);
  });

  it('aligns a row above the view to the top, and one below to the bottom', () => {
    expect(scrollTopToReveal(3, viewport)).toBe(240);
    expect(scrollTopToReveal(20, viewport)).toBe(20 * 80 + 80 - 400);
    expect(scrollTopToReveal(9_999, viewport)).toBe(799_600);
  });

  it('gives the largest scroll position for the whole list', () => {
    expect(maxScrollTop({ height: 400, rowHeight: 80, total: 10_000 })).toBe(799_600);
    expect(maxScrollTop({ height: 400, rowHeight: 80, total: 2 })).toBe(0);
  });
});

describe('pages', () => {
  it('lists the aligned page offsets that cover a range', () => {
    expect(pageOffsets({ start: 95, end: 230 }, 100)).toEqual([0, 100, 200]);
    expect(pageOffsets({ start: 9_990, end: 10_000 }, 100)).toEqual([9_900]);
    expect(pageOffsets({ start: 5, end: 5 }, 100)).toEqual([]);
  });

  it('counts the rows a Page Down moves', () => {
    expect(rowsPerPage(400, 80)).toBe(5);
    expect(rowsPerPage(50, 80)).toBe(1);
  });
});

describe('moveActive', () => {
  it('moves by one, by a page, and to either end, without wrapping', () => {
    expect(moveActive('ArrowDown', 0, 10, 4)).toBe(1);
    expect(moveActive('ArrowUp', 0, 10, 4)).toBe(0);
    expect(moveActive('ArrowDown', 9, 10, 4)).toBe(9);
    expect(moveActive('PageDown', 8, 10, 4)).toBe(9);
    expect(moveActive('PageUp', 5, 10, 4)).toBe(1);
    expect(moveActive('Home', 7, 10, 4)).toBe(0);
    expect(moveActive('End', 0, 10_000, 4)).toBe(9_999);
    expect(moveActive('End', 0, 0, 4)).toBe(0);
  });

  it('knows which keys are list keys', () => {
    expect(isListKey('PageDown')).toBe(true);
    expect(isListKey('Enter')).toBe(false);
  });
});
