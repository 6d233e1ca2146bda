// One entry point for "what should Hark read now?": the platform's selection strategy first, then
// the clipboard when nothing usable is selected and the user allows the fallback.
import { describeError } from './timing';
import { hasReadableText } from './types';
import type { CaptureProblem, CaptureResult, SelectionStrategy } from './types';

export interface CaptureDeps {
  strategy: SelectionStrategy;
  /** The system clipboard's text (Electron 45: `clipboard.readText()`). */
  readClipboardText: () => Promise<string>;
  /** settings.clipboardFallback */
  clipboardFallback: boolean;
}

async function clipboardOrNone(
  deps: CaptureDeps,
  problem: CaptureProblem,
  detail: string | undefined,
): Promise<CaptureResult> {
  const none: CaptureResult = { text: '', source: 'none', problem, ...(detail ? { detail } : {}) };
  if (!deps.clipboardFallback) return none;
  let text: string;
  try {
    text = await deps.readClipboardText();
  } catch (error) {
    return { ...none, detail: `${detail ?? problem}; clipboard unreadable: ${describeError(error)}` };
  }
  if (!hasReadableText(text)) return { ...none, detail: `${detail ?? problem}; clipboard empty` };
  return { text, source: 'clipboard', problem, ...(detail ? { detail } : {}) };
}

/** The selected text, else (when allowed) the clipboard's, else source 'none' with the reason. */
export async function captureSelection(deps: CaptureDeps): Promise<CaptureResult> {
  let attempt;
  try {
    attempt = await deps.strategy.read();
  } catch (error) {
    attempt = { kind: 'unavailable', problem: 'capture-failed', detail: describeError(error) } as const;
  }
  switch (attempt.kind) {
    case 'text':
      if (hasReadableText(attempt.text)) return { text: attempt.text, source: 'selection' };
      return clipboardOrNone(deps, 'nothing-selected', undefined);
    case 'empty':
      return clipboardOrNone(deps, 'nothing-selected', attempt.detail);
    case 'unavailable':
      return clipboardOrNone(deps, attempt.problem, attempt.detail);
  }
}

export interface SelectionCaptureOptions {
  strategy: SelectionStrategy;
  readClipboardText: () => Promise<string>;
  /** Read at each capture, so a settings change applies to the next press. */
  clipboardFallback: () => boolean;
}

/**
 * captureSelection for the app: a second press while a capture is still running joins it instead
 * of starting another, because two overlapping simulated copies would save each other's emptied
 * clipboard and the user's clipboard would be lost.
 */
export function createSelectionCapture(options: SelectionCaptureOptions): () => Promise<CaptureResult> {
  let running: Promise<CaptureResult> | undefined;
  return () => {
    running ??= captureSelection({
      strategy: options.strategy,
      readClipboardText: options.readClipboardText,
      clipboardFallback: options.clipboardFallback(),
    }).finally(() => {
      running = undefined;
    });
    return running;
  };
}
