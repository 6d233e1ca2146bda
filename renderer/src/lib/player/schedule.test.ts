import { describe, expect, it } from 'vitest';
import { PlaybackSchedule } from './schedule';

const policy = { initialS: 0.05, growthS: 0.05, maxS: 0.12 };

describe('PlaybackSchedule', () => {
  it('starts the first chunk one lead from now and the next ones back to back', () => {
    const schedule = new PlaybackSchedule(policy);
    expect(schedule.place(10, 0.05)).toEqual({ startAt: 10.05, underrun: false });
    expect(schedule.place(10.02, 0.05).startAt).toBeCloseTo(10.1, 9);
    expect(schedule.place(10.06, 0.05).startAt).toBeCloseTo(10.15, 9);
    expect(schedule.endsAt).toBeCloseTo(10.2, 9);
    expect(schedule.underruns).toBe(0);
  });

  it('re-buffers after an underrun with a longer lead, capped', () => {
    const schedule = new PlaybackSchedule(policy);
    schedule.place(0, 0.05); // plays 0.05..0.10
    const late = schedule.place(0.5, 0.05);
    expect(late.underrun).toBe(true);
    expect(late.startAt).toBeCloseTo(0.6, 9);
    expect(schedule.leadS).toBeCloseTo(0.1, 9);
    schedule.place(2, 0.05);
    expect(schedule.leadS).toBeCloseTo(0.12, 9);
    expect(schedule.underruns).toBe(2);
  });

  it('counts only audio that has played, not the silence of a gap', () => {
    const schedule = new PlaybackSchedule(policy);
    expect(schedule.playedS(0)).toBe(0);
    schedule.place(0, 0.1); // 0.05..0.15
    expect(schedule.playedS(0.04)).toBe(0);
    expect(schedule.playedS(0.1)).toBeCloseTo(0.05, 9);
    expect(schedule.playedS(0.3)).toBeCloseTo(0.1, 9);
    schedule.place(1, 0.1); // underrun: 1.1..1.2
    expect(schedule.playedS(1.05)).toBeCloseTo(0.1, 9);
    expect(schedule.playedS(1.15)).toBeCloseTo(0.15, 9);
    expect(schedule.drained(1.15)).toBe(false);
    expect(schedule.drained(1.21)).toBe(true);
    expect(schedule.playedS(5)).toBeCloseTo(0.2, 9);
  });

  it('is never drained before anything was placed', () => {
    expect(new PlaybackSchedule(policy).drained(100)).toBe(false);
  });
});
