// The tray icon: renders trayView() (tray-menu.ts) and nothing else. Every change of state, hotkeys
// or hotkey failures goes through update(), which re-renders the whole view, so icon, tooltip and
// menu can never disagree. On Linux the menu must be set again after any change (Electron's
// StatusNotifierItem tray), which a full rebuild does anyway.
import type { AppState, ReadingPosition } from '../app/reading-controller';
import type { Hotkeys } from '../../shared/settings-schema';
import { trayView } from './tray-menu';
import type { FailedHotkey, MenuItemSpec, TrayAction, TrayView } from './tray-menu';

/** The slice of Electron's Tray the adapter uses. */
export interface TrayLike<Menu> {
  setImage(image: string): void;
  setToolTip(toolTip: string): void;
  setContextMenu(menu: Menu | null): void;
  on(event: 'click', listener: () => void): unknown;
  popUpContextMenu(): void;
  destroy(): void;
}

/** A Menu.buildFromTemplate item, restricted to what the tray menu uses. */
export interface MenuTemplateItem {
  type?: 'normal' | 'separator';
  label?: string;
  enabled?: boolean;
  click?: () => void;
}

export interface TrayInput {
  state: AppState;
  hotkeys: Hotkeys;
  failures: readonly FailedHotkey[];
  /** Where the listener is in the reading (its last report; may belong to a reading that ended). */
  position?: ReadingPosition | undefined;
}

export interface TrayDeps<Menu> {
  /** new Tray(path) */
  createTray: (iconPath: string) => TrayLike<Menu>;
  /** Menu.buildFromTemplate */
  buildMenu: (template: MenuTemplateItem[]) => Menu;
  /** Absolute path of a file in resources/. */
  iconPath: (file: string) => string;
  actions: Readonly<Record<TrayAction, () => void>>;
  initial: TrayInput;
  platform?: NodeJS.Platform;
  /** The app's version, shown in the menu (app.getVersion()). */
  version?: string;
}

export interface TrayHandle {
  /** Re-renders the tray from the merged input. */
  update(change: Partial<TrayInput>): void;
  readonly view: TrayView;
  destroy(): void;
}

/** Menu items as Electron templates, each action bound to its handler. */
export function menuTemplate(
  items: readonly MenuItemSpec[],
  actions: Readonly<Record<TrayAction, () => void>>,
): MenuTemplateItem[] {
  return items.map((item): MenuTemplateItem => {
    switch (item.type) {
      case 'separator':
        return { type: 'separator' };
      case 'status':
        return { type: 'normal', label: item.label, enabled: false };
      case 'action':
        return { type: 'normal', label: item.label, enabled: item.enabled, click: actions[item.action] };
    }
  });
}

export function createTray<Menu>(deps: TrayDeps<Menu>): TrayHandle {
  const platform = deps.platform ?? process.platform;
  let input = deps.initial;
  const viewOf = (current: TrayInput): TrayView =>
    trayView(current.state, current.hotkeys, current.failures, platform, current.position, deps.version);
  let view = viewOf(input);
  const tray = deps.createTray(deps.iconPath(view.icon));
  let destroyed = false;

  const render = (next: TrayView, previous: TrayView | undefined): void => {
    if (previous?.icon !== next.icon) tray.setImage(deps.iconPath(next.icon));
    if (previous?.tooltip !== next.tooltip) tray.setToolTip(next.tooltip);
    if (previous === undefined || JSON.stringify(previous.menu) !== JSON.stringify(next.menu)) {
      tray.setContextMenu(deps.buildMenu(menuTemplate(next.menu, deps.actions)));
    }
  };

  render(view, undefined);
  // Windows opens the menu on right-click only; a left click should show it too. macOS opens it on
  // any click by itself, and Linux may not deliver clicks at all (the menu is always reachable).
  if (platform === 'win32') tray.on('click', () => tray.popUpContextMenu());

  return {
    update(change) {
      if (destroyed) return;
      input = { ...input, ...change };
      const next = viewOf(input);
      render(next, view);
      view = next;
    },
    get view() {
      return view;
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      tray.destroy();
    },
  };
}
