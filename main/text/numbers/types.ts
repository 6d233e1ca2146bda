// The shapes the number reader's files share: a language's profile (its words, patterns and forms),
// a number as written, what a match found, and the part of the scan a form may use. Forms are written
// against that Scan, not the scan's class, so the language files need not import the scan that tries
// their forms.

import type { TextEdit } from '../offset-map';

export const NUMBER_LANGUAGES = ['en', 'de', 'fr', 'es'] as const;
export type NumberLanguage = (typeof NUMBER_LANGUAGES)[number];

export type Gender = 'm' | 'f' | 'n';
export type CurrencyCode = 'USD' | 'EUR' | 'GBP' | 'JPY';

export interface Noun {
  one: string;
  many: string;
  gender: Gender;
}

export interface Currency {
  major: Noun;
  minor?: Noun;
}

/** A number as written: its digits without separators, and the digits after the decimal sign. */
export interface Numeral {
  end: number;
  digits: string;
  fraction: string;
  grouped: boolean;
}

export interface Abbreviation {
  pattern: RegExp;
  words: string;
  /** It may end a sentence ("etc."): then its period is kept. */
  endsSentence?: boolean;
  /** Normally lower case: capitalise the words when the source is capitalised. */
  followCase?: boolean;
}

/** What a match found: where scanning goes on, and the edits (possibly none: a span to leave alone). */
export interface Match {
  end: number;
  edits: TextEdit[];
}

export interface Symbols {
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

export interface Profile {
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
  // Each language file attaches them at its end, next to the patterns they use (built from its profile).
  numberForms: readonly Form[];
  /** Language forms tried where a word starts ("March 3"). */
  wordForms: readonly Form[];
}

/** The same unit symbols everywhere; each language names them. */
export type UnitNames = Readonly<Record<string, Noun>>;

/**
 * What a form may use of the scan that tries it: the text, its language's profile, and the scan's
 * readers (scan.ts implements it).
 */
export interface Scan {
  readonly text: string;
  readonly profile: Profile;
  exec(pattern: RegExp, at: number): RegExpExecArray | null;
  /** An edit whose words do not run into the letters around it. */
  edit(start: number, end: number, words: string): TextEdit;
  /** Nothing that continues the number follows. */
  endsCleanly(index: number): boolean;
  endsSentence(index: number): boolean;
  /** The word before `start`, lower case ('' when none). */
  previousWord(start: number): string;
}

export type Form = (scan: Scan, at: number) => Match | null;
