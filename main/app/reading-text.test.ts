import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { WordBoundary } from '../speech/word-tracker';
import {
  MAX_ACCEPTED_CHARS,
  SentenceLocator,
  prepareText,
  spokenText,
  truncationPoint,
} from './reading-text';

function word(textOffset: number, length: number): WordBoundary {
  return { index: 0, textOffset, length, startMs: 0, durationMs: 0 };
}

describe('prepareText', () => {
  it('passes ordinary text through unchanged', () => {
    expect(prepareText('Hello there.')).toEqual({ ok: true, text: 'Hello there.', truncated: false });
  });

  it('refuses text without anything to say', () => {
    for (const text of ['', ' ', '\n\t \u00a0']) {
      expect(prepareText(text)).toMatchObject({ ok: false, code: 'empty_text' });
    }
  });

  it('refuses absurdly long text outright', () => {
    const result = prepareText('a'.repeat(MAX_ACCEPTED_CHARS + 1));
    expect(result).toMatchObject({ ok: false, code: 'text_too_long' });
    expect(!result.ok && result.message).toContain(MAX_ACCEPTED_CHARS.toLocaleString('en'));
  });

  it('cuts long text at a sentence end near the limit', () => {
    const text = 'One sentence here. Another one there. And a third that goes on and on.';
    const result = prepareText(text, 40);
    expect(result).toEqual({ ok: true, text: 'One sentence here. Another one there.', truncated: true });
  });
});

describe('truncationPoint', () => {
  it('falls back to a word boundary, then to a hard cut that keeps surrogate pairs whole', () => {
    expect(truncationPoint('no sentence end in this long line at all', 20)).toBe(19);
    expect('no sentence end in this long line at all'.slice(0, 19)).toBe('no sentence end in ');
    const emoji = `${'x'.repeat(9)}😀tail`;
    expect(truncationPoint(emoji, 10)).toBe(9);
  });

  it('never exceeds the limit and never splits a surrogate pair (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 300 }),
        fc.integer({ min: 2, max: 200 }),
        (text, max) => {
          const cut = truncationPoint(text, max);
          expect(cut).toBeLessThanOrEqual(Math.min(max, text.length));
          expect(cut).toBeGreaterThanOrEqual(Math.min(text.length, Math.floor(max / 2)));
          if (cut > 0 && cut < text.length) {
            const code = text.charCodeAt(cut - 1);
            expect(code >= 0xd800 && code <= 0xdbff).toBe(false);
          }
        },
      ),
    );
  });
});

describe('spokenText', () => {
  const text = 'Cut off half way through.';

  it('is the whole text when the reading completed', () => {
    expect(spokenText(text, [word(0, 3)], true)).toBe(text);
  });

  it('ends with the last word whose audio arrived', () => {
    expect(spokenText(text, [word(0, 3), word(4, 3)], false)).toBe('Cut off');
  });

  it('is the whole text when no timing arrived at all', () => {
    expect(spokenText(text, [], false)).toBe(text);
  });
});

describe('SentenceLocator', () => {
  it('finds the sentence around an offset', () => {
    const text = 'First one. Second one! Third.';
    const locator = new SentenceLocator(text);
    expect(locator.at(0)).toEqual({ text: 'First one. ', offset: 0 });
    expect(locator.at(6)).toEqual({ text: 'First one. ', offset: 0 });
    expect(locator.at(11)).toEqual({ text: 'Second one! ', offset: 11 });
    expect(locator.at(23)).toEqual({ text: 'Third.', offset: 23 });
  });

  it('returns the sentence that contains every offset (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), fc.nat(), (text, seed) => {
        fc.pre(text.length > 0);
        const offset = seed % text.length;
        const sentence = new SentenceLocator(text).at(offset);
        expect(sentence.offset).toBeLessThanOrEqual(offset);
        expect(sentence.offset + sentence.text.length).toBeGreaterThan(offset);
        expect(text.slice(sentence.offset, sentence.offset + sentence.text.length)).toBe(sentence.text);
      }),
    );
  });
});
