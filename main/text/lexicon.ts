// The user's own words ("my words"): where a rule's text occurs, its `say` is sent to the engine
// instead. Reading and writing lexicon files is shared/lexicon-file.ts.
import { pronunciationProblem } from '../../shared/settings-schema';
import type { PronunciationRule } from '../../shared/settings-schema';
import type { TextEdit } from './offset-map';
import { escapeRegExp } from './escape-regexp';

/** Letters, digits and combining marks make words (a decomposed "é" is e + U+0301); all else divides them. */
const WORD_CHARACTER = String.raw`[\p{L}\p{N}\p{M}]`;
const IS_WORD_CHARACTER = new RegExp(`^${WORD_CHARACTER}$`, 'u');
const NOT_AFTER_WORD = `(?<!${WORD_CHARACTER})`;
const NOT_BEFORE_WORD = `(?!${WORD_CHARACTER})`;

interface Candidate {
  start: number;
  end: number;
  /** Index of the rule in the list: lower wins an overlap. */
  rule: number;
  text: string;
}

/** Every plain rule of one case mode, as one alternation: capture group i + 1 is rules[i]. */
interface PlainGroup {
  pattern: RegExp;
  rules: { index: number; say: string }[];
}

interface PatternRule {
  pattern: RegExp;
  index: number;
  say: string;
}

/**
 * Compiled once per reading; `edits` may then run on any number of texts.
 *
 * What matches: a word or phrase rule matches whole words only (letters, digits and combining marks
 * of any script count as word characters, so "Hark" is not found in "Harken" nor "Stra" in "Straße");
 * spaces inside a phrase match any run of white space (a phrase broken across lines still matches).
 * At one place only the longest word or phrase is a candidate, so "New York" is said its own way
 * even when "New" comes first. A pattern rule is a JavaScript regular expression with the 'u' flag;
 * its matches of length 0 are skipped and `say` may use $1…$99, $<name>, $& and $$.
 * Without matchCase a rule ignores case (Unicode simple case folding: "STRAẞE" is "straße").
 *
 * Overlaps: rules apply in list order. The earlier rule's matches are kept and a later rule's
 * match that overlaps one of them is dropped, so matches never overlap. Rules that are not usable
 * (see pronunciationProblem) are left out.
 */
export class Lexicon {
  readonly #plainGroups: PlainGroup[] = [];
  readonly #patterns: PatternRule[] = [];
  readonly #size: number;

  constructor(rules: readonly PronunciationRule[]) {
    const plain = { sensitive: [] as PlainRule[], insensitive: [] as PlainRule[] };
    let size = 0;
    rules.forEach((rule, index) => {
      if (pronunciationProblem(rule) !== undefined) return;
      size++;
      if (rule.regex) {
        this.#patterns.push({
          pattern: new RegExp(rule.match, rule.matchCase ? 'gu' : 'giu'),
          index,
          say: rule.say,
        });
      } else {
        (rule.matchCase ? plain.sensitive : plain.insensitive).push({
          match: rule.match.trim(),
          index,
          say: rule.say,
        });
      }
    });
    this.#size = size;
    if (plain.sensitive.length > 0) this.#plainGroups.push(plainGroup(plain.sensitive, 'gu'));
    if (plain.insensitive.length > 0) this.#plainGroups.push(plainGroup(plain.insensitive, 'giu'));
  }

  /** How many rules are in use. */
  get size(): number {
    return this.#size;
  }

  /** Edits replacing each match with its `say`, sorted by start and never overlapping. */
  edits(text: string): TextEdit[] {
    if (this.#size === 0 || text === '') return [];
    const candidates = [...plainCandidates(this.#plainGroups, text)];
    for (const rule of this.#patterns) collectPatternMatches(rule, text, candidates);
    return keepByRuleOrder(candidates, text.length).map(({ start, end, text: say }) => ({
      start,
      end,
      text: say,
    }));
  }
}

interface PlainRule {
  match: string;
  index: number;
  say: string;
}

function isWordCharacter(character: string | undefined): boolean {
  return character !== undefined && IS_WORD_CHARACTER.test(character);
}

function startsWithWordCharacter(match: string): boolean {
  return isWordCharacter(String.fromCodePoint(match.codePointAt(0) ?? 0));
}

/** A phrase as a pattern: any space inside, and whole words at its end when it ends in a word character. */
function phrasePattern(match: string): string {
  const body = match
    .split(/\s+/u)
    .map(escapeRegExp)
    .join(String.raw`\s+`);
  return `(${body})${isWordCharacter(Array.from(match.slice(-2)).at(-1)) ? NOT_BEFORE_WORD : ''}`;
}

function plainGroup(rules: PlainRule[], flags: string): PlainGroup {
  // Longest first, so that at one place the alternation tries "New York" before "New" (the sort is
  // stable: rules of equal length keep their order). Phrases that start with a word character share
  // one look-behind, tested once per place rather than once per phrase (many times faster with
  // hundreds of words). The two branches never compete: a place starts with a word character or not.
  const ordered = [...rules].sort((a, b) => b.match.length - a.match.length);
  const wordStart = ordered.filter((rule) => startsWithWordCharacter(rule.match));
  const otherStart = ordered.filter((rule) => !startsWithWordCharacter(rule.match));
  const branches = [
    ...(wordStart.length > 0
      ? [`${NOT_AFTER_WORD}(?:${wordStart.map((rule) => phrasePattern(rule.match)).join('|')})`]
      : []),
    ...otherStart.map((rule) => phrasePattern(rule.match)),
  ];
  return {
    pattern: new RegExp(branches.join('|'), flags),
    rules: [...wordStart, ...otherStart].map(({ index, say }) => ({ index, say })),
  };
}

/** Which alternative of a plain group matched (the one capture group that took part). */
function matchedRule(group: PlainGroup, match: RegExpExecArray): { index: number; say: string } | undefined {
  for (let i = 1; i < match.length; i++) {
    if (match[i] !== undefined) return group.rules[i - 1];
  }
  return undefined;
}

/**
 * Each group's longest match at every place (places may overlap; keepByRuleOrder settles that).
 * When both case modes match at one place, the longer match is the candidate (then the earlier rule).
 */
function plainCandidates(groups: readonly PlainGroup[], text: string): Iterable<Candidate> {
  const byStart = new Map<number, Candidate>();
  for (const group of groups) {
    const { pattern } = group;
    pattern.lastIndex = 0;
    for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
      const rule = matchedRule(group, match);
      const start = match.index;
      // Another match may start inside this one: look again from the next character.
      pattern.lastIndex = start + 1;
      if (!rule || match[0].length === 0) continue;
      const candidate = { start, end: start + match[0].length, rule: rule.index, text: rule.say };
      const other = byStart.get(start);
      if (!other || longerOrEarlier(candidate, other)) byStart.set(start, candidate);
    }
  }
  return byStart.values();
}

function longerOrEarlier(a: Candidate, b: Candidate): boolean {
  const lengthA = a.end - a.start;
  const lengthB = b.end - b.start;
  return lengthA !== lengthB ? lengthA > lengthB : a.rule < b.rule;
}

function collectPatternMatches(rule: PatternRule, text: string, into: Candidate[]): void {
  const { pattern } = rule;
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    if (match[0].length === 0) {
      // An empty match would repeat forever; step over one whole code point.
      pattern.lastIndex = match.index + ((text.codePointAt(match.index) ?? 0) > 0xffff ? 2 : 1);
      continue;
    }
    into.push({
      start: match.index,
      end: match.index + match[0].length,
      rule: rule.index,
      text: expandReplacement(rule.say, match),
    });
  }
}

/** `say` with $1…$99, $<name>, $& and $$ filled in from the match, the way String.replace does. */
function expandReplacement(template: string, match: RegExpExecArray): string {
  if (!template.includes('$')) return template;
  const groupCount = match.length - 1;
  return template.replace(/\$(?:(\$)|(&)|<([^>]*)>|(\d\d?))/g, (whole, dollar, ampersand, name, digits) => {
    if (dollar) return '$';
    if (ampersand) return match[0];
    if (typeof name === 'string') return match.groups ? (match.groups[name] ?? '') : whole;
    const twoDigit = Number(digits);
    if (digits.length === 2 && twoDigit >= 1 && twoDigit <= groupCount) return match[twoDigit] ?? '';
    const oneDigit = Number(digits[0]);
    if (oneDigit >= 1 && oneDigit <= groupCount) return (match[oneDigit] ?? '') + digits.slice(1);
    return whole;
  });
}

/** Candidates of earlier rules first; a candidate touching a kept one's characters is dropped. */
function keepByRuleOrder(candidates: Candidate[], length: number): Candidate[] {
  candidates.sort((a, b) => a.rule - b.rule || a.start - b.start);
  const taken = new Uint8Array(length);
  const kept: Candidate[] = [];
  for (const candidate of candidates) {
    if (taken.subarray(candidate.start, candidate.end).includes(1)) continue;
    taken.fill(1, candidate.start, candidate.end);
    kept.push(candidate);
  }
  return kept.sort((a, b) => a.start - b.start);
}
