import { describe, expect, it } from 'vitest';
import { AdaptiveLead, FixedLead } from './lead';
import type { LeadRule } from './lead';
import { PlaybackSchedule } from './schedule';

/** A rule with a lead the test sets; it writes down the underruns it hears of and the holds asked for. */
class RecordingLead implements LeadRule {
  readonly underruns: number[] = [];
  readonly holds: number[] = [];

  constructor(public leadS: number) {}

  leadFor(holdS: number): number {
    this.holds.push(holdS);
    return this.leadS + holdS;
  }

  arrived(): void {}

  underran(runLeadS: number): void {
    this.underruns.push(runLeadS);
    this.leadS *= 2;
  }
}

describe('PlaybackSchedule', () => {
  it('starts the first chunk one lead from now and the next ones back to back', () => {
    const schedule = new PlaybackSchedule(new RecordingLead(0.05));
    expect(schedule.place(10, 0.05)).toEqual({ startAt: 10.05, underrun: false });
    expect(schedule.place(10.02, 0.05).startAt).toBeCloseTo(10.1, 9);
    expect(schedule.place(10.06, 0.05).startAt).toBeCloseTo(10.15, 9);
    expect(schedule.endsAt).toBeCloseTo(10.2, 9);
    expect(schedule.underruns).toBe(0);
  });

  it('re-buffers after an underrun with the lead the rule gives then, and says which lead ran dry', () => {
    const rule = new RecordingLead(0.05);
    const schedule = new PlaybackSchedule(rule);
    schedule.place(0, 0.05); // plays 0.05..0.10
    const late = schedule.place(0.5, 0.05);
    expect(late.underrun).toBe(true);
    expect(late.startAt).toBeCloseTo(0.6, 9);
    expect(rule.underruns).toEqual([0.05]);
    schedule.place(2, 0.05);
    expect(rule.underruns).toEqual([0.05, 0.1]);
    expect(schedule.underruns).toBe(2);
  });

  it('asks the rule for room for what the decoder holds back, at a start only', () => {
    const rule = new RecordingLead(0.02);
    const schedule = new PlaybackSchedule(rule);
    expect(schedule.place(1, 0.026, 0.026).startAt).toBeCloseTo(1.046, 9);
    expect(schedule.place(1.03, 0.026, 0.026).startAt).toBeCloseTo(1.072, 9);
    expect(rule.holds).toEqual([0.026]);
  });

  it('after an underrun tells the rule the lead that ran dry without the decoder’s hold', () => {
    const rule = new RecordingLead(0.02);
    const schedule = new PlaybackSchedule(rule);
    schedule.place(0, 0.026, 0.026); // 46 ms ahead: 20 for the link, 26 for the held frame
    schedule.place(1, 0.026, 0.026);
    expect(rule.underruns).toHaveLength(1);
    expect(rule.underruns[0]).toBeCloseTo(0.02, 9);
  });

  it('counts only audio that has played, not the silence of a gap', () => {
    const schedule = new PlaybackSchedule(new FixedLead());
    expect(schedule.playedS(0)).toBe(0);
    schedule.place(0, 0.1); // 0.058..0.158
    expect(schedule.playedS(0.05)).toBe(0);
    expect(schedule.playedS(0.108)).toBeCloseTo(0.05, 9);
    expect(schedule.playedS(0.3)).toBeCloseTo(0.1, 9);
    schedule.place(1, 0.1); // underrun: the lead is now 108 ms, so 1.108..1.208
    expect(schedule.playedS(1.05)).toBeCloseTo(0.1, 9);
    expect(schedule.playedS(1.158)).toBeCloseTo(0.15, 9);
    expect(schedule.drained(1.158)).toBe(false);
    expect(schedule.drained(1.21)).toBe(true);
    expect(schedule.playedS(5)).toBeCloseTo(0.2, 9);
  });

  it('is never drained before anything was placed', () => {
    expect(new PlaybackSchedule(new AdaptiveLead()).drained(100)).toBe(false);
  });
});
