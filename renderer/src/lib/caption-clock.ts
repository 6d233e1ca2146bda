// The clock behind the captions: where the listener is in the current reading, and which word that
// is. Pure functions over plain values, so the store stays thin and every rule here is unit-tested.
//
// Three sources of truth, in order of trust:
// - playback reports (PlaybackProgress.playedMs): how far the reading has really been heard;
// - the page's own clock between reports, but only while the app is speaking, and at the speed the
//   audio plays (PlaybackProgress.speed: at 2× the words' timeline moves two ms per page ms);
// - the words received (WordProgress): their audio has arrived, so the listener can never be past
//   the end of the last one; the estimate stops there and waits for more audio or a report.
import type { PlaybackProgress, WordProgress } from '../../../shared/contract';

/**
 * A known position (`playedMs` at page time `at`), whether it moves on with the page's clock, and how
 * fast: `rate` ms of the words' timeline per ms of the page (the playback speed).
 */
export interface ClockAnchor {
  playedMs: number;
  at: number;
  running: boolean;
  rate: number;
}

/** A usable playback speed, else the one already in use (the contract says 0.5 to 3). */
export function clockRate(speed: unknown, fallback = 1): number {
  return typeof speed === 'number' && Number.isFinite(speed) && speed > 0 ? speed : fallback;
}

/** What the captions know about one reading. `words` is sorted by startMs. */
export interface CaptionReading {
  id: number;
  words: readonly WordProgress[];
  anchor: ClockAnchor;
}

/** Where the audio received so far ends, as far as the words tell: the end of the latest word. */
export function arrivedAudioEndMs(words: readonly WordProgress[]): number {
  let end = 0;
  for (const word of words) end = Math.max(end, word.startMs + word.durationMs);
  return end;
}

/**
 * The heard position at page time `now`: the anchor, moved on by the time since (times the rate) while running, but
 * never past `limitMs` (the audio that has arrived) unless a report itself said so.
 */
export function estimatePlayedMs(anchor: ClockAnchor, now: number, limitMs: number): number {
  if (!anchor.running) return anchor.playedMs;
  const elapsed = Math.max(0, now - anchor.at) * anchor.rate;
  return Math.min(anchor.playedMs + elapsed, Math.max(anchor.playedMs, limitMs));
}

/** Starts or stops the clock at `now`, keeping the position it had reached. */
export function setClockRunning(
  anchor: ClockAnchor,
  running: boolean,
  now: number,
  limitMs: number,
): ClockAnchor {
  if (anchor.running === running) return anchor;
  return { playedMs: estimatePlayedMs(anchor, now, limitMs), at: now, running, rate: anchor.rate };
}

/**
 * The word being heard at `positionMs`: the index (into `words`, sorted by startMs) of the last word
 * that has started, or -1 before the first. A word stays current through the silence after it, so the
 * highlight does not blink off between words. Binary search: long readings have thousands of words.
 */
export function wordIndexAt(words: readonly WordProgress[], positionMs: number): number {
  let low = 0;
  let high = words.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    if ((words[middle]?.startMs ?? Infinity) <= positionMs) {
      found = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found;
}

/** `words` with `word` added in startMs order; a word already known (same index) is replaced. */
export function insertWord(words: readonly WordProgress[], word: WordProgress): WordProgress[] {
  const rest = words.filter((known) => known.index !== word.index);
  // Words arrive in order, so this is almost always the end: search from there.
  let at = rest.length;
  while (at > 0 && (rest[at - 1]?.startMs ?? 0) > word.startMs) at -= 1;
  rest.splice(at, 0, word);
  return rest;
}

function newReading(id: number, now: number, running: boolean, rate: number): CaptionReading {
  return { id, words: [], anchor: { playedMs: 0, at: now, running, rate } };
}

/**
 * The reading after a word arrived. Reading ids count up in main, so a higher id is a new reading
 * (which replaces the old one) and a lower one is a late word of a reading already gone (ignored).
 * A new reading starts at 0 from the moment it is first heard of: that is when its audio starts
 * playing, should no playback report ever come. The clock is first brought up to `now` under the old
 * limit: if it was held at the end of the audio received (the player waiting for more), that wait was
 * not heard, and must not turn into a jump once the new audio extends the limit. A new reading (or a
 * new passage after a jump) keeps the last one's rate until a report says otherwise: the speed is a
 * setting, not a property of one reading.
 */
export function acceptWord(
  reading: CaptionReading | undefined,
  word: WordProgress,
  now: number,
  running: boolean,
): CaptionReading {
  if (reading && word.readingId < reading.id) return reading;
  const current =
    reading && reading.id === word.readingId
      ? { ...reading, anchor: bringUpTo(reading.anchor, now, arrivedAudioEndMs(reading.words)) }
      : newReading(word.readingId, now, running, reading?.anchor.rate ?? 1);
  return { ...current, words: insertWord(current.words, word) };
}

/** The same position, anchored at `now`. */
export function bringUpTo(anchor: ClockAnchor, now: number, limitMs: number): ClockAnchor {
  if (!anchor.running) return anchor;
  return { playedMs: estimatePlayedMs(anchor, now, limitMs), at: now, running: true, rate: anchor.rate };
}

/**
 * The reading after a playback report: the report (position and speed) becomes the new anchor. Same
 * id rules as words.
 */
export function acceptPlayback(
  reading: CaptionReading | undefined,
  progress: PlaybackProgress,
  now: number,
  running: boolean,
): CaptionReading {
  if (reading && progress.readingId < reading.id) return reading;
  const rate = clockRate(progress.speed, reading?.anchor.rate ?? 1);
  const current =
    reading && reading.id === progress.readingId
      ? reading
      : newReading(progress.readingId, now, running, rate);
  return {
    ...current,
    anchor: { playedMs: progress.playedMs, at: now, running: current.anchor.running, rate },
  };
}

/**
 * How long (page ms) until the next word starts at this position, for a timer instead of every frame:
 * at `rate` 2 the words' timeline passes twice as fast.
 */
export function msUntilNextWord(
  words: readonly WordProgress[],
  positionMs: number,
  rate = 1,
): number | undefined {
  const next = words[wordIndexAt(words, positionMs) + 1];
  return next ? Math.max(0, next.startMs - positionMs) / clockRate(rate) : undefined;
}
