import { describe, expect, it } from 'vitest';
import { readingSegments } from './reading-segments';

describe('readingSegments', () => {
  it('keeps the text between sentences, so the whole text shows as written', () => {
    const text = 'One two.  Three?\nFour.';
    const result = readingSegments({
      readingId: 1,
      text,
      sentences: [
        { offset: 0, length: 8 },
        { offset: 10, length: 6 },
        { offset: 17, length: 5 },
      ],
    });
    expect(result.segments).toEqual([
      { gap: '', text: 'One two.', offset: 0 },
      { gap: '  ', text: 'Three?', offset: 10 },
      { gap: '\n', text: 'Four.', offset: 17 },
    ]);
    expect(result.tail).toBe('');
    expect(result.segments.map((s) => s.gap + s.text).join('') + result.tail).toBe(text);
  });

  it('cuts spans that overlap or run past the end, and keeps what follows the last sentence', () => {
    const result = readingSegments({
      readingId: 1,
      text: 'Abc. Def. ',
      sentences: [
        { offset: 0, length: 6 },
        { offset: 5, length: 50 },
      ],
    });
    expect(result.segments.map((s) => s.text)).toEqual(['Abc. D', 'ef. ']);
    expect(result.tail).toBe('');
    const short = readingSegments({ readingId: 1, text: 'Hi. There', sentences: [{ offset: 0, length: 3 }] });
    expect(short.tail).toBe(' There');
  });
});
