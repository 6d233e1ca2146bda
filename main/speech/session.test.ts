// The session against a scripted real WebSocket server: what it sends, and how it assembles audio
// and timing. Failure paths live in tests/session-errors.test.ts.
import { afterEach, describe, expect, it } from 'vitest';
import { pcmSilence, startScriptedServer } from '../../tests/helpers/scripted-server';
import type { ConnectionScript, ScriptedServer } from '../../tests/helpers/scripted-server';
import { Mp3FrameMeter } from './audio-duration';
import { createEncoder } from '../engine/encoders';
import { parseOutputFormat } from '../../shared/protocol';
import type { Alignment, FormatInfo } from '../../shared/protocol';
import { StreamSession, keepAliveIntervalMs } from './session';
import type { AudioChunk, SessionConfig, SessionState } from './session';

let server: ScriptedServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(script: ConnectionScript): Promise<ScriptedServer> {
  server = await startScriptedServer(script);
  return server;
}

function sessionFor(running: ScriptedServer, config: Partial<SessionConfig> = {}): StreamSession {
  return new StreamSession({
    baseUrl: running.url,
    voiceId: 'voice-1',
    apiKey: 'sk_test_key',
    query: { output_format: 'pcm_16000' },
    ...config,
  });
}

function align(text: string, starts: number[], durations: number[]): Alignment {
  return { chars: Array.from(text), charStartTimesMs: starts, charDurationsMs: durations };
}

function record(session: StreamSession): { states: string[]; chunks: AudioChunk[] } {
  const states: string[] = [];
  const chunks: AudioChunk[] = [];
  session.on('state', (s: SessionState) => states.push(s.kind));
  session.on('audio', (c) => chunks.push(c));
  return { states, chunks };
}

describe('StreamSession happy path', () => {
  it('sends BOS, text and EOS, and turns frames into timed audio chunks', async () => {
    const running = await serve(async (c) => {
      await c.accept();
      await c.nextMessage(); // BOS
      await c.waitForEndOfInput();
      c.sendAudio(pcmSilence(300, 16000), { alignment: align('Hi ', [0, 100, 200], [100, 100, 100]) });
      c.sendAudio(pcmSilence(200, 16000), { alignment: align('yo', [20, 120], [100, 80]) });
      c.sendFinal();
      c.close(1000);
    });
    const session = sessionFor(running, {
      voiceSettings: { stability: 0.4, similarity_boost: 0.8, speed: 1.1 },
      generationConfig: { chunk_length_schedule: [50, 120] },
      query: { output_format: 'pcm_16000', model_id: 'eleven_flash_v2_5', sync_alignment: true },
    });
    const { states, chunks } = record(session);

    await session.connect();
    session.send('Hi', { flush: true });
    session.send('yo');
    session.end();
    await session.finished();

    expect(states).toEqual(['connecting', 'open', 'ending', 'done']);
    const connection = running.connections[0]!;
    expect(connection.url.pathname).toBe('/v1/text-to-speech/voice-1/stream-input');
    expect(connection.url.searchParams.get('model_id')).toBe('eleven_flash_v2_5');
    expect(connection.url.searchParams.get('output_format')).toBe('pcm_16000');
    expect(connection.url.searchParams.get('sync_alignment')).toBe('true');
    expect(connection.headers['xi-api-key']).toBe('sk_test_key');
    expect(connection.messages).toEqual([
      {
        text: ' ',
        voice_settings: { stability: 0.4, similarity_boost: 0.8, speed: 1.1 },
        generation_config: { chunk_length_schedule: [50, 120] },
      },
      { text: 'Hi ', flush: true },
      { text: 'yo ' },
      { text: '' },
    ]);
    expect(session.charactersSent).toBe(6);

    expect(chunks.map((c) => [c.audio.length, c.startMs, c.durationMs])).toEqual([
      [9600, 0, 300],
      [6400, 300, 200],
    ]);
    expect(chunks.flatMap((c) => c.chars)).toEqual([
      { char: 'H', startMs: 0, durationMs: 100 },
      { char: 'i', startMs: 100, durationMs: 100 },
      { char: ' ', startMs: 200, durationMs: 100 },
      { char: 'y', startMs: 320, durationMs: 100 },
      { char: 'o', startMs: 420, durationMs: 80 },
    ]);
  });

  it('times a whole generation from its first frame and falls back to normalizedAlignment', async () => {
    const running = await serve(async (c) => {
      await c.accept();
      await c.waitForEndOfInput();
      // sync_alignment=false: only the first frame of the generation carries timing.
      c.sendAudio(pcmSilence(100, 16000), {
        normalizedAlignment: align(' ab', [0, 50, 150], [50, 100, 100]),
      });
      c.sendAudio(pcmSilence(150, 16000));
      c.sendAudio(pcmSilence(100, 16000), { alignment: align('c', [10], [60]) });
      c.sendFinal();
      c.close(1000);
    });
    const session = sessionFor(running);
    const { chunks } = record(session);
    await session.connect();
    session.send('ab c');
    session.end();
    await session.finished();

    expect(chunks.map((c) => c.startMs)).toEqual([0, 100, 250]);
    expect(chunks[1]!.chars).toEqual([]);
    expect(chunks.flatMap((c) => c.chars.map((t) => [t.char, t.startMs]))).toEqual([
      [' ', 0],
      ['a', 50],
      ['b', 150],
      ['c', 260],
    ]);
  });

  it('measures mp3 chunks from their frame headers, even when a frame is split between messages', async () => {
    const encoder = await createEncoder(parseOutputFormat('mp3_44100_128') as FormatInfo, 44100);
    const pcm = Int16Array.from({ length: 22050 }, (_, i) => Math.round(6000 * Math.sin(i / 9)));
    const mp3 = Uint8Array.from([...encoder.encode(pcm), ...encoder.end()]);
    const cut = Math.floor(mp3.length / 2) + 7; // almost surely mid-frame
    const running = await serve(async (c) => {
      await c.accept();
      await c.waitForEndOfInput();
      c.sendAudio(mp3.subarray(0, cut));
      c.sendAudio(mp3.subarray(cut));
      c.sendFinal();
      c.close(1000);
    });
    const session = sessionFor(running, { query: { output_format: 'mp3_44100_128' } });
    const { chunks } = record(session);
    await session.connect();
    session.send('Some words');
    session.end();
    await session.finished();

    const whole = new Mp3FrameMeter();
    whole.add(mp3);
    expect(chunks).toHaveLength(2);
    expect(chunks[1]!.startMs).toBe(chunks[0]!.durationMs);
    expect(chunks[0]!.durationMs + chunks[1]!.durationMs).toBeCloseTo(whole.totalMs, 6);
    expect(whole.totalMs).toBeGreaterThanOrEqual(500);
    expect(Buffer.concat(chunks.map((c) => c.audio)).equals(Buffer.from(mp3))).toBe(true);
  });

  it('accepts a 1000 close after the end of input without a final frame', async () => {
    const running = await serve(async (c) => {
      await c.accept();
      await c.waitForEndOfInput();
      c.sendAudio(pcmSilence(50, 16000));
      c.close(1000);
    });
    const session = sessionFor(running);
    const { chunks } = record(session);
    await session.connect();
    session.send('Hello.', { flush: true });
    session.end();
    await session.finished();
    expect(session.state).toEqual({ kind: 'done' });
    expect(chunks).toHaveLength(1);
  });

  it('closes by itself when the server sends the final frame but never closes', async () => {
    const running = await serve(async (c) => {
      await c.accept();
      await c.waitForEndOfInput();
      c.sendAudio(pcmSilence(50, 16000));
      c.sendFinal();
    });
    const session = sessionFor(running);
    await session.connect();
    session.send('Hello.');
    session.end();
    await session.finished();
    expect(session.state.kind).toBe('done');
    // The client started the close handshake; the server saw a clean close.
    await expect(running.connections[0]!.closed).resolves.toMatchObject({ code: 1000 });
  });

  it('sends keep-alives while idle, which are not billed, and none after the end of input', async () => {
    const running = await serve(async (c) => {
      await c.accept();
      await c.waitForEndOfInput(10_000);
      c.sendFinal();
      c.close(1000);
    });
    const session = sessionFor(running, { query: { output_format: 'pcm_16000', inactivity_timeout: 1 } });
    await session.connect();
    session.send('One');
    await new Promise((resolve) => setTimeout(resolve, 1700));
    session.end();
    await session.finished();
    const messages = running.connections[0]!.messages;
    const keepAlives = messages.slice(2, -1);
    expect(keepAlives.length).toBeGreaterThanOrEqual(1);
    expect(keepAlives.length).toBeLessThanOrEqual(3);
    for (const message of keepAlives) expect(message).toEqual({ text: ' ' });
    expect(messages.at(-1)).toEqual({ text: '' });
    expect(session.charactersSent).toBe(4);
  });

  it('counts billed characters as code points, skips blank text and sends a bare flush unbilled', async () => {
    const running = await serve(async (c) => {
      await c.accept();
      await c.waitForEndOfInput();
      c.close(1000);
    });
    const session = sessionFor(running);
    await session.connect();
    session.send('héllo 👋');
    session.send('   \n');
    session.send('');
    session.send('', { flush: true });
    session.send('ok ', { flush: true });
    session.end();
    session.end(); // a second end is harmless
    await session.finished();
    expect(running.connections[0]!.messages.slice(1)).toEqual([
      { text: 'héllo 👋 ' },
      { text: ' ', flush: true },
      { text: 'ok ', flush: true },
      { text: '' },
    ]);
    expect(session.charactersSent).toBe(8 + 3);
  });

  it('awaitAudio: a server that stopped part-way through a generation is timed out', async () => {
    const running = await serve(async (c) => {
      await c.accept();
      await c.nextMessage(); // BOS
      await c.nextMessage();
      c.sendAudio(pcmSilence(100, 16000), { alignment: align('Hi', [0, 50], [50, 50]) });
      // ...and then nothing more for this text, nor for the next one.
    });
    const session = sessionFor(running, { timeouts: { silenceMs: 200 } });
    await session.connect();
    session.send('Hi there, and a lot more text.', { flush: true });
    await new Promise<void>((resolve) => session.on('audio', () => resolve()));
    // The frame answered the text as far as the session can tell: it would wait forever.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(session.state.kind).toBe('open');
    session.awaitAudio();
    await expect(session.finished()).rejects.toMatchObject({ code: 'silence_timeout' });
    session.awaitAudio(); // once it is over, nothing happens
  });

  it('refuses send and end outside an open session, and ignores them once it is over', async () => {
    const running = await serve(async (c) => {
      await c.accept();
    });
    const session = sessionFor(running);
    expect(() => session.send('early')).toThrow(/open session/);
    expect(() => session.end()).toThrow(/open session/);
    const connecting = session.connect();
    // A session opened ahead is connected again by its reader: the same opening.
    expect(session.connect()).toBe(connecting);
    await connecting;
    session.cancel();
    await expect(session.connect()).rejects.toThrow(/idle session/);
    expect(() => session.send('late')).not.toThrow();
    expect(() => session.end()).not.toThrow();
    expect(session.state.kind).toBe('cancelled');
    await expect(session.finished()).rejects.toMatchObject({ code: 'aborted' });
  });

  it('keeps working when a listener throws', async () => {
    const running = await serve(async (c) => {
      await c.accept();
      await c.waitForEndOfInput();
      c.sendAudio(pcmSilence(50, 16000));
      c.sendAudio(pcmSilence(50, 16000));
      c.sendFinal();
      c.close(1000);
    });
    const session = sessionFor(running);
    const received: number[] = [];
    const originalError = console.error;
    const reported: unknown[] = [];
    console.error = (...args: unknown[]) => reported.push(args);
    try {
      session.on('audio', () => {
        throw new Error('listener bug');
      });
      session.on('audio', (c) => received.push(c.startMs));
      await session.connect();
      session.send('x');
      session.end();
      await session.finished();
    } finally {
      console.error = originalError;
    }
    expect(received).toEqual([0, 50]);
    expect(reported).toHaveLength(2);
  });
});

describe('keepAliveIntervalMs', () => {
  it('fires before the inactivity timeout', () => {
    expect(keepAliveIntervalMs(20)).toBe(15_000);
    expect(keepAliveIntervalMs(180)).toBe(175_000);
    expect(keepAliveIntervalMs(1)).toBe(750);
  });
});
