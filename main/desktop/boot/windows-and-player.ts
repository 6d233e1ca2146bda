// The app's windows: Settings/History pages, the hidden player page, the caption overlay, and the
// IPC that the pages talk through.
import { ChannelPlayer } from '../../app/channel-player';
import type { AppState } from '../../app/reading-controller';
import type { AppServices } from '../../app/services';
import { forwardEvents, registerIpc, servePlayerPort } from '../ipc';
import type { SenderPolicy } from '../ipc';
import { DEFAULT_EXTERNAL_ALLOWLIST, secureSession, WindowManager } from '../windows';
import type { Logger } from '../../store/redact';
import type { SettingsStore } from '../../store/settings';
import type { ElectronMain } from './electron';
import type { Paths } from './paths-and-logging';

type BrowserWindow = InstanceType<ElectronMain['BrowserWindow']>;
export type Windows = WindowManager<BrowserWindow>;

export function setupWindows(
  electron: Pick<ElectronMain, 'app' | 'BrowserWindow' | 'screen' | 'session' | 'shell'>,
  paths: Paths,
  log: Logger,
): Windows {
  const { BrowserWindow } = electron;
  secureSession(electron.session.defaultSession);
  return new WindowManager<BrowserWindow>({
    createWindow: (options) => new BrowserWindow(options),
    preload: paths.preload,
    rendererUrl: paths.rendererUrl,
    links: {
      allowlist: DEFAULT_EXTERNAL_ALLOWLIST,
      openExternal: (url) => electron.shell.openExternal(url),
      onRefused: (url) => log.warn(`A page tried to open ${url.slice(0, 200)}; refused.`),
    },
    workArea: () => electron.screen.getPrimaryDisplay().workArea,
    devTools: !electron.app.isPackaged,
    onLoadFailed: (view, error) => log.error(`The ${view} page did not load:`, error),
  });
}

/** The hidden player window plays what the ChannelPlayer sends it; a crashed page is replaced. */
export function setupPlayer(
  electron: Pick<ElectronMain, 'ipcMain' | 'MessageChannelMain'>,
  windows: Windows,
  paths: Paths,
  log: Logger,
): ChannelPlayer {
  const player = new ChannelPlayer(log);
  servePlayerPort(electron.ipcMain, {
    policy: senderPolicy(windows, paths),
    log,
    createChannel: () => new electron.MessageChannelMain(),
    onConnect: (channel) => player.attach(channel),
  });
  const openPlayerWindow = (): void => {
    const window = windows.ensurePlayer();
    window.webContents.once('render-process-gone', () => {
      log.warn('The player page stopped; starting a new one.');
      window.destroy();
      openPlayerWindow();
    });
  };
  openPlayerWindow();
  return player;
}

export function setupIpc(
  electron: Pick<ElectronMain, 'ipcMain'>,
  services: AppServices,
  windows: Windows,
  paths: Paths,
  log: Logger,
): void {
  registerIpc(electron.ipcMain, services, { policy: senderPolicy(windows, paths), log });
  forwardEvents(services, () => windows.windows().map((window) => window.webContents), log);
}

/** The caption overlay is up while a reading is under way (and the user wants it). */
export function setupOverlay(services: AppServices, windows: Windows, settings: SettingsStore): void {
  const update = (state: AppState): void => {
    const { overlay } = settings.get();
    const reading = state.kind === 'speaking' || state.kind === 'paused' || state.kind === 'reconnecting';
    if (overlay.enabled && reading) windows.showOverlay(overlay.fontScale);
    else windows.hideOverlay();
  };
  services.onState(update);
  settings.onChange((_current, changed) => {
    if (changed.some((path) => path.startsWith('overlay.'))) windows.hideOverlay();
  });
}

function senderPolicy(windows: Windows, paths: Paths): SenderPolicy {
  return { rendererUrl: paths.rendererUrl, trustedWebContents: () => windows.webContentsIds() };
}
