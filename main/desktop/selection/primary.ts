// Linux: the selection is the X11/Wayland PRIMARY selection, read without touching the clipboard
// and without a keystroke (Electron 45: `await clipboard.selection.readText()`).
//
// PRIMARY has no timestamp we can see, and many apps keep owning it after the user deselects, so
// text highlighted an hour ago still answers. The stale rule:
//   PRIMARY holds exactly the text of Hark's last successful capture, AND that capture is more than
//   `staleAfterMs` old  ->  no new selection (the caller may fall back to the clipboard).
// Pressing the hotkey again within the window re-reads the same text (and restarts the window), so
// "read that again" works. Known limit: re-selecting the very same text after the window has passed
// looks stale too (telling them apart needs XFixes selection events, which Electron does not expose).
// The first capture after start-up has nothing to compare with and is always taken as fresh.
import { describeError, withTimeout } from './timing';
import { hasReadableText } from './types';
import type { SelectionAttempt, SelectionStrategy } from './types';

export const DEFAULT_STALE_AFTER_MS = 30_000;
/** A selection owner that does not answer (a hung app) must not hang the hotkey. */
export const DEFAULT_PRIMARY_TIMEOUT_MS = 2_000;

export interface PrimarySelectionOptions {
  staleAfterMs?: number;
  timeoutMs?: number;
  now?: () => number;
}

export interface LastCapture {
  text: string;
  at: number;
}

/** The stale rule above, as a pure function. */
export function isStaleSelection(
  last: LastCapture | undefined,
  text: string,
  now: number,
  staleAfterMs: number,
): boolean {
  return last !== undefined && last.text === text && now - last.at > staleAfterMs;
}

export class PrimarySelectionStrategy implements SelectionStrategy {
  private last: LastCapture | undefined;
  private readonly staleAfterMs: number;
  private readonly timeoutMs: number;
  private readonly now: () => number;

  /** `readPrimary` resolves with PRIMARY's text, '' when nothing owns it. */
  constructor(
    private readonly readPrimary: () => Promise<string>,
    options: PrimarySelectionOptions = {},
  ) {
    this.staleAfterMs = options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_PRIMARY_TIMEOUT_MS;
    this.now = options.now ?? Date.now;
  }

  async read(): Promise<SelectionAttempt> {
    let text: string;
    try {
      text = await withTimeout(this.readPrimary(), this.timeoutMs, 'The PRIMARY selection');
    } catch (error) {
      return { kind: 'unavailable', problem: 'capture-failed', detail: describeError(error) };
    }
    if (!hasReadableText(text)) return { kind: 'empty', detail: 'PRIMARY selection is empty' };
    const now = this.now();
    if (isStaleSelection(this.last, text, now, this.staleAfterMs)) {
      const ageS = Math.round((now - (this.last?.at ?? now)) / 1000);
      return { kind: 'empty', detail: `PRIMARY selection unchanged since a capture ${ageS} s ago` };
    }
    this.last = { text, at: now };
    return { kind: 'text', text };
  }
}
