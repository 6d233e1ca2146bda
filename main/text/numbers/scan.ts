// The scan: one left-to-right pass over the text with a language's profile, which it takes as data.
// A global regex finds where something may start; the scan tries the forms there (forms.ts, then the
// profile's own) and otherwise reads an amount, a word or a symbol, collecting sorted, separate edits.

import type { TextEdit } from '../offset-map';
import { enBelowHundred, enPlural } from './english';
import { WHOLE_FORMS } from './forms';
import {
  NO_WORD_AFTER,
  S,
  alternation,
  capitalise,
  cardinalOf,
  digitByDigit,
  isUpperCase,
  quantityWords,
  sticky,
} from './helpers';
import type { Abbreviation, CurrencyCode, Match, Noun, Numeral, Profile, Scan } from './types';

/** An ungrouped run longer than this is an identifier, not an amount. */
const MAX_PLAIN_DIGITS = 15;

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

export class NumberScan implements Scan {
  readonly #edits: TextEdit[] = [];
  /** Where the last number read as a year ended (-1: none yet). */
  #lastYearEnd = -1;

  constructor(
    readonly text: string,
    readonly profile: Profile,
    /** The profile's patterns (languagePatterns), built once per language by the caller. */
    readonly patterns: LanguagePatterns,
  ) {}

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
export interface LanguagePatterns {
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

export function languagePatterns(profile: Profile): LanguagePatterns {
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
