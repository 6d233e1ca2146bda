// Hark's Electron main process: the boot sequence, read top to bottom. Each setupX() in
// main/desktop/boot wires one concern from main/desktop (Electron adapters) to main/app and
// main/store (plain Node); the Electron objects are imported here and nowhere else, and handed to
// the steps.
import {
  app,
  BrowserWindow,
  clipboard,
  ClipboardItem,
  dialog,
  globalShortcut,
  ipcMain,
  Menu,
  MessageChannelMain,
  Notification,
  screen,
  session,
  shell,
  systemPreferences,
  Tray,
} from 'electron';
import { createOfflineEngine } from './app/offline-engine';
import { LateBoundHotkeys } from './desktop/hotkeys';
import { claimSingleInstance } from './desktop/single-instance';
import type { SingleInstance } from './desktop/single-instance';
import { createSecretStore } from './store/secrets';
import {
  failedToStart,
  setupAppIdentity,
  setupAutostart,
  setupInstanceRequests,
  setupShutdown,
  shutdown,
} from './desktop/boot/lifecycle';
import {
  setupLogging,
  setupNotifications,
  setupPaths,
  setupReadingNotifications,
} from './desktop/boot/paths-and-logging';
import { setupSelectionCapture, setupServices, setupStores } from './desktop/boot/services';
import { setupActions, setupHotkeys, setupTray } from './desktop/boot/tray-and-hotkeys';
import { setupIpc, setupOverlay, setupPlayer, setupWindows } from './desktop/boot/windows-and-player';

const instance = claimSingleInstance(app, process.argv);
if (instance.primary) {
  setupAppIdentity({ app });
  app
    .whenReady()
    .then(() => boot(instance))
    .catch((error: unknown) => failedToStart({ app, dialog }, error));
} else {
  // The running Hark got this launch's command; nothing else to do here.
  app.quit();
}

async function boot(single: SingleInstance): Promise<void> {
  // Gathered only once the app is ready: some modules (screen, session) are not usable before.
  const electron = {
    app,
    BrowserWindow,
    clipboard,
    ClipboardItem,
    dialog,
    globalShortcut,
    ipcMain,
    Menu,
    MessageChannelMain,
    Notification,
    screen,
    session,
    shell,
    systemPreferences,
    Tray,
  };
  const paths = setupPaths(electron, __dirname);
  const secrets = createSecretStore();
  const log = setupLogging(secrets);
  const notifier = setupNotifications(electron, secrets, log);
  const stores = await setupStores(paths, secrets, notifier);
  const offline = createOfflineEngine();
  const windows = setupWindows(electron, paths, log);
  const player = setupPlayer(electron, windows, paths, log);
  const capture = setupSelectionCapture(electron, stores.settings, notifier, log);
  // The hotkeys' handlers need the services, so the services get the manager once it exists.
  const serviceHotkeys = new LateBoundHotkeys();
  const services = setupServices(electron, stores, offline, player, capture, serviceHotkeys, log);
  const actions = setupActions(electron, services, windows, notifier, log);
  const tray = setupTray(electron, paths, services, stores.settings, actions);
  const hotkeys = setupHotkeys(electron, stores.settings, actions, tray, notifier);
  serviceHotkeys.bind(hotkeys);
  setupIpc(electron, services, windows, paths, log);
  setupOverlay(services, windows, stores.settings);
  setupReadingNotifications(services, notifier);
  setupAutostart(electron, stores.settings, log);
  setupInstanceRequests(single, actions);
  setupShutdown(electron, () => shutdown({ services, hotkeys, tray, windows, offline, stores, log }));
}
