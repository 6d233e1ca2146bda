import { describe, expect, it } from 'vitest';
import { AdaptiveLead, ArrivalPace, FixedLead } from './lead';
import type { AdaptiveLeadSettings, LeadRule } from './lead';
import { PlaybackSchedule } from './schedule';

const settings: AdaptiveLeadSettings = {
  floorS: 0.02,
  capS: 0.5,
  marginS: 0.012,
  halfLifeS: 30,
  priorJitterS: 0,
  priorForS: 0,
};
const CHUNK_S = 0.05;

/** Deterministic jitter in -1..1 (the bench's pattern), offset so each stream gets its own. */
function jitterAt(index: number): number {
  const x = Math.sin(index * 12.9898) * 43758.5453;
  return 2 * (x - Math.floor(x)) - 1;
}

/** 50 ms chunks at real-time pace, each up to `jitterS` early or late but in order; the first on time. */
function arrivals(count: number, jitterS: number, seed = 0): number[] {
  const times: number[] = [];
  let due = 0;
  for (let i = 0; i < count; i++) {
    due = Math.max(due, i * CHUNK_S + (i === 0 ? 0 : jitterS * jitterAt(seed * 10_000 + i)));
    times.push(due);
  }
  return times;
}

/** Plays one stream of chunk arrivals as the sink does (pace, then schedule); returns its underruns. */
function play(rule: LeadRule, times: readonly number[], fromS: number): number {
  const schedule = new PlaybackSchedule(rule);
  const pace = new ArrivalPace();
  for (const at of times) {
    rule.arrived(pace.arrive(fromS + at, CHUNK_S), CHUNK_S);
    schedule.place(fromS + at, CHUNK_S);
  }
  return schedule.underruns;
}

describe('ArrivalPace', () => {
  it('says how much lead each chunk needed against the first chunk’s pace', () => {
    const pace = new ArrivalPace();
    const needed = [
      pace.arrive(10, 0.05), // the pace: chunk n is due 0.05 n after the first
      pace.arrive(10.08, 0.05), // 30 ms behind it
      pace.arrive(10.1, 0.05), // on it
      pace.arrive(10.11, 0.1), // 40 ms ahead of it
      pace.arrive(10.3, 0.05), // after 0.25 s of audio: 50 ms behind
    ];
    [0, 0.03, 0, -0.04, 0.05].forEach((s, i) => expect(needed[i]).toBeCloseTo(s, 9));
  });
});

describe('AdaptiveLead', () => {
  it('starts at the floor', () => {
    const rule = new AdaptiveLead(settings);
    expect(rule.leadS).toBe(0.02);
    expect(rule.jitterS).toBe(0);
  });

  it('assumes the prior jitter for starts until enough audio has been measured, then forgets it', () => {
    const rule = new AdaptiveLead({ ...settings, priorJitterS: 0.024, priorForS: 1 });
    expect(rule.leadS).toBeCloseTo(0.036, 9);
    expect(rule.leadFor(0.026)).toBeCloseTo(0.062, 9);
    for (let i = 0; i < 19; i++) rule.arrived(0.001, CHUNK_S);
    expect(rule.leadS).toBeCloseTo(0.036, 9);
    rule.arrived(0.001, CHUNK_S); // one second measured
    expect(rule.leadS).toBe(0.02);
    expect(rule.jitterS).toBeCloseTo(0.001, 3);
  });

  it('keeps a measured jitter above the prior', () => {
    const rule = new AdaptiveLead({ ...settings, priorJitterS: 0.024, priorForS: 1 });
    rule.arrived(0.05, CHUNK_S);
    expect(rule.leadS).toBeCloseTo(0.062, 9);
  });

  it('doubles the lead after an underrun, up to the cap', () => {
    const rule = new AdaptiveLead(settings);
    rule.underran(rule.leadS);
    expect(rule.leadS).toBeCloseTo(0.04, 9);
    rule.underran(rule.leadS);
    expect(rule.leadS).toBeCloseTo(0.08, 9);
    for (let i = 0; i < 5; i++) rule.underran(rule.leadS);
    expect(rule.leadS).toBe(0.5);
  });

  it('doubles the lead that ran dry, not one already raised for the same late chunk', () => {
    const rule = new AdaptiveLead(settings);
    rule.arrived(0.035, CHUNK_S); // the late chunk: at once 35 ms + margin
    expect(rule.leadS).toBeCloseTo(0.047, 9);
    rule.underran(0.02); // the run it came too late for had started 20 ms ahead
    expect(rule.leadS).toBeCloseTo(0.047, 9);
  });

  it('raises the lead to cover a late arrival, with or without an underrun', () => {
    const rule = new AdaptiveLead(settings);
    rule.arrived(0.045, CHUNK_S);
    expect(rule.jitterS).toBeCloseTo(0.045, 9);
    expect(rule.leadS).toBeCloseTo(0.057, 9);
  });

  it('counts a chunk that came with audio to spare as needing nothing', () => {
    const rule = new AdaptiveLead(settings);
    rule.arrived(-2, CHUNK_S);
    expect(rule.jitterS).toBe(0);
    expect(rule.leadS).toBe(0.02);
  });

  it('leaves room on top of the jitter for audio a decoder holds back', () => {
    const rule = new AdaptiveLead(settings);
    expect(rule.leadFor(0.026)).toBeCloseTo(0.038, 9);
    rule.arrived(0.05, CHUNK_S);
    expect(rule.leadFor(0)).toBeCloseTo(0.062, 9);
    expect(rule.leadFor(0.026)).toBeCloseTo(0.088, 9);
  });

  it('a steady stream lowers a doubled lead slowly, then back to the floor', () => {
    const rule = new AdaptiveLead(settings);
    rule.underran(0.04);
    expect(rule.leadS).toBeCloseTo(0.08, 9);
    const steady = (seconds: number): void => {
      for (let i = 0; i < seconds / CHUNK_S; i++) rule.arrived(0, CHUNK_S);
    };
    steady(1);
    expect(rule.leadS).toBeGreaterThan(0.078);
    steady(29);
    expect(rule.leadS).toBeCloseTo(0.04, 6);
    steady(30);
    expect(rule.leadS).toBeCloseTo(0.02, 6);
    steady(60);
    expect(rule.leadS).toBe(0.02);
  });

  it('never lowers the lead below what the recent jitter needs', () => {
    const rule = new AdaptiveLead(settings);
    rule.underran(0.08); // 160 ms
    // Two minutes in which one chunk a second comes 50 ms late.
    for (let i = 0; i < 2400; i++) rule.arrived(i % 20 === 0 ? 0.05 : 0, CHUNK_S);
    expect(rule.leadS).toBeGreaterThan(0.06);
    expect(rule.leadS).toBeLessThan(0.063);
  });

  it('estimates the jitter from a list of arrivals: ±50 ms around the pace needs about 50 ms', () => {
    const rule = new AdaptiveLead(settings);
    const times = arrivals(200, 0.05); // the first chunk on the pace, so later ones needed up to 50 ms
    const latest = Math.max(...times.map((at, i) => at - i * CHUNK_S));
    expect(latest).toBeGreaterThan(0.045);
    play(rule, times, 0);
    expect(rule.jitterS).toBeGreaterThan(latest * 0.95);
    expect(rule.jitterS).toBeLessThanOrEqual(latest + 1e-9);
  });

  it('from a list of arrivals ahead of the pace (a fast source) keeps the floor', () => {
    const rule = new AdaptiveLead(settings);
    expect(
      play(
        rule,
        Array.from({ length: 100 }, (_, i) => i * 0.02),
        0,
      ),
    ).toBe(0);
    expect(rule.jitterS).toBe(0);
    expect(rule.leadS).toBe(0.02);
  });

  it('on a ±50 ms link pays underruns on the first stream only, then plays whole minutes without one', () => {
    const rule = new AdaptiveLead(settings);
    const first = play(rule, arrivals(200, 0.05), 0);
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThanOrEqual(2);
    for (let stream = 1; stream <= 5; stream++)
      expect(play(rule, arrivals(1200, 0.05, stream), stream * 100)).toBe(0);
    // The starts stay near what the jitter needs, not at the cap.
    expect(rule.leadS).toBeLessThan(0.07);
  });

  it('with the defaults, plays a fresh player’s first ±20 ms stream without an underrun', () => {
    const rule = new AdaptiveLead();
    expect(play(rule, arrivals(20, 0.02), 0)).toBe(0);
    expect(play(new AdaptiveLead(), arrivals(20, 0.02, 3), 0)).toBe(0);
  });

  it('on a steady link starts every stream at the floor', () => {
    const rule = new AdaptiveLead(settings);
    for (let stream = 0; stream < 5; stream++) {
      expect(rule.leadS).toBe(0.02);
      expect(play(rule, arrivals(100, 0), stream * 10)).toBe(0);
    }
  });
});

describe('FixedLead', () => {
  it('starts at 58 ms whatever the link and adds 50 ms per underrun, up to 300 ms', () => {
    const rule = new FixedLead();
    rule.arrived();
    expect(rule.leadS).toBe(0.058);
    expect(rule.leadFor()).toBe(0.058);
    rule.underran();
    expect(rule.leadS).toBeCloseTo(0.108, 9);
    for (let i = 0; i < 10; i++) rule.underran();
    expect(rule.leadS).toBe(0.3);
  });
});
