import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import type { ClientOptions } from 'ws';
import { BRIDGE_CLOSE_UNAUTHORIZED, BRIDGE_PATH, EVENTS, VERBS, success } from '../../shared/contract';
import type { PlayerChannel, PlayerToMain } from '../../shared/contract';
import { recordingServices } from '../../tests/helpers/recording-services';
import type { RecordingServices } from '../../tests/helpers/recording-services';
import { SpeechError } from '../../shared/speech-errors';
import { startBridgeServer } from './bridge-server';
import type { BridgeServerOptions, RunningBridge } from './bridge-server';
import { until } from '../../tests/helpers/until';

const PAGE_ORIGIN = 'http://127.0.0.1:5173';

/** A raw ws client that collects every frame it receives. */
class RawClient {
  readonly frames: Record<string, unknown>[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: (() => void)[] = [];

  constructor(readonly socket: WebSocket) {
    socket.on('error', () => undefined);
    socket.on('message', (data) => {
      this.frames.push(JSON.parse(String(data)) as Record<string, unknown>);
      this.waiters.splice(0).forEach((wake) => wake());
    });
    this.closed = new Promise((resolve) =>
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }

  send(frame: unknown): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Resolves with the first frame (seen or future) that matches. */
  async next(
    match: (frame: Record<string, unknown>) => boolean,
    timeoutMs = 5000,
  ): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching frame; got ${JSON.stringify(this.frames)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  answer(id: number | string): Promise<Record<string, unknown>> {
    return this.next((frame) => frame.id === id && 'result' in frame);
  }
}

let bridge: RunningBridge | undefined;
let recording: RecordingServices;
const clients: WebSocket[] = [];

async function start(options: Partial<BridgeServerOptions> = {}): Promise<RunningBridge> {
  recording = recordingServices();
  bridge = await startBridgeServer({
    services: recording.services,
    allowedOrigins: [PAGE_ORIGIN],
    log: { warn: () => undefined, error: () => undefined },
    ...options,
  });
  return bridge;
}

function open(url: string, options: ClientOptions = {}): Promise<RawClient> {
  const socket = new WebSocket(url, options);
  clients.push(socket);
  const client = new RawClient(socket);
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(client));
    socket.once('unexpected-response', (_request, response) =>
      reject(new Error(`handshake refused: ${response.statusCode}`)),
    );
    socket.once('error', reject);
  });
}

/** A client that has presented the token and been welcomed. */
async function welcomed(server: RunningBridge, options: ClientOptions = {}): Promise<RawClient> {
  const client = await open(server.url, options);
  client.send({ token: server.token });
  await client.next((frame) => 'welcome' in frame);
  return client;
}

function liveResources(): { servers: number } {
  const resources = process.getActiveResourcesInfo();
  return { servers: resources.filter((name) => name === 'TCPServerWrap').length };
}

/** Waits a moment, then past the timer phase, so timers that just fired are no longer counted. */
async function settle(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 20));
  await new Promise((resolve) => setImmediate(resolve));
}

afterEach(async () => {
  for (const socket of clients.splice(0)) socket.terminate();
  await bridge?.close();
  bridge = undefined;
});

describe('who may connect', () => {
  it('welcomes the right token in the first frame, listing the verbs and events', async () => {
    const server = await start();
    expect(server.url).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:\\d+${BRIDGE_PATH}$`));
    const client = await open(server.url, { origin: PAGE_ORIGIN });
    client.send({ token: server.token });
    const hello = await client.next((frame) => 'welcome' in frame);
    expect((hello.welcome as { verbs: string[] }).verbs).toEqual([...VERBS]);
  });

  it('refuses a wrong token with an unauthorized envelope and close code 4401, and calls nothing', async () => {
    const server = await start();
    const client = await open(server.url);
    client.send({ token: 'not-the-token' });
    client.send({ id: 1, verb: 'stop' });
    expect(await client.closed).toMatchObject({ code: BRIDGE_CLOSE_UNAUTHORIZED });
    expect(client.frames).toEqual([
      { id: null, result: expect.objectContaining({ ok: false, code: 'unauthorized' }) },
    ]);
    expect(recording.calls).toEqual([]);
  });

  it('refuses a call sent before the token', async () => {
    const server = await start();
    const client = await open(server.url);
    client.send({ id: 1, verb: 'getState' });
    expect((await client.closed).code).toBe(BRIDGE_CLOSE_UNAUTHORIZED);
    expect(recording.calls).toEqual([]);
  });

  it('closes a socket that never sends its token', async () => {
    const server = await start({ authTimeoutMs: 100 });
    const client = await open(server.url);
    expect((await client.closed).code).toBe(BRIDGE_CLOSE_UNAUTHORIZED);
  });

  it('accepts the token in the URL and refuses a wrong one there at the handshake', async () => {
    const server = await start();
    const client = await open(`${server.url}?token=${encodeURIComponent(server.token)}`);
    await client.next((frame) => 'welcome' in frame);
    await expect(open(`${server.url}?token=wrong`)).rejects.toThrow('handshake refused: 401');
  });

  it.each([
    ['another site', { origin: 'https://evil.example' }],
    ['the same host on another port', { origin: 'http://127.0.0.1:5174' }],
    ['a rebound DNS name (Host header)', { headers: { host: 'evil.example:80' } }],
  ])('refuses %s at the handshake with 403', async (_name, options) => {
    const server = await start();
    await expect(open(server.url, options)).rejects.toThrow('handshake refused: 403');
  });

  it('refuses other paths, and admits an origin added later', async () => {
    const server = await start({ allowedOrigins: [] });
    await expect(open(server.url.replace(BRIDGE_PATH, '/other'))).rejects.toThrow('handshake refused: 404');
    await expect(open(server.url, { origin: PAGE_ORIGIN })).rejects.toThrow('403');
    server.allowOrigin(`${PAGE_ORIGIN}/`);
    await welcomed(server, { origin: PAGE_ORIGIN });
  });

  it('answers plain HTTP with 426 and listens on loopback only', async () => {
    const server = await start();
    const response = await fetch(`http://127.0.0.1:${server.port}/`);
    expect(response.status).toBe(426);
    await response.text();
    await expect(startBridgeServer({ services: recording.services, host: '0.0.0.0' })).rejects.toThrow(
      /loopback/,
    );
  });
});

describe('calls', () => {
  it('round-trips a verb with its payload and keeps the caller’s id (numbers and strings)', async () => {
    const server = await start();
    const client = await welcomed(server);
    client.send({ id: 7, verb: 'speakText', payload: { text: 'Read this.' } });
    client.send({ id: 'state-1', verb: 'getState' });
    expect(await client.answer(7)).toEqual({ id: 7, result: { ok: true, value: 'started' } });
    expect(await client.answer('state-1')).toEqual({
      id: 'state-1',
      result: { ok: true, value: { kind: 'idle' } },
    });
    expect(recording.calls).toEqual([
      { verb: 'speakText', payload: { text: 'Read this.' } },
      { verb: 'getState', payload: undefined },
    ]);
  });

  it('answers unknown verbs and bad payloads with envelopes, without calling the service', async () => {
    const server = await start();
    const client = await welcomed(server);
    client.send({ id: 1, verb: 'format_disk' });
    client.send({ id: 2, verb: 'speakText', payload: { text: 12 } });
    client.send({ id: 3, verb: 'setKey', payload: { key: 'k'.repeat(40), extra: 1 } });
    client.send({ id: 4, verb: 'toString' });
    expect((await client.answer(1)).result).toMatchObject({ ok: false, code: 'unknown_verb' });
    expect((await client.answer(2)).result).toMatchObject({ ok: false, code: 'invalid_payload' });
    expect((await client.answer(3)).result).toMatchObject({ ok: false, code: 'invalid_payload' });
    expect((await client.answer(4)).result).toMatchObject({ ok: false, code: 'unknown_verb' });
    expect(recording.calls).toEqual([]);
  });

  it('survives malformed frames, answering each, and keeps serving this and other clients', async () => {
    const server = await start();
    const client = await welcomed(server);
    client.send('{not json');
    client.send('[1,2,3]');
    client.send('"just a string"');
    client.socket.send(Buffer.from([0xde, 0xad, 0xbe, 0xef]), { binary: true });
    client.send({ id: { nested: true }, verb: 'stop' });
    client.send({ id: 9 });
    client.send({ player: { type: 'bogus' } });
    await client.next(() => client.frames.filter((frame) => 'result' in frame).length >= 7);
    const codes = client.frames.filter((frame) => 'result' in frame).map((frame) => frame.result);
    expect(codes.every((result) => (result as { code?: string }).code === 'invalid_message')).toBe(true);
    expect(client.frames.find((frame) => frame.id === 9)).toBeDefined();
    client.send({ id: 10, verb: 'getState' });
    expect((await client.answer(10)).result).toEqual({ ok: true, value: { kind: 'idle' } });
    const other = await welcomed(server);
    other.send({ id: 1, verb: 'stop' });
    expect((await other.answer(1)).result).toEqual({ ok: true, value: null });
  });

  it('closes a client that sends an oversized frame and stays up for others', async () => {
    const server = await start();
    const client = await welcomed(server);
    client.send({ id: 1, verb: 'speakText', payload: { text: 'x'.repeat(33 * 1024 * 1024) } });
    expect((await client.closed).code).toBe(1009);
    const other = await welcomed(server);
    other.send({ id: 1, verb: 'getState' });
    expect((await other.answer(1)).result).toMatchObject({ ok: true });
  });

  it('answers timeout when the service is silent, and drops its late answer', async () => {
    const server = await start({ requestTimeoutMs: 100 });
    let release: (value: unknown) => void = () => undefined;
    recording.override('voices', () => new Promise((resolve) => (release = resolve)));
    const client = await welcomed(server);
    client.send({ id: 1, verb: 'voices' });
    expect((await client.answer(1)).result).toMatchObject({ ok: false, code: 'timeout' });
    release(success([]));
    client.send({ id: 2, verb: 'stop' });
    await client.answer(2);
    expect(client.frames.filter((frame) => frame.id === 1)).toHaveLength(1);
  });

  it('keeps a thrown SpeechError’s code and hides other errors behind internal', async () => {
    const server = await start();
    recording.override('subscription', () => {
      throw new SpeechError('quota_exceeded', 'Quota used up.');
    });
    recording.override('models', () => Promise.reject(new TypeError('cannot read x of undefined')));
    const client = await welcomed(server);
    client.send({ id: 1, verb: 'subscription' });
    client.send({ id: 2, verb: 'models' });
    expect((await client.answer(1)).result).toEqual({
      ok: false,
      code: 'quota_exceeded',
      message: 'Quota used up.',
    });
    const hidden = (await client.answer(2)).result;
    expect(hidden).toMatchObject({ ok: false, code: 'internal' });
    expect(JSON.stringify(hidden)).not.toContain('undefined');
  });
});

describe('events and the player', () => {
  it('pushes service events to welcomed clients only', async () => {
    const server = await start();
    const client = await welcomed(server);
    const stranger = await open(server.url);
    recording.emit('state', { kind: 'connecting', source: 'typed' });
    recording.emit('historyChanged', { kind: 'deleted', ids: ['abc-1'] });
    await client.next((frame) => frame.event === 'historyChanged');
    expect(client.frames.filter((frame) => 'event' in frame)).toEqual([
      { event: 'state', data: { kind: 'connecting', source: 'typed' } },
      { event: 'historyChanged', data: { kind: 'deleted', ids: ['abc-1'] } },
    ]);
    expect(stranger.frames).toEqual([]);
  });

  it('gives main a player channel per player page: base64 audio out, validated messages in', async () => {
    const channels: PlayerChannel[] = [];
    const server = await start({ onPlayerConnect: (channel) => channels.push(channel) });
    const page = await welcomed(server);
    page.send({ player: { type: 'position', streamId: 1, playedMs: 10 } }); // not ready yet: refused
    await page.next((frame) => frame.id === null);
    expect(channels).toHaveLength(0);

    page.send({ player: { type: 'ready' } });
    await until(() => channels.length === 1);
    const channel = channels[0] as PlayerChannel;
    const heard: PlayerToMain[] = [];
    channel.onMessage((message) => heard.push(message));
    page.send({ player: { type: 'position', streamId: 1, playedMs: 250 } });
    await until(() => heard.length === 1);
    expect(heard).toEqual([{ type: 'position', streamId: 1, playedMs: 250 }]);

    const audio = new Uint8Array([1, 2, 3, 250]).buffer;
    channel.post({ type: 'chunk', streamId: 1, audio, startMs: 0, durationMs: 20 });
    const chunk = await page.next((frame) => 'player' in frame);
    expect(chunk.player).toEqual({
      type: 'chunk',
      streamId: 1,
      audio: 'AQID+g==',
      startMs: 0,
      durationMs: 20,
    });

    const gone = new Promise<void>((resolve) => channel.onClose(resolve));
    page.socket.close();
    await gone;
    expect(channel.connected).toBe(false);
  });
});

describe('close plan', () => {
  /**
   * Records every timer created from now on, so the test can tell whether each one fired or was
   * cleared. (Counting process-wide timers is blurred by vitest's own.) `_destroyed` is how Node
   * marks a Timeout that can no longer fire.
   */
  function trackTimers(): { created: () => number; live: () => number } {
    const timers: NodeJS.Timeout[] = [];
    const realTimeout = globalThis.setTimeout;
    const realInterval = globalThis.setInterval;
    vi.spyOn(globalThis, 'setTimeout').mockImplementation(((...args: Parameters<typeof setTimeout>) => {
      const timer = realTimeout(...args);
      timers.push(timer);
      return timer;
    }) as typeof setTimeout);
    vi.spyOn(globalThis, 'setInterval').mockImplementation(((...args: Parameters<typeof setInterval>) => {
      const timer = realInterval(...args);
      timers.push(timer);
      return timer;
    }) as typeof setInterval);
    const destroyed = (timer: NodeJS.Timeout): boolean =>
      (timer as unknown as { _destroyed: boolean })._destroyed;
    return { created: () => timers.length, live: () => timers.filter((timer) => !destroyed(timer)).length };
  }

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('closes every socket (1001), unsubscribes from the services and leaves no server or timer behind', async () => {
    await settle(); // let the previous test's server finish closing
    const servers = liveResources().servers;
    const timers = trackTimers();
    const server = await start({ requestTimeoutMs: 60_000 });
    recording.override('voices', () => new Promise(() => undefined)); // never answers
    const first = await welcomed(server);
    const second = await open(server.url); // never authenticates: its auth timer must go too
    first.send({ id: 1, verb: 'voices' });
    await until(() => recording.calls.length === 1);
    expect(recording.listenerCount()).toBe(EVENTS.length);
    expect(server.clientCount).toBe(2);
    // At least the heartbeat, the unauthenticated socket's auth timer and the waiting call's timer.
    expect(timers.live()).toBeGreaterThanOrEqual(3);

    await server.close();
    expect((await first.closed).code).toBe(1001);
    expect((await second.closed).code).toBe(1001);
    expect(server.clientCount).toBe(0);
    expect(recording.listenerCount()).toBe(0);
    await settle();
    expect(liveResources().servers).toBe(servers);
    expect(timers.live()).toBe(0);
    await expect(open(server.url)).rejects.toThrow();
  });
});
