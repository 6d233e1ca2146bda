// Spanish: its number words, its profile (months, units, abbreviations, how amounts and dates are
// said) and its forms ("14:30", "14:00 h").

import { clockRange, endsClock } from './forms';
import {
  DIGIT_AHEAD,
  NO_WORD_AFTER,
  S,
  buildAbbreviations,
  capitalise,
  cardinalOf,
  fractionAsNumber,
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
// Profile

// prettier-ignore
const ES_MONTHS = [
  ['enero'], ['febrero'], ['marzo'], ['abril'], ['mayo'], ['junio'], ['julio'], ['agosto'],
  ['septiembre', 'setiembre'], ['octubre'], ['noviembre'], ['diciembre'],
].map((names) => [...names, ...names.map(capitalise)]);

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

const ES_MILLIONS = /(?:millón|millones|billón|billones|trillón|trillones|cuatrillón|cuatrillones)$/;

export const ES: Profile = {
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

// ---------------------------------------------------------------------------------------------
// Forms tried where a number starts

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
