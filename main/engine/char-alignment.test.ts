import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Alignment } from '../../shared/protocol';
import { alignCharacters, type WordTiming } from './char-alignment';

function expectWellFormed(text: string, alignment: Alignment, totalMs: number): void {
  const chars = Array.from(text);
  expect(alignment.chars).toEqual(chars);
  expect(alignment.chars.join('')).toBe(text);
  expect(alignment.charStartTimesMs).toHaveLength(chars.length);
  expect(alignment.charDurationsMs).toHaveLength(chars.length);
  const total = Number.isFinite(totalMs) && totalMs > 0 ? Math.round(totalMs) : 0;
  let expectedStart = 0;
  alignment.charStartTimesMs.forEach((start, i) => {
    const duration = alignment.charDurationsMs[i] ?? -1;
    expect(Number.isInteger(start) && Number.isInteger(duration)).toBe(true);
    expect(duration).toBeGreaterThanOrEqual(0);
    // Contiguous: every character starts where the previous one ended.
    expect(start).toBe(expectedStart);
    expectedStart = start + duration;
  });
  if (chars.length > 0) expect(expectedStart).toBe(total);
}

/** Timing of the character at code point `index`, as [start, end). */
function span(alignment: Alignment, index: number): [number, number] {
  const start = alignment.charStartTimesMs[index] ?? NaN;
  return [start, start + (alignment.charDurationsMs[index] ?? NaN)];
}

describe('alignCharacters', () => {
  it('gives the characters of each word its span and the pause to the punctuation after it', () => {
    // "Hello, world." with word events like eSpeak's: voice stops at 400 ms for the comma pause.
    const text = 'Hello, world.';
    const words: WordTiming[] = [
      { charStart: 0, charLength: 5, startMs: 0, endMs: 400 },
      { charStart: 7, charLength: 5, startMs: 500, endMs: 900 },
    ];
    const alignment = alignCharacters(text, words, 1000);
    expectWellFormed(text, alignment, 1000);
    expect(alignment.charStartTimesMs.slice(0, 5)).toEqual([0, 80, 160, 240, 320]);
    expect(span(alignment, 4)).toEqual([320, 400]);
    // ", " shares the pause between the words.
    expect(span(alignment, 5)).toEqual([400, 450]);
    expect(span(alignment, 6)).toEqual([450, 500]);
    expect(alignment.charStartTimesMs.slice(7, 12)).toEqual([500, 580, 660, 740, 820]);
    // The final period takes the trailing silence.
    expect(span(alignment, 12)).toEqual([900, 1000]);
  });

  it('keeps a word eSpeak merged into the previous one ("of the") inside that word', () => {
    const text = 'cost of the items';
    const words: WordTiming[] = [
      { charStart: 0, charLength: 4, startMs: 0 },
      { charStart: 5, charLength: 2, startMs: 300 },
      { charStart: 12, charLength: 5, startMs: 600 },
    ];
    const alignment = alignCharacters(text, words, 1000);
    expectWellFormed(text, alignment, 1000);
    const [theStart, theEnd] = [span(alignment, 8)[0], span(alignment, 10)[1]];
    expect(theStart).toBeGreaterThan(300);
    expect(theEnd).toBeLessThanOrEqual(600);
    expect(theEnd - theStart).toBeGreaterThan(100);
  });

  it('splits a number read as several words between its digits', () => {
    // "42" is read "forty two": events at the "4" and at the "2".
    const text = 'the 42 items';
    const words: WordTiming[] = [
      { charStart: 0, charLength: 3, startMs: 0 },
      { charStart: 4, charLength: 2, startMs: 200 },
      { charStart: 5, charLength: 2, startMs: 500 },
      { charStart: 7, charLength: 5, startMs: 700 },
    ];
    const alignment = alignCharacters(text, words, 1200);
    expectWellFormed(text, alignment, 1200);
    expect(span(alignment, 4)).toEqual([200, 500]);
    expect(span(alignment, 5)[0]).toBe(500);
  });

  it('merges repeated events at one position (CJK runs) into one span', () => {
    const text = '日本語です';
    const words: WordTiming[] = [0, 640, 1277, 1922, 2630].map((startMs) => ({
      charStart: 0,
      charLength: 5,
      startMs,
    }));
    const alignment = alignCharacters(text, words, 3452);
    expectWellFormed(text, alignment, 3452);
    expect(alignment.charStartTimesMs).toEqual([0, 690, 1381, 2071, 2762]);
  });

  it('spreads text without word events evenly and handles empty text', () => {
    expectWellFormed('...', alignCharacters('...', [], 7), 7);
    expect(alignCharacters('...', [], 7).charStartTimesMs).toEqual([0, 2, 5]);
    expect(alignCharacters('', [], 7)).toEqual({ chars: [], charStartTimesMs: [], charDurationsMs: [] });
  });

  it('counts code points, so an emoji is one character', () => {
    const text = 'a 😀 b';
    const alignment = alignCharacters(text, [{ charStart: 2, charLength: 1, startMs: 100 }], 500);
    expectWellFormed(text, alignment, 500);
    expect(alignment.chars).toEqual(['a', ' ', '😀', ' ', 'b']);
    expect(span(alignment, 2)[0]).toBe(100);
  });

  it('ignores events that point outside the text or carry broken times', () => {
    const text = 'ab cd';
    const words: WordTiming[] = [
      { charStart: 0, charLength: 2, startMs: 0 },
      { charStart: 99, charLength: 2, startMs: 10 },
      { charStart: -1, charLength: 2, startMs: 10 },
      { charStart: 3, charLength: 2, startMs: Number.NaN },
      { charStart: 3, charLength: 0, startMs: 5000, endMs: -4 },
    ];
    const alignment = alignCharacters(text, words, 800);
    expectWellFormed(text, alignment, 800);
    // The event past the end of the audio is pulled back to the end.
    expect(span(alignment, 3)).toEqual([800, 800]);
  });

  const anyText = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.constantFrom('', ' ', '   \n\t', '\uD800', 'a\uDC00b', '\u0000\u0001', '日本語', 'مرحبا بك'),
  );
  const anyWord = fc.record(
    {
      charStart: fc.oneof(fc.integer({ min: -3, max: 60 }), fc.constant(Number.NaN)),
      charLength: fc.integer({ min: -1, max: 10 }),
      startMs: fc.oneof(fc.double({ min: -100, max: 5000 }), fc.constant(Number.POSITIVE_INFINITY)),
      endMs: fc.option(fc.double({ min: -100, max: 5000 }), { nil: undefined }),
    },
    { requiredKeys: ['charStart', 'charLength', 'startMs'] },
  );

  it('is well formed for any text, any events and any length', () => {
    fc.assert(
      fc.property(
        anyText,
        fc.array(anyWord, { maxLength: 12 }),
        fc.oneof(fc.double({ min: 0, max: 10_000 }), fc.constantFrom(0, -5, Number.NaN)),
        (text, words, totalMs) => {
          expectWellFormed(text, alignCharacters(text, words, totalMs), totalMs);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('starts every word no earlier than its event when events are ordered and in range', () => {
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[a-z]{1,8}$/), { minLength: 1, maxLength: 10 }),
        fc.array(fc.integer({ min: 20, max: 400 }), { minLength: 10, maxLength: 10 }),
        (wordList, gaps) => {
          const text = wordList.join(' ');
          let offset = 0;
          let time = 0;
          const words = wordList.map((word, i) => {
            const timing = { charStart: offset, charLength: word.length, startMs: time };
            offset += word.length + 1;
            time += gaps[i] ?? 100;
            return timing;
          });
          const alignment = alignCharacters(text, words, time);
          expectWellFormed(text, alignment, time);
          for (const word of words) {
            expect(alignment.charStartTimesMs[word.charStart]).toBe(Math.round(word.startMs));
          }
        },
      ),
    );
  });
});
