import { describe, expect, it } from 'vitest';
import { alaw, mulaw } from 'alawmulaw';
import { alawToLinear, createSampleDecoder, mulawToLinear } from './codecs';

function pcmBytes(values: number[]): Uint8Array {
  const bytes = new Uint8Array(values.length * 2);
  const view = new DataView(bytes.buffer);
  values.forEach((value, i) => view.setInt16(2 * i, value, true));
  return bytes;
}

describe('G.711 decoding', () => {
  it('matches an independent μ-law and A-law implementation for every byte', () => {
    for (let byte = 0; byte < 256; byte++) {
      expect(mulawToLinear(byte)).toBe(mulaw.decodeSample(byte));
      expect(alawToLinear(byte)).toBe(alaw.decodeSample(byte));
    }
  });

  it('decodes μ-law chunks to floats in -1..1', () => {
    const decoder = createSampleDecoder('ulaw');
    const encoded = mulaw.encode(Int16Array.from([0, 16000, -16000, 32000]));
    const samples = decoder?.decode(encoded) ?? new Float32Array();
    expect(samples).toHaveLength(4);
    expect(samples[1]).toBeCloseTo(16000 / 32768, 1);
    expect(samples[2]).toBeCloseTo(-16000 / 32768, 1);
    for (const sample of samples) expect(Math.abs(sample)).toBeLessThanOrEqual(1);
  });
});

describe('PCM s16le decoding', () => {
  it('decodes little-endian signed samples', () => {
    const samples = createSampleDecoder('pcm')?.decode(pcmBytes([0, 16384, -32768, 32767]));
    expect(Array.from(samples ?? [])).toEqual([0, 0.5, -1, 32767 / 32768]);
  });

  it('carries a sample split across chunks to the next chunk', () => {
    const bytes = pcmBytes([1000, -2000, 3000]);
    const decoder = createSampleDecoder('pcm');
    const first = decoder?.decode(bytes.subarray(0, 3)) ?? new Float32Array();
    const second = decoder?.decode(bytes.subarray(3)) ?? new Float32Array();
    const all = [...first, ...second].map((sample) => Math.round(sample * 32768));
    expect(first).toHaveLength(1);
    expect(all).toEqual([1000, -2000, 3000]);
  });

  it('has no per-chunk decoder for mp3 or opus', () => {
    expect(createSampleDecoder('mp3')).toBeUndefined();
    expect(createSampleDecoder('opus')).toBeUndefined();
  });
});
