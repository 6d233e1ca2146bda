// The browser's view of Hark, end to end: renderer/src/lib/bridge-client.ts (driven by the `ws`
// package in place of the browser's WebSocket, sending the page's Origin) talks to the loopback
// bridge, which serves the real services: settings and history stores in a temporary folder, the
// real secret store with no keychain reachable, the real offline voice, and the ChannelPlayer, with
// the client playing the player page's part (it acknowledges the audio it is sent).

// Never let a test reach a developer's real keychain: no session bus, no display.
process.env.DBUS_SESSION_BUS_ADDRESS = 'unix:path=/nonexistent/hark-test-bus';
delete process.env.DISPLAY;

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startBridgeServer } from '../main/app/bridge-server';
import type { RunningBridge } from '../main/app/bridge-server';
import { ChannelPlayer } from '../main/app/channel-player';
import { createServices } from '../main/app/services';
import type { AppServices } from '../main/app/services';
import { startStreamServer } from '../main/engine/stream-server';
import type { RunningStreamServer } from '../main/engine/stream-server';
import { HistoryStore } from '../main/store/history';
import { createRedactingLogger } from '../main/store/redact';
import { createSecretStore } from '../main/store/secrets';
import { SettingsStore } from '../main/store/settings';
import { success } from '../shared/contract';
import type { AppState, HistoryChange, MainToPlayer, WordProgress } from '../shared/contract';
import {
  BridgeConnectError,
  bridgeConfigFromLocation,
  connectBridge,
} from '../renderer/src/lib/bridge-client';
import type { BridgeClient, WebSocketLike } from '../renderer/src/lib/bridge-client';
import { recordingServices } from './helpers/recording-services';
import { until } from './helpers/until';

const PAGE_ORIGIN = 'http://127.0.0.1:5173';
const KEY = `sk_${'7'.repeat(48)}`;

/** Every frame the page receives, as text, so a test can prove what never crossed. */
const received: string[] = [];

function pageSocket(origin = PAGE_ORIGIN): (url: string) => WebSocketLike {
  return (url) => {
    const socket = new WebSocket(url, { origin });
    socket.on('message', (data) => received.push(String(data)));
    return socket;
  };
}

function liveTcp(): { servers: number; sockets: number } {
  const resources = process.getActiveResourcesInfo();
  return {
    servers: resources.filter((name) => name === 'TCPServerWrap').length,
    sockets: resources.filter((name) => name === 'TCPSocketWrap').length,
  };
}

/** The player page: plays nothing, but reports every chunk heard at once and says when it ended. */
class PageSpeaker {
  readonly messages: MainToPlayer[] = [];
  constructor(private readonly client: BridgeClient) {
    client.player.connect((message) => this.hear(message));
    client.player.post({ type: 'ready' });
  }

  get audioBytes(): number {
    return this.messages.reduce((sum, m) => sum + (m.type === 'chunk' ? m.audio.byteLength : 0), 0);
  }

  private hear(message: MainToPlayer): void {
    this.messages.push(message);
    if (message.type === 'chunk') {
      const playedMs = message.startMs + message.durationMs;
      this.client.player.post({ type: 'position', streamId: message.streamId, playedMs });
    }
    if (message.type === 'end') this.client.player.post({ type: 'ended', streamId: message.streamId });
  }
}

let offline: RunningStreamServer;
let dir: string;
let history: HistoryStore;
let services: AppServices;
let player: ChannelPlayer;
let bridge: RunningBridge;
const clients: BridgeClient[] = [];
const baseline = liveTcp();

beforeAll(async () => {
  offline = await startStreamServer();
  dir = await mkdtemp(join(tmpdir(), 'hark-bridge-'));
  const settings = await SettingsStore.open(join(dir, 'settings'));
  await settings.update({ outputFormat: 'pcm_16000' });
  history = await HistoryStore.open(join(dir, 'history'), { retention: settings.get().history });
  const secrets = createSecretStore();
  const log = createRedactingLogger(
    () => undefined,
    () => secrets.knownSecrets(),
  );
  player = new ChannelPlayer(log);
  services = createServices({
    settings,
    secrets,
    history,
    offlineServer: () => Promise.resolve({ url: offline.url, token: offline.token }),
    player,
    log,
    captureSelection: () => Promise.resolve({ text: '', source: 'selection' }),
    readClipboard: () => Promise.resolve('From the clipboard.'),
    chooseExportPath: () => Promise.resolve(undefined),
  });
  bridge = await startBridgeServer({
    services,
    allowedOrigins: [PAGE_ORIGIN],
    log,
    onPlayerConnect: (channel) => player.attach(channel),
  });
}, 60_000);

afterAll(async () => {
  for (const client of clients) client.close();
  await bridge.close();
  player.close();
  await services.dispose();
  await history.close();
  await offline.close();
  await rm(dir, { recursive: true, force: true });
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(liveTcp()).toEqual(baseline);
});

async function page(): Promise<BridgeClient> {
  const client = await connectBridge({ url: bridge.url, token: bridge.token, createSocket: pageSocket() });
  clients.push(client);
  return client;
}

describe('connecting', () => {
  it('refuses a wrong token and a foreign page', async () => {
    const wrong = connectBridge({ url: bridge.url, token: 'guess', createSocket: pageSocket() });
    await expect(wrong).rejects.toMatchObject({ name: 'BridgeConnectError', code: 'unauthorized' });
    const foreign = connectBridge({
      url: bridge.url,
      token: bridge.token,
      createSocket: pageSocket('https://evil.example'),
    });
    await expect(foreign).rejects.toBeInstanceOf(BridgeConnectError);
    await expect(foreign).rejects.toMatchObject({ code: 'disconnected' });
  });

  it('finds the bridge and token from a dev:web page location', () => {
    expect(
      bridgeConfigFromLocation({ protocol: 'http:', host: '127.0.0.1:5173', hash: '#token=a%2Bb' }),
    ).toEqual({
      url: 'ws://127.0.0.1:5173/hark-bridge',
      token: 'a+b',
    });
    expect(bridgeConfigFromLocation({ protocol: 'http:', host: 'x', hash: '' })).toBeUndefined();
  });
});

describe('the real services through the bridge', () => {
  afterEach(async () => {
    const client = await page();
    await client.stop();
  });

  it('reads a text aloud: state and word events pushed, audio to the player page, history entry added', async () => {
    const client = await page();
    const speaker = new PageSpeaker(client);
    await until(() => player.connected, 5000, 'player attached');
    const states: AppState[] = [];
    const words: WordProgress[] = [];
    const changes: HistoryChange[] = [];
    client.onState((state) => states.push(state));
    client.onWord((word) => words.push(word));
    client.onHistoryChanged((change) => changes.push(change));

    const text = 'The bridge carries every word to the page.';
    expect(await client.speakText({ text })).toEqual({ ok: true, value: 'started' });
    await until(() => changes.some((change) => change.kind === 'added'), 30_000, 'history entry');
    await until(() => states.at(-1)?.kind === 'idle', 10_000, 'idle again');

    expect(states.map((state) => state.kind)).toEqual(['connecting', 'speaking', 'idle']);
    expect(words.map((word) => word.text).join(' ')).toBe(text);
    // The playback speed is sent once when the page attaches; the stream follows.
    const types = speaker.messages.map((message) => message.type).filter((type) => type !== 'speed');
    expect(types[0]).toBe('open');
    expect(types.at(-1)).toBe('end');
    expect(types.filter((type) => type === 'chunk').length).toBeGreaterThan(0);
    expect(speaker.audioBytes).toBeGreaterThan(16_000); // pcm_16000: over half a second of speech

    const list = await client.historyList();
    if (!list.ok) throw new Error(list.message);
    expect(list.value.entries[0]).toMatchObject({ text, engine: 'offline' });
    expect(list.value.entries[0]?.audioBytes).toBe(speaker.audioBytes);
  }, 60_000);

  it('answers bad payloads with envelopes and keeps the API key on the main side', async () => {
    const client = await page();
    const bad = await client.speakText({ text: 42 } as unknown as { text: string });
    expect(bad).toMatchObject({ ok: false, code: 'invalid_payload' });
    const settingsProblem = await client.updateSettings({ patch: { busyPolicy: 'shout' } });
    expect(settingsProblem).toMatchObject({ ok: true, value: { applied: false } });

    received.length = 0;
    // No keychain here: the key is refused for the keychain, then kept for this session only.
    expect(await client.setKey({ key: KEY })).toMatchObject({ ok: false, code: 'keychain_unavailable' });
    expect(await client.setKey({ key: KEY, sessionOnly: true })).toMatchObject({
      ok: true,
      value: { state: 'session-only' },
    });
    expect(await client.keyStatus()).toMatchObject({ ok: true, value: { state: 'session-only' } });
    expect(await client.getSettings()).toMatchObject({ ok: true });
    expect(received.length).toBeGreaterThan(3);
    expect(received.some((frame) => frame.includes(KEY))).toBe(false);
    expect(await client.clearKey()).toMatchObject({ ok: true });
  });
});

describe('the client when the other side fails', () => {
  it('answers timeout for a silent service and disconnected once the bridge goes away', async () => {
    const recording = recordingServices();
    let release = (): void => undefined;
    recording.override('voices', () => new Promise((resolve) => (release = () => resolve(success([])))));
    recording.override('models', () => new Promise(() => undefined));
    const own = await startBridgeServer({
      services: recording.services,
      allowedOrigins: [PAGE_ORIGIN],
      log: { warn: () => undefined, error: () => undefined },
    });
    const impatient = await connectBridge({
      url: own.url,
      token: own.token,
      createSocket: pageSocket(),
      callTimeoutMs: 200,
    });
    expect(await impatient.voices()).toMatchObject({ ok: false, code: 'timeout' });
    release();

    const client = await connectBridge({ url: own.url, token: own.token, createSocket: pageSocket() });

    const reasons: string[] = [];
    client.onDisconnect((reason) => reasons.push(reason));
    const waiting = client.models();
    await until(() => recording.calls.some((call) => call.verb === 'models'));
    await own.close();
    expect(await waiting).toMatchObject({ ok: false, code: 'disconnected' });
    expect(client.connected).toBe(false);
    expect(reasons).toHaveLength(1);
    expect(await client.getState()).toMatchObject({ ok: false, code: 'disconnected' });
    expect(impatient.connected).toBe(false);
  });
});
