// The test page: a StreamPlayer on a real-time AudioContext whose output goes through a recording
// tap (tap-worklet.js) to the speakers. The Playwright test and the player benchmark (bench/player.ts)
// drive it through `window.harness`. `?lead=fixed` gives the player the earlier fixed lead rule, for
// the bench's comparison.
import type { OutputFormat } from '../../../shared/protocol';
import type { EncodedFeed, FeedTiming, Harness, HeardStats, Received, ToneFeed } from '../harness-types';
import { FixedLead } from '../../../renderer/src/lib/player/lead';
import { StreamPlayer } from '../../../renderer/src/lib/player/stream-player';

const TONE_HZ = 440;
const AMPLITUDE = 0.5;

const context = new AudioContext();
await context.audioWorklet.addModule(new URL('./tap-worklet.js', import.meta.url));
const tap = new AudioWorkletNode(context, 'hark-tap');
tap.connect(context.destination);

const received: Received[] = [];
let firstSound: { contextTime: number; wallMs: number } | undefined;
let dumpWaiter: ((result: { samples: Float32Array; sampleRate: number }) => void) | undefined;

tap.port.onmessage = (event: MessageEvent) => {
  const data = event.data as
    { type: 'first'; contextTime: number } | { type: 'dump'; samples: Float32Array; sampleRate: number };
  if (data.type === 'first') firstSound = { contextTime: data.contextTime, wallMs: performance.now() };
  else dumpWaiter?.({ samples: data.samples, sampleRate: data.sampleRate });
};

const fixedLead = new URLSearchParams(location.search).get('lead') === 'fixed';
const player = new StreamPlayer({
  ...(fixedLead ? { lead: new FixedLead() } : {}),
  context,
  output: tap,
  post: (message) => received.push({ wallMs: performance.now(), contextTime: context.currentTime, message }),
});

function toneChunk(startSample: number, length: number, sampleRate: number): ArrayBuffer {
  const view = new DataView(new ArrayBuffer(length * 2));
  for (let i = 0; i < length; i++) {
    const phase = (2 * Math.PI * TONE_HZ * (startSample + i)) / sampleRate;
    view.setInt16(2 * i, Math.round(AMPLITUDE * 32767 * Math.sin(phase)), true);
  }
  return view.buffer;
}

/**
 * Deterministic jitter in -1..1 so every run sees the same arrival pattern; each stream has its own
 * (by its id), as a link's next stream would, so short streams one after another sample the link
 * instead of repeating the same few arrivals.
 */
function jitterAt(index: number): number {
  const x = Math.sin(index * 12.9898) * 43758.5453;
  return 2 * (x - Math.floor(x)) - 1;
}

interface Schedule {
  chunks: number;
  chunkMs: number;
  jitterMs: number;
  arriveEveryMs?: number;
}

/**
 * Hands chunk after chunk to the player at its jittered time after the first (absolute deadlines,
 * so timer lateness does not add up), each one only after the one before, as over one connection.
 */
function feed(
  streamId: number,
  schedule: Schedule,
  chunkAt: (index: number) => ArrayBuffer,
): Promise<FeedTiming> {
  const { chunks, chunkMs, jitterMs } = schedule;
  const everyMs = schedule.arriveEveryMs ?? chunkMs;
  const t0 = performance.now();
  return new Promise((resolve) => {
    let due = 0;
    const send = (c: number): void => {
      if (c === 0)
        resolve({ firstChunkContextTime: context.currentTime, firstChunkWallMs: performance.now() });
      player.handle({
        type: 'chunk',
        streamId,
        audio: chunkAt(c),
        startMs: c * chunkMs,
        durationMs: chunkMs,
      });
      if (c === chunks - 1) return player.handle({ type: 'end', streamId });
      due = Math.max(due, (c + 1) * everyMs + jitterMs * jitterAt(streamId * 10_007 + c + 1));
      setTimeout(() => send(c + 1), Math.max(0, t0 + due - performance.now()));
    };
    send(0);
  });
}

/** Opens a PCM stream and feeds it a 440 Hz tone. */
function playTone(tone: ToneFeed): Promise<FeedTiming> {
  const { streamId, sampleRate, chunkMs } = tone;
  const perChunk = Math.round((sampleRate * chunkMs) / 1000);
  player.handle({
    type: 'open',
    streamId,
    format: `pcm_${sampleRate}` as OutputFormat,
    codec: 'pcm',
    sampleRate,
  });
  return feed(streamId, tone, (c) => toneChunk(c * perChunk, perChunk, sampleRate));
}

/** Opens an encoded stream and feeds its bytes in pieces of about `chunkMs` of audio each. */
function playEncoded(encoded: EncodedFeed): Promise<FeedTiming> {
  const { streamId, codec, format, sampleRate, durationMs, chunkMs, jitterMs } = encoded;
  const bytes = Uint8Array.from(atob(encoded.base64), (char) => char.charCodeAt(0));
  const perChunk = Math.max(1, Math.round((bytes.length * chunkMs) / durationMs));
  const chunks = Math.ceil(bytes.length / perChunk);
  player.handle({ type: 'open', streamId, format, codec, sampleRate });
  return feed(
    streamId,
    { chunks, chunkMs, jitterMs },
    (c) => bytes.slice(c * perChunk, (c + 1) * perChunk).buffer,
  );
}

function record(): Promise<{ samples: Float32Array; sampleRate: number }> {
  return new Promise((resolve) => {
    dumpWaiter = resolve;
    tap.port.postMessage('dump');
  });
}

async function dump(): Promise<{ samples: number[]; sampleRate: number }> {
  const { samples, sampleRate } = await record();
  return { samples: Array.from(samples), sampleRate };
}

const QUIET = 1e-3;

/**
 * Gaps inside what was heard, measured here so 60 s of samples need not travel to the test. Only gaps
 * that start within `untilS` of the first sound count (an MP3 decoder rings on past the stream's end),
 * and only those that end after `settleS` (MP3 smears a tone's sudden start into a few ms of faint
 * pre-echo, with a quiet run inside it).
 */
async function analyse(minGapMs: number, untilS = Infinity, settleS = 0): Promise<HeardStats> {
  const { samples, sampleRate } = await record();
  const minGap = Math.max(1, Math.round((minGapMs * sampleRate) / 1000));
  let first = samples.findIndex((sample) => Math.abs(sample) >= QUIET);
  let last = samples.length - 1;
  while (last > first && Math.abs(samples[last] ?? 0) < QUIET) last--;
  if (first < 0) first = last = 0;
  let gaps = 0;
  let longest = 0;
  let run = 0;
  const gapsAtS: number[] = [];
  const settled = first + settleS * sampleRate;
  for (let i = first; i <= last; i++) {
    const quiet = Math.abs(samples[i] ?? 0) < QUIET;
    // A gap is counted where it ends, once its length and place are known.
    if (!quiet && run >= minGap && i > settled && (i - run - first) / sampleRate < untilS) {
      gaps++;
      if (gapsAtS.length < 10) gapsAtS.push((i - run - first) / sampleRate);
      longest = Math.max(longest, run);
    }
    run = quiet ? run + 1 : 0;
  }
  return {
    activeSeconds: (last - first) / sampleRate,
    gaps,
    longestGapMs: (longest * 1000) / sampleRate,
    gapsAtS,
    sampleRate,
  };
}

function reset(): void {
  tap.port.postMessage('reset');
  received.length = 0;
  firstSound = undefined;
}

const harness: Harness = {
  playTone,
  playEncoded,
  dump,
  analyse,
  reset,
  send: (message) => player.handle(message),
  sendBytes: (streamId, bytes) =>
    player.handle({
      type: 'chunk',
      streamId,
      audio: Uint8Array.from(bytes).buffer,
      startMs: 0,
      durationMs: 0,
    }),
  received: () => received.map((entry) => ({ ...entry })),
  firstSound: () => firstSound,
  contextTime: () => context.currentTime,
  underruns: () => player.underruns,
  leadS: () => player.leadS,
  jitterS: () => player.jitterS,
  latency: () => ({
    base: context.baseLatency,
    output: context.outputLatency,
    sampleRate: context.sampleRate,
  }),
  ready: true,
};

(window as unknown as { harness: Harness }).harness = harness;
