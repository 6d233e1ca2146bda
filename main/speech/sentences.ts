// Splits text into sentences for feeding a speech stream. The split is lossless (the pieces join back
// to the input), so offsets into the pieces are offsets into the source, which word highlighting needs.

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
  // No space at all (CJK, a long URL): cut anywhere, but never inside a surrogate pair.
  return isHighSurrogate(piece.charCodeAt(max - 1)) ? max - 1 : max;
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
