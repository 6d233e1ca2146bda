import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { AppState } from '../app/reading-controller';
import { DEFAULT_HOTKEYS } from '../../shared/settings-schema';
import type { Hotkeys } from '../../shared/settings-schema';
import {
  buildTrayMenu,
  describeState,
  formatAccelerator,
  trayIconFile,
  trayIconState,
  trayView,
} from './tray-menu';
import type { MenuItemSpec, TrayAction } from './tray-menu';

const HOTKEYS: Hotkeys = { ...DEFAULT_HOTKEYS };

function action(menu: MenuItemSpec[], name: TrayAction): Extract<MenuItemSpec, { type: 'action' }> {
  const item = menu.find((entry) => entry.type === 'action' && entry.action === name);
  if (!item || item.type !== 'action') throw new Error(`no ${name} item`);
  return item;
}

const STATES: AppState[] = [
  { kind: 'idle' },
  { kind: 'connecting', source: 'selection' },
  { kind: 'speaking', source: 'clipboard', queued: 0 },
  { kind: 'paused', source: 'selection', queued: 2 },
  { kind: 'error', code: 'auth_failed', message: 'The API key was refused.' },
  { kind: 'reconnecting', source: 'clipboard', attempt: 2 },
];

describe('formatAccelerator', () => {
  it('shows the platform names of the modifiers', () => {
    expect(formatAccelerator('CommandOrControl+Alt+Shift+S', 'linux')).toBe('Ctrl+Alt+Shift+S');
    expect(formatAccelerator('CommandOrControl+Alt+Shift+S', 'win32')).toBe('Ctrl+Alt+Shift+S');
    expect(formatAccelerator('CommandOrControl+Alt+Shift+S', 'darwin')).toBe('Cmd+Option+Shift+S');
    expect(formatAccelerator('Super+Plus', 'win32')).toBe('Win++');
    expect(formatAccelerator('Meta+F5', 'linux')).toBe('Super+F5');
    expect(formatAccelerator('Control+F5', 'darwin')).toBe('Ctrl+F5');
    expect(formatAccelerator('', 'linux')).toBe('');
  });
});

describe('buildTrayMenu', () => {
  it('offers every action in every state, each hotkey in its label', () => {
    for (const state of STATES) {
      const menu = buildTrayMenu(state, HOTKEYS, [], 'linux');
      const actions = menu.flatMap((item) => (item.type === 'action' ? [item.action] : []));
      for (const name of [
        'readSelection',
        'readClipboard',
        'pauseResume',
        'stop',
        'history',
        'settings',
        'quit',
      ] as const) {
        expect(actions).toContain(name);
      }
      expect(action(menu, 'readSelection').label).toBe('Read selection\tCtrl+Alt+Shift+S');
      expect(action(menu, 'readClipboard').label).toBe('Read clipboard\tCtrl+Alt+Shift+C');
      expect(action(menu, 'stop').label).toBe('Stop\tCtrl+Alt+Shift+X');
      expect(action(menu, 'readSelection').enabled).toBe(true);
      expect(action(menu, 'quit').enabled).toBe(true);
    }
  });

  it('previous and next sentence, with their hotkeys, only while a reading plays or is paused', () => {
    const idle = buildTrayMenu({ kind: 'idle' }, HOTKEYS, [], 'linux');
    expect(action(idle, 'previousSentence')).toMatchObject({
      label: 'Previous sentence\tCtrl+Alt+Shift+Left',
      enabled: false,
    });
    expect(action(idle, 'nextSentence').enabled).toBe(false);
    expect(action(idle, 'speedUp')).toMatchObject({ label: 'Speed up\tCtrl+Alt+Shift+Up', enabled: true });
    const paused = buildTrayMenu({ kind: 'paused', source: 'typed', queued: 0 }, HOTKEYS, [], 'linux');
    expect(action(paused, 'previousSentence').enabled).toBe(true);
    expect(action(paused, 'nextSentence').enabled).toBe(true);
    const connecting = buildTrayMenu({ kind: 'connecting', source: 'typed' }, HOTKEYS, [], 'linux');
    expect(action(connecting, 'nextSentence').enabled).toBe(false);
  });

  it('pause becomes resume while paused, and both are only enabled during a reading', () => {
    const idle = buildTrayMenu({ kind: 'idle' }, HOTKEYS, [], 'linux');
    expect(action(idle, 'pauseResume')).toMatchObject({ label: 'Pause\tCtrl+Alt+Shift+P', enabled: false });
    expect(action(idle, 'stop').enabled).toBe(false);

    const speaking = buildTrayMenu(
      { kind: 'speaking', source: 'selection', queued: 0 },
      HOTKEYS,
      [],
      'linux',
    );
    expect(action(speaking, 'pauseResume')).toMatchObject({
      label: 'Pause\tCtrl+Alt+Shift+P',
      enabled: true,
    });
    expect(action(speaking, 'stop').enabled).toBe(true);

    const paused = buildTrayMenu({ kind: 'paused', source: 'selection', queued: 1 }, HOTKEYS, [], 'darwin');
    expect(action(paused, 'pauseResume')).toMatchObject({
      label: 'Resume\tCmd+Option+Shift+P',
      enabled: true,
    });

    const connecting = buildTrayMenu({ kind: 'connecting', source: 'typed' }, HOTKEYS, [], 'linux');
    expect(action(connecting, 'stop').enabled).toBe(true);

    // While reconnecting, stop ends the reading; there is nothing to pause until audio flows again.
    const reconnecting = buildTrayMenu(
      { kind: 'reconnecting', source: 'typed', attempt: 1 },
      HOTKEYS,
      [],
      'linux',
    );
    expect(action(reconnecting, 'stop').enabled).toBe(true);
    expect(action(reconnecting, 'pauseResume').enabled).toBe(false);
  });

  it('marks a hotkey that could not be registered and points to Settings', () => {
    const menu = buildTrayMenu({ kind: 'idle' }, HOTKEYS, [{ action: 'readClipboard' }], 'linux');
    expect(action(menu, 'readClipboard').label).toBe('Read clipboard\tCtrl+Alt+Shift+C (not active)');
    expect(action(menu, 'readSelection').label).toBe('Read selection\tCtrl+Alt+Shift+S');
    const problem = menu.find(
      (item) => item.type === 'action' && item.label.startsWith('1 hotkey is not active'),
    );
    expect(problem).toMatchObject({ action: 'settings', enabled: true });

    const two = buildTrayMenu(
      { kind: 'idle' },
      HOTKEYS,
      [{ action: 'stop' }, { action: 'pauseResume' }],
      'linux',
    );
    expect(
      two.some((item) => item.type === 'action' && item.label.startsWith('2 hotkeys are not active')),
    ).toBe(true);
  });

  it('offers the log folder in every state and shows the version, just above Quit', () => {
    for (const state of STATES) {
      const menu = buildTrayMenu(state, HOTKEYS, [], 'linux', undefined, '1.4.2');
      expect(action(menu, 'openLogFolder')).toEqual({
        type: 'action',
        action: 'openLogFolder',
        label: 'Open log folder',
        enabled: true,
      });
      expect(menu.slice(-5)).toEqual([
        { type: 'separator' },
        { type: 'action', action: 'openLogFolder', label: 'Open log folder', enabled: true },
        { type: 'status', label: 'Version 1.4.2' },
        { type: 'separator' },
        { type: 'action', action: 'quit', label: 'Quit Hark', enabled: true },
      ]);
    }
    // Without a known version there is no version line, but the folder is still there.
    const unversioned = buildTrayMenu({ kind: 'idle' }, HOTKEYS, [], 'linux');
    expect(unversioned.some((item) => item.type === 'status' && item.label.startsWith('Version'))).toBe(
      false,
    );
    expect(action(unversioned, 'openLogFolder').enabled).toBe(true);
  });

  it('an action without a hotkey has a plain label', () => {
    const menu = buildTrayMenu({ kind: 'idle' }, { ...HOTKEYS, stop: '' }, [], 'linux');
    expect(action(menu, 'stop').label).toBe('Stop');
  });

  it('shows the state on its first line, and an error can be dismissed', () => {
    expect(buildTrayMenu({ kind: 'idle' }, HOTKEYS, [], 'linux')[0]).toEqual({
      type: 'status',
      label: 'Hark: Ready',
    });
    const error = buildTrayMenu(STATES[4] as AppState, HOTKEYS, [], 'linux');
    expect(error[0]).toEqual({ type: 'status', label: 'Hark: Error: The API key was refused.' });
    expect(action(error, 'dismissError').enabled).toBe(true);
    expect(
      buildTrayMenu({ kind: 'idle' }, HOTKEYS, [], 'linux').some(
        (item) => item.type === 'action' && item.action === 'dismissError',
      ),
    ).toBe(false);
  });
});

describe('describeState and icons', () => {
  it('describes queued readings and shortens long errors to one line', () => {
    expect(describeState({ kind: 'speaking', source: 'selection', queued: 3 })).toBe(
      'Speaking (3 more queued)',
    );
    expect(describeState({ kind: 'paused', source: 'selection', queued: 0 })).toBe('Paused');
    expect(describeState({ kind: 'reconnecting', source: 'selection', attempt: 2 })).toBe(
      'Connection lost, reconnecting (attempt 2)…',
    );
    const long = describeState({
      kind: 'error',
      code: 'x',
      message: `line one\nline two ${'x'.repeat(200)}`,
    });
    expect(long.startsWith('Error: line one line two')).toBe(true);
    expect(long.length).toBeLessThanOrEqual('Error: '.length + 80);
    expect(long.endsWith('…')).toBe(true);
  });

  it('says where a paused reading is, with the queue after it', () => {
    const place = { readingId: 1, sentence: 0, sentenceCount: 3, elapsedMs: 0, remainingMs: 9000 };
    expect(
      describeState(
        { kind: 'paused', source: 'typed', queued: 1 },
        { ...place, speed: 0.8, steerable: true },
      ),
    ).toBe('Paused, sentence 1 of 3 at 0.8× (1 more queued)');
    expect(
      describeState({ kind: 'connecting', source: 'typed' }, { ...place, speed: 1, steerable: true }),
    ).toBe('Connecting…');
  });

  it('has one icon per state, from the drawn files in resources/', () => {
    const files = STATES.map((state) => trayIconFile(trayIconState(state.kind), 'linux'));
    expect(files).toEqual([
      'tray/idle-32.png',
      'tray/connecting-32.png',
      'tray/speaking-32.png',
      'tray/paused-32.png',
      'tray/error-32.png',
      // Reconnecting shows the connecting icon; the tooltip says which.
      'tray/connecting-32.png',
    ]);
    expect(trayIconFile('speaking', 'darwin')).toBe('tray/speakingTemplate.png');
    expect(trayIconFile('speaking', 'win32')).toBe('tray/speaking.png');
  });

  it('every icon it names exists in resources/, with its 2x variant', () => {
    const resources = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'resources');
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      for (const state of STATES) {
        const file = trayIconFile(trayIconState(state.kind), platform);
        expect(existsSync(join(resources, file)), file).toBe(true);
        expect(existsSync(join(resources, file.replace(/\.png$/, '@2x.png'))), file).toBe(true);
      }
    }
  });

  it('trayView puts icon, tooltip and menu together', () => {
    const view = trayView({ kind: 'speaking', source: 'selection', queued: 0 }, HOTKEYS, [], 'linux');
    expect(view.icon).toBe('tray/speaking-32.png');
    expect(view.tooltip).toBe('Hark: Speaking');
    expect(view.menu).toEqual(
      buildTrayMenu({ kind: 'speaking', source: 'selection', queued: 0 }, HOTKEYS, [], 'linux'),
    );
  });

  it('while reconnecting, shows the connecting icon and says what is going on', () => {
    const view = trayView({ kind: 'reconnecting', source: 'selection', attempt: 1 }, HOTKEYS, [], 'darwin');
    expect(view.icon).toBe('tray/connectingTemplate.png');
    expect(view.tooltip).toBe('Hark: Connection lost, reconnecting (attempt 1)…');
  });
});
