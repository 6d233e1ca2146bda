// The text being read, cut into its sentences for the reading view: each sentence with the text
// between it and the one before (spaces, line breaks), so the whole text shows as written. Built once
// per reading; a long text (100,000 characters, thousands of sentences) is one pass over the list.
import type { ReadingText } from '../../../shared/contract';

export interface ReadingSegment {
  /** The text before this sentence and after the previous one (often a space or a line break). */
  gap: string;
  /** The sentence as written, and where it starts in the text (UTF-16 units). */
  text: string;
  offset: number;
}

export interface ReadingSegments {
  segments: ReadingSegment[];
  /** Whatever follows the last sentence. */
  tail: string;
}

/**
 * The sentences of `reading` in text order. Spans that overlap or run past the end are cut to fit,
 * so every character shows once at most and the text is never garbled by a bad span.
 */
export function readingSegments(reading: ReadingText): ReadingSegments {
  const { text } = reading;
  const segments: ReadingSegment[] = [];
  let end = 0;
  for (const sentence of reading.sentences) {
    const start = Math.min(text.length, Math.max(end, sentence.offset));
    const stop = Math.min(text.length, Math.max(start, sentence.offset + sentence.length));
    segments.push({ gap: text.slice(end, start), text: text.slice(start, stop), offset: start });
    end = stop;
  }
  return { segments, tail: text.slice(end) };
}
