// A real `ws` server on 127.0.0.1 whose behaviour per connection is a script, for testing clients
// against every way a `stream-input` server can behave or misbehave.
//
//   const server = await startScriptedServer(async (c) => {
//     await c.accept();                    // or c.refuse(401), or do nothing to stall the upgrade
//     await c.nextMessage();               // BOS
//     await c.waitForEndOfInput();
//     c.sendAudio(pcm, { alignment });
//     c.sendFinal();
//     c.close(1000);
//   });
//   ... server.connections[0].headers, .messages ...
//   await server.close();                  // every socket is closed when this resolves
//
// A script that throws (say nextMessage() after the client went away) does not fail the test by
// itself; its error is kept in `server.scriptErrors` for tests that care.

import { STATUS_CODES, createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import type { RawData, WebSocket } from 'ws';
import type { Alignment } from '../../shared/protocol';

export interface CloseInfo {
  code: number;
  reason: string;
}

export interface ScriptedConnection {
  /** 0 for the first connection the server received. */
  readonly index: number;
  /** Path and query as the client requested them. */
  readonly url: URL;
  readonly headers: IncomingHttpHeaders;
  /** Every text message from the client: parsed JSON, or the raw string when it is not JSON. */
  readonly messages: unknown[];
  /** Binary messages from the client (a stream-input client should never send one). */
  readonly binaryMessages: Uint8Array[];
  /** Resolves when the WebSocket closes (1006 when the TCP connection just went away). */
  readonly closed: Promise<CloseInfo>;
  /** Resolves when the server side of the TCP connection is fully closed. */
  readonly socketClosed: Promise<void>;

  /** Completes the upgrade; resolves once the WebSocket is open. */
  accept(): Promise<void>;
  /** Answers the upgrade request with an HTTP error status instead of switching protocols. */
  refuse(status: number, body?: string, contentType?: string): void;

  /** The next client message not yet returned; rejects when the connection closes or on timeout. */
  nextMessage(timeoutMs?: number): Promise<unknown>;
  /** Skips client messages until one matches. */
  waitForMessage(predicate: (message: unknown) => boolean, timeoutMs?: number): Promise<unknown>;
  /** Waits for the end-of-input message `{"text": ""}`. */
  waitForEndOfInput(timeoutMs?: number): Promise<void>;

  /** Sends a value as a JSON text frame. */
  send(frame: unknown): void;
  /** Sends a text frame as is (not JSON-encoded), or a binary frame. */
  sendRaw(data: string | Uint8Array, options?: { binary?: boolean }): void;
  sendAudio(
    audio: Uint8Array,
    timing?: { alignment?: Alignment | null; normalizedAlignment?: Alignment | null },
  ): void;
  sendFinal(): void;
  /** An in-band error frame `{message, error, code}` followed by a close with that code. */
  sendError(error: string, message: string, closeCode?: number): void;
  close(code?: number, reason?: string): void;
  /** Destroys the TCP connection without a close frame (the client sees 1006). */
  drop(): void;
  sleep(ms: number): Promise<void>;
}

export type ConnectionScript = (connection: ScriptedConnection) => unknown;

export interface ScriptedServer {
  /** Base URL to give a client, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly port: number;
  readonly connections: readonly ScriptedConnection[];
  readonly scriptErrors: readonly unknown[];
  /** The next connection (already received ones first, in order). */
  nextConnection(timeoutMs?: number): Promise<ScriptedConnection>;
  /** Ends every connection and stops listening; resolves when all sockets are closed. */
  close(): Promise<void>;
}

const DEFAULT_WAIT_MS = 5000;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms waiting for ${what}.`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function rawBytes(data: RawData): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.isBuffer(data) ? data : Buffer.from(data);
}

function parseJsonOrRaw(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function isEndOfInput(message: unknown): boolean {
  return typeof message === 'object' && message !== null && (message as { text?: unknown }).text === '';
}

class Connection implements ScriptedConnection {
  readonly url: URL;
  readonly headers: IncomingHttpHeaders;
  readonly messages: unknown[] = [];
  readonly binaryMessages: Uint8Array[] = [];
  readonly closed: Promise<CloseInfo>;
  readonly socketClosed: Promise<void>;
  private ws: WebSocket | undefined;
  private cursor = 0;
  private closeInfo: CloseInfo | undefined;
  private readonly changed = new Set<() => void>();
  private resolveClosed!: (info: CloseInfo) => void;

  constructor(
    readonly index: number,
    private readonly request: IncomingMessage,
    private readonly socket: Socket,
    private readonly head: Buffer,
    private readonly wss: WebSocketServer,
  ) {
    this.url = new URL(request.url ?? '/', 'http://127.0.0.1');
    this.headers = request.headers;
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    this.socketClosed = new Promise((resolve) => socket.once('close', () => resolve()));
    // Until accepted, a client that gives up just closes the TCP connection; afterwards the
    // WebSocket reports the close code itself.
    socket.once('close', () => {
      if (!this.ws) this.markClosed({ code: 1006, reason: '' });
    });
    // The HTTP server keeps connections half-open; before the upgrade nobody else ends our side.
    socket.once('end', () => {
      if (!this.ws) socket.destroy();
    });
    socket.on('error', () => undefined);
  }

  accept(): Promise<void> {
    return new Promise((resolve) => {
      this.wss.handleUpgrade(this.request, this.socket, this.head, (ws) => {
        this.ws = ws;
        ws.on('error', () => undefined);
        ws.on('message', (data, isBinary) => this.record(data, isBinary));
        ws.on('close', (code, reason) => this.markClosed({ code, reason: reason.toString('utf8') }));
        resolve();
      });
    });
  }

  refuse(
    status: number,
    body = `${status} ${STATUS_CODES[status] ?? ''}`.trim(),
    contentType = 'text/plain; charset=utf-8',
  ): void {
    const bytes = Buffer.from(body, 'utf8');
    this.socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
        `Connection: close\r\nContent-Type: ${contentType}\r\n` +
        `Content-Length: ${bytes.length}\r\n\r\n${body}`,
    );
  }

  async nextMessage(timeoutMs = DEFAULT_WAIT_MS): Promise<unknown> {
    await withTimeout(
      this.waitUntil(() => this.cursor < this.messages.length),
      timeoutMs,
      'a client message',
    );
    return this.messages[this.cursor++];
  }

  async waitForMessage(
    predicate: (message: unknown) => boolean,
    timeoutMs = DEFAULT_WAIT_MS,
  ): Promise<unknown> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const message = await this.nextMessage(Math.max(1, deadline - Date.now()));
      if (predicate(message)) return message;
    }
  }

  async waitForEndOfInput(timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
    await this.waitForMessage(isEndOfInput, timeoutMs);
  }

  send(frame: unknown): void {
    this.sendRaw(JSON.stringify(frame));
  }

  sendRaw(data: string | Uint8Array, options: { binary?: boolean } = {}): void {
    this.openSocket().send(data, { binary: options.binary ?? typeof data !== 'string' });
  }

  sendAudio(
    audio: Uint8Array,
    timing: { alignment?: Alignment | null; normalizedAlignment?: Alignment | null } = {},
  ): void {
    this.send({
      audio: Buffer.from(audio).toString('base64'),
      isFinal: null,
      normalizedAlignment: timing.normalizedAlignment ?? null,
      alignment: timing.alignment ?? null,
    });
  }

  sendFinal(): void {
    this.send({ audio: null, isFinal: true, normalizedAlignment: null, alignment: null });
  }

  sendError(error: string, message: string, closeCode = 1008): void {
    this.send({ message, error, code: closeCode });
    // Close reasons are limited to 123 bytes, as real servers truncate them.
    this.close(closeCode, Buffer.from(message).subarray(0, 123).toString('utf8'));
  }

  close(code = 1000, reason = ''): void {
    this.openSocket().close(code, reason);
  }

  drop(): void {
    this.socket.destroy();
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  /** Ends the connection at once, whatever state it is in. */
  terminate(): void {
    this.ws?.terminate();
    this.socket.destroy();
  }

  private openSocket(): WebSocket {
    if (!this.ws) throw new Error('The script must accept() the connection before sending.');
    return this.ws;
  }

  private record(data: RawData, isBinary: boolean): void {
    if (isBinary) this.binaryMessages.push(new Uint8Array(rawBytes(data)));
    else this.messages.push(parseJsonOrRaw(rawBytes(data).toString('utf8')));
    this.notify();
  }

  private markClosed(info: CloseInfo): void {
    if (this.closeInfo) return;
    this.closeInfo = info;
    this.resolveClosed(info);
    this.notify();
  }

  private notify(): void {
    for (const listener of [...this.changed]) listener();
  }

  /** Resolves when `ready()` holds; rejects if the connection closes first. */
  private waitUntil(ready: () => boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (ready()) {
          this.changed.delete(check);
          resolve();
        } else if (this.closeInfo) {
          this.changed.delete(check);
          reject(new Error(`The client connection closed (${this.closeInfo.code}).`));
        }
      };
      this.changed.add(check);
      check();
    });
  }
}

export async function startScriptedServer(
  script: ConnectionScript | ConnectionScript[],
): Promise<ScriptedServer> {
  const scripts = Array.isArray(script) ? script : [script];
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  const http = createServer((_request, response) => response.writeHead(426).end('WebSocket only'));
  const sockets = new Set<Socket>();
  const connections: Connection[] = [];
  const scriptErrors: unknown[] = [];
  const arrivals = new Set<() => void>();

  http.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  http.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
    const connection = new Connection(connections.length, request, socket, head, wss);
    connections.push(connection);
    for (const listener of [...arrivals]) listener();
    const run = scripts[Math.min(connection.index, scripts.length - 1)];
    Promise.resolve()
      .then(() => run?.(connection))
      .catch((error: unknown) => scriptErrors.push(error));
  });

  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const port = (http.address() as AddressInfo).port;
  let seen = 0;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    connections,
    scriptErrors,
    nextConnection(timeoutMs = DEFAULT_WAIT_MS) {
      const take = () => connections[seen++] as ScriptedConnection;
      if (seen < connections.length) return Promise.resolve(take());
      let listener: () => void = () => undefined;
      const arrived = new Promise<ScriptedConnection>((resolve) => {
        listener = () => resolve(take());
        arrivals.add(listener);
      });
      return withTimeout(arrived, timeoutMs, 'a connection').finally(() => arrivals.delete(listener));
    },
    async close() {
      for (const connection of connections) connection.terminate();
      for (const socket of sockets) socket.destroy();
      await Promise.all(connections.map((c) => c.socketClosed));
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/** A loopback port on which nothing listens (it was free a moment ago). */
export async function unusedPort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Counts of this process's live TCP sockets and servers, for leak checks around a test. */
export function liveHandles(): { sockets: number; servers: number } {
  const resources = process.getActiveResourcesInfo();
  const count = (name: string) => resources.filter((r) => r === name).length;
  return { sockets: count('TCPSocketWrap'), servers: count('TCPServerWrap') };
}

export interface TimerTracker {
  /** Timers created since tracking began that have neither fired nor been cleared. */
  pending(): number;
  restore(): void;
}

/**
 * Tracks every setTimeout made through the global function (our code and `ws` use it; the test
 * runner keeps its own references), so a test can assert that nothing is left scheduled.
 */
export function trackTimers(): TimerTracker {
  const pending = new Set<unknown>();
  const originalSet = globalThis.setTimeout;
  const originalClear = globalThis.clearTimeout;
  const trackedSet = (callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const handle = originalSet(() => {
      pending.delete(handle);
      callback(...args);
    }, ms);
    pending.add(handle);
    return handle;
  };
  globalThis.setTimeout = trackedSet as typeof setTimeout;
  globalThis.clearTimeout = ((handle?: Parameters<typeof clearTimeout>[0]) => {
    pending.delete(handle);
    originalClear(handle);
  }) as typeof clearTimeout;
  return {
    pending: () => pending.size,
    restore() {
      globalThis.setTimeout = originalSet;
      globalThis.clearTimeout = originalClear;
    },
  };
}

/** Silence in 16-bit PCM: `ms` milliseconds at `sampleRate`. */
export function pcmSilence(ms: number, sampleRate: number): Uint8Array {
  return new Uint8Array(Math.round((ms / 1000) * sampleRate) * 2);
}
