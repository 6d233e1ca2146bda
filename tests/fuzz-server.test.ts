// Fuzzing the offline stream-input server (the one behind `hark serve` and the app's offline voice)
// over real loopback WebSockets: thousands of random frames from many concurrent connections. The
// server must keep running, answer every problem with a well-formed error frame carrying one of its
// documented codes and a documented close code, keep serving normal requests, and give its memory back.
import fc from 'fast-check';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStreamServer } from '../main/engine/stream-server';
import type { RunningStreamServer } from '../main/engine/stream-server';
import { buildStreamUrl, decodeServerFrame } from '../shared/protocol';
import { StreamSession } from '../main/speech/session';
import { canForceGc, fuzzFrame, heapAfterGc } from './helpers/fuzz-frames';
import type { FuzzFrame } from './helpers/fuzz-frames';
import { liveHandles } from './helpers/scripted-server';

/** The `error` codes the server documents for what a client can get wrong. */
const CLIENT_FAULTS = new Set([
  'invalid_input_message',
  'authentication_required',
  'invalid_api_key',
  'max_character_limit_exceeded',
  'invalid_request',
  'unsupported_format',
  'voice_id_does_not_exist',
]);
/** Normal end, invalid UTF-8, policy violation, message too big; 'open' when we hung up ourselves. */
const CLOSE_CODES = new Set<number | 'open'>([1000, 1007, 1008, 1009, 'open']);
/** After the end of input the server must finish on its own; otherwise we hang up after a moment. */
const END_WAIT_MS = 5000;
const IDLE_WAIT_MS = 100;
/** A frame not taken by then will not be. */
const SEND_WAIT_MS = 1000;
/** New rounds start only within this time. */
const FUZZ_BUDGET_MS = Number(process.env.HARK_FUZZ_MS ?? 6000);

let server: RunningStreamServer;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => void unhandled.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  server = await startStreamServer({ warmUpFormats: [] });
}, 60_000);

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await server?.close();
});

const words = fc.constantFrom('Hello ', 'there. ', 'One two ', '', ' ', '\u0000', '😀 ', 'שלום ', '漢字。');
const clientish = fc.record(
  {
    text: fc.oneof(words, fc.string({ maxLength: 30 }), fc.jsonValue()),
    flush: fc.oneof(fc.boolean(), fc.jsonValue()),
    try_trigger_generation: fc.oneof(fc.boolean(), fc.jsonValue()),
    voice_settings: fc.oneof(
      fc.record({ speed: fc.double(), stability: fc.jsonValue() }, { requiredKeys: [] }),
      fc.jsonValue(),
    ),
    generation_config: fc.oneof(
      fc.record({ chunk_length_schedule: fc.array(fc.integer({ min: 0, max: 600 })) }),
      fc.jsonValue(),
    ),
    xi_api_key: fc.oneof(fc.string(), fc.jsonValue()),
  },
  { requiredKeys: [] },
);

/** Frames a well-behaved client sends after its BOS: words, keep-alives, flushes, the same settings. */
const validish = fc.oneof(
  { weight: 4, arbitrary: fc.record({ text: words }) },
  { weight: 4, arbitrary: fc.constant({ text: ' ' }) },
  { weight: 1, arbitrary: fc.record({ text: words, try_trigger_generation: fc.constant(true) }) },
  { weight: 1, arbitrary: fc.record({ text: words, flush: fc.constant(true) }) },
);

const scenario = fc.record({
  auth: fc.constantFrom('header', 'header', 'header', 'message', 'none', 'wrong'),
  bos: fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  // Mostly sensible traffic with one random frame somewhere: connections live long enough to reach
  // the generation code, and the random frame meets the server in every state.
  frames: fc
    .tuple(fc.array(validish, { maxLength: 40 }), fc.option(fuzzFrame(clientish), { freq: 4 }), fc.nat(30))
    .map(([valid, odd, at]) => {
      const frames: FuzzFrame[] = valid.map((value) => ({ kind: 'text', data: JSON.stringify(value) }));
      if (odd) frames.splice(at % (frames.length + 1), 0, odd);
      return frames;
    }),
  end: fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  // Mostly no query beyond the format; now and then random values for the documented parameters.
  query: fc.oneof(
    { weight: 6, arbitrary: fc.constant(undefined) },
    {
      weight: 1,
      arbitrary: fc.dictionary(
        fc.constantFrom(
          'output_format',
          'inactivity_timeout',
          'sync_alignment',
          'auto_mode',
          'model_id',
          'seed',
        ),
        fc.string({ maxLength: 12 }),
      ),
    },
  ),
});
type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

interface Outcome {
  frames: string[];
  binaryFrames: number;
  close: number | 'open';
  sent: number;
}

function url(query: Record<string, string> | undefined): URL {
  const base = buildStreamUrl(server.url, 'en-us', { output_format: 'pcm_16000' });
  for (const [key, value] of Object.entries(query ?? {})) base.searchParams.set(key, value);
  return base;
}

/**
 * Resolves with whether the frame left: false when the server stopped reading (it refuses a frame
 * over the limit and then, as `ws` does, waits for our closing handshake behind the frame it will
 * never read) or the socket closed.
 */
function sendFrame(socket: WebSocket, frame: FuzzFrame): Promise<boolean> {
  return new Promise((resolve) => {
    if (socket.readyState !== WebSocket.OPEN) return resolve(false);
    const stuck = setTimeout(() => resolve(false), SEND_WAIT_MS);
    socket.send(frame.data, { binary: frame.kind === 'binary' }, (error) => {
      clearTimeout(stuck);
      resolve(error === undefined || error === null);
    });
  });
}

/** Runs one connection: BOS if asked, the random frames, EOS if asked, then waits for the answer. */
async function drive(s: Scenario): Promise<Outcome> {
  const headers: Record<string, string> = {};
  if (s.auth === 'header') headers['xi-api-key'] = server.token;
  if (s.auth === 'wrong') headers['xi-api-key'] = 'not-the-token';
  const socket = new WebSocket(url(s.query), { headers, perMessageDeflate: false });
  const outcome: Outcome = { frames: [], binaryFrames: 0, close: 'open', sent: 0 };
  const closed = new Promise<void>((resolve) => {
    socket.on('close', (code) => {
      outcome.close = code;
      resolve();
    });
  });
  socket.on('error', () => undefined);
  socket.on('message', (data, isBinary) => {
    if (isBinary) outcome.binaryFrames++;
    else outcome.frames.push(String(data));
  });
  await new Promise<void>((resolve) => {
    socket.once('open', () => resolve());
    socket.once('close', () => resolve());
  });
  const plan: FuzzFrame[] = [];
  if (s.bos) {
    const bos = s.auth === 'message' ? { text: ' ', xi_api_key: server.token } : { text: ' ' };
    plan.push({ kind: 'text', data: JSON.stringify(bos) });
  }
  plan.push(...s.frames);
  if (s.end) plan.push({ kind: 'text', data: '{"text":""}' });
  for (const frame of plan) {
    if (!(await sendFrame(socket, frame))) break;
    outcome.sent++;
  }
  const timer = setTimeout(() => socket.terminate(), s.end ? END_WAIT_MS : IDLE_WAIT_MS);
  await closed;
  clearTimeout(timer);
  if (outcome.close === 1006) outcome.close = 'open'; // we terminated it ourselves
  return outcome;
}

function expectWellBehaved(outcome: Outcome): void {
  expect(outcome.binaryFrames).toBe(0);
  for (const raw of outcome.frames) {
    const parsed = decodeServerFrame(raw);
    expect(parsed.ok, raw.slice(0, 200)).toBe(true);
    if (parsed.ok && parsed.value.kind === 'error') {
      expect([...CLIENT_FAULTS]).toContain(parsed.value.error);
      expect(parsed.value.message).toMatch(/\S/);
    }
  }
  expect([...CLOSE_CODES]).toContain(outcome.close);
}

/** A plain request after the storm: the server still speaks. */
async function speaksNormally(): Promise<number> {
  const session = new StreamSession({
    baseUrl: server.url,
    apiKey: server.token,
    voiceId: 'en-us',
    query: { output_format: 'pcm_16000' },
  });
  let bytes = 0;
  session.on('audio', (chunk) => (bytes += chunk.audio.length));
  await session.connect();
  session.send('Still here and speaking.', { flush: true });
  session.end();
  await session.finished();
  return bytes;
}

describe('the offline server under random frames', () => {
  it(
    'answers every connection with documented codes, keeps serving, and gives its memory back',
    { timeout: 90_000 },
    async ({ annotate }) => {
      const socketsBefore = liveHandles().sockets;
      expect(await speaksNormally()).toBeGreaterThan(0);
      const heapBefore = heapAfterGc();
      let connections = 0;
      let frames = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(scenario, { minLength: 10, maxLength: 10 }), async (batch) => {
          for (const outcome of await Promise.all(batch.map(drive))) {
            connections++;
            frames += outcome.sent;
            expectWellBehaved(outcome);
          }
        }),
        {
          numRuns: 60,
          // A few seconds on an idle machine; on a loaded one, fewer rounds rather than a slow test.
          interruptAfterTimeLimit: FUZZ_BUDGET_MS,
          markInterruptAsFailure: false,
          seed: Number(process.env.HARK_FUZZ_SEED ?? Date.now() % 2 ** 31),
        },
      );
      await annotate(`${frames} random frames on ${connections} connections`);
      expect(connections).toBeGreaterThanOrEqual(10);
      expect(await speaksNormally()).toBeGreaterThan(0);
      expect(unhandled).toEqual([]);
      // Every connection is gone (ours and the server's ends of them).
      await expect.poll(() => liveHandles().sockets, { timeout: 5000 }).toBeLessThanOrEqual(socketsBefore);
      // Huge frames came and went: what is left is the engine's and the runner's own, not theirs.
      const growth = heapAfterGc() - heapBefore;
      expect(growth).toBeLessThan((canForceGc() ? 30 : 150) * 1024 * 1024);
    },
  );
});
