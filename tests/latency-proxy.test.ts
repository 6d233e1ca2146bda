// The bench's stand-in for the internet (bench/latency-proxy.ts), over real loopback sockets and real
// TLS: it adds at least the round trip it claims (a lower bound, safe on a busy machine), a new
// connection costs the TCP, TLS and upgrade round trips, frames pass intact and in order, and what it
// records about a connection is in the order the bytes travelled.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import type { RawData } from 'ws';
import { makeSelfSignedCertificate, startLatencyProxy } from '../bench/latency-proxy';
import type { LatencyProxy, TlsIdentity } from '../bench/latency-proxy';
import { until } from './helpers/until';

const RTT_MS = 60;
const PINGS = 5;

interface EchoServer {
  url: string;
  headers: IncomingHttpHeaders[];
  close(): Promise<void>;
}

function speaks(message: string): boolean {
  try {
    const { text } = JSON.parse(message) as { text?: unknown };
    return typeof text === 'string' && text.trim() !== '';
  } catch {
    return false;
  }
}

/**
 * Echoes every frame as it came (text as text, binary as binary); a JSON message with a `text`
 * to speak is answered with one audio frame first, as a stream-input server does. GET answers JSON.
 */
async function startEchoServer(): Promise<EchoServer> {
  const headers: IncomingHttpHeaders[] = [];
  const http: Server = createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ path: request.url, key: request.headers['xi-api-key'] ?? null }));
  });
  const wss = new WebSocketServer({ server: http, maxPayload: 64 * 1024 * 1024 });
  wss.on('connection', (socket, request) => {
    headers.push(request.headers);
    socket.on('message', (data: RawData, isBinary) => {
      if (!isBinary && speaks(data.toString())) socket.send(JSON.stringify({ audio: 'AAAA' }));
      socket.send(data, { binary: isBinary });
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    headers,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

let dir: string;
let tls: TlsIdentity;
let echo: EchoServer;
let proxy: LatencyProxy;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hark-latency-proxy-'));
  tls = await makeSelfSignedCertificate(dir);
  echo = await startEchoServer();
  proxy = await startLatencyProxy({ target: echo.url, tls, rttMs: RTT_MS });
});

afterAll(async () => {
  await proxy?.close();
  await echo?.close();
  await rm(dir, { recursive: true, force: true });
});

/** A client that trusts only the proxy's own certificate. */
function connect(path = '/v1/text-to-speech/en-us/stream-input', key = 'sk_test_key_0123456789'): WebSocket {
  const url = proxy.url.replace('https:', 'wss:') + path;
  return new WebSocket(url, { ca: tls.cert, headers: { 'xi-api-key': key } });
}

function opened(socket: WebSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
}

/** Collects every frame the socket receives. */
function collect(socket: WebSocket): { data: Buffer; isBinary: boolean }[] {
  const frames: { data: Buffer; isBinary: boolean }[] = [];
  socket.on('message', (data: RawData, isBinary) => frames.push({ data: data as Buffer, isBinary }));
  return frames;
}

async function closed(socket: WebSocket): Promise<number> {
  if (socket.readyState === WebSocket.CLOSED) return 1006;
  return new Promise((resolve) => socket.once('close', (code) => resolve(code)));
}

describe('latency proxy', () => {
  it('serves TLS that a client trusting its certificate accepts, and refuses a client that does not', async () => {
    const trusting = connect();
    await opened(trusting);
    trusting.close();
    await closed(trusting);

    const untrusting = new WebSocket(proxy.url.replace('https:', 'wss:') + '/');
    await expect(opened(untrusting)).rejects.toThrow(/self[- ]signed|certificate/i);
  });

  it('a new socket costs at least the TCP, TLS and upgrade round trips', async () => {
    const startedAt = performance.now();
    const socket = connect();
    await opened(socket);
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(3 * RTT_MS);
    socket.close();
    await closed(socket);
  });

  it('each ping-pong over an open socket takes at least one round trip', async () => {
    const socket = connect();
    await opened(socket);
    const frames = collect(socket);
    const times: number[] = [];
    for (let i = 0; i < PINGS; i++) {
      const sentAt = performance.now();
      socket.send(`ping ${i}`);
      await until(() => frames.length > i, 5_000, `pong ${i}`);
      times.push(performance.now() - sentAt);
    }
    expect(frames.map((frame) => frame.data.toString())).toEqual(
      Array.from({ length: PINGS }, (_, i) => `ping ${i}`),
    );
    for (const time of times) expect(time).toBeGreaterThanOrEqual(RTT_MS);
    socket.close();
    await closed(socket);
  });

  it('forwards text and binary frames intact, in order, large and empty, and the key header', async () => {
    const socket = connect(
      '/v1/text-to-speech/en-us/stream-input?output_format=pcm_16000',
      'sk_header_check_0001',
    );
    await opened(socket);
    const frames = collect(socket);
    const sent: { data: Buffer; isBinary: boolean }[] = [
      { data: Buffer.from('{"text":" "}'), isBinary: false },
      { data: Buffer.from('Grüße, 你好, 🙂 — "quoted" \\ back\nslash'), isBinary: false },
      { data: randomBytes(2 * 1024 * 1024), isBinary: true },
      { data: Buffer.alloc(0), isBinary: true },
      ...Array.from({ length: 50 }, (_, i) => ({ data: Buffer.from(`burst ${i}`), isBinary: false })),
      { data: randomBytes(70_000), isBinary: true },
    ];
    for (const frame of sent) socket.send(frame.data, { binary: frame.isBinary });
    await until(() => frames.length >= sent.length, 10_000, 'every frame echoed');
    expect(frames).toHaveLength(sent.length);
    frames.forEach((frame, i) => {
      expect(frame.isBinary).toBe(sent[i]?.isBinary);
      expect(frame.data.equals(sent[i]?.data as Buffer)).toBe(true);
    });
    const upstream = echo.headers.at(-1);
    expect(upstream?.['xi-api-key']).toBe('sk_header_check_0001');
    socket.close();
    await closed(socket);
  });

  it('records open, text and audio in the order they travelled, half a round trip apart', async () => {
    const before = proxy.connections().length;
    const startedAt = performance.now();
    const socket = connect();
    await opened(socket);
    const frames = collect(socket);
    socket.send(JSON.stringify({ text: ' ' }));
    const textSentAt = performance.now();
    socket.send(JSON.stringify({ text: 'Hello there. ', flush: true }));
    await until(() => frames.length >= 2, 5_000, 'audio and echo');
    const audioHeardAt = performance.now();
    await until(() => proxy.connections()[before]?.clientFirstAudioAt !== undefined, 5_000, 'record');
    const record = proxy.connections()[before]!;
    expect(record.path).toBe('/v1/text-to-speech/en-us/stream-input');
    expect(record.acceptedAt).toBeGreaterThanOrEqual(startedAt);
    expect(record.clientOpenAt! - record.acceptedAt).toBeGreaterThanOrEqual(3 * RTT_MS);
    expect(record.firstTextAt! - textSentAt).toBeGreaterThanOrEqual(RTT_MS / 2);
    expect(record.firstTextSentAt!).toBeGreaterThanOrEqual(record.firstTextAt!);
    expect(record.serverFirstAudioAt!).toBeGreaterThanOrEqual(record.firstTextSentAt!);
    expect(record.clientFirstAudioAt! - record.serverFirstAudioAt!).toBeGreaterThanOrEqual(RTT_MS / 2);
    expect(record.clientFirstAudioAt!).toBeLessThanOrEqual(audioHeardAt);
    socket.close();
    await closed(socket);
  });

  it('passes plain HTTPS requests on, and drops open sockets from the server side', async () => {
    const response = await new Promise<string>((resolve, reject) => {
      const url = new URL('/v1/voices?x=1', proxy.url);
      import('node:https').then(({ get }) =>
        get(url, { ca: tls.cert, headers: { 'xi-api-key': 'sk_http_check_00001' } }, (answer) => {
          let body = '';
          answer.setEncoding('utf8').on('data', (text: string) => (body += text));
          answer.on('end', () => resolve(body));
        }).on('error', reject),
      );
    });
    expect(JSON.parse(response)).toEqual({ path: '/v1/voices?x=1', key: 'sk_http_check_00001' });

    const socket = connect();
    await opened(socket);
    const code = closed(socket);
    await proxy.dropConnections();
    expect(await code).toBe(1000);
  });
});
