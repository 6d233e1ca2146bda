// English: its number words, its profile (months, units, abbreviations, how amounts and dates are
// said) and its forms ("3 March 2025", "March 3", "7:00 pm", "the 1990s").

import type { TextEdit } from '../offset-map';
import { clockRange, endsClock, monthPattern } from './forms';
import {
  DIGIT_AHEAD,
  NO_WORD_AFTER,
  S,
  TITLE_AHEAD,
  buildAbbreviations,
  cardinalOf,
  digitByDigit,
  groupsFromDigits,
  isOne,
  monthMap,
  noun,
  pick,
  quantityWords,
  sticky,
  unitMap,
} from './helpers';
import type { Match, Profile, Scan, UnitNames } from './types';

// ---------------------------------------------------------------------------------------------
// Words

// prettier-ignore
const EN_SMALL = [
  'zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve',
  'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen',
];
const EN_TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
// prettier-ignore
const EN_SCALES = [
  '', 'thousand', 'million', 'billion', 'trillion', 'quadrillion', 'quintillion', 'sextillion', 'septillion',
];
const EN_ORDINAL_WORDS: Readonly<Record<string, string>> = {
  one: 'first',
  two: 'second',
  three: 'third',
  five: 'fifth',
  eight: 'eighth',
  nine: 'ninth',
  twelve: 'twelfth',
};

export function enBelowHundred(n: number): string {
  if (n < 20) return pick(EN_SMALL, n);
  const unit = n % 10;
  const tens = pick(EN_TENS, Math.floor(n / 10));
  return unit ? `${tens}-${pick(EN_SMALL, unit)}` : tens;
}

function enBelowThousand(n: number): string {
  const hundreds = Math.floor(n / 100);
  const rest = n % 100;
  const parts: string[] = [];
  if (hundreds) parts.push(`${pick(EN_SMALL, hundreds)} hundred`);
  if (rest || !hundreds) parts.push(enBelowHundred(rest));
  return parts.join(' ');
}

function enCardinal(groups: readonly number[]): string {
  const parts: string[] = [];
  for (let i = groups.length - 1; i >= 0; i--) {
    const group = groups[i] ?? 0;
    if (group) parts.push(i ? `${enBelowThousand(group)} ${pick(EN_SCALES, i)}` : enBelowThousand(group));
  }
  return parts.join(' ') || 'zero';
}

/** "twenty-one" → "twenty-first": only the last word changes. */
function enOrdinal(cardinal: string): string {
  const last = /[a-z]+$/.exec(cardinal)?.[0] ?? '';
  const head = cardinal.slice(0, cardinal.length - last.length);
  const irregular = EN_ORDINAL_WORDS[last];
  if (irregular) return head + irregular;
  if (last.endsWith('y')) return `${head}${last.slice(0, -1)}ieth`;
  return `${head}${last}th`;
}

/** Years are said in pairs of digits: "nineteen ninety-nine", "twenty twenty-five", "two thousand five". */
function enYear(year: number): string {
  if (year < 1100 || year > 2099 || (year >= 2000 && year <= 2009))
    return enCardinal(groupsFromDigits(`${year}`));
  const century = enBelowHundred(Math.floor(year / 100));
  const rest = year % 100;
  if (rest === 0) return `${century} hundred`;
  return rest < 10 ? `${century} oh ${pick(EN_SMALL, rest)}` : `${century} ${enBelowHundred(rest)}`;
}

/** "nineteen ninety" → "nineteen nineties". */
export function enPlural(words: string): string {
  if (words.endsWith('y')) return `${words.slice(0, -1)}ies`;
  if (words.endsWith('x')) return `${words}es`;
  return `${words}s`;
}

function enTime(hour: number, minute: number, withDayHalf: boolean): string {
  const hourWords = enBelowHundred(hour);
  if (minute === 0) {
    if (withDayHalf) return hourWords;
    if (hour === 0) return 'zero hundred';
    return hour > 12 ? `${hourWords} hundred` : `${hourWords} o'clock`;
  }
  return minute < 10 ? `${hourWords} oh ${pick(EN_SMALL, minute)}` : `${hourWords} ${enBelowHundred(minute)}`;
}

// ---------------------------------------------------------------------------------------------
// Profile

// prettier-ignore
const EN_MONTHS = [
  ['January', 'Jan'], ['February', 'Feb'], ['March', 'Mar'], ['April', 'Apr'], ['May'], ['June', 'Jun'],
  ['July', 'Jul'], ['August', 'Aug'], ['September', 'Sep', 'Sept'], ['October', 'Oct'], ['November', 'Nov'],
  ['December', 'Dec'],
];

const EN_UNITS: UnitNames = {
  km: noun('kilometer', 'kilometers'),
  m: noun('meter', 'meters'),
  cm: noun('centimeter', 'centimeters'),
  mm: noun('millimeter', 'millimeters'),
  kg: noun('kilogram', 'kilograms'),
  g: noun('gram', 'grams'),
  mg: noun('milligram', 'milligrams'),
  l: noun('liter', 'liters'),
  ml: noun('milliliter', 'milliliters'),
  'km/h': noun('kilometer per hour', 'kilometers per hour'),
  'm/s': noun('meter per second', 'meters per second'),
  mph: noun('mile per hour', 'miles per hour'),
  '°C': noun('degree Celsius', 'degrees Celsius'),
  '°F': noun('degree Fahrenheit', 'degrees Fahrenheit'),
  '°': noun('degree', 'degrees'),
  TB: noun('terabyte', 'terabytes'),
  GB: noun('gigabyte', 'gigabytes'),
  MB: noun('megabyte', 'megabytes'),
  kB: noun('kilobyte', 'kilobytes'),
  ms: noun('millisecond', 'milliseconds'),
  s: noun('second', 'seconds'),
  min: noun('minute', 'minutes'),
  h: noun('hour', 'hours'),
};

const EN_ABBREVIATIONS = buildAbbreviations([
  ['eE', `[eE]\\.${S}?g\\.`, 'for example', { followCase: true }],
  ['eE', `[eE]tc\\.`, 'et cetera', { followCase: true, endsSentence: true }],
  ['iI', `[iI]\\.${S}?e\\.`, 'that is', { followCase: true }],
  ['vV', `[vV]s\\.?(?![\\p{L}\\p{N}])`, 'versus', { followCase: true }],
  ['aA', `[aA]pprox\\.`, 'approximately', { followCase: true }],
  ['nN', `[nN]o\\.${DIGIT_AHEAD}`, 'number'],
  ['D', `Dr\\.${TITLE_AHEAD}`, 'Doctor'],
  ['M', `Mrs\\.?${TITLE_AHEAD}`, 'Missus'],
  ['M', `Mr\\.?${TITLE_AHEAD}`, 'Mister'],
  ['S', `St\\.${TITLE_AHEAD}`, 'Saint'],
  ['P', `Prof\\.${TITLE_AHEAD}`, 'Professor'],
  ['T', `Tel\\.${DIGIT_AHEAD}`, 'telephone'],
]);

export const EN: Profile = {
  code: 'en',
  cardinal: enCardinal,
  digitNames: EN_SMALL.slice(0, 10),
  minus: 'minus',
  point: 'point',
  fraction: (digits) => digitByDigit(digits, EN_SMALL),
  numeral: sticky(String.raw`(\d{1,3}(?:,\d{3}(?!\d))+|\d+)(?:\.(\d+))?`),
  beforeNoun: (words) => words,
  isPlural: (numeral, scaled) => scaled || !isOne(numeral),
  link: () => ' ',
  scaled: (numeral, exponent) => `${quantityWords(EN, numeral)} ${pick(EN_SCALES, exponent / 3)}`,
  scaleWords: new Map([
    ['thousand', 3],
    ['million', 6],
    ['billion', 9],
    ['trillion', 12],
  ]),
  percent: noun('percent'),
  currencies: {
    USD: { major: noun('dollar', 'dollars'), minor: noun('cent', 'cents') },
    EUR: { major: noun('euro', 'euros'), minor: noun('cent', 'cents') },
    GBP: { major: noun('pound', 'pounds'), minor: noun('penny', 'pence') },
    JPY: { major: noun('yen') },
  },
  withCents: (major, _minor, minorPhrase) => `${major} and ${minorPhrase}`,
  units: unitMap(EN_UNITS),
  perNouns: {
    hour: 'hour',
    day: 'day',
    week: 'week',
    month: 'month',
    mo: 'month',
    year: 'year',
    yr: 'year',
    night: 'night',
    person: 'person',
    piece: 'piece',
    pc: 'piece',
  },
  ordinalSuffix: sticky(`(st|nd|rd|th)${NO_WORD_AFTER}`),
  ordinal: (digits) => enOrdinal(cardinalOf(EN, digits)),
  year: (digits) => (digits.length === 4 ? enYear(Number(digits)) : cardinalOf(EN, digits)),
  // prettier-ignore
  yearWords: new Set([
    'in', 'since', 'by', 'of', 'from', 'until', 'till', 'before', 'after', 'during', 'around', 'circa', 'year',
  ]),
  monthNames: EN_MONTHS.map((names) => names[0] ?? ''),
  months: monthMap(EN_MONTHS),
  date: (day, month, year, previousWord) =>
    `${previousWord === 'the' ? '' : 'the '}${enOrdinal(enBelowHundred(day))} of ${pick(EN.monthNames, month)}` +
    (year === undefined ? '' : ` ${EN.year(year)}`),
  numericDates: false,
  symbols: {
    and: 'and',
    plus: 'plus',
    equals: 'equals',
    times: 'times',
    by: 'by',
    about: 'about',
    to: 'to',
    per: 'per',
    masked: 'ending in',
  },
  multiplier: (words) => `${words} times`,
  abbreviations: EN_ABBREVIATIONS,
  numberForms: [],
  wordForms: [],
};

// ---------------------------------------------------------------------------------------------
// Forms tried where a number or a month name starts

const DAY_HALF = '([aApP])\\.?[mM](\\.?)(?![\\p{L}\\p{N}])';
const EN_DAY_MONTH = sticky(
  `(\\d{1,2})(st|nd|rd|th)?(${S}of)?${S}${monthPattern(EN)}(\\.?)(?:(,?${S})(\\d{4})(?!\\d))?`,
);
const EN_MONTH_DAY = sticky(
  `${monthPattern(EN)}(\\.?)${S}(\\d{1,2})(st|nd|rd|th)?(?![\\p{L}\\p{N}])(?:(,?${S})(\\d{4})(?!\\d))?`,
);
const EN_MONTH_YEAR = sticky(`${monthPattern(EN)}(\\.?)${S}(\\d{4})(?!\\d)`);
const EN_CLOCK = sticky(`(\\d{1,2}):(\\d{2})(?!\\d)(?:(${S}?)${DAY_HALF})?`);
const EN_HOUR = sticky(`(\\d{1,2})(${S}?)${DAY_HALF}`);
const EN_DECADE = sticky(`(\\d{4}|\\d{2})['’]?s${NO_WORD_AFTER}`);
const DECADE_WORDS = new Set(['the', 'early', 'late', 'mid', 'his', 'her', 'their', 'my', 'our', 'your']);

/** A month written short is said in full ("Mar." → "March"); its period goes with it before a year. */
function monthEdit(scan: Scan, at: number, name: string, dot: string, yearFollows: boolean): TextEdit | null {
  const index = scan.profile.months.get(name) ?? 0;
  const full = pick(scan.profile.monthNames, index);
  if (full === name) return null;
  return scan.edit(at, at + name.length + (dot && yearFollows ? 1 : 0), full);
}

/** "3 March 2025", "3rd of March": "the third of March twenty twenty-five". */
function enDayMonth(scan: Scan, at: number): Match | null {
  const found = scan.exec(EN_DAY_MONTH, at);
  if (!found) return null;
  const [, dayDigits = '', suffix = '', of = '', month = '', dot = '', comma = '', year] = found;
  const day = Number(dayDigits);
  if (day < 1 || day > 31) return null;
  const dayEnd = at + dayDigits.length + suffix.length;
  const monthStart = dayEnd + of.length + 1;
  const monthEnd = monthStart + month.length + dot.length;
  const yearStart = monthEnd + comma.length;
  const withYear = year !== undefined && scan.endsCleanly(yearStart + year.length);
  const the = scan.previousWord(at) === 'the' ? '' : 'the ';
  const edits = [scan.edit(at, dayEnd, `${the}${enOrdinal(enBelowHundred(day))}${of ? '' : ' of'}`)];
  const monthFull = monthEdit(scan, monthStart, month, dot, withYear);
  if (monthFull) edits.push(monthFull);
  if (!withYear) return { end: monthEnd, edits };
  edits.push(scan.edit(yearStart, yearStart + year.length, enYear(Number(year))));
  return { end: yearStart + year.length, edits };
}

/** "March 3, 2025": "March third, twenty twenty-five"; "March 2025": "March twenty twenty-five". */
function enMonthDay(scan: Scan, at: number): Match | null {
  const found = scan.exec(EN_MONTH_DAY, at);
  if (found) {
    const [, month = '', dot = '', dayDigits = '', suffix = '', comma = '', year] = found;
    const day = Number(dayDigits);
    const dayStart = at + month.length + dot.length + 1;
    const dayEnd = dayStart + dayDigits.length + suffix.length;
    const yearStart = dayEnd + comma.length;
    const withYear = year !== undefined && scan.endsCleanly(yearStart + year.length);
    if (day >= 1 && day <= 31 && (withYear || scan.endsCleanly(dayEnd))) {
      const edits: TextEdit[] = [];
      const monthFull = monthEdit(scan, at, month, dot, true);
      if (monthFull) edits.push(monthFull);
      edits.push(scan.edit(dayStart, dayEnd, enOrdinal(enBelowHundred(day))));
      if (!withYear) return { end: dayEnd, edits };
      edits.push(scan.edit(yearStart, yearStart + year.length, enYear(Number(year))));
      return { end: yearStart + year.length, edits };
    }
  }
  const monthYear = scan.exec(EN_MONTH_YEAR, at);
  if (!monthYear) return null;
  const [, month = '', dot = '', year = ''] = monthYear;
  const yearStart = at + month.length + dot.length + 1;
  if (!scan.endsCleanly(yearStart + year.length)) return null;
  const edits: TextEdit[] = [];
  const monthFull = monthEdit(scan, at, month, dot, true);
  if (monthFull) edits.push(monthFull);
  edits.push(scan.edit(yearStart, yearStart + year.length, enYear(Number(year))));
  return { end: yearStart + year.length, edits };
}

/** "a.m." at the end of a sentence keeps its last period. */
function dayHalfEdit(scan: Scan, start: number, end: number, letter: string, dot: string): TextEdit {
  const keepPeriod = dot !== '' && scan.endsSentence(end);
  return scan.edit(start, keepPeriod ? end - 1 : end, `${letter.toLowerCase()} m`);
}

/** "14:30", "3:05 pm", "9 am". */
function enClock(scan: Scan, at: number): Match | null {
  const clock = scan.exec(EN_CLOCK, at);
  if (clock) {
    const [whole, hourDigits = '', minuteDigits = '', space = '', letter, dot = ''] = clock;
    const hour = Number(hourDigits);
    const minute = Number(minuteDigits);
    const minutesEnd = at + hourDigits.length + 1 + minuteDigits.length;
    if (letter !== undefined) {
      if (hour < 1 || hour > 12 || minute > 59) return null;
      const end = at + whole.length;
      return {
        end,
        edits: [
          scan.edit(at, minutesEnd, enTime(hour, minute, true)),
          dayHalfEdit(scan, minutesEnd + space.length, end, letter, dot),
        ],
      };
    }
    if (hour > 24 || minute > 59 || !endsClock(scan, minutesEnd)) return null;
    return { end: minutesEnd, edits: [scan.edit(at, minutesEnd, enTime(hour, minute, false))] };
  }
  const hourOnly = scan.exec(EN_HOUR, at);
  if (!hourOnly) return null;
  const [whole, hourDigits = '', space = '', letter = '', dot = ''] = hourOnly;
  const hour = Number(hourDigits);
  if (hour < 1 || hour > 12) return null;
  const hourEnd = at + hourDigits.length;
  const end = at + whole.length;
  return {
    end,
    edits: [
      scan.edit(at, hourEnd, enBelowHundred(hour)),
      dayHalfEdit(scan, hourEnd + space.length, end, letter, dot),
    ],
  };
}

/** "1990s", "the 90s": "nineteen nineties", "the nineties". */
function enDecade(scan: Scan, at: number): Match | null {
  const found = scan.exec(EN_DECADE, at);
  if (!found) return null;
  const digits = found[1] ?? '';
  if (!digits.endsWith('0')) return null;
  let words: string;
  if (digits.length === 4) {
    const year = Number(digits);
    if (year < 1100 || year > 2099) return null;
    words = enPlural(enYear(year));
  } else {
    if (digits === '00' || !DECADE_WORDS.has(scan.previousWord(at))) return null;
    words = enPlural(enBelowHundred(Number(digits)));
  }
  const end = at + found[0].length;
  return { end, edits: [scan.edit(at, end, words)] };
}

EN.numberForms = [enDayMonth, clockRange(enClock), enDecade];
const EN_MONTH_INITIALS = new Set([...EN.months.keys()].map((name) => name.charAt(0)));
EN.wordForms = [(scan, at) => (EN_MONTH_INITIALS.has(scan.text.charAt(at)) ? enMonthDay(scan, at) : null)];
