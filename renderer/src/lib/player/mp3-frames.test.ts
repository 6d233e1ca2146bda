import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEncoder } from '../../../../main/engine/encoders';
import { parseOutputFormat } from '../../../../shared/protocol';
import type { OutputFormat } from '../../../../shared/protocol';
import { GaplessTrim, firstChannel } from './mp3-decoder';
import { Mp3FrameMeter } from '../../../../main/speech/audio-duration';
import { parseMp3FrameHeader } from '../../../../shared/mp3-frames';
import { Mp3FrameSplitter } from './mp3-frames';
import type { Mp3Frame } from './mp3-frames';

/** A second of a 440 Hz tone through the offline voice's MP3 encoder. */
async function toneMp3(name: OutputFormat): Promise<Uint8Array> {
  const format = parseOutputFormat(name);
  if (!format) throw new Error(`${name} is a documented format`);
  const rate = format.sampleRate;
  const encoder = await createEncoder(format, rate);
  const tone = Int16Array.from({ length: rate }, (_, i) =>
    Math.round(0.5 * 32767 * Math.sin((2 * Math.PI * 440 * i) / rate)),
  );
  return new Uint8Array(Buffer.concat([encoder.encode(tone), encoder.end()]));
}

/** Feeds the bytes cut at the given offsets, then ends the stream. */
function splitAt(bytes: Uint8Array, cuts: readonly number[]): Mp3Frame[] {
  const splitter = new Mp3FrameSplitter();
  const bounds = [0, ...[...new Set(cuts)].sort((a, b) => a - b), bytes.length];
  const frames = bounds.slice(1).flatMap((end, i) => splitter.push(bytes.subarray(bounds[i], end)));
  return [...frames, ...splitter.end()];
}

/** The frames' bytes put back together, in hex (compared as one string: fast, and a readable diff). */
function joined(frames: readonly Mp3Frame[]): string {
  return Buffer.concat(frames.map((frame) => frame.bytes)).toString('hex');
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

function concatBytes(...parts: ArrayLike<number>[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts.map((part) => Uint8Array.from(part))));
}

let mp3: Uint8Array;
let whole: Mp3Frame[];

beforeAll(async () => {
  mp3 = await toneMp3('mp3_44100_128');
  whole = splitAt(mp3, []);
});

describe('MP3 frame headers of the offline encoder', () => {
  it('reads MPEG-1 Layer III at 44.1 kHz 128 kbit/s mono from the offline encoder', () => {
    expect(parseMp3FrameHeader(mp3)).toMatchObject({
      version: '1',
      bitrateKbps: 128,
      sampleRate: 44_100,
      channels: 1,
      samplesPerFrame: 1152,
    });
    // 144 × 128000 / 44100 = 417.96: 417 bytes, 418 with the padding bit.
    expect([417, 418]).toContain(parseMp3FrameHeader(mp3)?.frameBytes);
  });

  it('reads MPEG-2 at 22.05 kHz 32 kbit/s', async () => {
    const low = await toneMp3('mp3_22050_32');
    expect(parseMp3FrameHeader(low)).toMatchObject({
      version: '2',
      sampleRate: 22_050,
      bitrateKbps: 32,
      samplesPerFrame: 576,
    });
    const frames = splitAt(low, []);
    expect(joined(frames)).toBe(hex(low));
    expect(frames[1]?.timestampUs).toBe(Math.round((576 * 1e6) / 22_050));
  });
});

describe('MP3 frame splitter', () => {
  it('cuts the whole stream into frames that add back up to it, with timestamps', () => {
    // One second at 44.1 kHz is 38.3 frames; the encoder flushes its delay as whole frames too.
    expect(whole.length).toBeGreaterThanOrEqual(39);
    expect(joined(whole)).toBe(hex(mp3));
    whole.forEach((frame, i) => {
      expect(frame.bytes.length).toBe(frame.header.frameBytes);
      expect(frame.timestampUs).toBe(Math.round((i * 1152 * 1e6) / 44_100));
    });
  });

  it('gives the same frames however the bytes are split', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: mp3.length - 1 }), { maxLength: 80 }), (cuts) => {
        const frames = splitAt(mp3, cuts);
        expect(frames.map((frame) => frame.timestampUs)).toEqual(whole.map((frame) => frame.timestampUs));
        expect(joined(frames)).toBe(hex(mp3));
      }),
      { numRuns: 200 },
    );
  });

  it('emits each frame as soon as its last byte is in', () => {
    const splitter = new Mp3FrameSplitter();
    const firstLength = whole[0]?.bytes.length ?? 0;
    expect(splitter.push(mp3.subarray(0, firstLength - 1))).toEqual([]);
    expect(splitter.push(mp3.subarray(firstLength - 1, firstLength))).toHaveLength(1);
  });

  it('says how many bytes of an unfinished frame it keeps (what the player counts as audio on its way)', () => {
    const splitter = new Mp3FrameSplitter();
    const firstLength = whole[0]?.bytes.length ?? 0;
    splitter.push(mp3.subarray(0, firstLength + 100));
    expect(splitter.pendingBytes).toBe(100);
    splitter.push(mp3.subarray(firstLength + 100, 2 * firstLength + 50));
    expect(splitter.pendingBytes).toBe(2 * firstLength + 50 - firstLength - (whole[1]?.bytes.length ?? 0));
    splitter.end();
    expect(splitter.pendingBytes).toBe(0);
  });

  it('skips an ID3v2 tag and garbage, including a lone header that no frame follows', () => {
    const id3 = concatBytes([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 1, 0x05], new Uint8Array(133).fill(0xff));
    // A valid-looking header with junk where the next frame's header should be.
    const fakeFrame = concatBytes([0xff, 0xfb, 0x90, 0xc4], new Uint8Array(500).fill(0x11));
    const garbage = concatBytes([0x00, 0xff, 0xff, 0xe0, 0x12], fakeFrame, [0xff, 0xfb]);
    const middle = whole.slice(0, 10).reduce((sum, frame) => sum + frame.bytes.length, 0);
    const stream = concatBytes(id3, mp3.subarray(0, middle), garbage, mp3.subarray(middle));
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 40 }), (cuts) => {
        const frames = splitAt(stream, cuts);
        expect(joined(frames)).toBe(hex(mp3));
        expect(frames).toHaveLength(whole.length);
      }),
      { numRuns: 100 },
    );
  });

  it('drops a leading Xing/Info frame and reads the LAME tag’s delay and padding', () => {
    const info = new Uint8Array(417);
    info.set([0xff, 0xfb, 0x90, 0xc4]);
    const at = 4 + 17; // after MPEG-1 mono side info
    info.set([...Buffer.from('Info'), 0, 0, 0, 0x01, 0, 0, 0, whole.length], at);
    const lame = at + 12;
    info.set([...Buffer.from('LAME3.100')], lame);
    // Delay 576 and padding 1000, 12 bits each.
    info.set([576 >> 4, ((576 & 0x0f) << 4) | (1000 >> 8), 1000 & 0xff], lame + 21);
    const splitter = new Mp3FrameSplitter();
    const frames = [...splitter.push(concatBytes(info, mp3)), ...splitter.end()];
    expect(joined(frames)).toBe(hex(mp3));
    expect(frames[0]?.timestampUs).toBe(0);
    expect(splitter.gapless).toEqual({ encoderDelay: 576, padding: 1000, frames: whole.length });
  });
});

describe('the player and the main process read MP3 the same way', () => {
  /** Milliseconds of audio the splitter hands the decoder. */
  const splitterMs = (frames: readonly Mp3Frame[]): number =>
    frames.reduce((sum, frame) => sum + (frame.header.samplesPerFrame / frame.header.sampleRate) * 1000, 0);

  /** Milliseconds the main process's duration meter counts, fed the same pieces. */
  function meterMs(bytes: Uint8Array, cuts: readonly number[]): number {
    const meter = new Mp3FrameMeter();
    const bounds = [0, ...[...new Set(cuts)].sort((a, b) => a - b), bytes.length];
    bounds.slice(1).forEach((end, i) => meter.add(bytes.subarray(bounds[i], end)));
    return meter.totalMs;
  }

  it('agree on tags, CRC-protected info frames and reserved headers, however the bytes are split', () => {
    const id3WithFooter = concatBytes([0x49, 0x44, 0x33, 4, 0, 0x10, 0, 0, 0, 20], new Uint8Array(30));
    // An Info frame with CRC protection: its tag sits 2 bytes further in than without.
    const infoWithCrc = new Uint8Array(417);
    infoWithCrc.set([0xff, 0xfa, 0x90, 0xc4]);
    infoWithCrc.set([...Buffer.from('Info')], 4 + 2 + 17);
    // A header whose emphasis field is the reserved value: not a frame for either.
    const reservedEmphasis = concatBytes([0xff, 0xfb, 0x90, 0xc6], new Uint8Array(40).fill(0x22));
    const middle = whole.slice(0, 10).reduce((sum, frame) => sum + frame.bytes.length, 0);
    const stream = concatBytes(
      id3WithFooter,
      infoWithCrc,
      mp3.subarray(0, middle),
      reservedEmphasis,
      mp3.subarray(middle),
    );
    const expectedMs = splitterMs(whole);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 40 }), (cuts) => {
        const frames = splitAt(stream, cuts);
        expect(splitterMs(frames)).toBeCloseTo(expectedMs, 6);
        expect(meterMs(stream, cuts)).toBeCloseTo(expectedMs, 6);
      }),
      { numRuns: 100 },
    );
  });
});

describe('decoded samples', () => {
  it('trims the encoder and decoder delay from the front and the padding from the end', () => {
    const trim = new GaplessTrim({ encoderDelay: 576, padding: 1000, frames: 2 }, 1152);
    const kept = [trim.apply(new Float32Array(1152)), trim.apply(new Float32Array(1152))];
    // 576 + 529 samples dropped at the front; 2 × 1152 − 576 − 1000 = 728 samples of audio in all.
    expect(kept.map((samples) => samples.length)).toEqual([1152 - 1105, 728 - (1152 - 1105)]);
    expect(new GaplessTrim(undefined, 1152).apply(new Float32Array(1152))).toHaveLength(1152);
  });

  it('takes the first channel of interleaved s16 and planar f32', () => {
    const s16 = Int16Array.of(16_384, -1, -32_768, -1);
    expect(Array.from(firstChannel('s16', s16.buffer, 2, 2))).toEqual([0.5, -1]);
    const f32 = Float32Array.of(0.25, -0.5, 9, 9);
    expect(Array.from(firstChannel('f32-planar', f32.buffer, 2, 2))).toEqual([0.25, -0.5]);
    const interleaved = Float32Array.of(0.25, 9, -0.5, 9);
    expect(Array.from(firstChannel('f32', interleaved.buffer, 2, 2))).toEqual([0.25, -0.5]);
  });
});
