// A stand-in for the internet between Hark and ElevenLabs, on loopback: a TLS WebSocket server
// (self-signed certificate, which the client is made to trust) in front of a stream-input server,
// reached through a TCP link that holds every byte for half a round trip in each direction. So a
// connection costs what it costs over a real network: the TCP handshake (one round trip; the kernel
// completes it at once on loopback, so the link holds the client's first bytes until a round trip
// after it accepted the connection), the TLS handshake, the HTTP upgrade, and then every message
// half a round trip each way.
//
//   client ──TCP──▶ delay link (RTT/2 each way) ──TCP──▶ TLS relay ──ws──▶ stream-input server
//
// What it sees, per connection, on the bench's clock (performance.now()): when the client saw the
// socket open, when the first text reached the relay and left for the server, when the server's
// first audio came back, and when that audio reached the client. "Reached the client" is when the
// link handed the bytes to the client's socket, which is the moment the client's kernel has them.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer as createHttpsServer } from 'node:https';
import { request as httpRequest } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createTcpServer, connect as tcpConnect } from 'node:net';
import type { AddressInfo, Server as TcpServer, Socket } from 'node:net';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { promisify } from 'node:util';
import WebSocket, { WebSocketServer } from 'ws';
import type { RawData } from 'ws';
import { closeTogether } from './socket-pair';
import { now } from './stats';

export interface TlsIdentity {
  key: string;
  cert: string;
  /** The certificate's PEM file, for NODE_EXTRA_CA_CERTS. */
  certPath: string;
}

/** A throwaway certificate for 127.0.0.1 and localhost, valid for two days, made with openssl. */
export async function makeSelfSignedCertificate(dir: string): Promise<TlsIdentity> {
  const keyPath = join(dir, 'latency-proxy-key.pem');
  const certPath = join(dir, 'latency-proxy-cert.pem');
  await promisify(execFile)('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=localhost',
    '-addext',
    'subjectAltName=DNS:localhost,IP:127.0.0.1',
    '-keyout',
    keyPath,
    '-out',
    certPath,
  ]);
  return { key: await readFile(keyPath, 'utf8'), cert: await readFile(certPath, 'utf8'), certPath };
}

export interface ProxiedConnection {
  readonly id: number;
  /** The WebSocket path and query the client asked for. */
  path: string;
  /** The client's TCP connection reached the link. */
  acceptedAt: number;
  /** The 101 reached the client: its socket is open from here. */
  clientOpenAt?: number;
  /** The first text to speak (not the opening " " or a keep-alive) reached the relay. */
  firstTextAt?: number;
  /** ...and was sent on to the server. */
  firstTextSentAt?: number;
  /** The server's first frame with audio reached the relay. */
  serverFirstAudioAt?: number;
  /** That frame reached the client. */
  clientFirstAudioAt?: number;
  closedAt?: number;
}

export interface LatencyProxy {
  /** https://127.0.0.1:PORT, the base URL to give the client. */
  readonly url: string;
  /** The round trip added; changing it applies to bytes arriving from then on. */
  rttMs: number;
  /** Every connection so far, oldest first. */
  connections(): readonly ProxiedConnection[];
  /** Closes every open WebSocket from the server's side (as a service does with an idle one). */
  dropConnections(): Promise<void>;
  close(): Promise<void>;
}

export interface LatencyProxyOptions {
  /** The stream-input server behind it: http://127.0.0.1:PORT. */
  target: string;
  tls: TlsIdentity;
  rttMs: number;
}

const UPSTREAM_TIMEOUT_MS = 10_000;
const DROP_WAIT_MS = 3_000;

// ---------------------------------------------------------------------------------------------
// The delay link

interface Held {
  at: number;
  arrivedAt: number;
  data?: Buffer;
  end?: true;
}

/**
 * Bytes from one socket written to another `delayMs()` after they arrived, in order, never early.
 * `onDelivered` hears the arrival and delivery time of each piece.
 */
class DelayedPipe {
  readonly #held: Held[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly out: Socket,
    private readonly delayMs: () => number,
    private readonly onDelivered: (arrivedAt: number, deliveredAt: number) => void = () => undefined,
  ) {}

  /** `notBefore`: the earliest moment the bytes could have left their sender. */
  push(piece: { data?: Buffer; end?: true }, notBefore = 0): void {
    const arrivedAt = now();
    const last = this.#held.at(-1)?.at ?? -Infinity;
    const at = Math.max(Math.max(arrivedAt, notBefore) + this.delayMs(), last);
    this.#held.push({ ...piece, at, arrivedAt });
    this.#flush();
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#held.length = 0;
  }

  #flush(): void {
    clearTimeout(this.#timer);
    const time = now();
    while (this.#held[0] && this.#held[0].at <= time) {
      const piece = this.#held.shift() as Held;
      if (this.out.destroyed) continue;
      // Noted before the write: the other end may read the bytes before write() returns.
      const deliveredAt = now();
      if (piece.data) this.out.write(piece.data);
      if (piece.end) this.out.end();
      this.onDelivered(piece.arrivedAt, deliveredAt);
    }
    const next = this.#held[0];
    // Rounded up, at least 1 ms: a timer may fire a little early on the millisecond clock.
    if (next) this.#timer = setTimeout(() => this.#flush(), Math.max(1, Math.ceil(next.at - time)));
  }
}

interface Watch {
  after: number;
  resolve: (deliveredAt: number) => void;
}

/** One client connection through the link. */
class Link {
  readonly acceptedAt = now();
  readonly #watches: Watch[] = [];

  /** The delivery time of the first bytes from the server side that arrive at or after `after`. */
  nextDeliveryAfter(after: number): Promise<number> {
    return new Promise((resolve) => this.#watches.push({ after, resolve }));
  }

  delivered(arrivedAt: number, deliveredAt: number): void {
    for (let i = this.#watches.length - 1; i >= 0; i--) {
      const watch = this.#watches[i] as Watch;
      if (arrivedAt < watch.after) continue;
      this.#watches.splice(i, 1);
      watch.resolve(deliveredAt);
    }
  }
}

interface DelayLink {
  port: number;
  /** By the local port of the link's socket to the relay (the relay sees it as the remote port). */
  byRelayPort: Map<number, Link>;
  close(): Promise<void>;
}

async function listenTcp(server: TcpServer): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

async function startDelayLink(targetPort: number, rttMs: () => number): Promise<DelayLink> {
  const byRelayPort = new Map<number, Link>();
  const sockets = new Set<Socket>();
  // Half-open: an end travels the link like any byte, after what was sent before it.
  const server = createTcpServer({ noDelay: true, allowHalfOpen: true }, (client) => {
    const link = new Link();
    const relay = tcpConnect({ port: targetPort, host: '127.0.0.1', noDelay: true, allowHalfOpen: true });
    for (const socket of [client, relay]) {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    }
    const half = (): number => rttMs() / 2;
    const up = new DelayedPipe(relay, half);
    const down = new DelayedPipe(client, half, (arrivedAt, deliveredAt) =>
      link.delivered(arrivedAt, deliveredAt),
    );
    // The client could have sent nothing before the TCP handshake's round trip was over.
    const handshakeOver = (): number => link.acceptedAt + rttMs();
    client.on('data', (data: Buffer) => up.push({ data }, handshakeOver()));
    client.on('end', () => up.push({ end: true }, handshakeOver()));
    relay.on('data', (data: Buffer) => down.push({ data }));
    relay.on('end', () => down.push({ end: true }));
    relay.once('connect', () => {
      const port = relay.localPort;
      if (port === undefined) return;
      byRelayPort.set(port, link);
      relay.once('close', () => byRelayPort.delete(port));
    });
    const destroyBoth = (): void => {
      up.stop();
      down.stop();
      client.destroy();
      relay.destroy();
    };
    client.on('error', destroyBoth);
    relay.on('error', destroyBoth);
  });
  const port = await listenTcp(server);
  return {
    port,
    byRelayPort,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The TLS relay

function billedText(data: RawData): boolean {
  try {
    const message = JSON.parse(data.toString()) as { text?: unknown };
    return typeof message.text === 'string' && message.text.trim() !== '';
  } catch {
    return false;
  }
}

function hasAudio(data: RawData): boolean {
  try {
    const frame = JSON.parse(data.toString()) as { audio?: unknown };
    return typeof frame.audio === 'string' && frame.audio.length > 0;
  } catch {
    return false;
  }
}

/** The credentials the client presented, passed on as they came. */
function credentialHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of ['xi-api-key', 'authorization']) {
    const value = request.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  return headers;
}

function relaySocket(
  client: WebSocket,
  request: IncomingMessage,
  target: URL,
  record: ProxiedConnection,
  link: Link | undefined,
): WebSocket {
  const upstream = new WebSocket(new URL(request.url ?? '/', target), {
    headers: credentialHeaders(request),
    handshakeTimeout: UPSTREAM_TIMEOUT_MS,
    maxPayload: 64 * 1024 * 1024,
  });
  const pending: { data: RawData; isBinary: boolean; text: boolean }[] = [];
  const sendUp = (data: RawData, isBinary: boolean, text: boolean): void => {
    upstream.send(data, { binary: isBinary });
    if (text) record.firstTextSentAt ??= now();
  };
  client.on('message', (data, isBinary) => {
    const text = !isBinary && billedText(data);
    if (text) record.firstTextAt ??= now();
    if (upstream.readyState === WebSocket.OPEN) sendUp(data, isBinary, text);
    else pending.push({ data, isBinary, text });
  });
  upstream.on('open', () => {
    for (const { data, isBinary, text } of pending.splice(0)) sendUp(data, isBinary, text);
  });
  upstream.on('message', (data, isBinary) => {
    if (client.readyState !== WebSocket.OPEN) return;
    if (record.serverFirstAudioAt === undefined && !isBinary && hasAudio(data)) {
      const at = now();
      record.serverFirstAudioAt = at;
      void link?.nextDeliveryAfter(at).then((deliveredAt) => (record.clientFirstAudioAt = deliveredAt));
    }
    client.send(data, { binary: isBinary });
  });
  closeTogether(client, upstream);
  return upstream;
}

/** Plain HTTP (GET /v1/voices and the like) goes on to the server as it came. */
function forwardRequest(target: URL, request: IncomingMessage, response: ServerResponse): void {
  const headers = { ...request.headers, host: target.host };
  const upstream = httpRequest(
    { host: target.hostname, port: target.port, method: request.method, path: request.url, headers },
    (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    },
  );
  upstream.on('error', () => response.headersSent || response.writeHead(502).end());
  request.pipe(upstream);
}

export async function startLatencyProxy(options: LatencyProxyOptions): Promise<LatencyProxy> {
  const httpTarget = new URL(options.target);
  const wsTarget = new URL(options.target);
  wsTarget.protocol = wsTarget.protocol === 'https:' ? 'wss:' : 'ws:';
  let rttMs = options.rttMs;
  const records: ProxiedConnection[] = [];
  const open = new Set<WebSocket>();
  const upstreams = new Set<WebSocket>();

  const https = createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, (request, response) =>
    forwardRequest(httpTarget, request, response),
  );
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 * 1024 });
  const relayPort = await listenTcp(https);
  const delay = await startDelayLink(relayPort, () => rttMs);

  https.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const link = delay.byRelayPort.get(request.socket.remotePort ?? -1);
    const record: ProxiedConnection = {
      id: records.length + 1,
      path: request.url ?? '/',
      acceptedAt: link?.acceptedAt ?? now(),
    };
    records.push(record);
    socket.on('error', () => socket.destroy());
    // The 101 is written inside handleUpgrade: the next bytes to reach the link are it.
    const openedAt = now();
    void link?.nextDeliveryAfter(openedAt).then((deliveredAt) => (record.clientOpenAt = deliveredAt));
    wss.handleUpgrade(request, socket, head, (client) => {
      open.add(client);
      const upstream = relaySocket(client, request, wsTarget, record, link);
      upstreams.add(upstream);
      client.once('close', () => {
        record.closedAt = now();
        open.delete(client);
      });
      upstream.once('close', () => upstreams.delete(upstream));
    });
  });

  return {
    url: `https://127.0.0.1:${delay.port}`,
    get rttMs() {
      return rttMs;
    },
    set rttMs(value: number) {
      rttMs = value;
    },
    connections: () => records,
    dropConnections: async () => {
      const closing = [...open].map(
        (client) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => {
              client.terminate();
              resolve();
            }, DROP_WAIT_MS);
            client.once('close', () => {
              clearTimeout(timer);
              resolve();
            });
            client.close(1000, 'idle');
          }),
      );
      await Promise.all(closing);
    },
    close: async () => {
      for (const socket of [...open, ...upstreams]) socket.terminate();
      wss.close();
      await delay.close();
      https.closeAllConnections();
      await new Promise<void>((resolve) => https.close(() => resolve()));
    },
  };
}
