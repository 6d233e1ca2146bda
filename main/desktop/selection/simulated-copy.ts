// Windows and macOS: no PRIMARY selection, so Hark asks the focused app to copy (Ctrl+C / Cmd+C)
// and reads the clipboard, with the user's clipboard saved before and restored after.
//
// Change check: the clipboard is emptied before the keystroke and only text that appears afterwards
// counts. A copy that did nothing (no selection, an app that ignores the keystroke) therefore reads
// as "nothing selected" instead of reading the old clipboard as if it were the selection, and
// selecting the same text as last time still works (comparing texts could not tell those apart).
import { restoreClipboard, saveClipboard } from './clipboard-snapshot';
import type { ClipboardLike } from './clipboard-snapshot';
import { delay, describeError } from './timing';
import { hasReadableText } from './types';
import type { SelectionAttempt, SelectionStrategy } from './types';

/** macOS's `systemPreferences` slice. */
export interface AccessibilityTrustLike {
  isTrustedAccessibilityClient(prompt: boolean): boolean;
}

/**
 * Sending keystrokes to other apps needs the Accessibility permission on macOS. The system prompt
 * is raised once per run (asking on every hotkey press nags, and a grant only takes effect after a
 * relaunch anyway); later presses simply report that the permission is missing.
 */
export class AccessibilityGate {
  private prompted = false;

  constructor(private readonly preferences: AccessibilityTrustLike) {}

  isTrusted(): boolean {
    if (this.preferences.isTrustedAccessibilityClient(false)) return true;
    if (!this.prompted) {
      this.prompted = true;
      this.preferences.isTrustedAccessibilityClient(true);
    }
    return false;
  }
}

export interface SimulatedCopyDeps {
  clipboard: ClipboardLike;
  /** Presses the platform's copy shortcut in the focused app; resolves once it was sent. */
  sendCopyKeystroke: () => Promise<void>;
  /** macOS only. */
  accessibility?: AccessibilityGate;
  /** An optional first rung that reads the selection without the clipboard (e.g. a native module). */
  readAccessibleSelection?: () => Promise<string>;
  /** Told when the clipboard could not be fully restored (the user should know). */
  onWarning?: (message: string) => void;
}

export interface SimulatedCopyOptions {
  /** How long after the keystroke the copied text may take to appear. */
  copyTimeoutMs?: number;
  pollIntervalMs?: number;
}

export const DEFAULT_COPY_TIMEOUT_MS = 600;
export const DEFAULT_POLL_INTERVAL_MS = 20;

export class SimulatedCopyStrategy implements SelectionStrategy {
  private readonly copyTimeoutMs: number;
  private readonly pollIntervalMs: number;

  constructor(
    private readonly deps: SimulatedCopyDeps,
    options: SimulatedCopyOptions = {},
  ) {
    this.copyTimeoutMs = options.copyTimeoutMs ?? DEFAULT_COPY_TIMEOUT_MS;
    this.pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  }

  async read(): Promise<SelectionAttempt> {
    if (this.deps.accessibility && !this.deps.accessibility.isTrusted()) {
      return {
        kind: 'unavailable',
        problem: 'accessibility-required',
        detail: 'Hark is not allowed to control the computer (Accessibility)',
      };
    }
    const accessible = await this.readAccessible();
    if (accessible !== undefined) return { kind: 'text', text: accessible };
    return this.copyWithClipboardRestored();
  }

  private async readAccessible(): Promise<string | undefined> {
    if (!this.deps.readAccessibleSelection) return undefined;
    try {
      const text = await this.deps.readAccessibleSelection();
      return hasReadableText(text) ? text : undefined;
    } catch {
      return undefined; // the copy below is the fallback for exactly this
    }
  }

  private async copyWithClipboardRestored(): Promise<SelectionAttempt> {
    const { clipboard } = this.deps;
    let snapshot;
    try {
      snapshot = await saveClipboard(clipboard);
    } catch (error) {
      // Without a snapshot the copy would destroy the user's clipboard: do not copy at all.
      return {
        kind: 'unavailable',
        problem: 'capture-failed',
        detail: `cannot save the clipboard: ${describeError(error)}`,
      };
    }
    try {
      await clipboard.clear();
      await this.deps.sendCopyKeystroke();
      const text = await this.waitForCopiedText();
      return text === undefined
        ? { kind: 'empty', detail: 'the copy keystroke put no text on the clipboard' }
        : { kind: 'text', text };
    } catch (error) {
      return {
        kind: 'unavailable',
        problem: 'capture-failed',
        detail: `copy failed: ${describeError(error)}`,
      };
    } finally {
      await this.restore(snapshot);
    }
  }

  private async restore(snapshot: Awaited<ReturnType<typeof saveClipboard>>): Promise<void> {
    try {
      await restoreClipboard(this.deps.clipboard, snapshot);
      if (snapshot.unreadable.length > 0) {
        this.deps.onWarning?.(`Some clipboard formats could not be kept: ${snapshot.unreadable.join(', ')}`);
      }
    } catch (error) {
      this.deps.onWarning?.(`The clipboard could not be restored: ${describeError(error)}`);
    }
  }

  /** Polls until readable text appears, or undefined after the timeout. */
  private async waitForCopiedText(): Promise<string | undefined> {
    const deadline = Date.now() + this.copyTimeoutMs;
    for (;;) {
      const text = await this.deps.clipboard.readText();
      if (hasReadableText(text)) return text;
      if (Date.now() >= deadline) return undefined;
      await delay(this.pollIntervalMs);
    }
  }
}
