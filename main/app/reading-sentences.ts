// The sentences of a reading's text, as a steerable reading addresses them: where each starts and
// ends in the text, and the index of its first word among the text's words (what a narration started
// at that sentence is told, so its word numbering matches the rest of the reading).
import { splitSentences } from '../speech/sentences';
import { tokenizeWords } from '../speech/word-tracker';

export class ReadingSentences {
  readonly #starts: number[] = [];
  readonly #firstWords: number[] = [];
  readonly #textLength: number;

  constructor(text: string) {
    this.#textLength = text.length;
    const words = tokenizeWords(text);
    let offset = 0;
    let word = 0;
    for (const sentence of splitSentences(text)) {
      while (word < words.length && (words[word]?.offset ?? 0) < offset) word += 1;
      this.#starts.push(offset);
      this.#firstWords.push(word);
      offset += sentence.length;
    }
  }

  get count(): number {
    return this.#starts.length;
  }

  start(index: number): number {
    return this.#starts[index] ?? this.#textLength;
  }

  end(index: number): number {
    return this.#starts[index + 1] ?? this.#textLength;
  }

  /** Index of the sentence's first word among the text's words. */
  firstWord(index: number): number {
    return this.#firstWords[index] ?? 0;
  }

  /** The sentence a text offset falls in (the last one for offsets past the end). */
  indexAt(offset: number): number {
    return lastAtOrBelow(this.#starts, offset);
  }

  /** The sentence a word (by index among the text's words) belongs to. */
  indexOfWord(wordIndex: number): number {
    return lastAtOrBelow(this.#firstWords, wordIndex);
  }

  /** Offsets and lengths of every sentence (what the reading view shows). */
  list(): { offset: number; length: number }[] {
    return this.#starts.map((offset, index) => ({ offset, length: this.end(index) - offset }));
  }
}

/** Index of the last value ≤ `target` in an ascending list (0 when none is). */
function lastAtOrBelow(values: readonly number[], target: number): number {
  let low = 0;
  let high = values.length - 1;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if ((values[middle] ?? 0) <= target) low = middle;
    else high = middle - 1;
  }
  return Math.max(0, low);
}
