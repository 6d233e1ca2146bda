// Splits text into sentences for feeding a speech stream. The split is lossless (the pieces join back
// to the input), so offsets into the pieces are offsets into the source, which word highlighting needs.
// The rules below are written for Latin, Cyrillic, Greek and CJK text; for scripts with terminators of
// their own (the Devanagari danda, the Arabic question mark, the Armenian full stop, …) the platform's
// sentence segmenter adds the ends the rules do not know.

/** No piece is longer than this (UTF-16 units): the server generates at most a few hundred chars at once. */
export const MAX_SENTENCE_LENGTH = 300;

// Western terminators only end a sentence when whitespace follows ("3.5", "example.com" do not).
const WESTERN_TERMINATORS = new Set(['.', '!', '?', '…', '‼', '⁇', '⁈', '⁉']);
// CJK text has no spaces between sentences, so these end one whatever follows.
const CJK_TERMINATORS = new Set(['。', '！', '？', '｡']);
// Quotes and brackets after the terminator belong to the sentence that ends.
const CLOSERS = new Set([
  '"',
  "'",
  '”',
  '’',
  '»',
  '›',
  ')',
  ']',
  '}',
  '」',
  '』',
  '）',
  '〉',
  '》',
  '】',
  '〕',
]);
const OPENERS = new Set([
  '"',
  "'",
  '“',
  '‘',
  '«',
  '‹',
  '(',
  '[',
  '{',
  '「',
  '『',
  '（',
  '〈',
  '《',
  '【',
  '〔',
]);
// Commas and the like: the preferred place to cut an over-long sentence.
const CLAUSE_MARKS = new Set([',', ';', ':', '—', '–', '，', '、', '；', '：']);
const CJK_CLAUSE_MARKS = new Set(['，', '、', '；', '：']);

// Words that are followed by a period but do not end a sentence (compared in lower case, inner dots kept).
const ABBREVIATIONS = new Set([
  'mr',
  'mrs',
  'ms',
  'mx',
  'dr',
  'prof',
  'sr',
  'jr',
  'st',
  'mt',
  'ft',
  'gen',
  'gov',
  'sen',
  'rep',
  'col',
  'lt',
  'sgt',
  'capt',
  'cmdr',
  'adm',
  'rev',
  'hon',
  'pres',
  'vs',
  'cf',
  'e.g',
  'i.e',
  'viz',
  'approx',
  'ca',
  'fig',
  'figs',
  'eq',
  'vol',
  'ch',
  'pp',
  'dept',
  'jan',
  'feb',
  'mar',
  'apr',
  'jun',
  'jul',
  'aug',
  'sep',
  'sept',
  'oct',
  'nov',
  'dec',
]);
// Not listed: "etc.", "Inc.", "U.S." and the like, which often do close a sentence; they only hold when the
// next word starts in lower case, which the general rule in endsSentence covers.

const LOWERCASE_START = /^\p{Ll}/u;
const CJK_CHAR = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
const WHITESPACE = /^\s$/u;

function isWhitespace(char: string | undefined): boolean {
  return char !== undefined && WHITESPACE.test(char);
}

function isLineBreak(char: string | undefined): boolean {
  return char === '\n' || char === '\r' || char === '\u2028' || char === '\u2029';
}

function skipWhile(text: string, from: number, test: (char: string) => boolean): number {
  let index = from;
  while (index < text.length && test(text[index] as string)) index++;
  return index;
}

/** The word right before `index` (back to whitespace or an opening bracket/quote). */
function wordBefore(text: string, index: number): string {
  let start = index;
  while (start > 0 && !isWhitespace(text[start - 1]) && !OPENERS.has(text[start - 1] as string)) start--;
  return text.slice(start, index);
}

/** The first character of the next word after `index`, skipping whitespace and opening quotes. */
function nextWordStart(text: string, index: number): string | undefined {
  const start = skipWhile(text, index, (char) => isWhitespace(char) || OPENERS.has(char));
  const code = text.codePointAt(start);
  return code === undefined ? undefined : String.fromCodePoint(code);
}

/** Whether a period after `word` is an abbreviation or an initial rather than a sentence end. */
function isAbbreviation(word: string): boolean {
  if (ABBREVIATIONS.has(word.toLowerCase())) return true;
  // A single capital is an initial: "J. R. R. Tolkien".
  return /^\p{Lu}$/u.test(word);
}

/**
 * Decides whether the terminator run text[runStart, runEnd) ends a sentence; `after` is the index just
 * past any closing quotes/brackets.
 */
function endsSentence(text: string, runStart: number, runEnd: number, after: number): boolean {
  const next = text[after];
  const run = text.slice(runStart, runEnd);
  const onlyDots = /^[.…]+$/u.test(run);
  if (next === undefined) return true;
  if (!isWhitespace(next)) {
    // "你好!我" — a CJK character right after ! or ? still starts a new sentence.
    return !onlyDots && CJK_CHAR.test(next);
  }
  const gap = text.slice(after, skipWhile(text, after, isWhitespace));
  if ([...gap].some(isLineBreak)) return true;
  if (!onlyDots) return true;
  if (run === '.' && isAbbreviation(wordBefore(text, runStart))) return false;
  // "approx. five", "Wait... what": a lower-case continuation means the sentence goes on.
  const following = nextWordStart(text, after);
  return following === undefined || !LOWERCASE_START.test(following);
}

/**
 * Indices where sentences end (each just past the sentence's trailing whitespace), in increasing order,
 * without length limits and without `text.length` itself. Line breaks always end a sentence.
 */
export function sentenceEnds(text: string): number[] {
  const ends = ruleEnds(text);
  return SEGMENTER_SCRIPT.test(text) ? withSegmenterEnds(text, ends) : ends;
}

/** sentenceEnds by the rules alone. */
function ruleEnds(text: string): number[] {
  const ends: number[] = [];
  let index = 0;
  while (index < text.length) {
    const char = text[index] as string;
    if (isLineBreak(char)) {
      index = skipWhile(text, index, isWhitespace);
      ends.push(index);
    } else if (CJK_TERMINATORS.has(char) || WESTERN_TERMINATORS.has(char)) {
      const runEnd = skipWhile(text, index, (c) => CJK_TERMINATORS.has(c) || WESTERN_TERMINATORS.has(c));
      const after = skipWhile(text, runEnd, (c) => CLOSERS.has(c));
      const cjk = [...text.slice(index, runEnd)].some((c) => CJK_TERMINATORS.has(c));
      if (cjk || endsSentence(text, index, runEnd, after)) {
        index = skipWhile(text, after, isWhitespace);
        ends.push(index);
      } else {
        index = after;
      }
    } else {
      index++;
    }
  }
  if (ends[ends.length - 1] === text.length) ends.pop();
  return ends;
}

// Scripts whose sentence terminators the rules above do not know; a stretch with letters of one of
// these is also given to Intl.Segmenter. (Script_Extensions, so that shared marks such as the danda,
// which belongs to several Indic scripts, count too.)
const SEGMENTER_SCRIPT = new RegExp(
  `[${[
    'Devanagari',
    'Bengali',
    'Gurmukhi',
    'Gujarati',
    'Oriya',
    'Tamil',
    'Telugu',
    'Kannada',
    'Malayalam',
    'Sinhala',
    'Arabic',
    'Syriac',
    'Thaana',
    'Nko',
    'Armenian',
    'Ethiopic',
    'Thai',
    'Lao',
    'Myanmar',
    'Khmer',
    'Tibetan',
    'Mongolian',
  ]
    .map((script) => `\\p{scx=${script}}`)
    .join('')}]`,
  'u',
);
const SENTENCE_TERMINAL = /^\p{Sentence_Terminal}$/u;
// Armenian marks a question or exclamation on the stressed word ("Ո՞վ"), not at the sentence's end.
const IN_WORD_MARKS = new Set(['\u055B', '\u055C', '\u055E']);
// Closing punctuation the segmenter keeps with the sentence before the break.
const CLOSING_PUNCTUATION = /^[\p{Pe}\p{Pf}\p{Pi}"']$/u;

let sentenceSegmenter: Intl.Segmenter | undefined;

function segmenter(): Intl.Segmenter {
  sentenceSegmenter ??= new Intl.Segmenter(undefined, { granularity: 'sentence' });
  return sentenceSegmenter;
}

/**
 * Whether the segmenter's break at `index` follows a terminator that only it knows: the rules have
 * already decided every Western and CJK terminator, line break and abbreviation, and they stay in charge.
 */
function isSegmenterOnlyEnd(text: string, start: number, index: number): boolean {
  let at = index;
  while (at > start && isWhitespace(text[at - 1])) at--;
  while (at > start && CLOSING_PUNCTUATION.test(text[at - 1] as string)) at--;
  const terminator = text[at - 1];
  if (at === start || terminator === undefined) return false;
  if (WESTERN_TERMINATORS.has(terminator) || CJK_TERMINATORS.has(terminator)) return false;
  return !IN_WORD_MARKS.has(terminator) && SENTENCE_TERMINAL.test(terminator);
}

// V8's segmenter slows down with the square of a string's length, so a long stretch goes to it in
// overlapping windows: whether a break falls somewhere depends only on the characters around it.
const SEGMENTER_WINDOW = 1024;
const WINDOW_LOOKAHEAD = 128;
const WINDOW_LOOKBACK = 64;

/** The segmenter's sentence breaks strictly inside text[start, end). */
function segmenterBreaks(text: string, start: number, end: number): number[] {
  const breaks: number[] = [];
  let windowStart = start;
  let acceptFrom = start + 1;
  for (;;) {
    const windowEnd = Math.min(end, windowStart + SEGMENTER_WINDOW);
    const acceptTo = windowEnd === end ? end : windowEnd - WINDOW_LOOKAHEAD;
    for (const { index } of segmenter().segment(text.slice(windowStart, windowEnd))) {
      const at = windowStart + index;
      if (at >= acceptTo) break;
      if (at >= acceptFrom) breaks.push(at);
    }
    if (windowEnd === end) return breaks;
    acceptFrom = acceptTo;
    windowStart = acceptTo - WINDOW_LOOKBACK;
  }
}

/** Ends inside text[start, end) that the segmenter finds after terminators the rules do not know. */
function segmenterEndsWithin(text: string, start: number, end: number): number[] {
  if (!SEGMENTER_SCRIPT.test(text.slice(start, end))) return [];
  const found: number[] = [];
  for (const at of segmenterBreaks(text, start, end)) {
    if (!isSegmenterOnlyEnd(text, start, at)) continue;
    // As the rules do: a sentence keeps all the whitespace after it.
    const after = skipWhile(text, at, isWhitespace);
    if (after < end && after > (found[found.length - 1] ?? start)) found.push(after);
  }
  return found;
}

/** Adds, between the rules' ends, the ends the segmenter finds in each stretch of those scripts. */
function withSegmenterEnds(text: string, ends: readonly number[]): number[] {
  const merged: number[] = [];
  let start = 0;
  for (const end of [...ends, text.length]) {
    for (const inner of segmenterEndsWithin(text, start, end)) merged.push(inner);
    if (end < text.length) merged.push(end);
    start = end;
  }
  return merged;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** Where to cut a piece longer than `max`: after a clause mark, else between words, else anywhere. */
function cutPoint(piece: string, max: number): number {
  let lastWordStart = 0;
  let lastClauseStart = 0;
  for (let index = 1; index <= max; index++) {
    const before = piece[index - 1] as string;
    const at = piece[index];
    if (at === undefined) break;
    if (isWhitespace(before) && !isWhitespace(at)) {
      lastWordStart = index;
      if (CLAUSE_MARKS.has(piece[skipBackWhitespace(piece, index - 1)] as string)) lastClauseStart = index;
    } else if (CJK_CLAUSE_MARKS.has(before)) {
      lastClauseStart = index;
    }
  }
  if (lastClauseStart >= max / 2) return lastClauseStart;
  if (lastWordStart > 0) return lastWordStart;
  // No space at all (CJK, Thai, a long URL): cut anywhere, but not inside a character.
  for (let cut = max; cut > max / 2; cut--) if (!splitsCharacter(piece, cut)) return cut;
  return isHighSurrogate(piece.charCodeAt(max - 1)) ? max - 1 : max;
}

// A combining mark or a joiner binds to its neighbours: Thai or Devanagari vowel signs, emoji sequences.
const COMBINING = /^\p{M}$/u;
const JOINERS = new Set(['\u200C', '\u200D']);

/** Whether cutting `piece` before `index` would split a surrogate pair or a letter from its marks. */
function splitsCharacter(piece: string, index: number): boolean {
  const before = piece[index - 1] ?? '';
  const at = piece[index] ?? '';
  return (
    isHighSurrogate(piece.charCodeAt(index - 1)) ||
    COMBINING.test(at) ||
    JOINERS.has(at) ||
    JOINERS.has(before)
  );
}

function skipBackWhitespace(text: string, index: number): number {
  let at = index;
  while (at > 0 && isWhitespace(text[at])) at--;
  return at;
}

function splitLong(piece: string, max: number): string[] {
  const parts: string[] = [];
  let rest = piece;
  while (rest.length > max) {
    const cut = cutPoint(rest, max);
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest) parts.push(rest);
  return parts;
}

/**
 * Splits text into sentences. Lossless (`result.join('') === text`), no empty pieces, none longer than
 * `maxLength`. Trailing whitespace stays with its sentence; leading whitespace goes with the first.
 */
export function splitSentences(text: string, maxLength = MAX_SENTENCE_LENGTH): string[] {
  const max = Math.max(2, Math.floor(maxLength));
  const pieces: string[] = [];
  let start = 0;
  for (const end of [...sentenceEnds(text), text.length]) {
    if (end > start) pieces.push(...splitLong(text.slice(start, end), max));
    start = end;
  }
  return pieces;
}
