import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Mp3FrameMeter, createDurationMeter, estimateFromBitrate } from './audio-duration';
import { parseMp3FrameHeader } from '../../shared/mp3-frames';
import { createEncoder } from '../engine/encoders';
import { parseOutputFormat } from '../../shared/protocol';
import type { FormatInfo } from '../../shared/protocol';

function format(name: string) {
  const info = parseOutputFormat(name);
  if (!info) throw new Error(`bad format ${name}`);
  return info;
}

/** A layer III frame with a real header and a zero body (enough for a header parser). */
function mp3Frame(headerBytes: [number, number, number, number], bodyFill = 0): Uint8Array {
  const header = parseMp3FrameHeader(Uint8Array.from(headerBytes));
  if (!header) throw new Error('test header is not valid');
  const frame = new Uint8Array(header.frameBytes).fill(bodyFill);
  frame.set(headerBytes);
  return frame;
}

const MPEG1_128K_44100: [number, number, number, number] = [0xff, 0xfb, 0x90, 0x64];
const MPEG1_128K_44100_MONO: [number, number, number, number] = [0xff, 0xfb, 0x90, 0xc4];
const MPEG2_64K_22050: [number, number, number, number] = [0xff, 0xf3, 0x80, 0xc4];
const MPEG25_8K_11025: [number, number, number, number] = [0xff, 0xe3, 0x10, 0xc4];
const FRAME_MS_44100 = (1152 / 44100) * 1000;

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function splitAt(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const parts: Uint8Array[] = [];
  let start = 0;
  for (const point of [...points, bytes.length]) {
    parts.push(bytes.subarray(start, point));
    start = point;
  }
  return parts;
}

describe('sample formats', () => {
  it('measures pcm as bytes / 2 / rate', () => {
    const meter = createDurationMeter(format('pcm_22050'));
    expect(meter?.add(new Uint8Array(44100))).toBeCloseTo(1000, 6);
    expect(meter?.totalMs).toBeCloseTo(1000, 6);
  });

  it('counts a pcm sample split across chunks once, when it is complete', () => {
    const meter = createDurationMeter(format('pcm_16000'));
    expect(meter?.add(new Uint8Array(3))).toBeCloseTo(1 / 16, 6);
    expect(meter?.add(new Uint8Array(1))).toBeCloseTo(1 / 16, 6);
    expect(meter?.totalMs).toBeCloseTo(2 / 16, 6);
  });

  it('measures ulaw and alaw as bytes / rate', () => {
    expect(createDurationMeter(format('ulaw_8000'))?.add(new Uint8Array(4000))).toBeCloseTo(500, 6);
    expect(createDurationMeter(format('alaw_8000'))?.add(new Uint8Array(8000))).toBeCloseTo(1000, 6);
  });

  it('has no meter for opus, only a bitrate estimate', () => {
    expect(createDurationMeter(format('opus_48000_64'))).toBeUndefined();
    expect(estimateFromBitrate(8000, 64)).toBe(1000);
    expect(estimateFromBitrate(8000, 0)).toBe(0);
  });
});

describe('Mp3FrameMeter', () => {
  it('sums frame durations for each MPEG version', () => {
    const meter = new Mp3FrameMeter();
    const stream = concat([mp3Frame(MPEG1_128K_44100), mp3Frame(MPEG2_64K_22050), mp3Frame(MPEG25_8K_11025)]);
    const expected = FRAME_MS_44100 + (576 / 22050) * 1000 + (576 / 11025) * 1000;
    expect(meter.add(stream)).toBeCloseTo(expected, 6);
  });

  it('gives the same total however the stream is split, counting each frame when it completes', () => {
    const frames = Array.from({ length: 6 }, (_, i) =>
      mp3Frame(i % 2 ? MPEG1_128K_44100 : MPEG1_128K_44100_MONO, 0xff),
    );
    const stream = concat(frames);
    fc.assert(
      fc.property(fc.array(fc.nat(stream.length), { maxLength: 40 }), (cuts) => {
        const meter = new Mp3FrameMeter();
        let sum = 0;
        let received = 0;
        for (const part of splitAt(stream, cuts)) {
          const ms = meter.add(part);
          received += part.length;
          sum += ms;
          const completedFrames = Math.floor(received / frames[0]!.length);
          // Never ahead of the bytes: only whole frames count.
          expect(sum).toBeCloseTo(completedFrames * FRAME_MS_44100, 6);
        }
        expect(meter.totalMs).toBeCloseTo(6 * FRAME_MS_44100, 6);
      }),
    );
  });

  it('handles a header split in the middle, one byte at a time', () => {
    const meter = new Mp3FrameMeter();
    const stream = concat([mp3Frame(MPEG1_128K_44100), mp3Frame(MPEG1_128K_44100)]);
    let sum = 0;
    for (const byte of stream) sum += meter.add(Uint8Array.of(byte));
    expect(sum).toBeCloseTo(2 * FRAME_MS_44100, 6);
  });

  it('skips an ID3v2 tag, even one whose body looks like frame headers', () => {
    const tagBody = new Uint8Array(300);
    tagBody.set(MPEG1_128K_44100, 20);
    const tagHeader = Uint8Array.from([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0x02, 0x2c]); // size 300
    const meter = new Mp3FrameMeter();
    const stream = concat([tagHeader, tagBody, mp3Frame(MPEG1_128K_44100)]);
    expect(meter.add(stream)).toBeCloseTo(FRAME_MS_44100, 6);
  });

  it('counts a Xing/Info metadata frame as no audio', () => {
    const info = mp3Frame(MPEG1_128K_44100);
    info.set([0x49, 0x6e, 0x66, 0x6f], 4 + 32); // "Info" after stereo side information
    const meter = new Mp3FrameMeter();
    expect(meter.add(concat([info, mp3Frame(MPEG1_128K_44100)]))).toBeCloseTo(FRAME_MS_44100, 6);
  });

  it('resynchronises after garbage bytes', () => {
    const meter = new Mp3FrameMeter();
    const garbage = Uint8Array.from([0x00, 0xff, 0x12, 0x49, 0x44, 0xff, 0xff]);
    const stream = concat([garbage, mp3Frame(MPEG1_128K_44100), garbage, mp3Frame(MPEG1_128K_44100)]);
    expect(meter.add(stream)).toBeCloseTo(2 * FRAME_MS_44100, 6);
  });

  it('measures real encoder output (LAME) as the encoded length plus encoder padding', async () => {
    const encoder = await createEncoder(parseOutputFormat('mp3_44100_128') as FormatInfo, 44100);
    const pcm = Int16Array.from({ length: 44100 }, (_, i) => Math.round(8000 * Math.sin(i / 7)));
    const parts = [encoder.encode(pcm), encoder.end()];
    const meter = new Mp3FrameMeter();
    for (const part of parts) meter.add(part);
    expect(meter.totalMs).toBeGreaterThanOrEqual(1000);
    expect(meter.totalMs).toBeLessThanOrEqual(1000 + 3 * FRAME_MS_44100);
  });
});
