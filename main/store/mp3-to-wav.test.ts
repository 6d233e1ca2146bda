// MP3 readings decoded to WAV in-process: real speech from the offline voice through the project's
// own MP3 encoder, decoded, and compared with the speech that went in (header, length against the
// duration meter, loudness, correlation), plus LAME-tagged, stereo and damaged MP3.
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { writeMp3AsWav } from './mp3-to-wav';
import { createEncoder } from '../engine/encoders';
import { OfflineVoice } from '../engine/offline-voice';
import { Mp3FrameMeter } from '../speech/audio-duration';
import { parseMp3FrameHeader } from '../../shared/mp3-frames';
import { parseOutputFormat } from '../../shared/protocol';
import type { OutputFormat } from '../../shared/protocol';

let dir: string;

beforeEach(async () => {
  dir = await fs.mkdtemp(join(tmpdir(), 'hark-mp3-wav-'));
});

afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function encodeMp3(pcm: Int16Array, inputRate: number, name: OutputFormat): Promise<Uint8Array> {
  const format = parseOutputFormat(name);
  if (!format) throw new Error(`${name} is a documented format`);
  const encoder = await createEncoder(format, inputRate);
  return new Uint8Array(Buffer.concat([encoder.encode(pcm), encoder.end()]));
}

interface Wav {
  riff: string;
  wave: string;
  formatTag: number;
  channels: number;
  sampleRate: number;
  byteRate: number;
  blockAlign: number;
  bitsPerSample: number;
  riffSize: number;
  dataBytes: number;
  fileBytes: number;
  /** One Int16Array per channel. */
  planes: Int16Array[];
}

async function readWav(path: string): Promise<Wav> {
  const bytes = await fs.readFile(path);
  expect(bytes.toString('ascii', 12, 16)).toBe('fmt ');
  expect(bytes.toString('ascii', 36, 40)).toBe('data');
  const channels = bytes.readUInt16LE(22);
  const dataBytes = bytes.readUInt32LE(40);
  const frames = Math.floor(dataBytes / (2 * channels));
  const planes = Array.from({ length: channels }, (_, c) =>
    Int16Array.from({ length: frames }, (_, i) => bytes.readInt16LE(44 + (i * channels + c) * 2)),
  );
  return {
    riff: bytes.toString('ascii', 0, 4),
    wave: bytes.toString('ascii', 8, 12),
    formatTag: bytes.readUInt16LE(20),
    channels,
    sampleRate: bytes.readUInt32LE(24),
    byteRate: bytes.readUInt32LE(28),
    blockAlign: bytes.readUInt16LE(32),
    bitsPerSample: bytes.readUInt16LE(34),
    riffSize: bytes.readUInt32LE(4),
    dataBytes,
    fileBytes: bytes.byteLength,
    planes,
  };
}

function rms(samples: Int16Array): number {
  let sum = 0;
  for (const sample of samples) sum += sample * sample;
  return Math.sqrt(sum / Math.max(1, samples.length));
}

/** Pearson correlation of `a` with `b` delayed by `lag` samples, over what they share. */
function correlationAt(a: Int16Array, b: Int16Array, lag: number): number {
  const n = Math.min(a.length, b.length - lag);
  let sa = 0;
  let sb = 0;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i] ?? 0;
    const y = b[i + lag] ?? 0;
    sa += x;
    sb += y;
    sab += x * y;
    saa += x * x;
    sbb += y * y;
  }
  const cov = sab - (sa * sb) / n;
  return cov / Math.sqrt((saa - (sa * sa) / n) * (sbb - (sb * sb) / n));
}

/** The best correlation of `decoded` with `source` over delays up to `maxLag`, and that delay. */
function bestMatch(source: Int16Array, decoded: Int16Array, maxLag: number): { lag: number; r: number } {
  let best = { lag: 0, r: -1 };
  for (let lag = 0; lag <= maxLag; lag++) {
    const r = correlationAt(source, decoded, lag);
    if (r > best.r) best = { lag, r };
  }
  return best;
}

/** Every `step`-th sample from `phase` on. */
function decimate(samples: Int16Array, step: number, phase: number): Int16Array {
  return Int16Array.from(
    { length: Math.floor((samples.length - phase) / step) },
    (_, i) => samples[phase + i * step] ?? 0,
  );
}

function sine(rate: number, seconds: number, hz: number): Int16Array {
  return Int16Array.from({ length: Math.round(rate * seconds) }, (_, i) =>
    Math.round(12_000 * Math.sin((2 * Math.PI * hz * i) / rate)),
  );
}

/** Frequency from rising zero crossings (with hysteresis), between the first and the last. */
function dominantHz(samples: Int16Array, rate: number): number {
  const rising: number[] = [];
  let low = false;
  samples.forEach((sample, i) => {
    if (sample < -2000) low = true;
    else if (low && sample > 2000) {
      rising.push(i);
      low = false;
    }
  });
  const span = (rising.at(-1) ?? 0) - (rising[0] ?? 0);
  return rising.length < 2 ? 0 : ((rising.length - 1) * rate) / span;
}

/** Samples per channel the MP3's frames hold, from the shared duration meter. */
function meteredSamples(mp3: Uint8Array): number {
  const header = parseMp3FrameHeader(mp3);
  if (!header) throw new Error('no frame header at the start');
  const meter = new Mp3FrameMeter();
  meter.add(mp3);
  return Math.round((meter.totalMs * header.sampleRate) / 1000);
}

describe('offline speech, MP3-encoded by Hark, decoded to WAV', () => {
  const voice = new OfflineVoice();
  let speech: Int16Array;
  let speechRate: number;

  beforeAll(async () => {
    const synthesis = await voice.synthesize('The children are playing in the garden.');
    speech = synthesis.pcm;
    speechRate = synthesis.sampleRate;
  });
  afterAll(() => voice.close());

  it.each([
    ['mp3_22050_32', 22_050, 576],
    ['mp3_44100_128', 44_100, 1152],
  ] as const)(
    '%s: the header says 16-bit mono at the MP3 rate, and the samples last as long as the frames',
    async (name, rate, samplesPerFrame) => {
      const mp3 = await encodeMp3(speech, speechRate, name);
      const target = join(dir, `${name}.wav`);
      await writeMp3AsWav(mp3, target);
      const wav = await readWav(target);
      expect(wav).toMatchObject({
        riff: 'RIFF',
        wave: 'WAVE',
        formatTag: 1,
        channels: 1,
        sampleRate: rate,
        byteRate: rate * 2,
        blockAlign: 2,
        bitsPerSample: 16,
        riffSize: wav.fileBytes - 8,
        dataBytes: wav.fileBytes - 44,
      });
      const frames = wav.planes[0]?.length ?? 0;
      // No LAME tag: nothing is trimmed, so the WAV holds exactly the frames' samples...
      expect(frames).toBe(meteredSamples(mp3));
      // ...which is the speech plus LAME's delay (576 + the decoder's 529) and under two frames more.
      const speechAtRate = (speech.length * rate) / speechRate;
      expect(frames).toBeGreaterThanOrEqual(speechAtRate + 1105);
      expect(frames - speechAtRate).toBeLessThan(1105 + 2 * samplesPerFrame);
    },
  );

  it.each(['mp3_22050_32', 'mp3_44100_128'] as const)(
    '%s: the decoded audio is the speech: as loud, and correlated with it',
    async (name) => {
      const mp3 = await encodeMp3(speech, speechRate, name);
      const target = join(dir, `${name}.wav`);
      await writeMp3AsWav(mp3, target);
      const wav = await readWav(target);
      const decoded = wav.planes[0] ?? new Int16Array(0);
      const step = wav.sampleRate / speechRate;
      // Compared at the speech's own rate; both phases of a 2× rate, as the delay may be odd.
      const candidates = Array.from({ length: step }, (_, phase) => decimate(decoded, step, phase));
      const match = candidates
        .map((samples) => bestMatch(speech, samples, 2000))
        .reduce((a, b) => (b.r > a.r ? b : a));
      expect(rms(decoded)).toBeGreaterThan(0.5 * rms(speech));
      expect(rms(decoded)).toBeLessThan(1.5 * rms(speech));
      expect(match.r, `best lag ${match.lag}`).toBeGreaterThan(0.9);
      // The delay is LAME's encoder delay plus the decoder's (576 + 529 samples at the MP3's rate).
      expect(match.lag * step).toBeGreaterThan(1000);
      expect(match.lag * step).toBeLessThan(1200);
      // The same speech reversed correlates with nothing: the check can tell speech from speech-like.
      expect(bestMatch(speech.slice().reverse(), candidates[0] ?? decoded, 2000).r).toBeLessThan(0.3);
    },
  );
});

describe('encoder delay and padding', () => {
  /** A Xing/Info frame (MPEG-1, 44.1 kHz, 128 kbit/s, mono) with a LAME tag saying delay and padding. */
  function lameInfoFrame(frames: number, delay: number, padding: number): Uint8Array {
    const info = new Uint8Array(417);
    info.set([0xff, 0xfb, 0x90, 0xc4]);
    const at = 4 + 17; // after the header and MPEG-1 mono side information
    info.set(Buffer.from('Info'), at);
    new DataView(info.buffer).setUint32(at + 4, 0x01); // flags: the frame count follows
    new DataView(info.buffer).setUint32(at + 8, frames);
    const lame = at + 12;
    info.set(Buffer.from('LAME3.100'), lame);
    info.set([delay >> 4, ((delay & 0x0f) << 4) | (padding >> 8), padding & 0xff], lame + 21);
    return info;
  }

  it('trims what a LAME tag says the encoder added, leaving exactly the samples encoded', async () => {
    const tone = sine(44_100, 1, 440);
    const mp3 = await encodeMp3(tone, 44_100, 'mp3_44100_128');
    const frames = meteredSamples(mp3) / 1152;
    // LAME's 576 samples of delay; the padding fills the last frame (the decoder's 529 included).
    const padding = frames * 1152 - 576 - tone.length;
    const tagged = new Uint8Array(Buffer.concat([lameInfoFrame(frames, 576, padding), mp3]));
    const target = join(dir, 'tagged.wav');
    await writeMp3AsWav(tagged, target);
    const decoded = (await readWav(target)).planes[0] ?? new Int16Array(0);
    expect(decoded.length).toBe(tone.length);
    // The tone starts right away: no delay left in front.
    expect(bestMatch(tone, decoded, 50)).toMatchObject({ lag: 0, r: expect.closeTo(1, 1) });
  });
});

describe('channels', () => {
  it('keeps a stereo MP3 in two channels, each its own', async () => {
    // Hark's encoder is mono; SoX (installed for the test suite) makes the stereo file.
    const source = join(dir, 'stereo.mp3');
    execFileSync('sox', ['-n', '-r', '44100', '-c', '2', source, 'synth', '1', 'sine', '440', 'sine', '660']);
    const target = join(dir, 'stereo.wav');
    await writeMp3AsWav(new Uint8Array(await fs.readFile(source)), target);
    const wav = await readWav(target);
    expect(wav).toMatchObject({ channels: 2, sampleRate: 44_100, blockAlign: 4, byteRate: 176_400 });
    expect(dominantHz(wav.planes[0] ?? new Int16Array(0), 44_100)).toBeCloseTo(440, -1);
    expect(dominantHz(wav.planes[1] ?? new Int16Array(0), 44_100)).toBeCloseTo(660, -1);
  });
});

describe('damaged MP3', () => {
  let tone: Uint8Array;

  beforeAll(async () => {
    tone = await encodeMp3(sine(44_100, 1, 440), 44_100, 'mp3_44100_128');
  });

  it.each([
    ['bytes that hold no MP3 frame', () => new Uint8Array(4096).fill(7), /it holds no MP3 frames/],
    ['nothing at all', () => new Uint8Array(0), /it holds no MP3 frames/],
    [
      'a real MP3 overwritten in the middle',
      () => {
        const broken = tone.slice();
        broken.fill(0x55, 4000, 9000);
        return broken;
      },
      /decoding stopped near byte \d+/,
    ],
  ])('%s: a clear export_failed, and the old file under that name is kept', async (_, bytes, why) => {
    const target = join(dir, 'kept.wav');
    await fs.writeFile(target, 'the file that was there');
    await expect(writeMp3AsWav(bytes(), target)).rejects.toMatchObject({
      code: 'export_failed',
      message: expect.stringMatching(
        new RegExp(`^The MP3 audio of this reading is damaged and cannot be saved as WAV \\(${why.source}`),
      ),
    });
    expect(await fs.readFile(target, 'utf8')).toBe('the file that was there');
    expect(await fs.readdir(dir)).toEqual(['kept.wav']);
  });

  it('a cut-off MP3 (a reading stopped part way) is not damaged: its whole frames are saved', async () => {
    const cut = tone.subarray(0, 5000);
    const target = join(dir, 'cut.wav');
    await writeMp3AsWav(cut, target);
    const frames = (await readWav(target)).planes[0]?.length ?? 0;
    expect(Math.abs(frames - meteredSamples(cut))).toBeLessThanOrEqual(1152);
  });
});

describe('loading', () => {
  it('the built app loads the decoder with import() when it is needed, not at start-up', async () => {
    const bundles = await fs.readdir(resolve('out/main'), { recursive: true });
    const sources = await Promise.all(
      bundles
        .filter((file) => file.endsWith('.js'))
        .map((file) => fs.readFile(resolve('out/main', file), 'utf8')),
    );
    const mentions = sources.join('\n').match(/[^\n]{0,40}["']mpg123-decoder["'][^\n]{0,5}/g) ?? [];
    expect(mentions.length).toBeGreaterThan(0);
    for (const line of mentions) expect(line).toMatch(/import\(["']mpg123-decoder["']\)/);
  });
});
