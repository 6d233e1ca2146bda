import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../store/redact';
import type { HotkeyFailure } from './hotkeys';
import { createNotifier, REPEAT_WINDOW_MS } from './notifications';
import type { NotificationLike, NotificationOptions } from './notifications';
import type { CaptureResult } from './selection/types';

const KEY = 'sk_0123456789abcdef0123456789abcdef';

function setup(options: { supported?: boolean; platform?: NodeJS.Platform } = {}) {
  const shown: NotificationOptions[] = [];
  const fallback: string[] = [];
  let time = 0;
  const listeners: Map<string, () => void>[] = [];
  class FakeNotification implements NotificationLike {
    private readonly handlers = new Map<string, () => void>();
    constructor(private readonly options: NotificationOptions) {
      listeners.push(this.handlers);
    }
    static isSupported(): boolean {
      return options.supported ?? true;
    }
    show(): void {
      shown.push(this.options);
    }
    on(event: 'close' | 'failed', listener: () => void): this {
      this.handlers.set(event, listener);
      return this;
    }
  }
  const notifier = createNotifier({
    Notification: FakeNotification,
    redact: (text) => redactSecrets(text, [KEY]),
    fallback: (title, body) => fallback.push(`${title}: ${body}`),
    now: () => time,
    platform: options.platform ?? 'linux',
  });
  return {
    notifier,
    shown,
    fallback,
    listeners,
    advance: (ms: number) => {
      time += ms;
    },
  };
}

const NONE: CaptureResult = { text: '', source: 'none', problem: 'nothing-selected' };

describe('createNotifier', () => {
  it('says there was nothing to read, pointing to the fallback setting when it is off', () => {
    const { notifier, shown } = setup();
    notifier.capture(NONE, false);
    expect(shown[0]?.title).toBe('Nothing to read');
    expect(shown[0]?.body).toMatch(/turn that on in Settings/);
    expect(shown[0]?.silent).toBe(true);
  });

  it('stays quiet for a normal selection or clipboard capture', () => {
    const { notifier, shown } = setup();
    notifier.capture({ text: 'x', source: 'selection' }, true);
    notifier.capture({ text: 'x', source: 'clipboard', problem: 'nothing-selected' }, true);
    expect(shown).toEqual([]);
  });

  it('does not repeat the same notification within a few seconds', () => {
    const { notifier, shown, advance } = setup();
    notifier.capture(NONE, true);
    advance(1_000);
    notifier.capture(NONE, true);
    expect(shown).toHaveLength(1);
    advance(REPEAT_WINDOW_MS);
    notifier.capture(NONE, true);
    expect(shown).toHaveLength(2);
  });

  it('never shows a secret, even when an error message carries one', () => {
    const { notifier, shown } = setup();
    notifier.error(`Request failed with xi-api-key ${KEY}`);
    expect(JSON.stringify(shown)).not.toContain(KEY);
    expect(shown[0]?.body).toContain('[redacted]');
  });

  it('keeps bodies short', () => {
    const { notifier, shown } = setup();
    notifier.error('x'.repeat(2_000));
    expect(shown[0]?.body.length).toBeLessThanOrEqual(280);
  });

  it('explains the macOS permission in full once, then briefly', () => {
    const { notifier, shown, advance } = setup({ platform: 'darwin' });
    const denied: CaptureResult = { text: '', source: 'none', problem: 'accessibility-required' };
    notifier.capture(denied, false);
    advance(REPEAT_WINDOW_MS);
    notifier.capture(denied, false);
    expect(shown[0]?.body).toMatch(/Privacy & Security › Accessibility, then restart Hark/);
    expect(shown[1]?.body).toMatch(/^Hark still needs the Accessibility permission/);
  });

  it('with the clipboard fallback, the permission is explained once and then not again', () => {
    const { notifier, shown, advance } = setup({ platform: 'darwin' });
    const fallback: CaptureResult = { text: 'clip', source: 'clipboard', problem: 'accessibility-required' };
    notifier.capture(fallback, true);
    advance(REPEAT_WINDOW_MS);
    notifier.capture(fallback, true);
    expect(shown).toHaveLength(1);
    expect(shown[0]?.body).toMatch(/Until then, Hark reads the clipboard instead/);
  });

  it('reports a failed capture with its detail', () => {
    const { notifier, shown } = setup();
    notifier.capture(
      { text: '', source: 'none', problem: 'capture-failed', detail: 'copy failed: osascript: timeout' },
      false,
    );
    expect(shown[0]).toMatchObject({
      title: 'Hark could not read the selection',
      body: 'copy failed: osascript: timeout',
    });
  });

  it('lists hotkey failures in one notification, and nothing for none', () => {
    const { notifier, shown } = setup();
    notifier.hotkeyFailures([]);
    const failures: HotkeyFailure[] = [
      { action: 'stop', accelerator: 'Ctrl+Alt+Shift+X', reason: 'taken', message: 'Stop is taken.' },
      {
        action: 'readClipboard',
        accelerator: 'Ctrl+Alt+Shift+C',
        reason: 'taken',
        message: 'Clipboard is taken.',
      },
    ];
    notifier.hotkeyFailures(failures);
    expect(shown).toEqual([
      { title: '2 hotkeys are not active', body: 'Stop is taken. Clipboard is taken.', silent: true },
    ]);
  });

  it('falls back (e.g. to the log) where the desktop has no notifications', () => {
    const { notifier, shown, fallback } = setup({ supported: false });
    notifier.info('Reading the first 100,000 characters.');
    expect(shown).toEqual([]);
    expect(fallback).toEqual(['Hark: Reading the first 100,000 characters.']);
  });

  it('listens for close and failed so the notification can be released', () => {
    const { notifier, listeners } = setup();
    notifier.info('hello');
    expect([...(listeners[0]?.keys() ?? [])].sort()).toEqual(['close', 'failed']);
  });
});
