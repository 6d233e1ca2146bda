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
//
// The files: types.ts holds the shapes the others share (Profile, Scan, Match…); helpers.ts the small
// helpers and what profiles are built with; english.ts, german.ts, french.ts and spanish.ts each hold a
// language's words, profile and forms; forms.ts the forms every language tries; scan.ts the pass itself.
// The languages build on types, helpers and forms only; the scan on those and English's words (for
// "'90s"); this file joins a profile and its patterns, built once, to each language.

import type { TextEdit } from '../offset-map';
import { EN } from './english';
import { FR } from './french';
import { DE } from './german';
import { cardinalOf } from './helpers';
import { NumberScan, languagePatterns } from './scan';
import type { LanguagePatterns } from './scan';
import { ES } from './spanish';
import { NUMBER_LANGUAGES } from './types';
import type { NumberLanguage, Profile } from './types';

export { NUMBER_LANGUAGES } from './types';
export type { NumberLanguage } from './types';

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
  return new NumberScan(text, profile, PATTERNS[profile.code]).run();
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
