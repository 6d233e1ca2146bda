// Hark's Electron main process: one Hark per user, then the boot sequence (main/desktop/boot/boot.ts)
// once Electron is ready. The Electron objects are imported here and nowhere else, and handed over.
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
import { boot } from './desktop/boot/boot';
import type { BootElectron } from './desktop/boot/boot';
import { failedToStart, setupAppIdentity } from './desktop/boot/lifecycle';
import { claimSingleInstance } from './desktop/single-instance';

const instance = claimSingleInstance(app, process.argv);
if (instance.primary) {
  setupAppIdentity({ app });
  app
    .whenReady()
    .then(() => boot(electronParts(), instance))
    .catch((error: unknown) => failedToStart({ app, dialog }, error));
} else {
  // The running Hark got this launch's command; nothing else to do here.
  app.quit();
}

/** Gathered only once the app is ready: some modules (screen, session) are not usable before. */
function electronParts(): BootElectron {
  return {
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
}
