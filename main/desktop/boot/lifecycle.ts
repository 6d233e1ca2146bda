// How Hark starts, is started again, launches at login and shuts down.
import type { ChannelPlayer } from '../../app/channel-player';
import type { AppServices } from '../../app/services';
import type { OfflineEngine } from '../../app/offline-engine';
import { createAutostart, launchCommand } from '../autostart';
import type { HotkeyManager } from '../hotkeys';
import { actionForCommand } from '../single-instance';
import type { SingleInstance } from '../single-instance';
import type { TrayHandle } from '../tray';
import type { Logger } from '../../store/redact';
import type { SettingsStore } from '../../store/settings';
import type { ElectronMain } from './electron';
import type { Host } from './paths-and-logging';
import type { Stores } from './services';
import type { Actions } from './tray-and-hotkeys';
import type { Windows } from './windows-and-player';

const APP_ID = 'app.hark.reader';
const SHUTDOWN_LIMIT_MS = 3_000;

export function setupAppIdentity(electron: Pick<ElectronMain, 'app'>): void {
  const { app } = electron;
  // Notifications on Windows are attributed to this id (the installer's shortcut carries it too).
  if (process.platform === 'win32') app.setAppUserModelId(APP_ID);
  // A tray app: no Dock icon on macOS (the packaged app says so in Info.plist; this covers development).
  if (process.platform === 'darwin') app.dock?.hide();
  // Closing the last window (Settings, History) must not quit: Hark lives in the tray.
  app.on('window-all-closed', () => undefined);
}

export function setupAutostart(
  electron: Pick<ElectronMain, 'app'>,
  settings: SettingsStore,
  log: Logger,
  host: Pick<Host, 'env' | 'homeDir'>,
): void {
  const { app } = electron;
  const autostart = createAutostart({
    platform: process.platform,
    env: host.env,
    homeDir: host.homeDir,
    command: launchCommand({
      isPackaged: app.isPackaged,
      execPath: process.execPath,
      appPath: app.getAppPath(),
      env: host.env,
    }),
    loginItems: app,
  });
  const apply = (enabled: boolean): void => {
    autostart
      .setEnabled(enabled)
      .catch((error: unknown) => log.error('Launch at login could not be changed:', error));
  };
  // Also at every start: the entry then follows the app when it moves (a new AppImage location).
  apply(settings.get().launchAtLogin);
  settings.onChange((current, changed) => {
    if (changed.includes('launchAtLogin')) apply(current.launchAtLogin);
  });
}

/** `hark --read-selection` etc. (and the command this instance started with); a bare `hark` opens Settings. */
export function setupInstanceRequests(single: SingleInstance, actions: Actions): void {
  single.onRequest((request) => {
    if (request.kind === 'activate') actions.settings();
    else actions[actionForCommand(request.command)]();
  });
}

export function setupShutdown(electron: Pick<ElectronMain, 'app'>, cleanUp: () => Promise<void>): void {
  const { app } = electron;
  let state: 'running' | 'cleaning' | 'done' = 'running';
  app.on('will-quit', (event) => {
    if (state === 'done') return;
    event.preventDefault();
    if (state === 'cleaning') return;
    state = 'cleaning';
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<void>((resolve) => (timer = setTimeout(resolve, SHUTDOWN_LIMIT_MS)));
    void Promise.race([cleanUp(), limit]).finally(() => {
      clearTimeout(timer);
      state = 'done';
      app.exit(0);
    });
  });
}

export interface RunningParts {
  services: AppServices;
  hotkeys: HotkeyManager;
  tray: TrayHandle;
  windows: Windows;
  player: ChannelPlayer;
  offline: OfflineEngine;
  stores: Stores;
  log: Logger;
}

export async function shutdown(parts: RunningParts): Promise<void> {
  parts.hotkeys.dispose();
  parts.tray.destroy();
  const steps: [string, () => Promise<unknown>][] = [
    ['services', () => parts.services.dispose()],
    // Once nothing reads any more: lets go of the player page's port.
    ['audio player', async () => parts.player.close()],
    ['offline voice', () => parts.offline.close()],
    ['history', () => parts.stores.history.close()],
  ];
  for (const [name, step] of steps) {
    await step().catch((error: unknown) => parts.log.error(`Closing the ${name} failed:`, error));
  }
  parts.windows.destroyAll();
}

export function failedToStart(electron: Pick<ElectronMain, 'app' | 'dialog'>, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  console.error('Hark could not start:', error);
  electron.dialog.showErrorBox('Hark could not start', message);
  electron.app.exit(1);
}
