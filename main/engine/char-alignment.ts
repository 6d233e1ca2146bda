// Turns the offline engine's word events into per-character timings (the `alignment` of the
// stream-input protocol). eSpeak only says where each word starts (and, through its pause events,
// roughly where the voice stops); characters of a word share the word's time, and the spaces and
// punctuation after it share the pause that follows.

import type { Alignment } from '../../shared/protocol';

/** One word event from the engine, in code points of the original text (`Array.from(text)`). */
export interface WordTiming {
  charStart: number;
  charLength: number;
  startMs: number;
  /** Where the voice stops before a pause; unknown means "runs until the next word". */
  endMs?: number;
}

/** A run of characters that starts with one or more word events at the same place. */
interface Anchor {
  charStart: number;
  charEnd: number;
  startMs: number;
  endMs: number | undefined;
}

// Whitespace, punctuation and invisible characters: what sits in the gaps between spoken words.
const GAP_CHARACTER = /^[\s\p{P}\p{Z}\p{C}]$/u;

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), high);
}

/**
 * Keeps usable events in engine order and merges those that do not move forward in the text: CJK
 * runs and some numbers give several events at one position, and stray events can point backwards.
 */
function anchorsFrom(words: readonly WordTiming[], charCount: number, totalMs: number): Anchor[] {
  const anchors: Anchor[] = [];
  for (const word of words) {
    const { charStart } = word;
    if (!Number.isInteger(charStart) || charStart < 0 || charStart >= charCount) continue;
    if (!Number.isFinite(word.startMs)) continue;
    const length = Number.isInteger(word.charLength) && word.charLength > 0 ? word.charLength : 1;
    const charEnd = Math.min(charStart + length, charCount);
    const endMs = word.endMs !== undefined && Number.isFinite(word.endMs) ? word.endMs : undefined;
    const last = anchors.at(-1);
    const startMs = clamp(word.startMs, last?.startMs ?? 0, totalMs);
    if (last && charStart <= last.charStart) {
      last.charEnd = Math.max(last.charEnd, charEnd);
      last.endMs = endMs;
      continue;
    }
    anchors.push({ charStart, charEnd, startMs, endMs });
  }
  return anchors;
}

/** Spreads `count` characters evenly over [fromMs, toMs], writing their start boundaries. */
function spread(boundaries: number[], firstChar: number, count: number, fromMs: number, toMs: number): void {
  for (let k = 0; k < count; k++) boundaries[firstChar + k] = fromMs + ((toMs - fromMs) * k) / count;
}

/** Index where the trailing gap (spaces, punctuation) of a segment begins. */
function trailingGapStart(chars: readonly string[], spokenEnd: number, segmentEnd: number): number {
  let gapStart = segmentEnd;
  while (gapStart > spokenEnd && GAP_CHARACTER.test(chars[gapStart - 1] ?? '')) gapStart--;
  return gapStart;
}

function startBoundaries(chars: readonly string[], anchors: readonly Anchor[], totalMs: number): number[] {
  const boundaries = new Array<number>(chars.length).fill(0);
  const first = anchors[0];
  if (!first) {
    spread(boundaries, 0, chars.length, 0, totalMs);
    return boundaries;
  }
  spread(boundaries, 0, first.charStart, 0, first.startMs);
  anchors.forEach((anchor, index) => {
    const next = anchors[index + 1];
    const segmentEnd = next?.charStart ?? chars.length;
    const segmentEndMs = next?.startMs ?? totalMs;
    // Words eSpeak merged into this one ("of the") stay with it; only the trailing gap takes the pause.
    const gapStart = trailingGapStart(chars, Math.min(anchor.charEnd, segmentEnd), segmentEnd);
    const speechEndMs =
      gapStart === segmentEnd
        ? segmentEndMs
        : clamp(anchor.endMs ?? segmentEndMs, anchor.startMs, segmentEndMs);
    spread(boundaries, anchor.charStart, gapStart - anchor.charStart, anchor.startMs, speechEndMs);
    spread(boundaries, gapStart, segmentEnd - gapStart, speechEndMs, segmentEndMs);
  });
  return boundaries;
}

/**
 * Per-character timings for `text` spoken as `totalMs` of audio. The result covers every code
 * point, its start times never decrease, each character ends where the next begins, and the last
 * one ends exactly at `Math.round(totalMs)`. Times are whole milliseconds, as on the wire.
 */
export function alignCharacters(text: string, words: readonly WordTiming[], totalMs: number): Alignment {
  const chars = Array.from(text);
  const total = Number.isFinite(totalMs) && totalMs > 0 ? totalMs : 0;
  const starts = startBoundaries(chars, anchorsFrom(words, chars.length, total), total);
  const roundedEnd = Math.round(total);
  const charStartTimesMs: number[] = [];
  let previous = 0;
  for (const start of starts) {
    // Rounding a non-decreasing sequence keeps it non-decreasing; the clamp only guards the ends.
    previous = clamp(Math.round(start), previous, roundedEnd);
    charStartTimesMs.push(previous);
  }
  const charDurationsMs = charStartTimesMs.map((start, i) => (charStartTimesMs[i + 1] ?? roundedEnd) - start);
  return { chars, charStartTimesMs, charDurationsMs };
}
