// The one MP3 framing both the main process and the player use: headers, ID3v2 tags, info frames.
import { describe, expect, it } from 'vitest';
import { id3TagLength, infoTagOffset, isInfoFrame, mp3FrameMs, parseMp3FrameHeader } from './mp3-frames';
import type { Mp3FrameHeader } from './mp3-frames';

const MPEG1_128K_44100 = [0xff, 0xfb, 0x90, 0x64];
const MPEG2_64K_22050 = [0xff, 0xf3, 0x80, 0xc4];
const MPEG25_8K_11025 = [0xff, 0xe3, 0x10, 0xc4];

function header(bytes: number[]): Mp3FrameHeader {
  const parsed = parseMp3FrameHeader(Uint8Array.from(bytes));
  if (!parsed) throw new Error('test header is not valid');
  return parsed;
}

describe('parseMp3FrameHeader', () => {
  it('reads MPEG-1, MPEG-2 and MPEG-2.5 layer III headers', () => {
    expect(parseMp3FrameHeader(Uint8Array.from(MPEG1_128K_44100))).toEqual({
      version: '1',
      sampleRate: 44100,
      bitrateKbps: 128,
      channels: 2,
      frameBytes: 417,
      samplesPerFrame: 1152,
      hasCrc: false,
    });
    expect(parseMp3FrameHeader(Uint8Array.from(MPEG2_64K_22050))).toMatchObject({
      version: '2',
      sampleRate: 22050,
      frameBytes: 208,
      samplesPerFrame: 576,
      channels: 1,
    });
    expect(parseMp3FrameHeader(Uint8Array.from(MPEG25_8K_11025))).toMatchObject({
      version: '2.5',
      sampleRate: 11025,
      samplesPerFrame: 576,
      frameBytes: 52,
    });
  });

  it('adds the padding byte', () => {
    expect(parseMp3FrameHeader(Uint8Array.from([0xff, 0xfb, 0x92, 0x64]))?.frameBytes).toBe(418);
  });

  it('refuses layer I/II, reserved versions, free format, bad bitrate and bad sample rate', () => {
    for (const bytes of [
      [0xff, 0xfd, 0x90, 0x64], // layer II
      [0xff, 0xeb, 0x90, 0x64], // reserved version
      [0xff, 0xfb, 0x00, 0x64], // free format
      [0xff, 0xfb, 0xf0, 0x64], // bitrate index 15
      [0xff, 0xfb, 0x9c, 0x64], // sample rate index 3
      [0xfe, 0xfb, 0x90, 0x64], // no sync
      [0xff, 0xfb, 0x90, 0x66], // reserved emphasis
      [0xff, 0xfb, 0x90], // too short
    ]) {
      expect(parseMp3FrameHeader(Uint8Array.from(bytes))).toBeUndefined();
    }
  });
});

describe('info frames and tags', () => {
  it('finds the Xing/Info tag after the CRC when the frame has one', () => {
    // 0xfa: MPEG-1 Layer III with CRC protection (the protection bit is 0).
    const withCrc = header([0xff, 0xfa, 0x90, 0x64]);
    expect(withCrc.hasCrc).toBe(true);
    expect(infoTagOffset(withCrc)).toBe(4 + 2 + 32);
    const frame = new Uint8Array(withCrc.frameBytes);
    frame.set([0xff, 0xfa, 0x90, 0x64]);
    frame.set(Buffer.from('Info'), 38);
    expect(isInfoFrame(frame, 0, withCrc)).toBe(true);
    // Where a reader that forgot the CRC would look, there is no tag.
    const shifted = new Uint8Array(withCrc.frameBytes);
    shifted.set([0xff, 0xfa, 0x90, 0x64]);
    shifted.set(Buffer.from('Info'), 36);
    expect(isInfoFrame(shifted, 0, withCrc)).toBe(false);
    expect(isInfoFrame(frame.subarray(0, 30), 0, withCrc)).toBe('need-more');
  });

  it('reads ID3v2 tag lengths, says when it needs more bytes, and refuses a bad version byte', () => {
    const tag = [0x49, 0x44, 0x33, 0x04, 0x00, 0x00, 0x00, 0x00, 0x01, 0x7f];
    expect(id3TagLength(Uint8Array.from(tag), 0)).toBe(10 + 255);
    expect(id3TagLength(Uint8Array.from([...tag.slice(0, 5)]), 0)).toBe('need-more');
    expect(id3TagLength(Uint8Array.from([0x49, 0x44]), 0)).toBe('need-more');
    expect(id3TagLength(Uint8Array.from([0x49, 0x45, 0x33]), 0)).toBe('none');
    const badVersion = [...tag];
    badVersion[3] = 0xff;
    expect(id3TagLength(Uint8Array.from(badVersion), 0)).toBe('none');
    const footer = [...tag];
    footer[5] = 0x10;
    expect(id3TagLength(Uint8Array.from(footer), 0)).toBe(10 + 255 + 10);
  });

  it('gives each version its frame length in time', () => {
    expect(mp3FrameMs(header(MPEG1_128K_44100))).toBeCloseTo((1152 / 44100) * 1000, 9);
    expect(mp3FrameMs(header(MPEG2_64K_22050))).toBeCloseTo((576 / 22050) * 1000, 9);
    expect(mp3FrameMs(header(MPEG25_8K_11025))).toBeCloseTo((576 / 11025) * 1000, 9);
  });
});
