import { describe, expect, it } from 'vitest';
import type { Alignment } from '../../shared/protocol';
import { alignmentWithin, generationFrames, planFrames } from './audio-frames';
import type { GenerationAudio } from './audio-frames';

const RATE = 22050;

/** PCM as little-endian bytes, the way pcm_22050 is sent. */
const pcmBytes = (pcm: Int16Array): Uint8Array =>
  new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength).slice();

/** A generation of `ms` milliseconds whose characters are spread evenly over it. */
function generation(text: string, ms: number): GenerationAudio {
  const chars = Array.from(text);
  const step = ms / chars.length;
  const pcm = new Int16Array(Math.round((ms * RATE) / 1000)).map((_, i) => i % 1000);
  const alignment: Alignment = {
    chars,
    charStartTimesMs: chars.map((_, i) => Math.round(i * step)),
    charDurationsMs: chars.map((_, i) => Math.round((i + 1) * step) - Math.round(i * step)),
  };
  return { pcm, sampleRate: RATE, alignment };
}

describe('planFrames', () => {
  it('covers every sample with a short first frame, then frames of 125 to 250 ms', () => {
    const total = RATE * 3 + 123;
    const ranges = planFrames(total, RATE);
    expect(ranges[0]).toEqual({ start: 0, end: Math.floor(RATE * 0.06) });
    expect(ranges[ranges.length - 1]!.end).toBe(total);
    ranges.slice(1).forEach((range, i) => {
      expect(range.start).toBe(ranges[i]!.end);
      const ms = ((range.end - range.start) * 1000) / RATE;
      expect(ms).toBeLessThanOrEqual(250);
      expect(ms).toBeGreaterThanOrEqual(125);
    });
  });

  it('gives a short generation one frame and an empty one one empty frame', () => {
    expect(planFrames(1000, RATE)).toEqual([{ start: 0, end: 1000 }]);
    expect(planFrames(0, RATE)).toEqual([{ start: 0, end: 0 }]);
  });
});

describe('alignmentWithin', () => {
  const alignment: Alignment = {
    chars: ['a', 'b', 'c'],
    charStartTimesMs: [0, 100, 300],
    charDurationsMs: [100, 200, 50],
  };

  it('keeps the characters starting in the frame, relative to its start', () => {
    expect(alignmentWithin(alignment, 100, 300, false)).toEqual({
      chars: ['b'],
      charStartTimesMs: [0],
      charDurationsMs: [200],
    });
  });

  it('gives the last frame everything from its start on', () => {
    expect(alignmentWithin(alignment, 250, 300, true).chars).toEqual(['c']);
  });
});

describe('generationFrames', () => {
  it('without sync_alignment puts the whole alignment on the first frame only', () => {
    const audio = generation('Hello there, world.', 1200);
    const frames = [...generationFrames(audio, pcmBytes, false)];
    expect(frames.length).toBeGreaterThan(4);
    expect(frames[0]!.alignment).toBe(audio.alignment);
    expect(frames.slice(1).every((frame) => frame.alignment === null)).toBe(true);
    const bytes = frames.reduce((sum, frame) => sum + frame.audio.length, 0);
    expect(bytes).toBe(audio.pcm.length * 2);
  });

  it('with sync_alignment gives each frame the characters starting within it, relative to the frame', () => {
    const audio = generation('Hello there, world.', 1200);
    const frames = [...generationFrames(audio, pcmBytes, true)];
    expect(frames.flatMap((frame) => frame.alignment!.chars).join('')).toBe('Hello there, world.');
    let frameStartMs = 0;
    for (const frame of frames) {
      const frameMs = (frame.audio.length / 2 / RATE) * 1000;
      for (const start of frame.alignment!.charStartTimesMs) {
        expect(start).toBeGreaterThanOrEqual(0);
        expect(start).toBeLessThan(frameMs + 1);
      }
      frameStartMs += frameMs;
    }
    expect(frameStartMs).toBeCloseTo(1200, 0);
  });

  it('merges frames the encoder answers with no bytes into the next one', () => {
    const audio = generation('abcdefghij', 1150); // six ranges: every held-back range has a successor
    let calls = 0;
    // An encoder that holds back every other call's output, like MP3 waiting for a full frame.
    let held: Uint8Array[] = [];
    const encode = (pcm: Int16Array): Uint8Array => {
      held.push(pcmBytes(pcm));
      if (calls++ % 2 === 0) return new Uint8Array(0);
      const out = Buffer.concat(held);
      held = [];
      return out;
    };
    const frames = [...generationFrames(audio, encode, true)];
    expect(frames.every((frame) => frame.audio.length > 0)).toBe(true);
    expect(frames.length).toBeLessThan(planFrames(audio.pcm.length, RATE).length);
    expect(frames.flatMap((frame) => frame.alignment!.chars).join('')).toBe('abcdefghij');
  });
});
