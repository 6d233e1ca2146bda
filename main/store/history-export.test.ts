import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import alawmulaw from 'alawmulaw';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HistoryStore } from './history';
import type { HistoryEntry, NewHistoryEntry } from './history';
import { MP3_EXPORT_FORMAT } from './history-export';
import { createEncoder } from '../engine/encoders';
import { parseOutputFormat } from '../../shared/protocol';
import type { OutputFormat } from '../../shared/protocol';

// Real conversions, checked with SoX (installed for the test suite) as an independent decoder of
// what Hark writes; Hark itself needs no program for any of them.

let dir: string;
let out: string;

beforeEach(async () => {
  dir = await fs.mkdtemp(join(tmpdir(), 'hark-export-'));
  out = join(dir, 'exports');
  await fs.mkdir(out);
});

afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

function sine(sampleRate: number, seconds: number, hz = 440): Int16Array {
  return Int16Array.from({ length: Math.round(sampleRate * seconds) }, (_, i) =>
    Math.round(12_000 * Math.sin((2 * Math.PI * hz * i) / sampleRate)),
  );
}

function littleEndian(samples: Int16Array): Uint8Array {
  const bytes = new Uint8Array(samples.length * 2);
  const view = new DataView(bytes.buffer);
  samples.forEach((sample, i) => view.setInt16(i * 2, sample, true));
  return bytes;
}

function reading(outputFormat: OutputFormat): NewHistoryEntry {
  return {
    text: 'A tone.',
    voiceId: 'en-us',
    voiceName: 'Tone',
    modelId: 'offline',
    engine: 'offline',
    outputFormat,
    durationMs: 1000,
    charactersBilled: 7,
  };
}

/** Decodes any file SoX understands to mono 16-bit PCM at 8 kHz. */
function decodeWithSox(path: string): Int16Array {
  const raw = execFileSync('sox', [
    path,
    '-t',
    'raw',
    '-e',
    'signed-integer',
    '-b',
    '16',
    '-c',
    '1',
    '-r',
    '8000',
    '-',
  ]);
  return new Int16Array(raw.buffer, raw.byteOffset, Math.floor(raw.byteLength / 2));
}

/**
 * Frequency from rising crossings (with hysteresis, so the near-silence an MP3 encoder pads with is
 * not counted), measured between the first and the last: tells a 440 Hz tone from noise or silence.
 */
function dominantHz(samples: Int16Array, sampleRate: number): number {
  const rising: number[] = [];
  let low = false;
  for (let i = 0; i < samples.length; i++) {
    const sample = samples[i] ?? 0;
    if (sample < -2000) low = true;
    else if (low && sample > 2000) {
      rising.push(i);
      low = false;
    }
  }
  const first = rising[0] ?? 0;
  const last = rising.at(-1) ?? 0;
  return rising.length < 2 ? 0 : (rising.length - 1) / ((last - first) / sampleRate);
}

function riffField(bytes: Buffer): { tag: number; rate: number; bits: number; dataBytes: number } {
  expect(bytes.toString('ascii', 0, 4)).toBe('RIFF');
  expect(bytes.toString('ascii', 8, 12)).toBe('WAVE');
  return {
    tag: bytes.readUInt16LE(20),
    rate: bytes.readUInt32LE(24),
    bits: bytes.readUInt16LE(34),
    dataBytes: bytes.readUInt32LE(40),
  };
}

async function store(format: OutputFormat, audio: Uint8Array): Promise<[HistoryStore, HistoryEntry]> {
  const history = await HistoryStore.open(join(dir, 'history'));
  return [history, await history.add(reading(format), audio)];
}

describe('exportAudio', () => {
  it('wraps stored PCM in a WAV header without touching the samples', async () => {
    const pcm = littleEndian(sine(22_050, 0.5));
    const [history, entry] = await store('pcm_22050', pcm);
    const target = join(out, 'tone.wav');
    await history.exportAudio(entry.id, target, 'wav');
    const wav = await fs.readFile(target);
    expect(riffField(wav)).toEqual({ tag: 1, rate: 22_050, bits: 16, dataBytes: pcm.byteLength });
    expect(wav.subarray(44).equals(Buffer.from(pcm))).toBe(true);
    expect(dominantHz(decodeWithSox(target), 8000)).toBeCloseTo(440, -1);
  });

  it('writes μ-law and A-law as WAV with their own format tags', async () => {
    const samples = sine(8000, 0.5);
    for (const [format, tag, encoded] of [
      ['ulaw_8000', 7, alawmulaw.mulaw.encode(samples)],
      ['alaw_8000', 6, alawmulaw.alaw.encode(samples)],
    ] as const) {
      const [history, entry] = await store(format, encoded);
      const target = join(out, `${format}.wav`);
      await history.exportAudio(entry.id, target, 'wav');
      const wav = await fs.readFile(target);
      expect(riffField(wav)).toEqual({ tag, rate: 8000, bits: 8, dataBytes: encoded.byteLength });
      expect(dominantHz(decodeWithSox(target), 8000)).toBeCloseTo(440, -1);
    }
  });

  it('copies an MP3 to MP3 byte for byte', async () => {
    const mp3 = new Uint8Array(await fs.readFile(await makeMp3()));
    const [history, entry] = await store('mp3_44100_128', mp3);
    const target = join(out, 'copy.mp3');
    await history.exportAudio(entry.id, target, 'mp3');
    expect(Buffer.from(await fs.readFile(target)).equals(Buffer.from(mp3))).toBe(true);
  });

  it('encodes PCM and μ-law to an MP3 that decodes to the same tone and length', async () => {
    for (const [format, audio] of [
      ['pcm_16000', littleEndian(sine(16_000, 1))],
      ['ulaw_8000', alawmulaw.mulaw.encode(sine(8000, 1))],
    ] as const) {
      const [history, entry] = await store(format, audio);
      const target = join(out, `${format}.mp3`);
      await history.exportAudio(entry.id, target, 'mp3');
      const duration = Number(execFileSync('soxi', ['-D', target]).toString());
      expect(duration).toBeGreaterThan(0.95);
      expect(duration).toBeLessThan(1.15);
      expect(dominantHz(decodeWithSox(target), 8000)).toBeCloseTo(440, -1);
    }
  });

  it('decodes an MP3 to WAV at its own rate, into a folder it creates', async () => {
    const mp3 = new Uint8Array(await fs.readFile(await makeMp3()));
    const [history, entry] = await store('mp3_44100_128', mp3);
    const target = join(out, 'new folder', 'decoded.wav');
    await history.exportAudio(entry.id, target, 'wav');
    const wav = await fs.readFile(target);
    expect(riffField(wav)).toMatchObject({ tag: 1, rate: 44_100, bits: 16 });
    expect(wav.readUInt16LE(22)).toBe(1);
    expect(dominantHz(decodeWithSox(target), 8000)).toBeCloseTo(440, -1);
    expect(await fs.readdir(join(out, 'new folder'))).toEqual(['decoded.wav']);
  });

  it('decodes an MP3 to WAV with no program on PATH at all (no SoX, no child process)', async () => {
    const mp3 = new Uint8Array(await fs.readFile(await makeMp3()));
    const [history, entry] = await store('mp3_44100_128', mp3);
    const emptyBin = join(dir, 'empty-bin');
    await fs.mkdir(emptyBin);
    const target = join(out, 'no-sox.wav');
    const path = process.env.PATH;
    process.env.PATH = emptyBin;
    try {
      await history.exportAudio(entry.id, target, 'wav');
    } finally {
      process.env.PATH = path;
    }
    // A second of tone at 44.1 kHz: 40 frames of 1152 samples, every one kept.
    expect(riffField(await fs.readFile(target))).toEqual({
      tag: 1,
      rate: 44_100,
      bits: 16,
      dataBytes: 40 * 1152 * 2,
    });
    expect(dominantHz(decodeWithSox(target), 8000)).toBeCloseTo(440, -1);
  });

  it('reports undecodable MP3 data as a failed export, leaving nothing behind', async () => {
    const [history, entry] = await store('mp3_44100_128', new Uint8Array(4096).fill(7));
    await expect(history.exportAudio(entry.id, join(out, 'bad.wav'), 'wav')).rejects.toMatchObject({
      code: 'export_failed',
      message: expect.stringMatching(/MP3 audio of this reading is damaged.*Nothing was saved/),
    });
    expect(await fs.readdir(out)).toEqual([]);
  });

  it('refuses Opus, and unknown entries', async () => {
    const [history, entry] = await store('opus_48000_64', new Uint8Array(100));
    await expect(history.exportAudio(entry.id, join(out, 'x.mp3'), 'mp3')).rejects.toMatchObject({
      code: 'export_unsupported',
    });
    await expect(history.exportAudio('missing', join(out, 'x.mp3'), 'mp3')).rejects.toMatchObject({
      code: 'not_found',
    });
    expect(await fs.readdir(out)).toEqual([]);
  });
});

/** A real 1 s MP3 tone from Hark's own encoder, at 128 kbit/s 44.1 kHz (the export format). */
async function makeMp3(): Promise<string> {
  const format = parseOutputFormat(MP3_EXPORT_FORMAT);
  if (!format) throw new Error('the export format is documented');
  const encoder = await createEncoder(format, 44_100);
  const path = join(out, 'tone.mp3');
  await fs.writeFile(path, Buffer.concat([encoder.encode(sine(44_100, 1)), encoder.end()]));
  return path;
}
