import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  captionPageAt,
  captionPages,
  captionParts,
  contrastRatio,
  highlightColours,
  opaqueHex,
  readableTextOn,
} from './caption-text';

describe('captionParts', () => {
  // "Hello brave world." starting at offset 100 of the source text.
  const sentence = { text: 'Hello brave world.', offset: 100 };

  it('cuts the sentence around the word being heard (offsets in the source text)', () => {
    expect(captionParts(sentence, { textOffset: 106, length: 5 })).toEqual({
      before: 'Hello ',
      word: 'brave',
      after: ' world.',
    });
  });

  it('shows the whole sentence without a highlight when no word is heard', () => {
    expect(captionParts(sentence, undefined)).toEqual({ before: 'Hello brave world.', word: '', after: '' });
  });

  it('does not highlight a word outside the sentence', () => {
    expect(captionParts(sentence, { textOffset: 10, length: 4 }).word).toBe('');
  });

  it('marks a range that starts or ends mid-sentence with an ellipsis', () => {
    expect(captionParts(sentence, { textOffset: 112, length: 5 }, { start: 6, end: 11 })).toEqual({
      before: '…brave…',
      word: '',
      after: '',
    });
    expect(captionParts(sentence, { textOffset: 112, length: 6 }, { start: 12, end: 18 })).toEqual({
      before: '…',
      word: 'world.',
      after: '',
    });
  });
});

describe('captionPages', () => {
  it('keeps a short sentence on one page', () => {
    expect(captionPages('Short one.', 40)).toEqual([{ start: 0, end: 10 }]);
  });

  it('breaks at spaces, and the spaces between pages belong to neither', () => {
    const text = 'aaa bbb ccc ddd';
    expect(captionPages(text, 8).map(({ start, end }) => text.slice(start, end))).toEqual([
      'aaa bbb',
      'ccc ddd',
    ]);
  });

  it('cuts a word longer than a page', () => {
    expect(captionPages('abcdefghij', 4)).toEqual([
      { start: 0, end: 4 },
      { start: 4, end: 8 },
      { start: 8, end: 10 },
    ]);
  });

  it('covers every non-space character once, in pages no longer than the limit', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z ]{0,300}$/), fc.integer({ min: 1, max: 80 }), (text, max) => {
        const pages = captionPages(text, max);
        for (const page of pages) expect(page.end - page.start).toBeLessThanOrEqual(max);
        expect(
          pages
            .map(({ start, end }) => text.slice(start, end))
            .join('')
            .replace(/ /g, ''),
        ).toBe(text.replace(/ /g, ''));
      }),
    );
  });

  it('finds the page holding an offset', () => {
    const text = 'aaa bbb ccc ddd';
    expect(captionPageAt(text, 8, 0)).toEqual({ start: 0, end: 7 });
    expect(captionPageAt(text, 8, 12)).toEqual({ start: 8, end: 15 });
    expect(captionPageAt(text, 8, -5)).toEqual({ start: 0, end: 7 });
  });
});

describe('highlight colours', () => {
  it('reads every form the settings allow as an opaque colour', () => {
    expect(opaqueHex('#FD4')).toBe('#ffdd44');
    expect(opaqueHex('#ffd54f')).toBe('#ffd54f');
    expect(opaqueHex('#1d4ed880')).toBe('#1d4ed8');
    expect(opaqueHex('yellow')).toBeUndefined();
  });

  it('puts black text on light colours and white text on dark ones', () => {
    expect(readableTextOn('#ffd54f')).toBe('#000000');
    expect(readableTextOn('#1d4ed8')).toBe('#ffffff');
    expect(readableTextOn('#000000')).toBe('#ffffff');
  });

  it('always reaches at least 4.5:1 with the text colour it picks', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffff }), (value) => {
        const background = `#${value.toString(16).padStart(6, '0')}`;
        expect(contrastRatio(background, readableTextOn(background))).toBeGreaterThanOrEqual(4.5);
      }),
    );
  });

  it('falls back to the default highlight for a colour it cannot read', () => {
    expect(highlightColours('nonsense')).toEqual({ background: '#ffd54f', text: '#000000' });
    expect(highlightColours('#0000ff80')).toEqual({ background: '#0000ff', text: '#ffffff' });
  });
});
