// The IPC contract of shared/contract.ts served over a loopback WebSocket, so the real renderer can run
// in a browser against the real services (`npm run dev:web`, end-to-end tests). Plain Node.
//
// Who may talk to it: a caller on this computer (127.0.0.1 only) that presents the per-run token,
// from no browser page at all (Node tests) or from the page the bridge serves (its allowed
// origins). Anything else is refused at the handshake; a wrong token is refused after it. The same
// dispatch() as Electron's IPC validates every payload, so a call answers an envelope whatever it
// carries, and no frame, however broken, can take the server down.
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { RawData, WebSocket } from 'ws';
import {
  BRIDGE_CLOSE_UNAUTHORIZED,
  BRIDGE_PATH,
  EVENTS,
  VERBS,
  dispatch,
  failure,
  isVerb,
  parsePlayerMessage,
} from '../../shared/contract';
import type {
  BridgeCallId,
  BridgeServerFrame,
  HarkServices,
  MainToPlayer,
  PlayerChannel,
  PlayerToMain,
  PlayerWireMessage,
  Result,
  Unsubscribe,
} from '../../shared/contract';
import {
  PRE_AUTH_MAX_FRAME_BYTES,
  allowLargeFrames,
  httpServerLimits,
  refuseOverCapacity,
  refuseUpgrade,
  tcpConnectionLimit,
  DEFAULT_MAX_CONNECTIONS,
} from '../engine/connection-guard';
import { generateToken, tokensEqual } from '../engine/server-auth';
import { listen } from '../engine/listen';

export interface BridgeLogger {
  warn(message: string): void;
  error(message: string, cause?: unknown): void;
}

export interface BridgeServerOptions {
  services: HarkServices;
  /** Origins of the page(s) this bridge serves, e.g. 'http://127.0.0.1:5173'. More via allowOrigin(). */
  allowedOrigins?: readonly string[];
  /** Generated (random, URL-safe) when absent. */
  token?: string;
  /** Loopback only: '127.0.0.1' (default) or 'localhost'. */
  host?: string;
  /** 0 = any free port (default). */
  port?: number;
  /** A call the service has not answered by then is answered `timeout`. Default 30 s. */
  requestTimeoutMs?: number;
  /** A socket that has not sent its token by then is closed (an HTTP request, 408). Default 5 s. */
  authTimeoutMs?: number;
  /** Open sockets at once; one more handshake is refused with 503. Default 32. */
  maxConnections?: number;
  /** Ping interval; a socket that missed the previous pong is cut off. Default 15 s. */
  heartbeatMs?: number;
  /** Called for each player page that says `ready` (a new channel per page). */
  onPlayerConnect?: (channel: PlayerChannel) => void;
  log?: BridgeLogger;
}

export interface RunningBridge {
  /** 'ws://127.0.0.1:PORT/hark-bridge' */
  readonly url: string;
  readonly port: number;
  readonly token: string;
  /** Sockets currently open (authenticated or not). */
  readonly clientCount: number;
  /** Lets one more page origin in (the dev server's, once it has a port). */
  allowOrigin(origin: string): void;
  /** Closes every socket, timer and listener; resolves when all are gone. */
  close(): Promise<void>;
}

/**
 * Speech texts can be long (the contract admits 5 M characters; JSON may escape some). Only a socket
 * that has presented the token reads frames this big; before, PRE_AUTH_MAX_FRAME_BYTES.
 */
export const MAX_FRAME_BYTES = 32 * 1024 * 1024;
/** A client that lets this much pile up unread is cut off rather than buffered without end. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
const CLOSE_GRACE_MS = 1000;
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
const DEFAULT_AUTH_TIMEOUT_MS = 5_000;
const DEFAULT_HEARTBEAT_MS = 15_000;
const MAX_CALL_ID_LENGTH = 64;
const MAX_PENDING_CALLS = 256;

const LOOPBACK_HOSTS: Record<string, string> = { '127.0.0.1': '127.0.0.1', localhost: '127.0.0.1' };

const consoleLogger: BridgeLogger = {
  warn: (message) => console.warn(`[bridge] ${message}`),
  error: (message, cause) => console.error(`[bridge] ${message}`, cause ?? ''),
};

type ConnectionState =
  | { kind: 'awaiting-token'; timer: NodeJS.Timeout }
  | { kind: 'ready'; player?: BridgePlayerChannel }
  | { kind: 'closed' };

interface Connection {
  socket: WebSocket;
  state: ConnectionState;
  alive: boolean;
  pending: Set<NodeJS.Timeout>;
  closed: Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Player channel over one socket

function toWire(message: MainToPlayer): PlayerWireMessage {
  if (message.type !== 'chunk') return message;
  return { ...message, audio: Buffer.from(message.audio).toString('base64') };
}

class BridgePlayerChannel implements PlayerChannel {
  private readonly messageListeners = new Set<(message: PlayerToMain) => void>();
  private readonly closeListeners = new Set<() => void>();
  private open = true;

  constructor(
    private readonly sendFrame: (frame: BridgeServerFrame) => void,
    private readonly closeSocket: () => void,
  ) {}

  get connected(): boolean {
    return this.open;
  }

  post(message: MainToPlayer): void {
    if (this.open) this.sendFrame({ player: toWire(message) });
  }

  onMessage(listener: (message: PlayerToMain) => void): Unsubscribe {
    this.messageListeners.add(listener);
    return () => this.messageListeners.delete(listener);
  }

  onClose(listener: () => void): Unsubscribe {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  close(): void {
    this.closeSocket();
  }

  receive(message: PlayerToMain): void {
    for (const listener of [...this.messageListeners]) listener(message);
  }

  ended(): void {
    if (!this.open) return;
    this.open = false;
    for (const listener of [...this.closeListeners]) listener();
  }
}

// ---------------------------------------------------------------------------------------------
// Handshake checks

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

type HandshakeVerdict =
  | { accept: true; authenticated: boolean }
  | { accept: false; status: number; statusText: string; message: string };

interface HandshakeRules {
  hosts: ReadonlySet<string>;
  origins: ReadonlySet<string>;
  token: string;
}

/**
 * Host is checked too: a page on another site that rebinds its DNS name to 127.0.0.1 reaches this
 * port with its own Host header (and its own Origin).
 */
function judgeHandshake(request: IncomingMessage, rules: HandshakeRules): HandshakeVerdict {
  const url = new URL(request.url ?? '/', 'http://localhost');
  if (url.pathname !== BRIDGE_PATH) {
    return { accept: false, status: 404, statusText: 'Not Found', message: `Use ${BRIDGE_PATH}.` };
  }
  const host = header(request, 'host');
  if (host === undefined || !rules.hosts.has(host.toLowerCase())) {
    return { accept: false, status: 403, statusText: 'Forbidden', message: 'Unexpected Host.' };
  }
  const origin = header(request, 'origin');
  if (origin !== undefined && !rules.origins.has(origin)) {
    return { accept: false, status: 403, statusText: 'Forbidden', message: 'This page may not use Hark.' };
  }
  const token = url.searchParams.get('token');
  if (token === null) return { accept: true, authenticated: false };
  if (!tokensEqual(token, rules.token)) {
    return { accept: false, status: 401, statusText: 'Unauthorized', message: 'Wrong token.' };
  }
  return { accept: true, authenticated: true };
}

// ---------------------------------------------------------------------------------------------
// Frames

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCallId(value: unknown): value is BridgeCallId {
  if (typeof value === 'number') return Number.isSafeInteger(value);
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_CALL_ID_LENGTH;
}

function parseFrame(data: RawData, isBinary: boolean): Record<string, unknown> | string {
  if (isBinary) return 'binary frames are not part of the bridge protocol';
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawText(data));
  } catch {
    return 'the frame is not JSON';
  }
  return isRecord(parsed) ? parsed : 'the frame must be a JSON object';
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

/** A result that cannot be serialised (a service bug) still gets an answer; an event is dropped. */
function serialise(frame: BridgeServerFrame, log: BridgeLogger): string | undefined {
  try {
    return JSON.stringify(frame);
  } catch (cause) {
    log.error('A bridge frame could not be serialised', cause);
    if (!('id' in frame)) return undefined;
    return JSON.stringify({ id: frame.id, result: failure('internal', 'The answer could not be sent.') });
  }
}

// ---------------------------------------------------------------------------------------------
// The server

export async function startBridgeServer(options: BridgeServerOptions): Promise<RunningBridge> {
  const hostName = options.host ?? '127.0.0.1';
  const listenHost = LOOPBACK_HOSTS[hostName];
  if (!listenHost) throw new Error(`The bridge only listens on loopback (127.0.0.1), not on "${hostName}".`);
  const bridge = new Bridge(options);
  const server = createServer(httpServerLimits(bridge.authTimeoutMs), (_request, response) => {
    response.writeHead(426, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' });
    response.end(`WebSocket only: connect to ${BRIDGE_PATH}.`);
  });
  server.maxConnections = tcpConnectionLimit(bridge.maxConnections);
  const port = await listen(server, options.port ?? 0, listenHost);
  // After listen() succeeded, socket errors belong to one connection; none may crash the process.
  server.on('error', (error) => bridge.log.error('Bridge server error', error));
  bridge.attach(server, port);
  return {
    url: `ws://${listenHost}:${port}${BRIDGE_PATH}`,
    port,
    token: bridge.token,
    get clientCount() {
      return bridge.clientCount;
    },
    allowOrigin: (origin) => bridge.allowOrigin(origin),
    close: () => bridge.close(server),
  };
}

class Bridge {
  readonly token: string;
  readonly log: BridgeLogger;
  private readonly origins: Set<string>;
  private readonly hosts = new Set<string>();
  private readonly connections = new Set<Connection>();
  // Every socket starts with the small limit; presenting the token raises its own.
  private readonly wss = new WebSocketServer({
    noServer: true,
    maxPayload: PRE_AUTH_MAX_FRAME_BYTES,
    perMessageDeflate: false,
    clientTracking: false,
  });
  private readonly requestTimeoutMs: number;
  readonly authTimeoutMs: number;
  readonly maxConnections: number;
  private heartbeat: NodeJS.Timeout | undefined;
  private unsubscribes: Unsubscribe[] = [];
  private stopping = false;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: BridgeServerOptions) {
    this.token = options.token ?? generateToken();
    this.log = options.log ?? consoleLogger;
    this.origins = new Set(options.allowedOrigins ?? []);
    this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.authTimeoutMs = options.authTimeoutMs ?? DEFAULT_AUTH_TIMEOUT_MS;
    this.maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  }

  get clientCount(): number {
    return this.connections.size;
  }

  allowOrigin(origin: string): void {
    this.origins.add(new URL(origin).origin);
  }

  attach(server: Server, port: number): void {
    for (const name of ['127.0.0.1', 'localhost']) this.hosts.add(`${name}:${port}`);
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.upgrade(request, socket, head),
    );
    this.unsubscribes = EVENTS.map((event) =>
      this.options.services.subscribe(event, (data) => this.broadcast({ event, data })),
    );
    const every = this.options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    this.heartbeat = setInterval(() => this.checkHeartbeats(), every);
  }

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    if (this.stopping) return refuseUpgrade(socket, 503, 'Service Unavailable', 'Shutting down.');
    if (this.connections.size >= this.maxConnections) {
      this.log.warn(`Handshake refused (503): ${this.maxConnections} sockets are open.`);
      return refuseOverCapacity(socket, this.maxConnections);
    }
    const verdict = judgeHandshake(request, { hosts: this.hosts, origins: this.origins, token: this.token });
    if (!verdict.accept) {
      this.log.warn(`Handshake refused (${verdict.status}): ${verdict.message}`);
      return refuseUpgrade(socket, verdict.status, verdict.statusText, verdict.message);
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => this.adopt(ws, verdict.authenticated));
  }

  private adopt(socket: WebSocket, authenticated: boolean): void {
    let markClosed = (): void => undefined;
    const connection: Connection = {
      socket,
      state: { kind: 'closed' }, // set below, once the connection exists for the timer to refer to
      alive: true,
      pending: new Set(),
      closed: new Promise<void>((resolve) => (markClosed = resolve)),
    };
    this.connections.add(connection);
    // `ws` closes the socket itself after an error (1009 for an oversized frame, 1002/1007 for a
    // broken one); cutting it off here would lose that close frame.
    socket.on('error', (error) => this.log.warn(`Socket error: ${error.message}`));
    socket.on('pong', () => (connection.alive = true));
    socket.on('message', (data, isBinary) => this.receive(connection, data, isBinary));
    socket.on('close', () => {
      this.forget(connection);
      markClosed();
    });
    if (authenticated) return this.welcome(connection);
    const timer = setTimeout(() => this.refuse(connection, 'No token was sent in time.'), this.authTimeoutMs);
    connection.state = { kind: 'awaiting-token', timer };
  }

  private welcome(connection: Connection): void {
    connection.state = { kind: 'ready' };
    allowLargeFrames(connection.socket, MAX_FRAME_BYTES);
    this.send(connection, { welcome: { verbs: VERBS, events: EVENTS } });
  }

  private refuse(connection: Connection, message: string): void {
    this.log.warn(`Socket refused: ${message}`);
    this.send(connection, { id: null, result: failure('unauthorized', message) });
    connection.state = { kind: 'closed' };
    connection.socket.close(BRIDGE_CLOSE_UNAUTHORIZED, 'unauthorized');
  }

  private forget(connection: Connection): void {
    if (connection.state.kind === 'awaiting-token') clearTimeout(connection.state.timer);
    if (connection.state.kind === 'ready') connection.state.player?.ended();
    connection.state = { kind: 'closed' };
    for (const timer of connection.pending) clearTimeout(timer);
    connection.pending.clear();
    this.connections.delete(connection);
  }

  private receive(connection: Connection, data: RawData, isBinary: boolean): void {
    const frame = parseFrame(data, isBinary);
    const state = connection.state;
    if (state.kind === 'closed') return;
    if (state.kind === 'awaiting-token') {
      clearTimeout(state.timer);
      const token = typeof frame === 'string' ? undefined : frame.token;
      if (typeof token === 'string' && tokensEqual(token, this.token)) return this.welcome(connection);
      return this.refuse(connection, 'The first frame must carry the right token.');
    }
    if (typeof frame === 'string') return this.answer(connection, null, failure('invalid_message', frame));
    if ('player' in frame) return this.fromPlayer(connection, frame.player);
    if (!('verb' in frame) || !isCallId(frame.id)) {
      const id = isCallId(frame.id) ? frame.id : null;
      return this.answer(connection, id, failure('invalid_message', 'Expected { id, verb, payload }.'));
    }
    this.call(connection, frame.id, frame.verb, frame.payload);
  }

  private call(connection: Connection, id: BridgeCallId, verb: unknown, payload: unknown): void {
    if (!isVerb(verb)) {
      const name = typeof verb === 'string' ? `"${verb.slice(0, 40)}"` : 'a verb that is not a string';
      return this.answer(connection, id, failure('unknown_verb', `Hark has no verb ${name}.`));
    }
    if (connection.pending.size >= MAX_PENDING_CALLS) {
      return this.answer(connection, id, failure('timeout', 'Too many calls waiting; try again.'));
    }
    let settled = false;
    const settle = (result: Result<unknown>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      connection.pending.delete(timer);
      this.answer(connection, id, result);
    };
    const timer = setTimeout(
      () => settle(failure('timeout', `${verb} did not answer within ${this.requestTimeoutMs} ms.`)),
      this.requestTimeoutMs,
    );
    connection.pending.add(timer);
    void dispatch(this.options.services, verb, payload, (failed, cause) =>
      this.log.error(`Bridge ${failed} failed`, cause),
    ).then(settle);
  }

  private fromPlayer(connection: Connection, raw: unknown): void {
    const state = connection.state;
    if (state.kind !== 'ready') return;
    const message = parsePlayerMessage(raw);
    if (!message) return this.answer(connection, null, failure('invalid_message', 'Not a player message.'));
    if (!state.player) {
      if (message.type !== 'ready') {
        return this.answer(connection, null, failure('invalid_message', 'A player says ready first.'));
      }
      state.player = new BridgePlayerChannel(
        (frame) => this.send(connection, frame),
        () => connection.socket.close(1000, 'player closed'),
      );
      this.options.onPlayerConnect?.(state.player);
    }
    state.player.receive(message);
  }

  private answer(connection: Connection, id: BridgeCallId | null, result: Result<unknown>): void {
    this.send(connection, { id, result });
  }

  private send(connection: Connection, frame: BridgeServerFrame): void {
    const socket = connection.socket;
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.log.warn('A bridge client stopped reading; cutting it off.');
      socket.terminate();
      return;
    }
    const text = serialise(frame, this.log);
    if (text === undefined) return;
    socket.send(text, (error) => {
      if (error) this.log.warn(`Send failed: ${error.message}`);
    });
  }

  private broadcast(frame: BridgeServerFrame): void {
    for (const connection of this.connections) {
      if (connection.state.kind === 'ready') this.send(connection, frame);
    }
  }

  private checkHeartbeats(): void {
    for (const connection of this.connections) {
      if (!connection.alive) {
        connection.socket.terminate();
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
    }
  }

  close(server: Server): Promise<void> {
    this.closing ??= this.shutDown(server);
    return this.closing;
  }

  private async shutDown(server: Server): Promise<void> {
    this.stopping = true;
    clearInterval(this.heartbeat);
    this.unsubscribes.forEach((unsubscribe) => unsubscribe());
    this.unsubscribes = [];
    const httpClosed = new Promise<void>((resolve) => server.close(() => resolve()));
    const open = [...this.connections];
    for (const connection of open) connection.socket.close(1001, 'Hark is shutting down');
    const grace = setTimeout(
      () => open.forEach((connection) => connection.socket.terminate()),
      CLOSE_GRACE_MS,
    );
    await Promise.all(open.map((connection) => connection.closed));
    clearTimeout(grace);
    server.closeAllConnections();
    await httpClosed;
    this.wss.close();
  }
}
