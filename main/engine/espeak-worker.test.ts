import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WordCollector, prepareEspeakText, type EspeakEvent } from './espeak-worker';

describe('prepareEspeakText', () => {
  it('escapes markup characters and remembers where each character came from', () => {
    const input = prepareEspeakText('a<b&c>');
    expect(input.text).toBe('a&lt;b&amp;c&gt;');
    expect(input.sourceIndex).toEqual([0, 1, 1, 1, 1, 2, 3, 3, 3, 3, 3, 4, 5, 5, 5, 5]);
  });

  it('breaks the [[ phoneme-input marker', () => {
    expect(prepareEspeakText('x [[h@l]] y').text).toBe('x ((h@l]] y');
  });

  it('turns NUL, control characters and lone surrogates into spaces, keeping tabs and newlines', () => {
    expect(prepareEspeakText('a\u0000b\u0001c\u007fd\u0085e\uD800f\uDC00g\t\r\n').text).toBe(
      'a b c d e f g\t\r\n',
    );
  });

  it('counts code points, so astral characters map to one index', () => {
    const input = prepareEspeakText('😀 日本 مرحبا');
    expect(input.text).toBe('😀 日本 مرحبا');
    expect(input.sourceIndex).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('keeps a valid index for every output code point of any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (text) => {
        const input = prepareEspeakText(text);
        const outputLength = Array.from(input.text).length;
        const sourceLength = Array.from(text).length;
        expect(input.sourceIndex).toHaveLength(outputLength);
        expect(input.text.includes('\u0000')).toBe(false);
        expect(input.text.includes('[[')).toBe(false);
        expect(/[<>]|&(?!amp;|lt;|gt;)/.test(input.text)).toBe(false);
        expect(/[\uD800-\uDFFF]/u.test(input.text)).toBe(false);
        input.sourceIndex.forEach((index, k) => {
          expect(index).toBeGreaterThanOrEqual(k === 0 ? 0 : (input.sourceIndex[k - 1] ?? 0));
          expect(index).toBeLessThan(sourceLength);
        });
      }),
    );
  });
});

const word = (position: number, length: number, ms: number): EspeakEvent => ({
  type: 'word',
  text_position: position,
  word_length: length,
  audio_position: ms,
});
const phoneme = (name: string, ms: number): EspeakEvent => ({
  type: 'phoneme',
  text_position: 0,
  word_length: 0,
  audio_position: ms,
  id: name,
});

describe('WordCollector', () => {
  it('maps 1-based engine positions back through escapes to code points of the original text', () => {
    // Original "Tom & Jerry" → engine text "Tom &amp; Jerry": "Jerry" is at engine position 11.
    const input = prepareEspeakText('Tom & Jerry');
    const collector = new WordCollector(input.sourceIndex);
    for (const event of [word(1, 3, 0), word(5, 5, 300), word(11, 5, 500)]) collector.add(event);
    expect(collector.finish()).toEqual([
      { charStart: 0, charLength: 3, startMs: 0 },
      { charStart: 4, charLength: 1, startMs: 300 },
      { charStart: 6, charLength: 5, startMs: 500 },
    ]);
  });

  it('ends a word at the first pause after its last sound', () => {
    const collector = new WordCollector(prepareEspeakText('Hello, world.').sourceIndex);
    const events = [
      word(1, 5, 0),
      phoneme('h', 11),
      phoneme('ˈoʊ', 184),
      phoneme('', 296),
      phoneme('', 320),
      word(8, 5, 450),
      phoneme('', 450),
      phoneme('w', 460),
      phoneme('d', 711),
      phoneme('', 750),
      { type: 'end', text_position: 13, word_length: 0, audio_position: 757 },
    ];
    for (const event of events) collector.add(event);
    expect(collector.finish()).toEqual([
      { charStart: 0, charLength: 5, startMs: 0, endMs: 296 },
      { charStart: 7, charLength: 5, startMs: 450, endMs: 750 },
    ]);
  });

  it('clamps positions outside the text and ignores events before the first word', () => {
    const collector = new WordCollector(prepareEspeakText('abc').sourceIndex);
    collector.add(phoneme('', 5));
    collector.add(word(0, 0, 10));
    collector.add(word(9, 4, 20));
    expect(collector.finish()).toEqual([
      { charStart: 0, charLength: 1, startMs: 10 },
      { charStart: 2, charLength: 1, startMs: 20 },
    ]);
    expect(new WordCollector([]).finish()).toEqual([]);
  });
});
