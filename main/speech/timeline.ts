// Assembles per-frame alignment into one timeline for the whole stream.
//
// A frame's alignment times are relative to the start of that frame's audio (not of the stream),
// so a character's absolute start is the audio received before the frame plus its offset. With
// sync_alignment=false only a generation's first frame carries alignment (covering the audio of the
// frames that follow); with sync_alignment=true every frame carries its own. Both work the same way
// here because the offset is always taken from the frame that carries it.

import type { Alignment } from './protocol';

/** One character placed in stream time (milliseconds from the start of the stream's audio). */
export interface TimedChar {
  char: string;
  startMs: number;
  durationMs: number;
}

/** The alignment a frame's characters are timed from: the original text, else the normalised one. */
export function pickAlignment(frame: {
  alignment: Alignment | null;
  normalizedAlignment: Alignment | null;
}): Alignment | null {
  return frame.alignment ?? frame.normalizedAlignment;
}

function sameAlignment(a: Alignment, b: Alignment): boolean {
  const equal = (x: readonly unknown[], y: readonly unknown[]) =>
    x.length === y.length && x.every((value, i) => value === y[i]);
  return (
    equal(a.chars, b.chars) &&
    equal(a.charStartTimesMs, b.charStartTimesMs) &&
    equal(a.charDurationsMs, b.charDurationsMs)
  );
}

export class AlignmentTimeline {
  private lastStartMs = 0;
  private latestEndMs = 0;
  private count = 0;
  private previous: { frameStartMs: number; alignment: Alignment } | undefined;

  /** Characters timed so far. */
  get charCount(): number {
    return this.count;
  }

  /** The latest end of any character timed so far. */
  get endMs(): number {
    return this.latestEndMs;
  }

  /**
   * Places one frame's alignment at `frameStartMs` and returns the newly timed characters.
   * An exact repeat of the previous alignment is dropped when it comes at the same position (a
   * frame delivered twice) or without audio of its own (an audio-less frame repeating it, before
   * or after the audio): it times no new speech. Starts never go backwards: a character that would
   * start before the previous one is moved to the previous start, keeping its end where possible.
   */
  add(frameStartMs: number, alignment: Alignment | null, hasAudio = true): TimedChar[] {
    if (!alignment || alignment.chars.length === 0) return [];
    if (this.isRepeat(frameStartMs, alignment, hasAudio)) return [];
    this.previous = { frameStartMs, alignment };
    return alignment.chars.map((char, i) =>
      this.place(
        char,
        frameStartMs + (alignment.charStartTimesMs[i] ?? 0),
        alignment.charDurationsMs[i] ?? 0,
      ),
    );
  }

  private isRepeat(frameStartMs: number, alignment: Alignment, hasAudio: boolean): boolean {
    const previous = this.previous;
    return (
      previous !== undefined &&
      (previous.frameStartMs === frameStartMs || !hasAudio) &&
      sameAlignment(previous.alignment, alignment)
    );
  }

  private place(char: string, rawStartMs: number, rawDurationMs: number): TimedChar {
    const startMs = Math.max(rawStartMs, this.lastStartMs);
    const endMs = Math.max(rawStartMs + rawDurationMs, startMs);
    this.lastStartMs = startMs;
    this.latestEndMs = Math.max(this.latestEndMs, endMs);
    this.count += 1;
    return { char, startMs, durationMs: endMs - startMs };
  }
}
