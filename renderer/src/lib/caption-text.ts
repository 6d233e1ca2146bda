// How a caption is laid out: the sentence cut around the word being heard, the part of a long
// sentence that fits the overlay, and a text colour that reads on the user's highlight colour.
// Pure functions, unit-tested in caption-text.test.ts.

/** A range of a sentence's text, [start, end) in UTF-16 units. */
export interface TextRange {
  start: number;
  end: number;
}

/** Where a word sits in the source text (WordProgress has these fields). */
export interface WordSpan {
  textOffset: number;
  length: number;
}

export interface CaptionParts {
  /** Text shown before the highlighted word (with a leading "…" when the range starts mid-sentence). */
  before: string;
  /** The highlighted word; empty when no word of this range is being heard. */
  word: string;
  after: string;
}

const ELLIPSIS = '…';

/**
 * Splits the shown range of a sentence around the current word. The word's offsets are in the source
 * text (like the sentence's own offset); a word outside the range is not highlighted.
 */
export function captionParts(
  sentence: { text: string; offset: number },
  word: WordSpan | undefined,
  range: TextRange = { start: 0, end: sentence.text.length },
): CaptionParts {
  const { text } = sentence;
  const lead = range.start > 0 ? ELLIPSIS : '';
  const tail = range.end < text.length ? ELLIPSIS : '';
  const wordStart = word ? Math.max(range.start, word.textOffset - sentence.offset) : range.end;
  const wordEnd = word ? Math.min(range.end, word.textOffset - sentence.offset + word.length) : range.end;
  if (wordStart >= wordEnd)
    return { before: lead + text.slice(range.start, range.end) + tail, word: '', after: '' };
  return {
    before: lead + text.slice(range.start, wordStart),
    word: text.slice(wordStart, wordEnd),
    after: text.slice(wordEnd, range.end) + tail,
  };
}

function isSpace(text: string, at: number): boolean {
  return /\s/.test(text.charAt(at));
}

/**
 * Cuts a long sentence into pages of at most `maxChars`, at spaces where it can. The pages are fixed
 * for a sentence, so the text stays put while the highlight moves and turns over a page at a time.
 */
export function captionPages(text: string, maxChars: number): TextRange[] {
  const limit = Math.max(1, Math.floor(maxChars));
  const pages: TextRange[] = [];
  let start = 0;
  while (text.length - start > limit) {
    let end = start + limit;
    while (end > start && !isSpace(text, end)) end -= 1;
    if (end === start) end = start + limit; // one word longer than a page: cut it
    pages.push({ start, end });
    start = end;
    while (start < text.length && isSpace(text, start)) start += 1;
  }
  pages.push({ start, end: text.length });
  return pages;
}

/** The page of `text` that holds the character at `offset` (the first page before any word). */
export function captionPageAt(text: string, maxChars: number, offset: number): TextRange {
  const pages = captionPages(text, maxChars);
  let found = pages[0] ?? { start: 0, end: text.length };
  for (const page of pages) if (page.start <= offset) found = page;
  return found;
}

/** '#rgb', '#rrggbb' or '#rrggbbaa' as an opaque '#rrggbb', or undefined when it is none of these. */
export function opaqueHex(colour: string): string | undefined {
  const match = /^#([0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})$/i.exec(colour.trim());
  if (!match?.[1]) return undefined;
  const digits = match[1].length === 3 ? [...match[1]].map((digit) => digit + digit).join('') : match[1];
  return `#${digits.slice(0, 6).toLowerCase()}`;
}

function channel(hex: string, at: number): number {
  const value = parseInt(hex.slice(at, at + 2), 16) / 255;
  return value <= 0.04045 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
}

/** WCAG relative luminance of an opaque '#rrggbb'. */
export function relativeLuminance(hex: string): number {
  return 0.2126 * channel(hex, 1) + 0.7152 * channel(hex, 3) + 0.0722 * channel(hex, 5);
}

export function contrastRatio(a: string, b: string): number {
  const [light, dark] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x);
  return ((light ?? 0) + 0.05) / ((dark ?? 0) + 0.05);
}

/** Black or white, whichever stands out more on `background` (an opaque '#rrggbb'). */
export function readableTextOn(background: string): '#000000' | '#ffffff' {
  return contrastRatio(background, '#000000') >= contrastRatio(background, '#ffffff') ? '#000000' : '#ffffff';
}

/** The colours of the highlighted word: the user's colour drawn opaque, and text that reads on it. */
export function highlightColours(
  colour: string,
  fallback = '#ffd54f',
): { background: string; text: '#000000' | '#ffffff' } {
  const background = opaqueHex(colour) ?? fallback;
  return { background, text: readableTextOn(background) };
}
