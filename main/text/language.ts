// Finds which language each paragraph of a text is in, so that each can be read with a voice for it.
// Scripts that belong to one language decide on their own; for the others (Latin, Cyrillic, Arabic,
// Devanagari) franc guesses from letter trigrams, which needs a few dozen letters to be any good.
import { francAll } from 'franc';

/**
 * A stretch of text in one language: [start, end) offsets into the text given, language ISO 639-1
 * ('en', 'de', …).
 */
export interface LanguageRun {
  start: number;
  end: number;
  language: string;
  /** Some paragraph of it was told by its script or words; false: all assumed (short, or unclear). */
  told: boolean;
}

// franc looks at 2,048 characters at most; a longer sample would only cost time.
const SAMPLE_LENGTH = 2000;
// Below this many letters trigram guesses are mostly noise.
const MIN_LETTERS = 40;
// A lone "π" or "中" in a formula or a list is not a paragraph in Greek or Chinese.
const MIN_SCRIPT_LETTERS = 2;
// Hard-wrapped text breaks its lines well before this; longer lines are paragraphs of their own.
const LONG_LINE = 100;
// How far behind franc's best guess another language is, as a share of how far behind the typical
// candidate is (franc's own scores crowd together as samples grow). A language this close to the
// best is a tie, and a tie goes to the language already being read.
const TIE = 0.15;
// How far ahead the best must be to leave a language that franc cannot name, or one it confuses
// with the best (Croatian and Serbian, Indonesian and Malay).
const DECISIVE = 0.35;

// ISO 639-3 (as franc names languages) → ISO 639-1, for the languages that have a 639-1 code.
const ISO_639_1: Readonly<Record<string, string>> = {
  amh: 'am',
  arb: 'ar',
  azj: 'az',
  bel: 'be',
  ben: 'bn',
  bos: 'bs',
  bul: 'bg',
  ces: 'cs',
  ckb: 'ku',
  cmn: 'zh',
  dan: 'da',
  deu: 'de',
  ell: 'el',
  eng: 'en',
  fin: 'fi',
  fra: 'fr',
  fuv: 'ff',
  guj: 'gu',
  hau: 'ha',
  heb: 'he',
  hin: 'hi',
  hrv: 'hr',
  hun: 'hu',
  hye: 'hy',
  ibo: 'ig',
  ind: 'id',
  ita: 'it',
  jav: 'jv',
  jpn: 'ja',
  kan: 'kn',
  kat: 'ka',
  kaz: 'kk',
  kin: 'rw',
  koi: 'kv',
  kor: 'ko',
  lin: 'ln',
  mal: 'ml',
  mar: 'mr',
  mya: 'my',
  nld: 'nl',
  nob: 'nb',
  npi: 'ne',
  nya: 'ny',
  pan: 'pa',
  pbu: 'ps',
  pes: 'fa',
  plt: 'mg',
  pol: 'pl',
  por: 'pt',
  qug: 'qu',
  ron: 'ro',
  rus: 'ru',
  run: 'rn',
  sin: 'si',
  slk: 'sk',
  som: 'so',
  spa: 'es',
  srp: 'sr',
  sun: 'su',
  swe: 'sv',
  swh: 'sw',
  tam: 'ta',
  tel: 'te',
  tgl: 'tl',
  tha: 'th',
  tur: 'tr',
  ukr: 'uk',
  urd: 'ur',
  uzn: 'uz',
  vie: 'vi',
  yor: 'yo',
  zlm: 'ms',
  zul: 'zu',
  zyb: 'za',
};

/** ISO 639-1 for a franc code, or undefined. */
export function fromIso6393(code: string): string | undefined {
  return Object.hasOwn(ISO_639_1, code) ? ISO_639_1[code] : undefined;
}

// The languages franc may name: ones both the offline voice and ElevenLabs speak. Languages outside
// this list come out as a neighbour, and are handled as languages franc cannot name, below. Bosnian
// is left out: franc cannot tell it from Croatian and Serbian, and those voices read it well.
const LATIN_CANDIDATES = new Set([
  'eng',
  'deu',
  'fra',
  'spa',
  'ita',
  'por',
  'nld',
  'pol',
  'swe',
  'dan',
  'nob',
  'fin',
  'ces',
  'slk',
  'ron',
  'hun',
  'hrv',
  'srp',
  'tur',
  'ind',
  'zlm',
  'vie',
  'swh',
  'azj',
]);
const CANDIDATES = [
  ...LATIN_CANDIDATES,
  ...['rus', 'ukr', 'bul', 'bel', 'arb', 'urd', 'pes', 'hin', 'mar', 'npi'],
];
const CANDIDATE_LANGUAGES = new Map(CANDIDATES.map((code) => [fromIso6393(code) as string, code]));

// Languages franc takes one for the other; the one already being read keeps going.
const LOOK_ALIKES: Readonly<Record<string, readonly string[]>> = {
  da: ['sv', 'nb'],
  nb: ['sv', 'da'],
  no: ['sv', 'da'],
  nn: ['sv', 'da'],
  sk: ['cs'],
  hr: ['sr'],
  sr: ['hr'],
  bs: ['hr', 'sr'],
  id: ['ms'],
  ms: ['id'],
};

// Scripts written for one language only (or one above all others).
const SCRIPT_LANGUAGES: ReadonlyArray<readonly [RegExp, string]> = [
  [/\p{sc=Hangul}/gu, 'ko'],
  [/\p{sc=Greek}/gu, 'el'],
  [/\p{sc=Hebrew}/gu, 'he'],
  [/\p{sc=Thai}/gu, 'th'],
  [/\p{sc=Armenian}/gu, 'hy'],
  [/\p{sc=Ethiopic}/gu, 'am'],
  [/\p{sc=Georgian}/gu, 'ka'],
  [/\p{sc=Bengali}/gu, 'bn'],
  [/\p{sc=Gurmukhi}/gu, 'pa'],
  [/\p{sc=Gujarati}/gu, 'gu'],
  [/\p{sc=Tamil}/gu, 'ta'],
  [/\p{sc=Telugu}/gu, 'te'],
  [/\p{sc=Kannada}/gu, 'kn'],
  [/\p{sc=Malayalam}/gu, 'ml'],
  [/\p{sc=Sinhala}/gu, 'si'],
  [/\p{sc=Myanmar}/gu, 'my'],
];
/** Every language languageRuns may name (each needs an offline voice: speakable-reading.test.ts). */
export const DETECTABLE_LANGUAGES: readonly string[] = [
  ...CANDIDATE_LANGUAGES.keys(),
  ...SCRIPT_LANGUAGES.map(([, language]) => language),
  'ja',
  'zh',
];
const KANA = /[\p{sc=Hiragana}\p{sc=Katakana}]/gu;
const HAN = /\p{sc=Han}/gu;
// Any letter of the scripts above: most paragraphs have none, and skip the counting.
const SCRIPT_DECIDED = new RegExp(
  [...SCRIPT_LANGUAGES.map(([script]) => script.source), KANA.source, HAN.source].join('|'),
  'u',
);
const LETTER = /\p{L}/gu;
// Letters with their marks: Indic vowel signs are marks, and count as much as Latin vowels.
const ENOUGH_LETTERS = new RegExp(`^(?:[^\\p{L}\\p{M}]*[\\p{L}\\p{M}]){${MIN_LETTERS}}`, 'u');
const WHITESPACE = /\s/u;

function count(text: string, pattern: RegExp): number {
  return text.match(pattern)?.length ?? 0;
}

/**
 * The language the script of `sample` tells, if its letters are mostly of a script that does; undefined
 * when they are mostly of a script franc has to look at more closely.
 */
function languageByScript(sample: string, context: string): string | undefined {
  if (!SCRIPT_DECIDED.test(sample)) return undefined;
  const kana = count(sample, KANA);
  const cjk = kana + count(sample, HAN);
  // Japanese mixes kana with Chinese characters; Chinese has no kana.
  let best: [number, string] = [cjk, kana * 10 >= cjk || context === 'ja' ? 'ja' : 'zh'];
  let scriptLetters = cjk;
  for (const [script, language] of SCRIPT_LANGUAGES) {
    const letters = count(sample, script);
    scriptLetters += letters;
    if (letters > best[0]) best = [letters, language];
  }
  const otherLetters = count(sample, LETTER) - scriptLetters;
  return best[0] >= MIN_SCRIPT_LETTERS && best[0] > otherLetters ? best[1] : undefined;
}

/** Whether franc could name `language` (or the script decides it, so franc need not). */
function isRecognisable(language: string): boolean {
  return (
    CANDIDATE_LANGUAGES.has(language) ||
    language === 'ja' ||
    language === 'zh' ||
    SCRIPT_LANGUAGES.some(([, scriptLanguage]) => scriptLanguage === language)
  );
}

/**
 * How far behind the best each language in franc's ranking is, relative to the median candidate (or
 * the last, among few); Infinity for a language not ranked.
 */
function gapFromBest(ranking: readonly (readonly [string, number])[]): (code: string | undefined) => number {
  const bestScore = ranking[0]?.[1] ?? 0;
  const typical = ranking.length >= 5 ? ranking[Math.floor(ranking.length / 2)] : ranking[ranking.length - 1];
  const spread = bestScore - (typical?.[1] ?? bestScore);
  return (code) => {
    const score = ranking.find(([ranked]) => ranked === code)?.[1];
    if (score === undefined) return Infinity;
    return spread > 0 ? (bestScore - score) / spread : 0;
  };
}

function isLookAlike(language: string, of: string): boolean {
  return LOOK_ALIKES[of]?.includes(language) === true;
}

/**
 * franc's guess for `sample`, weighed against `context` (the language being read so far) and
 * `fallback` (the voice's own).
 */
function languageByTrigrams(sample: string, context: string, fallback: string): string | undefined {
  if (!ENOUGH_LETTERS.test(sample)) return undefined;
  const ranking = francAll(sample, { only: CANDIDATES, minLength: 1 });
  const bestCode = ranking[0]?.[0] ?? 'und';
  const best = fromIso6393(bestCode);
  if (best === undefined || best === context) return best;
  const gap = gapFromBest(ranking);
  // A near tie goes to the language being read, else to the voice's own.
  for (const preferred of new Set([context, fallback])) {
    const code = CANDIDATE_LANGUAGES.get(preferred);
    if (code !== undefined && gap(code) <= (isLookAlike(best, preferred) ? DECISIVE : TIE)) return preferred;
  }
  // A language franc cannot name (Danish, Finnish, …) comes out as some neighbour, often by a hair.
  const rival = ranking.find(([code]) => code !== bestCode && !isLookAlike(fromIso6393(code) ?? '', best));
  const decisive = gap(rival?.[0]) >= DECISIVE;
  for (const language of [context, fallback]) {
    // '' is no language at all (the caller could not say), and is no reason to doubt franc.
    if (language === '' || isRecognisable(language) || !LATIN_CANDIDATES.has(bestCode)) continue;
    if (isLookAlike(best, language) || !decisive) return language;
  }
  return best;
}

function paragraphLanguage(sample: string, context: string, fallback: string): string | undefined {
  return languageByScript(sample, context) ?? languageByTrigrams(sample, context, fallback);
}

function firstNonWhitespace(text: string, from: number, to: number): number {
  let index = from;
  while (index < to && WHITESPACE.test(text[index] as string)) index++;
  return index;
}

/**
 * Where paragraphs start: at the first text after a blank line, or after a line break next to a long
 * line (prose with one line per paragraph). The first paragraph starts at 0, so that each paragraph
 * runs up to the next one's start and the whitespace in between stays with the one before.
 */
function paragraphStarts(text: string): number[] {
  const starts = [0];
  const lineBreak = /\r\n?|[\n\u2028\u2029]/gu;
  let seenText = false;
  let separated = false;
  let previousLong = false;
  let lineStart = 0;
  for (;;) {
    const match = lineBreak.exec(text);
    const lineEnd = match?.index ?? text.length;
    const first = firstNonWhitespace(text, lineStart, lineEnd);
    if (first === lineEnd) {
      separated = true;
    } else {
      const long = lineEnd - first > LONG_LINE;
      if (seenText && (separated || long || previousLong)) starts.push(first);
      seenText = true;
      separated = match?.[0] === '\u2029';
      previousLong = long;
    }
    if (match === null) return starts;
    lineStart = lineBreak.lastIndex;
  }
}

/** 'en' for 'en-US' or 'EN_gb': runs name languages by their ISO 639-1 code alone. */
function primaryLanguage(tag: string): string {
  return tag.trim().toLowerCase().split(/[-_]/u)[0] || tag;
}

/**
 * Splits `text` into runs by language, paragraph by paragraph (a paragraph: text between blank lines,
 * or between line breaks when lines are long prose). A paragraph too short to tell (under ~40 letters)
 * or undetermined takes the language of the paragraph before it, or else `fallback` (the chosen voice's
 * language). Adjacent paragraphs of one language form one run. The runs cover the whole text, in order,
 * with no gaps (whitespace between paragraphs belongs to the run before).
 */
export function languageRuns(text: string, fallback: string): LanguageRun[] {
  const runs: LanguageRun[] = [];
  if (text === '') return runs;
  const starts = paragraphStarts(text);
  const voiceLanguage = primaryLanguage(fallback);
  let language = voiceLanguage;
  starts.forEach((start, index) => {
    const end = starts[index + 1] ?? text.length;
    // Only the start of a paragraph is looked at, so a whole book in one paragraph costs no more.
    const sample = text.slice(start, Math.min(end, start + SAMPLE_LENGTH));
    const found = paragraphLanguage(sample, language, voiceLanguage);
    language = found ?? language;
    const told = found !== undefined;
    const last = runs[runs.length - 1];
    if (last?.language === language) {
      last.end = end;
      last.told ||= told;
    } else {
      runs.push({ start, end, language, told });
    }
  });
  return runs;
}
