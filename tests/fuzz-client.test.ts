// Fuzzing the client's receiver: a real loopback server sends random frames to a real StreamSession
// (audio of every format with nonsense bytes, alignment of any shape, error frames, finals, non-JSON,
// invalid UTF-8, binary, huge and deeply nested frames, then a random way of ending). Whatever it
// gets, a session must end with a result or one of the stable error codes, keep its audio timeline
// contiguous, leave no socket or timer behind, and give its memory back.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPEECH_ERROR_CODES, SpeechError } from '../shared/speech-errors';
import type { OutputFormat } from '../shared/protocol';
import { StreamSession } from '../main/speech/session';
import type { AudioChunk } from '../main/speech/session';
import { canForceGc, fuzzFrame, heapAfterGc, serverFrameLike } from './helpers/fuzz-frames';
import type { FuzzFrame } from './helpers/fuzz-frames';
import { liveHandles, startScriptedServer, trackTimers } from './helpers/scripted-server';
import type { ScriptedConnection, ScriptedServer } from './helpers/scripted-server';

/** New rounds start only within this time (HARK_FUZZ_MS for a longer run). */
const FUZZ_BUDGET_MS = Number(process.env.HARK_FUZZ_MS ?? 6000);
/** Short, so that sessions left in silence end quickly (their timeout is one of the endings tested). */
const TIMEOUTS = { connectMs: 5000, firstAudioMs: 400, silenceMs: 400 };

type Ending = 'final' | 'close' | 'drop' | 'silence';

interface Plan {
  frames: FuzzFrame[];
  ending: Ending;
  closeCode: number;
}

/** A valid frame now and then, so sessions get far enough to time audio and meet later frames. */
const goodAudio = fc
  .record({ samples: fc.nat(800), chars: fc.string({ maxLength: 6 }) })
  .map(({ samples, chars }) => ({
    audio: Buffer.alloc(samples * 2).toString('base64'),
    isFinal: null,
    alignment: {
      chars: [...chars],
      charStartTimesMs: [...chars].map((_, i) => i * 10),
      charDurationsMs: [...chars].map(() => 10),
    },
    normalizedAlignment: null,
  }));

const plan: fc.Arbitrary<Plan> = fc.record({
  frames: fc.array(
    fc.oneof(
      { weight: 3, arbitrary: fuzzFrame(serverFrameLike) },
      {
        weight: 2,
        arbitrary: goodAudio.map((frame): FuzzFrame => ({ kind: 'text', data: JSON.stringify(frame) })),
      },
    ),
    { maxLength: 16 },
  ),
  ending: fc.constantFrom<Ending>('final', 'close', 'drop', 'silence'),
  closeCode: fc.constantFrom(1000, 1001, 1008, 1011, 3000, 4999),
});

const format = fc.constantFrom<OutputFormat>('pcm_16000', 'mp3_44100_128', 'ulaw_8000', 'opus_48000_64');

let server: ScriptedServer;
const plans = new Map<string, Plan>();
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => void unhandled.push(reason);

function send(c: ScriptedConnection, frame: FuzzFrame): void {
  if (frame.kind === 'text') c.sendRaw(frame.data);
  else c.sendRaw(frame.data, { binary: frame.kind === 'binary' });
}

/** The server side: the plan is found by the voice id in the path. */
async function play(c: ScriptedConnection): Promise<void> {
  const id = decodeURIComponent(c.url.pathname.split('/')[3] ?? '');
  const script = plans.get(id);
  await c.accept();
  if (!script) return c.close(1011, 'no plan');
  await c.nextMessage(); // BOS
  await c.waitForMessage((m) => typeof m === 'object' && m !== null && 'flush' in m);
  for (const frame of script.frames) send(c, frame);
  if (script.ending === 'final') {
    c.sendFinal();
    c.close(1000);
  } else if (script.ending === 'close') c.close(script.closeCode, 'fuzz');
  else if (script.ending === 'drop') c.drop();
  // 'silence': nothing more; the session's own timeout must end it.
}

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  server = await startScriptedServer(play);
});

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await server.close();
});

interface Outcome {
  chunks: AudioChunk[];
  error: unknown;
}

async function receive(id: string, outputFormat: OutputFormat): Promise<Outcome> {
  const session = new StreamSession({
    baseUrl: server.url,
    apiKey: 'sk_fuzz',
    voiceId: id,
    query: { output_format: outputFormat },
    timeouts: TIMEOUTS,
    // Random frames of unknown shapes are ignored with a notice; the notices would only be noise.
    log: () => undefined,
  });
  const chunks: AudioChunk[] = [];
  session.on('audio', (chunk) => chunks.push(chunk));
  let error: unknown;
  try {
    await session.connect();
    session.send('Some text to speak.', { flush: true });
    session.end();
    await session.finished();
  } catch (caught) {
    error = caught;
  }
  return { chunks, error };
}

function expectWellBehaved({ chunks, error }: Outcome): void {
  if (error !== undefined) {
    expect(error).toBeInstanceOf(SpeechError);
    const code = (error as SpeechError).code;
    expect(SPEECH_ERROR_CODES).toContain(code);
    // Nobody aborted and the server always answered the handshake.
    expect(['aborted', 'connect_timeout']).not.toContain(code);
    expect((error as SpeechError).message).toMatch(/\S/);
  }
  let clock = 0;
  let lastCharStart = 0;
  for (const chunk of chunks) {
    expect(chunk.startMs).toBeCloseTo(clock, 6);
    expect(Number.isFinite(chunk.durationMs) && chunk.durationMs >= 0).toBe(true);
    clock += chunk.durationMs;
    for (const char of chunk.chars) {
      expect(char.startMs).toBeGreaterThanOrEqual(lastCharStart);
      expect(char.durationMs).toBeGreaterThanOrEqual(0);
      lastCharStart = char.startMs;
    }
  }
}

describe('the client under random frames', () => {
  it('ends every session with a result or a stable error code, and leaves nothing behind', async ({
    annotate,
  }) => {
    const socketsBefore = liveHandles().sockets;
    const heapBefore = heapAfterGc();
    const timers = trackTimers();
    let sessions = 0;
    let frames = 0;
    const codes = new Map<string, number>();
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(plan, format), { minLength: 12, maxLength: 12 }),
          async (batch) => {
            const outcomes = await Promise.all(
              batch.map(([script, outputFormat]) => {
                const id = `fuzz-${sessions++}`;
                plans.set(id, script);
                frames += script.frames.length;
                return receive(id, outputFormat).finally(() => plans.delete(id));
              }),
            );
            for (const outcome of outcomes) {
              expectWellBehaved(outcome);
              const code = outcome.error instanceof SpeechError ? outcome.error.code : 'done';
              codes.set(code, (codes.get(code) ?? 0) + 1);
            }
          },
        ),
        {
          numRuns: 100,
          interruptAfterTimeLimit: FUZZ_BUDGET_MS,
          markInterruptAsFailure: false,
          seed: Number(process.env.HARK_FUZZ_SEED ?? Date.now() % 2 ** 31),
        },
      );
      await annotate(
        `${frames} random frames to ${sessions} sessions: ${JSON.stringify(Object.fromEntries(codes))}`,
      );
      expect(sessions).toBeGreaterThanOrEqual(12);
      expect(unhandled).toEqual([]);
      // Every session cleared its timers (ws's own included) and closed its socket.
      await expect.poll(() => timers.pending(), { timeout: 5000 }).toBe(0);
    } finally {
      timers.restore();
    }
    await expect.poll(() => liveHandles().sockets, { timeout: 5000 }).toBeLessThanOrEqual(socketsBefore);
    const growth = heapAfterGc() - heapBefore;
    expect(growth).toBeLessThan((canForceGc() ? 30 : 150) * 1024 * 1024);
  });
});
