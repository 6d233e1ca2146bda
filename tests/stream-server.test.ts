// The offline stream-input server over real loopback sockets, with the real offline engine.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { OfflineVoice } from '../main/engine/offline-voice';
import { startStreamServer } from '../main/engine/stream-server';
import type { RunningStreamServer } from '../main/engine/stream-server';
import type { Alignment } from '../shared/protocol';

const VOICE = 'en-us';

interface Frame {
  audio?: string | null;
  isFinal?: boolean | null;
  alignment?: Alignment | null;
  normalizedAlignment?: Alignment | null;
  error?: string;
  message?: string;
  code?: number;
}

interface Closed {
  code: number;
  reason: string;
}

/** A plain `ws` client that records every frame; fails loudly on anything unexpected. */
class TestClient {
  readonly frames: Frame[] = [];
  readonly rawSizes: number[] = [];
  readonly closed: Promise<Closed>;
  readonly opened: Promise<void>;
  private waiters: (() => void)[] = [];

  constructor(readonly socket: WebSocket) {
    this.opened = new Promise((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      socket.once('error', reject);
    });
    this.opened.catch(() => undefined);
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) =>
      socket.once('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        this.notify();
      }),
    );
    socket.on('message', (data: Buffer) => {
      this.rawSizes.push(data.length);
      this.frames.push(JSON.parse(data.toString()) as Frame);
      this.notify();
    });
  }

  send(message: object | string): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Waits until `test` holds for the frames received so far. */
  async until(test: (frames: Frame[]) => boolean, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!test(this.frames)) {
      if (this.socket.readyState === WebSocket.CLOSED) throw new Error('socket closed while waiting');
      const remaining = deadline - Date.now();
      if (remaining <= 0)
        throw new Error(`timed out waiting; got ${JSON.stringify(this.frames).slice(0, 300)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  get audioFrames(): Frame[] {
    return this.frames.filter((frame) => typeof frame.audio === 'string');
  }

  /** Each generation's text, from the alignment its first frame carries (sync_alignment off). */
  get generations(): string[] {
    return this.audioFrames
      .filter((frame) => frame.alignment)
      .map((frame) => frame.alignment!.chars.join(''));
  }

  get audioBytes(): Buffer {
    return Buffer.concat(this.audioFrames.map((frame) => Buffer.from(frame.audio!, 'base64')));
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

let voice: OfflineVoice;
let server: RunningStreamServer;
const clients: TestClient[] = [];

function streamUrl(voiceId = VOICE, query: Record<string, string> = {}): string {
  const url = new URL(`/v1/text-to-speech/${encodeURIComponent(voiceId)}/stream-input`, server.url);
  url.protocol = 'ws:';
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  return url.toString();
}

function connect(
  options: { voiceId?: string; query?: Record<string, string>; headers?: Record<string, string> } = {},
): TestClient {
  const headers = options.headers ?? { 'xi-api-key': server.token };
  const client = new TestClient(new WebSocket(streamUrl(options.voiceId, options.query ?? {}), { headers }));
  clients.push(client);
  return client;
}

const BOS = { text: ' ', voice_settings: { stability: 0.5, similarity_boost: 0.8 } };
const EOS = { text: '' };

const STORY =
  'The lighthouse keeper climbed the stairs every evening at dusk. He wiped the salt from the glass, ' +
  'trimmed the wick, and watched the ships slide past the rocks. Nobody thanked him, and he did not mind. ' +
  'On stormy nights he sang old songs to keep himself awake, and the gulls answered from the cliffs. ' +
  'In the morning he wrote one line in the logbook and went to sleep until the afternoon came again';

/** The story, one word per message, the way an LLM feed arrives. */
function sendWordByWord(client: TestClient, text: string, extra: object = {}): void {
  for (const word of text.match(/\S+\s*/g) ?? []) client.send({ text: word, ...extra });
}

/** Listening servers and TCP sockets alive in this process. */
function liveTcp(): { servers: number; sockets: number } {
  const resources = process.getActiveResourcesInfo();
  return {
    servers: resources.filter((name) => name === 'TCPServerWrap').length,
    sockets: resources.filter((name) => name === 'TCPSocketWrap').length,
  };
}
const baseline = liveTcp();

beforeAll(async () => {
  voice = new OfflineVoice();
  await voice.warmUp();
  server = await startStreamServer({ voice });
});

afterAll(async () => {
  for (const client of clients) client.socket.terminate();
  await server.close();
  await voice.close();
  for (const client of clients) expect(client.socket.readyState).toBe(WebSocket.CLOSED);
  // Both ends of every socket lived in this process: nothing may be left open.
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(liveTcp().servers).toBe(baseline.servers);
  expect(liveTcp().sockets).toBeLessThanOrEqual(baseline.sockets);
});

describe('a complete exchange', () => {
  it('speaks the text, ends with the final frame and closes 1000', async () => {
    const client = connect({ query: { output_format: 'pcm_22050' } });
    await client.opened;
    client.send(BOS);
    sendWordByWord(client, STORY);
    client.send(EOS);
    const closed = await client.closed;
    expect(closed.code).toBe(1000);
    const last = client.frames[client.frames.length - 1];
    expect(last).toEqual({ audio: null, isFinal: true, normalizedAlignment: null, alignment: null });
    const audio = client.audioFrames;
    expect(audio.length).toBeGreaterThan(5);
    for (const frame of audio) {
      expect(frame.isFinal).toBeNull();
      expect(Object.keys(frame).sort()).toEqual(['alignment', 'audio', 'isFinal', 'normalizedAlignment']);
    }
    // All alignment, in order, is exactly the text sent: audio order is text order.
    expect(client.generations.join('')).toBe(STORY);
    // pcm_22050 is the engine's own rate: the audio lasts exactly as long as the generations.
    const alignedMs = audio
      .filter((frame) => frame.alignment)
      .map((frame) => {
        const a = frame.alignment!;
        return a.charStartTimesMs[a.chars.length - 1]! + a.charDurationsMs[a.chars.length - 1]!;
      })
      .reduce((sum, ms) => sum + ms, 0);
    const audioMs = (client.audioBytes.length / 2 / 22050) * 1000;
    expect(Math.abs(audioMs - alignedMs)).toBeLessThan(client.generations.length * 2);
    // Frames of at most 250 ms (11025 bytes at 22050 Hz), each well under 1 MiB.
    for (const frame of audio) expect(Buffer.from(frame.audio!, 'base64').length).toBeLessThanOrEqual(11026);
    for (const size of client.rawSizes) expect(size).toBeLessThan(1024 * 1024);
  });

  it('generates on the chunk length schedule: 120, then 160, then the rest at the end', async () => {
    // Without sentence ends the cuts are predictable: the last word boundary under each threshold.
    const text = STORY.replace(/[.,]/g, '').toLowerCase().slice(0, 400).trimEnd();
    const client = connect({ query: { output_format: 'pcm_16000' } });
    await client.opened;
    client.send(BOS);
    sendWordByWord(client, text);
    await client.until(() => client.generations.length === 2);
    const [first, second] = client.generations;
    expect(first!.length).toBeLessThanOrEqual(120);
    expect(first!.length).toBeGreaterThan(105);
    expect(second!.length).toBeLessThanOrEqual(160);
    expect(second!.length).toBeGreaterThan(145);
    for (const generation of [first!, second!]) expect(generation).toMatch(/\S $/);
    // About 125 characters remain: under the next threshold (250), so they wait for the end of input.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(client.generations).toHaveLength(2);
    client.send(EOS);
    expect((await client.closed).code).toBe(1000);
    expect(client.generations).toHaveLength(3);
    expect(client.generations.join('')).toBe(text);
  });

  it('honours a custom chunk_length_schedule from generation_config', async () => {
    const client = connect({ query: { output_format: 'ulaw_8000' } });
    await client.opened;
    client.send({ ...BOS, generation_config: { chunk_length_schedule: [50] } });
    sendWordByWord(client, STORY);
    await client.until(() => client.generations.length >= 6);
    client.send(EOS);
    expect((await client.closed).code).toBe(1000);
    for (const generation of client.generations.slice(0, -1))
      expect(generation.length).toBeLessThanOrEqual(50);
  });

  it('flush generates what is buffered at once, without isFinal, and the socket stays open', async () => {
    const client = connect();
    await client.opened;
    client.send(BOS);
    client.send({ text: 'Hello there. ', flush: true });
    await client.until(() => client.generations.length === 1);
    expect(client.generations[0]).toBe('Hello there. ');
    expect(client.frames.some((frame) => frame.isFinal)).toBe(false);
    // A bare flush (text " ") adds no text of its own.
    client.send({ text: 'Goodbye.' });
    client.send({ text: ' ', flush: true });
    await client.until(() => client.generations.length === 2);
    expect(client.frames.some((frame) => frame.isFinal)).toBe(false);
    client.send(EOS);
    expect((await client.closed).code).toBe(1000);
    expect(client.generations).toEqual(['Hello there. ', 'Goodbye.']);
  });

  it('speaks faster or slower with voice_settings.speed', async () => {
    const durationAt = async (speed: number): Promise<number> => {
      const client = connect({ query: { output_format: 'pcm_22050' } });
      await client.opened;
      client.send({ text: ' ', voice_settings: { speed } });
      client.send({ text: 'Counting the seconds that this sentence takes to say.' });
      client.send(EOS);
      expect((await client.closed).code).toBe(1000);
      return client.audioBytes.length / 2 / 22050;
    };
    const slow = await durationAt(0.7);
    const fast = await durationAt(1.2);
    expect(fast).toBeLessThan(slow * 0.8);
  });

  it('try_trigger_generation generates only above 50 buffered characters', async () => {
    const client = connect();
    await client.opened;
    client.send(BOS);
    client.send({ text: 'A short piece of text. ', try_trigger_generation: true });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(client.audioFrames).toHaveLength(0);
    client.send({ text: 'And now a little more, enough to cross fifty. ', try_trigger_generation: true });
    await client.until(() => client.generations.length === 1);
    expect(client.generations[0]).toBe(
      'A short piece of text. And now a little more, enough to cross fifty. ',
    );
    client.send(EOS);
    expect((await client.closed).code).toBe(1000);
  });

  it('auto_mode generates at each sentence end without waiting for the schedule', async () => {
    const client = connect({ query: { auto_mode: 'true' } });
    await client.opened;
    client.send(BOS);
    client.send({ text: 'Hi. ' });
    await client.until(() => client.generations.length === 1);
    client.send({ text: 'How are you? ' });
    await client.until(() => client.generations.length === 2);
    expect(client.generations).toEqual(['Hi. ', 'How are you? ']);
    client.send(EOS);
    expect((await client.closed).code).toBe(1000);
  });

  it('an EOS as the first text message ends at once with only the final frame', async () => {
    const client = connect();
    await client.opened;
    client.send(BOS);
    client.send(EOS);
    expect((await client.closed).code).toBe(1000);
    expect(client.frames.filter((frame) => frame.audio)).toHaveLength(0);
    expect(client.frames[client.frames.length - 1]?.isFinal).toBe(true);
  });
});

describe('alignment', () => {
  it('without sync_alignment only the first frame of each generation carries it', async () => {
    const client = connect({ query: { output_format: 'pcm_22050' } });
    await client.opened;
    client.send(BOS);
    client.send({
      text: 'One sentence that lasts a little while, long enough for several frames. ',
      flush: true,
    });
    client.send({ text: 'And another one after it.' });
    client.send(EOS);
    expect((await client.closed).code).toBe(1000);
    const audio = client.audioFrames;
    expect(audio.length).toBeGreaterThan(3);
    expect(audio[0]!.alignment).not.toBeNull();
    expect(audio.filter((frame) => frame.alignment)).toHaveLength(2);
    expect(audio[0]!.normalizedAlignment).toEqual(audio[0]!.alignment);
    const first = audio[0]!.alignment!;
    expect(first.charStartTimesMs[0]).toBe(0);
    expect(first.chars.length).toBe(first.charStartTimesMs.length);
    expect(first.chars.length).toBe(first.charDurationsMs.length);
  });

  it('with sync_alignment every frame carries the characters starting in it, relative to the frame', async () => {
    const text = 'Every frame should carry its own share of these characters, in order.';
    const client = connect({ query: { output_format: 'pcm_22050', sync_alignment: 'true' } });
    await client.opened;
    client.send(BOS);
    client.send({ text });
    client.send(EOS);
    expect((await client.closed).code).toBe(1000);
    const audio = client.audioFrames;
    expect(audio.length).toBeGreaterThan(3);
    for (const frame of audio) {
      expect(frame.alignment).not.toBeNull();
      const frameMs = (Buffer.from(frame.audio!, 'base64').length / 2 / 22050) * 1000;
      for (const start of frame.alignment!.charStartTimesMs) expect(start).toBeLessThanOrEqual(frameMs + 1);
    }
    expect(audio.map((frame) => frame.alignment!.chars.join('')).join('')).toBe(text);
    expect(audio.filter((frame) => frame.alignment!.chars.length > 0).length).toBeGreaterThan(1);
  });
});

describe('output formats', () => {
  it('sends MP3 by default and keeps one continuous MP3 stream across generations', async () => {
    const client = connect();
    await client.opened;
    client.send(BOS);
    client.send({ text: 'First part. ', flush: true });
    await client.until(() => client.generations.length === 1);
    client.send({ text: 'Second part.' });
    client.send(EOS);
    expect((await client.closed).code).toBe(1000);
    const bytes = client.audioBytes;
    expect(bytes.length).toBeGreaterThan(1000);
    expect(bytes[0]).toBe(0xff);
    expect((bytes[1]! & 0xe0) === 0xe0).toBe(true);
    // sox decodes the whole stream, and it lasts as long as the two generations together.
    const file = join(mkdtempSync(join(tmpdir(), 'hark-server-')), 'stream.mp3');
    writeFileSync(file, bytes);
    const seconds = Number(execFileSync('soxi', ['-D', file], { encoding: 'utf8' }).trim());
    rmSync(dirname(file), { recursive: true, force: true });
    const alignedMs = client.audioFrames
      .filter((frame) => frame.alignment)
      .map(({ alignment }) => alignment!.charStartTimesMs.at(-1)! + alignment!.charDurationsMs.at(-1)!)
      .reduce((sum, ms) => sum + ms, 0);
    expect(Math.abs(seconds * 1000 - alignedMs)).toBeLessThan(150);
  });

  it('a client in the same process gets the first MP3 frame before the rest of the generation is encoded', async () => {
    // The app reads its own offline server from the same event loop: if the server encoded a whole
    // generation in one go, every frame would land in the socket before the first could be read.
    const client = connect();
    let framesByFirstTurnEnd: number | undefined;
    client.socket.once('message', () =>
      setImmediate(() => (framesByFirstTurnEnd = client.audioFrames.length)),
    );
    await client.opened;
    client.send(BOS);
    client.send({ text: STORY.slice(0, 280), flush: true });
    client.send(EOS);
    expect((await client.closed).code).toBe(1000);
    expect(client.audioFrames.length).toBeGreaterThan(30);
    expect(framesByFirstTurnEnd).toBeLessThanOrEqual(3);
  });

  it('refuses opus with unsupported_format and 1008', async () => {
    const client = connect({ query: { output_format: 'opus_48000_64' } });
    await client.opened;
    client.send(BOS);
    const closed = await client.closed;
    expect(closed.code).toBe(1008);
    expect(client.frames[0]).toMatchObject({ error: 'unsupported_format', code: 1008 });
    expect(client.frames[0]?.message).toContain('opus_48000_64');
  });

  it('accepts the Python SDK model_id "Ellipsis" and every documented query parameter', async () => {
    const client = connect({
      query: {
        model_id: 'Ellipsis',
        output_format: 'alaw_8000',
        inactivity_timeout: '180',
        language_code: 'en',
        seed: '42',
        apply_text_normalization: 'off',
        enable_logging: 'false',
        enable_ssml_parsing: 'false',
      },
    });
    await client.opened;
    client.send(BOS);
    client.send({ text: 'Fine.' });
    client.send(EOS);
    expect((await client.closed).code).toBe(1000);
    expect(client.audioBytes.length).toBeGreaterThan(100);
  });
});

describe('errors', () => {
  it('closes an idle connection after inactivity_timeout with the documented message', async () => {
    const client = connect({ query: { inactivity_timeout: '1' } });
    await client.opened;
    client.send(BOS);
    const started = Date.now();
    const closed = await client.closed;
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(closed.code).toBe(1008);
    expect(client.frames[0]).toMatchObject({ error: 'input_timeout_exceeded', code: 1008 });
    expect(client.frames[0]?.message).toContain('within the timeout of 1 seconds');
    expect(Buffer.byteLength(closed.reason)).toBeLessThanOrEqual(123);
  });

  it('keep-alive messages reset the inactivity timer and add no text', async () => {
    const client = connect({ query: { inactivity_timeout: '1' } });
    await client.opened;
    client.send(BOS);
    client.send({ text: 'Still here.' });
    for (let i = 0; i < 4; i++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      client.send({ text: ' ' });
    }
    client.send(EOS);
    expect((await client.closed).code).toBe(1000);
    expect(client.generations).toEqual(['Still here.']);
  });

  it('answers malformed JSON with invalid_input_message and 1008', async () => {
    const client = connect();
    await client.opened;
    client.send(BOS);
    client.send('{"text": "unterminated');
    expect((await client.closed).code).toBe(1008);
    expect(client.frames[0]).toMatchObject({
      error: 'invalid_input_message',
      message:
        'Could not parse input message, make sure it is a json and follows the schema outlined in protocol.',
      code: 1008,
    });
  });

  it('answers a message outside the schema with invalid_input_message and 1008', async () => {
    const client = connect();
    await client.opened;
    client.send({ text: 42 });
    expect((await client.closed).code).toBe(1008);
    expect(client.frames[0]).toMatchObject({ error: 'invalid_input_message', code: 1008 });
  });

  it('answers every kind of broken first message with invalid_input_message and keeps serving', async () => {
    const broken: (string | Buffer)[] = [
      Buffer.from([1, 2, 3]),
      '[]',
      'null',
      '"text"',
      '{"text":null}',
      '{"text":"hi","flush":"yes"}',
      '{"text":" ","voice_settings":"loud"}',
      '{"text":" ","voice_settings":{"speed":"fast"}}',
      '{"text":" ","generation_config":{"chunk_length_schedule":[1]}}',
      '{"text":" ","xi_api_key":5}',
      `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
    ];
    for (const message of broken) {
      const client = connect();
      await client.opened;
      client.socket.send(message, { binary: Buffer.isBuffer(message) });
      expect((await client.closed).code).toBe(1008);
      expect(client.frames).toHaveLength(1);
      expect(client.frames[0]).toMatchObject({ error: 'invalid_input_message', code: 1008 });
    }
    const healthy = connect();
    await healthy.opened;
    healthy.send(BOS);
    healthy.send({ text: 'Still fine.' });
    healthy.send(EOS);
    expect((await healthy.closed).code).toBe(1000);
  });

  it('accepts repeated identical voice_settings but refuses changed ones', async () => {
    const client = connect();
    await client.opened;
    client.send(BOS);
    client.send({ text: 'Same settings. ', voice_settings: { similarity_boost: 0.8, stability: 0.5 } });
    client.send({ text: 'No settings. ', voice_settings: null });
    client.send({ text: 'Other settings.', voice_settings: { stability: 0.9 } });
    expect((await client.closed).code).toBe(1008);
    expect(client.frames[client.frames.length - 1]).toEqual({
      message:
        'voice_settings field must be provided in the first message and then either be not provided or not change.',
      error: 'invalid_input_message',
      code: 1008,
    });
  });

  it('refuses text sent after the end of input', async () => {
    const client = connect();
    await client.opened;
    client.send(BOS);
    client.send({ text: STORY, flush: true });
    client.send(EOS);
    client.send({ text: 'Too late.' });
    expect((await client.closed).code).toBe(1008);
    expect(client.frames[client.frames.length - 1]).toMatchObject({ error: 'invalid_input_message' });
    expect(client.frames[client.frames.length - 1]?.message).toContain('after the end of input');
  });

  it('refuses a message over 1 MiB with close code 1009 and keeps serving others', async () => {
    const client = connect();
    await client.opened;
    client.send(BOS);
    client.send({ text: 'x'.repeat(1024 * 1024 + 10) });
    expect((await client.closed).code).toBe(1009);
    const next = connect();
    await next.opened;
    next.send(BOS);
    next.send({ text: 'Still working.' });
    next.send(EOS);
    expect((await next.closed).code).toBe(1000);
  });

  it("reports an unknown voice as ElevenLabs' socket does, how to list voices, and 1008", async () => {
    const client = connect({ voiceId: '21m00Tcm4TlvDq8ikWAM' });
    await client.opened;
    client.send(BOS);
    const closed = await client.closed;
    expect(closed.code).toBe(1008);
    expect(client.frames[0]).toMatchObject({ error: 'voice_id_does_not_exist', code: 1008 });
    expect(client.frames[0]?.message).toMatch(
      /^A voice with voice_id 21m00Tcm4TlvDq8ikWAM does not exist\. .*GET \/v1\/voices/,
    );
  });

  it('a client that vanishes mid-generation does not disturb the next one', async () => {
    const client = connect();
    await client.opened;
    client.send(BOS);
    client.send({ text: STORY.repeat(5), flush: true });
    await client.until(() => client.audioFrames.length > 0);
    client.socket.terminate();
    await client.closed;
    const next = connect();
    await next.opened;
    next.send(BOS);
    next.send({ text: 'Next, please.' });
    next.send(EOS);
    expect((await next.closed).code).toBe(1000);
    expect(next.generations).toEqual(['Next, please.']);
  });
});

describe('authentication', () => {
  it('refuses a wrong xi-api-key header in-band with invalid_api_key and 1008', async () => {
    const client = connect({ headers: { 'xi-api-key': 'wrong' } });
    await client.opened;
    const closed = await client.closed;
    expect(closed).toEqual({ code: 1008, reason: 'Invalid API key' });
    expect(client.frames).toEqual([{ message: 'Invalid API key', error: 'invalid_api_key', code: 1008 }]);
  });

  it('asks for credentials when none came with the first message', async () => {
    const client = connect({ headers: {} });
    await client.opened;
    client.send(BOS);
    expect((await client.closed).code).toBe(1008);
    expect(client.frames[0]).toEqual({
      message:
        'None of the authentication methods (xi-api-key, authorization header, single-use token) were found.',
      error: 'authentication_required',
      code: 1008,
    });
  });

  it('takes the key from the first message in either spelling, or as a bearer token', async () => {
    for (const credentials of [
      { 'xi-api-key': server.token },
      { xi_api_key: server.token },
      { authorization: `Bearer ${server.token}` },
    ]) {
      const client = connect({ headers: {} });
      await client.opened;
      client.send({ ...BOS, ...credentials });
      client.send({ text: 'Yes.' });
      client.send(EOS);
      expect((await client.closed).code).toBe(1000);
    }
  });

  it('refuses a wrong key in the first message', async () => {
    const client = connect({ headers: {} });
    await client.opened;
    client.send({ ...BOS, xi_api_key: `${server.token}x` });
    expect((await client.closed).code).toBe(1008);
    expect(client.frames[0]).toMatchObject({ error: 'invalid_api_key' });
  });

  it('accepts an authorization: Bearer header', async () => {
    const client = connect({ headers: { authorization: `Bearer ${server.token}` } });
    await client.opened;
    client.send(BOS);
    client.send(EOS);
    expect((await client.closed).code).toBe(1000);
  });

  it('refuses a handshake with a browser Origin header (HTTP 403)', async () => {
    const socket = new WebSocket(streamUrl(), {
      headers: { 'xi-api-key': server.token },
      origin: 'https://example.com',
    });
    const client = new TestClient(socket);
    clients.push(client);
    await expect(client.opened).rejects.toThrow('HTTP 403');
  });

  it('refuses a handshake on any other path (HTTP 404)', async () => {
    const url = new URL(`/v1/text-to-speech/${VOICE}/multi-stream-input`, server.url.replace('http', 'ws'));
    const client = new TestClient(new WebSocket(url, { headers: { 'xi-api-key': server.token } }));
    clients.push(client);
    await expect(client.opened).rejects.toThrow('HTTP 404');
  });
});

describe('HTTP routes', () => {
  const get = (
    path: string,
    headers: Record<string, string> = { 'xi-api-key': server.token },
  ): Promise<Response> => fetch(new URL(path, server.url), { headers });

  it('GET /v1/voices lists the offline voices in the ElevenLabs shape', async () => {
    const response = await get('/v1/voices');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    const body = (await response.json()) as { voices: Record<string, unknown>[] };
    expect(body.voices.length).toBeGreaterThan(0);
    const english = body.voices.find((entry) => entry.voice_id === VOICE);
    expect(english).toMatchObject({
      category: 'premade',
      available_for_tiers: [],
      high_quality_base_model_ids: [],
      preview_url: null,
      labels: { language: expect.any(String) as unknown },
    });
    expect(typeof english?.name).toBe('string');
    expect(body.voices.length).toBe((await voice.voices()).length);
  });

  it('GET /v1/models returns one text-to-speech model', async () => {
    const response = await get('/v1/models');
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>[];
    expect(body).toHaveLength(1);
    expect(body[0]).toMatchObject({ model_id: 'hark_offline_v1', can_do_text_to_speech: true });
    expect((body[0]!.languages as unknown[]).length).toBeGreaterThan(0);
  });

  it('refuses a missing or wrong key with 401 invalid_api_key', async () => {
    const refused: Record<string, string>[] = [{}, { 'xi-api-key': 'nope' }];
    for (const headers of refused) {
      const response = await get('/v1/voices', headers);
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({
        detail: { status: 'invalid_api_key', message: 'Invalid API key' },
      });
    }
    expect((await get('/v1/models', { authorization: `Bearer ${server.token}` })).status).toBe(200);
  });

  it('answers unknown routes with 404 JSON and browser origins with 403', async () => {
    const missing = await get('/v1/user/nothing');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { detail: { status: string } }).detail.status).toBe('not_found');
    const browser = await get('/v1/voices', { 'xi-api-key': server.token, origin: 'https://example.com' });
    expect(browser.status).toBe(403);
    await browser.body?.cancel();
  });
});

describe('server lifecycle', () => {
  it('refuses a non-loopback host', async () => {
    await expect(startStreamServer({ host: '0.0.0.0', voice })).rejects.toThrow(/loopback/);
  });

  it('close() ends open connections and frees the port; an owned engine is closed with it', async () => {
    const own = await startStreamServer({ token: 'fixed-token' });
    expect(own.token).toBe('fixed-token');
    expect(own.url).toBe(`http://127.0.0.1:${own.port}`);
    const url = `ws://127.0.0.1:${own.port}/v1/text-to-speech/${VOICE}/stream-input`;
    const client = new TestClient(new WebSocket(url, { headers: { 'xi-api-key': 'fixed-token' } }));
    await client.opened;
    client.send(BOS);
    client.send({ text: 'Hello from a server of its own.', flush: true });
    await client.until(() => client.audioFrames.length > 0);
    await own.close();
    expect((await client.closed).code).toBe(1001);
    const late = new TestClient(new WebSocket(url, { headers: { 'xi-api-key': 'fixed-token' } }));
    await expect(late.opened).rejects.toThrow(/ECONNREFUSED/);
  });
});
