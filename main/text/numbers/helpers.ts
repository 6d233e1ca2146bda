// Small helpers of the number reader (regex parts, digit groups, case), then reading an amount with a
// language's profile and building the tables a profile is made of (abbreviations, months, units).
// Nothing here belongs to one language.

import { escapeRegExp } from '../escape-regexp';
import type { Abbreviation, Gender, Noun, Numeral, Profile, UnitNames } from './types';

/** Up to this many digits an integer has scale words in every language (10^27 - 1). */
const MAX_CARDINAL_DIGITS = 27;

/** A space that may sit inside an amount or between a number and what it counts. */
export const S = '[ \\u00a0\\u202f]';
export const NO_WORD_AFTER = '(?![\\p{L}\\p{N}_])';

export function sticky(source: string): RegExp {
  return new RegExp(source, 'uy');
}

export function pick(list: readonly string[], index: number): string {
  return list[index] ?? '';
}

/** A regex alternation of `words`, longest first so that a shorter one never wins a prefix. */
export function alternation(words: Iterable<string>): string {
  return [...words]
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp)
    .join('|');
}

export function groupsFromDigits(digits: string): number[] {
  const groups: number[] = [];
  for (let end = digits.length; end > 0; end -= 3)
    groups.push(Number(digits.slice(Math.max(0, end - 3), end)));
  return groups;
}

export function withoutLeadingZeros(digits: string): string {
  const trimmed = digits.replace(/^0+/, '');
  return trimmed === '' ? '0' : trimmed;
}

export function capitalise(words: string): string {
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function isUpperCase(char: string): boolean {
  return char !== char.toLowerCase() && char === char.toUpperCase();
}

// ---------------------------------------------------------------------------------------------
// Reading an amount in a language, and building a language's profile

export function noun(one: string, many: string = one, gender: Gender = 'm'): Noun {
  return { one, many, gender };
}

export function isOne(numeral: Numeral): boolean {
  return numeral.fraction === '' && withoutLeadingZeros(numeral.digits) === '1';
}

export function integerValue(numeral: Numeral): number {
  return Number(withoutLeadingZeros(numeral.digits));
}

export function digitByDigit(digits: string, names: readonly string[]): string {
  return [...digits].map((digit) => pick(names, Number(digit))).join(' ');
}

export function cardinalOf(profile: Profile, digits: string): string {
  const value = withoutLeadingZeros(digits);
  if (value.length > MAX_CARDINAL_DIGITS) return digitByDigit(value, profile.digitNames);
  return profile.cardinal(groupsFromDigits(value));
}

/** The amount as a quantity: cardinal, then the decimal word and the fraction. */
export function quantityWords(profile: Profile, numeral: Numeral): string {
  const whole = cardinalOf(profile, numeral.digits);
  return numeral.fraction ? `${whole} ${profile.point} ${profile.fraction(numeral.fraction)}` : whole;
}

/** A short fraction is read as a number after its leading zeros ("virgule zéro cinq", "coma catorce"). */
export function fractionAsNumber(
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

export function buildAbbreviations(
  list: readonly (readonly [string, string, string, Partial<Abbreviation>?])[],
) {
  const byFirst = new Map<string, Abbreviation[]>();
  for (const [firsts, source, words, options] of list) {
    const entry: Abbreviation = { pattern: sticky(source), words, ...options };
    for (const first of firsts) byFirst.set(first, [...(byFirst.get(first) ?? []), entry]);
  }
  return byFirst;
}

export function monthMap(names: readonly (readonly string[])[]): Map<string, number> {
  const months = new Map<string, number>();
  names.forEach((spellings, index) => {
    for (const spelling of spellings) months.set(spelling, index);
  });
  return months;
}

export const TITLE_AHEAD = `(?=${S}\\p{Lu})`;
export const DIGIT_AHEAD = `(?=${S}?\\d)`;

/** Other spellings of a unit symbol. */
const UNIT_ALIASES: Readonly<Record<string, string>> = { L: 'l', mL: 'ml', KB: 'kB' };

export function unitMap(names: UnitNames): Map<string, Noun> {
  const units = new Map(Object.entries(names));
  for (const [alias, symbol] of Object.entries(UNIT_ALIASES)) {
    const unit = names[symbol];
    if (unit) units.set(alias, unit);
  }
  return units;
}
