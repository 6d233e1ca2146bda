// Cuts one generation's PCM into audio frames (a short first one, then at most 250 ms each) and decides which characters each
// frame's alignment carries. Pure: the encoder is passed in, so frames are encoded lazily, one at a
// time, and the server can yield to the event loop between them.
import type { Alignment } from '../../shared/protocol';
import { concatBytes } from './bytes';

export const MAX_FRAME_MS = 250;
/** Long enough for one MP3 frame at 44.1 kHz (26 ms) with the encoder's look-ahead. */
export const FIRST_FRAME_MS = 60;

export interface SampleRange {
  start: number;
  end: number;
}

export interface GenerationFrame {
  audio: Uint8Array;
  alignment: Alignment | null;
}

export interface GenerationAudio {
  pcm: Int16Array;
  sampleRate: number;
  alignment: Alignment;
}

/**
 * The first frame of a generation is short, so a listener's first audio waits for little encoding
 * (encoding costs time in proportion to the audio); the rest are evenly sized
 * ranges of at most `maxFrameMs`, each at least half of that, so clients get frames of 125-250 ms.
 */
export function planFrames(
  sampleCount: number,
  sampleRate: number,
  maxFrameMs = MAX_FRAME_MS,
  firstFrameMs = FIRST_FRAME_MS,
): SampleRange[] {
  if (sampleCount <= 0) return [{ start: 0, end: 0 }];
  const firstEnd = Math.min(sampleCount, Math.max(1, Math.floor((sampleRate * firstFrameMs) / 1000)));
  const rest = sampleCount - firstEnd;
  const ranges: SampleRange[] = [{ start: 0, end: firstEnd }];
  if (rest === 0) return ranges;
  const maxSamples = Math.max(1, Math.floor((sampleRate * maxFrameMs) / 1000));
  const count = Math.ceil(rest / maxSamples);
  for (let i = 0; i < count; i++) {
    ranges.push({
      start: firstEnd + Math.round((i * rest) / count),
      end: firstEnd + Math.round(((i + 1) * rest) / count),
    });
  }
  return ranges;
}

/**
 * The characters that start in [startMs, endMs) (or at/after startMs for the last frame), with start
 * times made relative to startMs. Durations are kept whole even when a character runs past the frame.
 */
export function alignmentWithin(
  alignment: Alignment,
  startMs: number,
  endMs: number,
  isLast: boolean,
): Alignment {
  const part: Alignment = { chars: [], charStartTimesMs: [], charDurationsMs: [] };
  alignment.chars.forEach((char, i) => {
    const start = alignment.charStartTimesMs[i] ?? 0;
    if (start < startMs || (!isLast && start >= endMs)) return;
    part.chars.push(char);
    part.charStartTimesMs.push(start - startMs);
    part.charDurationsMs.push(alignment.charDurationsMs[i] ?? 0);
  });
  return part;
}

const toMs = (sample: number, sampleRate: number): number => Math.round((sample * 1000) / sampleRate);

/**
 * Encodes a generation frame by frame. A range the encoder answers with no bytes yet (an MP3 encoder
 * holding back a partial frame) is merged into the next frame rather than sent empty, so each frame's
 * alignment still describes the audio it carries. With `syncAlignment` off, only the first frame
 * carries alignment, for the whole generation; with it on, each frame carries the characters that
 * start within it, relative to the frame's start.
 */
export function* generationFrames(
  audio: GenerationAudio,
  encode: (pcm: Int16Array) => Uint8Array,
  syncAlignment: boolean,
): Generator<GenerationFrame> {
  const ranges = planFrames(audio.pcm.length, audio.sampleRate);
  let pending: Uint8Array[] = [];
  let pendingStart = 0;
  let first = true;
  for (const [index, range] of ranges.entries()) {
    const bytes = encode(audio.pcm.subarray(range.start, range.end));
    pending.push(bytes);
    const isLast = index === ranges.length - 1;
    if (bytes.length === 0 && !isLast) continue;
    const startMs = toMs(pendingStart, audio.sampleRate);
    const alignment = syncAlignment
      ? alignmentWithin(audio.alignment, startMs, toMs(range.end, audio.sampleRate), isLast)
      : first
        ? audio.alignment
        : null;
    yield { audio: concatBytes(pending), alignment };
    pending = [];
    pendingStart = range.end;
    first = false;
  }
}
