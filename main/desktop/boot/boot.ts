// Hark's boot sequence, read top to bottom: each setupX() wires one concern from main/desktop
// (Electron adapters) to main/app and main/store (plain Node). Electron's parts arrive as an
// argument (main/index.ts hands over the real ones, the tests a stand-in), and so does everything
// that depends on the machine, so the whole sequence runs without the Electron binary.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createOfflineEngine } from '../../app/offline-engine';
import type { AppServices } from '../../app/services';
import { LateBoundHotkeys } from '../hotkeys';
import type { HotkeyManager } from '../hotkeys';
import type { SingleInstance } from '../single-instance';
import type { TrayHandle } from '../tray';
import type { LogSink } from '../../store/redact';
import { createSecretStore } from '../../store/secrets';
import type { SecretStore } from '../../store/secrets';
import type { ElectronMain } from './electron';
import { setupAutostart, setupInstanceRequests, setupShutdown, shutdown } from './lifecycle';
import {
  setupCrashReports,
  setupLogging,
  setupNotifications,
  setupPaths,
  setupReadingNotifications,
  setupTroubleshooting,
} from './paths-and-logging';
import type { Host, Paths } from './paths-and-logging';
import { setupSelectionCapture, setupServices, setupStores } from './services';
import { setupActions, setupHotkeys, setupTray } from './tray-and-hotkeys';
import type { Actions } from './tray-and-hotkeys';
import { setupIpc, setupOverlay, setupPlayer, setupWindows } from './windows-and-player';
import type { Windows } from './windows-and-player';

/** The Electron main-process parts the setup steps use. */
export type BootElectron = Pick<
  ElectronMain,
  | 'app'
  | 'BrowserWindow'
  | 'clipboard'
  | 'ClipboardItem'
  | 'crashReporter'
  | 'dialog'
  | 'globalShortcut'
  | 'ipcMain'
  | 'Menu'
  | 'MessageChannelMain'
  | 'Notification'
  | 'screen'
  | 'session'
  | 'shell'
  | 'systemPreferences'
  | 'Tray'
>;

export interface BootOptions extends Partial<Host> {
  /** Defaults to the OS keychain (keytar). */
  secrets?: SecretStore;
  /** Where log lines go besides the log file (already redacted); defaults to stderr for warnings and errors. */
  writeLog?: LogSink;
}

/** What a running Hark exposes to whoever booted it. */
export interface RunningApp {
  services: AppServices;
  actions: Actions;
  tray: TrayHandle;
  hotkeys: HotkeyManager;
  windows: Windows;
  paths: Paths;
  /** Closes everything the boot started; the app's 'will-quit' runs the same (once). */
  shutdown(): Promise<void>;
}

/**
 * The machine as the app sees it. The bundle is out/main/index.js under the app folder
 * (package.json "main"), so out/main is found from Electron's app path, packaged or not.
 */
function hostOf(electron: Pick<ElectronMain, 'app'>, options: BootOptions): Host {
  return {
    mainDir: options.mainDir ?? join(electron.app.getAppPath(), 'out', 'main'),
    env: options.env ?? process.env,
    homeDir: options.homeDir ?? homedir(),
  };
}

export async function boot(
  electron: BootElectron,
  single: SingleInstance,
  options: BootOptions = {},
): Promise<RunningApp> {
  const host = hostOf(electron, options);
  const paths = setupPaths(electron, host);
  const secrets = options.secrets ?? createSecretStore();
  const { log } = setupLogging(secrets, paths, { write: options.writeLog, env: host.env });
  setupCrashReports(electron, log);
  const notifier = setupNotifications(electron, secrets, log);
  const stores = await setupStores(paths, secrets, notifier);
  const offline = createOfflineEngine();
  const windows = setupWindows(electron, paths, log);
  const player = setupPlayer(electron, windows, paths, log);
  const capture = setupSelectionCapture(electron, stores.settings, notifier, log);
  // The hotkeys' handlers need the services, so the services get the manager once it exists.
  const serviceHotkeys = new LateBoundHotkeys();
  const troubleshooting = setupTroubleshooting(electron, paths);
  const services = setupServices(
    electron,
    stores,
    offline,
    player,
    capture,
    serviceHotkeys,
    log,
    troubleshooting,
  );
  const actions = setupActions(electron, services, windows, notifier, log);
  const tray = setupTray(electron, paths, services, stores.settings, actions);
  const hotkeys = setupHotkeys(electron, stores.settings, actions, tray, notifier);
  serviceHotkeys.bind(hotkeys);
  setupIpc(electron, services, windows, paths, log);
  setupOverlay(services, windows, stores.settings);
  setupReadingNotifications(services, notifier);
  setupAutostart(electron, stores.settings, log, host);
  setupInstanceRequests(single, actions);
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= shutdown({ services, hotkeys, tray, windows, player, offline, stores, log }));
  setupShutdown(electron, close);
  return { services, actions, tray, hotkeys, windows, paths, shutdown: close };
}
