// Where Hark keeps its files, how it logs, and how it tells the user things (notifications).
import { join } from 'node:path';
import type { AppServices } from '../../app/services';
import type { AppState } from '../../app/reading-controller';
import { rendererBaseUrl } from '../ipc';
import { createNotifier } from '../notifications';
import type { Notifier } from '../notifications';
import { createRedactingLogger, redactSecrets } from '../../store/redact';
import type { Logger, LogSink } from '../../store/redact';
import type { SecretStore } from '../../store/secrets';
import type { ElectronMain } from './electron';

export interface Paths {
  userData: string;
  history: string;
  preload: string;
  rendererUrl: string;
  resources: string;
}

/** What the boot reads from the machine besides Electron's app (a test points it elsewhere). */
export interface Host {
  /** The folder of the bundled main process (out/main); preload and renderer sit beside it. */
  mainDir: string;
  env: NodeJS.ProcessEnv;
  homeDir: string;
}

export function setupPaths(electron: Pick<ElectronMain, 'app'>, host: Pick<Host, 'mainDir' | 'env'>): Paths {
  const { app } = electron;
  const { mainDir } = host;
  const userData = app.getPath('userData');
  const devServerUrl = app.isPackaged ? undefined : host.env.ELECTRON_RENDERER_URL;
  return {
    userData,
    history: join(userData, 'history'),
    preload: join(mainDir, '../preload/index.js'),
    rendererUrl: rendererBaseUrl({ devServerUrl, rendererDir: join(mainDir, '../renderer') }),
    resources: join(app.getAppPath(), 'resources'),
  };
}

/** Warnings and errors go to stderr (everything with HARK_LOG=debug), secrets redacted first. */
export function setupLogging(secrets: SecretStore, write: LogSink = consoleSink()): Logger {
  return createRedactingLogger(write, () => secrets.knownSecrets());
}

function consoleSink(): LogSink {
  const verbose = process.env.HARK_LOG === 'debug';
  return (level, line) => {
    if (verbose || level === 'warn' || level === 'error') console.error(`[${level}] ${line}`);
  };
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
