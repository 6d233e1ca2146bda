// The test page: a StreamPlayer on a real-time AudioContext whose output goes through a recording
// tap (tap-worklet.js) to the speakers. The Playwright test drives it through `window.harness`.
import type { OutputFormat } from '../../../main/speech/protocol';
import type { FeedTiming, Harness, Received, ToneFeed } from '../harness-types';
import { StreamPlayer } from '../../../renderer/src/lib/player/stream-player';

const TONE_HZ = 440;
const AMPLITUDE = 0.5;

const context = new AudioContext();
await context.audioWorklet.addModule(new URL('./tap-worklet.js', import.meta.url));
const tap = new AudioWorkletNode(context, 'hark-tap');
tap.connect(context.destination);

const received: Received[] = [];
let firstSound: { contextTime: number; wallMs: number } | undefined;
let dumpWaiter: ((result: { samples: number[]; sampleRate: number }) => void) | undefined;

tap.port.onmessage = (event: MessageEvent) => {
  const data = event.data as
    { type: 'first'; contextTime: number } | { type: 'dump'; samples: Float32Array; sampleRate: number };
  if (data.type === 'first') firstSound = { contextTime: data.contextTime, wallMs: performance.now() };
  else dumpWaiter?.({ samples: Array.from(data.samples), sampleRate: data.sampleRate });
};

const player = new StreamPlayer({
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

/** Deterministic jitter in -1..1 so every run sees the same arrival pattern. */
function jitterAt(index: number): number {
  const x = Math.sin(index * 12.9898) * 43758.5453;
  return 2 * (x - Math.floor(x)) - 1;
}

/** Opens a PCM stream and feeds it a 440 Hz tone on timers, paced to absolute deadlines. */
function playTone(feed: ToneFeed): Promise<FeedTiming> {
  const { streamId, sampleRate, chunks, chunkMs, jitterMs } = feed;
  const perChunk = Math.round((sampleRate * chunkMs) / 1000);
  player.handle({
    type: 'open',
    streamId,
    format: `pcm_${sampleRate}` as OutputFormat,
    codec: 'pcm',
    sampleRate,
  });
  const t0 = performance.now();
  return new Promise((resolve) => {
    for (let c = 0; c < chunks; c++) {
      const deadline = c === 0 ? 0 : c * chunkMs + jitterMs * jitterAt(c);
      setTimeout(
        () => {
          if (c === 0) {
            resolve({ firstChunkContextTime: context.currentTime, firstChunkWallMs: performance.now() });
          }
          const audio = toneChunk(c * perChunk, perChunk, sampleRate);
          player.handle({ type: 'chunk', streamId, audio, startMs: c * chunkMs, durationMs: chunkMs });
          if (c === chunks - 1) player.handle({ type: 'end', streamId });
        },
        Math.max(0, t0 + deadline - performance.now()),
      );
    }
  });
}

function dump(): Promise<{ samples: number[]; sampleRate: number }> {
  return new Promise((resolve) => {
    dumpWaiter = resolve;
    tap.port.postMessage('dump');
  });
}

const harness: Harness = {
  playTone,
  dump,
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
  ready: true,
};

(window as unknown as { harness: Harness }).harness = harness;
