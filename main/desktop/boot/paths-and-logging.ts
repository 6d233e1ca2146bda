// Where Hark keeps its files, how it logs, and how it tells the user things (notifications).
import { join } from 'node:path';
import type { AppServices } from '../../app/services';
import type { AppState } from '../../app/reading-controller';
import { rendererBaseUrl } from '../ipc';
import { createNotifier } from '../notifications';
import type { Notifier } from '../notifications';
import { createRedactingLogger, redactSecrets } from '../../store/redact';
import type { Logger } from '../../store/redact';
import type { SecretStore } from '../../store/secrets';
import type { ElectronMain } from './electron';

export interface Paths {
  userData: string;
  history: string;
  preload: string;
  rendererUrl: string;
  resources: string;
}

/** `mainDir` is the folder of the bundled main process (out/main); preload and renderer sit beside it. */
export function setupPaths(electron: Pick<ElectronMain, 'app'>, mainDir: string): Paths {
  const { app } = electron;
  const userData = app.getPath('userData');
  const devServerUrl = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;
  return {
    userData,
    history: join(userData, 'history'),
    preload: join(mainDir, '../preload/index.js'),
    rendererUrl: rendererBaseUrl({ devServerUrl, rendererDir: join(mainDir, '../renderer') }),
    resources: join(app.getAppPath(), 'resources'),
  };
}

export function setupLogging(secrets: SecretStore): Logger {
  const verbose = process.env.HARK_LOG === 'debug';
  return createRedactingLogger(
    (level, line) => {
      if (verbose || level === 'warn' || level === 'error') console.error(`[${level}] ${line}`);
    },
    () => secrets.knownSecrets(),
  );
}

export function setupNotifications(
  electron: Pick<ElectronMain, 'Notification'>,
  secrets: SecretStore,
  log: Logger,
): Notifier {
  return createNotifier({
    Notification: electron.Notification,
    redact: (text) => redactSecrets(text, secrets.knownSecrets()),
    fallback: (title, body) => log.warn(`${title}: ${body}`),
  });
}

/** A reading that fails later (network, key, quota) and the controller's notices reach the user too. */
export function setupReadingNotifications(services: AppServices, notifier: Notifier): void {
  let previous: AppState['kind'] = 'idle';
  services.onState((state) => {
    if (state.kind === 'error' && previous !== 'error') notifier.error(state.message);
    previous = state.kind;
  });
  services.onNotice((notice) => notifier.info(notice.message));
}
