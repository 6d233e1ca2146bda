// The client session against the real offline stream-input server (espeak-ng in its worker): audio
// arrives in the requested format and the assembled timeline covers the text, in order, in time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStreamServer } from '../main/engine/stream-server';
import type { RunningStreamServer } from '../main/engine/stream-server';
import { defaultMessage } from '../shared/speech-errors';
import type { OutputFormat } from '../shared/protocol';
import { StreamSession } from '../main/speech/session';
import type { AudioChunk, SessionConfig, TimedChar } from '../main/speech/session';
import { liveHandles } from './helpers/scripted-server';

let server: RunningStreamServer;
let socketsBefore: number;

beforeAll(async () => {
  socketsBefore = liveHandles().sockets;
  server = await startStreamServer();
});

afterAll(async () => {
  await server.close();
  const deadline = Date.now() + 2000;
  while (Date.now() < deadline && liveHandles().sockets > socketsBefore) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  expect(liveHandles().sockets).toBe(socketsBefore);
});

const SENTENCES = ['Hark reads text aloud. ', 'It works offline, too! ', 'Numbers like 42 are fine.'];
const TEXT = SENTENCES.join('');

async function speak(
  format: OutputFormat,
  config: Partial<SessionConfig> = {},
): Promise<{ session: StreamSession; chunks: AudioChunk[]; chars: TimedChar[] }> {
  const session = new StreamSession({
    baseUrl: server.url,
    apiKey: server.token,
    voiceId: 'en-us',
    query: { output_format: format },
    ...config,
  });
  const chunks: AudioChunk[] = [];
  session.on('audio', (chunk) => chunks.push(chunk));
  await session.connect();
  // One flush per sentence, so the stream holds several generations to stitch together.
  for (const sentence of SENTENCES) session.send(sentence, { flush: true });
  session.end();
  await session.finished();
  return { session, chunks, chars: chunks.flatMap((c) => c.chars) };
}

function expectTimelineCoversText(chunks: AudioChunk[], chars: TimedChar[], toleranceMs: number): void {
  // Every character of the text, in order (the server may leave out the trailing space we add).
  expect(
    chars
      .map((c) => c.char)
      .join('')
      .trimEnd(),
  ).toBe(TEXT.trimEnd());
  for (let i = 1; i < chars.length; i++) {
    expect(chars[i]!.startMs).toBeGreaterThanOrEqual(chars[i - 1]!.startMs);
  }
  for (const c of chars) expect(c.durationMs).toBeGreaterThanOrEqual(0);
  // Chunks tile the audio timeline without gaps.
  let clock = 0;
  for (const chunk of chunks) {
    expect(chunk.startMs).toBeCloseTo(clock, 6);
    clock += chunk.durationMs;
  }
  const last = chars.at(-1)!;
  expect(Math.abs(last.startMs + last.durationMs - clock)).toBeLessThanOrEqual(toleranceMs);
  // Each sentence starts later than the one before: the generations were stitched in order.
  const sentenceStarts = SENTENCES.map((_, i) => {
    const offset = SENTENCES.slice(0, i).join('').length;
    return chars[offset]!.startMs;
  });
  expect(sentenceStarts[1]!).toBeGreaterThan(sentenceStarts[0]!);
  expect(sentenceStarts[2]!).toBeGreaterThan(sentenceStarts[1]!);
}

describe('StreamSession against the offline server', () => {
  it('streams pcm_22050 whose timeline covers the text and ends with the audio', async () => {
    const { session, chunks, chars } = await speak('pcm_22050');
    expect(session.state.kind).toBe('done');
    expect(session.charactersSent).toBe(TEXT.length + 1); // the last sentence got its trailing space

    const bytes = chunks.reduce((n, c) => n + c.audio.length, 0);
    const totalMs = chunks.reduce((n, c) => n + c.durationMs, 0);
    expect(totalMs).toBeCloseTo((bytes / 2 / 22050) * 1000, 6);
    expect(totalMs).toBeGreaterThan(2000); // three sentences of speech
    // Speech, not silence: some samples are loud.
    const pcm = Uint8Array.from(Buffer.concat(chunks.map((c) => c.audio)));
    const samples = new Int16Array(pcm.buffer, 0, Math.floor(pcm.length / 2));
    expect(samples.reduce((max, s) => Math.max(max, Math.abs(s)), 0)).toBeGreaterThan(1000);

    // pcm at the engine's own rate: the timeline ends exactly with the audio (rounding aside).
    expectTimelineCoversText(chunks, chars, 5);
  });

  it('streams mp3_44100_128 measured from its frame headers, with the same timeline', async () => {
    const { session, chunks, chars } = await speak('mp3_44100_128', {
      query: { output_format: 'mp3_44100_128', sync_alignment: true },
    });
    expect(session.state.kind).toBe('done');
    const audio = Buffer.concat(chunks.map((c) => c.audio));
    expect(audio[0]).toBe(0xff); // starts on a frame sync
    const totalMs = chunks.reduce((n, c) => n + c.durationMs, 0);
    expect(totalMs).toBeGreaterThan(2000);
    // The encoder adds delay and padding (a few 26 ms frames), so "near" is looser than for pcm.
    expectTimelineCoversText(chunks, chars, 250);
  });

  it('an unknown voice fails with voice_not_found, as a deleted ElevenLabs voice does', async () => {
    const session = new StreamSession({
      baseUrl: server.url,
      apiKey: server.token,
      voiceId: 'deleted-voice',
      query: { output_format: 'pcm_22050' },
    });
    await session.connect();
    session.send('Hello.', { flush: true });
    await expect(session.finished()).rejects.toMatchObject({
      code: 'voice_not_found',
      status: 1008,
      message: defaultMessage('voice_not_found'),
    });
  });
});
