// The arithmetic of a windowed list with fixed-height rows: which rows to put in the DOM for a scroll
// position, where to scroll so a row shows, which pages to fetch, and where list keys move the
// active row. Pure, so it is tested without a layout engine (jsdom has none).

export interface Viewport {
  /** Pixels scrolled from the top of the list. */
  scrollTop: number;
  /** Visible height of the scrolling box, in pixels. */
  height: number;
  rowHeight: number;
  /** Number of rows in the whole list. */
  total: number;
}

/** Rows [start, end) to render: the visible ones plus `overscan` on each side, within the list. */
export interface RowRange {
  start: number;
  end: number;
}

export function visibleRange(viewport: Viewport, overscan: number): RowRange {
  const { scrollTop, height, rowHeight, total } = viewport;
  if (total <= 0 || rowHeight <= 0) return { start: 0, end: 0 };
  const top = Math.max(0, scrollTop);
  const firstVisible = Math.min(total - 1, Math.floor(top / rowHeight));
  const lastVisible = Math.min(total - 1, Math.ceil((top + Math.max(0, height)) / rowHeight) - 1);
  return {
    start: Math.max(0, firstVisible - overscan),
    end: Math.min(total, Math.max(firstVisible, lastVisible) + 1 + overscan),
  };
}

/** Rows that fit fully in the viewport (at least one): the step of Page Up / Page Down. */
export function rowsPerPage(height: number, rowHeight: number): number {
  return rowHeight > 0 ? Math.max(1, Math.floor(height / rowHeight)) : 1;
}

/** The scrollTop that brings row `index` fully into view while scrolling as little as possible. */
export function scrollTopToReveal(index: number, viewport: Omit<Viewport, 'total'>): number {
  const { scrollTop, height, rowHeight } = viewport;
  const rowTop = index * rowHeight;
  const rowBottom = rowTop + rowHeight;
  if (rowTop < scrollTop) return rowTop;
  if (rowBottom > scrollTop + height) return Math.max(0, rowBottom - height);
  return scrollTop;
}

/** Largest useful scrollTop: the list's height less the viewport's. */
export function maxScrollTop(viewport: Omit<Viewport, 'scrollTop'>): number {
  return Math.max(0, viewport.total * viewport.rowHeight - viewport.height);
}

/** Offsets of the pages (of `pageSize` rows, aligned to multiples of it) that cover [start, end). */
export function pageOffsets(range: RowRange, pageSize: number): number[] {
  if (range.end <= range.start || pageSize <= 0) return [];
  const offsets: number[] = [];
  const first = Math.floor(range.start / pageSize) * pageSize;
  for (let offset = first; offset < range.end; offset += pageSize) offsets.push(offset);
  return offsets;
}

export type ListKey = 'ArrowUp' | 'ArrowDown' | 'Home' | 'End' | 'PageUp' | 'PageDown';

const LIST_KEYS: readonly string[] = ['ArrowUp', 'ArrowDown', 'Home', 'End', 'PageUp', 'PageDown'];

export function isListKey(key: string): key is ListKey {
  return LIST_KEYS.includes(key);
}

/** Where a list key moves the active row (the listbox pattern: no wrapping, clamped to the list). */
export function moveActive(key: ListKey, active: number, total: number, pageRows: number): number {
  if (total <= 0) return 0;
  const last = total - 1;
  const targets: Record<ListKey, number> = {
    ArrowUp: active - 1,
    ArrowDown: active + 1,
    Home: 0,
    End: last,
    PageUp: active - pageRows,
    PageDown: active + pageRows,
  };
  return Math.min(last, Math.max(0, targets[key]));
}
