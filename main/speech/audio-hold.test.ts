import { describe, expect, it } from 'vitest';
import { createDurationMeter } from './audio-duration';
import { parseMp3FrameHeader } from '../../shared/mp3-frames';
import { AudioHold, audioCutter } from './audio-hold';
import { parseOutputFormat } from '../../shared/protocol';
import type { AudioChunk } from './session';

function format(name: string) {
  const info = parseOutputFormat(name);
  if (!info) throw new Error(`bad format ${name}`);
  return info;
}

const MPEG1_128K_44100: [number, number, number, number] = [0xff, 0xfb, 0x90, 0x64];
const FRAME_MS_44100 = (1152 / 44100) * 1000;

function mp3Frames(count: number): Uint8Array {
  const header = parseMp3FrameHeader(Uint8Array.from(MPEG1_128K_44100));
  if (!header) throw new Error('test header is not valid');
  const bytes = new Uint8Array(header.frameBytes * count);
  for (let i = 0; i < count; i++) bytes.set(MPEG1_128K_44100, i * header.frameBytes);
  return bytes;
}

function chunk(audio: Uint8Array, startMs: number, durationMs: number, chars: string[] = []): AudioChunk {
  return {
    audio,
    startMs,
    durationMs,
    chars: chars.map((char, i) => ({ char, startMs: startMs + i * 10, durationMs: 10 })),
  };
}

describe('audioCutter', () => {
  it('cuts pcm at whole samples, never past the time asked for', () => {
    const cutter = audioCutter(format('pcm_16000'))!;
    const bytes = new Uint8Array(3200 + 1); // 100 ms and a stray half sample
    expect(cutter.prefix(bytes, 50)).toEqual({ bytes: 1600, ms: 50 });
    expect(cutter.prefix(bytes, 50.04)).toEqual({ bytes: 1600, ms: 50 });
    expect(cutter.prefix(bytes, 1000)).toEqual({ bytes: 3200, ms: 100 });
    expect(cutter.prefix(bytes, 0)).toEqual({ bytes: 0, ms: 0 });
    expect(cutter.toleranceMs).toBeCloseTo(1 / 16, 6);
  });

  it('cuts ulaw and alaw at single bytes', () => {
    const cutter = audioCutter(format('ulaw_8000'))!;
    expect(cutter.prefix(new Uint8Array(800), 25)).toEqual({ bytes: 200, ms: 25 });
    expect(audioCutter(format('alaw_8000'))!.prefix(new Uint8Array(8), 1)).toEqual({ bytes: 8, ms: 1 });
  });

  it('cuts mp3 after whole frames only, and leaves a frame that has not fully arrived', () => {
    const cutter = audioCutter(format('mp3_44100_128'))!;
    const frames = mp3Frames(4);
    const frameBytes = frames.length / 4;
    expect(cutter.prefix(frames, FRAME_MS_44100 * 2.5)).toEqual({
      bytes: frameBytes * 2,
      ms: FRAME_MS_44100 * 2,
    });
    expect(cutter.prefix(frames.subarray(0, frameBytes * 3 - 1), 1000).bytes).toBe(frameBytes * 2);
    expect(cutter.toleranceMs).toBeCloseTo(FRAME_MS_44100, 6);
  });

  it('cannot cut opus', () => {
    expect(audioCutter(format('opus_48000_64'))).toBeUndefined();
  });
});

describe('AudioHold', () => {
  it('hands over seamless pieces up to the time asked for, with the characters they cover', () => {
    const hold = new AudioHold(audioCutter(format('pcm_8000'))!);
    hold.add(chunk(new Uint8Array(800), 0, 50, ['a', 'b', 'c', 'd', 'e']));
    expect(hold.release(0)).toBeUndefined();
    const first = hold.release(20)!;
    expect(first).toMatchObject({ startMs: 0, durationMs: 20 });
    expect(first.audio.length).toBe(320);
    expect(first.chars.map((c) => c.char)).toEqual(['a', 'b']);
    hold.add(chunk(new Uint8Array(160), 50, 10, ['f']));
    const second = hold.release(45)!;
    expect(second).toMatchObject({ startMs: 20, durationMs: 25 });
    expect(second.chars.map((c) => c.char)).toEqual(['c', 'd', 'e']);
    const rest = hold.releaseAll(60)!;
    expect(rest).toMatchObject({ startMs: 45, durationMs: 15 });
    expect(rest.audio.length).toBe(240);
    expect(rest.chars.map((c) => c.char)).toEqual(['f']);
    expect(hold.releasedMs).toBe(60);
    expect(hold.releaseAll(60)).toBeUndefined();
  });

  it('keeps mp3 frames whole when a frame is split between chunks', () => {
    const hold = new AudioHold(audioCutter(format('mp3_44100_128'))!);
    const frames = mp3Frames(3);
    const meter = createDurationMeter(format('mp3_44100_128'))!;
    const head = frames.subarray(0, 600);
    const tail = frames.subarray(600);
    hold.add(chunk(head, 0, meter.add(head)));
    expect(hold.release(1000)).toMatchObject({ durationMs: FRAME_MS_44100 });
    const tailMs = meter.add(tail);
    hold.add(chunk(tail, FRAME_MS_44100, tailMs));
    const rest = hold.release(1000)!;
    expect(rest.durationMs).toBeCloseTo(FRAME_MS_44100 * 2, 6);
    expect(rest.audio.length + 417).toBe(frames.length);
  });
});
