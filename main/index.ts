// Hark's Electron main process: one Hark per user, then the boot sequence (main/desktop/boot/boot.ts)
// once Electron is ready. Electron is imported here and nowhere else, and handed over whole: its
// modules are getters, so the ones not usable before ready (screen, session) are only read after.
import * as electron from 'electron';
import { boot } from './desktop/boot/boot';
import { failedToStart, setupAppIdentity } from './desktop/boot/lifecycle';
import { claimSingleInstance } from './desktop/single-instance';

const { app, dialog } = electron;
const instance = claimSingleInstance(app, process.argv);
if (instance.primary) {
  setupAppIdentity({ app });
  app
    .whenReady()
    .then(() => boot(electron, instance))
    .catch((error: unknown) => failedToStart({ app, dialog }, error));
} else {
  // The running Hark got this launch's command; nothing else to do here.
  app.quit();
}
