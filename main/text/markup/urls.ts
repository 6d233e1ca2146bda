// URLs and e-mail addresses: where one ends and how it is said. A web address is read as "a link to"
// its host, since a spelled-out path helps no listener; an e-mail address is read as said, "anna dot
// berg at example dot com".
//
// Like the other readers, these take src[at, to) and `more` (text may still come after `to`) and
// answer with what they found, NONE when it is not there, or STOP when more text could still complete it.

import type { TextEdit } from '../offset-map';
import {
  APOSTROPHE,
  AT,
  BACKTICK,
  BANG,
  CLOSE_BRACKET,
  CLOSE_PAREN,
  COLON,
  DASH,
  DOT,
  GREATER,
  HASH,
  LESS,
  OPEN_PAREN,
  PLUS,
  QUOTE,
  SEMICOLON,
  SLASH,
  STAR,
  TILDE,
  UNDERSCORE,
  isAsciiAlphanumeric,
  isAsciiLetter,
  isSpace,
} from './characters';
import { LINK_DESTINATION_LIMIT } from './links';
import { NONE, STOP } from './scan';
import type { Words } from './words';

const URL_PREFIXES = ['https://', 'http://', 'ftp://', 'www.'];
const URL_TRAILING_PUNCTUATION = new Set([
  63,
  BANG,
  DOT,
  44,
  COLON,
  SEMICOLON,
  STAR,
  UNDERSCORE,
  TILDE,
  APOSTROPHE,
  QUOTE,
]);
const HOST_CHARACTERS = /^[\p{L}\p{N}.\-[\]:]+$/u;

export interface BareUrl {
  end: number;
  host: string;
}

/** A URL written out in the text (`https://…`, `www.…`) starting at `at`; `insideBrackets`: a `]` ends it. */
export function readBareUrl(
  src: string,
  at: number,
  to: number,
  more: boolean,
  insideBrackets: boolean,
): BareUrl | number {
  let prefix: string | undefined;
  for (const candidate of URL_PREFIXES) {
    const available = Math.min(candidate.length, to - at);
    if (src.slice(at, at + available).toLowerCase() !== candidate.slice(0, available)) continue;
    if (available < candidate.length) {
      if (more) return STOP;
      continue;
    }
    prefix = candidate;
    break;
  }
  if (!prefix) return NONE;
  let end = at + prefix.length;
  while (end < to) {
    const code = src.charCodeAt(end);
    if (isSpace(code) || code === LESS || code === GREATER || code === QUOTE || code === BACKTICK) break;
    if (code === CLOSE_BRACKET && insideBrackets) break;
    end += 1;
  }
  if (end >= to && more) return STOP;
  end = trimUrlEnd(src, at + prefix.length, end);
  const www = prefix === 'www.';
  const host = urlHost(src, www ? at : at + prefix.length, end, www);
  return host ? { end, host } : NONE;
}

/** Drops what usually follows a URL in prose: end punctuation, emphasis marks, an unmatched `)`. */
function trimUrlEnd(src: string, bodyStart: number, end: number): number {
  let trimmed = end;
  for (;;) {
    while (trimmed > bodyStart && URL_TRAILING_PUNCTUATION.has(src.charCodeAt(trimmed - 1))) trimmed -= 1;
    if (trimmed <= bodyStart || src.charCodeAt(trimmed - 1) !== CLOSE_PAREN) return trimmed;
    let balance = 0;
    for (let index = bodyStart; index < trimmed; index += 1) {
      const code = src.charCodeAt(index);
      if (code === OPEN_PAREN) balance += 1;
      else if (code === CLOSE_PAREN) balance -= 1;
    }
    if (balance >= 0) return trimmed;
    trimmed -= 1;
  }
}

/** The host of a URL whose authority starts at `start`, without "www.", port or user. */
function urlHost(src: string, start: number, end: number, requireDot: boolean): string | undefined {
  let authorityEnd = start;
  while (authorityEnd < end) {
    const code = src.charCodeAt(authorityEnd);
    if (code === SLASH || code === 63 || code === HASH) break;
    authorityEnd += 1;
  }
  let host = src.slice(start, authorityEnd);
  host = host.slice(host.lastIndexOf('@') + 1);
  if (!host.startsWith('[')) host = host.split(':')[0] ?? '';
  host = host.replace(/\.+$/, '');
  if (/^www\./i.test(host)) host = host.slice(4);
  if (host.length === 0 || !HOST_CHARACTERS.test(host)) return undefined;
  if (requireDot && !host.includes('.')) return undefined;
  return host.toLowerCase();
}

export interface Autolink {
  /** The closing `>`. */
  close: number;
  /** What the whole autolink is read as; undefined: its text is read as it is, without the brackets. */
  spoken: string | undefined;
}

/** `<scheme:…>` at `at`: web addresses are read as "a link to host", mail addresses as said, others bare. */
export function readAutolink(
  src: string,
  at: number,
  to: number,
  more: boolean,
  words: Words,
): Autolink | number {
  const ranOut = more ? STOP : NONE;
  let index = at + 1;
  while (index < to && index - at <= 33) {
    const code = src.charCodeAt(index);
    if (!(isAsciiAlphanumeric(code) || code === PLUS || code === DOT || code === DASH)) break;
    index += 1;
  }
  if (index >= to) return ranOut;
  if (src.charCodeAt(index) !== COLON || index - at - 1 < 2) return NONE;
  const colon = index;
  index += 1;
  while (index < to && src.charCodeAt(index) !== GREATER) {
    const code = src.charCodeAt(index);
    if (isSpace(code) || code === LESS || index - at > LINK_DESTINATION_LIMIT) return NONE;
    index += 1;
  }
  if (index >= to) return ranOut;
  const scheme = src.slice(at + 1, colon).toLowerCase();
  return { close: index, spoken: spokenAutolink(src, scheme, colon, index, words) };
}

function spokenAutolink(
  src: string,
  scheme: string,
  colon: number,
  close: number,
  words: Words,
): string | undefined {
  if (scheme === 'http' || scheme === 'https' || scheme === 'ftp') {
    const hostStart = src.startsWith('//', colon + 1) ? colon + 3 : colon + 1;
    const host = urlHost(src, hostStart, close, false);
    if (host) return `${words.linkTo} ${host}`;
  }
  if (scheme === 'mailto') return spokenEmail(src.slice(colon + 1, close).split('?')[0] ?? '', words);
  return undefined;
}

function spokenEmail(address: string, words: Words): string | undefined {
  const match = /^([A-Za-z0-9._%+-]+)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)$/.exec(address);
  if (!match) return undefined;
  const said = (part: string): string => part.split('.').join(` ${words.dot} `);
  return `${said(match[1] ?? '')} ${words.at} ${said(match[2] ?? '')}`;
}

/** A domain name: labels joined by dots, ending in a letters-only top level. */
interface Domain {
  end: number;
  dots: number[];
}

export interface EmailAddress {
  /** Where the local part starts. */
  start: number;
  /** The `@`. */
  sign: number;
  domain: Domain;
}

/** A bare address whose `@` is at `sign`; its local part is sought back to `floor` at most. */
export function readEmail(
  src: string,
  floor: number,
  sign: number,
  to: number,
  more: boolean,
): EmailAddress | number {
  let start = sign;
  while (start > floor && isEmailLocalCharacter(src.charCodeAt(start - 1))) start -= 1;
  while (start < sign && src.charCodeAt(start) === DOT) start += 1;
  if (start === sign || src.charCodeAt(sign - 1) === DOT) return NONE;
  const domain = readDomain(src, sign + 1, to, more);
  if (typeof domain === 'number') return domain;
  return { start, sign, domain };
}

/** `<local@domain>` starting at `at`; the address's domain ends at the closing `>`. */
export function readEmailAutolink(src: string, at: number, to: number, more: boolean): EmailAddress | number {
  const ranOut = more ? STOP : NONE;
  let index = at + 1;
  while (index < to && isEmailLocalCharacter(src.charCodeAt(index)) && index - at < 256) index += 1;
  if (index >= to) return ranOut;
  if (src.charCodeAt(index) !== AT || index === at + 1) return NONE;
  const sign = index;
  const domain = readDomain(src, sign + 1, to, more);
  if (typeof domain === 'number') return domain;
  if (domain.end >= to) return ranOut;
  if (src.charCodeAt(domain.end) !== GREATER) return NONE;
  return { start: at + 1, sign, domain };
}

function readDomain(src: string, at: number, to: number, more: boolean): Domain | number {
  const dots: number[] = [];
  let index = at;
  let labelStart = at;
  for (;;) {
    while (index < to && isDomainCharacter(src.charCodeAt(index))) index += 1;
    if (index >= to && more) return STOP;
    if (index === labelStart) return NONE;
    if (index < to && src.charCodeAt(index) === DOT) {
      if (index + 1 >= to && more) return STOP;
      if (isDomainCharacter(src.charCodeAt(index + 1))) {
        dots.push(index);
        index += 1;
        labelStart = index;
        continue;
      }
    }
    break;
  }
  if (dots.length === 0 || index - labelStart < 2) return NONE;
  for (let letter = labelStart; letter < index; letter += 1)
    if (!isAsciiLetter(src.charCodeAt(letter))) return NONE;
  return { end: index, dots };
}

/** The edits that say an address: each dot becomes "dot", the `@` "at" (in the text's language). */
export function emailEdits(src: string, address: EmailAddress, words: Words): TextEdit[] {
  const dot = ` ${words.dot} `;
  const edits: TextEdit[] = [];
  for (let index = address.start; index < address.sign; index += 1) {
    if (src.charCodeAt(index) === DOT) edits.push({ start: index, end: index + 1, text: dot });
  }
  edits.push({ start: address.sign, end: address.sign + 1, text: ` ${words.at} ` });
  for (const point of address.domain.dots) edits.push({ start: point, end: point + 1, text: dot });
  return edits;
}

function isEmailLocalCharacter(code: number): boolean {
  return (
    isAsciiAlphanumeric(code) ||
    code === DOT ||
    code === UNDERSCORE ||
    code === DASH ||
    code === PLUS ||
    code === 37
  );
}

function isDomainCharacter(code: number): boolean {
  return isAsciiAlphanumeric(code) || code === DASH;
}
