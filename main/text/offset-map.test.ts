import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OffsetMap, applyEdits } from './offset-map';
import type { TextEdit } from './offset-map';

/** Sorted, non-overlapping random edits of `text`. */
function editsOf(text: string): fc.Arbitrary<TextEdit[]> {
  return fc
    .array(fc.tuple(fc.nat(text.length), fc.nat(4), fc.string({ maxLength: 6 })), { maxLength: 8 })
    .map((raw) => {
      const edits: TextEdit[] = [];
      let at = 0;
      for (const [start, length, replacement] of [...raw].sort((a, b) => a[0] - b[0])) {
        if (start < at) continue;
        const end = Math.min(text.length, start + length);
        edits.push({ start, end, text: replacement });
        at = end;
      }
      return edits;
    });
}

function spanOf(map: OffsetMap, spoken: string, word: string, source: string): string {
  const at = spoken.indexOf(word);
  expect(at).toBeGreaterThanOrEqual(0);
  const span = map.toSourceSpan(at, word.length);
  return source.slice(span.start, span.start + span.length);
}

describe('OffsetMap', () => {
  it('maps copied words to the same characters of the source', () => {
    const source = 'Read **this** now';
    const map = new OffsetMap();
    const spoken = applyEdits(
      source,
      [
        { start: 5, end: 7, text: '' },
        { start: 11, end: 13, text: '' },
      ],
      map,
    );
    expect(spoken).toBe('Read this now');
    expect(spanOf(map, spoken, 'this', source)).toBe('this');
    expect(spanOf(map, spoken, 'now', source)).toBe('now');
  });

  it('maps a word inside a replacement to the whole replaced span', () => {
    const source = 'It costs $5 today';
    const map = new OffsetMap();
    const spoken = applyEdits(source, [{ start: 9, end: 11, text: 'five dollars' }], map);
    expect(spanOf(map, spoken, 'five', source)).toBe('$5');
    expect(spanOf(map, spoken, 'dollars', source)).toBe('$5');
    expect(spanOf(map, spoken, 'today', source)).toBe('today');
  });

  it('chains stages back to the original text', () => {
    const source = '# Costs: $5';
    const first = new OffsetMap();
    const cleaned = applyEdits(source, [{ start: 0, end: 2, text: '' }], first);
    const second = new OffsetMap(first);
    const spoken = applyEdits(cleaned, [{ start: 7, end: 9, text: 'five dollars' }], second);
    expect(spoken).toBe('Costs: five dollars');
    expect(spanOf(second, spoken, 'Costs:', source)).toBe('Costs:');
    expect(spanOf(second, spoken, 'dollars', source)).toBe('$5');
  });

  it('grows piece by piece as a stream arrives, with the same result as one call', () => {
    const whole = new OffsetMap();
    const spokenWhole = applyEdits(
      'ab **cd** ef',
      [
        { start: 3, end: 5, text: '' },
        { start: 7, end: 9, text: '' },
      ],
      whole,
    );
    const pieces = new OffsetMap();
    const spokenPieces =
      applyEdits('ab **c', [{ start: 3, end: 5, text: '' }], pieces) +
      applyEdits('d** ef', [{ start: 1, end: 3, text: '' }], pieces);
    expect(spokenPieces).toBe(spokenWhole);
    for (let offset = 0; offset <= spokenWhole.length; offset++) {
      expect(pieces.toSourceStart(offset)).toBe(whole.toSourceStart(offset));
      expect(pieces.toSourceEnd(offset)).toBe(whole.toSourceEnd(offset));
    }
  });

  it('after a release, maps what follows exactly as a map that kept everything', () => {
    // Two chained stages fed piece by piece, as a pipe is; one pair releases behind the stream.
    const piece = fc
      .string({ maxLength: 12 })
      .chain((text) =>
        fc.tuple(fc.constant(text), editsOf(text), fc.double({ min: 0, max: 1, noNaN: true })),
      );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 30 }),
        fc.array(fc.nat(), { minLength: 30, maxLength: 30 }),
        (pieces, seconds) => {
          const maps = () => {
            const first = new OffsetMap();
            return { first, second: new OffsetMap(first) };
          };
          const kept = maps();
          const released = maps();
          let releasedAt = 0;
          for (const [index, [text, edits, where]] of pieces.entries()) {
            const cleaned = applyEdits(text, edits, kept.first);
            applyEdits(text, edits, released.first);
            // The second stage inserts or replaces at a position picked from the cleaned piece.
            const at = (seconds[index] as number) % (cleaned.length + 1);
            const second = [{ start: at, end: Math.min(cleaned.length, at + 1), text: '~~' }];
            const spoken = applyEdits(cleaned, second, kept.second);
            applyEdits(cleaned, second, released.second);
            releasedAt = Math.max(releasedAt, Math.floor(where * released.second.spokenLength));
            released.second.release(releasedAt);
            for (let offset = releasedAt; offset <= kept.second.spokenLength; offset++) {
              expect(released.second.toSourceStart(offset)).toBe(kept.second.toSourceStart(offset));
              if (offset > releasedAt)
                expect(released.second.toSourceEnd(offset)).toBe(kept.second.toSourceEnd(offset));
            }
            expect(spoken.length).toBeGreaterThanOrEqual(0);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('releases thousands of segments behind a long stream and still maps its end', () => {
    const first = new OffsetMap();
    const second = new OffsetMap(first);
    let spoken = '';
    for (let piece = 0; piece < 5000; piece++) {
      const cleaned = applyEdits(
        '**n** 1 ',
        [
          { start: 0, end: 2, text: '' },
          { start: 3, end: 5, text: '' },
        ],
        first,
      );
      spoken += applyEdits(cleaned, [{ start: 2, end: 3, text: 'one' }], second);
      second.release(second.spokenLength - 6);
    }
    // Piece n is "n one " for source "**n** 1 ": its "one" is the source's "1".
    const last = spoken.lastIndexOf('one');
    expect(second.toSourceSpan(last, 3)).toEqual({ start: 4999 * 8 + 6, length: 1 });
    expect(second.toSourceSpan(last - 2, 1)).toEqual({ start: 4999 * 8 + 2, length: 1 });
  });

  it('refuses overlapping edits', () => {
    expect(() =>
      applyEdits(
        'abcdef',
        [
          { start: 1, end: 4, text: 'x' },
          { start: 3, end: 5, text: 'y' },
        ],
        new OffsetMap(),
      ),
    ).toThrow(RangeError);
  });

  it('keeps every mapped span inside the source and in order, whatever the edits', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 40 }).chain((text) => fc.tuple(fc.constant(text), editsOf(text))),
        ([text, edits]) => {
          const map = new OffsetMap();
          const spoken = applyEdits(text, edits, map);
          expect(map.spokenLength).toBe(spoken.length);
          expect(map.sourceLength).toBe(text.length);
          let previous = 0;
          for (let offset = 0; offset <= spoken.length; offset++) {
            const start = map.toSourceStart(offset);
            expect(start).toBeGreaterThanOrEqual(previous);
            expect(start).toBeLessThanOrEqual(text.length);
            expect(map.toSourceEnd(offset)).toBeLessThanOrEqual(text.length);
            previous = start;
          }
          // Text that no edit touched maps onto itself.
          const untouched = edits.length === 0;
          if (untouched)
            expect(map.toSourceSpan(0, spoken.length)).toEqual({ start: 0, length: text.length });
        },
      ),
    );
  });
});
