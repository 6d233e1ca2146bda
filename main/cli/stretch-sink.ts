// --speed for `hark speak`: 16-bit little-endian mono PCM is time-stretched (pitch kept, see
// shared/time-stretch.ts) on its way to a player or a file. Everything the reading is told stays in
// source time: playedMs() maps what the player or file has back through the stretch, so at 2× one
// second of playback counts as two seconds of the reading's audio.
import type { AudioEncoder } from '../engine/encoders';
import type { AudioChunk } from '../speech/session';
import { TimeStretch } from '../../shared/time-stretch';
import type { CliSink } from './sink';

const INT16_SCALE = 32768;

/** S16LE bytes → samples in [-1, 1). */
export function pcmToFloat(bytes: Uint8Array): Float32Array {
  const samples = new Float32Array(bytes.length >> 1);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < samples.length; i += 1) samples[i] = view.getInt16(i * 2, true) / INT16_SCALE;
  return samples;
}

/** Samples → S16 values, clipped. */
export function floatToInt16(samples: Float32Array): Int16Array {
  const pcm = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i += 1) {
    const value = Math.round((samples[i] ?? 0) * INT16_SCALE);
    pcm[i] = Math.max(-INT16_SCALE, Math.min(INT16_SCALE - 1, value));
  }
  return pcm;
}

export function int16ToPcm(pcm: Int16Array): Uint8Array {
  const bytes = new Uint8Array(pcm.length * 2);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < pcm.length; i += 1) view.setInt16(i * 2, pcm[i] ?? 0, true);
  return bytes;
}

/** A TimeStretch over S16LE bytes, which may split a sample across chunks. */
export class PcmStretch {
  private readonly stretch: TimeStretch;
  private carry: Uint8Array = new Uint8Array(0);
  private outputSamples = 0;

  constructor(
    readonly sampleRate: number,
    speed: number,
  ) {
    this.stretch = new TimeStretch(sampleRate, speed);
  }

  get speed(): number {
    return this.stretch.speed;
  }

  process(bytes: Uint8Array): Int16Array {
    const joined = new Uint8Array(this.carry.length + bytes.length);
    joined.set(this.carry);
    joined.set(bytes, this.carry.length);
    const whole = joined.length & ~1;
    this.carry = joined.slice(whole);
    return this.count(this.stretch.process(pcmToFloat(joined.subarray(0, whole))));
  }

  flush(): Int16Array {
    return this.count(this.stretch.flush());
  }

  /** Milliseconds of output produced so far. */
  get outputMs(): number {
    return (this.outputSamples * 1000) / this.sampleRate;
  }

  /** The source time that `outputMs` of stretched audio stands for. */
  sourceMs(outputMs: number): number {
    return (this.stretch.sourcePosition((outputMs * this.sampleRate) / 1000) * 1000) / this.sampleRate;
  }

  private count(samples: Float32Array): Int16Array {
    this.outputSamples += samples.length;
    return floatToInt16(samples);
  }
}

/**
 * Stretches PCM on its way into `inner`, optionally encoding it (an MP3 file asked of the engine as
 * PCM, since MP3 cannot be stretched without decoding it).
 */
export class StretchingSink implements CliSink {
  private readonly stretch: PcmStretch;

  constructor(
    private readonly inner: CliSink,
    sampleRate: number,
    speed: number,
    private readonly encoder?: AudioEncoder,
  ) {
    this.stretch = new PcmStretch(sampleRate, speed);
  }

  write(chunk: AudioChunk): void {
    this.pass(this.stretch.process(chunk.audio));
  }

  playedMs(): number {
    return this.stretch.sourceMs(this.inner.playedMs());
  }

  async end(): Promise<void> {
    this.pass(this.stretch.flush());
    if (this.encoder) this.forward(this.encoder.end(), 0);
    await this.inner.end();
  }

  stop(): Promise<void> {
    return this.inner.stop();
  }

  private pass(pcm: Int16Array): void {
    if (pcm.length === 0) return;
    const durationMs = (pcm.length * 1000) / this.stretch.sampleRate;
    this.forward(this.encoder ? this.encoder.encode(pcm) : int16ToPcm(pcm), durationMs);
  }

  // Timed in output ms: the inner sink counts what it plays or writes.
  private forward(audio: Uint8Array, durationMs: number): void {
    if (audio.length === 0 && durationMs === 0) return;
    const startMs = this.stretch.outputMs - durationMs;
    this.inner.write({ audio, startMs, durationMs, chars: [] });
  }
}
