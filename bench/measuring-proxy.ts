// A loopback WebSocket proxy placed between each client and the server, so every client (Hark's, the
// Python seed example, the docs' `ws` example) is measured the same way, whatever it is written in:
// - time to first audio: from the client's handshake request reaching the proxy to the first frame
//   with audio leaving the proxy for the client (process start-up of the peers is not counted);
// - characters sent: every `text` the client sends except the opening " " and keep-alive " ",
//   which is what the service bills.
// One client runs at a time; beginRun() starts a fresh measurement.
import { createServer } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';
import type { RawData } from 'ws';
import { closeTogether } from './socket-pair';
import { now } from './stats';

export interface RunMeasurement {
  /** When the client's handshake request arrived (performance.now()). */
  connectedAt: number | undefined;
  /** When the client's first text to speak (not the opening " ") arrived. */
  firstTextAt: number | undefined;
  /** When the last frame from the server was handed to the client so far. */
  lastFrameAt: number | undefined;
  /** Resolves with the time the first audio frame was relayed to the client. */
  readonly firstAudio: Promise<number>;
  charactersSent: number;
}

export interface MeasuringProxy {
  readonly url: string;
  beginRun(): RunMeasurement;
  close(): Promise<void>;
}

const UPSTREAM_TIMEOUT_MS = 10_000;

function billedCharacters(data: RawData, isFirst: boolean): number {
  if (isFirst) return 0;
  try {
    const message = JSON.parse(data.toString()) as { text?: unknown };
    if (typeof message.text !== 'string' || message.text === ' ') return 0;
    return message.text.length;
  } catch {
    return 0;
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

class Run implements RunMeasurement {
  connectedAt: number | undefined;
  firstTextAt: number | undefined;
  lastFrameAt: number | undefined;
  charactersSent = 0;
  readonly firstAudio: Promise<number>;
  private resolveFirstAudio!: (time: number) => void;
  private audioSeen = false;

  constructor() {
    this.firstAudio = new Promise((resolve) => (this.resolveFirstAudio = resolve));
  }

  noteAudio(): void {
    if (this.audioSeen) return;
    this.audioSeen = true;
    this.resolveFirstAudio(now());
  }

  get wantsAudio(): boolean {
    return !this.audioSeen;
  }
}

function relay(
  client: WebSocket,
  request: IncomingMessage,
  target: URL,
  run: Run,
  sockets: Set<WebSocket>,
): void {
  const key = request.headers['xi-api-key'];
  const upstream = new WebSocket(new URL(request.url ?? '/', target), {
    headers: typeof key === 'string' ? { 'xi-api-key': key } : {},
    handshakeTimeout: UPSTREAM_TIMEOUT_MS,
  });
  sockets.add(client);
  sockets.add(upstream);
  const pending: { data: RawData; isBinary: boolean }[] = [];
  let first = true;
  client.on('message', (data, isBinary) => {
    const billed = billedCharacters(data, first);
    if (billed > 0) run.firstTextAt ??= now();
    run.charactersSent += billed;
    first = false;
    if (upstream.readyState === WebSocket.OPEN) upstream.send(data, { binary: isBinary });
    else pending.push({ data, isBinary });
  });
  upstream.on('open', () => {
    for (const { data, isBinary } of pending.splice(0)) upstream.send(data, { binary: isBinary });
  });
  upstream.on('message', (data, isBinary) => {
    if (client.readyState !== WebSocket.OPEN) return;
    client.send(data, { binary: isBinary });
    run.lastFrameAt = now();
    if (run.wantsAudio && hasAudio(data)) run.noteAudio();
  });
  closeTogether(client, upstream);
  for (const socket of [client, upstream]) socket.on('close', () => sockets.delete(socket));
}

/** Starts the proxy in front of `targetBaseUrl` (the server's http://127.0.0.1:PORT). */
export async function startMeasuringProxy(targetBaseUrl: string): Promise<MeasuringProxy> {
  const target = new URL(targetBaseUrl);
  target.protocol = 'ws:';
  let run = new Run();
  const sockets = new Set<WebSocket>();
  const http = createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 });
  http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const current = run;
    current.connectedAt ??= now();
    socket.on('error', () => socket.destroy());
    wss.handleUpgrade(request, socket, head, (client) => relay(client, request, target, current, sockets));
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    beginRun: () => {
      run = new Run();
      return run;
    },
    close: async () => {
      for (const socket of sockets) socket.terminate();
      wss.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
