// Hark's Electron main process: `hark speak ...` and the other command-line launches run the CLI and
// exit (main/desktop/cli-dispatch.ts); otherwise one Hark per user, then the boot sequence
// (main/desktop/boot/boot.ts) once Electron is ready. Electron is imported here and nowhere else, and
// handed over whole: its modules are getters, so the ones not usable before ready (screen, session)
// are only read after.
import * as electron from 'electron';
import { boot } from './desktop/boot/boot';
import { failedToStart, setupAppIdentity } from './desktop/boot/lifecycle';
import { launchModeFor, runCliInApp } from './desktop/cli-dispatch';
import { claimSingleInstance } from './desktop/single-instance';

const { app, dialog } = electron;
const launch = launchModeFor(process.argv, process.defaultApp === true);
if (launch.kind === 'cli') {
  // Before the single-instance lock: a command line is never handed to a running Hark.
  void runCliInApp(launch.args, { app, loadCli: () => import('./cli'), process });
} else {
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
}
