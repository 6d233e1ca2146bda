// German: its number words, its profile (months, units, abbreviations, how amounts and dates are
// said) and its forms ("3. März 2025", "14:30 Uhr").

import { clockRange, endsClock, monthPattern } from './forms';
import {
  DIGIT_AHEAD,
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
  withoutLeadingZeros,
} from './helpers';
import type { Gender, Match, Profile, Scan, UnitNames } from './types';

// ---------------------------------------------------------------------------------------------
// Words

// prettier-ignore
const DE_SMALL = [
  'null', 'eins', 'zwei', 'drei', 'vier', 'fünf', 'sechs', 'sieben', 'acht', 'neun', 'zehn', 'elf', 'zwölf',
  'dreizehn', 'vierzehn', 'fünfzehn', 'sechzehn', 'siebzehn', 'achtzehn', 'neunzehn',
];
const DE_TENS = [
  '',
  'zehn',
  'zwanzig',
  'dreißig',
  'vierzig',
  'fünfzig',
  'sechzig',
  'siebzig',
  'achtzig',
  'neunzig',
];
const DE_SCALES: readonly (readonly [string, string])[] = [
  ['', ''],
  ['', ''],
  ['Million', 'Millionen'],
  ['Milliarde', 'Milliarden'],
  ['Billion', 'Billionen'],
  ['Billiarde', 'Billiarden'],
  ['Trillion', 'Trillionen'],
  ['Trilliarde', 'Trilliarden'],
  ['Quadrillion', 'Quadrillionen'],
];
/** After these words a date's day is in the dative or accusative: "am dritten März". */
const DE_INFLECTING_WORDS = new Set(['am', 'vom', 'zum', 'beim', 'dem', 'den', 'im']);

function deBelowHundred(n: number): string {
  if (n < 20) return pick(DE_SMALL, n);
  const unit = n % 10;
  const tens = pick(DE_TENS, Math.floor(n / 10));
  return unit ? `${unit === 1 ? 'ein' : pick(DE_SMALL, unit)}und${tens}` : tens;
}

function deBelowThousand(n: number): string {
  const hundreds = Math.floor(n / 100);
  const rest = n % 100;
  const head = hundreds ? `${hundreds === 1 ? 'ein' : pick(DE_SMALL, hundreds)}hundert` : '';
  return head + (rest || !hundreds ? deBelowHundred(rest) : '');
}

/** "eins" before a noun: "ein"/"eine". */
function deBeforeNoun(words: string, gender: Gender): string {
  return words.endsWith('eins') ? `${words.slice(0, -1)}${gender === 'f' ? 'e' : ''}` : words;
}

function deCardinal(groups: readonly number[]): string {
  const parts: string[] = [];
  for (let i = groups.length - 1; i >= 2; i--) {
    const group = groups[i] ?? 0;
    const [one, many] = DE_SCALES[i] ?? ['', ''];
    if (group === 1) parts.push(`eine ${one}`);
    else if (group) parts.push(`${deBeforeNoun(deBelowThousand(group), 'f')} ${many}`);
  }
  const thousands = groups[1] ?? 0;
  const units = groups[0] ?? 0;
  let small = thousands ? `${deBeforeNoun(deBelowThousand(thousands), 'n')}tausend` : '';
  if (units) small += deBelowThousand(units);
  if (small) parts.push(small);
  return parts.join(' ') || 'null';
}

/** Years before 2000 are said in hundreds: "neunzehnhundertneunundneunzig". */
function deYear(digits: string): string {
  const year = Number(digits);
  if (digits.length !== 4 || year < 1100 || year > 1999)
    return deCardinal(groupsFromDigits(withoutLeadingZeros(digits)));
  const rest = year % 100;
  return `${deBelowHundred(Math.floor(year / 100))}hundert${rest ? deBelowHundred(rest) : ''}`;
}

/** The day of a date: "dritter März", or after "am" and the like "dritten". */
function deDayOrdinal(day: number, inflected: boolean): string {
  const irregular: Readonly<Record<number, string>> = { 1: 'erst', 3: 'dritt', 7: 'siebt', 8: 'acht' };
  const stem = irregular[day] ?? (day < 20 ? `${pick(DE_SMALL, day)}t` : `${deBelowHundred(day)}st`);
  return `${stem}${inflected ? 'en' : 'er'}`;
}

// ---------------------------------------------------------------------------------------------
// Profile

// prettier-ignore
const DE_MONTHS = [
  ['Januar', 'Jänner'], ['Februar'], ['März'], ['April'], ['Mai'], ['Juni'], ['Juli'], ['August'],
  ['September'], ['Oktober'], ['November'], ['Dezember'],
];

const DE_UNITS: UnitNames = {
  km: noun('Kilometer'),
  m: noun('Meter'),
  cm: noun('Zentimeter'),
  mm: noun('Millimeter'),
  kg: noun('Kilogramm', 'Kilogramm', 'n'),
  g: noun('Gramm', 'Gramm', 'n'),
  mg: noun('Milligramm', 'Milligramm', 'n'),
  l: noun('Liter'),
  ml: noun('Milliliter'),
  'km/h': noun('Kilometer pro Stunde'),
  'm/s': noun('Meter pro Sekunde'),
  mph: noun('Meile pro Stunde', 'Meilen pro Stunde', 'f'),
  '°C': noun('Grad Celsius', 'Grad Celsius', 'n'),
  '°F': noun('Grad Fahrenheit', 'Grad Fahrenheit', 'n'),
  '°': noun('Grad', 'Grad', 'n'),
  TB: noun('Terabyte', 'Terabyte', 'n'),
  GB: noun('Gigabyte', 'Gigabyte', 'n'),
  MB: noun('Megabyte', 'Megabyte', 'n'),
  kB: noun('Kilobyte', 'Kilobyte', 'n'),
  ms: noun('Millisekunde', 'Millisekunden', 'f'),
  s: noun('Sekunde', 'Sekunden', 'f'),
  min: noun('Minute', 'Minuten', 'f'),
  h: noun('Stunde', 'Stunden', 'f'),
};

export const DE: Profile = {
  code: 'de',
  cardinal: deCardinal,
  digitNames: DE_SMALL.slice(0, 10),
  minus: 'minus',
  point: 'Komma',
  fraction: (digits) => digitByDigit(digits, DE_SMALL),
  numeral: sticky(String.raw`(\d{1,3}(?:(?:\.|[\u00a0\u202f])\d{3}(?!\d))+|\d+)(?:,(\d+))?`),
  beforeNoun: deBeforeNoun,
  isPlural: (numeral, scaled) => scaled || !isOne(numeral),
  link: () => ' ',
  scaled: (numeral, exponent) => {
    const whole = numeral.fraction === '';
    if (exponent === 3) {
      return whole
        ? `${deBeforeNoun(cardinalOf(DE, numeral.digits), 'n')}tausend`
        : `${quantityWords(DE, numeral)} Tausend`;
    }
    const [one, many] = DE_SCALES[exponent / 3] ?? ['', ''];
    if (isOne(numeral)) return `eine ${one}`;
    return `${whole ? deBeforeNoun(cardinalOf(DE, numeral.digits), 'f') : quantityWords(DE, numeral)} ${many}`;
  },
  scaleWords: new Map([
    ['Tsd.', 3],
    ['Tsd', 3],
    ['Tausend', 3],
    ['Mio.', 6],
    ['Mio', 6],
    ['Million', 6],
    ['Millionen', 6],
    ['Mrd.', 9],
    ['Mrd', 9],
    ['Milliarde', 9],
    ['Milliarden', 9],
    ['Bio.', 12],
    ['Billion', 12],
    ['Billionen', 12],
  ]),
  percent: noun('Prozent', 'Prozent', 'n'),
  currencies: {
    USD: { major: noun('Dollar'), minor: noun('Cent') },
    EUR: { major: noun('Euro'), minor: noun('Cent') },
    GBP: { major: noun('Pfund', 'Pfund', 'n'), minor: noun('Penny', 'Pence') },
    JPY: { major: noun('Yen') },
  },
  withCents: (major, minorWords) => `${major} ${minorWords}`,
  units: unitMap(DE_UNITS),
  perNouns: {
    Std: 'Stunde',
    Stunde: 'Stunde',
    Tag: 'Tag',
    Woche: 'Woche',
    Monat: 'Monat',
    Mon: 'Monat',
    Jahr: 'Jahr',
    Nacht: 'Nacht',
    Person: 'Person',
    Stück: 'Stück',
    Stk: 'Stück',
  },
  year: deYear,
  yearWords: new Set(['jahr', 'jahre', 'jahres']),
  monthNames: DE_MONTHS.map((names) => names[0] ?? ''),
  months: monthMap(DE_MONTHS),
  date: (day, month, year, previousWord) =>
    `${deDayOrdinal(day, DE_INFLECTING_WORDS.has(previousWord))} ${pick(DE.monthNames, month)}` +
    (year === undefined ? '' : ` ${deYear(year)}`),
  numericDates: true,
  symbols: {
    and: 'und',
    plus: 'plus',
    equals: 'gleich',
    times: 'mal',
    by: 'mal',
    about: 'etwa',
    to: 'bis',
    per: 'pro',
    masked: 'endend auf',
  },
  multiplier: (words, numeral) => `${isOne(numeral) ? 'ein' : words}mal`,
  abbreviations: buildAbbreviations([
    ['zZ', `[zZ]\\.${S}?B\\.`, 'zum Beispiel', { followCase: true }],
    ['zZ', `[zZ]zgl\\.`, 'zuzüglich', { followCase: true }],
    ['uU', `usw\\.`, 'und so weiter', { endsSentence: true }],
    ['uU', `[uU]\\.${S}?a\\.`, 'unter anderem', { followCase: true }],
    ['dD', `[dD]\\.${S}?h\\.`, 'das heißt', { followCase: true }],
    ['bB', `[bB]zw\\.`, 'beziehungsweise', { followCase: true }],
    ['bB', `[bB]spw\\.`, 'beispielsweise', { followCase: true }],
    ['cC', `[cC]a\\.`, 'circa', { followCase: true }],
    ['eE', `[eE]vtl\\.`, 'eventuell', { followCase: true }],
    ['eE', `[eE]tc\\.`, 'et cetera', { followCase: true, endsSentence: true }],
    ['gG', `[gG]gf\\.`, 'gegebenenfalls', { followCase: true }],
    ['iI', `[iI]nkl\\.`, 'inklusive', { followCase: true }],
    ['N', `Nr\\.`, 'Nummer'],
    ['T', `Tel\\.${DIGIT_AHEAD}`, 'Telefon'],
    ['D', `Dr\\.${TITLE_AHEAD}`, 'Doktor'],
    ['M', `Mio\\.`, 'Millionen'],
    ['M', `Mrd\\.`, 'Milliarden'],
  ]),
  numberForms: [],
  wordForms: [],
};

// ---------------------------------------------------------------------------------------------
// Forms tried where a number starts

const DE_DAY_MONTH = sticky(`(\\d{1,2})\\.${S}?${monthPattern(DE)}(?:(${S})(\\d{4})(?!\\d))?`);
const DE_CLOCK = sticky(`(\\d{1,2})(?:([:.])(\\d{2}))?(?!\\d)(${S}?Uhr(?![\\p{L}\\p{N}]))?`);

/** "3. März 2025": "dritter März zweitausendfünfundzwanzig" ("am dritten März" after "am"). */
function deDayMonth(scan: Scan, at: number): Match | null {
  const found = scan.exec(DE_DAY_MONTH, at);
  if (!found) return null;
  const [, dayDigits = '', , space = '', year] = found;
  const day = Number(dayDigits);
  if (day < 1 || day > 31) return null;
  const monthEnd = at + found[0].length - (year === undefined ? 0 : space.length + year.length);
  const dayEnd = at + dayDigits.length + 1;
  const edits = [scan.edit(at, dayEnd, deDayOrdinal(day, DE_INFLECTING_WORDS.has(scan.previousWord(at))))];
  if (year === undefined || !scan.endsCleanly(monthEnd + space.length + year.length))
    return { end: monthEnd, edits };
  const yearStart = monthEnd + space.length;
  edits.push(scan.edit(yearStart, yearStart + year.length, deYear(year)));
  return { end: yearStart + year.length, edits };
}

/** "14:30 Uhr" and "14:30": "vierzehn Uhr dreißig"; "14 Uhr": "vierzehn Uhr". */
function deClock(scan: Scan, at: number): Match | null {
  const found = scan.exec(DE_CLOCK, at);
  if (!found) return null;
  const [whole, hourDigits = '', separator, minuteDigits, uhr] = found;
  if (separator === undefined && uhr === undefined) return null;
  if (separator === '.' && uhr === undefined) return null;
  const hour = Number(hourDigits);
  const minute = Number(minuteDigits ?? 0);
  if (hour > 24 || minute > 59) return null;
  const end = at + whole.length;
  const hourWords = deBeforeNoun(deBelowHundred(hour), 'n');
  if (separator === undefined) {
    return { end, edits: [scan.edit(at, at + hourDigits.length, hourWords)] };
  }
  if (!endsClock(scan, end)) return null;
  const words = minute ? `${hourWords} Uhr ${deBelowHundred(minute)}` : `${hourWords} Uhr`;
  return { end, edits: [scan.edit(at, end, words)] };
}

DE.numberForms = [deDayMonth, clockRange(deClock)];
