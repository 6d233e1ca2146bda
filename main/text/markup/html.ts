// HTML pasted as text: which names are tags and what kind each is, how far a tag, comment or
// declaration reaches, and what an entity stands for. What each kind of tag becomes in speech is the
// inline scanner's choice (inline.ts), since it depends on what was said before it.
//
// The readers here take src[at, to) and `more` (text may still come after `to`) and answer with what
// they found, NONE when it is not there, or STOP when more text could still complete it.

import {
  APOSTROPHE,
  BACKTICK,
  CARRIAGE_RETURN,
  COLON,
  DASH,
  DOT,
  EQUALS,
  GREATER,
  HASH,
  LESS,
  LINE_FEED,
  QUOTE,
  SEMICOLON,
  SLASH,
  TAB,
  UNDERSCORE,
  findWithin,
  isAsciiAlphanumeric,
  isAsciiLetter,
  isDigit,
  isHexDigit,
  isSpace,
  skipSpaces,
} from './characters';
import { NONE, STOP } from './scan';
import type { HtmlState } from './scan';

export type TagKind = 'inline' | 'break' | 'block' | 'item' | 'cell' | 'raw' | 'image';

const TAG_KINDS: ReadonlyMap<string, TagKind> = new Map<string, TagKind>([
  ...'a abbr b bdi bdo big body cite code data del dfn em font head html i ins kbd label link mark meta q s samp small span strike strong sub sup svg time tt u var wbr'
    .split(' ')
    .map((name): [string, TagKind] => [name, 'inline']),
  ...'address article aside blockquote center details dialog div dl fieldset figure footer form header hgroup hr main menu nav ol p pre section table tbody tfoot thead ul'
    .split(' ')
    .map((name): [string, TagKind] => [name, 'block']),
  ...'h1 h2 h3 h4 h5 h6 li dt dd caption figcaption summary title tr'
    .split(' ')
    .map((name): [string, TagKind] => [name, 'item']),
  ['br', 'break'],
  ['td', 'cell'],
  ['th', 'cell'],
  ['script', 'raw'],
  ['style', 'raw'],
  ['img', 'image'],
]);

// prettier-ignore
const ENTITIES: Readonly<Record<string, string>> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', ensp: ' ', emsp: ' ', thinsp: ' ',
  shy: '', zwnj: '', zwj: '', lrm: '', rlm: '', mdash: '—', ndash: '–', minus: '−', hellip: '…',
  laquo: '«', raquo: '»', lsaquo: '‹', rsaquo: '›', ldquo: '“', rdquo: '”', bdquo: '„', lsquo: '‘',
  rsquo: '’', sbquo: '‚', copy: '©', reg: '®', trade: '™', deg: '°', plusmn: '±', times: '×',
  divide: '÷', middot: '·', bull: '•', para: '¶', sect: '§', cent: '¢', pound: '£', euro: '€',
  yen: '¥', frac12: '½', frac14: '¼', frac34: '¾', sup2: '²', sup3: '³', micro: 'µ', iexcl: '¡',
  iquest: '¿', auml: 'ä', ouml: 'ö', uuml: 'ü', Auml: 'Ä', Ouml: 'Ö', Uuml: 'Ü', szlig: 'ß',
  aacute: 'á', eacute: 'é', iacute: 'í', oacute: 'ó', uacute: 'ú', Aacute: 'Á', Eacute: 'É',
  agrave: 'à', egrave: 'è', ugrave: 'ù', Agrave: 'À', Egrave: 'È', acirc: 'â', ecirc: 'ê',
  icirc: 'î', ocirc: 'ô', ucirc: 'û', euml: 'ë', iuml: 'ï', ccedil: 'ç', Ccedil: 'Ç', ntilde: 'ñ',
  Ntilde: 'Ñ', oelig: 'œ', aelig: 'æ', oslash: 'ø', aring: 'å', rarr: '→', larr: '←', harr: '↔',
};

const TAG_LIMIT = 1024;

export interface Tag {
  end: number;
  kind: TagKind;
  /** Lower case. */
  name: string;
  closing: boolean;
  selfClosing: boolean;
  /** An image's text alternative, as written. */
  alt: string | undefined;
}

type TagEnd = Pick<Tag, 'end' | 'alt' | 'selfClosing'>;

/** A known tag, `<name …>` or `</name>`, starting at `at`. */
export function readTag(src: string, at: number, to: number, more: boolean): Tag | number {
  const ranOut = more ? STOP : NONE;
  let index = at + 1;
  const closing = src.charCodeAt(index) === SLASH;
  if (closing) index += 1;
  if (index >= to) return ranOut;
  if (!isAsciiLetter(src.charCodeAt(index))) return NONE;
  const nameStart = index;
  while (index < to && (isAsciiAlphanumeric(src.charCodeAt(index)) || src.charCodeAt(index) === DASH))
    index += 1;
  if (index >= to) return ranOut;
  const name = src.slice(nameStart, index).toLowerCase();
  const kind = TAG_KINDS.get(name);
  if (!kind) return NONE;
  const rest = closing ? closingTagEnd(src, index, to, more) : attributesEnd(src, at, index, to, more);
  if (typeof rest === 'number') return rest;
  return { ...rest, kind, name, closing };
}

function closingTagEnd(src: string, at: number, to: number, more: boolean): TagEnd | number {
  const index = skipSpaces(src, at, to);
  if (index >= to) return more ? STOP : NONE;
  return src.charCodeAt(index) === GREATER ? { end: index + 1, alt: undefined, selfClosing: false } : NONE;
}

function attributesEnd(
  src: string,
  tagStart: number,
  at: number,
  to: number,
  more: boolean,
): TagEnd | number {
  const ranOut = more ? STOP : NONE;
  let index = at;
  let alt: string | undefined;
  for (;;) {
    if (index - tagStart > TAG_LIMIT) return NONE;
    const spaced = index;
    index = skipSpaces(src, index, to);
    if (index >= to) return ranOut;
    const code = src.charCodeAt(index);
    if (code === GREATER) return { end: index + 1, alt, selfClosing: false };
    if (code === SLASH) {
      if (index + 1 >= to) return ranOut;
      return src.charCodeAt(index + 1) === GREATER ? { end: index + 2, alt, selfClosing: true } : NONE;
    }
    if (index === spaced || !(isAsciiLetter(code) || code === UNDERSCORE || code === COLON)) return NONE;
    const nameStart = index;
    while (index < to && isAttributeNameCharacter(src.charCodeAt(index))) index += 1;
    if (index >= to) return ranOut;
    const attribute = src.slice(nameStart, index).toLowerCase();
    const equals = skipSpaces(src, index, to);
    if (equals >= to) return ranOut;
    if (src.charCodeAt(equals) !== EQUALS) continue;
    const valueStart = skipSpaces(src, equals + 1, to);
    if (valueStart >= to) return ranOut;
    const quote = src.charCodeAt(valueStart);
    let valueEnd: number;
    if (quote === QUOTE || quote === APOSTROPHE) {
      const limit = Math.min(to, tagStart + TAG_LIMIT);
      valueEnd = findWithin(src, String.fromCharCode(quote), valueStart + 1, limit);
      if (valueEnd < 0) return limit === to ? ranOut : NONE;
      index = valueEnd + 1;
      if (attribute === 'alt') alt = src.slice(valueStart + 1, valueEnd);
    } else {
      valueEnd = valueStart;
      while (valueEnd < to && isUnquotedValueCharacter(src.charCodeAt(valueEnd))) valueEnd += 1;
      if (valueEnd >= to) return ranOut;
      if (valueEnd === valueStart) return NONE;
      index = valueEnd;
      if (attribute === 'alt') alt = src.slice(valueStart, valueEnd);
    }
  }
}

function isAttributeNameCharacter(code: number): boolean {
  return isAsciiAlphanumeric(code) || code === UNDERSCORE || code === COLON || code === DOT || code === DASH;
}

function isUnquotedValueCharacter(code: number): boolean {
  return (
    !isSpace(code) &&
    code !== QUOTE &&
    code !== APOSTROPHE &&
    code !== EQUALS &&
    code !== LESS &&
    code !== GREATER &&
    code !== BACKTICK
  );
}

export interface Declaration {
  end: number;
  /** A comment that the range does not close: what follows is inside it. */
  opensComment: boolean;
}

/** `<!-- comment -->` or `<!DOCTYPE …>` starting at `at`; a comment left open takes the rest of the range. */
export function readDeclaration(src: string, at: number, to: number, more: boolean): Declaration | number {
  const ranOut = more ? STOP : NONE;
  if (to - at < 4 && '<!--'.startsWith(src.slice(at, to))) return ranOut;
  if (src.startsWith('<!--', at)) {
    const close = findWithin(src, '-->', at + 4, to);
    if (close >= 0) return { end: close + 3, opensComment: false };
    if (more) return STOP;
    return { end: to, opensComment: true };
  }
  if (!isAsciiLetter(src.charCodeAt(at + 2))) return at + 2 >= to ? ranOut : NONE;
  const limit = Math.min(to, at + TAG_LIMIT);
  const close = findWithin(src, '>', at + 2, limit);
  if (close < 0) return limit === to ? ranOut : NONE;
  return { end: close + 1, opensComment: false };
}

/** Just after the `-->`, `</script>` or `</style>` that ends what `html` is in; -1: not in src[at, to). */
export function openHtmlEnd(src: string, at: number, to: number, html: Exclude<HtmlState, 'none'>): number {
  if (html === 'comment') {
    const close = findWithin(src, '-->', at, to);
    return close >= 0 ? close + 3 : -1;
  }
  for (let index = at; index + 1 < to; index += 1) {
    if (src.charCodeAt(index) !== LESS || src.charCodeAt(index + 1) !== SLASH) continue;
    if (src.slice(index + 2, index + 2 + html.length).toLowerCase() !== html) continue;
    const close = findWithin(src, '>', index + 2 + html.length, to);
    if (close < 0) break;
    return close + 1;
  }
  return -1;
}

export interface Entity {
  end: number;
  text: string;
}

/** `&name;`, `&#digits;` or `&#xhex;` starting at `at`, when it stands for a character this module knows. */
export function readEntity(src: string, at: number, to: number, more: boolean): Entity | number {
  const ranOut = more ? STOP : NONE;
  let index = at + 1;
  if (index >= to) return ranOut;
  let decoded: string | undefined;
  if (src.charCodeAt(index) === HASH) {
    index += 1;
    const hex = index < to && (src.charCodeAt(index) | 0x20) === 0x78;
    if (hex) index += 1;
    const digitsStart = index;
    while (index < to && (hex ? isHexDigit : isDigit)(src.charCodeAt(index)) && index - digitsStart < 8)
      index += 1;
    if (index >= to) return ranOut;
    if (src.charCodeAt(index) !== SEMICOLON || index === digitsStart) return NONE;
    decoded = decodeNumericEntity(src.slice(digitsStart, index), hex);
  } else {
    const nameStart = index;
    while (index < to && isAsciiAlphanumeric(src.charCodeAt(index)) && index - nameStart < 32) index += 1;
    if (index >= to) return ranOut;
    if (src.charCodeAt(index) !== SEMICOLON || index === nameStart) return NONE;
    const name = src.slice(nameStart, index);
    decoded = Object.hasOwn(ENTITIES, name) ? ENTITIES[name] : undefined;
  }
  return decoded === undefined ? NONE : { end: index + 1, text: decoded };
}

/** The character `digits` (one to eight, already checked) name, unless it is not one a text may hold. */
function decodeNumericEntity(digits: string, hex: boolean): string | undefined {
  const codePoint = Number.parseInt(digits, hex ? 16 : 10);
  const control =
    codePoint < 0x20 && codePoint !== TAB && codePoint !== LINE_FEED && codePoint !== CARRIAGE_RETURN;
  if (codePoint === 0 || control || codePoint > 0x10ffff) return undefined;
  if (codePoint >= 0xd800 && codePoint <= 0xdfff) return undefined;
  return String.fromCodePoint(codePoint);
}
