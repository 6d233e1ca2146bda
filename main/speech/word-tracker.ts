// Maps the characters the server timed back onto the words of the source text, for highlighting the
// word being spoken. The timed characters follow the sent text in order, but the server may drop or
// normalise whitespace and (with normalised alignment) spell some words differently, so matching scans
// forward: whitespace is skipped on both sides, and a mismatch looks a little ahead to resynchronise.

import type { TimedChar } from './timeline';

export interface WordBoundary {
  /** 0-based position of the word among the source's words. */
  index: number;
  /** Offset of the word in the source text (UTF-16 units, as in String.prototype.slice). */
  textOffset: number;
  length: number;
  /** Stream time, like the audio chunks' startMs. */
  startMs: number;
  durationMs: number;
}

interface SourceWord {
  offset: number;
  end: number;
}

interface WordTiming {
  startMs: number;
  endMs: number;
}

/** How many words ahead a mismatched character may resynchronise. */
const RESYNC_WORDS = 3;
const CJK = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
const WHITESPACE = /^\s+$/u;

/**
 * Words of `text`: runs of non-whitespace, except that each CJK ideograph or kana starts a new word
 * (CJK writing has no spaces); punctuation stays with the word before it.
 */
export function tokenizeWords(text: string, base = 0): SourceWord[] {
  const words: SourceWord[] = [];
  let start = -1;
  let index = 0;
  for (const char of text) {
    const space = WHITESPACE.test(char);
    if (start >= 0 && (space || CJK.test(char))) {
      words.push({ offset: base + start, end: base + index });
      start = -1;
    }
    if (!space && start < 0) start = index;
    index += char.length;
  }
  if (start >= 0) words.push({ offset: base + start, end: base + index });
  return words;
}

/** Completed words are let go in blocks of at least this many. */
const DROP_EVERY_WORDS = 4096;

export class WordTracker {
  #source = '';
  /** The source's words from `#dropped` on: completed ones are let go, so a book keeps memory flat. */
  #words: SourceWord[] = [];
  #dropped = 0;
  /** The source text from `#sourceBase` on: what lies before every word still needed is let go too. */
  #sourceBase = 0;
  #nextWord = 0;
  #position = 0;
  #timing: WordTiming | undefined;
  /** Start of timed characters that matched nothing since the last word began (normalised text). */
  #unmatchedStartMs: number | undefined;
  #voicedAudioMs = 0;

  /** `source` is the text sent so far; for streamed text, add each send with append(). */
  constructor(source = '') {
    this.append(source);
  }

  /** Adds sent text. Sends never split a word, so each is tokenised on its own. */
  append(text: string): void {
    // A loop, not push(...words): a long text has more words than a call may take arguments.
    for (const word of tokenizeWords(text, this.sourceLength)) this.#words.push(word);
    this.#source += text;
  }

  /** Length of the source text so far. */
  get sourceLength(): number {
    return this.#sourceBase + this.#source.length;
  }

  /** Source characters (from the start) that timed characters have reached. */
  get voicedChars(): number {
    return this.#position;
  }

  /** Where the latest timed character ends, in stream time. */
  get voicedAudioMs(): number {
    return this.#voicedAudioMs;
  }

  /**
   * The first word not completed yet: its place among the source's words and in the source text,
   * and where its audio may start: at its first timed character, or earlier at a timed character
   * that matched no word (it may be this word, spelled differently). Undefined once all are done.
   */
  get nextWord(): { index: number; textOffset: number; startMs?: number } | undefined {
    const word = this.#word(this.#nextWord);
    if (!word) return undefined;
    const starts = [this.#timing?.startMs, this.#unmatchedStartMs].filter((ms) => ms !== undefined);
    const place = { index: this.#nextWord, textOffset: word.offset };
    return starts.length > 0 ? { ...place, startMs: Math.min(...starts) } : place;
  }

  /** Matches newly timed characters and returns the words they complete, in order. */
  push(chars: readonly TimedChar[]): WordBoundary[] {
    const completed: WordBoundary[] = [];
    for (const timed of chars) {
      this.#voicedAudioMs = Math.max(this.#voicedAudioMs, timed.startMs + timed.durationMs);
      if (!timed.char || WHITESPACE.test(timed.char)) continue;
      const at = this.#find(timed.char);
      if (at === undefined) {
        // Not in the source (normalised text): no word to time, but speech all the same.
        this.#unmatchedStartMs ??= timed.startMs;
        continue;
      }
      this.#completeWordsBefore(at, timed.startMs, completed);
      this.#addTiming(timed);
      this.#position = at + timed.char.length;
      const word = this.#word(this.#nextWord);
      if (word && this.#position >= word.end) this.#completeWord(completed);
    }
    return completed;
  }

  /** At the end of the stream: the word in progress, if any of it was timed. */
  finish(): WordBoundary[] {
    const completed: WordBoundary[] = [];
    if (this.#timing && this.#word(this.#nextWord)) this.#completeWord(completed);
    return completed;
  }

  /**
   * Where `char` is in the source: at the next non-space character, or else at the start of one of
   * the next few words (resynchronising after text the server dropped or spelled differently; starts
   * of words only, because a letter that merely occurs later would jump too far).
   */
  #find(char: string): number | undefined {
    let at = this.#position;
    while (at < this.sourceLength && WHITESPACE.test(this.#source[at - this.#sourceBase] as string)) at++;
    if (this.#matches(char, at)) return at;
    const next = this.#nextWord - this.#dropped;
    const following = this.#words.slice(next, next + RESYNC_WORDS + 1);
    return following.find((word) => word.offset > at && this.#matches(char, word.offset))?.offset;
  }

  #matches(char: string, at: number): boolean {
    const from = at - this.#sourceBase;
    return this.#source.slice(from, from + char.length).toLowerCase() === char.toLowerCase();
  }

  /** Words the match skipped over were not timed: they get the next character's start, no duration. */
  #completeWordsBefore(at: number, startMs: number, completed: WordBoundary[]): void {
    for (let word = this.#word(this.#nextWord); word && word.end <= at; word = this.#word(this.#nextWord)) {
      this.#timing ??= { startMs, endMs: startMs };
      this.#completeWord(completed);
    }
  }

  #addTiming(timed: TimedChar): void {
    const endMs = timed.startMs + timed.durationMs;
    if (!this.#timing) {
      this.#timing = { startMs: timed.startMs, endMs };
      this.#unmatchedStartMs = undefined;
    } else this.#timing.endMs = Math.max(this.#timing.endMs, endMs);
  }

  #word(index: number): SourceWord | undefined {
    return this.#words[index - this.#dropped];
  }

  #completeWord(completed: WordBoundary[]): void {
    const word = this.#word(this.#nextWord);
    const timing = this.#timing;
    if (!word || !timing) return;
    completed.push({
      index: this.#nextWord,
      textOffset: word.offset,
      length: word.end - word.offset,
      startMs: timing.startMs,
      durationMs: Math.max(0, timing.endMs - timing.startMs),
    });
    this.#nextWord++;
    this.#timing = undefined;
    this.#unmatchedStartMs = undefined;
    const done = this.#nextWord - this.#dropped;
    // Half the list at least, so a long text given whole is copied O(1) times per word, not O(n).
    if (done >= DROP_EVERY_WORDS && done * 2 >= this.#words.length) this.#dropCompleted();
  }

  #dropCompleted(): void {
    this.#words = this.#words.slice(this.#nextWord - this.#dropped);
    this.#dropped = this.#nextWord;
    const keepFrom = Math.min(this.#position, this.#words[0]?.offset ?? this.#position);
    if (keepFrom > this.#sourceBase) {
      this.#source = this.#source.slice(keepFrom - this.#sourceBase);
      this.#sourceBase = keepFrom;
    }
  }
}
