// Shared shapes of selection capture. Every platform strategy answers with a SelectionAttempt;
// captureSelection turns that (plus the clipboard fallback) into one CaptureResult for the caller.

export type CaptureSource = 'selection' | 'clipboard' | 'none';

/** Why nothing could be read; the caller words the notification from it. */
export type CaptureProblem =
  /** Nothing is selected (or the selection is stale) and the clipboard fallback is off or empty. */
  | 'nothing-selected'
  /** macOS: Hark is not a trusted Accessibility client, so it may not send the copy keystroke. */
  | 'accessibility-required'
  /** The copy keystroke or the selection reader failed outright (tool missing, crashed). */
  | 'capture-failed';

export interface CaptureResult {
  /** Empty exactly when source is 'none'. */
  text: string;
  source: CaptureSource;
  /** Set when source is 'none', and when the clipboard was read because the selection was unusable. */
  problem?: CaptureProblem;
  /** A human-readable detail for logs (never clipboard contents). */
  detail?: string;
}

/** What a platform strategy found. */
export type SelectionAttempt =
  | { kind: 'text'; text: string }
  | { kind: 'empty'; detail?: string }
  | { kind: 'unavailable'; problem: Exclude<CaptureProblem, 'nothing-selected'>; detail: string };

/** One platform's way of reading the selected text. */
export interface SelectionStrategy {
  read(): Promise<SelectionAttempt>;
}

/** Text that is empty or only whitespace is not worth reading aloud. */
export function hasReadableText(text: string): boolean {
  return text.trim().length > 0;
}
