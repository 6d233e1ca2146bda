// The reading controller against real parts: the real offline stream-input server, a scripted
// stream-input server standing in for ElevenLabs, real settings and history stores in a temporary
// folder, the real secret store (no keychain reachable here, so keys are kept for the session only)
// and a player that plays on the wall clock.

// The secret store must never reach a developer's real keychain from a test: point the D-Bus
// session at nothing before keytar is first loaded.
process.env.DBUS_SESSION_BUS_ADDRESS = 'unix:path=/nonexistent/hark-test-bus';
delete process.env.DISPLAY;

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startStreamServer } from '../engine/stream-server';
import type { RunningStreamServer } from '../engine/stream-server';
import { parseOutputFormat } from '../../shared/protocol';
import { HistoryStore } from '../store/history';
import { createRedactingLogger } from '../store/redact';
import { createSecretStore } from '../store/secrets';
import { SettingsStore } from '../store/settings';
import type { Settings } from '../../shared/settings-schema';
import { heardLetters, heardWords } from '../../tests/helpers/coded-sink';
import { CODED_OUTPUT_FORMAT, decodeCodedAudio, startFaultServer } from '../../tests/helpers/fault-server';
import type { ConnectionPlan, FaultServer } from '../../tests/helpers/fault-server';
import { liveHandles, pcmSilence, startScriptedServer } from '../../tests/helpers/scripted-server';
import type { ScriptedConnection, ScriptedServer } from '../../tests/helpers/scripted-server';
import { startCuttingProxy } from '../../tests/helpers/cutting-proxy';
import { RecordingPlayer } from '../../tests/helpers/recording-player';
import type { Playback } from '../../tests/helpers/recording-player';
import { ReadingController } from './reading-controller';
import type {
  AppState,
  ReadingNotice,
  ReadingPosition,
  ReadingText,
  SessionTuning,
  WordEvent,
} from './reading-controller';
import { MAX_ACCEPTED_CHARS, MAX_READ_CHARS } from './reading-text';
import { until } from '../../tests/helpers/until';

const KEY = `sk_${'3'.repeat(48)}`;
const MS_PER_CHAR = 20;

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? Partial<T[K]> : T[K] };

interface Fixture {
  controller: ReadingController;
  player: RecordingPlayer;
  settings: SettingsStore;
  history: HistoryStore;
  states: AppState[];
  words: WordEvent[];
  notices: ReadingNotice[];
  logLines: string[];
  offlineStarts: () => number;
}

let offline: RunningStreamServer;
const cleanups: (() => Promise<void>)[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
let baselineSockets = 0;

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  baselineSockets = liveHandles().sockets;
  offline = await startStreamServer();
}, 60_000);

afterAll(async () => {
  await offline.close();
  process.off('unhandledRejection', onUnhandled);
  expect(unhandled).toEqual([]);
  // Every reading's socket (both ends live in this process) is gone.
  await until(() => liveHandles().sockets <= baselineSockets, 5000, 'sockets closed');
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(
  options: {
    settings?: DeepPartial<Settings>;
    key?: string;
    rate?: number;
    tuning?: SessionTuning;
    /** Reach the offline voice through this address (a proxy in front of it). */
    offlineUrl?: string;
  } = {},
): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), 'hark-controller-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const settings = await SettingsStore.open(join(dir, 'settings'));
  const update = await settings.update({ outputFormat: 'pcm_16000', ...options.settings });
  if (!update.ok) throw new Error(JSON.stringify(update.problems));
  const history = await HistoryStore.open(join(dir, 'history'));
  const secrets = createSecretStore();
  if (options.key) secrets.keepForSessionOnly(options.key);
  const player = new RecordingPlayer(options.rate ?? 8);
  const logLines: string[] = [];
  let starts = 0;
  const controller = new ReadingController({
    settings,
    secrets,
    history,
    offlineServer: () => {
      starts += 1;
      return Promise.resolve({ url: options.offlineUrl ?? offline.url, token: offline.token });
    },
    player,
    log: createRedactingLogger(
      (level, line) => logLines.push(`${level} ${line}`),
      () => secrets.knownSecrets(),
    ),
    ...(options.tuning ? { tuning: options.tuning } : {}),
    replayPollMs: 20,
  });
  cleanups.push(async () => {
    await controller.close();
    await history.close();
  });
  const fixture: Fixture = {
    controller,
    player,
    settings,
    history,
    states: [],
    words: [],
    notices: [],
    logLines,
    offlineStarts: () => starts,
  };
  controller.onState((state) => fixture.states.push(state));
  controller.onWord((word) => fixture.words.push(word));
  controller.onNotice((notice) => fixture.notices.push(notice));
  return fixture;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function kinds(states: readonly AppState[]): string[] {
  return states.map((state) => state.kind);
}

function expectNoRepeats(states: readonly AppState[]): void {
  for (let i = 1; i < states.length; i++) expect(states[i]).not.toEqual(states[i - 1]);
}

function longText(chars: number): string {
  const sentences = [
    'The controller reads this text one sentence at a time. ',
    'It generates only a little ahead of what the listener has heard. ',
    'So a pause or a stop wastes hardly any work at all. ',
  ];
  let text = '';
  for (let i = 0; text.length < chars; i++) text += sentences[i % sentences.length];
  return text.slice(0, chars).trim();
}

interface TextMessage {
  text: string;
}

/** ElevenLabs stand-in: speaks each text message at MS_PER_CHAR in pcm_16000, with alignment. */
async function speaker(connection: ScriptedConnection): Promise<void> {
  await connection.accept();
  await connection.nextMessage(); // BOS
  for (;;) {
    const message = (await connection.nextMessage(30_000)) as TextMessage;
    if (message.text === '') break;
    if (!message.text.trim()) continue;
    const chars = Array.from(message.text);
    connection.sendAudio(pcmSilence(chars.length * MS_PER_CHAR, 16000), {
      alignment: {
        chars,
        charStartTimesMs: chars.map((_, i) => i * MS_PER_CHAR),
        charDurationsMs: chars.map(() => MS_PER_CHAR),
      },
    });
  }
  connection.sendFinal();
  connection.close(1000);
}

async function faulty(plans: ConnectionPlan[]): Promise<FaultServer> {
  const server = await startFaultServer(plans);
  cleanups.push(() => server.close());
  return server;
}

function audioOf(playback: Playback): Uint8Array {
  return Buffer.concat(playback.chunks.map((chunk) => chunk.audio));
}

/** Short waits between reconnection attempts, and a server silent for a second is given up on. */
const FAST_RESUME: SessionTuning = {
  resume: { delaysMs: [20, 50, 100] },
  timeouts: { firstAudioMs: 2000, silenceMs: 2000 },
};

async function scripted(script: (connection: ScriptedConnection) => unknown): Promise<ScriptedServer> {
  const server = await startScriptedServer(script);
  cleanups.push(() => server.close());
  return server;
}

describe('ReadingController: a reading with the offline voice', () => {
  it('goes idle -> connecting -> speaking -> idle, forwards words and stores the reading', async () => {
    const f = await setup();
    const text = 'Hello from Hark. The offline voice reads this.';
    const added: string[] = [];
    f.controller.onHistoryAdded((entry) => added.push(entry.id));

    expect(f.controller.read(text, 'typed')).toEqual({ ok: true, outcome: 'started', truncated: false });
    expect(f.controller.state).toEqual({ kind: 'connecting', source: 'typed' });
    await until(() => f.controller.state.kind === 'idle', 30_000, 'idle again');
    await f.controller.settled();

    expect(kinds(f.states)).toEqual(['connecting', 'speaking', 'idle']);
    expect(f.states[1]).toEqual({ kind: 'speaking', source: 'typed', queued: 0 });
    const playback = f.player.current!;
    // The offline voice streams its own rate uncompressed, whatever format the settings ask of ElevenLabs.
    expect(playback.format.format).toBe('pcm_22050');
    expect(playback.endCalled).toBe(true);
    expect(f.player.calls).toEqual(['open']);

    expect(f.words.map((w) => w.text)).toEqual(text.split(' '));
    expect(new Set(f.words.map((w) => w.readingId)).size).toBe(1);
    expect(f.words[0]!.sentence).toEqual({ text: 'Hello from Hark. ', offset: 0 });
    expect(f.words.at(-1)!.sentence).toEqual({ text: 'The offline voice reads this.', offset: 17 });

    const { entries } = f.history.list();
    expect(entries).toHaveLength(1);
    expect(added).toEqual([entries[0]!.id]);
    const entry = entries[0]!;
    expect(entry).toMatchObject({
      text,
      engine: 'offline',
      voiceId: 'en-us',
      voiceName: 'en-us',
      modelId: 'hark_offline_v1',
      outputFormat: 'pcm_22050',
      charactersBilled: 0,
      audioBytes: playback.audioBytes,
    });
    expect(entry.durationMs).toBeGreaterThan(1000);
    expect(Math.abs(entry.durationMs - playback.receivedMs)).toBeLessThan(2);
    const stored = await f.history.readAudio(entry.id);
    expect(Buffer.from(stored).equals(Buffer.concat(playback.chunks.map((c) => c.audio)))).toBe(true);
  });

  it('refuses empty text, cuts very long text with a notice, and refuses absurdly long text', async () => {
    const f = await setup();
    expect(f.controller.read('  \n\t ', 'clipboard')).toMatchObject({ ok: false, code: 'empty_text' });
    expect(f.controller.read('x'.repeat(MAX_ACCEPTED_CHARS + 1), 'clipboard')).toMatchObject({
      ok: false,
      code: 'text_too_long',
    });
    expect(f.states).toEqual([]);

    const result = f.controller.read(longText(MAX_READ_CHARS + 5000), 'clipboard');
    expect(result).toEqual({ ok: true, outcome: 'started', truncated: true });
    expect(f.notices.map((n) => n.code)).toEqual(['text_truncated']);
    f.controller.stop();
    expect(f.controller.state).toEqual({ kind: 'idle' });
  });
});

describe('ReadingController: busy policies', () => {
  it('replace: the new request cuts the current reading off and starts at once', async () => {
    const f = await setup({ rate: 1 });
    const first = longText(3000);
    f.controller.read(first, 'selection');
    await until(() => (f.player.current?.playedMs() ?? 0) > 300, 20_000, 'first audio heard');
    const firstPlayback = f.player.current!;

    expect(f.controller.read('Second text.', 'clipboard')).toMatchObject({ outcome: 'started' });
    expect(firstPlayback.stopped).toBe(true);
    expect(f.controller.state).toEqual({ kind: 'connecting', source: 'clipboard' });
    await until(() => f.controller.state.kind === 'idle', 30_000, 'second reading done');
    await f.controller.settled();

    expect(f.player.calls).toEqual(['open', 'stop', 'open']);
    expect(f.player.playbacks[1]!.stopped).toBe(false);
    expect(kinds(f.states)).toEqual(['connecting', 'speaking', 'connecting', 'speaking', 'idle']);
    expectNoRepeats(f.states);
    // The cut-off reading is kept with the part of the text its audio covers.
    const texts = f.history.list().entries.map((e) => e.text);
    expect(texts).toHaveLength(2);
    expect(texts).toContain('Second text.');
    const partial = texts.find((t) => t !== 'Second text.')!;
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.length).toBeLessThan(first.length);
    expect(first.startsWith(partial)).toBe(true);
  });

  it('queue: later requests wait their turn in order, counted in the state', async () => {
    const f = await setup({ settings: { busyPolicy: 'queue' } });
    f.controller.read('First in line.', 'selection');
    expect(f.controller.read('Second in line.', 'clipboard')).toMatchObject({ outcome: 'queued' });
    expect(f.controller.read('Third in line.', 'typed')).toMatchObject({ outcome: 'queued' });
    await until(() => f.controller.state.kind === 'speaking', 20_000, 'speaking');
    expect(f.controller.state).toEqual({ kind: 'speaking', source: 'selection', queued: 2 });

    await until(() => f.controller.state.kind === 'idle', 60_000, 'queue drained');
    await f.controller.settled();
    const speaking = f.states.filter((s) => s.kind === 'speaking');
    expect(speaking).toEqual([
      { kind: 'speaking', source: 'selection', queued: 2 },
      { kind: 'speaking', source: 'clipboard', queued: 1 },
      { kind: 'speaking', source: 'typed', queued: 0 },
    ]);
    expect(f.player.calls).toEqual(['open', 'open', 'open']);
    expect(f.player.playbacks.every((p) => !p.stopped && p.endCalled)).toBe(true);
    // Newest first.
    expect(f.history.list().entries.map((e) => e.text)).toEqual([
      'Third in line.',
      'Second in line.',
      'First in line.',
    ]);
    expectNoRepeats(f.states);
  });

  it('ignore: a request while busy is dropped and the current reading goes on', async () => {
    const f = await setup({ settings: { busyPolicy: 'ignore' } });
    f.controller.read('Only this one is read.', 'selection');
    expect(f.controller.read('Dropped.', 'clipboard')).toEqual({
      ok: true,
      outcome: 'ignored',
      truncated: false,
    });
    await until(() => f.controller.state.kind === 'idle', 30_000, 'idle');
    await f.controller.settled();
    expect(f.player.calls).toEqual(['open']);
    expect(f.history.list().entries.map((e) => e.text)).toEqual(['Only this one is read.']);
  });

  it('a per-request policy overrides the setting (voice previews always replace)', async () => {
    const f = await setup({ settings: { busyPolicy: 'ignore' }, rate: 1 });
    f.controller.read(longText(2000), 'selection');
    await until(() => (f.player.current?.playedMs() ?? 0) > 200, 20_000, 'audio heard');
    expect(f.controller.read('Preview.', 'typed', { policy: 'replace', record: false })).toMatchObject({
      outcome: 'started',
    });
    await until(() => f.controller.state.kind === 'idle', 30_000, 'idle');
    await f.controller.settled();
    // The cut-off reading is stored, the preview is not.
    expect(f.history.list().entries).toHaveLength(1);
    expect(f.history.list().entries[0]!.text).not.toBe('Preview.');
  });
});

describe('ReadingController: pause, resume and stop', () => {
  it('pause holds playback and the text feed; resume carries on to the end', async () => {
    const f = await setup({ rate: 1, tuning: { leadMs: 1500 } });
    const text = longText(600);
    f.controller.read(text, 'selection');
    await until(() => (f.player.current?.playedMs() ?? 0) > 200, 20_000, 'audio heard');
    const playback = f.player.current!;

    f.controller.togglePause();
    expect(f.controller.state).toEqual({ kind: 'paused', source: 'selection', queued: 0 });
    expect(playback.paused).toBe(true);
    const heard = playback.playedMs();
    await sleep(2500);
    expect(playback.playedMs()).toBe(heard);
    // The feed stops with the listener: what arrived stays within the lead of what was heard (plus
    // the sentence in flight), far from the whole text.
    const received = playback.receivedMs;
    await sleep(1000);
    expect(playback.receivedMs).toBe(received);
    expect(received - heard).toBeLessThan(1500 + 8000);

    f.controller.togglePause();
    expect(f.controller.state).toMatchObject({ kind: 'speaking' });
    expect(playback.paused).toBe(false);
    f.player.rate = 16; // fast-forward through the rest
    await until(() => f.controller.state.kind === 'idle', 60_000, 'done after resume');
    await f.controller.settled();
    expect(f.player.calls).toEqual(['open', 'pause', 'resume']);
    expect(f.history.list().entries[0]!.text).toBe(text);
    expect(kinds(f.states)).toEqual(['connecting', 'speaking', 'paused', 'speaking', 'idle']);
  });

  it("a pause longer than the server's inactivity timeout is kept alive", async () => {
    // A 2 s inactivity timeout: keep-alives must go out every 1.5 s during the pause.
    const f = await setup({ rate: 1, tuning: { leadMs: 1000, inactivityTimeoutS: 2 } });
    const text = longText(500);
    f.controller.read(text, 'selection');
    await until(() => (f.player.current?.playedMs() ?? 0) > 200, 20_000, 'audio heard');
    f.controller.pause();
    await sleep(5000);
    expect(f.controller.state.kind).toBe('paused');
    f.controller.resume();
    f.player.rate = 16; // fast-forward through the rest
    await until(() => f.controller.state.kind !== 'speaking', 60_000, 'reading over');
    expect(f.controller.state).toEqual({ kind: 'idle' });
    await f.controller.settled();
    expect(f.history.list().entries[0]!.text).toBe(text);
  });

  it('a pause while connecting applies as soon as playback opens', async () => {
    const f = await setup();
    f.controller.read('Paused before the first word.', 'typed');
    f.controller.pause();
    expect(f.controller.state).toEqual({ kind: 'paused', source: 'typed', queued: 0 });
    await until(() => (f.player.current?.receivedMs ?? 0) > 0, 20_000, 'audio received');
    expect(f.player.current!.paused).toBe(true);
    expect(f.player.current!.playedMs()).toBe(0);
    f.controller.stop();
  });

  it('stop cuts the reading off, clears the queue and keeps what was heard in the history', async () => {
    // Counts connections: none opened ahead for a next reading.
    const f = await setup({ settings: { busyPolicy: 'queue', warmConnection: false }, rate: 1 });
    const text = longText(3000);
    f.controller.read(text, 'selection');
    f.controller.read('Queued and then dropped.', 'clipboard');
    await until(() => (f.player.current?.playedMs() ?? 0) > 300, 20_000, 'audio heard');
    const baseline = liveHandles().sockets;

    f.controller.stop();
    expect(f.controller.state).toEqual({ kind: 'idle' });
    expect(f.player.current!.stopped).toBe(true);
    await f.controller.settled();
    await sleep(300);
    expect(f.controller.state).toEqual({ kind: 'idle' });
    expect(f.player.calls).toEqual(['open', 'stop']);
    const entries = f.history.list().entries;
    expect(entries).toHaveLength(1);
    expect(text.startsWith(entries[0]!.text)).toBe(true);
    expect(entries[0]!.text.length).toBeLessThan(text.length);
    // Both ends of the WebSocket were in this process: they are gone.
    await until(() => liveHandles().sockets <= baseline - 2, 5000, 'sockets closed');
    expectNoRepeats(f.states);
  });

  it('stop, pause and resume do nothing harmful when idle', async () => {
    const f = await setup();
    f.controller.pause();
    f.controller.resume();
    f.controller.togglePause();
    f.controller.stop();
    expect(f.states).toEqual([]);
    expect(f.player.calls).toEqual([]);
  });
});

describe('ReadingController: errors and the offline fallback', () => {
  it('a server error becomes the error state with the SpeechError message; the queue is dropped', async () => {
    const server = await scripted(async (c) => {
      await c.accept();
      await c.nextMessage();
      c.sendError('quota_exceeded', 'This request exceeds your quota.', 1008);
    });
    const f = await setup({
      key: KEY,
      settings: { engine: 'elevenlabs', baseUrl: server.url, fallbackToOffline: false, busyPolicy: 'queue' },
    });
    f.controller.read('Over quota.', 'selection');
    f.controller.read('Never read.', 'clipboard');
    await until(() => f.controller.state.kind === 'error', 20_000, 'error state');
    expect(f.controller.state).toEqual({
      kind: 'error',
      code: 'quota_exceeded',
      message:
        'Your ElevenLabs character quota is used up. Wait for the reset, upgrade, or use the offline voice.',
    });
    await f.controller.settled();
    expect(server.connections).toHaveLength(1);
    expect(server.connections[0]!.headers['xi-api-key']).toBe(KEY);
    expect(f.player.calls).toEqual(['open', 'stop']);
    expect(f.history.list().total).toBe(0);
    expect(f.offlineStarts()).toBe(0);
    expect(f.logLines.join('\n')).not.toContain(KEY);

    // The error stays until the next request (or stop / dismiss).
    f.controller.dismissError();
    expect(f.controller.state).toEqual({ kind: 'idle' });
  });

  it('with the fallback on, a refused key switches to the offline voice and says so', async () => {
    const server = await scripted((c) => c.refuse(401));
    const f = await setup({
      key: KEY,
      settings: { engine: 'elevenlabs', baseUrl: server.url, warmConnection: false },
    });
    f.controller.read('Read by the offline voice.', 'selection');
    await until(() => f.controller.state.kind === 'idle', 30_000, 'idle');
    await f.controller.settled();

    expect(server.connections).toHaveLength(1);
    expect(f.notices).toEqual([
      {
        code: 'offline_fallback',
        message: 'ElevenLabs rejected the API key, so the offline voice reads this instead.',
      },
    ]);
    expect(f.player.calls).toEqual(['open']);
    expect(f.history.list().entries[0]).toMatchObject({
      engine: 'offline',
      voiceId: 'en-us',
      text: 'Read by the offline voice.',
    });
    expect(kinds(f.states)).not.toContain('error');
  });

  it('with the fallback on, a quota error switches to the offline voice too', async () => {
    const server = await scripted(async (c) => {
      await c.accept();
      await c.nextMessage();
      c.sendError('quota_exceeded', 'quota', 1008);
    });
    const f = await setup({
      key: KEY,
      settings: { engine: 'elevenlabs', baseUrl: server.url, warmConnection: false },
    });
    f.controller.read('Quota gone.', 'selection');
    await until(() => f.controller.state.kind === 'idle', 30_000, 'idle');
    await f.controller.settled();
    expect(f.notices.map((n) => n.message)).toEqual([
      'Your ElevenLabs character quota is used up, so the offline voice reads this instead.',
    ]);
    expect(f.history.list().entries[0]).toMatchObject({ engine: 'offline', text: 'Quota gone.' });
  });

  it('no key: error no_api_key without the fallback, the offline voice with it', async () => {
    const server = await scripted(speaker);
    const without = await setup({
      settings: { engine: 'elevenlabs', baseUrl: server.url, fallbackToOffline: false },
    });
    without.controller.read('No key.', 'selection');
    await until(() => without.controller.state.kind === 'error', 20_000, 'error');
    expect(without.controller.state).toMatchObject({ kind: 'error', code: 'no_api_key' });
    expect((without.controller.state as { message: string }).message).toMatch(/API key/);
    expect(without.player.calls).toEqual([]);

    const withFallback = await setup({ settings: { engine: 'elevenlabs', baseUrl: server.url } });
    withFallback.controller.read('No key, offline then.', 'selection');
    await until(() => withFallback.controller.state.kind === 'idle', 30_000, 'idle');
    await withFallback.controller.settled();
    expect(withFallback.notices.map((n) => n.code)).toEqual(['offline_fallback']);
    expect(withFallback.notices[0]!.message).toMatch(/No ElevenLabs API key/);
    expect(withFallback.history.list().entries[0]).toMatchObject({ engine: 'offline' });
    expect(server.connections).toHaveLength(0);
  });

  it('an ElevenLabs reading bills the characters sent and records the model and voice', async () => {
    const server = await scripted(speaker);
    const f = await setup({
      key: KEY,
      settings: { engine: 'elevenlabs', baseUrl: server.url, modelId: 'eleven_turbo_v2_5' },
    });
    const text = 'Billed characters are counted.';
    f.controller.read(text, 'clipboard');
    await until(() => f.controller.state.kind === 'idle', 20_000, 'idle');
    await f.controller.settled();
    const entry = f.history.list().entries[0]!;
    expect(entry).toMatchObject({
      engine: 'elevenlabs',
      modelId: 'eleven_turbo_v2_5',
      voiceId: 'JBFqnCBsd6RMkjVDRZzb',
      text,
    });
    expect(entry.charactersBilled).toBeGreaterThanOrEqual(text.length);
    expect(server.connections[0]!.url.searchParams.get('model_id')).toBe('eleven_turbo_v2_5');
    expect(f.words.map((w) => w.text)).toEqual(text.split(' '));
  });

  it('a Markdown selection in two languages: the German paragraph goes to the German voice, words point at the selection', async () => {
    const proxy = await startCuttingProxy(offline.port, () => undefined);
    cleanups.push(() => proxy.close());
    const f = await setup({ offlineUrl: proxy.url, rate: 16, settings: { warmConnection: false } });
    const english = 'The meeting starts with a **short** welcome from the chair, followed by the agenda.';
    const german =
      'Die Sitzung wurde um zehn Uhr eröffnet. Der Vorsitzende begrüßte alle Anwesenden und stellte die Tagesordnung vor.';
    const text = `## Agenda\n\n${english}\n\n${german}`;
    f.controller.read(text, 'typed');
    await until(() => f.controller.state.kind === 'idle', 60_000, 'idle');
    await f.controller.settled();
    const voices = proxy.requestLines.map((line) => /text-to-speech\/([^/]+)\/stream-input/.exec(line)?.[1]);
    expect(voices).toEqual(['en-us', 'de']);
    // Every word is reported at the characters of the selection it was read from.
    for (const word of f.words)
      expect(text.slice(word.textOffset, word.textOffset + word.length)).toBe(word.text);
    const heard = f.words.map((word) => word.text);
    expect(heard.slice(0, 2)).toEqual(['Agenda', 'The']);
    // The markers were never read, so they are not highlighted either.
    expect(heard).toContain('short');
    expect(heard.some((word) => word.includes('*') || word.includes('#'))).toBe(false);
    expect(heard).toContain('Tagesordnung');
    expect(f.words.find((word) => word.text === 'Agenda')?.textOffset).toBe(3);
    // The history keeps the selection as it was, so "read again" reads it the same way.
    expect(f.history.list().entries[0]!.text).toBe(text);
  });

  it('a reading started while a voice change is still being saved speaks with the new voice', async () => {
    const server = await scripted(speaker);
    const f = await setup({
      key: KEY,
      settings: { engine: 'elevenlabs', baseUrl: server.url, warmConnection: false },
    });
    // Not awaited: the window's save and the Speak press reach main back to back.
    const saved = f.settings.update({ voiceIds: { elevenlabs: 'pickedJustNow' } });
    f.controller.read('Which voice is this?', 'typed');
    await until(() => f.controller.state.kind === 'idle', 20_000, 'idle');
    await f.controller.settled();
    expect((await saved).ok).toBe(true);
    expect(server.connections[0]!.url.pathname).toBe('/v1/text-to-speech/pickedJustNow/stream-input');
    expect(f.history.list().entries[0]!.voiceId).toBe('pickedJustNow');
  });

  it('a failure part-way that reconnecting cannot mend keeps the error and what was heard', async () => {
    // The first connection voices two words and a bit, then drops; every reconnection fails at once.
    const server = await faulty([
      { after: 10, then: { kind: 'drop' } },
      { after: 0, then: { kind: 'drop' } },
      { after: 0, then: { kind: 'close', code: 1011 } },
      { after: 0, then: { kind: 'drop' } },
    ]);
    const f = await setup({
      key: KEY,
      settings: { engine: 'elevenlabs', baseUrl: server.url, outputFormat: CODED_OUTPUT_FORMAT },
      tuning: FAST_RESUME,
    });
    const text = 'Cut off half way through this sentence.';
    f.controller.read(text, 'selection');
    await until(() => f.controller.state.kind === 'error', 20_000, 'error');
    await f.controller.settled();
    expect(server.connections).toHaveLength(4);
    expect(f.controller.state).toMatchObject({ kind: 'error', code: 'network' });
    const { message } = f.controller.state as { message: string };
    expect(message).toMatch(/^Could not reach the speech server\./);
    expect(message).toMatch(/tried to reconnect 3 times without success\. Reading stopped after 2 words\.$/);
    expect(f.states.filter((s) => s.kind === 'reconnecting')).toEqual([
      { kind: 'reconnecting', source: 'selection', attempt: 1 },
      { kind: 'reconnecting', source: 'selection', attempt: 2 },
      { kind: 'reconnecting', source: 'selection', attempt: 3 },
    ]);
    // No fallback: the key and quota were fine.
    expect(f.notices).toEqual([]);
    expect(f.offlineStarts()).toBe(0);
    // The player got whole words only, and finished them before the error was shown.
    const playback = f.player.current!;
    expect(heardWords(audioOf(playback))).toEqual(['Cut', 'off']);
    expect(playback.endCalled).toBe(true);
    const entry = f.history.list().entries[0]!;
    expect(entry.text).toBe('Cut off');
    expect(entry.engine).toBe('elevenlabs');
  });

  it('a dropped connection reconnects, says so, and carries on from the first word not heard', async () => {
    const server = await faulty([{ after: 17, then: { kind: 'drop' } }]);
    const f = await setup({
      key: KEY,
      settings: {
        engine: 'elevenlabs',
        baseUrl: server.url,
        outputFormat: CODED_OUTPUT_FORMAT,
        warmConnection: false,
      },
      tuning: FAST_RESUME,
    });
    const text = 'The connection drops in the middle of this reading, and it goes on.';
    f.controller.read(text, 'clipboard');
    await until(() => f.controller.state.kind === 'idle', 20_000, 'idle');
    await f.controller.settled();
    expect(server.connections).toHaveLength(2);
    expect(kinds(f.states)).toEqual(['connecting', 'speaking', 'reconnecting', 'speaking', 'idle']);
    expect(f.states[2]).toEqual({ kind: 'reconnecting', source: 'clipboard', attempt: 1 });
    expect(f.words.map((w) => w.text)).toEqual(text.split(' '));
    expect(new Set(f.words.map((w) => w.readingId)).size).toBe(1);
    const playback = f.player.current!;
    expect(heardLetters(audioOf(playback))).toBe(text.replace(/\s+/g, ''));
    expect(f.player.calls).toEqual(['open']);
    const entry = f.history.list().entries[0]!;
    expect(entry.text).toBe(text);
    expect(Buffer.from(await f.history.readAudio(entry.id)).equals(Buffer.from(audioOf(playback)))).toBe(
      true,
    );
  });

  it('a quota used up part-way stops at a word, says what to do, and keeps what was heard', async () => {
    const server = await faulty([
      { after: 16, then: { kind: 'error', error: 'quota_exceeded', message: 'Quota exceeded.', code: 1008 } },
    ]);
    const f = await setup({
      key: KEY,
      settings: {
        engine: 'elevenlabs',
        baseUrl: server.url,
        outputFormat: CODED_OUTPUT_FORMAT,
        fallbackToOffline: false,
      },
      tuning: FAST_RESUME,
    });
    f.controller.read('Four words fit here, and then the quota is gone.', 'selection');
    await until(() => f.controller.state.kind === 'error', 20_000, 'error');
    await f.controller.settled();
    expect(server.connections).toHaveLength(1);
    expect(f.controller.state).toEqual({
      kind: 'error',
      code: 'quota_exceeded',
      message:
        'Your ElevenLabs quota is used up. Reading stopped after 3 words. Switch to the offline voice in Settings or add characters.',
    });
    expect(heardWords(audioOf(f.player.current!))).toEqual(['Four', 'words', 'fit']);
    expect(f.history.list().entries[0]).toMatchObject({ text: 'Four words fit', engine: 'elevenlabs' });
  });

  it('with the fallback on, a quota used up part-way hands the rest to the offline voice', async () => {
    const server = await faulty([
      { after: 16, then: { kind: 'error', error: 'quota_exceeded', message: 'Quota exceeded.', code: 1008 } },
    ]);
    const f = await setup({
      key: KEY,
      settings: { engine: 'elevenlabs', baseUrl: server.url, outputFormat: CODED_OUTPUT_FORMAT },
      tuning: FAST_RESUME,
    });
    const text = 'Four words fit here, and then the offline voice reads the rest.';
    f.controller.read(text, 'selection');
    await until(() => f.controller.state.kind === 'idle', 30_000, 'idle');
    await f.controller.settled();
    expect(f.notices).toEqual([
      {
        code: 'offline_fallback',
        message: 'Your ElevenLabs character quota is used up, so the offline voice reads the rest.',
      },
    ]);
    expect(f.offlineStarts()).toBe(1);
    // One playback, every word once: three from ElevenLabs, the rest from the offline voice.
    expect(f.player.calls).toEqual(['open']);
    expect(f.words.map((w) => w.text)).toEqual(text.split(' '));
    const playback = f.player.current!;
    expect(heardWords(audioOf(playback)).slice(0, 3)).toEqual(['Four', 'words', 'fit']);
    const starts = f.words.map((w) => w.startMs);
    expect([...starts].sort((a, b) => a - b)).toEqual(starts);
    expect(f.words[3]!.startMs).toBeGreaterThanOrEqual(f.words[2]!.startMs + f.words[2]!.durationMs);
    // One history entry for the whole reading, under the engine that began it.
    const entry = f.history.list().entries[0]!;
    expect(entry).toMatchObject({ text, engine: 'elevenlabs' });
    expect(entry.charactersBilled).toBeGreaterThan(0);
    expect(entry.audioBytes).toBe(playback.audioBytes);
    expect(kinds(f.states)).not.toContain('error');
  });

  it('a new request after an error clears it', async () => {
    const f = await setup({ settings: { voiceIds: { offline: 'no-such-voice', elevenlabs: 'unused' } } });
    f.controller.read('The offline voice has no such voice.', 'typed');
    await until(() => f.controller.state.kind === 'error', 20_000, 'error');
    expect(f.controller.state).toMatchObject({ code: 'voice_not_found' });
    await f.settings.update({ voiceIds: { offline: 'en-us', elevenlabs: 'unused' } });
    f.controller.read('Now it works.', 'typed');
    expect(f.controller.state.kind).toBe('connecting');
    await until(() => f.controller.state.kind === 'idle', 20_000, 'idle');
    expect(kinds(f.states)).toEqual(['connecting', 'speaking', 'error', 'connecting', 'speaking', 'idle']);
  });
});

describe('ReadingController: history replay', () => {
  it('plays stored audio through the player without any server', async () => {
    const server = await scripted(speaker);
    const f = await setup({
      key: KEY,
      settings: { engine: 'elevenlabs', baseUrl: server.url, warmConnection: false },
    });
    f.controller.read('Stored once, replayed for free.', 'selection');
    await until(() => f.controller.state.kind === 'idle', 20_000, 'idle');
    await f.controller.settled();
    const entry = f.history.list().entries[0]!;
    const audio = await f.history.readAudio(entry.id);
    const connections = server.connections.length;

    const result = f.controller.replay({ audio, format: parseOutputFormat(entry.outputFormat)! });
    expect(result).toEqual({ ok: true, outcome: 'started', truncated: false });
    expect(f.controller.state).toEqual({ kind: 'speaking', source: 'history', queued: 0 });
    await until(() => f.controller.state.kind === 'idle', 20_000, 'replay done');
    await f.controller.settled();

    expect(server.connections.length).toBe(connections);
    expect(f.offlineStarts()).toBe(0);
    const replayed = f.player.current!;
    expect(Buffer.concat(replayed.chunks.map((c) => c.audio)).equals(Buffer.from(audio))).toBe(true);
    expect(Math.abs(replayed.receivedMs - entry.durationMs)).toBeLessThan(2);
    expect(replayed.endCalled).toBe(true);
    // A replay is not stored again.
    expect(f.history.list().total).toBe(1);
  });
});

describe('ReadingController: steering by sentence and speed', () => {
  const STEERED = 'First comes one. Second comes two. Third comes three. Fourth comes four. Fifth is last.';

  it('previous sentence replays kept audio: no new connection, no new character, a new playback id', async () => {
    const server = await faulty([]);
    const f = await setup({
      key: KEY,
      rate: 1,
      settings: { engine: 'elevenlabs', baseUrl: server.url, outputFormat: CODED_OUTPUT_FORMAT },
    });
    const positions: ReadingPosition[] = [];
    const texts: (ReadingText | null)[] = [];
    f.controller.onPosition((position) => positions.push(position));
    f.controller.onReadingText((text) => texts.push(text));
    f.controller.read(STEERED, 'typed');
    await until(() => positions.some((p) => p.sentence === 2), 20_000, 'third sentence heard');
    await until(() => (server.voiced[0] ?? '').includes('Fifth'), 20_000, 'all generated');
    const sent = server.voiced.join('').length;
    const playbackBefore = f.words.at(-1)?.readingId;

    f.controller.previousSentence();
    await until(
      () => decodeCodedAudio(audioOf(f.player.current!)).length >= 12,
      5000,
      'audio after previous',
    );
    expect(decodeCodedAudio(audioOf(f.player.current!)).startsWith('Second comes')).toBe(true);
    expect(server.connections).toHaveLength(1);
    expect(server.voiced.join('').length).toBe(sent);
    await until(() => f.words.at(-1)?.readingId !== playbackBefore, 5000, 'new playback id');
    const replayed = f.words.filter((word) => word.readingId === f.words.at(-1)?.readingId);
    expect(replayed[0]).toMatchObject({ text: 'Second', startMs: 0 });

    expect(texts[0]).toMatchObject({
      text: STEERED,
      sentences: expect.arrayContaining([{ offset: 0, length: 17 }]),
    });
    expect(f.controller.readingView()?.position).toMatchObject({ sentenceCount: 5, steerable: true });
    f.controller.stop();
    expect(texts.at(-1)).toBeNull();
  });

  it('speed applies to the playing reading at once, is saved, and scales the remaining time', async () => {
    const f = await setup({ rate: 1 });
    f.controller.read(STEERED, 'typed');
    await until(() => f.controller.readingView() !== null, 20_000, 'reading view');
    const atOne = f.controller.readingView()!.position.remainingMs;
    expect(await f.controller.setSpeed(2.04)).toBe(2);
    expect(f.player.speed).toBe(2);
    expect(f.settings.get().playbackSpeed).toBe(2);
    const atTwo = f.controller.readingView()!.position;
    expect(atTwo.speed).toBe(2);
    // Half the time to go, give or take what was heard in between.
    expect(atTwo.remainingMs).toBeLessThan(atOne * 0.6);
    expect(await f.controller.stepSpeed(-3)).toBe(1.7);
    expect(await f.controller.setSpeed(9)).toBe(3);
  });
});

describe('ReadingController: the connection opened ahead', () => {
  /** Every text a connection got, BOS and keep-alives included. */
  function textsOf(connection: ScriptedConnection | undefined): string[] {
    return (connection?.messages ?? []).map((message) => String((message as { text?: unknown }).text));
  }

  async function elevenLabs(server: FaultServer, settings: DeepPartial<Settings> = {}): Promise<Fixture> {
    return setup({
      key: KEY,
      settings: { engine: 'elevenlabs', baseUrl: server.url, outputFormat: CODED_OUTPUT_FORMAT, ...settings },
    });
  }

  it('the hotkey opens the socket before the text is there; the reading takes it, and one stays warm after', async () => {
    const server = await faulty([]);
    const f = await elevenLabs(server);
    await f.controller.prepareConnection();
    await until(() => server.connections[0]?.messages.length === 1, 5000, 'the BOS');
    // Opened ahead: the BOS (a space, not billed) and nothing else.
    expect(textsOf(server.connections[0])).toEqual([' ']);
    expect(f.controller.read('Taken warm.', 'selection')).toMatchObject({ ok: true, outcome: 'started' });
    await f.controller.settled();
    expect(heardWords(audioOf(f.player.current!))).toEqual(['Taken', 'warm.']);
    expect(textsOf(server.connections[0]).join('')).toContain('Taken warm.');
    // The next reading's socket, open and empty.
    await until(() => server.connections[1]?.messages.length === 1, 5000, 'the socket kept warm');
    expect(server.connections).toHaveLength(2);
    expect(textsOf(server.connections[1])).toEqual([' ']);
  });

  it('a second reading takes the socket kept warm after the first', async () => {
    const server = await faulty([]);
    const f = await elevenLabs(server);
    f.controller.read('First one.', 'selection');
    await f.controller.settled();
    await until(() => server.connections.length === 2, 5000, 'the socket kept warm');
    f.controller.read('Second one.', 'clipboard');
    await f.controller.settled();
    expect(textsOf(server.connections[1]).join('')).toContain('Second one.');
    expect(f.history.list().entries.map((entry) => entry.text)).toEqual(['Second one.', 'First one.']);
  });

  it('a socket opened for another voice is closed, not used', async () => {
    const server = await faulty([]);
    const f = await elevenLabs(server);
    await f.controller.prepareConnection();
    await until(() => server.connections.length === 1, 5000, 'opened ahead');
    await f.settings.update({ voiceIds: { elevenlabs: 'another-voice' } });
    f.controller.read('Another voice.', 'selection');
    await f.controller.settled();
    expect(server.connections[1]?.url.pathname).toContain('another-voice');
    expect(textsOf(server.connections[1]).join('')).toContain('Another voice.');
    // The first was replaced by the warm socket for the new voice, having carried no text.
    await server.connections[0]?.closed;
    expect(textsOf(server.connections[0]).join('').trim()).toBe('');
  });

  it('with warmConnection off, nothing is opened ahead or kept open', async () => {
    const server = await faulty([]);
    const f = await elevenLabs(server, { warmConnection: false });
    await f.controller.prepareConnection();
    expect(server.connections).toHaveLength(0);
    f.controller.read('Cold start.', 'selection');
    await f.controller.settled();
    await sleep(300);
    expect(server.connections).toHaveLength(1);
  });
});
