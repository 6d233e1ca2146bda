import { describe, expect, it } from 'vitest';
import { DEFAULT_HOTKEYS } from '../../shared/settings-schema';
import { createTray, menuTemplate } from './tray';
import type { MenuTemplateItem, TrayLike } from './tray';
import type { TrayAction } from './tray-menu';

/** Records what an Electron Tray would show. */
class RecordingTray implements TrayLike<MenuTemplateItem[]> {
  image: string;
  tooltip = '';
  menu: MenuTemplateItem[] | null = null;
  menuSets = 0;
  imageSets = 0;
  clickListeners: (() => void)[] = [];
  popUps = 0;
  destroyed = false;

  constructor(image: string) {
    this.image = image;
  }
  setImage(image: string): void {
    this.image = image;
    this.imageSets++;
  }
  setToolTip(toolTip: string): void {
    this.tooltip = toolTip;
  }
  setContextMenu(menu: MenuTemplateItem[] | null): void {
    this.menu = menu;
    this.menuSets++;
  }
  on(_event: 'click', listener: () => void): this {
    this.clickListeners.push(listener);
    return this;
  }
  popUpContextMenu(): void {
    this.popUps++;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

function setup(platform: NodeJS.Platform = 'linux') {
  const calls: TrayAction[] = [];
  const actionNames: TrayAction[] = [
    'readSelection',
    'readClipboard',
    'pauseResume',
    'stop',
    'dismissError',
    'history',
    'settings',
    'openLogFolder',
    'quit',
  ];
  const actions = Object.fromEntries(
    actionNames.map((name) => [
      name,
      () => {
        calls.push(name);
      },
    ]),
  ) as Record<TrayAction, () => void>;
  let tray: RecordingTray | undefined;
  const handle = createTray<MenuTemplateItem[]>({
    createTray: (path) => (tray = new RecordingTray(path)),
    buildMenu: (template) => template,
    iconPath: (file) => `/res/${file}`,
    actions,
    initial: { state: { kind: 'idle' }, hotkeys: { ...DEFAULT_HOTKEYS }, failures: [] },
    platform,
    version: '2.0.1',
  });
  if (!tray) throw new Error('no tray created');
  return { handle, tray, calls };
}

function click(menu: MenuTemplateItem[] | null, labelStart: string): void {
  const item = menu?.find((entry) => entry.label?.startsWith(labelStart));
  if (!item?.click) throw new Error(`no clickable "${labelStart}"`);
  item.click();
}

describe('createTray', () => {
  it('starts with the idle icon, tooltip and menu, and menu clicks reach the actions', () => {
    const { tray, calls } = setup();
    expect(tray.image).toBe('/res/tray/idle-32.png');
    expect(tray.tooltip).toBe('Hark: Ready');
    expect(tray.menu?.[0]).toEqual({ type: 'normal', label: 'Hark: Ready', enabled: false });
    click(tray.menu, 'Read selection');
    click(tray.menu, 'Read clipboard');
    click(tray.menu, 'History');
    click(tray.menu, 'Settings');
    click(tray.menu, 'Quit');
    expect(calls).toEqual(['readSelection', 'readClipboard', 'history', 'settings', 'quit']);
  });

  it('opens the log folder from the menu and shows the version as a line that cannot be clicked', () => {
    const { tray, calls, handle } = setup();
    click(tray.menu, 'Open log folder');
    expect(calls).toEqual(['openLogFolder']);
    expect(tray.menu).toContainEqual({ type: 'normal', label: 'Version 2.0.1', enabled: false });
    // Still there after the menu is rebuilt for another state.
    handle.update({ state: { kind: 'error', code: 'x', message: 'Broken.' } });
    click(tray.menu, 'Open log folder');
    expect(calls).toEqual(['openLogFolder', 'openLogFolder']);
    expect(tray.menu).toContainEqual({ type: 'normal', label: 'Version 2.0.1', enabled: false });
  });

  it('re-renders icon, tooltip and menu together on a state change', () => {
    const { handle, tray, calls } = setup();
    handle.update({ state: { kind: 'speaking', source: 'selection', queued: 0 } });
    expect(tray.image).toBe('/res/tray/speaking-32.png');
    expect(tray.tooltip).toBe('Hark: Speaking');
    click(tray.menu, 'Pause');
    click(tray.menu, 'Stop');
    expect(calls).toEqual(['pauseResume', 'stop']);

    handle.update({ state: { kind: 'paused', source: 'selection', queued: 0 } });
    expect(tray.image).toBe('/res/tray/paused-32.png');
    expect(tray.menu?.some((item) => item.label?.startsWith('Resume'))).toBe(true);
  });

  it('shows the place in the reading, and rebuilds the menu only when the sentence or speed changes', () => {
    const { handle, tray } = setup();
    const place = { readingId: 4, sentence: 2, sentenceCount: 12, elapsedMs: 9000, remainingMs: 30_000 };
    handle.update({ state: { kind: 'speaking', source: 'selection', queued: 0 } });
    handle.update({ position: { ...place, speed: 1.5, steerable: true } });
    expect(tray.tooltip).toBe('Hark: Speaking, sentence 3 of 12 at 1.5×');
    expect(tray.menu?.[0]?.label).toBe('Hark: Speaking, sentence 3 of 12 at 1.5×');
    const menuSets = tray.menuSets;
    // The once-a-second report moves only the times: nothing to redraw.
    handle.update({ position: { ...place, elapsedMs: 10_000, speed: 1.5, steerable: true } });
    expect(tray.menuSets).toBe(menuSets);
    handle.update({ position: { ...place, sentence: 3, speed: 1, steerable: true } });
    expect(tray.tooltip).toBe('Hark: Speaking, sentence 4 of 12');
    expect(tray.menuSets).toBe(menuSets + 1);
    // A history replay cannot be steered by sentence, and an ended reading has no place.
    handle.update({ position: { ...place, speed: 1, steerable: false } });
    expect(tray.tooltip).toBe('Hark: Speaking');
    handle.update({ state: { kind: 'idle' }, position: { ...place, speed: 1, steerable: true } });
    expect(tray.tooltip).toBe('Hark: Ready');
  });

  it('shows hotkey failures and new hotkeys in the labels', () => {
    const { handle, tray } = setup();
    handle.update({ failures: [{ action: 'stop' }] });
    expect(tray.menu?.find((item) => item.label?.startsWith('Stop'))?.label).toBe(
      'Stop\tCtrl+Alt+Shift+X (not active)',
    );
    handle.update({ hotkeys: { ...DEFAULT_HOTKEYS, stop: 'CommandOrControl+Alt+Shift+Q' }, failures: [] });
    expect(tray.menu?.find((item) => item.label?.startsWith('Stop'))?.label).toBe('Stop\tCtrl+Alt+Shift+Q');
  });

  it('does not touch the tray when nothing visible changed', () => {
    const { handle, tray } = setup();
    handle.update({ state: { kind: 'speaking', source: 'selection', queued: 0 } });
    const [menuSets, imageSets] = [tray.menuSets, tray.imageSets];
    handle.update({ state: { kind: 'speaking', source: 'clipboard', queued: 0 } });
    expect([tray.menuSets, tray.imageSets]).toEqual([menuSets, imageSets]);
    handle.update({ state: { kind: 'speaking', source: 'clipboard', queued: 1 } });
    expect(tray.menuSets).toBe(menuSets + 1);
    expect(tray.imageSets).toBe(imageSets);
  });

  it('a left click opens the menu on Windows; elsewhere clicks are not relied on', () => {
    const windows = setup('win32');
    windows.tray.clickListeners.forEach((listener) => listener());
    expect(windows.tray.popUps).toBe(1);
    expect(setup('linux').tray.clickListeners).toHaveLength(0);
  });

  it('is destroyed once and ignores updates afterwards', () => {
    const { handle, tray } = setup();
    handle.destroy();
    handle.destroy();
    expect(tray.destroyed).toBe(true);
    const sets = tray.menuSets;
    handle.update({ state: { kind: 'speaking', source: 'selection', queued: 0 } });
    expect(tray.menuSets).toBe(sets);
  });
});

describe('menuTemplate', () => {
  it('status lines are disabled and separators stay separators', () => {
    const template = menuTemplate(
      [
        { type: 'status', label: 'Hark: Ready' },
        { type: 'separator' },
        { type: 'action', action: 'quit', label: 'Quit Hark', enabled: true },
      ],
      { quit: () => undefined } as unknown as Record<TrayAction, () => void>,
    );
    expect(template[0]).toEqual({ type: 'normal', label: 'Hark: Ready', enabled: false });
    expect(template[1]).toEqual({ type: 'separator' });
    expect(template[2]).toMatchObject({ type: 'normal', label: 'Quit Hark', enabled: true });
  });
});
