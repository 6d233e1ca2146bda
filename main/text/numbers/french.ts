// French: its number words, its profile (months, units, abbreviations, how amounts and dates are
// said) and its forms ("1er mars", "14h30").

import { clockRange, endsClock, monthPattern } from './forms';
import {
  DIGIT_AHEAD,
  NO_WORD_AFTER,
  S,
  TITLE_AHEAD,
  buildAbbreviations,
  capitalise,
  cardinalOf,
  fractionAsNumber,
  groupsFromDigits,
  integerValue,
  isOne,
  monthMap,
  noun,
  pick,
  quantityWords,
  sticky,
  unitMap,
  withoutLeadingZeros,
} from './helpers';
import type { Match, Profile, Scan, UnitNames } from './types';

// ---------------------------------------------------------------------------------------------
// Words

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
// Profile

// prettier-ignore
const FR_MONTHS = [
  'janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre',
  'décembre',
].map((name) => [name, capitalise(name)]);

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

const FR_MILLIONS =
  /(?:^|\s)(?:millions?|milliards?|billions?|billiards?|trillions?|trilliards?|quadrillions?)$/;

export const FR: Profile = {
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

// ---------------------------------------------------------------------------------------------
// Forms tried where a number starts

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
