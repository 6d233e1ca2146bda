// Where Hark keeps its files, how it logs (stderr and <userData>/logs/hark.log), where crash dumps go,
// and how it tells the user things (notifications).
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { AppServices, Troubleshooting } from '../../app/services';
import type { AppState } from '../../app/reading-controller';
import { rendererBaseUrl } from '../ipc';
import { createNotifier } from '../notifications';
import type { Notifier } from '../notifications';
import { logFilePath, logFolder, openLogFile } from '../../store/log-file';
import type { LogFile } from '../../store/log-file';
import { createRedactingLogger, redactSecrets } from '../../store/redact';
import type { Logger, LogSink } from '../../store/redact';
import type { SecretStore } from '../../store/secrets';
import type { ElectronMain } from './electron';

export interface Paths {
  userData: string;
  history: string;
  /** The folder "Open log folder" opens, and the log file in it. */
  logs: string;
  logFile: string;
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
    logs: logFolder(userData),
    logFile: logFilePath(userData),
    preload: join(mainDir, '../preload/index.js'),
    rendererUrl: rendererBaseUrl({ devServerUrl, rendererDir: join(mainDir, '../renderer') }),
    resources: join(app.getAppPath(), 'resources'),
  };
}

export interface Logging {
  log: Logger;
  file: LogFile;
}

/**
 * Secrets are redacted first, then every line goes two ways: info and above to the log file, and
 * warnings and errors to stderr (`write`, for a test to collect). HARK_LOG=debug adds debug lines to
 * both. A log file that cannot be written leaves stderr only, with one warning saying so.
 */
export function setupLogging(
  secrets: Pick<SecretStore, 'knownSecrets'>,
  paths: Pick<Paths, 'logFile'>,
  options: { write?: LogSink | undefined; env?: NodeJS.ProcessEnv } = {},
): Logging {
  const verbose = (options.env ?? process.env).HARK_LOG === 'debug';
  const stderr = options.write ?? consoleSink(verbose);
  const file = openLogFile({
    path: paths.logFile,
    onFailure: (error) =>
      stderr(
        'warn',
        redactSecrets(
          `The log file ${paths.logFile} cannot be written (${describeError(error)}); logging to stderr only.`,
          secrets.knownSecrets(),
        ),
      ),
  });
  const both: LogSink = (level, line) => {
    if (verbose || level !== 'debug') file.write(level, line);
    stderr(level, line);
  };
  return { log: createRedactingLogger(both, () => secrets.knownSecrets()), file };
}

function consoleSink(verbose: boolean): LogSink {
  return (level, line) => {
    if (verbose || level === 'warn' || level === 'error') console.error(`[${level}] ${line}`);
  };
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Crash dumps of the main process and of every page created from now on are kept on this computer
 * (app.getPath('crashDumps'), by default <userData>/Crashpad) and never uploaded. Returns the folder,
 * or undefined when the crash reporter could not start (Hark runs on without it).
 */
export function setupCrashReports(
  electron: Pick<ElectronMain, 'app' | 'crashReporter'>,
  log: Logger,
): string | undefined {
  try {
    electron.crashReporter.start({ uploadToServer: false });
    const folder = electron.app.getPath('crashDumps');
    log.info(`Crash reports are kept on this computer, in ${folder}.`);
    return folder;
  } catch (error) {
    log.warn('The crash reporter did not start:', error);
    return undefined;
  }
}

/** The version, the log file, and the file manager opening the log folder (tray menu, Settings). */
export function setupTroubleshooting(
  electron: Pick<ElectronMain, 'app' | 'shell'>,
  paths: Pick<Paths, 'logs' | 'logFile'>,
): Troubleshooting {
  return {
    about: { version: electron.app.getVersion(), logFile: paths.logFile },
    openLogFolder: async () => {
      try {
        // Nothing may have been logged yet: the folder is made so there is something to open.
        await mkdir(paths.logs, { recursive: true, mode: 0o700 });
      } catch (error) {
        return describeError(error);
      }
      return electron.shell.openPath(paths.logs);
    },
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
