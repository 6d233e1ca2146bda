// What text a reading gets, and what text its history entry keeps.
import { sentenceEnds, splitSentences } from '../speech/sentences';
import type { WordBoundary } from '../speech/word-tracker';

/** Longer texts are read up to a sentence end before this many characters (about 2 hours of speech). */
export const MAX_READ_CHARS = 100_000;
/**
 * Longer texts are refused outright: nobody means to have that read aloud (a database dump on the
 * clipboard), and it is too big to even pass around comfortably. Anything shorter, a 10 MB log
 * included, is cut to MAX_READ_CHARS and read with a notice: the start of it may be what was wanted.
 */
export const MAX_ACCEPTED_CHARS = 20_000_000;

export type PreparedText =
  | { ok: true; text: string; truncated: boolean }
  | { ok: false; code: 'empty_text' | 'text_too_long'; message: string };

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** Where to cut a text that is too long: the last sentence end, else the last space, else anywhere. */
export function truncationPoint(text: string, max: number): number {
  if (text.length <= max) return text.length;
  const head = text.slice(0, max + 1);
  const ends = sentenceEnds(head).filter((end) => end <= max);
  const lastEnd = ends.at(-1);
  // A sentence end in the last tenth or so would cut off little; further back, prefer a word boundary.
  if (lastEnd !== undefined && lastEnd >= max * 0.9) return lastEnd;
  const lastSpace = head.slice(0, max).search(/\s\S*$/);
  if (lastSpace > max / 2) return lastSpace + 1;
  return isHighSurrogate(text.charCodeAt(max - 1)) ? max - 1 : max;
}

export function prepareText(text: string, max = MAX_READ_CHARS): PreparedText {
  if (text.length > MAX_ACCEPTED_CHARS) {
    return {
      ok: false,
      code: 'text_too_long',
      message: `The text is too long to read aloud (${text.length.toLocaleString('en')} characters; at most ${MAX_ACCEPTED_CHARS.toLocaleString('en')}).`,
    };
  }
  if (!/\S/.test(text)) return { ok: false, code: 'empty_text', message: 'There is no text to read.' };
  if (text.length <= max) return { ok: true, text, truncated: false };
  return { ok: true, text: text.slice(0, truncationPoint(text, max)).trimEnd(), truncated: true };
}

/**
 * The text a history entry keeps: the part whose audio was received, so that the stored text and
 * the stored audio match (replay plays exactly that, "read again" reads exactly that). A complete
 * reading keeps the whole text; so does a partial one from a server that sent no timing at all.
 */
export function spokenText(text: string, words: readonly WordBoundary[], completed: boolean): string {
  const last = words.at(-1);
  if (completed || last === undefined) return text;
  return text.slice(0, last.textOffset + last.length);
}

/** Finds the sentence around a text offset (for the caption overlay). */
export class SentenceLocator {
  readonly #starts: number[] = [];
  readonly #sentences: string[];

  constructor(text: string) {
    this.#sentences = splitSentences(text);
    let offset = 0;
    for (const sentence of this.#sentences) {
      this.#starts.push(offset);
      offset += sentence.length;
    }
  }

  at(offset: number): { text: string; offset: number } {
    let low = 0;
    let high = this.#starts.length - 1;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if ((this.#starts[middle] ?? 0) <= offset) low = middle;
      else high = middle - 1;
    }
    return { text: this.#sentences[low] ?? '', offset: this.#starts[low] ?? 0 };
  }
}
