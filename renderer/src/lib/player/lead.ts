// How far ahead of the audio clock a stream's first sample is scheduled: the jitter buffer. Pure and
// untimed: the sink tells the rule how much lead each chunk needed as it comes (ArrivalPace), the
// schedule (schedule.ts) says when one came too late, and asks for the lead whenever playback
// (re)starts.
//
// A chunk's need is measured against the stream's own pace since its first chunk: how much later
// than the first it came, less the audio that came in between. A chunk on that pace needed
// nothing; one 30 ms behind it needed 30 ms; one that came with seconds of audio already in hand
// needed less than nothing (counted as 0). So a source that runs ahead of the ear, however bursty,
// teaches a small lead, and only lateness that could have been heard raises it.

/**
 * How stale the page's view of the audio clock can be: Chromium moves `currentTime` once per render
 * callback, 512 frames (11.6 ms at 44.1 kHz). Needs are measured, and starts scheduled, on that view.
 */
export const CLOCK_STEP_S = 0.012;

export interface LeadRule {
  /** The lead, in seconds, a start would use now for audio that no decoder holds back. */
  readonly leadS: number;
  /** The arrival-jitter estimate behind the lead (seconds), where the rule keeps one. */
  readonly jitterS?: number;
  /** The lead for a start whose decoder may hold back up to `holdS` of audio for the next bytes. */
  leadFor(holdS: number): number;
  /** A chunk came; it needed `neededS` of lead (see above) and brought `audioS` of audio. */
  arrived(neededS: number, audioS: number): void;
  /**
   * The queue ran dry before a chunk came, in a run of audio that had started `runLeadS` ahead
   * (less the decoder's hold that leadFor added).
   */
  underran(runLeadS: number): void;
}

/** The stream's pace, from its first chunk: what each later chunk needed. Pure. */
export class ArrivalPace {
  #firstAt: number | undefined;
  #beforeS = 0;

  /** The lead a chunk that arrives at `atS` needed, if playback had started on the first chunk. */
  arrive(atS: number, audioS: number): number {
    this.#firstAt ??= atS;
    const neededS = atS - this.#firstAt - this.#beforeS;
    this.#beforeS += audioS;
    return neededS;
  }
}

export interface AdaptiveLeadSettings {
  /** Never less: a start must stay clear of the audio thread, which renders a callback ahead. */
  floorS: number;
  /** Never more, however bad the link: a longer wait for the first word is worse than a stutter. */
  capS: number;
  /** Added to the jitter estimate, for the clock's staleness when the need was measured. */
  marginS: number;
  /** Seconds of audio over which the estimate, and a lead raised by an underrun, halve. */
  halfLifeS: number;
  /** The jitter assumed for a start before `priorForS` of audio has been measured. */
  priorJitterS: number;
  priorForS: number;
}

/**
 * 30 ms floor: one render callback, and as much again for the page's own timers, which on a busy
 * machine run 10 to 20 ms late now and then without warning. 500 ms cap. One clock step of margin.
 * 30 s half-life: a lead that an underrun doubled is most of the way back within a minute of steady
 * audio.
 * Until a second of audio has been measured, 24 ms of jitter is assumed (a 36 ms start): a fresh
 * player's first reading then survives the ±20 ms of a busy machine or a local network.
 */
export const ADAPTIVE_LEAD: AdaptiveLeadSettings = {
  floorS: 0.03,
  capS: 0.5,
  marginS: CLOCK_STEP_S,
  halfLifeS: 30,
  priorJitterS: 0.024,
  priorForS: 1,
};

/**
 * The smallest lead the measured jitter allows.
 * - Jitter: the largest need lately, a peak that decays by half every `halfLifeS` of audio, so one
 *   late chunk is remembered for a while (it may come again) but not for ever.
 * - Lead: at least jitter + margin, at once, whenever the estimate rises. After an underrun it
 *   doubles (multiplicative, so a link far worse than the estimate is caught in a few steps); when
 *   the stream is steady it decays by the same half-life, never below jitter + margin, back to the
 *   floor. Growing fast and shrinking slowly keeps it from swinging between stutter and delay.
 * - A decoder that holds audio back (an MP3 frame cut by a chunk's end waits for the next chunk)
 *   adds its hold on top of the jitter: the next chunk's lateness and the held audio add up.
 * - Before there is anything to measure, a start assumes the prior jitter; it only ever raises a
 *   start, and is gone once `priorForS` of audio has come.
 */
export class AdaptiveLead implements LeadRule {
  #jitterS = 0;
  #leadS: number;
  #measuredS = 0;

  constructor(private readonly settings: AdaptiveLeadSettings = ADAPTIVE_LEAD) {
    this.#leadS = settings.floorS;
  }

  get leadS(): number {
    return this.leadFor(0);
  }

  get jitterS(): number {
    return this.#jitterS;
  }

  leadFor(holdS: number): number {
    const { priorJitterS, priorForS, marginS } = this.settings;
    const jitterS = this.#measuredS < priorForS ? Math.max(priorJitterS, this.#jitterS) : this.#jitterS;
    return this.#bounded(Math.max(this.#leadS, jitterS + marginS + Math.max(0, holdS)));
  }

  arrived(neededS: number, audioS: number): void {
    this.#measuredS += Math.max(0, audioS);
    const decay = 0.5 ** (Math.max(0, audioS) / this.settings.halfLifeS);
    this.#jitterS = Math.max(Math.max(0, neededS), this.#jitterS * decay);
    this.#leadS = this.#bounded(Math.max(this.#covering(), this.#leadS * decay));
  }

  underran(runLeadS: number): void {
    this.#leadS = this.#bounded(Math.max(this.#leadS, 2 * runLeadS, this.#covering()));
  }

  #covering(): number {
    return this.#jitterS + this.settings.marginS;
  }

  #bounded(leadS: number): number {
    return Math.min(this.settings.capS, Math.max(this.settings.floorS, leadS));
  }
}

/**
 * The player's earlier rule, kept for comparison in the bench: 58 ms whatever the link, 50 ms more
 * after each underrun up to 300 ms, never lower again.
 */
export class FixedLead implements LeadRule {
  #leadS = 0.058;

  get leadS(): number {
    return this.#leadS;
  }

  leadFor(): number {
    return this.#leadS;
  }

  arrived(): void {}

  underran(): void {
    this.#leadS = Math.min(0.3, this.#leadS + 0.05);
  }
}
