// Desktop notifications for what the user must know but did not ask to see: nothing selected,
// a capture or reading error, a hotkey that could not be set, the macOS permission. Every title
// and body passes through the redactor (no API key can ever reach a notification) and is kept
// short; the same notification is not repeated within a few seconds (a user pressing the hotkey
// again and again on nothing gets one, not five).
import type { HotkeyFailure } from './hotkeys';
import type { CaptureResult } from './selection/types';

export interface NotificationOptions {
  title: string;
  body: string;
  silent?: boolean;
}

export interface NotificationLike {
  show(): void;
  on(event: 'close' | 'failed', listener: () => void): unknown;
}

/** Electron's Notification class. */
export interface NotificationApi {
  new (options: NotificationOptions): NotificationLike;
  isSupported(): boolean;
}

export interface NotifierDeps {
  Notification: NotificationApi;
  /** Removes secrets from a text (redactSecrets with the current key). */
  redact: (text: string) => string;
  /** Where a notification goes when the desktop cannot show one. */
  fallback?: (title: string, body: string) => void;
  now?: () => number;
  platform?: NodeJS.Platform;
}

export interface Notifier {
  /** The outcome of a "read selection" that needs explaining (nothing for a normal capture). */
  capture(result: CaptureResult, clipboardFallback: boolean): void;
  error(message: string): void;
  info(message: string): void;
  hotkeyFailures(failures: readonly HotkeyFailure[]): void;
}

export const REPEAT_WINDOW_MS = 5_000;
const MAX_TITLE = 64;
const MAX_BODY = 280;

function clip(text: string, max: number): string {
  const tidy = text.trim();
  return tidy.length <= max ? tidy : `${tidy.slice(0, max - 1)}…`;
}

function accessibilityText(platform: NodeJS.Platform, first: boolean, clipboardFallback: boolean): string {
  const where =
    platform === 'darwin' ? 'System Settings › Privacy & Security › Accessibility' : 'the system settings';
  const until = clipboardFallback ? ' Until then, Hark reads the clipboard instead.' : '';
  if (!first) return `Hark still needs the Accessibility permission (${where}).${until}`;
  return (
    'To read text you select in other apps, Hark asks them to copy it, which macOS allows only ' +
    `with the Accessibility permission. Turn Hark on in ${where}, then restart Hark.${until}`
  );
}

export function createNotifier(deps: NotifierDeps): Notifier {
  const now = deps.now ?? Date.now;
  const platform = deps.platform ?? process.platform;
  const lastShown = new Map<string, number>();
  // Electron may drop a notification whose object was garbage-collected before it was shown.
  const alive = new Set<NotificationLike>();
  let accessibilityExplained = false;

  const show = (rawTitle: string, rawBody: string): void => {
    const title = clip(deps.redact(rawTitle), MAX_TITLE);
    const body = clip(deps.redact(rawBody), MAX_BODY);
    const key = `${title}\n${body}`;
    const at = now();
    const previous = lastShown.get(key);
    if (previous !== undefined && at - previous < REPEAT_WINDOW_MS) return;
    lastShown.set(key, at);
    if (!deps.Notification.isSupported()) {
      deps.fallback?.(title, body);
      return;
    }
    const notification = new deps.Notification({ title, body, silent: true });
    alive.add(notification);
    const release = (): void => {
      alive.delete(notification);
    };
    notification.on('close', release);
    notification.on('failed', release);
    notification.show();
  };

  const explainAccessibility = (clipboardFallback: boolean, repeat: boolean): void => {
    const first = !accessibilityExplained;
    if (!first && !repeat) return;
    accessibilityExplained = true;
    show('Hark needs the Accessibility permission', accessibilityText(platform, first, clipboardFallback));
  };

  return {
    capture(result, clipboardFallback) {
      if (result.source === 'selection') return;
      if (result.source === 'clipboard') {
        // The fallback did its job; only the missing permission deserves a word, once.
        if (result.problem === 'accessibility-required') explainAccessibility(true, false);
        return;
      }
      switch (result.problem) {
        case 'accessibility-required':
          explainAccessibility(clipboardFallback, true);
          return;
        case 'capture-failed':
          show('Hark could not read the selection', result.detail ?? 'The selection could not be read.');
          return;
        case 'nothing-selected':
        case undefined:
          show(
            'Nothing to read',
            clipboardFallback
              ? 'Select some text (or copy it), then try again.'
              : 'Select some text, then try again. Hark can read the clipboard when nothing is selected: turn that on in Settings.',
          );
      }
    },
    error(message) {
      show('Hark could not read aloud', message);
    },
    info(message) {
      show('Hark', message);
    },
    hotkeyFailures(failures) {
      if (failures.length === 0) return;
      const title =
        failures.length === 1 ? 'A hotkey is not active' : `${failures.length} hotkeys are not active`;
      show(title, failures.map((failure) => failure.message).join(' '));
    },
  };
}
