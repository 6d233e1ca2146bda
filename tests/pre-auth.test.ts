// What the two loopback servers (`hark serve` / the offline stream server, and the dev bridge) give
// a caller that has not presented the token: a quick refusal whatever it sends, small frames only,
// a deadline, and a bounded number of sockets. Real servers, real sockets, a real `hark serve`.
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { OfflineVoice } from '../main/engine/offline-voice';
import { startStreamServer } from '../main/engine/stream-server';
import type { RunningStreamServer, StreamServerOptions } from '../main/engine/stream-server';
import { startBridgeServer } from '../main/app/bridge-server';
import type { BridgeServerOptions, RunningBridge } from '../main/app/bridge-server';
import { BRIDGE_PATH } from '../shared/contract';
import { RawWsClient } from './helpers/raw-ws-client';
import { recordingServices } from './helpers/recording-services';

const STREAM_PATH = '/v1/text-to-speech/en-us/stream-input?output_format=pcm_16000';
/** The quadratic case of the old bearer pattern: spaces between two token characters. */
const paddedBearer = (spaces: number): string => `Bearer a${' '.repeat(spaces)}b`;

interface Answer {
  frames: Record<string, unknown>[];
  code: number;
  reason: string;
}

/** Connects, sends the messages, and collects everything until the server closes. */
function converse(url: string, messages: unknown[], headers: Record<string, string> = {}): Promise<Answer> {
  const socket = new WebSocket(url, { headers, perMessageDeflate: false });
  const frames: Record<string, unknown>[] = [];
  socket.on('message', (data) => frames.push(JSON.parse(String(data)) as Record<string, unknown>));
  socket.on('open', () => messages.forEach((message) => socket.send(JSON.stringify(message))));
  return new Promise((resolveAnswer, reject) => {
    socket.on('error', reject);
    socket.on('close', (code, reason) => resolveAnswer({ frames, code, reason: reason.toString() }));
  });
}

/** The status and body of a handshake the server refuses. */
function refusedHandshake(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  const socket = new WebSocket(url, { headers });
  return new Promise((resolveRefusal, reject) => {
    socket.on('error', () => undefined);
    socket.once('open', () => reject(new Error('the handshake was accepted')));
    socket.once('unexpected-response', (_request, response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (text: string) => (body += text));
      response.on('end', () => resolveRefusal({ status: response.statusCode ?? 0, body }));
    });
  });
}

function open(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  const socket = new WebSocket(url, { headers });
  socket.on('error', () => undefined);
  return new Promise((resolveOpen, reject) => {
    socket.once('open', () => resolveOpen(socket));
    socket.once('unexpected-response', (_request, response) =>
      reject(new Error(`HTTP ${response.statusCode}`)),
    );
  });
}

function closed(socket: WebSocket): Promise<number> {
  if (socket.readyState === WebSocket.CLOSED) return Promise.resolve(-1);
  return new Promise((resolveClose) => socket.once('close', (code) => resolveClose(code)));
}

function getStatus(port: number, path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolveStatus, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers, agent: false }, (response) => {
      response.resume();
      response.on('end', () => resolveStatus(response.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A TCP socket that connects and never says anything: when and how the server ends it. */
function silentSocket(port: number): Promise<{ afterMs: number; answer: string }> {
  const started = performance.now();
  const socket = connect(port, '127.0.0.1');
  let answer = '';
  socket.on('error', () => undefined);
  socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
  return new Promise((resolveEnd) =>
    socket.once('close', () => resolveEnd({ afterMs: performance.now() - started, answer })),
  );
}

/**
 * Announces a frame of `length` bytes before any token and sends it in pieces until the server
 * answers: the payload bytes it took before refusing, and its close frame.
 */
async function pushOversizedFrame(
  port: number,
  path: string,
  length: number,
): Promise<{ sent: number; code: number | undefined }> {
  const client = await RawWsClient.open(port, path);
  client.startFrame(length);
  const piece = 64 * 1024;
  while (!client.hasClosed && client.payloadSent < length) {
    if (!(await client.sendPayload(Math.min(piece, length - client.payloadSent)))) break;
    // Give the server's answer a moment to arrive between pieces, as a slow link would.
    await new Promise((resolveTick) => setImmediate(resolveTick));
  }
  const sent = client.payloadSent;
  const close = await client.closed;
  client.destroy();
  return { sent, code: close?.code };
}

// -------------------------------------------------------------------------------------------------
// `hark serve`, the built command in its own process

interface Served {
  child: ChildProcessWithoutNullStreams;
  url: string;
  port: number;
  token: string;
}

function startServe(): Promise<Served> {
  const child = spawn(process.execPath, [resolve('bin/hark.js'), 'serve'], { stdio: 'pipe' });
  child.stdin.end();
  return new Promise((resolveServed, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error('hark serve printed nothing')), 30_000);
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      output += text;
      if (!output.includes('\n')) return;
      clearTimeout(timer);
      const ready = JSON.parse(output.slice(0, output.indexOf('\n'))) as Omit<Served, 'child'>;
      resolveServed({ child, ...ready });
    });
    child.once('exit', (code) => reject(new Error(`hark serve exited (${code})`)));
  });
}

/** User + system CPU of a running process, in ms (Linux /proc; 10 ms ticks). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

describe('hark serve before authentication', () => {
  let served: Served;
  const REFUSALS = 10;

  beforeAll(async () => {
    served = await startServe();
  }, 60_000);

  afterAll(() => {
    served?.child.kill('SIGKILL');
  });

  it(
    'refuses a bearer header padded with 15,000 spaces (401 over HTTP, 1008 over the socket) for little CPU',
    { timeout: 60_000 },
    async ({ annotate }) => {
      const header = { authorization: paddedBearer(15_000) };
      const wsUrl = `${served.url.replace('http', 'ws')}${STREAM_PATH}`;
      // One of each first, so what is measured is the refusal, not first-use work.
      await getStatus(served.port, '/v1/voices', header);
      await converse(wsUrl, [], header);
      const before = cpuMs(served.child.pid!);
      for (let i = 0; i < REFUSALS; i++) {
        expect(await getStatus(served.port, '/v1/voices', header)).toBe(401);
        const answer = await converse(wsUrl, [], header);
        expect(answer.code).toBe(1008);
        expect(answer.frames).toEqual([expect.objectContaining({ error: 'invalid_api_key' })]);
      }
      const perRefusal = (cpuMs(served.child.pid!) - before) / (2 * REFUSALS);
      await annotate(`hark serve CPU per refusal of a 15,000-space bearer header: ${perRefusal} ms`);
      // The backtracking pattern took about 100-300 ms of CPU for each of these.
      expect(perRefusal).toBeLessThan(20);
    },
  );

  it(
    'refuses a first message whose authorization carries 40,000 spaces with invalid_api_key and 1008',
    { timeout: 60_000 },
    async ({ annotate }) => {
      const wsUrl = `${served.url.replace('http', 'ws')}${STREAM_PATH}`;
      const bos = { text: ' ', authorization: paddedBearer(40_000) };
      await converse(wsUrl, [bos]);
      const before = cpuMs(served.child.pid!);
      for (let i = 0; i < REFUSALS; i++) {
        const answer = await converse(wsUrl, [bos]);
        expect(answer.code).toBe(1008);
        expect(answer.frames).toEqual([expect.objectContaining({ error: 'invalid_api_key' })]);
      }
      const perRefusal = (cpuMs(served.child.pid!) - before) / REFUSALS;
      await annotate(`hark serve CPU per refusal of a 40,000-space first message: ${perRefusal} ms`);
      // The backtracking pattern took over a second for each.
      expect(perRefusal).toBeLessThan(20);
    },
  );
});

// -------------------------------------------------------------------------------------------------
// The stream server in this process, with its limits shortened

describe('the stream server before authentication', () => {
  let voice: OfflineVoice;
  let server: RunningStreamServer | undefined;

  beforeAll(async () => {
    voice = new OfflineVoice();
    await voice.warmUp();
  }, 60_000);

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  afterAll(async () => {
    await voice.close();
  });

  async function start(options: StreamServerOptions = {}): Promise<RunningStreamServer> {
    server = await startStreamServer({ voice, ...options });
    return server;
  }

  const wsUrl = (running: RunningStreamServer, query = ''): string =>
    `${running.url.replace('http', 'ws')}${STREAM_PATH}${query}`;

  it('refuses an unauthenticated frame over 64 KiB with 1009 as soon as its header arrives', async () => {
    const running = await start();
    // Well under the 1 MiB an authenticated client may send: before the token, it is not read.
    const refused = await pushOversizedFrame(running.port, STREAM_PATH, 900 * 1024);
    expect(refused.code).toBe(1009);
    expect(refused.sent).toBeLessThan(256 * 1024);
  });

  it('reads frames up to the full limit once the first message has brought the key', async () => {
    const running = await start();
    // Sent straight after the key, as clients do: the larger limit must hold by the next frame.
    const large = { text: 7, padding: 'x'.repeat(900 * 1024) };
    const answer = await converse(wsUrl(running), [{ text: ' ', xi_api_key: running.token }, large]);
    expect(answer.code).toBe(1008);
    expect(answer.frames).toEqual([expect.objectContaining({ error: 'invalid_input_message' })]);
  });

  it('closes a socket that never sends its key after the deadline, whatever inactivity_timeout says', async () => {
    const running = await start({ authTimeoutMs: 300 });
    const started = performance.now();
    const answer = await converse(wsUrl(running, '&inactivity_timeout=180'), []);
    const afterMs = performance.now() - started;
    expect(answer.code).toBe(1008);
    expect(answer.frames).toEqual([expect.objectContaining({ error: 'authentication_required' })]);
    expect(answer.reason).toMatch(/No API key arrived within 0\.3 s/);
    expect(afterMs).toBeGreaterThanOrEqual(250);
    expect(afterMs).toBeLessThan(5000);
  });

  it('ends a TCP socket that never sends its request with 408 after the deadline', async () => {
    const running = await start({ authTimeoutMs: 300 });
    const silent = await silentSocket(running.port);
    expect(silent.answer).toMatch(/^HTTP\/1\.1 408/);
    expect(silent.afterMs).toBeLessThan(5000);
  });

  it('keeps an authenticated socket open past the deadline and speaks on it', async () => {
    const running = await start({ authTimeoutMs: 200 });
    const socket = await open(wsUrl(running), { 'xi-api-key': running.token });
    const frames: Record<string, unknown>[] = [];
    socket.on('message', (data) => frames.push(JSON.parse(String(data)) as Record<string, unknown>));
    await new Promise((resolveWait) => setTimeout(resolveWait, 700));
    expect(socket.readyState).toBe(WebSocket.OPEN);
    const done = closed(socket);
    for (const text of [' ', 'Still here.', '']) socket.send(JSON.stringify({ text }));
    expect(await done).toBe(1000);
    expect(frames.some((frame) => typeof frame.audio === 'string')).toBe(true);
  });

  it('refuses a handshake over the connection cap with 503 and a JSON body, and takes one once a slot frees', async () => {
    const running = await start({ maxConnections: 2 });
    const headers = { 'xi-api-key': running.token };
    const first = await open(wsUrl(running), headers);
    // Unauthenticated sockets count too: they are what a flood would be made of.
    const second = await open(wsUrl(running));
    const refused = await refusedHandshake(wsUrl(running), headers);
    expect(refused.status).toBe(503);
    expect(JSON.parse(refused.body)).toEqual({
      detail: { status: 'service_unavailable', message: expect.stringContaining('2 open connections') },
    });
    first.close();
    await closed(first);
    const third = await open(wsUrl(running), headers);
    third.terminate();
    second.terminate();
  });
});

// -------------------------------------------------------------------------------------------------
// The dev bridge

describe('the bridge before authentication', () => {
  let bridge: RunningBridge | undefined;

  afterEach(async () => {
    await bridge?.close();
    bridge = undefined;
  });

  async function start(options: Partial<BridgeServerOptions> = {}): Promise<RunningBridge> {
    bridge = await startBridgeServer({
      services: recordingServices().services,
      log: { warn: () => undefined, error: () => undefined },
      ...options,
    });
    return bridge;
  }

  /** A socket welcomed with the token in its first frame, then one call answered. */
  async function welcomedCall(running: RunningBridge, call: unknown): Promise<Record<string, unknown>> {
    const socket = await open(running.url);
    const frames: Record<string, unknown>[] = [];
    const answered = new Promise<void>((resolveAnswer) =>
      socket.on('message', (data) => {
        frames.push(JSON.parse(String(data)) as Record<string, unknown>);
        if (frames.some((frame) => frame.id === 1)) resolveAnswer();
      }),
    );
    // Back to back, as a page would: the larger limit must hold by the second frame.
    socket.send(JSON.stringify({ token: running.token }));
    socket.send(JSON.stringify(call));
    await Promise.race([
      answered,
      closed(socket).then((code) => Promise.reject(new Error(`closed ${code}`))),
    ]);
    socket.terminate();
    return frames.find((frame) => frame.id === 1)!;
  }

  it('refuses an unauthenticated 30 MB frame with 1009 before it has been sent, and keeps serving', async () => {
    const running = await start();
    const refused = await pushOversizedFrame(running.port, BRIDGE_PATH, 30 * 1024 * 1024);
    expect(refused.code).toBe(1009);
    // The whole frame would have been 30 MB buffered on the server before the token was checked.
    expect(refused.sent).toBeLessThan(1024 * 1024);
    const answer = await welcomedCall(running, { id: 1, verb: 'getState' });
    expect(answer.result).toMatchObject({ ok: true });
  });

  it('reads a 2 MB call from a socket that presented its token in the first frame', async () => {
    const running = await start();
    const answer = await welcomedCall(running, {
      id: 1,
      verb: 'speakText',
      payload: { text: 'Long text. '.repeat(200_000) },
    });
    expect(answer.result).toHaveProperty('ok');
  });

  it('ends a TCP socket that never sends its request with 408 after the deadline', async () => {
    const running = await start({ authTimeoutMs: 300 });
    const silent = await silentSocket(running.port);
    expect(silent.answer).toMatch(/^HTTP\/1\.1 408/);
    expect(silent.afterMs).toBeLessThan(5000);
  });

  it('refuses a handshake over the connection cap with 503 and a JSON body', async () => {
    const running = await start({ maxConnections: 2 });
    const sockets = [await open(running.url), await open(running.url)];
    const refused = await refusedHandshake(running.url);
    expect(refused.status).toBe(503);
    expect(JSON.parse(refused.body)).toMatchObject({ detail: { status: 'service_unavailable' } });
    sockets[0]!.terminate();
    await closed(sockets[0]!);
    await expect.poll(() => running.clientCount).toBe(1);
    const again = await open(running.url);
    again.terminate();
    sockets[1]!.terminate();
  });
});
