// Narration end to end against the real offline stream-input server (the espeak-ng engine in its
// worker thread), through the real client session, with a sink whose listener follows the wall clock.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_OFFLINE_VOICE_ID } from '../main/engine/offline-voice';
import { startStreamServer } from '../main/engine/stream-server';
import type { RunningStreamServer } from '../main/engine/stream-server';
import { Narration } from '../main/speech/narration';
import type { AudioSink, NarrationSource, WordBoundary } from '../main/speech/narration';
import type { AudioChunk } from '../main/speech/session';
import { liveHandles } from './helpers/scripted-server';
import { until } from './helpers/until';

/** Plays in real time from the first audio on: heard = min(received, time since the first chunk). */
class WallClockSink implements AudioSink {
  readonly chunks: AudioChunk[] = [];
  receivedMs = 0;
  firstAudioAt: number | undefined;
  ended = false;

  write(chunk: AudioChunk): void {
    this.chunks.push(chunk);
    this.receivedMs += chunk.durationMs;
    if (chunk.audio.length > 0) this.firstAudioAt ??= Date.now();
  }

  playedMs(): number {
    if (this.firstAudioAt === undefined) return 0;
    return Math.min(this.receivedMs, Date.now() - this.firstAudioAt);
  }

  end(): Promise<void> {
    // Tests don't sit through the playback of what is left.
    this.ended = true;
    return Promise.resolve();
  }
}

function longText(chars: number): string {
  const sentences = [
    'The offline voice reads this text one sentence at a time. ',
    'Nothing is generated much further ahead than the listener has heard. ',
    'So stopping early wastes very little work, e.g. after a second or two. ',
  ];
  let text = '';
  for (let i = 0; text.length < chars; i++) text += sentences[i % sentences.length];
  return text.slice(0, chars);
}

async function* tokens(text: string): AsyncGenerator<string> {
  for (const token of text.match(/\S+|\s+/g) ?? []) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    yield token;
  }
}

function spoken(text: string, words: WordBoundary[]): string[] {
  return words.map((w) => text.slice(w.textOffset, w.textOffset + w.length));
}

function expectInOrder(words: WordBoundary[]): void {
  expect(words.map((w) => w.index)).toEqual([...words.keys()]);
  for (let i = 1; i < words.length; i++) {
    const [previous, word] = [words[i - 1]!, words[i]!];
    expect(word.textOffset).toBeGreaterThan(previous.textOffset);
    expect(word.startMs).toBeGreaterThanOrEqual(previous.startMs);
  }
  // Some time actually passes over the reading.
  expect(words.at(-1)!.startMs).toBeGreaterThan(words[0]!.startMs);
}

let server: RunningStreamServer;

beforeAll(async () => {
  server = await startStreamServer();
}, 60_000);

afterAll(async () => {
  await server.close();
});

function narration(source: NarrationSource, sink: AudioSink): Narration {
  return new Narration({
    session: {
      baseUrl: server.url,
      apiKey: server.token,
      voiceId: DEFAULT_OFFLINE_VOICE_ID,
      query: { output_format: 'pcm_16000' },
    },
    source,
    sink,
  });
}

describe('Narration with the offline server', () => {
  it('reads a text: audio arrives, words come in order with increasing times', async () => {
    const text = 'Hello from Hark. This is the offline voice, reading two short sentences.';
    const sink = new WallClockSink();
    const job = narration({ kind: 'text', text }, sink);
    const live: WordBoundary[] = [];
    job.on('word', (word) => live.push(word));
    const result = await job.run();

    expect(sink.chunks.some((c) => c.audio.length > 0)).toBe(true);
    expect(result.audioMs).toBeGreaterThan(1000);
    expect(sink.ended).toBe(true);
    expect(spoken(text, live)).toEqual(text.split(' '));
    expectInOrder(live);
    expect(live.at(-1)!.startMs).toBeLessThan(result.audioMs);
    expect(result.charactersSent).toBeGreaterThanOrEqual(text.length);
  });

  it('a cancel after about a second of a long text leaves most of it unsent and closes the socket', async () => {
    const text = longText(20_000);
    const sink = new WallClockSink();
    const baseline = liveHandles().sockets;
    const job = narration({ kind: 'text', text }, sink);
    const words: WordBoundary[] = [];
    job.on('word', (word) => words.push(word));
    const running = job.run();
    running.catch(() => undefined);

    await until(() => sink.playedMs() >= 1000);
    job.cancel();
    await expect(running).rejects.toMatchObject({ name: 'SpeechError', code: 'aborted' });
    expect(job.state.kind).toBe('cancelled');
    expect(job.charactersSent).toBeGreaterThan(0);
    expect(job.charactersSent).toBeLessThan(text.length / 20);
    expect(words.length).toBeGreaterThan(0);
    expectInOrder(words);
    // Both ends of the WebSocket live in this process: they go away.
    await until(() => liveHandles().sockets <= baseline, 5000);
  });

  it('reads streamed text as it arrives, to the end', async () => {
    const text = 'Streaming works too. Words arrive one by one, like an LLM writing';
    const sink = new WallClockSink();
    const job = narration({ kind: 'stream', chunks: tokens(text) }, sink);
    const words: WordBoundary[] = [];
    job.on('word', (word) => words.push(word));
    const result = await job.run();

    expect(result.audioMs).toBeGreaterThan(1000);
    expect(spoken(text, words)).toEqual(text.split(' '));
    expectInOrder(words);
  });

  it('an empty stream ends cleanly', async () => {
    const sink = new WallClockSink();
    const result = await narration({ kind: 'stream', chunks: tokens('') }, sink).run();
    expect(result).toEqual({ charactersSent: 0, audioMs: 0 });
    expect(sink.ended).toBe(true);
  });
});
