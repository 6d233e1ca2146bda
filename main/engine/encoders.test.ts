import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import alawmulaw from 'alawmulaw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OUTPUT_FORMATS, parseOutputFormat, type FormatInfo, type OutputFormat } from '../../shared/protocol';
import { SpeechError } from '../../shared/speech-errors';
import { createEncoder, EncoderPool, type AudioEncoder } from './encoders';

const run = promisify(execFile);
const INPUT_RATE = 22050;

function format(name: OutputFormat): FormatInfo {
  const info = parseOutputFormat(name);
  if (!info) throw new Error(`unknown format ${name}`);
  return info;
}

function sine(frequency: number, seconds: number, amplitude = 0.5, rate = INPUT_RATE): Int16Array {
  const pcm = new Int16Array(Math.round(seconds * rate));
  for (let i = 0; i < pcm.length; i++)
    pcm[i] = Math.round(amplitude * 32767 * Math.sin((2 * Math.PI * frequency * i) / rate));
  return pcm;
}

function samplesOf(bytes: Uint8Array): Int16Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pcm = new Int16Array(bytes.byteLength / 2);
  for (let i = 0; i < pcm.length; i++) pcm[i] = view.getInt16(i * 2, true);
  return pcm;
}

/** Frequency from the spacing of rising zero crossings (interpolated), away from the edges. */
function estimateFrequency(pcm: Int16Array, rate: number): number {
  const crossings: number[] = [];
  const margin = Math.round(rate * 0.05);
  for (let i = margin; i < pcm.length - margin; i++) {
    const before = pcm[i - 1] ?? 0;
    const after = pcm[i] ?? 0;
    if (before < 0 && after >= 0) crossings.push(i - 1 + before / (before - after));
  }
  const first = crossings[0] ?? 0;
  const last = crossings.at(-1) ?? 0;
  return ((crossings.length - 1) * rate) / (last - first);
}

/** Splits `pcm` into pieces of irregular sizes (1 sample up to a few thousand). */
function irregularChunks(pcm: Int16Array): Int16Array[] {
  const sizes = [1, 7, 300, 2, 1151, 4096, 13, 441, 2205, 999];
  const chunks: Int16Array[] = [];
  for (let offset = 0, k = 0; offset < pcm.length; k++) {
    const size = sizes[k % sizes.length] ?? 100;
    chunks.push(pcm.subarray(offset, offset + size));
    offset += size;
  }
  return chunks;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function encodeAll(encoder: AudioEncoder, chunks: readonly Int16Array[]): Uint8Array[] {
  return [...chunks.map((chunk) => encoder.encode(chunk)), encoder.end()];
}

const PCM_FORMATS = OUTPUT_FORMATS.filter((name) => name.startsWith('pcm_'));
const MP3_FORMATS = OUTPUT_FORMATS.filter((name) => name.startsWith('mp3_'));

describe('pcm encoders', () => {
  it.each(PCM_FORMATS)('%s gives exactly the resampled number of samples, chunked or not', async (name) => {
    const input = sine(440, 1.3);
    const info = format(name);
    const expected = Math.round((input.length * info.sampleRate) / INPUT_RATE);
    const chunked = concat(encodeAll(await createEncoder(info, INPUT_RATE), irregularChunks(input)));
    const oneShot = concat(encodeAll(await createEncoder(info, INPUT_RATE), [input]));
    expect(chunked.length).toBe(expected * 2);
    expect(oneShot.length).toBe(expected * 2);
    // The resampler's state carries across calls: cutting the input changes nothing audible.
    const a = samplesOf(chunked);
    const b = samplesOf(oneShot);
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
    expect(worst).toBeLessThanOrEqual(2);
  });

  it.each(PCM_FORMATS)('%s keeps a 440 Hz tone at 440 Hz without clicks', async (name) => {
    const info = format(name);
    const encoder = await createEncoder(info, INPUT_RATE);
    const output = samplesOf(concat(encodeAll(encoder, irregularChunks(sine(440, 1)))));
    expect(estimateFrequency(output, info.sampleRate)).toBeCloseTo(440, 0);
    // A 0.5 full-scale sine changes by at most 2π·440/rate·0.5·32767 per sample; a click would not.
    const maxStep = ((2 * Math.PI * 440) / info.sampleRate) * 0.5 * 32767;
    const margin = Math.round(info.sampleRate * 0.01);
    let steepest = 0;
    for (let i = margin; i < output.length - margin; i++) {
      steepest = Math.max(steepest, Math.abs((output[i] ?? 0) - (output[i - 1] ?? 0)));
    }
    expect(steepest).toBeLessThan(maxStep * 1.05);
  });

  it('writes little-endian signed 16-bit samples unchanged at the input rate', async () => {
    const encoder = await createEncoder(format('pcm_22050'), INPUT_RATE);
    const bytes = encoder.encode(Int16Array.of(1, -2, 32767, -32768));
    expect([...bytes]).toEqual([1, 0, 0xfe, 0xff, 0xff, 0x7f, 0x00, 0x80]);
    expect(encoder.end()).toHaveLength(0);
  });
});

describe('G.711 encoders', () => {
  it.each([
    ['ulaw_8000', alawmulaw.mulaw.decode],
    ['alaw_8000', alawmulaw.alaw.decode],
  ] as const)('%s round-trips a tone with a G.711-grade signal-to-noise ratio', async (name, decode) => {
    const input = sine(440, 1, 0.3);
    const reference = samplesOf(
      concat(encodeAll(await createEncoder(format('pcm_8000'), INPUT_RATE), [input])),
    );
    const encoded = concat(encodeAll(await createEncoder(format(name), INPUT_RATE), irregularChunks(input)));
    expect(encoded.length).toBe(reference.length);
    const decoded = decode(encoded);
    let signal = 0;
    let noise = 0;
    reference.forEach((value, i) => {
      signal += value * value;
      noise += (value - (decoded[i] ?? 0)) ** 2;
    });
    const snrDb = 10 * Math.log10(signal / noise);
    // Companded 8-bit audio gives about 38 dB on a tone; a wrong law or byte order gives < 10 dB.
    expect(snrDb).toBeGreaterThan(30);
  });
});

/** Walks MPEG audio frame headers; returns the number of whole frames, or -1 if bytes are left over. */
function countMp3Frames(bytes: Uint8Array): number {
  const bitrates = {
    mpeg1: [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
    mpeg2: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  };
  let offset = 0;
  let frames = 0;
  while (offset + 4 <= bytes.length) {
    const [b0, b1, b2] = [bytes[offset] ?? 0, bytes[offset + 1] ?? 0, bytes[offset + 2] ?? 0];
    if (b0 !== 0xff || (b1 & 0xe0) !== 0xe0) return -1;
    const mpeg1 = ((b1 >> 3) & 3) === 3;
    const rate = (mpeg1 ? [44100, 48000, 32000] : [22050, 24000, 16000])[(b2 >> 2) & 3] ?? 0;
    const kbps = (mpeg1 ? bitrates.mpeg1 : bitrates.mpeg2)[b2 >> 4] ?? 0;
    const length = Math.floor(((mpeg1 ? 144 : 72) * kbps * 1000) / rate) + ((b2 >> 1) & 1);
    if (length <= 4) return -1;
    offset += length;
    frames++;
  }
  return offset === bytes.length ? frames : -1;
}

describe('mp3 encoders', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hark-mp3-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each(MP3_FORMATS)('%s is read by sox with the right rate, length and tone', async (name) => {
    const info = format(name);
    const input = sine(440, 1.5);
    const parts = encodeAll(await createEncoder(info, INPUT_RATE), irregularChunks(input));
    // Each piece is whole frames, so a client can time every chunk as it comes.
    for (const part of parts) expect(countMp3Frames(part)).toBeGreaterThanOrEqual(0);
    const file = join(dir, `${name}.mp3`);
    await writeFile(file, concat(parts));
    const { stdout: rate } = await run('soxi', ['-r', file]);
    // The rate the format names, also for 32 kbit/s (which LAME would otherwise drop to 22.05 kHz).
    expect(Number(rate.trim())).toBe(info.sampleRate);
    const { stdout: bitrate } = await run('soxi', ['-B', file]);
    expect(parseFloat(bitrate)).toBe(info.bitrateKbps);
    const { stderr: stat } = await run('sox', ['-t', 'mp3', file, '-n', 'stat']);
    const seconds = Number(/Length \(seconds\):\s*([\d.]+)/.exec(stat)?.[1]);
    // LAME adds its encoder delay and pads the last frame: a few dozen milliseconds.
    expect(seconds).toBeGreaterThanOrEqual(1.5);
    expect(seconds).toBeLessThan(1.6);
    const frequency = Number(/Rough\s+frequency:\s*(\d+)/.exec(stat)?.[1]);
    expect(Math.abs(frequency - 440)).toBeLessThan(10);
  });
});

describe('unsupported formats', () => {
  it('refuses opus with unsupported_format', async () => {
    const error = await createEncoder(format('opus_48000_64'), INPUT_RATE).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SpeechError);
    expect((error as SpeechError).code).toBe('unsupported_format');
  });
});

describe('EncoderPool', () => {
  const mp3 = parseOutputFormat('mp3_44100_128') as FormatInfo;
  const pcm = parseOutputFormat('pcm_16000') as FormatInfo;

  function countingPool(refillDelayMs: number): { pool: EncoderPool; created: FormatInfo[] } {
    const created: FormatInfo[] = [];
    const pool = new EncoderPool(22050, refillDelayMs, (format, rate) => {
      created.push(format);
      return createEncoder(format, rate);
    });
    return { pool, created };
  }

  it('hands out the prepared spare at once and replaces it shortly after', async () => {
    const { pool, created } = countingPool(20);
    await pool.prepare(mp3);
    expect(created).toHaveLength(2); // one run to compile, one kept ready
    const encoder = await pool.take(mp3);
    expect(created).toHaveLength(2);
    expect(encoder.encode(new Int16Array(22050)).length).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(created).toHaveLength(3);
    pool.close();
  });

  it('creates unprepared formats on demand and refills nothing after close', async () => {
    const { pool, created } = countingPool(20);
    const encoder = await pool.take(pcm);
    expect(encoder.format.format).toBe('pcm_16000');
    await pool.prepare(mp3);
    await pool.take(mp3);
    pool.close();
    const before = created.length;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(created).toHaveLength(before);
  });
});
