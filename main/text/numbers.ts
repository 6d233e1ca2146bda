// Numbers and symbols spelled out for engines that would otherwise misread them: the offline voice,
// and ElevenLabs Flash, which does not normalise text ("$1,000,000" comes out as "one thousand
// thousand dollars"). One left-to-right pass: a global regex finds the places where something may
// start (a word, a number, a symbol, or a URL/e-mail/hashtag to step over), and small sticky regexes
// decide what is there. Every pattern either consumes what it scans or scans a bounded distance, so
// the pass stays linear however hostile the text. Edits replace only the characters that change,
// so highlighting stays precise.
//
// Choices worth knowing:
// - Slashed dates such as 03/04/2025 are day first in German, French and Spanish and read as dates
//   there; in English they are written both ways (US month first), so only a date whose numbers tell
//   the order (14/03/2025, 03/14/2025) is read as one; 03/04/2025 is left as written.
// - An ungrouped digit run longer than 15 digits, or one with a leading zero, is an identifier (card,
//   phone, account) and read digit by digit; grouped numbers are amounts and read as such.
// - Money with exactly two decimals is read as units and cents, the way each language says prices:
//   "three dollars and fifty cents", "zwölf Euro fünfzig", "douze euros cinquante", "doce euros con
//   cincuenta". Other decimals are read with the decimal word.
// - English uses US spelling throughout (kilometers, percent) and no "and" after "hundred".
// - A bare German "3." stays a cardinal: only "3. März" and 03.03.2025 are ordinals.

import type { TextEdit } from './offset-map';
import { escapeRegExp } from './escape-regexp';

export const NUMBER_LANGUAGES = ['en', 'de', 'fr', 'es'] as const;
export type NumberLanguage = (typeof NUMBER_LANGUAGES)[number];

/** Up to this many digits an integer has scale words in every language (10^27 - 1). */
const MAX_CARDINAL_DIGITS = 27;
/** An ungrouped run longer than this is an identifier, not an amount. */
const MAX_PLAIN_DIGITS = 15;

type Gender = 'm' | 'f' | 'n';
type CurrencyCode = 'USD' | 'EUR' | 'GBP' | 'JPY';

interface Noun {
  one: string;
  many: string;
  gender: Gender;
}

interface Currency {
  major: Noun;
  minor?: Noun;
}

/** A number as written: its digits without separators, and the digits after the decimal sign. */
interface Numeral {
  end: number;
  digits: string;
  fraction: string;
  grouped: boolean;
}

interface Abbreviation {
  pattern: RegExp;
  words: string;
  /** It may end a sentence ("etc."): then its period is kept. */
  endsSentence?: boolean;
  /** Normally lower case: capitalise the words when the source is capitalised. */
  followCase?: boolean;
}

/** What a match found: where scanning goes on, and the edits (possibly none: a span to leave alone). */
interface Match {
  end: number;
  edits: TextEdit[];
}

type Form = (scan: Scan, at: number) => Match | null;

// ---------------------------------------------------------------------------------------------
// Small helpers

/** A space that may sit inside an amount or between a number and what it counts. */
const S = '[ \\u00a0\\u202f]';
const NO_WORD_AFTER = '(?![\\p{L}\\p{N}_])';

function sticky(source: string): RegExp {
  return new RegExp(source, 'uy');
}

function pick(list: readonly string[], index: number): string {
  return list[index] ?? '';
}

/** A regex alternation of `words`, longest first so that a shorter one never wins a prefix. */
function alternation(words: Iterable<string>): string {
  return [...words]
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp)
    .join('|');
}

function groupsFromDigits(digits: string): number[] {
  const groups: number[] = [];
  for (let end = digits.length; end > 0; end -= 3)
    groups.push(Number(digits.slice(Math.max(0, end - 3), end)));
  return groups;
}

function withoutLeadingZeros(digits: string): string {
  const trimmed = digits.replace(/^0+/, '');
  return trimmed === '' ? '0' : trimmed;
}

function capitalise(words: string): string {
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function isUpperCase(char: string): boolean {
  return char !== char.toLowerCase() && char === char.toUpperCase();
}

// ---------------------------------------------------------------------------------------------
// English words

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

function enBelowHundred(n: number): string {
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
function enPlural(words: string): string {
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
// German words

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
// French words

// prettier-ignore
const FR_SMALL = [
  'zéro', 'un', 'deux', 'trois', 'quatre', 'cinq', 'six', 'sept', 'huit', 'neuf', 'dix', 'onze', 'douze',
  'treize', 'quatorze', 'quinze', 'seize', 'dix-sept', 'dix-huit', 'dix-neuf',
];
const FR_TENS = ['', 'dix', 'vingt', 'trente', 'quarante', 'cinquante', 'soixante'];
// prettier-ignore
const FR_SCALES = [
  '', '', 'million', 'milliard', 'billion', 'billiard', 'trillion', 'trilliard', 'quadrillion',
];

/** `final`: nothing multiplies it, so "quatre-vingts" and "deux cents" keep their s. */
function frBelowHundred(n: number, final: boolean): string {
  if (n < 20) return pick(FR_SMALL, n);
  if (n < 70) {
    const tens = pick(FR_TENS, Math.floor(n / 10));
    const unit = n % 10;
    if (unit === 0) return tens;
    return unit === 1 ? `${tens} et un` : `${tens}-${pick(FR_SMALL, unit)}`;
  }
  if (n < 80) return n === 71 ? 'soixante et onze' : `soixante-${pick(FR_SMALL, n - 60)}`;
  if (n === 80) return final ? 'quatre-vingts' : 'quatre-vingt';
  return `quatre-vingt-${pick(FR_SMALL, n - 80)}`;
}

function frBelowThousand(n: number, final: boolean): string {
  const hundreds = Math.floor(n / 100);
  const rest = n % 100;
  const parts: string[] = [];
  if (hundreds === 1) parts.push('cent');
  else if (hundreds) parts.push(`${pick(FR_SMALL, hundreds)} ${rest === 0 && final ? 'cents' : 'cent'}`);
  if (rest || !hundreds) parts.push(frBelowHundred(rest, final));
  return parts.join(' ');
}

function frCardinal(groups: readonly number[]): string {
  const parts: string[] = [];
  for (let i = groups.length - 1; i >= 2; i--) {
    const group = groups[i] ?? 0;
    const scale = pick(FR_SCALES, i);
    if (group === 1) parts.push(`un ${scale}`);
    else if (group) parts.push(`${frBelowThousand(group, true)} ${scale}s`);
  }
  const thousands = groups[1] ?? 0;
  if (thousands === 1) parts.push('mille');
  else if (thousands) parts.push(`${frBelowThousand(thousands, false)} mille`);
  const units = groups[0] ?? 0;
  if (units) parts.push(frBelowThousand(units, true));
  return parts.join(' ') || 'zéro';
}

/** "cinq" → "cinquième", "vingt et un" → "vingt et unième"; 1 is "premier"/"première". */
function frOrdinal(digits: string, feminine: boolean): string {
  const value = withoutLeadingZeros(digits);
  if (value === '1') return feminine ? 'première' : 'premier';
  const cardinal = frCardinal(groupsFromDigits(value));
  let last = /[^\s-]+$/.exec(cardinal)?.[0] ?? '';
  const head = cardinal.slice(0, cardinal.length - last.length);
  if (last !== 'trois' && last.endsWith('s')) last = last.slice(0, -1);
  if (last === 'cinq') return `${head}cinquième`;
  if (last === 'neuf') return `${head}neuvième`;
  if (last.endsWith('e')) return `${head}${last.slice(0, -1)}ième`;
  return `${head}${last}ième`;
}

// ---------------------------------------------------------------------------------------------
// Spanish words

// prettier-ignore
const ES_SMALL = [
  'cero', 'uno', 'dos', 'tres', 'cuatro', 'cinco', 'seis', 'siete', 'ocho', 'nueve', 'diez', 'once', 'doce',
  'trece', 'catorce', 'quince', 'dieciséis', 'diecisiete', 'dieciocho', 'diecinueve', 'veinte', 'veintiuno',
  'veintidós', 'veintitrés', 'veinticuatro', 'veinticinco', 'veintiséis', 'veintisiete', 'veintiocho',
  'veintinueve',
];
const ES_TENS = ['', '', '', 'treinta', 'cuarenta', 'cincuenta', 'sesenta', 'setenta', 'ochenta', 'noventa'];
// prettier-ignore
const ES_HUNDREDS = [
  '', 'ciento', 'doscientos', 'trescientos', 'cuatrocientos', 'quinientos', 'seiscientos', 'setecientos',
  'ochocientos', 'novecientos',
];
/** Scales of a million each: millón (10^6), billón (10^12), trillón (10^18), cuatrillón (10^24). */
const ES_SCALES: readonly (readonly [string, string])[] = [
  ['', ''],
  ['millón', 'millones'],
  ['billón', 'billones'],
  ['trillón', 'trillones'],
  ['cuatrillón', 'cuatrillones'],
];
// prettier-ignore
const ES_ORDINAL_UNITS = [
  '', 'primero', 'segundo', 'tercero', 'cuarto', 'quinto', 'sexto', 'séptimo', 'octavo', 'noveno',
];
// prettier-ignore
const ES_ORDINAL_TENS = [
  '', 'décimo', 'vigésimo', 'trigésimo', 'cuadragésimo', 'quincuagésimo', 'sexagésimo', 'septuagésimo',
  'octogésimo', 'nonagésimo',
];
// prettier-ignore
const ES_ORDINAL_HUNDREDS = [
  '', 'centésimo', 'ducentésimo', 'tricentésimo', 'cuadringentésimo', 'quingentésimo', 'sexcentésimo',
  'septingentésimo', 'octingentésimo', 'noningentésimo',
];
// prettier-ignore
const ES_ORDINAL_TEENS = [
  '', 'undécimo', 'duodécimo', 'decimotercero', 'decimocuarto', 'decimoquinto', 'decimosexto',
  'decimoséptimo', 'decimoctavo', 'decimonoveno',
];

function esBelowHundred(n: number): string {
  if (n < 30) return pick(ES_SMALL, n);
  const unit = n % 10;
  const tens = pick(ES_TENS, Math.floor(n / 10));
  return unit ? `${tens} y ${pick(ES_SMALL, unit)}` : tens;
}

function esBelowThousand(n: number): string {
  if (n === 100) return 'cien';
  const hundreds = Math.floor(n / 100);
  const rest = n % 100;
  const parts: string[] = [];
  if (hundreds) parts.push(pick(ES_HUNDREDS, hundreds));
  if (rest || !hundreds) parts.push(esBelowHundred(rest));
  return parts.join(' ');
}

/** "uno" before a noun: "un"/"una" ("veintiún euros", "veintiuna horas"). */
function esBeforeNoun(words: string, gender: Gender): string {
  if (words.endsWith('veintiuno')) return `${words.slice(0, -3)}${gender === 'f' ? 'una' : 'ún'}`;
  if (/(?:^|\s)uno$/.test(words)) return `${words.slice(0, -3)}${gender === 'f' ? 'una' : 'un'}`;
  return words;
}

function esBelowMillion(n: number, beforeNoun: boolean): string {
  const thousands = Math.floor(n / 1000);
  const units = n % 1000;
  const parts: string[] = [];
  if (thousands === 1) parts.push('mil');
  else if (thousands) parts.push(`${esBeforeNoun(esBelowThousand(thousands), 'm')} mil`);
  if (units || !thousands)
    parts.push(beforeNoun ? esBeforeNoun(esBelowThousand(units), 'm') : esBelowThousand(units));
  return parts.join(' ');
}

function esCardinal(groups: readonly number[]): string {
  const parts: string[] = [];
  for (let k = Math.floor((groups.length - 1) / 2); k >= 0; k--) {
    const group = (groups[2 * k + 1] ?? 0) * 1000 + (groups[2 * k] ?? 0);
    if (!group) continue;
    const [one, many] = ES_SCALES[k] ?? ['', ''];
    if (k === 0) parts.push(esBelowMillion(group, false));
    else parts.push(group === 1 ? `un ${one}` : `${esBelowMillion(group, true)} ${many}`);
  }
  return parts.join(' ') || 'cero';
}

/** Ordinals to 999 ("vigésimo primero"); beyond that Spanish uses cardinals anyway. */
function esOrdinal(digits: string, feminine: boolean, shortened: boolean): string {
  const value = Number(withoutLeadingZeros(digits));
  if (digits.length > 3 || value === 0) return esCardinal(groupsFromDigits(withoutLeadingZeros(digits)));
  const rest = value % 100;
  const parts = [pick(ES_ORDINAL_HUNDREDS, Math.floor(value / 100))];
  if (rest > 10 && rest < 20) parts.push(pick(ES_ORDINAL_TEENS, rest - 10));
  else parts.push(pick(ES_ORDINAL_TENS, Math.floor(rest / 10)), pick(ES_ORDINAL_UNITS, rest % 10));
  let words = parts.filter(Boolean).join(' ');
  if (feminine) words = words.replace(/o(?= |$)/g, 'a');
  else if (shortened) words = words.replace(/(prim|terc)ero$/, '$1er');
  return words;
}

// ---------------------------------------------------------------------------------------------
// Languages

interface Symbols {
  and: string;
  plus: string;
  equals: string;
  times: string;
  by: string;
  about: string;
  to: string;
  /** "$3/kg": "three dollars per kilogram". */
  per: string;
  /** "**** 1234", a masked card or account number: "ending in one two three four". */
  masked: string;
}

interface Profile {
  code: NumberLanguage;
  cardinal(groups: readonly number[]): string;
  digitNames: readonly string[];
  minus: string;
  point: string;
  /** Digits after the decimal sign. */
  fraction(digits: string): string;
  /** Sticky: 1 = integer part with its group separators, 2 = digits after the decimal sign. */
  numeral: RegExp;
  beforeNoun(words: string, gender: Gender): string;
  isPlural(numeral: Numeral, scaled: boolean): boolean;
  /** What goes between an amount and its noun: " ", or French/Spanish " de " after "millions". */
  link(amount: string, noun: string): string;
  /** An amount with a scale word: "two point five million", "eine Million", "tres mil". */
  scaled(numeral: Numeral, exponent: number): string;
  /** Scale words and abbreviations that may follow a number (with or without a currency). */
  scaleWords: ReadonlyMap<string, number>;
  percent: Noun;
  currencies: Readonly<Record<CurrencyCode, Currency>>;
  /** "three dollars" + "fifty" / "fifty cents" → how the language says the price. */
  withCents(major: string, minorWords: string, minorPhrase: string): string;
  units: ReadonlyMap<string, Noun>;
  /** What may follow "per" after a slash, besides the units: "/month", "/Std.", "/nuit". */
  perNouns: Readonly<Record<string, string>>;
  ordinalSuffix?: RegExp;
  ordinal?(digits: string, suffix: string): string;
  year(digits: string): string;
  yearWords: ReadonlySet<string>;
  monthNames: readonly string[];
  /** Every spelling of a month (names and abbreviations) → 0–11. */
  months: ReadonlyMap<string, number>;
  date(day: number, month: number, year: string | undefined, previousWord: string): string;
  /** Day/month/year with dots or slashes (day first). */
  numericDates: boolean;
  symbols: Symbols;
  multiplier(words: string, numeral: Numeral): string;
  abbreviations: ReadonlyMap<string, readonly Abbreviation[]>;
  /** Language forms tried where a number starts (dates, times), before it is read as an amount. */
  // They are attached further down, next to the patterns they use, which are built from this profile.
  numberForms: readonly Form[];
  /** Language forms tried where a word starts ("March 3"). */
  wordForms: readonly Form[];
}

function noun(one: string, many: string = one, gender: Gender = 'm'): Noun {
  return { one, many, gender };
}

function isOne(numeral: Numeral): boolean {
  return numeral.fraction === '' && withoutLeadingZeros(numeral.digits) === '1';
}

function integerValue(numeral: Numeral): number {
  return Number(withoutLeadingZeros(numeral.digits));
}

function digitByDigit(digits: string, names: readonly string[]): string {
  return [...digits].map((digit) => pick(names, Number(digit))).join(' ');
}

function cardinalOf(profile: Profile, digits: string): string {
  const value = withoutLeadingZeros(digits);
  if (value.length > MAX_CARDINAL_DIGITS) return digitByDigit(value, profile.digitNames);
  return profile.cardinal(groupsFromDigits(value));
}

/** A short fraction is read as a number after its leading zeros ("virgule zéro cinq", "coma catorce"). */
function fractionAsNumber(
  digits: string,
  cardinal: (groups: readonly number[]) => string,
  names: readonly string[],
) {
  const rest = digits.replace(/^0+/, '');
  if (rest.length > 3) return digitByDigit(digits, names);
  const words: string[] = Array.from({ length: digits.length - rest.length }, () => pick(names, 0));
  if (rest) words.push(cardinal(groupsFromDigits(rest)));
  return words.join(' ');
}

function buildAbbreviations(list: readonly (readonly [string, string, string, Partial<Abbreviation>?])[]) {
  const byFirst = new Map<string, Abbreviation[]>();
  for (const [firsts, source, words, options] of list) {
    const entry: Abbreviation = { pattern: sticky(source), words, ...options };
    for (const first of firsts) byFirst.set(first, [...(byFirst.get(first) ?? []), entry]);
  }
  return byFirst;
}

function monthMap(names: readonly (readonly string[])[]): Map<string, number> {
  const months = new Map<string, number>();
  names.forEach((spellings, index) => {
    for (const spelling of spellings) months.set(spelling, index);
  });
  return months;
}

const TITLE_AHEAD = `(?=${S}\\p{Lu})`;
const DIGIT_AHEAD = `(?=${S}?\\d)`;

// prettier-ignore
const EN_MONTHS = [
  ['January', 'Jan'], ['February', 'Feb'], ['March', 'Mar'], ['April', 'Apr'], ['May'], ['June', 'Jun'],
  ['July', 'Jul'], ['August', 'Aug'], ['September', 'Sep', 'Sept'], ['October', 'Oct'], ['November', 'Nov'],
  ['December', 'Dec'],
];
// prettier-ignore
const DE_MONTHS = [
  ['Januar', 'Jänner'], ['Februar'], ['März'], ['April'], ['Mai'], ['Juni'], ['Juli'], ['August'],
  ['September'], ['Oktober'], ['November'], ['Dezember'],
];
// prettier-ignore
const FR_MONTHS = [
  'janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre',
  'décembre',
].map((name) => [name, capitalise(name)]);
// prettier-ignore
const ES_MONTHS = [
  ['enero'], ['febrero'], ['marzo'], ['abril'], ['mayo'], ['junio'], ['julio'], ['agosto'],
  ['septiembre', 'setiembre'], ['octubre'], ['noviembre'], ['diciembre'],
].map((names) => [...names, ...names.map(capitalise)]);

/** The same unit symbols everywhere; each language names them. */
type UnitNames = Readonly<Record<string, Noun>>;

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

const FR_UNITS: UnitNames = {
  km: noun('kilomètre', 'kilomètres'),
  m: noun('mètre', 'mètres'),
  cm: noun('centimètre', 'centimètres'),
  mm: noun('millimètre', 'millimètres'),
  kg: noun('kilogramme', 'kilogrammes'),
  g: noun('gramme', 'grammes'),
  mg: noun('milligramme', 'milligrammes'),
  l: noun('litre', 'litres'),
  ml: noun('millilitre', 'millilitres'),
  'km/h': noun('kilomètre par heure', 'kilomètres par heure'),
  'm/s': noun('mètre par seconde', 'mètres par seconde'),
  mph: noun('mile par heure', 'miles par heure'),
  '°C': noun('degré Celsius', 'degrés Celsius'),
  '°F': noun('degré Fahrenheit', 'degrés Fahrenheit'),
  '°': noun('degré', 'degrés'),
  TB: noun('téraoctet', 'téraoctets'),
  GB: noun('gigaoctet', 'gigaoctets'),
  MB: noun('mégaoctet', 'mégaoctets'),
  kB: noun('kilooctet', 'kilooctets'),
  To: noun('téraoctet', 'téraoctets'),
  Go: noun('gigaoctet', 'gigaoctets'),
  Mo: noun('mégaoctet', 'mégaoctets'),
  ko: noun('kilooctet', 'kilooctets'),
  ms: noun('milliseconde', 'millisecondes', 'f'),
  s: noun('seconde', 'secondes', 'f'),
  min: noun('minute', 'minutes', 'f'),
  h: noun('heure', 'heures', 'f'),
};

const ES_UNITS: UnitNames = {
  km: noun('kilómetro', 'kilómetros'),
  m: noun('metro', 'metros'),
  cm: noun('centímetro', 'centímetros'),
  mm: noun('milímetro', 'milímetros'),
  kg: noun('kilogramo', 'kilogramos'),
  g: noun('gramo', 'gramos'),
  mg: noun('miligramo', 'miligramos'),
  l: noun('litro', 'litros'),
  ml: noun('mililitro', 'mililitros'),
  'km/h': noun('kilómetro por hora', 'kilómetros por hora'),
  'm/s': noun('metro por segundo', 'metros por segundo'),
  mph: noun('milla por hora', 'millas por hora', 'f'),
  '°C': noun('grado Celsius', 'grados Celsius'),
  '°F': noun('grado Fahrenheit', 'grados Fahrenheit'),
  '°': noun('grado', 'grados'),
  TB: noun('terabyte', 'terabytes'),
  GB: noun('gigabyte', 'gigabytes'),
  MB: noun('megabyte', 'megabytes'),
  kB: noun('kilobyte', 'kilobytes'),
  ms: noun('milisegundo', 'milisegundos'),
  s: noun('segundo', 'segundos'),
  min: noun('minuto', 'minutos'),
  h: noun('hora', 'horas', 'f'),
};

/** Other spellings of a unit symbol. */
const UNIT_ALIASES: Readonly<Record<string, string>> = { L: 'l', mL: 'ml', KB: 'kB' };

function unitMap(names: UnitNames): Map<string, Noun> {
  const units = new Map(Object.entries(names));
  for (const [alias, symbol] of Object.entries(UNIT_ALIASES)) {
    const unit = names[symbol];
    if (unit) units.set(alias, unit);
  }
  return units;
}

/** Letters that scale an amount of money: "$5k", "$2.5M", "$3bn", "2,5 M€". */
const SCALE_LETTERS: ReadonlyMap<string, number> = new Map([
  ['k', 3],
  ['K', 3],
  ['m', 6],
  ['M', 6],
  ['mn', 6],
  ['MM', 6],
  ['b', 9],
  ['B', 9],
  ['bn', 9],
  ['Md', 9],
  ['Mds', 9],
  ['tn', 12],
  ['T', 12],
]);

// English ----------------------------------------------------------------------------------

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

const EN: Profile = {
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

// German -----------------------------------------------------------------------------------

const DE: Profile = {
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

// French -----------------------------------------------------------------------------------

const FR_MILLIONS =
  /(?:^|\s)(?:millions?|milliards?|billions?|billiards?|trillions?|trilliards?|quadrillions?)$/;

const FR: Profile = {
  code: 'fr',
  cardinal: frCardinal,
  digitNames: FR_SMALL.slice(0, 10),
  minus: 'moins',
  point: 'virgule',
  fraction: (digits) => fractionAsNumber(digits, frCardinal, FR_SMALL),
  numeral: sticky(String.raw`(\d{1,3}(?:[ \u00a0\u202f]\d{3}(?!\d))+|\d+)(?:,(\d+))?`),
  beforeNoun: (words, gender) => (gender === 'f' && /(?:^|[\s-])un$/.test(words) ? `${words}e` : words),
  isPlural: (numeral, scaled) => scaled || integerValue(numeral) >= 2,
  link: (amount, next) => (FR_MILLIONS.test(amount) ? (/^[aeéèiouy]/i.test(next) ? " d'" : ' de ') : ' '),
  scaled: (numeral, exponent) => {
    const whole = numeral.fraction === '';
    const amount = whole
      ? cardinalOf(FR, numeral.digits).replace(/(vingt|cent)s$/, '$1')
      : quantityWords(FR, numeral);
    if (exponent === 3) return isOne(numeral) ? 'mille' : `${amount} mille`;
    const scale = pick(FR_SCALES, exponent / 3);
    return `${whole ? cardinalOf(FR, numeral.digits) : amount} ${scale}${integerValue(numeral) >= 2 ? 's' : ''}`;
  },
  scaleWords: new Map([
    ['mille', 3],
    ['million', 6],
    ['millions', 6],
    ['milliard', 9],
    ['milliards', 9],
    ['billion', 12],
    ['billions', 12],
  ]),
  percent: noun('pour cent'),
  currencies: {
    USD: { major: noun('dollar', 'dollars'), minor: noun('cent', 'cents') },
    EUR: { major: noun('euro', 'euros'), minor: noun('centime', 'centimes') },
    GBP: { major: noun('livre', 'livres', 'f'), minor: noun('penny', 'pence') },
    JPY: { major: noun('yen', 'yens') },
  },
  withCents: (major, minorWords) => `${major} ${minorWords}`,
  units: unitMap(FR_UNITS),
  perNouns: {
    heure: 'heure',
    jour: 'jour',
    semaine: 'semaine',
    mois: 'mois',
    an: 'an',
    nuit: 'nuit',
    personne: 'personne',
    pièce: 'pièce',
  },
  ordinalSuffix: sticky(`(ers?|res?|ères?|ᵉʳ|ʳᵉ|èmes?|es|e|è|ᵉ|nde?s?|des?)${NO_WORD_AFTER}`),
  ordinal: (digits, suffix) => {
    const plural = suffix.length > 1 && suffix.endsWith('s') ? 's' : '';
    if (suffix.startsWith('nd') || suffix.startsWith('de')) {
      return `${/^n?de/.test(suffix) ? 'seconde' : 'second'}${plural}`;
    }
    return frOrdinal(digits, /^(?:re|ère|ʳᵉ)/.test(suffix)) + plural;
  },
  year: (digits) => cardinalOf(FR, digits),
  yearWords: new Set(),
  monthNames: FR_MONTHS.map((names) => names[0] ?? ''),
  months: monthMap(FR_MONTHS),
  date: (day, month, year) =>
    `${day === 1 ? 'premier' : frBelowHundred(day, true)} ${pick(FR.monthNames, month)}` +
    (year === undefined ? '' : ` ${cardinalOf(FR, year)}`),
  numericDates: true,
  symbols: {
    and: 'et',
    plus: 'plus',
    equals: 'égale',
    times: 'fois',
    by: 'fois',
    about: 'environ',
    to: 'à',
    per: 'par',
    masked: 'finissant par',
  },
  multiplier: (words) => `${words} fois`,
  abbreviations: buildAbbreviations([
    ['pP', `[pP]\\.${S}?ex\\.`, 'par exemple', { followCase: true }],
    ['eE', `[eE]tc\\.`, 'et cetera', { followCase: true, endsSentence: true }],
    ['eE', `[eE]nv\\.`, 'environ', { followCase: true }],
    ['cC', `[cC]\\.-à-d\\.`, "c'est-à-dire", { followCase: true }],
    ['M', `MM\\.${TITLE_AHEAD}`, 'Messieurs'],
    ['M', `M\\.${TITLE_AHEAD}`, 'Monsieur'],
    ['M', `Mme(?![\\p{L}\\p{N}])`, 'Madame'],
    ['M', `Mlle(?![\\p{L}\\p{N}])`, 'Mademoiselle'],
    ['D', `Dr\\.?${TITLE_AHEAD}`, 'docteur'],
    ['nN', `[nN][°º]${DIGIT_AHEAD}`, 'numéro'],
    ['T', `T[ée]l\\.${DIGIT_AHEAD}`, 'téléphone'],
  ]),
  numberForms: [],
  wordForms: [],
};

// Spanish ----------------------------------------------------------------------------------

const ES_MILLIONS = /(?:millón|millones|billón|billones|trillón|trillones|cuatrillón|cuatrillones)$/;

const ES: Profile = {
  code: 'es',
  cardinal: esCardinal,
  digitNames: ES_SMALL.slice(0, 10),
  minus: 'menos',
  point: 'coma',
  fraction: (digits) => fractionAsNumber(digits, esCardinal, ES_SMALL),
  // Not plain spaces: "912 345 678" is far more often a phone number than an amount.
  numeral: sticky(String.raw`(\d{1,3}(?:[.\u00a0\u202f]\d{3}(?!\d))+|\d+)(?:,(\d+))?`),
  beforeNoun: esBeforeNoun,
  isPlural: (numeral, scaled) => scaled || !isOne(numeral),
  link: (amount) => (ES_MILLIONS.test(amount) ? ' de ' : ' '),
  scaled: (numeral, exponent) => {
    const whole = numeral.fraction === '';
    const amount = whole ? esBeforeNoun(cardinalOf(ES, numeral.digits), 'm') : quantityWords(ES, numeral);
    if (exponent === 3) return isOne(numeral) ? 'mil' : `${amount} mil`;
    if (exponent === 9) return isOne(numeral) ? 'mil millones' : `${amount} mil millones`;
    const [one, many] = ES_SCALES[exponent / 6] ?? ['', ''];
    return isOne(numeral) ? `un ${one}` : `${amount} ${many}`;
  },
  scaleWords: new Map([
    ['mil', 3],
    ['millón', 6],
    ['millones', 6],
    ['mil millones', 9],
    ['billón', 12],
    ['billones', 12],
  ]),
  percent: noun('por ciento'),
  currencies: {
    USD: { major: noun('dólar', 'dólares'), minor: noun('centavo', 'centavos') },
    EUR: { major: noun('euro', 'euros'), minor: noun('céntimo', 'céntimos') },
    GBP: { major: noun('libra', 'libras', 'f'), minor: noun('penique', 'peniques') },
    JPY: { major: noun('yen', 'yenes') },
  },
  withCents: (major, minorWords) => `${major} con ${minorWords}`,
  units: unitMap(ES_UNITS),
  perNouns: {
    hora: 'hora',
    día: 'día',
    semana: 'semana',
    mes: 'mes',
    año: 'año',
    noche: 'noche',
    persona: 'persona',
    unidad: 'unidad',
    ud: 'unidad',
  },
  ordinalSuffix: sticky(`(\\.?º|\\.?ª|er)${NO_WORD_AFTER}`),
  ordinal: (digits, suffix) => esOrdinal(digits, suffix.endsWith('ª'), suffix === 'er'),
  year: (digits) => cardinalOf(ES, digits),
  yearWords: new Set(),
  monthNames: ES_MONTHS.map((names) => names[0] ?? ''),
  months: monthMap(ES_MONTHS),
  date: (day, month, year) =>
    `${esBelowHundred(day)} de ${pick(ES.monthNames, month)}` +
    (year === undefined ? '' : ` de ${cardinalOf(ES, year)}`),
  numericDates: true,
  symbols: {
    and: 'y',
    plus: 'más',
    equals: 'igual a',
    times: 'por',
    by: 'por',
    about: 'unos',
    to: 'a',
    per: 'por',
    masked: 'terminado en',
  },
  multiplier: (words, numeral) => (isOne(numeral) ? 'una vez' : `${words} veces`),
  abbreviations: buildAbbreviations([
    ['pP', `[pP]\\.${S}?ej\\.`, 'por ejemplo', { followCase: true }],
    ['eE', `[eE]tc\\.`, 'etcétera', { followCase: true, endsSentence: true }],
    ['E', `EE\\.${S}?UU\\.`, 'Estados Unidos'],
    ['S', `Srta\\.`, 'señorita'],
    ['S', `Sra\\.`, 'señora'],
    ['S', `Sr\\.`, 'señor'],
    ['D', `Dra\\.`, 'doctora'],
    ['D', `Dr\\.`, 'doctor'],
    ['aA', `[aA]prox\\.`, 'aproximadamente', { followCase: true }],
    ['nN', `[nN](?:\\.?º|úm\\.)${DIGIT_AHEAD}`, 'número'],
    ['U', `Uds\\.`, 'ustedes'],
    ['U', `Ud\\.`, 'usted'],
    ['T', `Tel\\.${DIGIT_AHEAD}`, 'teléfono'],
  ]),
  numberForms: [],
  wordForms: [],
};

/** The amount as a quantity: cardinal, then the decimal word and the fraction. */
function quantityWords(profile: Profile, numeral: Numeral): string {
  const whole = cardinalOf(profile, numeral.digits);
  return numeral.fraction ? `${whole} ${profile.point} ${profile.fraction(numeral.fraction)}` : whole;
}

// ---------------------------------------------------------------------------------------------
// The scan

// Where something may start: (1) a URL, e-mail address, hashtag or mention, stepped over whole;
// (2) a word (letters and digits, joined by inner punctuation); (3) a symbol that may be spoken.
const CANDIDATES = new RegExp(
  '(?:[A-Za-z][A-Za-z0-9+.\\-]{0,30}:\\/\\/|www\\.)[^\\s<>"]*' +
    '|[\\p{L}\\p{N}_][\\p{L}\\p{N}_.+\\-]{0,63}@[\\p{L}\\p{N}\\-]+(?:\\.[\\p{L}\\p{N}\\-]+)*' +
    '|[#@][\\p{L}\\p{N}_]+' +
    "|([\\p{L}\\p{N}_]+(?:[.,:/'’\\-–][\\p{L}\\p{N}_]+)*)" +
    "|([$€£¥~≈&+=×\\-−'’*•●])",
  'gu',
);

const WORD_CHAR = /[\p{L}\p{N}_]/uy;
const LEADING_WORD = /^[\p{L}\p{N}]/u;
const TRAILING_WORD = /[\p{L}\p{N}]$/u;
const SENTENCE_END = /\s*$|\s+["“«(]?\p{Lu}/uy;

const SYMBOL_CURRENCIES: Readonly<Record<string, CurrencyCode>> = {
  $: 'USD',
  '€': 'EUR',
  '£': 'GBP',
  '¥': 'JPY',
};
const CODE_CURRENCIES: Readonly<Record<string, CurrencyCode>> = {
  USD: 'USD',
  EUR: 'EUR',
  GBP: 'GBP',
  JPY: 'JPY',
};

function isDigitCode(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isSpaceChar(char: string | undefined): boolean {
  return char === ' ' || char === '\u00a0' || char === '\u202f' || char === '\t';
}

/** Between two years of a list or range: "1999, 2005 and 2025", "from 1990 to 2025". */
const BETWEEN_YEARS = /^(?:,\s*|\s+)(?:(?:and|or|to|through|until|till|und|oder|bis)\s+)?$/;

class Scan {
  readonly #edits: TextEdit[] = [];
  /** Where the last number read as a year ended (-1: none yet). */
  #lastYearEnd = -1;

  readonly patterns: LanguagePatterns;

  constructor(
    readonly text: string,
    readonly profile: Profile,
  ) {
    this.patterns = PATTERNS[profile.code];
  }

  run(): TextEdit[] {
    const candidates = CANDIDATES;
    candidates.lastIndex = 0;
    for (let found = candidates.exec(this.text); found; found = candidates.exec(this.text)) {
      const start = found.index;
      const tokenEnd = start + found[0].length;
      let match: Match | null = null;
      const amount = found[1] === undefined || isDigitCode(this.text.charCodeAt(start));
      if (found[1] !== undefined) {
        match = isDigitCode(this.text.charCodeAt(start))
          ? this.numberAt(start, -1, tokenEnd)
          : this.wordAt(start);
      } else if (found[2] !== undefined) {
        match = this.symbolAt(start);
      }
      if (match && match.end > start && this.#commit(match)) {
        const per = amount ? this.#perUnit(match.end) : null;
        candidates.lastIndex = Math.max(per && this.#commit(per) ? per.end : match.end, start + 1);
      }
    }
    return this.#edits;
  }

  /** "/kg" after an amount or its unit: "per kilogram". */
  #perUnit(at: number): Match | null {
    const found = this.exec(this.patterns.perUnit, at);
    if (!found) return null;
    const token = found[1] ?? '';
    const name = this.profile.units.get(token)?.one ?? this.profile.perNouns[token];
    if (name === undefined) return null;
    const end = at + found[0].length;
    return { end, edits: [this.edit(at, end, ` ${this.profile.symbols.per} ${name}`)] };
  }

  /** Adds a match's edits unless they would break the promise of sorted, separate edits. */
  #commit(match: Match): boolean {
    let at = this.#edits.at(-1)?.end ?? 0;
    for (const edit of match.edits) {
      if (edit.start < at || edit.end < edit.start || edit.end > this.text.length) return false;
      at = edit.end;
    }
    for (const edit of match.edits) {
      const previous = this.#edits.at(-1);
      if (previous && previous.end === edit.start) {
        // Where two edits meet, what is spoken before this one is the other's words, not the source.
        if (previous.text.endsWith(' ') && edit.text.startsWith(' ')) edit.text = edit.text.slice(1);
        else if (TRAILING_WORD.test(previous.text) && LEADING_WORD.test(edit.text))
          edit.text = ` ${edit.text}`;
      }
      this.#edits.push(edit);
    }
    return true;
  }

  // ---- characters

  isWordAt(index: number): boolean {
    if (index < 0 || index >= this.text.length) return false;
    WORD_CHAR.lastIndex = index;
    return WORD_CHAR.test(this.text);
  }

  isWordBefore(index: number): boolean {
    if (index <= 0) return false;
    const low = this.text.charCodeAt(index - 1);
    const start = low >= 0xdc00 && low <= 0xdfff && index >= 2 ? index - 2 : index - 1;
    return this.isWordAt(start);
  }

  #letterAt(index: number): boolean {
    return this.isWordAt(index) && !this.isDigitAt(index);
  }

  isDigitAt(index: number): boolean {
    return isDigitCode(this.text.charCodeAt(index));
  }

  /** Nothing that continues the number follows: no letter or digit, no ".5", ",5", ":5", "/5", "-5". */
  endsCleanly(index: number): boolean {
    if (index >= this.text.length) return true;
    if (this.isWordAt(index)) return false;
    return !('.,:/-–'.includes(this.text.charAt(index)) && this.isDigitAt(index + 1));
  }

  /** A digit (or a spoken amount's end) next to `index`, across at most two spaces. */
  digitNear(index: number, step: 1 | -1): boolean {
    let at = step === 1 ? index : index - 1;
    for (let spaces = 0; spaces < 2 && isSpaceChar(this.text[at]); spaces++) at += step;
    return this.isDigitAt(at) || (step === -1 && this.text[at] === '%');
  }

  /** The word before `start`, lower case, if a space separates them ('' when none or too long). */
  previousWord(start: number): string {
    let end = start;
    while (end > 0 && start - end < 3 && isSpaceChar(this.text[end - 1])) end--;
    if (end === start) return '';
    let begin = end;
    while (begin > 0 && end - begin < 12 && /\p{L}/u.test(this.text.charAt(begin - 1))) begin--;
    if (begin > 0 && /\p{L}/u.test(this.text.charAt(begin - 1))) return '';
    return this.text.slice(begin, end).toLowerCase();
  }

  endsSentence(index: number): boolean {
    SENTENCE_END.lastIndex = index;
    return SENTENCE_END.test(this.text);
  }

  /** An edit whose words do not run into the letters around it. */
  edit(start: number, end: number, words: string): TextEdit {
    let text = words;
    if (this.isWordBefore(start) && LEADING_WORD.test(text)) text = ` ${text}`;
    if (this.isWordAt(end) && TRAILING_WORD.test(text)) text = `${text} `;
    return { start, end, text };
  }

  exec(pattern: RegExp, at: number): RegExpExecArray | null {
    pattern.lastIndex = at;
    return pattern.exec(this.text);
  }

  numeral(at: number): Numeral | null {
    const found = this.exec(this.profile.numeral, at);
    if (!found) return null;
    const whole = found[1] ?? '';
    const digits = whole.replace(/\D/g, '');
    return {
      end: at + found[0].length,
      digits,
      fraction: found[2] ?? '',
      grouped: digits.length !== whole.length,
    };
  }

  // ---- numbers

  /** A number at `at` (a sign at `signAt`, or -1); `tokenEnd` is where the word that holds it ends. */
  numberAt(at: number, signAt: number, tokenEnd: number): Match | null {
    if (signAt < 0) {
      for (const form of WHOLE_FORMS) {
        const match = form(this, at);
        if (match) return match;
      }
      for (const form of this.profile.numberForms) {
        const match = form(this, at);
        if (match) return match;
      }
    }
    const numeral = this.numeral(at);
    if (!numeral) return null;
    const match = this.#amount(signAt >= 0 ? signAt : at, numeral, signAt >= 0);
    // A malformed number is left alone as a whole, so that a tail such as the "3" of "1.2.3" is not read.
    return match ?? (signAt >= 0 ? null : { end: Math.max(tokenEnd, numeral.end), edits: [] });
  }

  #amount(first: number, numeral: Numeral, negative: boolean): Match | null {
    return (
      this.#currencyAfter(first, numeral, negative) ??
      this.#scaledQuantity(first, numeral, negative) ??
      this.#percent(first, numeral, negative) ??
      (negative ? null : this.#ordinal(first, numeral)) ??
      (negative ? null : this.#multiplied(first, numeral)) ??
      this.#unit(first, numeral, negative) ??
      (negative ? null : this.#range(first, numeral)) ??
      this.#plain(first, numeral, negative)
    );
  }

  signed(words: string, negative: boolean): string {
    return negative ? `${this.profile.minus} ${words}` : words;
  }

  /** An amount before a noun: agreement of "one", and plural or singular. */
  nounPhrase(numeral: Numeral, item: Noun, scaled = false): { amount: string; noun: string } {
    const { profile } = this;
    const amount =
      numeral.fraction === ''
        ? profile.beforeNoun(cardinalOf(profile, numeral.digits), item.gender)
        : quantityWords(profile, numeral);
    const name = profile.isPlural(numeral, scaled) ? item.many : item.one;
    return { amount, noun: name };
  }

  joined(amount: string, name: string): string {
    return `${amount}${this.profile.link(amount, name)}${name}`;
  }

  money(numeral: Numeral, code: CurrencyCode, exponent: number | undefined, negative: boolean): string {
    const { profile } = this;
    const currency = profile.currencies[code];
    if (exponent !== undefined) {
      const amount = profile.scaled(numeral, exponent);
      return this.signed(
        this.joined(amount, profile.isPlural(numeral, true) ? currency.major.many : currency.major.one),
        negative,
      );
    }
    if (numeral.fraction.length === 2 && currency.minor) {
      const whole: Numeral = { ...numeral, fraction: '' };
      const cents: Numeral = { ...numeral, digits: numeral.fraction, fraction: '' };
      const major = this.nounPhrase(whole, currency.major);
      const minor = this.nounPhrase(cents, currency.minor);
      const majorPhrase = this.joined(major.amount, major.noun);
      const minorPhrase = this.joined(minor.amount, minor.noun);
      const noMajor = /^0+$/.test(whole.digits);
      const noMinor = /^0+$/.test(cents.digits);
      let words = profile.withCents(majorPhrase, cardinalOf(profile, cents.digits), minorPhrase);
      if (noMinor) words = majorPhrase;
      else if (noMajor) words = minorPhrase;
      return this.signed(words, negative);
    }
    const phrase = this.nounPhrase(numeral, currency.major);
    return this.signed(this.joined(phrase.amount, phrase.noun), negative);
  }

  #currencyAfter(first: number, numeral: Numeral, negative: boolean): Match | null {
    const found = this.exec(this.patterns.currencyAfter, numeral.end);
    if (!found) return null;
    const end = numeral.end + found[0].length;
    if (!this.endsCleanly(end)) return null;
    const code = SYMBOL_CURRENCIES[found[2] ?? ''] ?? CODE_CURRENCIES[found[3] ?? ''];
    if (!code) return null;
    const scale = found[1] === undefined ? undefined : scaleExponent(this.profile, found[1]);
    return { end, edits: [this.edit(first, end, this.money(numeral, code, scale, negative))] };
  }

  #scaledQuantity(first: number, numeral: Numeral, negative: boolean): Match | null {
    const found = this.exec(this.patterns.scaleWord, numeral.end);
    if (!found) return null;
    const exponent = this.profile.scaleWords.get(found[1] ?? '');
    if (exponent === undefined) return null;
    const end = numeral.end + found[0].length;
    return {
      end,
      edits: [this.edit(first, end, this.signed(this.profile.scaled(numeral, exponent), negative))],
    };
  }

  #percent(first: number, numeral: Numeral, negative: boolean): Match | null {
    const found = this.exec(PERCENT, numeral.end);
    if (!found) return null;
    const end = numeral.end + found[0].length;
    const { amount, noun: name } = this.nounPhrase(numeral, this.profile.percent);
    return {
      end,
      edits: [this.edit(first, numeral.end, this.signed(amount, negative)), this.edit(end - 1, end, name)],
    };
  }

  #ordinal(first: number, numeral: Numeral): Match | null {
    const { profile } = this;
    if (!profile.ordinalSuffix || !profile.ordinal || numeral.fraction) return null;
    const found = this.exec(profile.ordinalSuffix, numeral.end);
    if (!found) return null;
    const end = numeral.end + found[0].length;
    return { end, edits: [this.edit(first, end, profile.ordinal(numeral.digits, found[1] ?? ''))] };
  }

  /** "2x" is "two times"; the "x" of "3x4" is left to the word scan ("by"). */
  #multiplied(first: number, numeral: Numeral): Match | null {
    const sign = this.text.charAt(numeral.end);
    if (sign !== 'x' && sign !== '×') return null;
    const words = this.plainWords(numeral);
    if (this.digitNear(numeral.end + 1, 1)) {
      return { end: numeral.end, edits: [this.edit(first, numeral.end, words)] };
    }
    if (this.isWordAt(numeral.end + 1)) return null;
    const end = numeral.end + 1;
    return { end, edits: [this.edit(first, end, this.profile.multiplier(words, numeral))] };
  }

  #unit(first: number, numeral: Numeral, negative: boolean): Match | null {
    const found = this.exec(this.patterns.unit, numeral.end);
    if (!found) return null;
    const unit = this.profile.units.get((found[2] ?? '').replace(/[ \u00a0\u202f]/g, ''));
    if (!unit) return null;
    const unitStart = numeral.end + (found[1] ?? '').length;
    const end = numeral.end + found[0].length;
    const { amount, noun: name } = this.nounPhrase(numeral, unit);
    const link = this.profile.link(amount, name).trim();
    return {
      end,
      edits: [
        this.edit(first, numeral.end, this.signed(amount, negative)),
        this.edit(unitStart, end, link ? `${link}${link.endsWith("'") ? '' : ' '}${name}` : name),
      ],
    };
  }

  /** "10-20" is "ten to twenty"; the second number is read by the scan, with whatever follows it. */
  #range(first: number, numeral: Numeral): Match | null {
    const dash = this.text.charAt(numeral.end);
    if ((dash !== '-' && dash !== '–') || !this.isDigitAt(numeral.end + 1)) return null;
    const second = this.numeral(numeral.end + 1);
    if (!second || (second.digits.length > 1 && second.digits.startsWith('0'))) return null;
    const shortYear = second.digits.length === 2 && !second.fraction; // "2023-24"
    const years = isYearLike(numeral) && (isYearLike(second) || shortYear);
    const words = years ? this.profile.year(numeral.digits) : this.plainWords(numeral);
    const end = numeral.end + 1;
    return {
      end,
      edits: [
        this.edit(first, numeral.end, words),
        this.edit(numeral.end, end, ` ${this.profile.symbols.to} `),
      ],
    };
  }

  #plain(first: number, numeral: Numeral, negative: boolean): Match | null {
    if (!this.endsCleanly(numeral.end)) return null;
    const year = !negative && this.isYear(first, numeral);
    if (year) this.#lastYearEnd = numeral.end;
    const words = year ? this.profile.year(numeral.digits) : this.plainWords(numeral);
    return { end: numeral.end, edits: [this.edit(first, numeral.end, this.signed(words, negative))] };
  }

  /** Identifiers (leading zero, very long) digit by digit; amounts as numbers. */
  plainWords(numeral: Numeral): string {
    const { digits } = numeral;
    if (
      !numeral.grouped &&
      (digits.length > MAX_PLAIN_DIGITS || (digits.length > 1 && digits.startsWith('0')))
    ) {
      const spoken = digitByDigit(digits, this.profile.digitNames);
      return numeral.fraction
        ? `${spoken} ${this.profile.point} ${this.profile.fraction(numeral.fraction)}`
        : spoken;
    }
    return quantityWords(this.profile, numeral);
  }

  /** A year: after "in", "since" and the like, or on either side of a range of years. */
  isYear(start: number, numeral: Numeral): boolean {
    if (!isYearLike(numeral)) return false;
    if (this.profile.yearWords.has(this.previousWord(start))) return true;
    if (/(?:^|\s)[QH][1-4]\s$/.test(this.text.slice(Math.max(0, start - 4), start))) return true; // "Q3 2024"
    if (this.#lastYearEnd >= 0 && start - this.#lastYearEnd <= 10) {
      if (BETWEEN_YEARS.test(this.text.slice(this.#lastYearEnd, start))) return true;
    }
    const dash = this.text.charAt(start - 1);
    if (dash !== '-' && dash !== '–') return false;
    const before = this.text.slice(Math.max(0, start - 5), start - 1);
    return /^\d{4}$/.test(before) && !this.isDigitAt(start - 6) && isYearLike({ ...numeral, digits: before });
  }

  // ---- words and symbols

  wordAt(at: number): Match | null {
    const text = this.text;
    const first = text.charAt(at);
    if (first === 'x' && this.digitNear(at, -1) && this.digitNear(at + 1, 1)) {
      return { end: at + 1, edits: [this.edit(at, at + 1, this.profile.symbols.by)] };
    }
    for (const abbreviation of this.profile.abbreviations.get(first) ?? []) {
      const found = this.exec(abbreviation.pattern, at);
      // Whole tokens only: "etc.x" is not "etc." (a digit may follow, as in "No.5").
      if (found && !this.#letterAt(at + found[0].length)) {
        return this.#abbreviation(at, found[0], abbreviation);
      }
    }
    for (const form of this.profile.wordForms) {
      const match = form(this, at);
      if (match) return match;
    }
    return null;
  }

  #abbreviation(at: number, source: string, abbreviation: Abbreviation): Match {
    let end = at + source.length;
    const words =
      abbreviation.followCase && isUpperCase(source.charAt(0))
        ? capitalise(abbreviation.words)
        : abbreviation.words;
    const match: Match = { end, edits: [] };
    // A period that also ends the sentence stays, so the sentence still ends.
    if (abbreviation.endsSentence && source.endsWith('.') && this.endsSentence(end)) end -= 1;
    match.edits.push(this.edit(at, end, words));
    return match;
  }

  symbolAt(at: number): Match | null {
    const char = this.text.charAt(at);
    const { symbols } = this.profile;
    switch (char) {
      case '$':
      case '€':
      case '£':
      case '¥':
        return this.currencyBefore(at, at, false);
      case '-':
      case '−':
        return this.#sign(at);
      case '~':
      case '≈':
        return this.#opensAmount(at) && this.digitNear(at + 1, 1)
          ? { end: at + 1, edits: [this.edit(at, at + 1, symbols.about)] }
          : null;
      case '&':
        return this.#ampersand(at);
      case '+':
        return this.#phone(at) ?? this.#between(at, symbols.plus);
      case '=':
        return this.#equals(at);
      case '×':
        return this.#between(at, symbols.times);
      case '*':
      case '•':
      case '●':
        return this.#masked(at);
      default:
        return this.profile.code === 'en' ? this.#shortDecade(at) : null;
    }
  }

  /** "**** **** 1234": the mask is not read out, the digits shown are, one by one. */
  #masked(at: number): Match | null {
    if (!this.#opensAmount(at)) return null;
    const found = this.exec(MASKED_DIGITS, at);
    if (!found) return null;
    const digitsStart = at + found[0].length - (found[1] ?? '').length;
    const end = at + found[0].length;
    const digits = digitByDigit(found[1] ?? '', this.profile.digitNames);
    const { masked } = this.profile.symbols;
    // "ending ****1234" says it already.
    const said = masked.split(' ').includes(this.previousWord(at));
    return {
      end,
      edits: [this.edit(at, digitsStart, said ? '' : `${masked} `), this.edit(digitsStart, end, digits)],
    };
  }

  /** Before `at` is the start, a space or an opening bracket: what follows begins an amount. */
  #opensAmount(at: number): boolean {
    return at === 0 || /[\s([{"“„«'‘/]/u.test(this.text.charAt(at - 1));
  }

  #sign(at: number): Match | null {
    if (!this.#opensAmount(at)) return null;
    if (this.isDigitAt(at + 1)) return this.numberAt(at + 1, at, at + 1);
    if (this.text.charAt(at + 1) in SYMBOL_CURRENCIES && this.isDigitAt(at + 2)) {
      return this.currencyBefore(at + 1, at, true);
    }
    return null;
  }

  /** "$5", "€ 2,50", "$5-10", "$2.5M", "$3 billion". */
  currencyBefore(at: number, first: number, negative: boolean): Match | null {
    const opening = this.exec(CURRENCY_OPENING, at);
    if (!opening) return null;
    const code = SYMBOL_CURRENCIES[opening[1] ?? ''];
    const minus = opening[2] !== undefined;
    const numeral = this.numeral(at + opening[0].length);
    if (!code || !numeral) return null;
    let end = numeral.end;
    let upper: Numeral | null = null;
    const dash = this.exec(RANGE_DASH, end);
    if (dash) {
      upper = this.numeral(end + dash[0].length);
      if (upper) end = upper.end;
    }
    const scale = this.exec(this.patterns.currencyScale, end);
    let exponent: number | undefined;
    if (scale) {
      exponent = scaleExponent(this.profile, scale[1] ?? scale[2] ?? '');
      end += scale[0].length;
    }
    if (!this.endsCleanly(end)) return null;
    const sign = negative || minus;
    const words = upper
      ? `${this.#scaledOrPlain(numeral, exponent)} ${this.profile.symbols.to} ${this.money(upper, code, exponent, false)}`
      : this.money(numeral, code, exponent, false);
    return { end, edits: [this.edit(first, end, this.signed(words, sign))] };
  }

  #scaledOrPlain(numeral: Numeral, exponent: number | undefined): string {
    return exponent === undefined
      ? quantityWords(this.profile, numeral)
      : this.profile.scaled(numeral, exponent);
  }

  #ampersand(at: number): Match | null {
    const text = this.text;
    if (/^&#?[A-Za-z0-9]{1,10};/.test(text.slice(at, at + 13))) return null;
    const wordBefore = this.isWordBefore(at) || (isSpaceChar(text[at - 1]) && this.isWordBefore(at - 1));
    const wordAfter = this.isWordAt(at + 1) || (isSpaceChar(text[at + 1]) && this.isWordAt(at + 2));
    if (!wordBefore || !wordAfter) return null;
    return { end: at + 1, edits: [this.edit(at, at + 1, this.profile.symbols.and)] };
  }

  #between(at: number, words: string): Match | null {
    if (!this.digitNear(at, -1) || !this.digitNear(at + 1, 1)) return null;
    return { end: at + 1, edits: [this.edit(at, at + 1, words)] };
  }

  #equals(at: number): Match | null {
    const text = this.text;
    if ('=<>!:'.includes(text.charAt(at - 1) || ' ') || '=>'.includes(text.charAt(at + 1) || ' '))
      return null;
    if (!this.digitNear(at, -1) && !this.digitNear(at + 1, 1)) return null;
    return { end: at + 1, edits: [this.edit(at, at + 1, this.profile.symbols.equals)] };
  }

  /** "+1 555 123 4567": an international phone number, digit by digit in groups. */
  #phone(at: number): Match | null {
    if (this.digitNear(at, -1) || !this.#opensAmount(at)) return null;
    const found = this.exec(PHONE, at);
    if (!found) return null;
    const end = at + found[0].length;
    const groups = found[0]
      .slice(1)
      .split(/[ \u00a0-]/)
      .map((group) => digitByDigit(group, this.profile.digitNames));
    return { end, edits: [this.edit(at, end, `${this.profile.symbols.plus} ${groups.join(', ')}`)] };
  }

  /** "'90s": "nineties". */
  #shortDecade(at: number): Match | null {
    const found = this.exec(SHORT_DECADE, at);
    if (!found) return null;
    const end = at + found[0].length;
    return { end, edits: [this.edit(at, end, enPlural(enBelowHundred(Number(found[1]))))] };
  }
}

function isYearLike(numeral: Numeral): boolean {
  const value = Number(numeral.digits);
  return (
    !numeral.grouped && !numeral.fraction && numeral.digits.length === 4 && value >= 1100 && value <= 2099
  );
}

// Groups of at least three mask characters, then the digits left showing.
const MASKED_DIGITS = sticky(`(?:[*•●]{3,}[${S.slice(1, -1)}-]?)+(\\d{2,6})${NO_WORD_AFTER}`);
const PERCENT = sticky(`${S}?%`);
const CURRENCY_OPENING = sticky(`([$€£¥])${S}?([-−])?(?=\\d)`);
const RANGE_DASH = sticky('[-–][$€£¥]?(?=\\d)');
const PHONE = sticky(`\\+\\d{1,3}(?:[ \\u00a0-]\\d{1,5}){2,6}${NO_WORD_AFTER}`);
const SHORT_DECADE = sticky(`['’]([1-9]0)s${NO_WORD_AFTER}`);

function scaleExponent(profile: Profile, token: string): number | undefined {
  return SCALE_LETTERS.get(token) ?? profile.scaleWords.get(token);
}

/** The sticky patterns that depend on a language, built once. */
interface LanguagePatterns {
  /** Between a number and a currency after it: 1 = scale, 2 = symbol, 3 = ISO code. */
  currencyAfter: RegExp;
  /** Right after the amount of "$2.5M" or "$3 billion": 1 = letters, 2 = word. */
  currencyScale: RegExp;
  /** A scale word after a number: "5 Mio.", "3 million". */
  scaleWord: RegExp;
  /** 1 = space before the unit, 2 = the unit. */
  unit: RegExp;
  /** Right after an amount or a unit, "/kg", "/month": 1 = the unit. */
  perUnit: RegExp;
}

function languagePatterns(profile: Profile): LanguagePatterns {
  const words = alternation(profile.scaleWords.keys());
  const letters = alternation(SCALE_LETTERS.keys());
  const codes = alternation(Object.keys(CODE_CURRENCIES));
  const units = alternation([...profile.units.keys()].filter((symbol) => !symbol.startsWith('°')));
  return {
    currencyAfter: sticky(`${S}?(?:(${words}|${letters})${S}?)?(?:([$€£¥])|(${codes})${NO_WORD_AFTER})`),
    currencyScale: sticky(`(?:(${letters})|${S}(${words}))(?![\\p{L}\\p{N}])`),
    scaleWord: sticky(`${S}?(${words})(?![\\p{L}\\p{N}])`),
    unit: sticky(`(${S}?)(°${S}?[CF]|°|${units})(?![\\p{L}\\p{N}])`),
    perUnit: sticky(
      `/(${alternation([...profile.units.keys(), ...Object.keys(profile.perNouns)])})(?![\\p{L}\\p{N}/])`,
    ),
  };
}

function monthPattern(profile: Profile): string {
  return `(${alternation(profile.months.keys())})(?![\\p{L}\\p{N}])`;
}

// ---------------------------------------------------------------------------------------------
// Forms tried where a number starts, before it is read as an amount

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

const WHOLE_FORMS: readonly Form[] = [
  hexLiteral,
  phoneAfterWord,
  ipAddress,
  isoDate,
  numericDate,
  digitGroups,
];

// English forms ------------------------------------------------------------------------------

// A dash between two times ("7:00-21:00", "9am–5pm") is a range.
const CLOCK_DASH = sticky(`${S}?[-–]${S}?(?=\\d)`);

/** A time ends cleanly, or at the dash of a range (which clockRange then reads). */
function endsClock(scan: Scan, end: number): boolean {
  return scan.endsCleanly(end) || scan.exec(CLOCK_DASH, end) !== null;
}

/** A language's clock, and "7:00-21:00" read as one time "to" another. */
function clockRange(clock: Form): Form {
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

// German forms -------------------------------------------------------------------------------

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

// French forms -------------------------------------------------------------------------------

const FR_FIRST_OF_MONTH = sticky(`1(er|ᵉʳ)?(?=${S}${monthPattern(FR)})`);
const FR_CLOCK = sticky(`(\\d{1,2})(?:${S}?h(?:${S}?(\\d{2}))?|:(\\d{2}))(?![\\p{L}\\p{N}])`);

/** "1 mars" and "1er mars" are "premier mars"; other days are cardinals, as said. */
function frFirstOfMonth(scan: Scan, at: number): Match | null {
  const found = scan.exec(FR_FIRST_OF_MONTH, at);
  if (!found) return null;
  const end = at + found[0].length;
  return { end, edits: [scan.edit(at, end, 'premier')] };
}

/** "14h30", "14 h 30", "14:30": "quatorze heures trente". */
function frClock(scan: Scan, at: number): Match | null {
  const found = scan.exec(FR_CLOCK, at);
  if (!found) return null;
  const [whole, hourDigits = '', hMinutes, colonMinutes] = found;
  const hour = Number(hourDigits);
  const minuteDigits = hMinutes ?? colonMinutes;
  const minute = Number(minuteDigits ?? 0);
  if (minuteDigits !== undefined && (hour > 24 || minute > 59)) return null;
  const end = at + whole.length;
  if (!endsClock(scan, end)) return null;
  const hours = `${FR.beforeNoun(frBelowHundred(hour, true), 'f')} ${hour >= 2 ? 'heures' : 'heure'}`;
  return { end, edits: [scan.edit(at, end, minute ? `${hours} ${frBelowHundred(minute, true)}` : hours)] };
}

FR.numberForms = [frFirstOfMonth, clockRange(frClock)];

// Spanish forms ------------------------------------------------------------------------------

const ES_CLOCK = sticky(`(\\d{1,2}):(\\d{2})(?!\\d)(${S}?h(?![\\p{L}\\p{N}]))?`);

/** "14:30": "catorce treinta"; "9:05": "nueve cero cinco"; "14:00 h": "catorce horas". */
function esClock(scan: Scan, at: number): Match | null {
  const found = scan.exec(ES_CLOCK, at);
  if (!found) return null;
  const [whole, hourDigits = '', minuteDigits = '', suffix] = found;
  const hour = Number(hourDigits);
  const minute = Number(minuteDigits);
  const end = at + whole.length;
  if (hour > 24 || minute > 59 || !endsClock(scan, end)) return null;
  const hourWords = esBeforeNoun(esBelowHundred(hour), 'f');
  let words = hourWords;
  if (minute) words = `${hourWords} ${minute < 10 ? 'cero ' : ''}${esBelowHundred(minute)}`;
  else if (suffix !== undefined) words = `${hourWords} ${hour === 1 ? 'hora' : 'horas'}`;
  return { end, edits: [scan.edit(at, end, words)] };
}

ES.numberForms = [clockRange(esClock)];

// ---------------------------------------------------------------------------------------------
// Public API

const PROFILES: Readonly<Record<NumberLanguage, Profile>> = { en: EN, de: DE, fr: FR, es: ES };
const PATTERNS: Readonly<Record<NumberLanguage, LanguagePatterns>> = {
  en: languagePatterns(EN),
  de: languagePatterns(DE),
  fr: languagePatterns(FR),
  es: languagePatterns(ES),
};

function profileFor(language: string): Profile | undefined {
  const code = language.toLowerCase().split(/[-_]/)[0] ?? '';
  return (NUMBER_LANGUAGES as readonly string[]).includes(code)
    ? PROFILES[code as NumberLanguage]
    : undefined;
}

/** Edits that spell out numbers, currency, percentages, ordinals, dates, times, units and common abbreviations in `text`, read as `language` (ISO 639-1). Languages not covered get no edits. */
export function numberEdits(text: string, language: string): TextEdit[] {
  const profile = profileFor(language);
  if (!profile || text.length === 0) return [];
  return new Scan(text, profile).run();
}

/** The words for an integer (exported for tests and reuse). */
export function integerWords(value: bigint | number, language: NumberLanguage): string {
  if (typeof value === 'number' && !Number.isInteger(value))
    throw new RangeError(`${value} is not an integer`);
  const big = BigInt(value);
  const profile = PROFILES[language];
  const words = cardinalOf(profile, (big < 0n ? -big : big).toString());
  return big < 0n ? `${profile.minus} ${words}` : words;
}
