import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Alignment } from '../../shared/protocol';
import { AlignmentTimeline, pickAlignment } from './timeline';

function align(chars: string, starts: number[], durations: number[]): Alignment {
  return { chars: Array.from(chars), charStartTimesMs: starts, charDurationsMs: durations };
}

describe('AlignmentTimeline', () => {
  it('offsets each frame by the audio received before it', () => {
    const timeline = new AlignmentTimeline();
    expect(timeline.add(0, align('ab', [0, 100], [100, 150]))).toEqual([
      { char: 'a', startMs: 0, durationMs: 100 },
      { char: 'b', startMs: 100, durationMs: 150 },
    ]);
    expect(timeline.add(250, align('c', [10], [90]))).toEqual([{ char: 'c', startMs: 260, durationMs: 90 }]);
    expect(timeline.endMs).toBe(350);
    expect(timeline.charCount).toBe(3);
  });

  it('times a generation from its first frame when later frames carry no alignment', () => {
    const timeline = new AlignmentTimeline();
    // sync_alignment=false: the first frame's alignment covers audio that arrives in three frames.
    const first = timeline.add(1000, align('hey', [0, 300, 600], [300, 300, 300]));
    expect(timeline.add(1300, null)).toEqual([]);
    expect(timeline.add(1600, null)).toEqual([]);
    expect(first.map((c) => c.startMs)).toEqual([1000, 1300, 1600]);
    expect(timeline.endMs).toBe(1900);
  });

  it('drops an exact repeat of the previous alignment at the same position', () => {
    const timeline = new AlignmentTimeline();
    const alignment = align('hi', [0, 50], [50, 50]);
    expect(timeline.add(0, alignment)).toHaveLength(2);
    expect(timeline.add(0, { ...alignment })).toEqual([]);
    // The same characters at a later position are new speech, not a repeat...
    expect(timeline.add(100, alignment)).toHaveLength(2);
    expect(timeline.charCount).toBe(4);
    // ...unless they come without audio: a frame repeating the alignment after its audio.
    expect(timeline.add(200, { ...alignment }, false)).toEqual([]);
    expect(timeline.charCount).toBe(4);
  });

  it('never lets a start go backwards, keeping the end where it can', () => {
    const timeline = new AlignmentTimeline();
    timeline.add(0, align('ab', [0, 200], [200, 100]));
    // Overlaps the previous frame (the audio was measured shorter than the alignment claimed).
    expect(timeline.add(150, align('cd', [0, 40], [40, 60]))).toEqual([
      { char: 'c', startMs: 200, durationMs: 0 },
      { char: 'd', startMs: 200, durationMs: 50 },
    ]);
    // Out of order inside one frame.
    expect(timeline.add(400, align('ef', [50, 10], [10, 10])).map((c) => c.startMs)).toEqual([450, 450]);
  });

  it('a second pass that starts over from character 0 does not shift the words after it', () => {
    // One generation in two passes, 100 ms per character. The first pass times "Hello there, gen"
    // (1600 ms of audio); the second pass's audio is "eral manager. " only.
    const first = 'Hello there, gen';
    const rest = 'eral manager. ';
    const msEach = (text: string) => Array.from(text, (_, i) => i * 100);
    const durations = (text: string) => Array.from(text, () => 100);
    const next = align('Next one.', msEach('Next one.'), durations('Next one.'));

    // What a server that continues where it left off sends (the normalizedAlignment shape).
    const sequential = new AlignmentTimeline();
    const expected = [
      ...sequential.add(0, align(first, msEach(first), durations(first))),
      ...sequential.add(1600, align(rest, msEach(rest), durations(rest))),
      ...sequential.add(3000, next),
    ];

    // The same audio, with the second pass repeating the first one's characters from 0 ms on.
    const whole = first + rest;
    const restarted = new AlignmentTimeline();
    const got = [
      ...restarted.add(0, align(first, msEach(first), durations(first))),
      ...restarted.add(1600, align(whole, msEach(whole), durations(whole))),
      ...restarted.add(3000, next),
    ];
    expect(got).toEqual(expected);
    expect(restarted.charCount).toBe(whole.length + 'Next one.'.length);
    expect(expected.find((c) => c.char === 'm')?.startMs).toBe(2100);
    expect(expected.at(-1)).toEqual({ char: '.', startMs: 3800, durationMs: 100 });
  });

  it('a pass that starts over several frames back is recognised too; a short repeat is speech', () => {
    const timeline = new AlignmentTimeline();
    const ms = (text: string) => Array.from(text, (_, i) => i * 10);
    const ten = (text: string) => Array.from(text, () => 10);
    timeline.add(0, align('Once upon ', ms('Once upon '), ten('Once upon ')));
    timeline.add(100, align('a time ', ms('a time '), ten('a time ')));
    const again = 'Once upon a time there';
    expect(timeline.add(170, align(again, ms(again), ten(again))).map((c) => c.char)).toEqual(
      Array.from('there'),
    );
    expect(timeline.charCount).toBe(again.length);
    // "no, no, " after "no, ": fewer characters than a restart needs, so all of it is new speech.
    const short = new AlignmentTimeline();
    short.add(0, align('no, ', ms('no, '), ten('no, ')));
    expect(short.add(40, align('no, no, ', ms('no, no, '), ten('no, no, ')))).toHaveLength(8);
  });

  it('ignores empty alignment', () => {
    const timeline = new AlignmentTimeline();
    expect(timeline.add(0, align('', [], []))).toEqual([]);
    expect(timeline.charCount).toBe(0);
  });
});

describe('pickAlignment', () => {
  it('prefers the original text and falls back to the normalised one', () => {
    const original = align('1', [0], [10]);
    const normalized = align('one', [0, 3, 6], [3, 3, 4]);
    expect(pickAlignment({ alignment: original, normalizedAlignment: normalized })).toBe(original);
    expect(pickAlignment({ alignment: null, normalizedAlignment: normalized })).toBe(normalized);
    expect(pickAlignment({ alignment: null, normalizedAlignment: null })).toBeNull();
  });
});

// Arbitrary alignment: any times, any order, any overlap.
const arbitraryAlignment = fc
  .array(
    fc.record({
      char: fc.string({ minLength: 1, maxLength: 1 }),
      start: fc.nat(2000),
      duration: fc.nat(500),
    }),
    { maxLength: 12 },
  )
  .map((items) => ({
    chars: items.map((i) => i.char),
    charStartTimesMs: items.map((i) => i.start),
    charDurationsMs: items.map((i) => i.duration),
  }));

// Frames with strictly increasing starts, so no input is an exact repeat of the previous one.
const arbitraryFrames = fc.array(
  fc.record({ gapMs: fc.integer({ min: 1, max: 3000 }), alignment: fc.option(arbitraryAlignment) }),
  { maxLength: 20 },
);

describe('AlignmentTimeline properties', () => {
  it('emits every character exactly once, in input order, with starts that never go backwards', () => {
    fc.assert(
      fc.property(arbitraryFrames, (frames) => {
        const timeline = new AlignmentTimeline();
        let frameStart = 0;
        const out = frames.flatMap(({ gapMs, alignment }) => {
          frameStart += gapMs;
          return timeline.add(frameStart, alignment);
        });
        const inputChars = frames.flatMap((f) => f.alignment?.chars ?? []);
        expect(out.map((c) => c.char)).toEqual(inputChars);
        expect(timeline.charCount).toBe(inputChars.length);
        for (let i = 1; i < out.length; i++)
          expect(out[i]!.startMs).toBeGreaterThanOrEqual(out[i - 1]!.startMs);
        for (const c of out) expect(c.durationMs).toBeGreaterThanOrEqual(0);
        const latestEnd = Math.max(0, ...out.map((c) => c.startMs + c.durationMs));
        expect(timeline.endMs).toBe(latestEnd);
      }),
    );
  });

  it('keeps well-formed input unchanged: absolute = frame start + offset', () => {
    const wellFormed = fc
      .array(
        fc.record({ char: fc.constantFrom('a', 'b', ' '), duration: fc.integer({ min: 1, max: 200 }) }),
        {
          minLength: 1,
          maxLength: 30,
        },
      )
      .chain((items) => fc.tuple(fc.constant(items), fc.integer({ min: 1, max: items.length })));
    fc.assert(
      fc.property(wellFormed, ([items, frameSize]) => {
        // Split one continuous stream into frames whose offsets are frame-relative.
        const timeline = new AlignmentTimeline();
        const expected: { char: string; startMs: number; durationMs: number }[] = [];
        let clock = 0;
        const out = [];
        for (let i = 0; i < items.length; i += frameSize) {
          const frame = items.slice(i, i + frameSize);
          const frameStart = clock;
          const starts: number[] = [];
          for (const item of frame) {
            starts.push(clock - frameStart);
            expected.push({ char: item.char, startMs: clock, durationMs: item.duration });
            clock += item.duration;
          }
          out.push(
            ...timeline.add(frameStart, {
              chars: frame.map((f) => f.char),
              charStartTimesMs: starts,
              charDurationsMs: frame.map((f) => f.duration),
            }),
          );
        }
        expect(out).toEqual(expected);
      }),
    );
  });
});
