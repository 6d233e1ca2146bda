// Fault injection: every way a stream-input server, the network or the offline voice can fail during
// a reading, against real servers on loopback. For each fault: the outcome (resumed, or failed with
// which code), the message a person sees, no crash or unhandled rejection, no socket or timer left
// behind, and nothing heard lost (the words heard, in the audio itself and in the history).
//
// Speech level: a Narration against the fault server (tests/helpers/fault-server.ts), which speaks in
// a code the tests read back from the audio, so a repeated or missing word shows in the audio.
// App level: the real services (createServices) with the real ChannelPlayer and a player page that
// plays and reports positions like the real one, real settings and history stores, the real offline
// voice (with its worker killed on purpose), and the fault server standing in for ElevenLabs.

// The secret store must never reach a developer's real keychain from a test.
process.env.DBUS_SESSION_BUS_ADDRESS = 'unix:path=/nonexistent/hark-test-bus';
delete process.env.DISPLAY;

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ChannelPlayer } from '../main/app/channel-player';
import { createOfflineEngine } from '../main/app/offline-engine';
import type { OfflineEngine } from '../main/app/offline-engine';
import type { AppState, ReadingNotice, SessionTuning } from '../main/app/reading-controller';
import { createServices } from '../main/app/services';
import type { AppServices } from '../main/app/services';
import { startStreamServer } from '../main/engine/stream-server';
import type { RunningStreamServer } from '../main/engine/stream-server';
import { SpeechError } from '../shared/speech-errors';
import type { SpeechErrorCode } from '../shared/speech-errors';
import { Narration } from '../main/speech/narration';
import type { NarrationOptions, NarrationState, WordBoundary } from '../main/speech/narration';
import { HistoryStore } from '../main/store/history';
import { createSecretStore } from '../main/store/secrets';
import { SettingsStore } from '../main/store/settings';
import type { Settings } from '../shared/settings-schema';
import { CollectingSink, expectHeardExactly, expectHeardStart, heardLetters } from './helpers/coded-sink';
import { CrashingVoice } from './helpers/crashing-voice';
import { startCuttingProxy } from './helpers/cutting-proxy';
import { CODED_OUTPUT_FORMAT, startFaultServer } from './helpers/fault-server';
import type { ConnectionPlan, FaultAction, FaultServer } from './helpers/fault-server';
import { quietLogger } from './helpers/live-api';
import { PlayerPage } from './helpers/player-page';
import { liveHandles } from './helpers/scripted-server';
import { until } from './helpers/until';

const KEY = `sk_${'7'.repeat(40)}`;
const FAST_DELAYS = [20, 50, 100];
const TIMEOUTS = { connectMs: 2000, firstAudioMs: 1500, silenceMs: 1500 };

const TEXT =
  'Hark reads the selected text aloud, one sentence after another. ' +
  'When the connection drops it carries on where the listener was. ' +
  'Every word is heard once: none twice, and none missing. ' +
  'The reading goes on through stalls, resets and strange frames. ' +
  'Only a refused key or an empty quota stops it for good.';

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => void unhandled.push(reason);

beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
});

afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
  expect(unhandled).toEqual([]);
});

function liveTimers(): number {
  return process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
}

/** Sockets and timers go back to what they were before the test (they close asynchronously). */
async function expectNothingLeft(before: { sockets: number; timers: number }): Promise<void> {
  const now = () => ({ sockets: liveHandles().sockets, timers: liveTimers() });
  const settled = () => now().sockets <= before.sockets && now().timers <= before.timers;
  const deadline = Date.now() + 3000;
  while (!settled() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  expect(now().sockets).toBeLessThanOrEqual(before.sockets);
  expect(now().timers).toBeLessThanOrEqual(before.timers);
}

/** A message for people: sentences, no codes or internals, never the key. */
function expectHuman(message: string): void {
  expect(message).toMatch(/^[A-Z]/);
  expect(message).toMatch(/[.)]$/);
  expect(message).not.toMatch(/undefined|null|\[object|Error:|\{|ECONN|ENOTFOUND|WS_ERR|\bat \S+:\d+/);
  expect(message).not.toMatch(/\b[a-z]+_[a-z_]+\b/);
  expect(message).not.toContain(KEY);
}

// ---------------------------------------------------------------------------------------------
// Speech level

interface Reading {
  sink: CollectingSink;
  states: NarrationState[];
  words: WordBoundary[];
  narration: Narration;
  outcome: { ok: true } | { ok: false; error: SpeechError };
}

describe('faults at the speech level', () => {
  let server: FaultServer | undefined;
  let before: { sockets: number; timers: number };

  beforeEach(() => {
    before = { sockets: liveHandles().sockets, timers: liveTimers() };
  });

  afterEach(async () => {
    await server?.close();
    server = undefined;
    await expectNothingLeft(before);
  });

  async function read(
    plans: ConnectionPlan[],
    options: Partial<NarrationOptions> = {},
    text = TEXT,
    session: Partial<NarrationOptions['session']> = {},
  ): Promise<Reading> {
    server = await startFaultServer(plans);
    const sink = new CollectingSink();
    const narration = new Narration({
      session: {
        baseUrl: server.url,
        apiKey: KEY,
        voiceId: 'coded',
        query: { output_format: CODED_OUTPUT_FORMAT },
        timeouts: TIMEOUTS,
        ...session,
      },
      source: { kind: 'text', text },
      sink,
      pollMs: 20,
      resume: { delaysMs: FAST_DELAYS },
      ...options,
    });
    const states: NarrationState[] = [];
    const words: WordBoundary[] = [];
    narration.on('state', (state) => states.push(state));
    narration.on('word', (word) => words.push(word));
    const outcome = await narration.run().then(
      () => ({ ok: true as const }),
      (error: unknown) => {
        expect(error).toBeInstanceOf(SpeechError);
        return { ok: false as const, error: error as SpeechError };
      },
    );
    return { sink, states, words, narration, outcome };
  }

  function reconnections(reading: Reading): { attempt: number; code: SpeechErrorCode }[] {
    return reading.states.flatMap((state) =>
      state.kind === 'reconnecting' ? [{ attempt: state.attempt, code: state.error.code }] : [],
    );
  }

  /** Resumed after `codes` (one reconnection each), and every word heard exactly once. */
  function expectResumed(reading: Reading, codes: SpeechErrorCode[]): void {
    expect(reading.outcome).toEqual({ ok: true });
    expect(reconnections(reading)).toEqual(codes.map((code) => ({ attempt: 1, code })));
    expect(server!.connections).toHaveLength(codes.length + 1);
    expectHeardExactly(TEXT, reading.sink, reading.words);
  }

  /** Failed with `code`; what was heard is whole words from the start, and says where to go on. */
  function expectFailed(reading: Reading, code: SpeechErrorCode): SpeechError {
    expect(reading.outcome.ok).toBe(false);
    const { error } = reading.outcome as { error: SpeechError };
    expect(error.code).toBe(code);
    expectHuman(error.message);
    expectHeardStart(TEXT, reading.sink, reading.words);
    expect(reading.narration.resumePoint?.wordIndex).toBe(reading.words.length);
    return error;
  }

  /** A small deterministic generator, so a failing seed can be replayed. */
  function random(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  it.each([1, 2, 3, 4, 5, 6])(
    'connections cut at random points (seed %i): resumed each time, exactly',
    async (seed) => {
      const next = random(seed);
      const actions: FaultAction[] = [
        { kind: 'drop' },
        { kind: 'close', code: 1011, reason: 'internal error' },
        { kind: 'close', code: 1001, reason: 'going away' },
        { kind: 'raw', data: '{"audio": "AAAA", "isFinal": nul' },
      ];
      const plans: ConnectionPlan[] = [0, 1, 2].map(() => ({
        // At least two whole words per connection, so each one moves the reading on.
        after: 15 + Math.floor(next() * 60),
        then: actions[Math.floor(next() * actions.length)]!,
        frameChars: 1 + Math.floor(next() * 6),
      }));
      const reading = await read(plans);
      expect(reading.outcome).toEqual({ ok: true });
      const reconnects = reconnections(reading);
      expect(reconnects.length).toBe(server!.connections.length - 1);
      expect(reconnects.every((r) => r.attempt === 1)).toBe(true);
      expectHeardExactly(TEXT, reading.sink, reading.words);
    },
  );

  it('a stall mid-reading: the silence timeout ends that connection, the next carries on', async () => {
    const reading = await read([{ after: 90, then: { kind: 'stall' } }]);
    expectResumed(reading, ['silence_timeout']);
  });

  it('a stall before any audio: the first-audio timeout, then a new connection reads it all', async () => {
    const reading = await read([{ after: 0, then: { kind: 'stall' } }]);
    expectResumed(reading, ['first_audio_timeout']);
  });

  it('a slow drip of small frames is read to the end, exactly', async () => {
    const text = 'Frames arrive slowly, a character at a time, and all of them are heard.';
    const reading = await read([{ frameChars: 1, dripMs: 8 }], {}, text);
    expect(reading.outcome).toEqual({ ok: true });
    expect(server!.connections).toHaveLength(1);
    expectHeardExactly(text, reading.sink, reading.words);
  });

  it('duplicated alignment: every word reported once, in order, on its own audio', async () => {
    const reading = await read([{ duplicateAlignment: true }]);
    expect(reading.outcome).toEqual({ ok: true });
    expectHeardExactly(TEXT, reading.sink, reading.words);
  });

  it('out-of-order alignment times: read to the end, every word once and in order', async () => {
    const reading = await read([{ reversedTimes: true, frameChars: 4 }]);
    expect(reading.outcome).toEqual({ ok: true });
    expect(heardLetters(reading.sink.audio)).toBe(TEXT.replace(/\s+/g, ''));
    expect(reading.words.map((w) => w.index)).toEqual(TEXT.split(' ').map((_, i) => i));
    const starts = reading.words.map((w) => w.startMs);
    expect([...starts].sort((a, b) => a - b)).toEqual(starts);
  });

  it('malformed JSON part-way: resumed on a new connection', async () => {
    const reading = await read([{ after: 70, then: { kind: 'raw', data: '{"audio": "AAAA", ' } }]);
    expectResumed(reading, ['malformed_frame']);
  });

  it('invalid base64 part-way: resumed on a new connection', async () => {
    const bad = JSON.stringify({ audio: '@@not base64@@', isFinal: null, alignment: null });
    const reading = await read([{ after: 70, then: { kind: 'raw', data: bad } }]);
    expectResumed(reading, ['malformed_frame']);
  });

  it('an oversize frame part-way: refused, and resumed on a new connection', async () => {
    const reading = await read([{ after: 70, then: { kind: 'oversize', bytes: 200_000 } }], {}, TEXT, {
      maxFrameBytes: 64 * 1024,
    });
    expectResumed(reading, ['malformed_frame']);
  });

  it('a server that never sends isFinal nor closes: done once everything was heard', async () => {
    const reading = await read([{ neverFinal: true }]);
    expect(reading.outcome).toEqual({ ok: true });
    expect(reconnections(reading)).toEqual([]);
    expect(server!.connections).toHaveLength(1);
    expectHeardExactly(TEXT, reading.sink, reading.words);
  });

  it('a close with 1011 (internal error) part-way: resumed', async () => {
    const reading = await read([
      { after: 50, then: { kind: 'close', code: 1011, reason: 'Internal error' } },
    ]);
    expectResumed(reading, ['server_closed']);
  });

  it('a reset connection (the client sees 1006) part-way: resumed', async () => {
    const reading = await read([{ after: 50, then: { kind: 'drop' } }]);
    expectResumed(reading, ['network']);
  });

  it('a close with 1008 (policy) part-way: not retried, stopped at a whole word', async () => {
    const reading = await read([
      { after: 50, then: { kind: 'close', code: 1008, reason: 'Policy violation' } },
    ]);
    const error = expectFailed(reading, 'server_closed');
    expect(error.status).toBe(1008);
    expect(error.message).toContain('closed the connection');
    expect(server!.connections).toHaveLength(1);
  });

  it.each([
    ['invalid_api_key', 'Invalid API key', 'invalid_api_key'],
    ['quota_exceeded', 'This request exceeds your quota.', 'quota_exceeded'],
    ['invalid_input_message', 'Could not parse input message.', 'invalid_input_message'],
  ] as const)('an in-band %s part-way: not retried', async (wire, message, code) => {
    const reading = await read([{ after: 50, then: { kind: 'error', error: wire, message, code: 1008 } }]);
    expectFailed(reading, code);
    expect(server!.connections).toHaveLength(1);
  });

  it.each([
    [401, 'invalid_api_key'],
    [403, 'handshake_refused'],
    [500, 'handshake_refused'],
  ] as const)('a first handshake refused with HTTP %i fails at once with %s', async (status, code) => {
    const reading = await read([{ refuse: status }]);
    const error = expectFailed(reading, code);
    expect(error.status).toBe(status);
    expect(server!.connections).toHaveLength(1);
    expect(reading.sink.chunks).toEqual([]);
  });

  it.each([
    [401, 'invalid_api_key'],
    [403, 'handshake_refused'],
  ] as const)('a reconnection refused with HTTP %i stops the reading with %s', async (status, code) => {
    const reading = await read([{ after: 50, then: { kind: 'drop' } }, { refuse: status }]);
    expectFailed(reading, code);
    expect(server!.connections).toHaveLength(2);
    expect(reconnections(reading)).toEqual([{ attempt: 1, code: 'network' }]);
  });

  it('a reconnection refused with HTTP 500 is tried again', async () => {
    const reading = await read([{ after: 50, then: { kind: 'drop' } }, { refuse: 500 }]);
    expect(reading.outcome).toEqual({ ok: true });
    expect(reconnections(reading)).toEqual([
      { attempt: 1, code: 'network' },
      { attempt: 2, code: 'handshake_refused' },
    ]);
    expectHeardExactly(TEXT, reading.sink, reading.words);
  });

  it('a server name that does not resolve: network, saying so, nothing retried', async () => {
    const sink = new CollectingSink();
    const narration = new Narration({
      session: {
        baseUrl: 'https://hark-does-not-exist.invalid',
        apiKey: KEY,
        voiceId: 'coded',
        timeouts: TIMEOUTS,
      },
      source: { kind: 'text', text: TEXT },
      sink,
      resume: { delaysMs: FAST_DELAYS },
    });
    const states: string[] = [];
    narration.on('state', (state) => states.push(state.kind));
    const error = (await narration.run().catch((e: unknown) => e)) as SpeechError;
    expect(error).toMatchObject({ name: 'SpeechError', code: 'network' });
    expect(error.message).toMatch(/could not be resolved/);
    expectHuman(error.message);
    expect(states).toEqual(['connecting', 'failed']);
    expect(sink.chunks).toEqual([]);
  });

  it('a server that fails every reconnection: given up after three attempts, saying so', async () => {
    const reading = await read([
      { after: 50, then: { kind: 'drop' } },
      { after: 0, then: { kind: 'close', code: 1011 } },
      { after: 0, then: { kind: 'stall' } },
      { refuse: 503 },
    ]);
    const error = expectFailed(reading, 'handshake_refused');
    expect(error.message).toMatch(/tried to reconnect 3 times without success\.$/);
    expect(reconnections(reading).map((r) => r.attempt)).toEqual([1, 2, 3]);
  });
});

// ---------------------------------------------------------------------------------------------
// App level

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? Partial<T[K]> : T[K] };

interface App {
  services: AppServices;
  page: PlayerPage;
  history: HistoryStore;
  states: AppState[];
  notices: ReadingNotice[];
  words: string[];
  /** The reading is over (idle or error) and its history entry, if any, is written. */
  readingOver(): Promise<void>;
}

const APP_TUNING: SessionTuning = { resume: { delaysMs: FAST_DELAYS }, timeouts: TIMEOUTS };

describe('faults at the app level', () => {
  let offline: OfflineEngine | undefined;
  let server: FaultServer | undefined;
  const cleanups: (() => Promise<void>)[] = [];
  let before: { sockets: number; timers: number };

  beforeEach(() => {
    before = { sockets: liveHandles().sockets, timers: liveTimers() };
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await server?.close();
    server = undefined;
    await offline?.close();
    offline = undefined;
    await expectNothingLeft(before);
  });

  async function startApp(
    settingsPatch: DeepPartial<Settings>,
    engine: OfflineEngine = createOfflineEngine(),
  ): Promise<App> {
    offline = engine;
    const dir = await mkdtemp(join(tmpdir(), 'hark-faults-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const settings = await SettingsStore.open(join(dir, 'settings'));
    const updated = await settings.update(settingsPatch);
    if (!updated.ok) throw new Error(JSON.stringify(updated.problems));
    const history = await HistoryStore.open(join(dir, 'history'));
    const secrets = createSecretStore();
    secrets.keepForSessionOnly(KEY);
    const log = quietLogger();
    const player = new ChannelPlayer(log);
    const page = new PlayerPage(8);
    player.attach(page);
    const services = createServices({
      settings,
      secrets,
      history,
      offlineServer: () => engine.endpoint(),
      player,
      log,
      captureSelection: () => Promise.resolve({ text: '', source: 'selection' }),
      readClipboard: () => Promise.resolve(''),
      chooseExportPath: () => Promise.resolve(undefined),
      tuning: APP_TUNING,
    });
    cleanups.push(async () => {
      await services.dispose();
      player.close();
      page.close();
      await history.close();
    });
    const app: App = {
      services,
      page,
      history,
      states: [],
      notices: [],
      words: [],
      async readingOver() {
        const over = () => ['idle', 'error'].includes(app.states.at(-1)?.kind ?? '');
        await until(over, 60_000, 'reading over');
        const written = () => history.list().total > 0;
        await until(() => written() || app.states.at(-1)?.kind === 'error', 5000, 'history written');
      },
    };
    services.onState((state) => app.states.push(state));
    services.onNotice((notice) => app.notices.push(notice));
    services.onWord((word) => app.words.push(word.text));
    return app;
  }

  async function elevenLabsStandIn(plans: ConnectionPlan[], patch: DeepPartial<Settings> = {}): Promise<App> {
    server = await startFaultServer(plans);
    return startApp({
      engine: 'elevenlabs',
      baseUrl: server.url,
      outputFormat: CODED_OUTPUT_FORMAT,
      ...patch,
    });
  }

  function reconnecting(app: App): AppState[] {
    return app.states.filter((state) => state.kind === 'reconnecting');
  }

  it('a connection dropped mid-reading: "reconnecting", then the rest; the history has it all', async () => {
    const app = await elevenLabsStandIn([{ after: 60, then: { kind: 'drop' } }]);
    expect(await app.services.speakText({ text: TEXT })).toEqual({ ok: true, value: 'started' });
    await app.readingOver();
    expect(reconnecting(app)).toEqual([{ kind: 'reconnecting', source: 'typed', attempt: 1 }]);
    expect(app.states.at(-1)).toEqual({ kind: 'idle' });
    expect(app.words).toEqual(TEXT.split(' '));
    const played = app.page.audioOf();
    expect(heardLetters(played)).toBe(TEXT.replace(/\s+/g, ''));
    const entry = app.history.list().entries[0]!;
    expect(entry).toMatchObject({ text: TEXT, engine: 'elevenlabs' });
    expect(Buffer.from(await app.history.readAudio(entry.id)).equals(Buffer.from(played))).toBe(true);
  });

  it('a server gone silent mid-reading: replaced after the silence timeout, nothing lost', async () => {
    const app = await elevenLabsStandIn([{ after: 80, then: { kind: 'stall' } }]);
    await app.services.speakText({ text: TEXT });
    await app.readingOver();
    expect(reconnecting(app)).toHaveLength(1);
    expect(app.words).toEqual(TEXT.split(' '));
    expect(app.history.list().entries[0]!.text).toBe(TEXT);
  });

  it('a refused key mid-reading, no fallback: stops at a word, says what to do, keeps what was heard', async () => {
    const app = await elevenLabsStandIn(
      [
        {
          after: 42,
          then: { kind: 'error', error: 'invalid_api_key', message: 'Invalid API key', code: 1008 },
        },
      ],
      { fallbackToOffline: false },
    );
    await app.services.speakText({ text: TEXT });
    await app.readingOver();
    const state = app.states.at(-1) as Extract<AppState, { kind: 'error' }>;
    expect(state.code).toBe('invalid_api_key');
    expect(state.message).toBe(
      'ElevenLabs rejected the API key. Reading stopped after 7 words. Check the key in Settings or switch to the offline voice.',
    );
    expectHuman(state.message);
    expect(reconnecting(app)).toEqual([]);
    expect(app.words).toEqual(TEXT.split(' ').slice(0, 7));
    await until(() => app.history.list().total > 0, 5000, 'history written');
    expect(app.history.list().entries[0]!.text).toBe(TEXT.split(' ').slice(0, 7).join(' '));
  });

  it('a used-up quota mid-reading, fallback on: the offline voice reads the rest, in the same playback', async () => {
    const app = await elevenLabsStandIn([
      { after: 42, then: { kind: 'error', error: 'quota_exceeded', message: 'Quota exceeded.', code: 1008 } },
    ]);
    await app.services.speakText({ text: TEXT });
    await app.readingOver();
    expect(app.states.at(-1)).toEqual({ kind: 'idle' });
    expect(app.notices).toEqual([
      {
        code: 'offline_fallback',
        message: 'Your ElevenLabs character quota is used up, so the offline voice reads the rest.',
      },
    ]);
    expect(app.words).toEqual(TEXT.split(' '));
    expect(app.page.streams).toHaveLength(1);
    expect(heardLetters(app.page.audioOf()).startsWith(TEXT.split(' ').slice(0, 7).join(''))).toBe(true);
    expect(app.history.list().entries[0]).toMatchObject({ text: TEXT, engine: 'elevenlabs' });
  });

  it('stop while reconnecting: idle at once, no further attempt, what was heard is kept', async () => {
    const app = await elevenLabsStandIn([{ after: 60, then: { kind: 'drop' } }, { hang: true }]);
    await app.services.speakText({ text: TEXT });
    await until(() => server!.connections.length === 2, 20_000, 'reconnecting');
    expect(app.states.at(-1)).toEqual({ kind: 'reconnecting', source: 'typed', attempt: 1 });
    expect(await app.services.stop()).toEqual({ ok: true, value: null });
    expect(app.states.at(-1)).toEqual({ kind: 'idle' });
    await until(() => app.history.list().total > 0, 5000, 'history written');
    const heard = app.history.list().entries[0]!.text;
    expect(heard.split(' ')).toEqual(app.words);
    expect(TEXT.startsWith(heard)).toBe(true);
    expect(server!.connections).toHaveLength(2);
  });

  it('the player page going away mid-reading is not retried: an error, and what was heard is kept', async () => {
    const app = await elevenLabsStandIn([{ dripMs: 20 }]);
    await app.services.speakText({ text: TEXT });
    await until(() => app.words.length >= 3, 20_000, 'words heard');
    app.page.goAway();
    await app.readingOver();
    const state = app.states.at(-1) as Extract<AppState, { kind: 'error' }>;
    expect(state.code).toBe('io_failed');
    expect(state.message).toMatch(/^The audio player closed\. Reading stopped after \d+ words\.$/);
    expect(reconnecting(app)).toEqual([]);
    expect(server!.connections).toHaveLength(1);
    await until(() => app.history.list().total > 0, 5000, 'history written');
    const entry = app.history.list().entries[0]!;
    expect(TEXT.startsWith(entry.text)).toBe(true);
    // The history keeps all the audio that came in (it was paid for): at least every word heard.
    expect(entry.text.split(' ').slice(0, app.words.length)).toEqual(app.words);
  });
});

describe('the offline voice failing mid-reading', () => {
  const OFFLINE_TEXT =
    'The offline voice reads this first sentence. Then its engine stops without warning. ' +
    'A fresh engine takes over and the reading goes on. Nobody has to start again.';
  let before: { sockets: number; timers: number };
  const cleanups: (() => Promise<void>)[] = [];

  beforeEach(() => {
    before = { sockets: liveHandles().sockets, timers: liveTimers() };
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await expectNothingLeft(before);
  });

  /** The app's services reading with the offline voice, whose engine is `engine`. */
  async function offlineApp(engine: OfflineEngine) {
    const dir = await mkdtemp(join(tmpdir(), 'hark-faults-offline-'));
    const settings = await SettingsStore.open(join(dir, 'settings'));
    await settings.update({ engine: 'offline' });
    const history = await HistoryStore.open(join(dir, 'history'));
    const log = quietLogger();
    const player = new ChannelPlayer(log);
    const page = new PlayerPage(8);
    player.attach(page);
    const services = createServices({
      settings,
      secrets: createSecretStore(),
      history,
      offlineServer: () => engine.endpoint(),
      player,
      log,
      captureSelection: () => Promise.resolve({ text: '', source: 'selection' }),
      readClipboard: () => Promise.resolve(''),
      chooseExportPath: () => Promise.resolve(undefined),
      // The real engine on a loaded machine: only the waits between attempts are short.
      tuning: { resume: { delaysMs: FAST_DELAYS } },
    });
    cleanups.push(async () => {
      await services.dispose();
      player.close();
      page.close();
      await history.close();
      await engine.close();
      await rm(dir, { recursive: true, force: true });
    });
    const states: AppState[] = [];
    const words: string[] = [];
    services.onState((state) => states.push(state));
    services.onWord((word) => words.push(word.text));
    const over = async (): Promise<void> => {
      await until(() => ['idle', 'error'].includes(states.at(-1)?.kind ?? ''), 60_000, 'reading over');
      await until(() => history.list().total > 0, 5000, 'history written');
    };
    return { services, states, words, history, page, over };
  }

  it('its worker crashes mid-reading: detected, restarted, and the reading goes on', async () => {
    // The second synthesis (the second sentence) kills the worker.
    const voice = new CrashingVoice((request) => request === 2);
    const app = await offlineApp(createOfflineEngine({ server: { voice } }));
    cleanups.push(() => voice.close());
    await app.services.speakText({ text: OFFLINE_TEXT });
    await app.over();
    expect(voice.crashes).toBe(1);
    expect(app.states.filter((s) => s.kind === 'reconnecting')).toEqual([
      { kind: 'reconnecting', source: 'typed', attempt: 1 },
    ]);
    expect(app.states.at(-1)).toEqual({ kind: 'idle' });
    expect(app.words).toEqual(OFFLINE_TEXT.split(' '));
    expect(app.history.list().entries[0]).toMatchObject({ text: OFFLINE_TEXT, engine: 'offline' });
  });

  it('a worker that crashes again and again: a clear error after three attempts, never a hang', async () => {
    const voice = new CrashingVoice((request) => request >= 2);
    const app = await offlineApp(createOfflineEngine({ server: { voice } }));
    cleanups.push(() => voice.close());
    await app.services.speakText({ text: OFFLINE_TEXT });
    await app.over();
    const state = app.states.at(-1) as Extract<AppState, { kind: 'error' }>;
    expect(state.code).toBe('engine_failed');
    expect(state.message).toBe(
      'The offline voice stopped unexpectedly. Try again; it restarts by itself. ' +
        'Hark tried to reconnect 3 times without success. Reading stopped after 7 words.',
    );
    expect(voice.crashes).toBe(4);
    // The first sentence was heard, and is kept.
    expect(app.words).toEqual(OFFLINE_TEXT.split(' ').slice(0, 7));
    expect(app.history.list().entries[0]!.text).toBe('The offline voice reads this first sentence.');
  });

  it('a connection to it reset part-way: resumed from the first word not heard', async () => {
    const server: RunningStreamServer = await startStreamServer();
    const proxy = await startCuttingProxy(server.port, (index) => (index === 0 ? 40_000 : undefined));
    cleanups.push(async () => {
      await proxy.close();
      await server.close();
    });
    const engine: OfflineEngine = {
      endpoint: () => Promise.resolve({ url: proxy.url, token: server.token }),
      running: true,
      close: () => Promise.resolve(),
    };
    const app = await offlineApp(engine);
    await app.services.speakText({ text: OFFLINE_TEXT });
    await app.over();
    expect(proxy.cuts).toBe(1);
    expect(app.states.filter((s) => s.kind === 'reconnecting')).toEqual([
      { kind: 'reconnecting', source: 'typed', attempt: 1 },
    ]);
    expect(app.states.at(-1)).toEqual({ kind: 'idle' });
    expect(app.words).toEqual(OFFLINE_TEXT.split(' '));
    // 40,000 bytes of the offline voice's own PCM is under a second: the cut came part-way.
    expect(app.history.list().entries[0]).toMatchObject({ text: OFFLINE_TEXT, outputFormat: 'pcm_22050' });
  });
});
