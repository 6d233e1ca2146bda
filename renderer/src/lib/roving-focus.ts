// Arrow keys, Home and End between the items of one widget (tabs, toolbars): the WAI-ARIA pattern.
export interface RovingOptions {
  /** Tabs wrap around from the last to the first; toolbars stop at the ends. */
  wrap: boolean;
}

/** The item to move to for `key`, or undefined when the key is not a move. */
export function rovingIndex(
  key: string,
  current: number,
  count: number,
  { wrap }: RovingOptions,
): number | undefined {
  const last = count - 1;
  switch (key) {
    case 'ArrowRight':
      return wrap ? (current + 1) % count : Math.min(last, current + 1);
    case 'ArrowLeft':
      return wrap ? (current + last) % count : Math.max(0, current - 1);
    case 'Home':
      return 0;
    case 'End':
      return last;
    default:
      return undefined;
  }
}
