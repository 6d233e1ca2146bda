// A stand-in for the parts of Electron's main process that Hark's boot uses (main/desktop/boot), for
// tests on machines where the Electron binary never runs. Each part has only the methods the boot
// and its adapters call, keeps what was done with it for the test to look at, and behaves as
// Electron documents it: a global shortcut another app holds cannot be registered, a second
// ipcMain.handle for a channel throws, IPC arguments and answers are copied as between processes,
// every webContents has its own id, a destroyed window or tray throws when used, quit() runs
// 'before-quit', closes the windows and runs 'will-quit' (either may be prevented), and
// MessageChannelMain gives two linked ports (Node's MessageChannel underneath).
//
// Each window's webContents has a `page`: the renderer's side, which the test plays (invoke and
// send on IPC channels, hear what main sends, hold the MessagePorts main transfers to it).
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import type { BrowserWindowConstructorOptions, Rectangle } from 'electron';
import type { BootElectron } from '../../main/desktop/boot/boot';
import type { SuspendableShortcutLike } from '../../main/desktop/hotkeys';
import type { InvokeHandler, IpcMainLike, MessagePortMainLike } from '../../main/desktop/ipc';
import type { NotificationLike, NotificationOptions } from '../../main/desktop/notifications';
import type { ClipboardItemLike } from '../../main/desktop/selection/clipboard-snapshot';
import type { MenuTemplateItem, TrayLike } from '../../main/desktop/tray';
import type { BrowserWindowLike, SessionLike } from '../../main/desktop/windows';

const DESTROYED = 'Object has been destroyed';

/** What a listener of a preventable Electron event gets ('before-quit', 'will-quit', 'close'). */
export interface PreventableEvent {
  preventDefault(): void;
  readonly defaultPrevented: boolean;
}

function emitPreventable(emitter: EventEmitter, name: string): boolean {
  let prevented = false;
  const event: PreventableEvent = {
    preventDefault: () => void (prevented = true),
    get defaultPrevented() {
      return prevented;
    },
  };
  emitter.emit(name, event);
  return prevented;
}

/** What crosses between main and a page is a structured clone, as between two processes. */
function acrossProcesses<T>(value: T): T {
  return structuredClone(value);
}

// ---------------------------------------------------------------------------------------------
// MessageChannelMain

/** Electron's MessagePortMain: 'message' events carry { data, ports }, nothing arrives before start(). */
export class StandInMessagePort extends EventEmitter implements MessagePortMainLike {
  #started = false;
  #closedHere = false;

  constructor(readonly nodePort: MessagePort) {
    super();
    // Electron reports the other end going away; Node reports both ends' closing.
    nodePort.on('close', () => {
      if (!this.#closedHere) this.emit('close');
    });
  }

  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.nodePort.on('message', (data: unknown) => this.emit('message', { data, ports: [] }));
  }

  postMessage(message: unknown): void {
    this.nodePort.postMessage(message);
  }

  close(): void {
    this.#closedHere = true;
    this.nodePort.close();
  }
}

export class StandInMessageChannelMain {
  readonly port1: StandInMessagePort;
  readonly port2: StandInMessagePort;

  constructor() {
    const { port1, port2 } = new MessageChannel();
    this.port1 = new StandInMessagePort(port1);
    this.port2 = new StandInMessagePort(port2);
  }
}

// ---------------------------------------------------------------------------------------------
// ipcMain and the page side of IPC

/** The event ipcMain's listeners and handlers get. */
export interface StandInIpcEvent {
  readonly sender: StandInWebContents;
  /** The page's top frame; null once its webContents is gone. */
  readonly senderFrame: { readonly url: string; readonly parent: null } | null;
  readonly processId: number;
  readonly frameId: number;
  /** Ports sent along with ipcRenderer.postMessage (always none here). */
  readonly ports: MessagePort[];
}

function ipcEventFrom(contents: StandInWebContents): StandInIpcEvent {
  return {
    sender: contents,
    senderFrame: contents.isDestroyed() ? null : { url: contents.getURL(), parent: null },
    processId: contents.id,
    frameId: 1,
    ports: [],
  };
}

export class StandInIpcMain extends EventEmitter implements IpcMainLike {
  readonly #handlers = new Map<string, InvokeHandler>();

  handle(channel: string, listener: InvokeHandler): void {
    if (this.#handlers.has(channel)) {
      throw new Error(`Attempted to register a second handler for '${channel}'`);
    }
    this.#handlers.set(channel, listener);
  }

  removeHandler(channel: string): void {
    this.#handlers.delete(channel);
  }

  /** The channels that have an invoke handler. */
  handledChannels(): string[] {
    return [...this.#handlers.keys()];
  }

  /** ipcRenderer.invoke from the page of `contents`. */
  async invokeFrom(contents: StandInWebContents, channel: string, args: unknown[]): Promise<unknown> {
    const handler = this.#handlers.get(channel);
    const failed = (cause: string): Error => new Error(`Error invoking remote method '${channel}': ${cause}`);
    if (!handler) throw failed(`Error: No handler registered for '${channel}'`);
    let answer: unknown;
    try {
      answer = await handler(ipcEventFrom(contents), ...acrossProcesses(args));
    } catch (error) {
      throw failed(String(error));
    }
    return acrossProcesses(answer);
  }

  /** ipcRenderer.send from the page of `contents`. */
  sendFrom(contents: StandInWebContents, channel: string, args: unknown[]): void {
    this.emit(channel, ipcEventFrom(contents), ...acrossProcesses(args));
  }
}

/** What a page's ipcRenderer listener gets. */
export interface PageEvent {
  /** MessagePorts main transferred with webContents.postMessage (the renderer's DOM-like ports). */
  ports: MessagePort[];
}

export type PageListener = (event: PageEvent, ...args: unknown[]) => void;

/** The renderer side of one webContents: what the preload script would do with ipcRenderer. */
export class StandInPage {
  readonly #listeners = new Map<string, Set<PageListener>>();
  /** Every message main sent to this page, in order. */
  readonly received: { channel: string; args: unknown[] }[] = [];
  /** Ports this page holds; they close when the page goes away, as the renderer's would. */
  readonly ports: MessagePort[] = [];

  constructor(
    private readonly contents: StandInWebContents,
    private readonly ipcMain: StandInIpcMain,
  ) {}

  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.#running();
    return this.ipcMain.invokeFrom(this.contents, channel, args);
  }

  send(channel: string, ...args: unknown[]): void {
    this.#running();
    this.ipcMain.sendFrom(this.contents, channel, args);
  }

  on(channel: string, listener: PageListener): void {
    let set = this.#listeners.get(channel);
    if (!set) this.#listeners.set(channel, (set = new Set()));
    set.add(listener);
  }

  /** The data of every message that arrived on `channel`. */
  messages(channel: string): unknown[][] {
    return this.received.filter((message) => message.channel === channel).map((message) => message.args);
  }

  deliver(channel: string, args: unknown[], ports: MessagePort[]): void {
    this.received.push({ channel, args });
    this.ports.push(...ports);
    for (const listener of [...(this.#listeners.get(channel) ?? [])]) listener({ ports }, ...args);
  }

  goAway(): void {
    for (const port of this.ports.splice(0)) port.close();
  }

  /** A page's scripts run once it has loaded, and not after its webContents is gone. */
  #running(): void {
    if (this.contents.isDestroyed()) throw new Error('The page is gone.');
    if (this.contents.getURL() === '') throw new Error('The page has not loaded yet; nothing runs in it.');
  }
}

// ---------------------------------------------------------------------------------------------
// BrowserWindow and webContents

interface World {
  ipcMain: StandInIpcMain;
  windows: StandInBrowserWindow[];
  trays: StandInTray[];
  notifications: StandInNotification[];
  nextWebContentsId: number;
}

type WindowOpenHandler = (details: { url: string }) => { action: 'deny' | 'allow' };

export class StandInWebContents extends EventEmitter {
  readonly id: number;
  readonly page: StandInPage;
  #url = '';
  #destroyed = false;
  windowOpenHandler: WindowOpenHandler | undefined;

  constructor(world: World) {
    super();
    this.id = world.nextWebContentsId++;
    this.page = new StandInPage(this, world.ipcMain);
  }

  getURL(): string {
    return this.#url;
  }

  isDestroyed(): boolean {
    return this.#destroyed;
  }

  setWindowOpenHandler(handler: WindowOpenHandler): void {
    this.#alive();
    this.windowOpenHandler = handler;
  }

  send(channel: string, ...args: unknown[]): void {
    this.#alive();
    this.page.deliver(channel, acrossProcesses(args), []);
  }

  /** Only MessagePortMain objects can be transferred; the page gets its end of each. */
  postMessage(channel: string, message: unknown, transfer: StandInMessagePort[] = []): void {
    this.#alive();
    if (!transfer.every((port) => port instanceof StandInMessagePort)) {
      throw new TypeError('Invalid value for transfer');
    }
    this.page.deliver(
      channel,
      [acrossProcesses(message)],
      transfer.map((port) => port.nodePort),
    );
  }

  /** The renderer process died (a crash): its ports close; the webContents itself stays. */
  crash(): void {
    this.page.goAway();
    this.emit('render-process-gone', { preventDefault() {} }, { reason: 'crashed', exitCode: 139 });
  }

  load(url: string): void {
    this.#alive();
    this.#url = url;
    this.emit('did-finish-load');
  }

  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.page.goAway();
    this.emit('destroyed');
  }

  #alive(): void {
    if (this.#destroyed) throw new TypeError(DESTROYED);
  }
}

export class StandInBrowserWindow extends EventEmitter implements BrowserWindowLike {
  readonly webContents: StandInWebContents;
  readonly options: BrowserWindowConstructorOptions;
  bounds: Partial<Rectangle>;
  alwaysOnTop: { flag: boolean; level?: string } = { flag: false };
  ignoresMouse = false;
  focused = false;
  #visible: boolean;
  #shownOnce: boolean;
  #destroyed = false;

  constructor(
    private readonly world: World,
    options: BrowserWindowConstructorOptions = {},
  ) {
    super();
    this.options = options;
    this.webContents = new StandInWebContents(world);
    this.#visible = options.show !== false;
    this.#shownOnce = this.#visible;
    const { x, y, width = 800, height = 600 } = options;
    this.bounds = { x, y, width, height };
    this.alwaysOnTop = { flag: options.alwaysOnTop ?? false };
    world.windows.push(this);
  }

  /**
   * Resolves once the page has loaded. A window not shown yet then says 'ready-to-show', unless
   * it was made with paintWhenInitiallyHidden: false (its page does not paint while hidden).
   */
  async loadURL(url: string): Promise<void> {
    this.#alive();
    await new Promise((resolve) => setImmediate(resolve));
    if (this.#destroyed) throw new Error(`ERR_ABORTED (-3) loading '${url}'`);
    this.webContents.load(url);
    const paints = this.options.paintWhenInitiallyHidden !== false;
    if (!this.#shownOnce && paints) this.emit('ready-to-show');
  }

  show(): void {
    this.showInactive();
    this.focused = true;
  }

  showInactive(): void {
    this.#alive();
    this.#visible = true;
    this.#shownOnce = true;
  }

  hide(): void {
    this.#alive();
    this.#visible = false;
    this.focused = false;
  }

  focus(): void {
    this.#alive();
    this.focused = true;
  }

  restore(): void {
    this.#alive();
  }

  isMinimized(): boolean {
    this.#alive();
    return false;
  }

  isVisible(): boolean {
    this.#alive();
    return this.#visible;
  }

  isDestroyed(): boolean {
    return this.#destroyed;
  }

  setBounds(bounds: Partial<Rectangle>): void {
    this.#alive();
    this.bounds = { ...this.bounds, ...bounds };
  }

  setAlwaysOnTop(flag: boolean, level?: string): void {
    this.#alive();
    this.alwaysOnTop = level === undefined ? { flag } : { flag, level };
  }

  setIgnoreMouseEvents(ignore: boolean): void {
    this.#alive();
    this.ignoresMouse = ignore;
  }

  /** As the user closing it: 'close' may be prevented; false when it was. */
  close(): boolean {
    this.#alive();
    if (emitPreventable(this, 'close')) return false;
    this.destroy();
    return true;
  }

  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.webContents.destroy();
    this.world.windows.splice(this.world.windows.indexOf(this), 1);
    this.emit('closed');
  }

  #alive(): void {
    if (this.#destroyed) throw new TypeError(DESTROYED);
  }
}

// ---------------------------------------------------------------------------------------------
// app

export const STAND_IN_VERSION = '0.1.0-test';

export class StandInApp extends EventEmitter {
  isPackaged = false;
  /** Set once the app has quit or exited. */
  exitCode: number | undefined;
  /** Resolves with the exit code once the app has quit or exited. */
  readonly exited: Promise<number>;
  #resolveExit: (code: number) => void = () => undefined;
  #holdsInstanceLock = false;

  constructor(
    private readonly world: World,
    private readonly paths: Readonly<Record<string, string>>,
    private readonly appPath: string,
  ) {
    super();
    this.exited = new Promise((resolve) => (this.#resolveExit = resolve));
  }

  getPath(name: string): string {
    const path = this.paths[name];
    if (path === undefined) throw new Error(`Failed to get '${name}' path`);
    return path;
  }

  getAppPath(): string {
    return this.appPath;
  }

  /** package.json's version, as Electron reads it. */
  getVersion(): string {
    return STAND_IN_VERSION;
  }

  /** This is the only Hark running, so the lock is granted. */
  requestSingleInstanceLock(_additionalData?: Record<string, unknown>): boolean {
    this.#holdsInstanceLock = true;
    return true;
  }

  /** Hark is launched again: the running instance hears of it through 'second-instance'. */
  launchAgain(argv: string[], additionalData: Record<string, unknown> = {}): void {
    if (!this.#holdsInstanceLock) throw new Error('No running instance holds the lock.');
    this.emit('second-instance', {}, ['/usr/bin/hark', ...argv], '/', acrossProcesses(additionalData));
  }

  /** 'before-quit', then every window is closed, then 'will-quit'; each step may stop the quit. */
  quit(): void {
    if (this.exitCode !== undefined) return;
    if (emitPreventable(this, 'before-quit')) return;
    for (const window of [...this.world.windows]) {
      if (!window.close()) return;
    }
    if (emitPreventable(this, 'will-quit')) return;
    this.emit('quit', {}, 0);
    this.#finish(0);
  }

  /** Closes every window at once and ends, without 'before-quit' or 'will-quit'. */
  exit(code = 0): void {
    if (this.exitCode !== undefined) return;
    for (const window of [...this.world.windows]) window.destroy();
    this.#finish(code);
  }

  #finish(code: number): void {
    this.exitCode = code;
    this.#resolveExit(code);
  }
}

// ---------------------------------------------------------------------------------------------
// Tray and Menu

export interface StandInMenuItem {
  type: 'normal' | 'separator';
  label: string;
  enabled: boolean;
  click: (() => void) | undefined;
}

/** What Menu.buildFromTemplate returns: the items, with Electron's defaults filled in. */
export class StandInMenu {
  readonly items: StandInMenuItem[];

  constructor(template: readonly MenuTemplateItem[]) {
    this.items = template.map((item) => ({
      type: item.type ?? 'normal',
      label: item.label ?? '',
      enabled: item.enabled ?? true,
      click: item.click,
    }));
  }

  labels(): string[] {
    return this.items.filter((item) => item.type !== 'separator').map((item) => item.label);
  }

  /** The user clicks the item whose label starts with `labelStart` (a disabled one cannot be). */
  click(labelStart: string): void {
    const item = this.items.find((entry) => entry.type === 'normal' && entry.label.startsWith(labelStart));
    if (!item) throw new Error(`The menu has no "${labelStart}" item: ${this.labels().join(' | ')}`);
    if (!item.enabled) throw new Error(`"${item.label}" is disabled`);
    item.click?.();
  }
}

export class StandInTray extends EventEmitter implements TrayLike<StandInMenu> {
  /** Every image the tray showed, in order; the last one is the current. */
  readonly images: string[];
  tooltip = '';
  menu: StandInMenu | null = null;
  popUps = 0;
  #destroyed = false;

  constructor(world: World, image: string) {
    super();
    this.images = [image];
    world.trays.push(this);
  }

  get image(): string {
    return this.images.at(-1) ?? '';
  }

  /** Electron shows an empty icon for a file that is not there; a test wants to know. */
  imageExists(): boolean {
    return existsSync(this.image);
  }

  setImage(image: string): void {
    this.#alive();
    this.images.push(image);
  }

  setToolTip(toolTip: string): void {
    this.#alive();
    this.tooltip = toolTip;
  }

  setContextMenu(menu: StandInMenu | null): void {
    this.#alive();
    this.menu = menu;
  }

  popUpContextMenu(): void {
    this.#alive();
    this.popUps++;
  }

  isDestroyed(): boolean {
    return this.#destroyed;
  }

  destroy(): void {
    this.#alive();
    this.#destroyed = true;
  }

  #alive(): void {
    if (this.#destroyed) throw new Error('Tray is destroyed');
  }
}

// ---------------------------------------------------------------------------------------------
// globalShortcut

// Electron compares accelerators by meaning, not spelling: on Linux and Windows
// "CommandOrControl+Alt+Shift+C" and "Ctrl+Shift+Alt+C" are the same combination.
const MODIFIER_MEANINGS: Readonly<Record<string, string>> = {
  commandorcontrol: 'ctrl',
  cmdorctrl: 'ctrl',
  control: 'ctrl',
  ctrl: 'ctrl',
  alt: 'alt',
  option: 'alt',
  altgr: 'altgr',
  shift: 'shift',
  command: 'super',
  cmd: 'super',
  super: 'super',
  meta: 'super',
};

function combination(accelerator: string): string {
  const parts = accelerator.split('+').map((part) => part.trim().toLowerCase());
  const key = parts.pop() ?? '';
  const modifiers = parts.map((part) => MODIFIER_MEANINGS[part]);
  if (key === '' || modifiers.some((meaning) => meaning === undefined)) {
    throw new TypeError(`Error processing argument at index 0, conversion failure from ${accelerator}`);
  }
  return [...new Set(modifiers)].sort().concat(key).join('+');
}

export class StandInGlobalShortcut implements SuspendableShortcutLike {
  readonly #ours = new Map<string, { accelerator: string; callback: () => void }>();
  readonly #othersHold = new Set<string>();
  #suspended = false;

  /** Another application holds this combination before Hark asks for it. */
  holdByAnotherApp(accelerator: string): void {
    this.#othersHold.add(combination(accelerator));
  }

  /** False (and nothing registered) when the combination is held, by another app or already by us. */
  register(accelerator: string, callback: () => void): boolean {
    const key = combination(accelerator);
    if (this.#suspended || this.#othersHold.has(key) || this.#ours.has(key)) return false;
    this.#ours.set(key, { accelerator, callback });
    return true;
  }

  isRegistered(accelerator: string): boolean {
    return this.#ours.has(combination(accelerator));
  }

  unregister(accelerator: string): void {
    this.#ours.delete(combination(accelerator));
  }

  setSuspended(suspended: boolean): void {
    this.#suspended = suspended;
  }

  isSuspended(): boolean {
    return this.#suspended;
  }

  /** The accelerators registered now, as Hark spelled them. */
  registered(): string[] {
    return [...this.#ours.values()].map((entry) => entry.accelerator);
  }

  /** The user presses the combination; true when it reached Hark. */
  press(accelerator: string): boolean {
    const entry = this.#suspended ? undefined : this.#ours.get(combination(accelerator));
    entry?.callback();
    return entry !== undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Notification

export class StandInNotification extends EventEmitter implements NotificationLike {
  readonly title: string;
  readonly body: string;
  shown = false;

  constructor(
    private readonly world: World,
    options: NotificationOptions,
  ) {
    super();
    this.title = options.title;
    this.body = options.body;
  }

  show(): void {
    this.shown = true;
    this.world.notifications.push(this);
  }
}

// ---------------------------------------------------------------------------------------------
// clipboard

export class StandInClipboardItem implements ClipboardItemLike {
  readonly types: string[];

  constructor(private readonly data: Readonly<Record<string, unknown>>) {
    this.types = Object.keys(data);
  }

  getType(type: string): Promise<unknown> {
    if (!(type in this.data)) return Promise.reject(new Error(`The type '${type}' was not found`));
    return Promise.resolve(this.data[type]);
  }
}

/** Electron 45's asynchronous clipboard; `selection` is the X11/Wayland PRIMARY selection. */
export class StandInClipboard {
  #items: StandInClipboardItem[] = [];

  constructor(readonly selection?: StandInClipboard) {}

  /** As another app copying text (Electron has clipboard.writeText too). */
  writeText(text: string): void {
    this.#items = [new StandInClipboardItem({ 'text/plain': text })];
  }

  async readText(): Promise<string> {
    const item = this.#items.find((entry) => entry.types.includes('text/plain'));
    const text = item ? await item.getType('text/plain') : '';
    return typeof text === 'string' ? text : '';
  }

  read(): Promise<StandInClipboardItem[]> {
    return Promise.resolve([...this.#items]);
  }

  write(items: StandInClipboardItem[]): Promise<void> {
    this.#items = [...items];
    return Promise.resolve();
  }

  clear(): void {
    this.#items = [];
  }
}

// ---------------------------------------------------------------------------------------------
// The small modules: dialog, screen, session, shell, systemPreferences

export class StandInDialog {
  readonly errorBoxes: { title: string; content: string }[] = [];
  readonly saveDialogs: unknown[] = [];
  /** What the next save dialogs answer: a path, or undefined for Cancel. */
  savePath: string | undefined;

  readonly messageBoxes: { message: string; buttons: string[] }[] = [];
  /** The button index the next message boxes answer (0: the first, Cancel in Hark's questions). */
  messageBoxResponse = 0;

  showMessageBox(options: { message: string; buttons?: string[] }): Promise<{ response: number }> {
    this.messageBoxes.push({ message: options.message, buttons: options.buttons ?? [] });
    return Promise.resolve({ response: this.messageBoxResponse });
  }

  showErrorBox(title: string, content: string): void {
    this.errorBoxes.push({ title, content });
  }

  showSaveDialog(options: unknown): Promise<{ canceled: boolean; filePath: string }> {
    this.saveDialogs.push(options);
    const path = this.savePath;
    return Promise.resolve(
      path === undefined ? { canceled: true, filePath: '' } : { canceled: false, filePath: path },
    );
  }
}

type PermissionRequestHandler = Parameters<SessionLike['setPermissionRequestHandler']>[0];
type PermissionCheckHandler = Parameters<SessionLike['setPermissionCheckHandler']>[0];
type HeadersListener = Parameters<SessionLike['webRequest']['onHeadersReceived']>[0];

export class StandInSession implements SessionLike {
  permissionRequestHandler: PermissionRequestHandler | undefined;
  permissionCheckHandler: PermissionCheckHandler | undefined;
  headersListener: HeadersListener | undefined;
  readonly webRequest = {
    onHeadersReceived: (listener: HeadersListener): void => {
      this.headersListener = listener;
    },
  };

  setPermissionRequestHandler(handler: PermissionRequestHandler): void {
    this.permissionRequestHandler = handler;
  }

  setPermissionCheckHandler(handler: PermissionCheckHandler): void {
    this.permissionCheckHandler = handler;
  }
}

/** Records how the crash reporter was started (the real one writes minidumps into crashDumps). */
export class StandInCrashReporter {
  readonly starts: { uploadToServer?: boolean; submitURL?: string }[] = [];
  start(options: { uploadToServer?: boolean; submitURL?: string }): void {
    this.starts.push(options);
  }
}

const WORK_AREA: Rectangle = { x: 0, y: 0, width: 1920, height: 1050 };

// ---------------------------------------------------------------------------------------------
// All together

export interface StandInOptions {
  /** app.getPath('userData'): settings.json and history/ go here. */
  userData: string;
  /** app.getAppPath(): the folder with package.json, out/ and resources/. */
  appPath: string;
  /** app.getPath('documents'), where the export dialog starts. */
  documents?: string;
}

export interface ElectronStandIn {
  /** The parts as boot() takes them. */
  electron: BootElectron;
  app: StandInApp;
  ipcMain: StandInIpcMain;
  globalShortcut: StandInGlobalShortcut;
  clipboard: StandInClipboard;
  dialog: StandInDialog;
  session: StandInSession;
  /** URLs shell.openExternal was asked to open. */
  openedExternally: string[];
  /** Paths shell.openPath was asked to open. */
  openedPaths: string[];
  /** What the next shell.openPath calls answer: '' (opened) or an error message. */
  openPathAnswer: { value: string };
  crashReporter: StandInCrashReporter;
  /** Windows not yet destroyed, in the order they were made. */
  windows: StandInBrowserWindow[];
  trays: StandInTray[];
  /** Notifications shown, in order. */
  notifications: StandInNotification[];
  /** A page that is not Hark's own window (another app's, or a window Hark did not make). */
  foreignWindow(url: string): Promise<StandInBrowserWindow>;
}

export function createElectronStandIn(options: StandInOptions): ElectronStandIn {
  const world: World = {
    ipcMain: new StandInIpcMain(),
    windows: [],
    trays: [],
    notifications: [],
    nextWebContentsId: 1,
  };
  const app = new StandInApp(
    world,
    {
      userData: options.userData,
      documents: options.documents ?? options.userData,
      crashDumps: join(options.userData, 'Crashpad'),
    },
    options.appPath,
  );
  const globalShortcut = new StandInGlobalShortcut();
  const clipboard = new StandInClipboard(new StandInClipboard());
  const dialog = new StandInDialog();
  const session = new StandInSession();
  const openedExternally: string[] = [];
  const openedPaths: string[] = [];
  const openPathAnswer = { value: '' };
  const crashReporter = new StandInCrashReporter();

  const parts = {
    app,
    BrowserWindow: class BrowserWindow extends StandInBrowserWindow {
      constructor(windowOptions?: BrowserWindowConstructorOptions) {
        super(world, windowOptions);
      }
    },
    clipboard,
    ClipboardItem: StandInClipboardItem,
    crashReporter,
    dialog,
    globalShortcut,
    ipcMain: world.ipcMain,
    Menu: { buildFromTemplate: (template: MenuTemplateItem[]) => new StandInMenu(template) },
    MessageChannelMain: StandInMessageChannelMain,
    Notification: class Notification extends StandInNotification {
      static isSupported(): boolean {
        return true;
      }
      constructor(notificationOptions: NotificationOptions) {
        super(world, notificationOptions);
      }
    },
    screen: { getPrimaryDisplay: () => ({ id: 1, bounds: WORK_AREA, workArea: WORK_AREA, scaleFactor: 1 }) },
    session: { defaultSession: session },
    shell: {
      openExternal: (url: string): Promise<void> => {
        openedExternally.push(url);
        return Promise.resolve();
      },
      openPath: (path: string): Promise<string> => {
        openedPaths.push(path);
        return Promise.resolve(openPathAnswer.value);
      },
    },
    systemPreferences: { isTrustedAccessibilityClient: (_prompt: boolean): boolean => true },
    Tray: class Tray extends StandInTray {
      constructor(image: string) {
        super(world, image);
      }
    },
  };

  return {
    // The one place the stand-in is taken for Electron: its parts have only what the boot calls.
    electron: parts as unknown as BootElectron,
    app,
    ipcMain: world.ipcMain,
    globalShortcut,
    clipboard,
    dialog,
    session,
    openedExternally,
    openedPaths,
    openPathAnswer,
    crashReporter,
    windows: world.windows,
    trays: world.trays,
    notifications: world.notifications,
    async foreignWindow(url) {
      const window = new parts.BrowserWindow({ show: false });
      await window.loadURL(url);
      return window;
    },
  };
}
