// Emoji in text that is read aloud: where a sequence begins and ends (ZWJ joins, skin tones, flags,
// keycaps, tag flags) and what it is called in a language. Names come from emojibase-data's CLDR
// short names; a language's table is read from disk the first time an emoji needs a name and kept as
// one small Map, so texts without emoji never load it.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** The text ends inside what may still be an emoji sequence: more text is needed to decide. */
export const EMOJI_NEEDS_MORE = -2;
/** No emoji starts here. */
export const NO_EMOJI = -1;

const VARIATION_SELECTOR = 0xfe0f;
const ZERO_WIDTH_JOINER = 0x200d;
const KEYCAP = 0x20e3;

const PICTOGRAPHIC = /\p{Extended_Pictographic}/u;
const EMOJI_PRESENTATION = /\p{Emoji_Presentation}/u;

// Locales that emojibase-data ships; anything else is read in English.
// prettier-ignore
const LOCALES = new Set([
  'bn', 'da', 'de', 'en', 'es', 'et', 'fi', 'fr', 'hi', 'hu', 'it', 'ja', 'ko', 'lt', 'ms', 'nb', 'nl',
  'pl', 'pt', 'ru', 'sv', 'th', 'uk', 'vi', 'zh',
]);
const LOCALE_ALIASES: Readonly<Record<string, string>> = { no: 'nb', nn: 'nb' };

const namesByLocale = new Map<string, ReadonlyMap<string, string>>();

/** A cheap first look: could an emoji sequence start with this UTF-16 unit? (Most text is ruled out here.) */
export function mayStartEmoji(code: number): boolean {
  return (
    code === 0xa9 ||
    code === 0xae ||
    (code >= 0x203c && code <= 0x2b55) ||
    code === 0x3030 ||
    code === 0x303d ||
    code === 0x3297 ||
    code === 0x3299 ||
    (code >= 0xd83c && code <= 0xd83e)
  );
}

/**
 * Where the emoji sequence starting at `start` ends (exclusive), NO_EMOJI when none starts there, or
 * EMOJI_NEEDS_MORE when `end` is reached while the sequence could still go on and `more` text may come.
 */
export function emojiSequenceEnd(text: string, start: number, end: number, more: boolean): number {
  const first = text.charCodeAt(start);
  if (isKeycapBase(first)) return keycapEnd(text, start, end, more);
  const base = codePointWithin(text, start, end);
  if (base === undefined) return more ? EMOJI_NEEDS_MORE : NO_EMOJI;
  const afterBase = start + (base > 0xffff ? 2 : 1);
  if (isRegionalIndicator(base)) return flagEnd(text, afterBase, end, more);
  if (!PICTOGRAPHIC.test(String.fromCodePoint(base))) return NO_EMOJI;
  if (afterBase >= end && more) return EMOJI_NEEDS_MORE;
  // Text-style pictographs in the first plane (©, ↔, ☺) are emoji only when something asks for it.
  if (base <= 0xffff && !EMOJI_PRESENTATION.test(String.fromCodePoint(base))) {
    const next = codePointWithin(text, afterBase, end);
    if (
      next === undefined ||
      !(next === VARIATION_SELECTOR || isSkinTone(next) || next === ZERO_WIDTH_JOINER)
    ) {
      return NO_EMOJI;
    }
  }
  return extendSequence(text, afterBase, end, more);
}

/** The spoken name of an emoji sequence in `language` (ISO 639-1; English when it has no table). */
export function emojiName(sequence: string, language: string | undefined): string | undefined {
  const names = namesFor(emojiLocale(language));
  const key = withoutVariationSelectors(sequence);
  const name = names.get(key) ?? names.get(withoutSkinTones(key)) ?? names.get(key.split('\u200d')[0] ?? '');
  return name?.replace(/: /g, ', ');
}

/** The emojibase-data locale that names emoji for `language`. */
export function emojiLocale(language: string | undefined): string {
  const base = (language ?? 'en').toLowerCase().split(/[-_]/)[0] ?? 'en';
  const locale = LOCALE_ALIASES[base] ?? base;
  return LOCALES.has(locale) ? locale : 'en';
}

function namesFor(locale: string): ReadonlyMap<string, string> {
  let names = namesByLocale.get(locale);
  if (!names) {
    names = readNames(locale);
    namesByLocale.set(locale, names);
  }
  return names;
}

interface CompactEmoji {
  unicode: string;
  label: string;
  skins?: CompactEmoji[];
}

function readNames(locale: string): ReadonlyMap<string, string> {
  // The bundle is CommonJS (__filename is set); tests run the source as ES modules from the project.
  const from = typeof __filename === 'string' ? __filename : join(process.cwd(), 'package.json');
  const path = createRequire(from).resolve(`emojibase-data/${locale}/compact.json`);
  const entries = JSON.parse(readFileSync(path, 'utf8')) as CompactEmoji[];
  const names = new Map<string, string>();
  const add = (entry: CompactEmoji): void => {
    if (typeof entry.unicode === 'string' && typeof entry.label === 'string') {
      names.set(withoutVariationSelectors(entry.unicode), entry.label);
    }
  };
  for (const entry of entries) {
    add(entry);
    for (const skin of entry.skins ?? []) add(skin);
  }
  return names;
}

function extendSequence(text: string, at: number, end: number, more: boolean): number {
  let position = at;
  for (;;) {
    if (position >= end) return more ? EMOJI_NEEDS_MORE : position;
    const next = codePointWithin(text, position, end);
    if (next === undefined) return more ? EMOJI_NEEDS_MORE : position;
    const width = next > 0xffff ? 2 : 1;
    if (next === VARIATION_SELECTOR || isSkinTone(next) || isTag(next)) {
      position += width;
    } else if (next === ZERO_WIDTH_JOINER) {
      if (position + 1 >= end) return more ? EMOJI_NEEDS_MORE : position;
      const joined = codePointWithin(text, position + 1, end);
      if (joined === undefined) return more ? EMOJI_NEEDS_MORE : position;
      if (!PICTOGRAPHIC.test(String.fromCodePoint(joined))) return position;
      position += 1 + (joined > 0xffff ? 2 : 1);
    } else {
      return position;
    }
  }
}

function keycapEnd(text: string, start: number, end: number, more: boolean): number {
  let position = start + 1;
  if (position < end && text.charCodeAt(position) === VARIATION_SELECTOR) position += 1;
  if (position >= end) return more ? EMOJI_NEEDS_MORE : NO_EMOJI;
  return text.charCodeAt(position) === KEYCAP ? position + 1 : NO_EMOJI;
}

function flagEnd(text: string, afterFirst: number, end: number, more: boolean): number {
  if (afterFirst >= end) return more ? EMOJI_NEEDS_MORE : afterFirst;
  const second = codePointWithin(text, afterFirst, end);
  if (second === undefined) return more ? EMOJI_NEEDS_MORE : afterFirst;
  return isRegionalIndicator(second) ? afterFirst + 2 : afterFirst;
}

/** The code point at `index`, or undefined when a surrogate pair is cut by `end` (or nothing is there). */
function codePointWithin(text: string, index: number, end: number): number | undefined {
  if (index >= end) return undefined;
  const high = text.charCodeAt(index);
  if (high < 0xd800 || high > 0xdbff) return high;
  if (index + 1 >= end) return undefined;
  const low = text.charCodeAt(index + 1);
  if (low < 0xdc00 || low > 0xdfff) return high;
  return (high - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000;
}

function isKeycapBase(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || code === 0x23 || code === 0x2a;
}

function isRegionalIndicator(codePoint: number): boolean {
  return codePoint >= 0x1f1e6 && codePoint <= 0x1f1ff;
}

function isSkinTone(codePoint: number): boolean {
  return codePoint >= 0x1f3fb && codePoint <= 0x1f3ff;
}

function isTag(codePoint: number): boolean {
  return codePoint >= 0xe0020 && codePoint <= 0xe007f;
}

function withoutVariationSelectors(sequence: string): string {
  return sequence.replace(/\uFE0F/g, '');
}

function withoutSkinTones(sequence: string): string {
  return sequence.replace(/\uD83C[\uDFFB-\uDFFF]/g, '');
}
