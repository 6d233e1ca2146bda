// Electron IPC adapter: serves the contract of shared/contract.ts on ipcMain. Every verb has its own
// channel and one guarded handler: the sender must be one of our own pages (our origin, top frame,
// and a known window when an allowlist is given), the payload is validated as `unknown`, and the
// answer is always a result envelope, never a thrown error.
//
// Electron objects arrive by injection: the interfaces below are the little this file uses, so the
// tests drive it with small stand-ins and a real ipcMain fits them unchanged.
import { pathToFileURL } from 'node:url';
import {
  EVENTS,
  PLAYER_CONNECT_CHANNEL,
  PLAYER_PORT_CHANNEL,
  VERBS,
  dispatch,
  eventChannel,
  failure,
  parsePlayerMessage,
  verbChannel,
} from '../../shared/contract';
import type {
  EventSource,
  MainToPlayer,
  PlayerChannel,
  PlayerToMain,
  Result,
  Unsubscribe,
  Verb,
  VerbHandlers,
} from '../../shared/contract';

/** The part of WebFrameMain the sender check reads. */
export interface SenderFrameLike {
  readonly url: string;
  /** null for a window's top frame. */
  readonly parent: unknown;
}

export interface SenderLike {
  readonly id: number;
}

export interface IpcEventLike {
  /** null once the frame navigated away or was destroyed. */
  readonly senderFrame: SenderFrameLike | null;
  readonly sender: SenderLike;
}

export type InvokeHandler = (event: IpcEventLike, ...args: unknown[]) => unknown;

export interface IpcMainLike {
  handle(channel: string, listener: InvokeHandler): void;
  removeHandler(channel: string): void;
}

export interface LoggerLike {
  warn(message: string): void;
  error(message: string, cause?: unknown): void;
}

export interface SenderPolicy {
  /**
   * Where our pages load from: the electron-vite dev server ('http://localhost:5173/') or the built
   * renderer folder as a file URL ('file:///…/out/renderer/'). See rendererBaseUrl().
   */
  rendererUrl: string;
  /** When given, only these webContents ids may call (our own windows). */
  trustedWebContents?: () => Iterable<number>;
}

/** The base URL pages are loaded from: the dev server when there is one, else the built folder. */
export function rendererBaseUrl(options: { devServerUrl?: string; rendererDir: string }): string {
  if (options.devServerUrl) return new URL(options.devServerUrl).href;
  const dir = options.rendererDir.endsWith('/') ? options.rendererDir : `${options.rendererDir}/`;
  return pathToFileURL(dir).href;
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/**
 * A file: page must live inside the renderer folder (a page elsewhere on disk is not ours); an
 * http(s) page must come from the dev server's exact origin.
 */
export function isOwnPageUrl(pageUrl: string, rendererUrl: string): boolean {
  const page = parseUrl(pageUrl);
  const base = parseUrl(rendererUrl);
  if (!page || !base || page.protocol !== base.protocol) return false;
  if (base.protocol === 'file:') {
    const folder = base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`;
    return page.host === base.host && page.pathname.startsWith(folder);
  }
  if (base.protocol === 'http:' || base.protocol === 'https:') return page.origin === base.origin;
  return false;
}

export type SenderVerdict = { trusted: true } | { trusted: false; reason: string };

export function checkSender(event: IpcEventLike, policy: SenderPolicy): SenderVerdict {
  const frame = event.senderFrame;
  if (!frame) return { trusted: false, reason: 'the sending frame is gone' };
  if (frame.parent !== null) return { trusted: false, reason: 'sent from a sub-frame' };
  if (!isOwnPageUrl(frame.url, policy.rendererUrl)) {
    return { trusted: false, reason: `sent from a page that is not Hark's (${describeUrl(frame.url)})` };
  }
  if (policy.trustedWebContents && !new Set(policy.trustedWebContents()).has(event.sender.id)) {
    return { trusted: false, reason: `sent from an unknown window (webContents ${event.sender.id})` };
  }
  return { trusted: true };
}

/** Origin and path only: a query or fragment could hold anything. */
function describeUrl(value: string): string {
  const url = parseUrl(value);
  return url ? `${url.protocol}//${url.host}${url.pathname}`.slice(0, 200) : 'an invalid URL';
}

export interface RegisterIpcOptions {
  policy: SenderPolicy;
  log: LoggerLike;
}

export interface IpcRegistration {
  readonly channels: readonly string[];
  /** Removes every handler (app shutdown, tests). */
  dispose(): void;
}

function guardedHandler(verb: Verb, services: VerbHandlers, options: RegisterIpcOptions): InvokeHandler {
  return async (event, ...args): Promise<Result<unknown>> => {
    const verdict = checkSender(event, options.policy);
    if (!verdict.trusted) {
      options.log.warn(`IPC ${verb} refused: ${verdict.reason}.`);
      return failure('forbidden_sender', 'This page may not use Hark.');
    }
    // The preload sends one payload at most; anything else is not our preload talking.
    if (args.length > 1) return failure('invalid_payload', `${verb}: expected one payload at most.`);
    return dispatch(services, verb, args[0], (failedVerb, cause) =>
      options.log.error(`IPC ${failedVerb} failed`, cause),
    );
  };
}

/** Registers one guarded handler per verb of the contract. */
export function registerIpc(
  ipcMain: IpcMainLike,
  services: VerbHandlers,
  options: RegisterIpcOptions,
): IpcRegistration {
  const channels = VERBS.map((verb) => {
    const channel = verbChannel(verb);
    // A second registration (a reload in development) must replace, not throw.
    ipcMain.removeHandler(channel);
    ipcMain.handle(channel, guardedHandler(verb, services, options));
    return channel;
  });
  return {
    channels,
    dispose: () => channels.forEach((channel) => ipcMain.removeHandler(channel)),
  };
}

// ---------------------------------------------------------------------------------------------
// Events: main -> pages

/** The part of WebContents events are sent through. */
export interface EventTargetLike {
  isDestroyed(): boolean;
  send(channel: string, ...args: unknown[]): void;
}

/**
 * Forwards every service event to the given windows (asked each time, so new windows get events
 * and closed ones are skipped). Returns the function that stops forwarding.
 */
export function forwardEvents(
  services: EventSource,
  targets: () => Iterable<EventTargetLike>,
  log: LoggerLike,
): Unsubscribe {
  const unsubscribes = EVENTS.map((event) =>
    services.subscribe(event, (data) => {
      for (const target of targets()) {
        if (target.isDestroyed()) continue;
        try {
          target.send(eventChannel(event), data);
        } catch (cause) {
          // A window can die between the check and the send; one window must not stop the others.
          log.error(`Could not send ${event} to a window`, cause);
        }
      }
    }),
  );
  return () => unsubscribes.forEach((unsubscribe) => unsubscribe());
}

// ---------------------------------------------------------------------------------------------
// Player audio port

/** The part of MessagePortMain the player channel uses. */
export interface MessagePortMainLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  start(): void;
  close(): void;
}

// Generic in the port type: a real webContents only transfers real MessagePortMain objects.
export interface PortSenderLike<Port extends MessagePortMainLike> extends SenderLike {
  postMessage(channel: string, message: unknown, transfer: Port[]): void;
}

export interface PortRequestEventLike<Port extends MessagePortMainLike> extends IpcEventLike {
  readonly sender: PortSenderLike<Port>;
}

export type PortRequestListener<Port extends MessagePortMainLike> = (
  event: PortRequestEventLike<Port>,
  ...args: unknown[]
) => void;

export interface IpcMainOnLike<Port extends MessagePortMainLike> {
  on(channel: string, listener: PortRequestListener<Port>): unknown;
  removeListener(channel: string, listener: PortRequestListener<Port>): unknown;
}

/** Main's side of one player page's MessagePort, with every incoming message validated. */
export function playerChannelFromPort(port: MessagePortMainLike, log: LoggerLike): PlayerChannel {
  const listeners = new Set<(message: PlayerToMain) => void>();
  const closeListeners = new Set<() => void>();
  let open = true;
  port.on('message', ({ data }) => {
    const message = parsePlayerMessage(data);
    if (!message) return log.warn('The player page sent a message outside the contract; ignored.');
    for (const listener of [...listeners]) listener(message);
  });
  port.on('close', () => {
    open = false;
    for (const listener of [...closeListeners]) listener();
  });
  port.start();
  return {
    get connected() {
      return open;
    },
    post(message: MainToPlayer): void {
      if (open) port.postMessage(message);
    },
    onMessage(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onClose(listener) {
      closeListeners.add(listener);
      return () => closeListeners.delete(listener);
    },
    close(): void {
      open = false;
      port.close();
    },
  };
}

export interface PlayerPortOptions<Port extends MessagePortMainLike> {
  policy: SenderPolicy;
  log: LoggerLike;
  /** `() => new MessageChannelMain()` in the app. */
  createChannel: () => { port1: Port; port2: Port };
  /** Called with main's side of the channel each time a trusted player page connects. */
  onConnect: (channel: PlayerChannel, webContentsId: number) => void;
}

/**
 * Answers the player page's PLAYER_CONNECT with a fresh MessagePort (only for our own pages). The
 * page keeps port2; main gets port1 wrapped as a PlayerChannel.
 */
export function servePlayerPort<Port extends MessagePortMainLike>(
  ipcMain: IpcMainOnLike<Port>,
  options: PlayerPortOptions<Port>,
): Unsubscribe {
  const onConnect: PortRequestListener<Port> = (event) => {
    const verdict = checkSender(event, options.policy);
    if (!verdict.trusted) return options.log.warn(`Player port refused: ${verdict.reason}.`);
    const { port1, port2 } = options.createChannel();
    event.sender.postMessage(PLAYER_PORT_CHANNEL, null, [port2]);
    options.onConnect(playerChannelFromPort(port1, options.log), event.sender.id);
  };
  ipcMain.on(PLAYER_CONNECT_CHANNEL, onConnect);
  return () => {
    ipcMain.removeListener(PLAYER_CONNECT_CHANNEL, onConnect);
  };
}
