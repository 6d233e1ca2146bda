// Assembles per-frame alignment into one timeline for the whole stream.
//
// A frame's alignment times are relative to the start of that frame's audio (not of the stream),
// so a character's absolute start is the audio received before the frame plus its offset. With
// sync_alignment=false only a generation's first frame carries alignment (covering the audio of the
// frames that follow); with sync_alignment=true every frame carries its own. Both work the same way
// here because the offset is always taken from the frame that carries it.
//
// Flash models may time one generation in two passes whose `alignment` starts over: the second
// pass repeats the characters the first already timed, then goes on (pipecat-ai/pipecat#4316).
// The repeated span is dropped and the rest is placed from its own first character, so later
// words keep their times. A pass counts as restarted only when it repeats at least
// MIN_REPLAYED_CHARS, beginning at the start of a recent frame, and goes beyond them.

import type { Alignment } from '../../shared/protocol';

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

/** A shorter repeat is ordinary speech ("no, no"), not a pass that started over. */
const MIN_REPLAYED_CHARS = 8;
/** How many recent frames a restarted pass may reach back over (a pass is a sentence or so). */
const RESTART_LOOKBACK_FRAMES = 64;

export class AlignmentTimeline {
  private lastStartMs = 0;
  private latestEndMs = 0;
  private count = 0;
  private previous: { frameStartMs: number; alignment: Alignment } | undefined;
  /** The characters of the latest frames, oldest first: what a restarted pass would repeat. */
  private recent: (readonly string[])[] = [];

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
    const { chars, charStartTimesMs: starts, charDurationsMs: durations } = alignment;
    const replay = this.replayOf(chars);
    this.recent.splice(replay.fromFrame, this.recent.length, chars);
    if (this.recent.length > RESTART_LOOKBACK_FRAMES) this.recent.shift();
    // What follows a replayed span is this frame's audio: it starts where the frame starts.
    const originMs = frameStartMs - (replay.chars > 0 ? (starts[replay.chars] ?? 0) : 0);
    const timed: TimedChar[] = [];
    for (let i = replay.chars; i < chars.length; i++) {
      timed.push(this.place(chars[i]!, originMs + (starts[i] ?? 0), durations[i] ?? 0));
    }
    return timed;
  }

  /**
   * How many leading characters of `chars` repeat the recent frames from one frame's start to the
   * latest, and from which frame (the longest such repeat); none when `chars` does not start over.
   */
  private replayOf(chars: readonly string[]): { chars: number; fromFrame: number } {
    const none = { chars: 0, fromFrame: this.recent.length };
    let length = this.recent.reduce((sum, frame) => sum + frame.length, 0);
    for (let from = 0; from < this.recent.length; from++) {
      if (length < MIN_REPLAYED_CHARS || length >= chars.length) {
        length -= this.recent[from]!.length;
        continue;
      }
      if (this.startsWithFrames(chars, from)) return { chars: length, fromFrame: from };
      length -= this.recent[from]!.length;
    }
    return none;
  }

  private startsWithFrames(chars: readonly string[], from: number): boolean {
    let i = 0;
    for (const frame of this.recent.slice(from)) {
      for (const char of frame) if (chars[i++] !== char) return false;
    }
    return true;
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
