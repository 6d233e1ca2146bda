// HarkApi over the loopback WebSocket bridge (main/app/bridge-server.ts), so the renderer runs in a
// plain browser against the real services exactly as it runs in Electron against `window.hark`.
// Works with the browser's WebSocket and, in Node tests, with the `ws` package (injected).
// Every verb resolves to an envelope: a dropped connection or a silent server becomes `disconnected`
// or `timeout`, never a rejected promise.
import {
  BRIDGE_CLOSE_UNAUTHORIZED,
  BRIDGE_PATH,
  EVENTS,
  EVENT_SUBSCRIBERS,
  VERBS,
  failure,
  parseResult,
} from '../../../shared/contract';
import type {
  BridgeClientFrame,
  EventMap,
  EventName,
  HarkApi,
  HarkEvents,
  HarkVerbs,
  MainToPlayer,
  PlayerApi,
  PlayerToMain,
  PlayerWireMessage,
  Result,
  Unsubscribe,
  Verb,
} from '../../../shared/contract';

/** The part of a WebSocket (browser or `ws`) the client uses. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: (event: { code: number; reason: string }) => void): void;
  addEventListener(type: 'error', listener: () => void): void;
}

export interface BridgeClientOptions {
  /** 'ws://127.0.0.1:5173/hark-bridge' (see bridgeConfigFromLocation). */
  url: string;
  token: string;
  /** Defaults to the global WebSocket (browsers). */
  createSocket?: (url: string) => WebSocketLike;
  /** Longer than the server's own 30 s, so the server's `timeout` answer normally wins. */
  callTimeoutMs?: number;
  /** How long to wait for the server's welcome. Default 5 s. */
  connectTimeoutMs?: number;
}

export interface BridgeClient extends HarkApi {
  readonly connected: boolean;
  /** Called once when the connection ends (server gone, close()). */
  onDisconnect(listener: (reason: string) => void): Unsubscribe;
  close(): void;
}

export class BridgeConnectError extends Error {
  override readonly name = 'BridgeConnectError';
  constructor(
    readonly code: 'unauthorized' | 'disconnected' | 'timeout',
    message: string,
  ) {
    super(message);
  }
}

const OPEN = 1;
const DEFAULT_CALL_TIMEOUT_MS = 35_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

type Timer = ReturnType<typeof setTimeout>;

interface PendingCall {
  resolve: (result: Result<unknown>) => void;
  timer: Timer;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function base64ToArrayBuffer(base64: string): ArrayBuffer {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}

function fromWire(message: PlayerWireMessage): MainToPlayer | undefined {
  if (message.type !== 'chunk') return message;
  if (typeof message.audio !== 'string') return undefined;
  return { ...message, audio: base64ToArrayBuffer(message.audio) };
}

function defaultSocket(url: string): WebSocketLike {
  const Native = (globalThis as { WebSocket?: new (url: string) => WebSocketLike }).WebSocket;
  if (!Native) throw new BridgeConnectError('disconnected', 'This environment has no WebSocket.');
  return new Native(url);
}

/**
 * Where the bridge is for a page served by `npm run dev:web`: the same host (the dev server proxies
 * BRIDGE_PATH), the token in the fragment (`#token=…`), which never reaches a server or a log.
 */
export function bridgeConfigFromLocation(location: {
  protocol: string;
  host: string;
  hash: string;
}): { url: string; token: string } | undefined {
  const token = new URLSearchParams(location.hash.replace(/^#/, '')).get('token');
  if (!token) return undefined;
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return { url: `${scheme}//${location.host}${BRIDGE_PATH}`, token };
}

class Connection {
  private readonly pending = new Map<number, PendingCall>();
  private readonly eventListeners = new Map<EventName, Set<(data: unknown) => void>>();
  private readonly disconnectListeners = new Set<(reason: string) => void>();
  private playerListener: ((message: MainToPlayer) => void) | undefined;
  private nextId = 1;
  private open = true;

  constructor(
    private readonly socket: WebSocketLike,
    private readonly callTimeoutMs: number,
  ) {}

  get connected(): boolean {
    return this.open;
  }

  call(verb: Verb, payload: unknown): Promise<Result<unknown>> {
    if (!this.open || this.socket.readyState !== OPEN) {
      return Promise.resolve(failure('disconnected', `${verb}: the bridge to Hark is closed.`));
    }
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve(failure('timeout', `${verb}: Hark did not answer in time.`));
      }, this.callTimeoutMs);
      this.pending.set(id, { resolve, timer });
      this.sendFrame(payload === undefined ? { id, verb } : { id, verb, payload });
    });
  }

  subscribe(event: EventName, listener: (data: unknown) => void): Unsubscribe {
    const listeners = this.eventListeners.get(event) ?? new Set();
    this.eventListeners.set(event, listeners);
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }

  onDisconnect(listener: (reason: string) => void): Unsubscribe {
    this.disconnectListeners.add(listener);
    return () => {
      this.disconnectListeners.delete(listener);
    };
  }

  setPlayerListener(listener: ((message: MainToPlayer) => void) | undefined): void {
    this.playerListener = listener;
  }

  sendFrame(frame: BridgeClientFrame): void {
    if (this.open && this.socket.readyState === OPEN) this.socket.send(JSON.stringify(frame));
  }

  receive(frame: Record<string, unknown>): void {
    if ('id' in frame && 'result' in frame) return this.settle(frame.id, frame.result);
    if (typeof frame.event === 'string' && 'data' in frame) {
      for (const listener of [...(this.eventListeners.get(frame.event as EventName) ?? [])])
        listener(frame.data);
      return;
    }
    if (isRecord(frame.player) && this.playerListener) {
      const message = fromWire(frame.player as PlayerWireMessage);
      if (message) this.playerListener(message);
    }
  }

  private settle(id: unknown, raw: unknown): void {
    if (typeof id !== 'number') return; // answers to frames that were not calls (not sent by us)
    const call = this.pending.get(id);
    if (!call) return;
    this.pending.delete(id);
    clearTimeout(call.timer);
    call.resolve(parseResult(raw) ?? failure('internal', 'The bridge answered without a result.'));
  }

  ended(reason: string): void {
    if (!this.open) return;
    this.open = false;
    for (const [id, call] of this.pending) {
      clearTimeout(call.timer);
      call.resolve(failure('disconnected', 'The connection to Hark closed before it answered.'));
      this.pending.delete(id);
    }
    for (const listener of [...this.disconnectListeners]) listener(reason);
  }

  close(): void {
    this.ended('closed by the page');
    this.socket.close(1000, 'bye');
  }
}

function buildVerbs(connection: Connection): HarkVerbs {
  const verbs: Partial<Record<Verb, (payload?: unknown) => Promise<Result<unknown>>>> = {};
  for (const verb of VERBS) verbs[verb] = (payload?: unknown) => connection.call(verb, payload);
  return verbs as HarkVerbs;
}

function buildEvents(connection: Connection): HarkEvents {
  const events: Partial<Record<keyof HarkEvents, unknown>> = {};
  for (const event of EVENTS) {
    events[EVENT_SUBSCRIBERS[event]] = (listener: (data: EventMap[typeof event]) => void) =>
      connection.subscribe(event, listener as (data: unknown) => void);
  }
  return events as HarkEvents;
}

function buildPlayer(connection: Connection): PlayerApi {
  return {
    connect(listener: (message: MainToPlayer) => void): void {
      connection.setPlayerListener(listener);
    },
    post(message: PlayerToMain): void {
      connection.sendFrame({ player: message });
    },
    disconnect(): void {
      connection.setPlayerListener(undefined);
    },
  };
}

function parseFrame(data: unknown): Record<string, unknown> | undefined {
  if (typeof data !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(data);
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Opens the bridge, presents the token and resolves once the server has welcomed this page.
 * Rejects with BridgeConnectError when the token is refused, the socket fails or nothing answers.
 */
export function connectBridge(options: BridgeClientOptions): Promise<BridgeClient> {
  const socket = (options.createSocket ?? defaultSocket)(options.url);
  const connection = new Connection(socket, options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS);
  return new Promise<BridgeClient>((resolve, reject) => {
    let welcomed = false;
    let failed = false;
    const fail = (error: BridgeConnectError): void => {
      if (failed) return;
      failed = true;
      clearTimeout(timer);
      connection.ended(error.message);
      socket.close();
      reject(error);
    };
    const timer = setTimeout(
      () => fail(new BridgeConnectError('timeout', 'The bridge did not answer in time.')),
      options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    );
    socket.addEventListener('open', () => connection.sendFrame({ token: options.token }));
    socket.addEventListener('error', () => undefined); // the close event that follows says the rest
    socket.addEventListener('close', (event) => {
      if (!welcomed) {
        const unauthorized = event.code === BRIDGE_CLOSE_UNAUTHORIZED;
        return fail(
          new BridgeConnectError(
            unauthorized ? 'unauthorized' : 'disconnected',
            unauthorized ? 'The bridge refused the token.' : 'Could not connect to the bridge.',
          ),
        );
      }
      connection.ended(event.reason || `closed (${event.code})`);
    });
    socket.addEventListener('message', (event) => {
      const frame = parseFrame(event.data);
      if (!frame) return;
      if (!welcomed) {
        if (!('welcome' in frame)) return;
        welcomed = true;
        clearTimeout(timer);
        return resolve(clientApi(connection));
      }
      connection.receive(frame);
    });
  });
}

function clientApi(connection: Connection): BridgeClient {
  return {
    ...buildVerbs(connection),
    ...buildEvents(connection),
    player: buildPlayer(connection),
    get connected() {
      return connection.connected;
    },
    onDisconnect: (listener) => connection.onDisconnect(listener),
    close: () => connection.close(),
  };
}

/**
 * The API for this page: `window.hark` inside Electron; in a browser page served by `npm run dev:web`,
 * the bridge named by the page's own location and the token in its fragment.
 */
export async function resolveHarkApi(): Promise<HarkApi> {
  const scope = globalThis as {
    hark?: HarkApi;
    location?: { protocol: string; host: string; hash: string };
  };
  if (scope.hark) return scope.hark;
  const config = scope.location ? bridgeConfigFromLocation(scope.location) : undefined;
  if (!config) {
    throw new BridgeConnectError(
      'unauthorized',
      'Hark is not reachable from this page: open it from Hark, or from the URL `npm run dev:web` prints.',
    );
  }
  return connectBridge(config);
}
