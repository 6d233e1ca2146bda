// What the user can trigger (the actions) and the two ways to trigger them: the tray menu and the
// global hotkeys.
import { join } from 'node:path';
import type { AppServices } from '../../app/services';
import { HotkeyManager } from '../hotkeys';
import type { Notifier } from '../notifications';
import { createTray } from '../tray';
import type { TrayHandle } from '../tray';
import type { TrayAction } from '../tray-menu';
import type { Logger } from '../../store/redact';
import type { SettingsStore } from '../../store/settings';
import type { ElectronMain } from './electron';
import type { Paths } from './paths-and-logging';
import type { Windows } from './windows-and-player';

export type Actions = Readonly<Record<TrayAction, () => void>>;

type Menu = InstanceType<ElectronMain['Menu']>;

/** Failure codes whose notification the selection capture has already shown. */
const CAPTURE_CODES = new Set(['nothing_selected', 'clipboard_empty', 'selection_unavailable']);

/** What the tray, the hotkeys and `hark --…` launches do: one handler per action. */
export function setupActions(
  electron: Pick<ElectronMain, 'app'>,
  services: AppServices,
  windows: Windows,
  notifier: Notifier,
  log: Logger,
): Actions {
  const run =
    (
      name: string,
      call: () => Promise<{ ok: true } | { ok: false; code: string; message: string }>,
      quiet = new Set<string>(),
    ) =>
    (): void => {
      call().then(
        (result) => {
          if (!result.ok && !quiet.has(result.code)) notifier.error(result.message);
        },
        (error: unknown) => log.error(`${name} failed:`, error),
      );
    };
  return {
    readSelection: run('Read selection', () => services.readSelection(), CAPTURE_CODES),
    readClipboard: run('Read clipboard', () => services.readClipboard()),
    pauseResume: run('Pause/resume', () => services.togglePause()),
    stop: run('Stop', () => services.stop()),
    previousSentence: run('Previous sentence', () => services.previousSentence()),
    nextSentence: run('Next sentence', () => services.nextSentence()),
    speedUp: run('Speed up', () => services.stepSpeed(1)),
    speedDown: run('Speed down', () => services.stepSpeed(-1)),
    dismissError: run('Dismiss error', () => services.dismissError()),
    history: () => windows.show('history'),
    settings: () => windows.show('settings'),
    // The same verb as Settings' button: a failure (no file manager) is notified with the log's path.
    openLogFolder: run('Open log folder', () => services.openLogFolder()),
    quit: () => electron.app.quit(),
  };
}

export function setupTray(
  electron: Pick<ElectronMain, 'app' | 'Menu' | 'Tray'>,
  paths: Paths,
  services: AppServices,
  settings: SettingsStore,
  actions: Actions,
): TrayHandle {
  const tray = createTray<Menu>({
    createTray: (iconPath) => new electron.Tray(iconPath),
    buildMenu: (template) => electron.Menu.buildFromTemplate(template),
    iconPath: (file) => join(paths.resources, file),
    actions,
    initial: { state: { kind: 'idle' }, hotkeys: settings.get().hotkeys, failures: [] },
    version: electron.app.getVersion(),
  });
  // A new reading (or none) must not show the place of the one before until its own arrives.
  services.onState((state) =>
    tray.update(
      state.kind === 'speaking' || state.kind === 'paused' ? { state } : { state, position: undefined },
    ),
  );
  services.onPosition((position) => tray.update({ position }));
  return tray;
}

export function setupHotkeys(
  electron: Pick<ElectronMain, 'globalShortcut'>,
  settings: SettingsStore,
  actions: Actions,
  tray: TrayHandle,
  notifier: Notifier,
): HotkeyManager {
  const hotkeys = new HotkeyManager(electron.globalShortcut, actions);
  hotkeys.onFailures((failures) => {
    tray.update({ failures, hotkeys: settings.get().hotkeys });
    notifier.hotkeyFailures(failures);
  });
  hotkeys.apply(settings.get().hotkeys);
  settings.onChange((current, changed) => {
    if (changed.some((path) => path.startsWith('hotkeys.'))) hotkeys.apply(current.hotkeys);
  });
  return hotkeys;
}
