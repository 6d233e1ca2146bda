import { describe, expect, it } from 'vitest';
import { Mp3FrameMeter } from '../speech/audio-duration';
import { parseMp3FrameHeader } from '../../shared/mp3-frames';
import { parseOutputFormat } from '../../shared/protocol';
import type { FormatInfo } from '../../shared/protocol';
import { audioPieces } from './audio-pieces';

function format(name: string): FormatInfo {
  const info = parseOutputFormat(name);
  if (!info) throw new Error(name);
  return info;
}

/** MPEG-1 layer III frames at 44.1 kHz / 128 kbit/s (417 bytes each, 26.12 ms), with padding bits varied. */
function mp3Frames(count: number): Uint8Array {
  const frames: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const padding = i % 3 === 0 ? 1 : 0;
    const frame = new Uint8Array(417 + padding);
    frame.set([0xff, 0xfb, 0x90 | (padding << 1), 0x64]);
    // Frame data that looks like a frame header must not fool the cutter.
    frame.set([0xff, 0xfb, 0x90, 0x64], 100);
    frames.push(frame);
  }
  const all = new Uint8Array(frames.reduce((sum, f) => sum + f.length, 0));
  let offset = 0;
  for (const frame of frames) {
    all.set(frame, offset);
    offset += frame.length;
  }
  return all;
}

function joined(pieces: { audio: Uint8Array }[]): Buffer {
  return Buffer.concat(pieces.map((p) => p.audio));
}

describe('audioPieces', () => {
  it('cuts PCM on whole samples, with a continuous timeline', () => {
    const audio = new Uint8Array(16000 * 2); // 1 s of 16 kHz 16-bit PCM
    const pieces = audioPieces(audio, format('pcm_16000'), 1001);
    expect(joined(pieces).length).toBe(audio.length);
    for (const piece of pieces) expect(piece.audio.length % 2).toBe(0);
    for (let i = 1; i < pieces.length; i++) {
      expect(pieces[i]!.startMs).toBeCloseTo(pieces[i - 1]!.startMs + pieces[i - 1]!.durationMs, 6);
    }
    const last = pieces.at(-1)!;
    expect(last.startMs + last.durationMs).toBeCloseTo(1000, 6);
  });

  it('cuts MP3 only where a frame starts, and measures every frame', () => {
    const audio = mp3Frames(40);
    const pieces = audioPieces(audio, format('mp3_44100_128'), 2000);
    expect(pieces.length).toBeGreaterThan(5);
    expect(joined(pieces).equals(Buffer.from(audio))).toBe(true);
    for (const piece of pieces) expect(parseMp3FrameHeader(piece.audio, 0)).toBeDefined();
    const meter = new Mp3FrameMeter();
    meter.add(audio);
    const last = pieces.at(-1)!;
    expect(last.startMs + last.durationMs).toBeCloseTo(meter.totalMs, 6);
    expect(meter.totalMs).toBeCloseTo(40 * (1152 / 44100) * 1000, 6);
  });

  it('hands μ-law over in byte-sized pieces and Opus whole', () => {
    const ulaw = audioPieces(new Uint8Array(8000), format('ulaw_8000'), 3000);
    expect(ulaw.map((p) => p.audio.length)).toEqual([3000, 3000, 2000]);
    expect(ulaw.at(-1)!.startMs + ulaw.at(-1)!.durationMs).toBeCloseTo(1000, 6);

    const opus = audioPieces(new Uint8Array(5000), format('opus_48000_64'), 1000);
    expect(opus).toHaveLength(1);
    expect(opus[0]!.durationMs).toBeCloseTo((5000 * 8) / 64, 6);
  });

  it('gives nothing for no audio', () => {
    expect(audioPieces(new Uint8Array(0), format('pcm_16000'))).toEqual([]);
  });
});
