import { describe, expect, it } from 'vitest';
import { EMOJI_NEEDS_MORE, NO_EMOJI, emojiLocale, emojiName, emojiSequenceEnd, mayStartEmoji } from './emoji';

/** The emoji sequence at the start of `text`, read to the text's end. */
function sequenceAtStart(text: string, more = false): string | number {
  const end = emojiSequenceEnd(text, 0, text.length, more);
  return end < 0 ? end : text.slice(0, end);
}

describe('emojiSequenceEnd', () => {
  it('takes a single emoji and stops before the next character', () => {
    expect(sequenceAtStart('👍 ok')).toBe('👍');
    expect(sequenceAtStart('😀x')).toBe('😀');
  });

  it('keeps skin tones, variation selectors and ZWJ joins in one sequence', () => {
    expect(sequenceAtStart('👍🏽!')).toBe('👍🏽');
    expect(sequenceAtStart('❤️ love')).toBe('❤️');
    expect(sequenceAtStart('👨‍👩‍👧 family')).toBe('👨‍👩‍👧');
    expect(sequenceAtStart('🧑🏽‍💻 at work')).toBe('🧑🏽‍💻');
  });

  it('reads two regional indicators as one flag, and tag sequences as one flag', () => {
    expect(sequenceAtStart('🇩🇪🇫🇷')).toBe('🇩🇪');
    expect(sequenceAtStart('🏴󠁧󠁢󠁥󠁮󠁧󠁿 England')).toBe('🏴󠁧󠁢󠁥󠁮󠁧󠁿');
  });

  it('reads keycaps, but not plain digits', () => {
    expect(sequenceAtStart('1️⃣ one')).toBe('1️⃣');
    expect(sequenceAtStart('12')).toBe(NO_EMOJI);
  });

  it('leaves text-style symbols alone unless an emoji presentation is asked for', () => {
    expect(sequenceAtStart('© 2025')).toBe(NO_EMOJI);
    expect(sequenceAtStart('☺ hi')).toBe(NO_EMOJI);
    expect(sequenceAtStart('☺️ hi')).toBe('☺️');
    expect(sequenceAtStart('→ next')).toBe(NO_EMOJI);
    expect(sequenceAtStart('a')).toBe(NO_EMOJI);
  });

  it('asks for more text when a sequence may go on past the end', () => {
    expect(sequenceAtStart('👍', true)).toBe(EMOJI_NEEDS_MORE);
    expect(sequenceAtStart('👨\u200d', true)).toBe(EMOJI_NEEDS_MORE);
    expect(sequenceAtStart('🇩', true)).toBe(EMOJI_NEEDS_MORE);
    // A surrogate pair cut by the end of a piece.
    expect(sequenceAtStart('\ud83d', true)).toBe(EMOJI_NEEDS_MORE);
    expect(sequenceAtStart('👍 ', true)).toBe('👍');
  });

  it('starts sequences only where the cheap first look allows them', () => {
    expect(mayStartEmoji('👍'.charCodeAt(0))).toBe(true);
    expect(mayStartEmoji('❤'.charCodeAt(0))).toBe(true);
    expect(mayStartEmoji('é'.charCodeAt(0))).toBe(false);
    expect(mayStartEmoji('中'.charCodeAt(0))).toBe(false);
  });
});

describe('emojiName', () => {
  it('names emoji in English, skin tones and families included', () => {
    expect(emojiName('👍', 'en')).toBe('thumbs up');
    expect(emojiName('👍🏽', 'en')).toBe('thumbs up, medium skin tone');
    expect(emojiName('❤️', 'en')).toBe('red heart');
    expect(emojiName('❤', 'en')).toBe('red heart');
    expect(emojiName('🇩🇪', 'en')).toBe('flag, Germany');
  });

  it('names emoji in the language asked for', () => {
    expect(emojiName('👍', 'de')).toBe('Daumen hoch');
    expect(emojiName('👍', 'fr')).toBe('pouce vers le haut');
    expect(emojiName('👍', 'es')).toBe('pulgar hacia arriba');
  });

  it('falls back to English for a language without names, and to the first part of an unknown join', () => {
    expect(emojiName('👍', 'xx')).toBe('thumbs up');
    expect(emojiName('👍', undefined)).toBe('thumbs up');
    expect(emojiName('🐶\u200d🍕', 'en')).toBe('dog face');
  });
});

describe('emojiLocale', () => {
  it('maps languages to the tables emojibase ships', () => {
    expect(emojiLocale('de')).toBe('de');
    expect(emojiLocale('pt-BR')).toBe('pt');
    expect(emojiLocale('no')).toBe('nb');
    expect(emojiLocale('tlh')).toBe('en');
    expect(emojiLocale(undefined)).toBe('en');
  });
});
