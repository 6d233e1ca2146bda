// A sink for readings from the fault server (fault-server.ts), and the checks that say a reading was
// heard exactly: every word once, in order, in the audio itself, on one continuous timeline, each
// word's timing pointing at that word's audio.
import { expect } from 'vitest';
import type { AudioSink, WordBoundary } from '../../main/speech/narration';
import type { AudioChunk } from '../../main/speech/session';
import { tokenizeWords } from '../../main/speech/word-tracker';
import { decodeCodedAudio } from './fault-server';

const BYTES_PER_MS = 16; // the fault server's 8 kHz 16-bit PCM

/** Keeps every chunk; by default the listener has heard everything it got. */
export class CollectingSink implements AudioSink {
  readonly chunks: AudioChunk[] = [];
  ends = 0;

  write(chunk: AudioChunk): void {
    this.chunks.push(chunk);
  }

  playedMs(): number {
    const last = this.chunks.at(-1);
    return last ? last.startMs + last.durationMs : 0;
  }

  end(): Promise<void> {
    this.ends++;
    return Promise.resolve();
  }

  get audio(): Uint8Array {
    return Buffer.concat(this.chunks.map((chunk) => chunk.audio));
  }
}

function wordsOf(text: string): string[] {
  return tokenizeWords(text).map((word) => text.slice(word.offset, word.end));
}

/** What the audio says, as words (a resume may leave out the pause between two words). */
export function heardWords(audio: Uint8Array): string[] {
  return wordsOf(decodeCodedAudio(audio));
}

/** What the audio says without the pauses: the letters of every word, in order. */
export function heardLetters(audio: Uint8Array): string {
  return decodeCodedAudio(audio).replace(/\s+/g, '');
}

/** Each chunk starts where the one before ended. */
export function expectContinuous(chunks: readonly AudioChunk[], fromMs = 0): void {
  let at = fromMs;
  for (const chunk of chunks) {
    expect(chunk.startMs).toBeCloseTo(at, 6);
    at = chunk.startMs + chunk.durationMs;
  }
}

/**
 * `audio` (from the start of the reading's timeline) voices `words` in order, each word at its own
 * startMs for its durationMs, and the words are the text's words from `firstWord` on, each once.
 */
export function expectWordsMatchAudio(
  text: string,
  words: readonly WordBoundary[],
  audio: Uint8Array,
  firstWord = 0,
): void {
  const expected = wordsOf(text).slice(firstWord);
  expect(words.map((word) => text.slice(word.textOffset, word.textOffset + word.length))).toEqual(expected);
  expect(words.map((word) => word.index)).toEqual(expected.map((_, i) => firstWord + i));
  for (const word of words) {
    const start = Math.round(word.startMs * BYTES_PER_MS);
    const end = Math.round((word.startMs + word.durationMs) * BYTES_PER_MS);
    expect(decodeCodedAudio(audio.subarray(start, end))).toBe(
      text.slice(word.textOffset, word.textOffset + word.length),
    );
  }
}

/**
 * The whole reading, exactly: every letter of the text in the audio once and in order (no word
 * heard twice, none missing), one continuous timeline, each word's timing on its own audio.
 */
export function expectHeardExactly(text: string, sink: CollectingSink, words: readonly WordBoundary[]): void {
  expect(heardLetters(sink.audio)).toBe(text.replace(/\s+/g, ''));
  expectContinuous(sink.chunks);
  expectWordsMatchAudio(text, words, sink.audio);
}

/** Part of a reading: whole words from the start of `text`, each once, as `words` says. */
export function expectHeardStart(text: string, sink: CollectingSink, words: readonly WordBoundary[]): void {
  const heard = words.map((word) => text.slice(word.textOffset, word.textOffset + word.length));
  expect(heard).toEqual(wordsOf(text).slice(0, heard.length));
  expect(heardLetters(sink.audio)).toBe(heard.join(''));
  expectContinuous(sink.chunks);
  expectWordsMatchAudio(
    text.slice(0, words.at(-1) ? words.at(-1)!.textOffset + words.at(-1)!.length : 0),
    words,
    sink.audio,
  );
}
