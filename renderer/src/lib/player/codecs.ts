// Turns the bytes of one stream's chunks into float samples for an AudioBuffer. Chunks may split a
// 16-bit sample across two messages, so the PCM decoder carries a stray byte to the next chunk.
import type { AudioCodec } from '../../../../shared/protocol';

export interface SampleDecoder {
  /** Samples in -1..1 for this chunk (possibly empty). */
  decode(bytes: Uint8Array): Float32Array;
}

/** G.711 μ-law byte to a 16-bit linear sample (ITU-T G.711, bias 0x84). */
export function mulawToLinear(byte: number): number {
  const u = ~byte & 0xff;
  const exponent = (u >> 4) & 0x07;
  const magnitude = ((((u & 0x0f) << 3) + 0x84) << exponent) - 0x84;
  return u & 0x80 ? -magnitude : magnitude;
}

/** G.711 A-law byte to a 16-bit linear sample (even bits inverted; a set sign bit means positive). */
export function alawToLinear(byte: number): number {
  const a = (byte ^ 0x55) & 0xff;
  const exponent = (a >> 4) & 0x07;
  const mantissa = a & 0x0f;
  const magnitude = exponent === 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
  return a & 0x80 ? magnitude : -magnitude;
}

function tableFor(toLinear: (byte: number) => number): Float32Array {
  const table = new Float32Array(256);
  for (let byte = 0; byte < 256; byte++) table[byte] = toLinear(byte) / 32768;
  return table;
}

class CompandedDecoder implements SampleDecoder {
  constructor(private readonly table: Float32Array) {}

  decode(bytes: Uint8Array): Float32Array {
    const samples = new Float32Array(bytes.length);
    for (let i = 0; i < bytes.length; i++) samples[i] = this.table[bytes[i] ?? 0] ?? 0;
    return samples;
  }
}

class Pcm16Decoder implements SampleDecoder {
  #carry: number | undefined;

  decode(bytes: Uint8Array): Float32Array {
    const carried = this.#carry === undefined ? 0 : 1;
    const total = bytes.length + carried;
    const samples = new Float32Array(total >> 1);
    const byteAt = (i: number): number =>
      carried && i === 0 ? (this.#carry ?? 0) : (bytes[i - carried] ?? 0);
    for (let s = 0; s < samples.length; s++) {
      const value = byteAt(2 * s) | (byteAt(2 * s + 1) << 8);
      samples[s] = (value >= 0x8000 ? value - 0x10000 : value) / 32768;
    }
    this.#carry = total % 2 === 1 ? bytes[bytes.length - 1] : undefined;
    return samples;
  }
}

let mulawTable: Float32Array | undefined;
let alawTable: Float32Array | undefined;

/** A decoder for the raw codecs; undefined for codecs that need a real decoder (mp3, opus). */
export function createSampleDecoder(codec: AudioCodec): SampleDecoder | undefined {
  switch (codec) {
    case 'pcm':
      return new Pcm16Decoder();
    case 'ulaw':
      return new CompandedDecoder((mulawTable ??= tableFor(mulawToLinear)));
    case 'alaw':
      return new CompandedDecoder((alawTable ??= tableFor(alawToLinear)));
    default:
      return undefined;
  }
}
