// Audio that has arrived but is not handed to the sink yet, so that what the sink has ends on a word
// boundary (see reading-leg.ts). Cutting needs a decodable boundary: whole samples for pcm, ulaw and
// alaw, whole frames for mp3. Opus packets cannot be found in the raw stream, so opus is never held.
import { mp3Prefix } from './audio-duration';
import type { FormatInfo } from '../../shared/protocol';
import type { AudioChunk, TimedChar } from './session';

export interface AudioCutter {
  /** The longest start of `bytes` a decoder can play on its own that lasts at most `maxMs`. */
  prefix(bytes: Uint8Array, maxMs: number): { bytes: number; ms: number };
  /** How far short of a requested time a cut may fall (one sample, or one mp3 frame). */
  readonly toleranceMs: number;
}

function sampleCutter(bytesPerSample: number, sampleRate: number): AudioCutter {
  return {
    prefix(bytes, maxMs) {
      const whole = Math.floor(bytes.length / bytesPerSample);
      const samples = Math.max(0, Math.min(whole, Math.floor((maxMs * sampleRate) / 1000 + 1e-6)));
      return { bytes: samples * bytesPerSample, ms: (samples * 1000) / sampleRate };
    },
    toleranceMs: 1000 / sampleRate,
  };
}

function mp3Cutter(sampleRate: number): AudioCutter {
  // MPEG-1 (32 kHz and up) frames hold 1152 samples, MPEG-2 and 2.5 frames 576.
  const samplesPerFrame = sampleRate >= 32000 ? 1152 : 576;
  return { prefix: mp3Prefix, toleranceMs: (samplesPerFrame * 1000) / sampleRate };
}

/** How audio of this format can be cut; undefined for opus, which cannot be. */
export function audioCutter(format: FormatInfo): AudioCutter | undefined {
  switch (format.codec) {
    case 'pcm':
      return sampleCutter(2, format.sampleRate);
    case 'ulaw':
    case 'alaw':
      return sampleCutter(1, format.sampleRate);
    case 'mp3':
      return mp3Cutter(format.sampleRate);
    case 'opus':
      return undefined;
  }
}

function joined(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const bytes = new Uint8Array(a.length + b.length);
  bytes.set(a);
  bytes.set(b, a.length);
  return bytes;
}

/**
 * One stream's audio between "arrived" and "handed over", on the stream's own timeline. What is
 * handed over always starts where the previous hand-over ended, so the pieces join seamlessly.
 */
export class AudioHold {
  readonly #cutter: AudioCutter;
  #bytes: Uint8Array = new Uint8Array(0);
  #chars: TimedChar[] = [];
  #releasedMs = 0;

  constructor(cutter: AudioCutter) {
    this.#cutter = cutter;
  }

  /** Where the audio handed over so far ends. */
  get releasedMs(): number {
    return this.#releasedMs;
  }

  get toleranceMs(): number {
    return this.#cutter.toleranceMs;
  }

  add(chunk: AudioChunk): void {
    this.#bytes = joined(this.#bytes, chunk.audio);
    for (const char of chunk.chars) this.#chars.push(char);
  }

  /** Hands over whole samples or frames up to `untilMs`, or nothing when none fit. */
  release(untilMs: number): AudioChunk | undefined {
    const maxMs = untilMs - this.#releasedMs;
    if (maxMs <= 0 || this.#bytes.length === 0) return undefined;
    const { bytes, ms } = this.#cutter.prefix(this.#bytes, maxMs);
    if (bytes === 0) return undefined;
    return this.#take(bytes, ms);
  }

  /** Hands over everything held; `endMs` is where the stream's audio ends (the session measured it). */
  releaseAll(endMs: number): AudioChunk | undefined {
    if (this.#bytes.length === 0 && this.#chars.length === 0) return undefined;
    return this.#take(this.#bytes.length, Math.max(0, endMs - this.#releasedMs), true);
  }

  #take(byteCount: number, ms: number, everything = false): AudioChunk {
    const startMs = this.#releasedMs;
    const endMs = startMs + ms;
    const audio = this.#bytes.slice(0, byteCount);
    this.#bytes = this.#bytes.slice(byteCount);
    const split = everything ? this.#chars.length : this.#chars.findIndex((char) => char.startMs >= endMs);
    const chars = this.#chars.splice(0, split < 0 ? this.#chars.length : split);
    this.#releasedMs = endMs;
    return { audio, startMs, durationMs: ms, chars };
  }
}
