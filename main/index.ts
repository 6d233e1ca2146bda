// Hark's Electron main process: the boot sequence, read top to bottom. Each setupX() wires one
// concern from main/desktop (Electron adapters) to main/app and main/store (plain Node); the
// Electron objects are created here and nowhere else, and handed to the adapters.
import { join } from 'node:path';
import { homedir } from 'node:os';
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
import { ChannelPlayer } from './app/channel-player';
import { createOfflineEngine } from './app/offline-engine';
import type { OfflineEngine } from './app/offline-engine';
import type { AppState } from './app/reading-controller';
import { createServices } from './app/services';
import type { AppServices, CapturedText, HotkeyControl } from './app/services';
import { createAutostart, launchCommand } from './desktop/autostart';
import { HotkeyManager, LateBoundHotkeys } from './desktop/hotkeys';
import { forwardEvents, registerIpc, rendererBaseUrl, servePlayerPort } from './desktop/ipc';
import type { SenderPolicy } from './desktop/ipc';
import { createNotifier } from './desktop/notifications';
import type { Notifier } from './desktop/notifications';
import { createSelectionCapture } from './desktop/selection/capture';
import { createSelectionStrategy, electronClipboardPort } from './desktop/selection/platform';
import { actionForCommand, claimSingleInstance } from './desktop/single-instance';
import type { SingleInstance } from './desktop/single-instance';
import { createTray } from './desktop/tray';
import type { TrayHandle } from './desktop/tray';
import type { TrayAction } from './desktop/tray-menu';
import { DEFAULT_EXTERNAL_ALLOWLIST, secureSession, WindowManager } from './desktop/windows';
import type { HistoryEntry } from './store/history';
import { HistoryStore } from './store/history';
import type { ExportFormat } from './store/history';
import { createRedactingLogger, redactSecrets } from './store/redact';
import type { Logger } from './store/redact';
import { createSecretStore } from './store/secrets';
import type { SecretStore } from './store/secrets';
import { SettingsStore } from './store/settings';

type Actions = Readonly<Record<TrayAction, () => void>>;

interface Paths {
  userData: string;
  history: string;
  preload: string;
  rendererUrl: string;
  resources: string;
}

interface Stores {
  settings: SettingsStore;
  history: HistoryStore;
  secrets: SecretStore;
}

const APP_ID = 'app.hark.reader';
const SHUTDOWN_LIMIT_MS = 3_000;

// ---------------------------------------------------------------------------------------------
// The boot sequence

const instance = setupSingleInstance();
if (instance.primary) {
  setupAppIdentity();
  app
    .whenReady()
    .then(() => boot(instance))
    .catch((error: unknown) => failedToStart(error));
} else {
  // The running Hark got this launch's command; nothing else to do here.
  app.quit();
}

async function boot(single: SingleInstance): Promise<void> {
  const paths = setupPaths();
  const secrets = createSecretStore();
  const log = setupLogging(secrets);
  const notifier = setupNotifications(secrets, log);
  const stores = await setupStores(paths, secrets, notifier);
  const offline = createOfflineEngine();
  const windows = setupWindows(paths, log);
  const player = setupPlayer(windows, paths, log);
  const capture = setupSelectionCapture(stores.settings, notifier, log);
  // The hotkeys' handlers need the services, so the services get the manager once it exists.
  const serviceHotkeys = new LateBoundHotkeys();
  const services = setupServices(stores, offline, player, capture, serviceHotkeys, log);
  const actions = setupActions(services, windows, notifier, log);
  const tray = setupTray(paths, services, stores.settings, actions);
  const hotkeys = setupHotkeys(stores.settings, actions, tray, notifier);
  serviceHotkeys.bind(hotkeys);
  setupIpc(services, windows, paths, log);
  setupOverlay(services, windows, stores.settings);
  setupReadingNotifications(services, notifier);
  setupAutostart(stores.settings, log);
  setupInstanceRequests(single, actions);
  setupShutdown(() => shutdown({ services, hotkeys, tray, windows, offline, stores, log }));
}

// ---------------------------------------------------------------------------------------------
// Steps

function setupSingleInstance(): SingleInstance {
  return claimSingleInstance(app, process.argv);
}

function setupAppIdentity(): void {
  // Notifications on Windows are attributed to this id (the installer's shortcut carries it too).
  if (process.platform === 'win32') app.setAppUserModelId(APP_ID);
  // A tray app: no Dock icon on macOS (the packaged app says so in Info.plist; this covers development).
  if (process.platform === 'darwin') app.dock?.hide();
  // Closing the last window (Settings, History) must not quit: Hark lives in the tray.
  app.on('window-all-closed', () => undefined);
}

function setupPaths(): Paths {
  const userData = app.getPath('userData');
  const devServerUrl = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;
  return {
    userData,
    history: join(userData, 'history'),
    preload: join(__dirname, '../preload/index.js'),
    rendererUrl: rendererBaseUrl({ devServerUrl, rendererDir: join(__dirname, '../renderer') }),
    resources: join(app.getAppPath(), 'resources'),
  };
}

function setupLogging(secrets: SecretStore): Logger {
  const verbose = process.env.HARK_LOG === 'debug';
  return createRedactingLogger(
    (level, line) => {
      if (verbose || level === 'warn' || level === 'error') console.error(`[${level}] ${line}`);
    },
    () => secrets.knownSecrets(),
  );
}

function setupNotifications(secrets: SecretStore, log: Logger): Notifier {
  return createNotifier({
    Notification,
    redact: (text) => redactSecrets(text, secrets.knownSecrets()),
    fallback: (title, body) => log.warn(`${title}: ${body}`),
  });
}

async function setupStores(paths: Paths, secrets: SecretStore, notifier: Notifier): Promise<Stores> {
  const settings = await SettingsStore.open(paths.userData);
  for (const notice of settings.notices) notifier.info(notice.message);
  const history = await HistoryStore.open(paths.history, { retention: settings.get().history });
  return { settings, history, secrets };
}

function setupWindows(paths: Paths, log: Logger): WindowManager<BrowserWindow> {
  secureSession(session.defaultSession);
  return new WindowManager<BrowserWindow>({
    createWindow: (options) => new BrowserWindow(options),
    preload: paths.preload,
    rendererUrl: paths.rendererUrl,
    links: {
      allowlist: DEFAULT_EXTERNAL_ALLOWLIST,
      openExternal: (url) => shell.openExternal(url),
      onRefused: (url) => log.warn(`A page tried to open ${url.slice(0, 200)}; refused.`),
    },
    workArea: () => screen.getPrimaryDisplay().workArea,
    devTools: !app.isPackaged,
    onLoadFailed: (view, error) => log.error(`The ${view} page did not load:`, error),
  });
}

/** The hidden player window plays what the ChannelPlayer sends it; a crashed page is replaced. */
function setupPlayer(windows: WindowManager<BrowserWindow>, paths: Paths, log: Logger): ChannelPlayer {
  const player = new ChannelPlayer(log);
  servePlayerPort(ipcMain, {
    policy: senderPolicy(windows, paths),
    log,
    createChannel: () => new MessageChannelMain(),
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

function setupSelectionCapture(
  settings: SettingsStore,
  notifier: Notifier,
  log: Logger,
): () => Promise<CapturedText> {
  const strategy = createSelectionStrategy({
    platform: process.platform,
    clipboard: electronClipboardPort(clipboard, ClipboardItem),
    // Linux only (createSelectionStrategy reads PRIMARY nowhere else).
    readPrimary: () => clipboard.selection.readText(),
    systemPreferences,
    onWarning: (message) => {
      log.warn(message);
      notifier.info(message);
    },
  });
  const capture = createSelectionCapture({
    strategy,
    readClipboardText: () => clipboard.readText(),
    clipboardFallback: () => settings.get().clipboardFallback,
  });
  return async () => {
    const result = await capture();
    if (result.detail) log.info(`Selection capture -> ${result.source}: ${result.detail}`);
    // The capture knows best why nothing could be read; the caller stays quiet about those codes.
    notifier.capture(result, settings.get().clipboardFallback);
    return { text: result.text, source: result.source === 'clipboard' ? 'clipboard' : 'selection' };
  };
}

function setupServices(
  stores: Stores,
  offline: OfflineEngine,
  player: ChannelPlayer,
  captureSelection: () => Promise<CapturedText>,
  hotkeys: HotkeyControl,
  log: Logger,
): AppServices {
  return createServices({
    settings: stores.settings,
    secrets: stores.secrets,
    history: stores.history,
    offlineServer: () => offline.endpoint(),
    player,
    log,
    captureSelection,
    readClipboard: () => clipboard.readText(),
    chooseExportPath,
    hotkeys,
  });
}

async function chooseExportPath(entry: HistoryEntry, format: ExportFormat): Promise<string | undefined> {
  const day = entry.createdAt.slice(0, 10);
  const result = await dialog.showSaveDialog({
    title: 'Export audio',
    defaultPath: join(app.getPath('documents'), `Hark ${day}.${format}`),
    filters: [{ name: format.toUpperCase(), extensions: [format] }],
  });
  return result.canceled ? undefined : result.filePath;
}

/** Failure codes whose notification the selection capture has already shown. */
const CAPTURE_CODES = new Set(['nothing_selected', 'clipboard_empty', 'selection_unavailable']);

/** What the tray, the hotkeys and `hark --…` launches do: one handler per action. */
function setupActions(
  services: AppServices,
  windows: WindowManager<BrowserWindow>,
  notifier: Notifier,
  log: Logger,
): Actions {
  const run =
    (
      name: string,
      call: () => Promise<{ ok: true } | { ok: false; code: string; message: string }>,
      quiet = new Set<string>(),
    ) =>
    (): void => {
      call().then(
        (result) => {
          if (!result.ok && !quiet.has(result.code)) notifier.error(result.message);
        },
        (error: unknown) => log.error(`${name} failed:`, error),
      );
    };
  return {
    readSelection: run('Read selection', () => services.readSelection(), CAPTURE_CODES),
    readClipboard: run('Read clipboard', () => services.readClipboard()),
    pauseResume: run('Pause/resume', () => services.togglePause()),
    stop: run('Stop', () => services.stop()),
    dismissError: run('Dismiss error', () => services.dismissError()),
    history: () => windows.show('history'),
    settings: () => windows.show('settings'),
    quit: () => app.quit(),
  };
}

function setupTray(
  paths: Paths,
  services: AppServices,
  settings: SettingsStore,
  actions: Actions,
): TrayHandle {
  const tray = createTray<Menu>({
    createTray: (iconPath) => new Tray(iconPath),
    buildMenu: (template) => Menu.buildFromTemplate(template),
    iconPath: (file) => join(paths.resources, file),
    actions,
    initial: { state: { kind: 'idle' }, hotkeys: settings.get().hotkeys, failures: [] },
  });
  services.onState((state) => tray.update({ state }));
  return tray;
}

function setupHotkeys(
  settings: SettingsStore,
  actions: Actions,
  tray: TrayHandle,
  notifier: Notifier,
): HotkeyManager {
  const hotkeys = new HotkeyManager(globalShortcut, actions);
  hotkeys.onFailures((failures) => {
    tray.update({ failures, hotkeys: settings.get().hotkeys });
    notifier.hotkeyFailures(failures);
  });
  hotkeys.apply(settings.get().hotkeys);
  settings.onChange((current, changed) => {
    if (changed.some((path) => path.startsWith('hotkeys.'))) hotkeys.apply(current.hotkeys);
  });
  return hotkeys;
}

function senderPolicy(windows: WindowManager<BrowserWindow>, paths: Paths): SenderPolicy {
  return { rendererUrl: paths.rendererUrl, trustedWebContents: () => windows.webContentsIds() };
}

function setupIpc(
  services: AppServices,
  windows: WindowManager<BrowserWindow>,
  paths: Paths,
  log: Logger,
): void {
  registerIpc(ipcMain, services, { policy: senderPolicy(windows, paths), log });
  forwardEvents(services, () => windows.windows().map((window) => window.webContents), log);
}

/** The caption overlay is up while a reading is under way (and the user wants it). */
function setupOverlay(
  services: AppServices,
  windows: WindowManager<BrowserWindow>,
  settings: SettingsStore,
): void {
  const update = (state: AppState): void => {
    const { overlay } = settings.get();
    const reading = state.kind === 'speaking' || state.kind === 'paused';
    if (overlay.enabled && reading) windows.showOverlay(overlay.fontScale);
    else windows.hideOverlay();
  };
  services.onState(update);
  settings.onChange((_current, changed) => {
    if (changed.some((path) => path.startsWith('overlay.'))) windows.hideOverlay();
  });
}

/** A reading that fails later (network, key, quota) and the controller's notices reach the user too. */
function setupReadingNotifications(services: AppServices, notifier: Notifier): void {
  let previous: AppState['kind'] = 'idle';
  services.onState((state) => {
    if (state.kind === 'error' && previous !== 'error') notifier.error(state.message);
    previous = state.kind;
  });
  services.onNotice((notice) => notifier.info(notice.message));
}

function setupAutostart(settings: SettingsStore, log: Logger): void {
  const autostart = createAutostart({
    platform: process.platform,
    env: process.env,
    homeDir: homedir(),
    command: launchCommand({
      isPackaged: app.isPackaged,
      execPath: process.execPath,
      appPath: app.getAppPath(),
      env: process.env,
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
function setupInstanceRequests(single: SingleInstance, actions: Actions): void {
  single.onRequest((request) => {
    if (request.kind === 'activate') actions.settings();
    else actions[actionForCommand(request.command)]();
  });
}

function setupShutdown(cleanUp: () => Promise<void>): void {
  let state: 'running' | 'cleaning' | 'done' = 'running';
  app.on('will-quit', (event) => {
    if (state === 'done') return;
    event.preventDefault();
    if (state === 'cleaning') return;
    state = 'cleaning';
    const limit = new Promise<void>((resolve) => setTimeout(resolve, SHUTDOWN_LIMIT_MS).unref());
    void Promise.race([cleanUp(), limit]).finally(() => {
      state = 'done';
      app.exit(0);
    });
  });
}

async function shutdown(parts: {
  services: AppServices;
  hotkeys: HotkeyManager;
  tray: TrayHandle;
  windows: WindowManager<BrowserWindow>;
  offline: OfflineEngine;
  stores: Stores;
  log: Logger;
}): Promise<void> {
  parts.hotkeys.dispose();
  parts.tray.destroy();
  const steps: [string, () => Promise<unknown>][] = [
    ['services', () => parts.services.dispose()],
    ['offline voice', () => parts.offline.close()],
    ['history', () => parts.stores.history.close()],
  ];
  for (const [name, step] of steps) {
    await step().catch((error: unknown) => parts.log.error(`Closing the ${name} failed:`, error));
  }
  parts.windows.destroyAll();
}

function failedToStart(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  console.error('Hark could not start:', error);
  dialog.showErrorBox('Hark could not start', message);
  app.exit(1);
}
