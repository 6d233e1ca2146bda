// Where each chunk goes on the audio clock, and how much of the stream has been heard. Pure: the
// caller passes the clock's current time (AudioContext.currentTime, seconds).
//
// The first chunk starts `lead` seconds from now, a small jitter buffer; later chunks follow the
// previous one exactly (gapless). A chunk that arrives after the queue ran dry is an underrun: it
// starts a fresh lead from now, and the lead grows so a slow network stops stuttering.

export interface LeadPolicy {
  initialS: number;
  growthS: number;
  maxS: number;
}

/**
 * 58 ms: chunks that come up to 50 ms later than the first one's pace (bench/player.ts feeds ±50 ms
 * of jitter) still arrive before they are due, with a few ms for a busy page's timers, while the
 * first sound stays within 60 ms of the first chunk.
 */
export const DEFAULT_LEAD: LeadPolicy = { initialS: 0.058, growthS: 0.05, maxS: 0.3 };

interface Segment {
  startAt: number;
  durationS: number;
}

export interface Placement {
  startAt: number;
  underrun: boolean;
}

export class PlaybackSchedule {
  #leadS: number;
  #nextAt: number | undefined;
  #pending: Segment[] = [];
  #finishedS = 0;
  #underruns = 0;

  constructor(
    private readonly policy: LeadPolicy = DEFAULT_LEAD,
    leadS = policy.initialS,
  ) {
    this.#leadS = Math.min(policy.maxS, Math.max(0, leadS));
  }

  get leadS(): number {
    return this.#leadS;
  }

  get underruns(): number {
    return this.#underruns;
  }

  /** Clock time at which everything placed so far has played (undefined before the first chunk). */
  get endsAt(): number | undefined {
    return this.#nextAt;
  }

  place(now: number, durationS: number): Placement {
    let startAt = this.#nextAt;
    let underrun = false;
    if (startAt === undefined) {
      startAt = now + this.#leadS;
    } else if (startAt < now) {
      underrun = true;
      this.#underruns++;
      this.#leadS = Math.min(this.policy.maxS, this.#leadS + this.policy.growthS);
      startAt = now + this.#leadS;
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
}
