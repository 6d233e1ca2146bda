// Audio encoders for every output format the offline server offers: raw PCM at any documented rate,
// MP3 (LAME in WebAssembly), and G.711 μ-law / A-law at 8 kHz. Each encoder is streaming: it keeps
// resampler and codec state between calls, and end() flushes what is still buffered.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as G711 from 'alawmulaw';
import type { WasmMediaEncoder } from 'wasm-media-encoders';
import type { FormatInfo } from '../../shared/protocol';
import { SpeechError, defaultMessage } from '../../shared/speech-errors';
import { commonJsExports, createResampler, toFloat, type Resampler } from './resampler';
import { concatBytes } from './bytes';
import { mp3Prefix } from '../speech/audio-duration';

type Mp3Settings = Parameters<WasmMediaEncoder<'audio/mpeg'>['configure']>[0];

export interface AudioEncoder {
  readonly format: FormatInfo;
  /** Encodes the next piece of mono S16 input; may return no bytes while codecs fill their buffers. */
  encode(pcm: Int16Array): Uint8Array;
  /** Flushes what is buffered. Call once, after the last encode(). */
  end(): Uint8Array;
}

/** Turns resampled PCM into output bytes. */
interface Codec {
  encode(pcm: Int16Array): Uint8Array;
  end(): Uint8Array;
}

function littleEndianBytes(pcm: Int16Array): Uint8Array {
  const bytes = new Uint8Array(pcm.length * 2);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < pcm.length; i++) view.setInt16(i * 2, pcm[i] ?? 0, true);
  return bytes;
}

const pcmCodec: Codec = { encode: littleEndianBytes, end: () => new Uint8Array(0) };

async function g711Codec(law: 'alaw' | 'mulaw'): Promise<Codec> {
  const library = commonJsExports<typeof G711>(await import('alawmulaw'), law);
  return { encode: (pcm) => library[law].encode(pcm), end: () => new Uint8Array(0) };
}

// The WebAssembly LAME is compiled once per process and each encoder is a cheap instance of it. A
// JavaScript LAME lost its optimised code whenever old encoders were collected, so every new
// listener's first audio waited 10-50 ms for V8 to recompile it; this one waits about 1 ms.
let mp3Module: WebAssembly.Module | undefined;

function mp3WasmBytes(): Uint8Array {
  // The bundle is CommonJS (__filename is set); tests run the source as ES modules from the project.
  const from = typeof __filename === 'string' ? __filename : join(process.cwd(), 'package.json');
  return readFileSync(createRequire(from).resolve('wasm-media-encoders/wasm/mp3'));
}

async function mp3Codec(format: FormatInfo): Promise<Codec> {
  // Loaded on first use, so commands that never encode MP3 do not pay for it.
  const { createEncoder: createWasmEncoder } = await import('wasm-media-encoders');
  const lame = await createWasmEncoder('audio/mpeg', mp3Module ?? mp3WasmBytes(), (compiled) => {
    mp3Module = compiled;
  });
  // The output rate is set, or LAME would drop 32 kbit/s to 22.05 kHz whatever the format's name says.
  const settings = {
    channels: 1,
    sampleRate: format.sampleRate,
    outputSampleRate: format.sampleRate,
    bitrate: format.bitrateKbps ?? 128,
  };
  lame.configure(settings as Mp3Settings);
  // LAME hands out bytes as they are final, not whole frames; a partial frame waits for the rest, so
  // every piece a client gets is whole frames it can time (and decode, with the frames before it).
  let partial: Uint8Array = new Uint8Array(0);
  const wholeFrames = (bytes: Uint8Array): Uint8Array => {
    const joined = concatBytes([partial, bytes]);
    const whole = mp3Prefix(joined, Infinity).bytes;
    partial = joined.slice(whole);
    return joined.slice(0, whole);
  };
  // The encoder owns the bytes it returns and reuses them on the next call: they are copied out.
  return {
    encode: (pcm) => (pcm.length > 0 ? wholeFrames(lame.encode([toFloat(pcm)])) : new Uint8Array(0)),
    end: () => concatBytes([partial, lame.finalize()]),
  };
}

async function codecFor(format: FormatInfo): Promise<Codec> {
  switch (format.codec) {
    case 'pcm':
      return pcmCodec;
    case 'ulaw':
      return g711Codec('mulaw');
    case 'alaw':
      return g711Codec('alaw');
    case 'mp3':
      return mp3Codec(format);
    case 'opus':
      throw new SpeechError(
        'unsupported_format',
        `${defaultMessage('unsupported_format')} (The offline voice cannot encode Opus.)`,
      );
  }
}

class StreamingEncoder implements AudioEncoder {
  private ended = false;

  constructor(
    readonly format: FormatInfo,
    private readonly resampler: Resampler,
    private readonly codec: Codec,
  ) {}

  encode(pcm: Int16Array): Uint8Array {
    if (this.ended) throw new Error('Encoder already ended');
    return this.codec.encode(this.resampler.process(pcm));
  }

  end(): Uint8Array {
    if (this.ended) return new Uint8Array(0);
    this.ended = true;
    return concatBytes([this.codec.encode(this.resampler.flush()), this.codec.end()]);
  }
}

/** An encoder from mono S16 at `inputRate` to `format`; Opus is refused with 'unsupported_format'. */
export async function createEncoder(format: FormatInfo, inputRate: number): Promise<AudioEncoder> {
  const codec = await codecFor(format);
  const resampler = await createResampler(inputRate, format.sampleRate);
  return new StreamingEncoder(format, resampler, codec);
}

/**
 * Hands out encoders, keeping one ready per prepared format: setting one up (WebAssembly resampler,
 * LAME) blocks the event loop for 20-60 ms, which a new listener would otherwise wait for. A spare
 * is replaced a little after it is taken, when the first audio is no longer waiting.
 */
export class EncoderPool {
  readonly #spares = new Map<string, Promise<AudioEncoder>>();
  readonly #refills = new Set<NodeJS.Timeout>();
  #closed = false;

  constructor(
    private readonly inputRate: number,
    private readonly refillDelayMs = 100,
    private readonly create: typeof createEncoder = createEncoder,
  ) {}

  /** Creates a spare encoder for `format` now, and runs one once so its code is compiled (JIT). */
  async prepare(format: FormatInfo): Promise<void> {
    const warm = await this.create(format, this.inputRate);
    warm.encode(new Int16Array(this.inputRate).map((_, i) => Math.round(3000 * Math.sin(i / 8))));
    warm.end();
    this.#addSpare(format);
    await this.#spares.get(format.format);
  }

  take(format: FormatInfo): Promise<AudioEncoder> {
    const spare = this.#spares.get(format.format);
    if (!spare) return this.create(format, this.inputRate);
    this.#spares.delete(format.format);
    const refill = setTimeout(() => {
      this.#refills.delete(refill);
      this.#addSpare(format);
    }, this.refillDelayMs);
    refill.unref();
    this.#refills.add(refill);
    return spare;
  }

  close(): void {
    this.#closed = true;
    for (const refill of this.#refills) clearTimeout(refill);
    this.#refills.clear();
    this.#spares.clear();
  }

  #addSpare(format: FormatInfo): void {
    if (this.#closed || this.#spares.has(format.format)) return;
    const spare = this.create(format, this.inputRate);
    // A failure surfaces to whoever takes it; until then it is handled here.
    spare.catch(() => undefined);
    this.#spares.set(format.format, spare);
  }
}
