// Text nobody should have to think about, from the app's verbs to the speakers: nothing to say at all,
// ten megabytes of clipboard, control characters and raw bytes, emoji, right-to-left and CJK scripts,
// a lone surrogate, and a 50,000-character line without punctuation. Read through the real offline
// voice behind its stream-input server (loopback), with real stores and a player on the wall clock.

// Never let a test reach a developer's real keychain: no session bus, no display.
process.env.DBUS_SESSION_BUS_ADDRESS = 'unix:path=/nonexistent/hark-test-bus';
delete process.env.DISPLAY;

import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { installStandInPlayer } from '../bench/clients';
import { startMeasuringProxy } from '../bench/measuring-proxy';
import type { MeasuringProxy } from '../bench/measuring-proxy';
import type { AppState, ReadingNotice } from '../main/app/reading-controller';
import { MAX_ACCEPTED_CHARS, MAX_READ_CHARS, prepareText } from '../main/app/reading-text';
import { createServices } from '../main/app/services';
import type { AppServices } from '../main/app/services';
import { runCli } from '../main/cli';
import { startStreamServer } from '../main/engine/stream-server';
import type { RunningStreamServer } from '../main/engine/stream-server';
import { Narration } from '../main/speech/narration';
import type { AudioSink, WordBoundary } from '../main/speech/narration';
import type { AudioChunk } from '../main/speech/session';
import { HistoryStore } from '../main/store/history';
import { createSecretStore } from '../main/store/secrets';
import { SettingsStore } from '../main/store/settings';
import { quietLogger } from './helpers/live-api';
import { RecordingPlayer } from './helpers/recording-player';

let offline: RunningStreamServer;
let proxy: MeasuringProxy;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  offline = await startStreamServer();
  proxy = await startMeasuringProxy(offline.url);
}, 60_000);

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(async () => {
  await proxy?.close();
  await offline?.close();
  process.off('unhandledRejection', onUnhandled);
  expect(unhandled).toEqual([]);
});

interface App {
  services: AppServices;
  player: RecordingPlayer;
  states: AppState[];
  notices: ReadingNotice[];
  clipboard: { next: string };
}

/** The app's services over real stores, reaching the offline voice through the measuring proxy. */
async function startApp(): Promise<App> {
  const dir = await mkdtemp(join(tmpdir(), 'hark-bad-input-'));
  const settings = await SettingsStore.open(join(dir, 'settings'));
  await settings.update({ outputFormat: 'pcm_16000' });
  const history = await HistoryStore.open(join(dir, 'history'));
  const player = new RecordingPlayer(8);
  const clipboard = { next: '' };
  const services = createServices({
    settings,
    secrets: createSecretStore(),
    history,
    offlineServer: () => Promise.resolve({ url: proxy.url, token: offline.token }),
    player,
    log: quietLogger(),
    captureSelection: () => Promise.resolve({ text: clipboard.next, source: 'clipboard' }),
    readClipboard: () => Promise.resolve(clipboard.next),
    chooseExportPath: () => Promise.resolve(undefined),
  });
  cleanups.push(async () => {
    await services.dispose();
    await history.close();
    await rm(dir, { recursive: true, force: true });
  });
  const app: App = { services, player, states: [], notices: [], clipboard };
  services.onState((state) => app.states.push(state));
  services.onNotice((notice) => app.notices.push(notice));
  return app;
}

const NOTHING_TO_SAY = ['', ' ', '\n\n\t  \r\n', '\u00a0\u2003\u3000', ' \u2028 \u2029 '];

describe('text with nothing to say', () => {
  it('gets a clear message from every verb, and nothing reaches the speech server', async () => {
    const app = await startApp();
    const run = proxy.beginRun();
    for (const text of NOTHING_TO_SAY) {
      const typed = await app.services.speakText({ text });
      expect(typed).toMatchObject({ ok: false, code: 'empty_text' });
      app.clipboard.next = text;
      expect(await app.services.readClipboard()).toMatchObject({ ok: false, code: 'clipboard_empty' });
      expect(await app.services.readSelection()).toMatchObject({ ok: false, code: 'clipboard_empty' });
      for (const result of [typed, await app.services.readClipboard()]) {
        expect(!result.ok && result.message).toMatch(/no text/i);
      }
    }
    expect(run.connectedAt).toBeUndefined();
    expect(app.player.playbacks).toEqual([]);
    expect(app.states).toEqual([]);
  });

  it('makes `hark speak` say so in one line, exit 1, before connecting anywhere', async () => {
    for (const text of NOTHING_TO_SAY) {
      const stderr = new PassThrough();
      let said = '';
      stderr.on('data', (data: Buffer) => (said += data.toString('utf8')));
      const code = await runCli(['speak', text, '--out', join(tmpdir(), 'never-written.wav')], {
        env: { HARK_KEYCHAIN: 'off', PATH: process.env.PATH },
        stdin: new PassThrough(),
        stdout: new PassThrough(),
        stderr,
        signal: new AbortController().signal,
        platform: 'linux',
      });
      expect(code).toBe(1);
      expect(said).toBe('hark: nothing to read: the text is empty\n');
    }
  });
});

/** Ten megabytes of prose with sentences, as a log or an article dump on the clipboard would be. */
function tenMegabytes(): string {
  const sentence = 'Line 4711 of the log says that the job finished without errors at noon. ';
  return sentence.repeat(Math.ceil(10_000_000 / sentence.length)).slice(0, 10_000_000);
}

describe('ten megabytes on the clipboard', () => {
  it('is cut to the reading limit at a sentence end, quickly, in one pass over the text', () => {
    const huge = tenMegabytes();
    const started = performance.now();
    const prepared = prepareText(huge);
    const elapsedMs = performance.now() - started;
    expect(prepared).toMatchObject({ ok: true, truncated: true });
    const text = prepared.ok ? prepared.text : '';
    expect(text.length).toBeLessThanOrEqual(MAX_READ_CHARS);
    expect(text.length).toBeGreaterThan(MAX_READ_CHARS * 0.9);
    expect(huge.startsWith(text)).toBe(true);
    expect(text.endsWith('noon.')).toBe(true);
    // Generous: a single pass takes milliseconds; anything quadratic would take minutes.
    expect(elapsedMs).toBeLessThan(2000);
    // Whitespace all the way to a last word is still a text, found in one pass too.
    expect(prepareText(`${' '.repeat(10_000_000)}end`)).toMatchObject({ ok: true, truncated: true });
    expect(prepareText('x'.repeat(MAX_ACCEPTED_CHARS + 1))).toMatchObject({
      ok: false,
      code: 'text_too_long',
    });
  });

  it('is read from its start with a notice, sending only a little ahead of the listener', async () => {
    const app = await startApp();
    app.clipboard.next = tenMegabytes();
    const run = proxy.beginRun();
    expect(await app.services.readClipboard()).toEqual({ ok: true, value: 'started' });
    expect(app.notices).toEqual([{ code: 'text_truncated', message: expect.stringMatching(/very long/) }]);
    await run.firstAudio;
    expect(app.states.at(-1)).toMatchObject({ kind: 'speaking', source: 'clipboard' });
    expect(await app.services.stop()).toMatchObject({ ok: true });
    // A few sentences at most, nowhere near the 100,000 characters the reading may cover.
    expect(run.charactersSent).toBeGreaterThan(0);
    expect(run.charactersSent).toBeLessThan(2000);
  });
});

describe('ten megabytes on the clipboard, from the command line', () => {
  it('`hark speak --clipboard` reads its start, says so once, and sends only a little', async () => {
    const bin = await mkdtemp(join(tmpdir(), 'hark-bad-input-bin-'));
    cleanups.push(() => rm(bin, { recursive: true, force: true }));
    // A stand-in xclip that prints ten megabytes, and a stand-in paplay that plays nothing.
    const xclip = join(bin, 'xclip');
    await writeFile(
      xclip,
      `#!${process.execPath}\nconst s = 'Line 4711 of the log says that the job finished without errors at noon. ';\n` +
        `process.stdout.write(s.repeat(Math.ceil(1e7 / s.length)).slice(0, 1e7));\n`,
    );
    await chmod(xclip, 0o755);
    const players = await installStandInPlayer(bin);
    const stderr = new PassThrough();
    let said = '';
    stderr.on('data', (data: Buffer) => (said += data.toString('utf8')));
    const interrupt = new AbortController();
    const run = proxy.beginRun();
    const exited = runCli(
      ['speak', '--clipboard', '--engine', 'elevenlabs', '--base-url', proxy.url, '--voice', 'en-us'],
      {
        env: { HARK_KEYCHAIN: 'off', PATH: `${bin}:${players}`, ELEVENLABS_API_KEY: offline.token },
        stdin: new PassThrough(),
        stdout: new PassThrough(),
        stderr,
        signal: interrupt.signal,
        platform: 'linux',
      },
    );
    await run.firstAudio;
    interrupt.abort('SIGINT');
    expect(await exited).toBe(130);
    expect(said).toMatch(
      /^hark: note: the text is very long \(10,000,000 characters\), so only its first 9\d,\d{3} are read\n$/,
    );
    expect(run.charactersSent).toBeGreaterThan(0);
    expect(run.charactersSent).toBeLessThan(2000);
  });
});

/** Plays at `rate` times real time on the wall clock: pacing works as for a listener, only faster. */
class FastSink implements AudioSink {
  readonly chunks: AudioChunk[] = [];
  #receivedMs = 0;
  #startedAt: number | undefined;

  constructor(private readonly rate: number) {}

  write(chunk: AudioChunk): void {
    this.chunks.push(chunk);
    this.#receivedMs += chunk.durationMs;
    this.#startedAt ??= Date.now();
  }

  playedMs(): number {
    if (this.#startedAt === undefined) return 0;
    return Math.min(this.#receivedMs, (Date.now() - this.#startedAt) * this.rate);
  }

  get receivedMs(): number {
    return this.#receivedMs;
  }

  end(): Promise<void> {
    return Promise.resolve();
  }
}

function narrate(text: string, sink: AudioSink): Narration {
  return new Narration({
    session: {
      baseUrl: offline.url,
      apiKey: offline.token,
      voiceId: 'en-us',
      query: { output_format: 'pcm_22050' },
    },
    source: { kind: 'text', text },
    sink,
    pollMs: 20,
  });
}

/** Audio arrived as one contiguous timeline; characters and words are timed in order, within the text. */
function expectSoundReading(text: string, sink: FastSink, words: readonly WordBoundary[]): void {
  expect(sink.receivedMs).toBeGreaterThan(300);
  const samples = Buffer.concat(sink.chunks.map((chunk) => chunk.audio));
  const pcm = new Int16Array(samples.buffer, samples.byteOffset, Math.floor(samples.length / 2));
  expect(pcm.reduce((loudest, s) => Math.max(loudest, Math.abs(s)), 0)).toBeGreaterThan(1000);
  let clock = 0;
  let lastCharStart = 0;
  for (const chunk of sink.chunks) {
    expect(chunk.startMs).toBeCloseTo(clock, 6);
    clock += chunk.durationMs;
    for (const char of chunk.chars) {
      expect(char.startMs).toBeGreaterThanOrEqual(lastCharStart);
      lastCharStart = char.startMs;
    }
  }
  expect(words.length).toBeGreaterThan(0);
  let lastWordEnd = 0;
  let lastWordStartMs = 0;
  for (const word of words) {
    expect(word.textOffset).toBeGreaterThanOrEqual(lastWordEnd);
    expect(word.textOffset + word.length).toBeLessThanOrEqual(text.length);
    expect(word.startMs).toBeGreaterThanOrEqual(lastWordStartMs);
    lastWordEnd = word.textOffset + word.length;
    lastWordStartMs = word.startMs;
  }
}

const ODD_TEXTS: Record<string, string> = {
  'control characters':
    'Before\u0000after, a \u0007bell, \u001b[31mred\u001b[0m, a \u0008 back. Tab\there.\r\nDEL\u007f, NEL\u0085 end.',
  'raw bytes read as text': Buffer.from(Array.from({ length: 200 }, (_, i) => (i * 37) % 256)).toString(
    'latin1',
  ),
  emoji: 'I love it 😀👍🏽 so much! A family 👨‍👩‍👧 and a flag 🇫🇷 too.',
  'right-to-left scripts': 'שלום עולם. مرحبا بالعالم! Mixed English and עברית text.',
  'CJK without spaces': '你好，世界。今日は良い天気ですね！안녕하세요 세계.',
  'a lone surrogate': 'Broken \ud800 high and \udc00 low surrogates. Fine after them.',
};

describe('odd text through the offline voice, end to end', () => {
  for (const [name, text] of Object.entries(ODD_TEXTS)) {
    it(`reads ${name}`, async () => {
      const sink = new FastSink(50);
      const job = narrate(text, sink);
      const words: WordBoundary[] = [];
      job.on('word', (word) => words.push(word));
      const result = await job.run();
      expectSoundReading(text, sink, words);
      // Every character was sent (a trailing space aside), so nothing was dropped on the way.
      expect(result.charactersSent).toBeGreaterThanOrEqual([...text].length);
    });
  }

  it('reads a 50,000-character line without punctuation, in pieces, a little ahead of the listener', async () => {
    const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel'];
    let text = '';
    for (let i = 0; text.length < 50_000; i++) text += `${words[i % words.length]} `;
    text = text.slice(0, 50_000);
    const sink = new FastSink(20);
    const narration = narrate(text, sink);
    const running = narration.run();
    running.catch(() => undefined);
    // Twenty seconds of speech is plenty to see it work; the whole line would be an hour.
    await expect.poll(() => sink.receivedMs, { timeout: 60_000, interval: 50 }).toBeGreaterThan(20_000);
    narration.cancel();
    await expect(running).rejects.toMatchObject({ code: 'aborted' });
    const chars = sink.chunks.flatMap((chunk) => chunk.chars);
    expect(chars.map((c) => c.char).join('')).toBe(text.slice(0, chars.length));
    for (let i = 1; i < chars.length; i++)
      expect(chars[i]!.startMs).toBeGreaterThanOrEqual(chars[i - 1]!.startMs);
    // Sent only what the listener would soon hear: a small part of the line.
    expect(narration.charactersSent).toBeLessThan(text.length / 5);
  });
});
