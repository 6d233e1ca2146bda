// The `playback` event end to end on main's side: a player page (the bridge client, driven by the
// `ws` package, "playing" on the wall clock at 4x) reports positions over the real loopback bridge;
// the real ChannelPlayer, reading controller and services (main/app/headless.ts, with the real
// offline voice) turn them into `playback` events tagged with the reading they belong to, for
// services.subscribe and for every page on the bridge.

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
import { startHeadlessApp } from '../main/app/headless';
import type { HeadlessApp } from '../main/app/headless';
import { createSecretStore } from '../main/store/secrets';
import type {
  AppState,
  HistoryEntry,
  MainToPlayer,
  PlaybackProgress,
  WordProgress,
} from '../shared/contract';
import { connectBridge } from '../renderer/src/lib/bridge-client';
import type { BridgeClient } from '../renderer/src/lib/bridge-client';
import { quietLogger } from './helpers/live-api';
import { until } from './helpers/until';

const PLAY_RATE = 4;
const TICK_MS = 25;

/**
 * The player page's part: it "plays" the chunks it was sent on the wall clock, PLAY_RATE times faster
 * than real time, reports the position as it moves, and says `ended` once all of a stream was heard.
 */
class WallClockPage {
  readonly streams: number[] = [];
  #stream: { id: number; receivedMs: number; playedMs: number; ending: boolean } | undefined;
  readonly #timer: NodeJS.Timeout;

  constructor(private readonly client: BridgeClient) {
    client.player.connect((message) => this.#hear(message));
    client.player.post({ type: 'ready' });
    this.#timer = setInterval(() => this.#tick(), TICK_MS);
  }

  close(): void {
    clearInterval(this.#timer);
    this.client.player.disconnect();
  }

  #hear(message: MainToPlayer): void {
    if (message.type === 'open') {
      this.streams.push(message.streamId);
      this.#stream = { id: message.streamId, receivedMs: 0, playedMs: 0, ending: false };
    } else if (message.type === 'stop') {
      this.#stream = undefined;
    } else if (this.#stream && 'streamId' in message && message.streamId === this.#stream.id) {
      if (message.type === 'chunk') this.#stream.receivedMs += message.durationMs;
      if (message.type === 'end') this.#stream.ending = true;
    }
  }

  #tick(): void {
    const stream = this.#stream;
    if (!stream) return;
    const next = Math.min(stream.receivedMs, stream.playedMs + TICK_MS * PLAY_RATE);
    if (next > stream.playedMs) {
      stream.playedMs = next;
      this.client.player.post({ type: 'position', streamId: stream.id, playedMs: Math.round(next) });
    }
    if (stream.ending && stream.playedMs >= stream.receivedMs) {
      this.#stream = undefined;
      this.client.player.post({ type: 'ended', streamId: stream.id });
    }
  }
}

function isIncreasing(values: readonly number[]): boolean {
  return values.every((value, i) => i === 0 || value > (values[i - 1] ?? Infinity));
}

let dir: string;
let app: HeadlessApp;
let bridge: RunningBridge;
let client: BridgeClient;
let page: WallClockPage;
let states: AppState[] = [];
let words: WordProgress[] = [];
/** What services.subscribe('playback') heard, and what the bridge pushed to the page. */
let progress: PlaybackProgress[] = [];
let pushed: PlaybackProgress[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hark-playback-'));
  const log = quietLogger();
  app = await startHeadlessApp({ dataDir: join(dir, 'data'), log, secrets: createSecretStore() });
  const updated = await app.settings.update({ outputFormat: 'pcm_16000' });
  if (!updated.ok) throw new Error(JSON.stringify(updated.problems));
  app.services.subscribe('playback', (event) => progress.push(event));
  app.services.subscribe('state', (state) => states.push(state));
  app.services.subscribe('word', (word) => words.push(word));
  bridge = await startBridgeServer({
    services: app.services,
    log,
    onPlayerConnect: (channel) => app.player.attach(channel),
  });
  client = await connectBridge({
    url: bridge.url,
    token: bridge.token,
    createSocket: (url) => new WebSocket(url),
  });
  client.onPlayback((event) => pushed.push(event));
  page = new WallClockPage(client);
  await until(() => app.player.connected, 5000, 'player page attached');
}, 60_000);

afterEach(async () => {
  await app.services.stop();
  await until(() => states.at(-1)?.kind !== 'speaking', 5000, 'stopped');
  states = [];
  words = [];
  progress = [];
  pushed = [];
});

afterAll(async () => {
  page.close();
  client.close();
  await bridge.close();
  await app.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the playback event', () => {
  it('carries the reading id of the words and the position the page heard, up to the end', async () => {
    const text = 'Captions follow the sound. Each report moves them on.';
    expect(await app.services.speakText({ text })).toEqual({ ok: true, value: 'started' });
    await until(() => states.at(-1)?.kind === 'idle' && states.length > 1, 30_000, 'reading done');

    const readingId = words[0]?.readingId;
    expect(readingId).toBeDefined();
    expect(progress.length).toBeGreaterThan(3);
    expect(progress.every((event) => event.readingId === readingId)).toBe(true);
    const played = progress.map((event) => event.playedMs);
    expect(isIncreasing(played)).toBe(true);
    // The last report is the end of the audio, which lies past the last word's start.
    const lastWord = words.at(-1);
    expect(played.at(-1)).toBeGreaterThanOrEqual(
      (lastWord?.startMs ?? Infinity) + (lastWord?.durationMs ?? 0),
    );
    // Every page on the bridge gets the same events.
    await until(() => pushed.length === progress.length, 5000, 'events pushed over the bridge');
    expect(pushed).toEqual(progress);
  }, 60_000);

  it('a history replay reports its own reading id; a replaced reading reports nothing more', async () => {
    const text = 'This sentence is stored in the history, then played again from there.';
    const added: HistoryEntry[] = [];
    const unsubscribe = app.services.subscribe('historyChanged', (change) => {
      if (change.kind === 'added' && change.entry.text === text) added.push(change.entry);
    });
    expect(await app.services.speakText({ text })).toEqual({ ok: true, value: 'started' });
    await until(() => added.length > 0, 30_000, 'reading stored');
    unsubscribe();
    const entry = added[0] as HistoryEntry;
    const spokenId = words[0]?.readingId ?? -1;
    const heardMs = progress.at(-1)?.playedMs ?? 0;

    progress = [];
    expect(await app.services.historyReplay({ id: entry.id })).toEqual({ ok: true, value: 'started' });
    await until(() => progress.some((event) => event.playedMs >= 500), 20_000, 'replay heard');
    const replayId = progress[0]?.readingId;
    expect(replayId).toBeGreaterThan(spokenId);
    expect(progress.every((event) => event.readingId === replayId)).toBe(true);

    // A new reading replaces the replay (the default busy policy): from then on, only its id.
    const replacedAt = progress.length;
    expect(await app.services.speakText({ text: 'A new reading takes over.' })).toEqual({
      ok: true,
      value: 'started',
    });
    await until(() => states.at(-1)?.kind === 'idle', 30_000, 'new reading done');
    const after = progress.slice(replacedAt);
    const newId = words.at(-1)?.readingId;
    expect(newId).toBeGreaterThan(replayId ?? Infinity);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((event) => event.readingId === newId)).toBe(true);
    // The replay was cut off before its end.
    const replayHeard = progress.filter((event) => event.readingId === replayId).at(-1)?.playedMs;
    expect(replayHeard).toBeLessThan(heardMs);
  }, 90_000);
});
