// Streaming sample-rate conversion of mono S16 audio with libsamplerate (WebAssembly). Its `full()`
// API keeps the filter state between calls, so audio cut into chunks comes out as if it were
// converted in one piece, with no clicks at the seams.

import type * as LibSampleRate from '@alexanderolsen/libsamplerate-js';
import type { SRC } from '@alexanderolsen/libsamplerate-js';

export interface Resampler {
  readonly inputRate: number;
  readonly outputRate: number;
  /** Converts the next piece of input; the filter holds back a few milliseconds until flush(). */
  process(pcm: Int16Array): Int16Array;
  /** Returns the held-back tail. Total output is then exactly round(total input × ratio) samples. */
  flush(): Int16Array;
}

// Speech from eSpeak has little above 8 kHz; the fastest sinc converter is transparent for it and
// costs about 1 % of real time.
const CONVERTER_SINC_FASTEST = 2;
// Silence fed at the end to push the filter's delay line out.
const FLUSH_BLOCK = 1024;
const MAX_FLUSH_BLOCKS = 64;
// Enough calls for V8 to compile the converter's hot code before a listener is waiting (see prime()).
const PRIME_BLOCK = 1024;
const PRIME_BLOCKS = 8;

export function toFloat(pcm: Int16Array): Float32Array {
  const out = new Float32Array(pcm.length);
  for (let i = 0; i < pcm.length; i++) out[i] = (pcm[i] ?? 0) / 32768;
  return out;
}

function toInt16(samples: Float32Array, count = samples.length): Int16Array {
  const out = new Int16Array(count);
  for (let i = 0; i < count; i++) {
    const value = Math.round((samples[i] ?? 0) * 32768);
    out[i] = value > 32767 ? 32767 : value < -32768 ? -32768 : value;
  }
  return out;
}

class PassThrough implements Resampler {
  constructor(readonly inputRate: number) {}
  get outputRate(): number {
    return this.inputRate;
  }
  process(pcm: Int16Array): Int16Array {
    return pcm.slice();
  }
  flush(): Int16Array {
    return new Int16Array(0);
  }
}

class SincResampler implements Resampler {
  private inputSamples = 0;
  private outputSamples = 0;
  private flushed = false;

  constructor(
    readonly inputRate: number,
    readonly outputRate: number,
    private readonly src: SRC,
  ) {}

  process(pcm: Int16Array): Int16Array {
    if (this.flushed) throw new Error('Resampler already flushed');
    if (pcm.length === 0) return new Int16Array(0);
    this.inputSamples += pcm.length;
    const out = toInt16(this.src.full(toFloat(pcm)));
    this.outputSamples += out.length;
    return out;
  }

  flush(): Int16Array {
    if (this.flushed) return new Int16Array(0);
    this.flushed = true;
    const expected = Math.round((this.inputSamples * this.outputRate) / this.inputRate);
    const tail: Float32Array[] = [];
    let missing = expected - this.outputSamples;
    const silence = new Float32Array(FLUSH_BLOCK);
    for (let block = 0; missing > 0 && block < MAX_FLUSH_BLOCKS; block++) {
      const out = this.src.full(silence);
      tail.push(out.subarray(0, Math.min(out.length, missing)));
      missing -= out.length;
    }
    this.src.destroy();
    const samples = new Float32Array(tail.reduce((sum, part) => sum + part.length, 0));
    let offset = 0;
    for (const part of tail) {
      samples.set(part, offset);
      offset += part.length;
    }
    const result = toInt16(samples);
    this.outputSamples += result.length;
    return result;
  }
}

/**
 * Each converter is a new WebAssembly instance whose code V8 compiles on first use, which would cost
 * a listener 10-30 ms on the first audio. Running some silence through it now pays that in advance;
 * setting the input rate again then resets the filter state, so the output is as from a fresh one.
 */
function prime(src: SRC, inputRate: number): void {
  const silence = new Float32Array(PRIME_BLOCK);
  for (let i = 0; i < PRIME_BLOCKS; i++) src.full(silence);
  src.inputSampleRate = inputRate;
}

/**
 * The exports of a CommonJS package loaded with import(): Node's ESM loader and the bundle wrap
 * `module.exports` in `default`, while tsx (which runs the benches) hands it over directly.
 */
export function commonJsExports<T extends object>(namespace: unknown, member: keyof T): T {
  const wrapped = (namespace as { default?: unknown } | null)?.default;
  if (typeof namespace === 'object' && namespace !== null && member in namespace) return namespace as T;
  if (typeof wrapped === 'object' && wrapped !== null && member in wrapped) return wrapped as T;
  throw new Error(`Could not load ${String(member)} from a CommonJS package`);
}

export async function createResampler(inputRate: number, outputRate: number): Promise<Resampler> {
  if (!Number.isInteger(inputRate) || !Number.isInteger(outputRate) || inputRate <= 0 || outputRate <= 0) {
    throw new RangeError(`Unsupported sample rates ${inputRate} -> ${outputRate}`);
  }
  if (inputRate === outputRate) return new PassThrough(inputRate);
  const libsamplerate = commonJsExports<typeof LibSampleRate>(
    await import('@alexanderolsen/libsamplerate-js'),
    'create',
  );
  const src = await libsamplerate.create(1, inputRate, outputRate, { converterType: CONVERTER_SINC_FASTEST });
  prime(src, inputRate);
  return new SincResampler(inputRate, outputRate, src);
}
