// Where each chunk goes on the audio clock, and how much of the stream has been heard. Pure: the
// caller passes the clock's current time (AudioContext.currentTime, seconds).
//
// The first chunk starts one lead from now (the jitter buffer, lead.ts); later chunks follow the
// previous one exactly (gapless). A chunk that arrives after the queue ran dry is an underrun: the
// lead rule hears of it, and the chunk starts a fresh lead from now.
import type { LeadRule } from './lead';

interface Segment {
  startAt: number;
  durationS: number;
}

export interface Placement {
  startAt: number;
  underrun: boolean;
}

export class PlaybackSchedule {
  /** The lead the current run of gapless audio started with, and the decoder's hold within it. */
  #runLeadS = 0;
  #runHoldS = 0;
  #nextAt: number | undefined;
  #pending: Segment[] = [];
  #finishedS = 0;
  #underruns = 0;

  constructor(private readonly rule: LeadRule) {}

  get underruns(): number {
    return this.#underruns;
  }

  /** Clock time at which everything placed so far has played (undefined before the first chunk). */
  get endsAt(): number | undefined {
    return this.#nextAt;
  }

  /**
   * Places `durationS` of audio that is ready `now`. `holdS` is how much audio the decoder may keep
   * back until more bytes come (an MP3 frame cut by a chunk's end): a start leaves room for it.
   */
  place(now: number, durationS: number, holdS = 0): Placement {
    let startAt = this.#nextAt;
    let underrun = false;
    if (startAt === undefined) {
      startAt = this.#startRun(now, holdS);
    } else if (startAt < now) {
      underrun = true;
      this.#underruns++;
      // The link's share ran dry: the hold is the decoder's and is added again at the restart.
      this.rule.underran(Math.max(0, this.#runLeadS - this.#runHoldS));
      startAt = this.#startRun(now, holdS);
    }
    this.#pending.push({ startAt, durationS });
    this.#nextAt = startAt + durationS;
    return { startAt, underrun };
  }

  /** Seconds of audio played by `now` (never more than was placed). */
  playedS(now: number): number {
    while (this.#pending.length > 0) {
      const first = this.#pending[0];
      if (!first || first.startAt + first.durationS > now) break;
      this.#finishedS += first.durationS;
      this.#pending.shift();
    }
    const current = this.#pending[0];
    const partial = current ? Math.min(current.durationS, Math.max(0, now - current.startAt)) : 0;
    return this.#finishedS + partial;
  }

  /** True when something was placed and all of it has played by `now`. */
  drained(now: number): boolean {
    return this.#nextAt !== undefined && now >= this.#nextAt;
  }

  #startRun(now: number, holdS: number): number {
    this.#runLeadS = this.rule.leadFor(holdS);
    this.#runHoldS = Math.min(holdS, this.#runLeadS);
    return now + this.#runLeadS;
  }
}
