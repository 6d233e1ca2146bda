// The characters markup is made of, as UTF-16 units, and the classes the scanners test them against.

export const TAB = 9;
export const LINE_FEED = 10;
export const CARRIAGE_RETURN = 13;
export const SPACE = 32;
export const BANG = 33;
export const QUOTE = 34;
export const HASH = 35;
export const AMPERSAND = 38;
export const APOSTROPHE = 39;
export const OPEN_PAREN = 40;
export const CLOSE_PAREN = 41;
export const STAR = 42;
export const PLUS = 43;
export const DASH = 45;
export const DOT = 46;
export const SLASH = 47;
export const COLON = 58;
export const SEMICOLON = 59;
export const LESS = 60;
export const EQUALS = 61;
export const GREATER = 62;
export const AT = 64;
export const OPEN_BRACKET = 91;
export const BACKSLASH = 92;
export const CLOSE_BRACKET = 93;
export const CARET = 94;
export const UNDERSCORE = 95;
export const BACKTICK = 96;
export const PIPE = 124;
export const TILDE = 126;

const PUNCTUATION_OR_SYMBOL = /[\p{P}\p{S}]/u;
const LETTER_OR_NUMBER = /[\p{L}\p{N}]/u;

export function isSpace(code: number): boolean {
  if (code <= SPACE) return code === SPACE || (code >= TAB && code <= CARRIAGE_RETURN);
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000
  );
}

/** Space or tab: what indents a Markdown line. */
export function isBlank(code: number): boolean {
  return code === SPACE || code === TAB;
}

export function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

export function isHexDigit(code: number): boolean {
  return isDigit(code) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66);
}

export function isAsciiLetter(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

export function isAsciiAlphanumeric(code: number): boolean {
  return isAsciiLetter(code) || isDigit(code);
}

export function isAsciiPunctuation(code: number): boolean {
  return (
    (code >= 33 && code <= 47) ||
    (code >= 58 && code <= 64) ||
    (code >= 91 && code <= 96) ||
    (code >= 123 && code <= 126)
  );
}

export function isPunctuation(codePoint: number): boolean {
  if (codePoint < 0x80) return isAsciiPunctuation(codePoint);
  return PUNCTUATION_OR_SYMBOL.test(String.fromCodePoint(codePoint));
}

export function isWordCharacter(codePoint: number): boolean {
  if (codePoint < 0x80) return isAsciiAlphanumeric(codePoint) || codePoint === UNDERSCORE;
  return LETTER_OR_NUMBER.test(String.fromCodePoint(codePoint));
}

// Closing quotes and brackets may follow a sentence's end: "…done." and (see above.) both end one.
export const SENTENCE_CLOSERS: ReadonlySet<number> = new Set([
  QUOTE,
  APOSTROPHE,
  CLOSE_PAREN,
  CLOSE_BRACKET,
  0x7d,
  0xbb,
  0x201d,
  0x2019,
  0x203a,
  0x300d,
  0x300f,
]);
export const SENTENCE_ENDS: ReadonlySet<number> = new Set([
  DOT,
  BANG,
  63,
  0x2026,
  COLON,
  SEMICOLON,
  44,
  0x3002,
  0xff01,
  0xff1f,
  0xff1b,
  0xff1a,
  0xff0c,
]);

// An emoji's name needs no space between it and these: "(thumbs up)", "thumbs up!".
export const OPENING_PUNCTUATION: ReadonlySet<number> = new Set([
  OPEN_PAREN,
  OPEN_BRACKET,
  0x7b,
  QUOTE,
  APOSTROPHE,
  0xab,
  0x201c,
  0x2018,
  0x201e,
]);
export const CLOSING_PUNCTUATION: ReadonlySet<number> = new Set([...SENTENCE_CLOSERS, ...SENTENCE_ENDS]);

/** The first index at or after `at`, before `to`, that is not a space. */
export function skipSpaces(src: string, at: number, to: number): number {
  let index = at;
  while (index < to && isSpace(src.charCodeAt(index))) index += 1;
  return index;
}

/** `needle` in src[from, to), or -1. Bounded, unlike indexOf, so a miss costs only the range. */
export function findWithin(src: string, needle: string, from: number, to: number): number {
  const first = needle.charCodeAt(0);
  for (let index = from; index + needle.length <= to; index += 1) {
    if (src.charCodeAt(index) === first && src.startsWith(needle, index)) return index;
  }
  return -1;
}
