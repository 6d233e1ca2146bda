import { describe, expect, it } from 'vitest';
import { DEFAULT_HOTKEYS, HOTKEY_ACTIONS } from '../../shared/settings-schema';
import type { HotkeyAction, Hotkeys } from '../../shared/settings-schema';
import { HotkeyManager, LateBoundHotkeys, registerHotkeys } from './hotkeys';
import type { HotkeyFailure } from './hotkeys';
import type { SuspendableShortcutLike } from './hotkeys';

/**
 * Behaves like the OS behind Electron's globalShortcut: a combination held by another app cannot
 * be registered (register() may even claim success, isRegistered() tells the truth), registering
 * fails while suspended, an unconvertible accelerator throws, and a press fires the callback.
 */
class DesktopShortcuts implements SuspendableShortcutLike {
  readonly ours = new Map<string, () => void>();
  readonly takenByOthers = new Set<string>();
  /** Accelerators this Electron build cannot convert (it throws). */
  readonly unconvertible = new Set<string>();
  /** Some platforms answer true for a combination they then never deliver. */
  lieOnRegister = false;
  suspended = false;
  unregisterCalls: string[] = [];

  register(accelerator: string, callback: () => void): boolean {
    if (this.unconvertible.has(accelerator)) throw new Error(`Error processing argument: ${accelerator}`);
    if (this.suspended) return false;
    if (this.takenByOthers.has(accelerator) || this.ours.has(accelerator)) return this.lieOnRegister;
    this.ours.set(accelerator, callback);
    return true;
  }
  isRegistered(accelerator: string): boolean {
    return this.ours.has(accelerator);
  }
  unregister(accelerator: string): void {
    this.unregisterCalls.push(accelerator);
    this.ours.delete(accelerator);
  }
  setSuspended(suspended: boolean): void {
    this.suspended = suspended;
  }
  isSuspended(): boolean {
    return this.suspended;
  }
  /** The user presses a combination; true when Hark received it. */
  press(accelerator: string): boolean {
    const callback = this.suspended ? undefined : this.ours.get(accelerator);
    callback?.();
    return callback !== undefined;
  }
}

function recordingHandlers() {
  const pressed: HotkeyAction[] = [];
  const handlers = Object.fromEntries(
    HOTKEY_ACTIONS.map((action) => [action, () => void pressed.push(action)]),
  ) as Record<HotkeyAction, () => void>;
  return { pressed, handlers };
}

const HOTKEYS: Hotkeys = { ...DEFAULT_HOTKEYS };

describe('registerHotkeys', () => {
  it('registers every hotkey and each press reaches its handler', () => {
    const desktop = new DesktopShortcuts();
    const { pressed, handlers } = recordingHandlers();
    expect(registerHotkeys(desktop, HOTKEYS, handlers, 'linux')).toEqual([]);
    expect(desktop.press('CommandOrControl+Alt+Shift+S')).toBe(true);
    expect(desktop.press('CommandOrControl+Alt+Shift+X')).toBe(true);
    expect(pressed).toEqual(['readSelection', 'stop']);
  });

  it('reports a combination another app holds, also when register() claimed success', () => {
    for (const lie of [false, true]) {
      const desktop = new DesktopShortcuts();
      desktop.lieOnRegister = lie;
      desktop.takenByOthers.add('CommandOrControl+Alt+Shift+C');
      const failures = registerHotkeys(desktop, HOTKEYS, recordingHandlers().handlers, 'linux');
      expect(failures).toEqual([
        {
          action: 'readClipboard',
          accelerator: 'CommandOrControl+Alt+Shift+C',
          reason: 'taken',
          message: expect.stringContaining(
            'Ctrl+Alt+Shift+C (Read clipboard) is already used by another application',
          ) as unknown,
        },
      ]);
      expect(desktop.ours.size).toBe(HOTKEY_ACTIONS.length - 1);
    }
  });

  it('reports invalid accelerators (by our check or by Electron) without registering them', () => {
    const desktop = new DesktopShortcuts();
    desktop.unconvertible.add('Ctrl+Alt+F24');
    const failures = registerHotkeys(
      desktop,
      { ...HOTKEYS, readSelection: 'S', stop: 'Ctrl+Alt+F24' },
      recordingHandlers().handlers,
      'linux',
    );
    expect(failures.map((f) => [f.action, f.reason])).toEqual([
      ['readSelection', 'invalid'],
      ['stop', 'invalid'],
    ]);
    expect(failures[0]?.message).toMatch(/not a valid key combination/);
    expect(failures[1]?.message).toMatch(/Error processing argument/);
    expect(desktop.ours.size).toBe(HOTKEY_ACTIONS.length - 2);
  });

  it('an empty hotkey is no hotkey, not a failure', () => {
    const desktop = new DesktopShortcuts();
    expect(
      registerHotkeys(desktop, { ...HOTKEYS, readClipboard: '' }, recordingHandlers().handlers, 'linux'),
    ).toEqual([]);
    expect(desktop.ours.size).toBe(HOTKEY_ACTIONS.length - 1);
  });

  it('registers the canonical spelling of an accelerator', () => {
    const desktop = new DesktopShortcuts();
    registerHotkeys(desktop, { ...HOTKEYS, stop: 'ctrl+alt+f9' }, recordingHandlers().handlers, 'linux');
    expect(desktop.isRegistered('Ctrl+Alt+F9')).toBe(true);
  });
});

describe('HotkeyManager', () => {
  it('re-registers on change, releasing the old combinations first (so two actions can swap)', () => {
    const desktop = new DesktopShortcuts();
    const { pressed, handlers } = recordingHandlers();
    const manager = new HotkeyManager(desktop, handlers, 'linux');
    manager.apply(HOTKEYS);
    const swapped = {
      ...HOTKEYS,
      readSelection: HOTKEYS.readClipboard,
      readClipboard: HOTKEYS.readSelection,
    };
    expect(manager.apply(swapped)).toEqual([]);
    desktop.press(HOTKEYS.readSelection);
    expect(pressed).toEqual(['readClipboard']);
    expect(desktop.ours.size).toBe(HOTKEY_ACTIONS.length);
  });

  it('keeps failures, tells listeners, and clears a failure once the combination is free', () => {
    const desktop = new DesktopShortcuts();
    desktop.takenByOthers.add(HOTKEYS.stop);
    const manager = new HotkeyManager(desktop, recordingHandlers().handlers, 'linux');
    const heard: string[][] = [];
    manager.onFailures((failures) => heard.push(failures.map((f) => f.action)));
    manager.apply(HOTKEYS);
    expect(manager.failures.map((f) => f.action)).toEqual(['stop']);
    manager.apply({ ...HOTKEYS, stop: 'CommandOrControl+Alt+Shift+Q' });
    expect(manager.failures).toEqual([]);
    expect(heard).toEqual([['stop'], []]);
  });

  it('only ever releases its own combinations', () => {
    const desktop = new DesktopShortcuts();
    desktop.takenByOthers.add(HOTKEYS.stop);
    const manager = new HotkeyManager(desktop, recordingHandlers().handlers, 'linux');
    manager.apply(HOTKEYS);
    manager.dispose();
    expect(desktop.unregisterCalls.sort()).toEqual(
      HOTKEY_ACTIONS.filter((action) => action !== 'stop')
        .map((action) => HOTKEYS[action])
        .sort(),
    );
    expect(desktop.ours.size).toBe(0);
  });

  it('suspend silences every hotkey; a change while suspended is registered on resume', () => {
    const desktop = new DesktopShortcuts();
    const { pressed, handlers } = recordingHandlers();
    const manager = new HotkeyManager(desktop, handlers, 'linux');
    manager.apply(HOTKEYS);
    manager.suspend();
    expect(desktop.press(HOTKEYS.readSelection)).toBe(false);

    const recorded = { ...HOTKEYS, readSelection: 'CommandOrControl+Alt+Shift+R' };
    manager.apply(recorded);
    // Nothing was released or registered while suspended.
    expect(desktop.isRegistered(HOTKEYS.readSelection)).toBe(true);

    manager.resume();
    expect(manager.failures).toEqual([]);
    expect(desktop.press('CommandOrControl+Alt+Shift+R')).toBe(true);
    expect(desktop.press(HOTKEYS.readSelection)).toBe(false);
    expect(pressed).toEqual(['readSelection']);
  });
});

describe('LateBoundHotkeys', () => {
  it('before bind: no failures, and suspend/resume do nothing', () => {
    const late = new LateBoundHotkeys();
    const heard: (readonly HotkeyFailure[])[] = [];
    late.onFailures((failures) => heard.push(failures));
    late.suspend();
    late.resume();
    expect(late.failures()).toEqual([]);
    expect(heard).toEqual([]);
  });

  it('after bind: reports the manager, announces its failures, and suspends its shortcuts', () => {
    const desktop = new DesktopShortcuts();
    desktop.takenByOthers.add(HOTKEYS.stop);
    const manager = new HotkeyManager(desktop, recordingHandlers().handlers, 'linux');
    manager.apply(HOTKEYS);
    const late = new LateBoundHotkeys();
    const heard: (readonly HotkeyFailure[])[] = [];
    const unsubscribe = late.onFailures((failures) => heard.push(failures));

    late.bind(manager);
    expect(late.failures().map((f) => [f.action, f.reason])).toEqual([['stop', 'taken']]);
    expect(heard.map((failures) => failures.length)).toEqual([1]);

    late.suspend();
    expect(desktop.press(HOTKEYS.readSelection)).toBe(false);
    late.resume();
    expect(desktop.press(HOTKEYS.readSelection)).toBe(true);

    desktop.takenByOthers.clear();
    manager.apply(HOTKEYS);
    expect(heard.at(-1)).toEqual([]);
    expect(late.failures()).toEqual([]);

    unsubscribe();
    desktop.takenByOthers.add(HOTKEYS.stop);
    manager.apply({ ...HOTKEYS, stop: 'CommandOrControl+Alt+Shift+Z' });
    manager.apply(HOTKEYS);
    expect(heard.length).toBe(2);
  });
});
