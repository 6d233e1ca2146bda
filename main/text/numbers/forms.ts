// Forms tried where a number starts in every language, before it is read as an amount: hex literals,
// phone numbers, IP addresses, dates written with digits, groups of digits. Then what the languages'
// own forms build on: a pattern of month names, and a clock read as a range ("7:00-21:00").

import { NO_WORD_AFTER, S, alternation, digitByDigit, sticky } from './helpers';
import type { Form, Match, Profile, Scan } from './types';

function validDate(day: number, month: number): boolean {
  return day >= 1 && day <= 31 && month >= 1 && month <= 12;
}

const IPV4 = sticky(`\\d{1,3}(?:\\.\\d{1,3}){3}(?![\\p{L}\\p{N}]|[.,]\\d)`);
const ISO_DATE = sticky(`(\\d{4})-(\\d{2})-(\\d{2})(?![\\p{L}\\p{N}]|[.,:/\\-–]\\d)`);
const NUMERIC_DATE = sticky(
  `(?:(\\d{1,2})([./-])(\\d{1,2})\\2(\\d{4})|(\\d{2})([./-])(\\d{2})\\6(\\d{2}))(?!\\d)`,
);
const PHONE_WORD_BEFORE =
  /(?:^|[^\p{L}])(?:tel|phone|fax|mobile|telefon|handy|mobil|tél|téléphone|portable|teléfono|móvil)\.?:?[ \u00a0]$/iu;
const PHONE_DIGITS = sticky(`\\d{1,6}(?:[ \\u00a0\\-–/.]\\d{1,8}){0,6}(?!\\d)`);
const HEX = sticky(`0x[0-9A-Fa-f]+${NO_WORD_AFTER}`);
// Hyphenated groups, card numbers, and phone numbers that start with a trunk zero ("020 7946 0958").
const DIGIT_GROUPS = sticky(
  `\\d+(?:[-–]\\d+){2,}|\\d{4}(?:${S}\\d{4}){2,4}(?!\\d)|0\\d{1,4}(?:${S}\\d{2,8}){1,4}(?!\\d)`,
);

/** An IP address is left alone (a German reader would otherwise take "192.168.100.200" as an amount). */
function ipAddress(scan: Scan, at: number): Match | null {
  const found = scan.exec(IPV4, at);
  if (!found) return null;
  const parts = found[0].split('.');
  if (parts.some((part) => Number(part) > 255 || (part.length > 1 && part.startsWith('0')))) return null;
  return { end: at + found[0].length, edits: [] };
}

function isoDate(scan: Scan, at: number): Match | null {
  const found = scan.exec(ISO_DATE, at);
  if (!found) return null;
  const day = Number(found[3]);
  const month = Number(found[2]);
  if (!validDate(day, month)) return null;
  const end = at + found[0].length;
  return {
    end,
    edits: [scan.edit(at, end, scan.profile.date(day, month - 1, found[1], scan.previousWord(at)))],
  };
}

function numericDate(scan: Scan, at: number): Match | null {
  const found = scan.exec(NUMERIC_DATE, at);
  if (!found) return null;
  const end = at + found[0].length;
  let day = Number(found[1] ?? found[5]);
  let month = Number(found[3] ?? found[7]);
  if (!scan.profile.numericDates) {
    // Written either way round (US month first): read only a date whose numbers tell the order.
    if (day !== month && day > 12 === month > 12) return null;
    if (month > 12) [day, month] = [month, day];
  }
  if (!validDate(day, month) || !scan.endsCleanly(end)) return null;
  const year = found[4] ?? found[8];
  return { end, edits: [scan.edit(at, end, scan.profile.date(day, month - 1, year, scan.previousWord(at)))] };
}

function groupsEdit(scan: Scan, at: number, digits: string): Match | null {
  const end = at + digits.length;
  if (!scan.endsCleanly(end)) return null;
  const groups = digits.split(/\D+/).map((group) => digitByDigit(group, scan.profile.digitNames));
  return { end, edits: [scan.edit(at, end, groups.join(', '))] };
}

/** Phone and card numbers: each group digit by digit. */
function digitGroups(scan: Scan, at: number): Match | null {
  const found = scan.exec(DIGIT_GROUPS, at);
  return found ? groupsEdit(scan, at, found[0]) : null;
}

/** After "Tel.", "phone", "Handy" and the like, whatever groups of digits follow are a phone number. */
function phoneAfterWord(scan: Scan, at: number): Match | null {
  if (!PHONE_WORD_BEFORE.test(scan.text.slice(Math.max(0, at - 14), at))) return null;
  const found = scan.exec(PHONE_DIGITS, at);
  return found && found[0].replace(/\D/g, '').length >= 3 ? groupsEdit(scan, at, found[0]) : null;
}

/** "0x1F" is code, not "zero by 1F". */
function hexLiteral(scan: Scan, at: number): Match | null {
  const found = scan.exec(HEX, at);
  return found ? { end: at + found[0].length, edits: [] } : null;
}

export const WHOLE_FORMS: readonly Form[] = [
  hexLiteral,
  phoneAfterWord,
  ipAddress,
  isoDate,
  numericDate,
  digitGroups,
];

// ---------------------------------------------------------------------------------------------
// What the languages' forms build on

export function monthPattern(profile: Profile): string {
  return `(${alternation(profile.months.keys())})(?![\\p{L}\\p{N}])`;
}

// A dash between two times ("7:00-21:00", "9am–5pm") is a range.
const CLOCK_DASH = sticky(`${S}?[-–]${S}?(?=\\d)`);

/** A time ends cleanly, or at the dash of a range (which clockRange then reads). */
export function endsClock(scan: Scan, end: number): boolean {
  return scan.endsCleanly(end) || scan.exec(CLOCK_DASH, end) !== null;
}

/** A language's clock, and "7:00-21:00" read as one time "to" another. */
export function clockRange(clock: Form): Form {
  return (scan, at) => {
    const first = clock(scan, at);
    const dash = first && scan.exec(CLOCK_DASH, first.end);
    if (!first || !dash) return first;
    const secondAt = first.end + dash[0].length;
    const second = clock(scan, secondAt);
    // A time followed by a dash and a plain number is not a range of times: leave it as written.
    if (!second || scan.exec(CLOCK_DASH, second.end)) return null;
    const to = scan.edit(first.end, secondAt, ` ${scan.profile.symbols.to} `);
    return { end: second.end, edits: [...first.edits, to, ...second.edits] };
  };
}
