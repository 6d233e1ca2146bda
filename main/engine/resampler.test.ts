import { describe, expect, it } from 'vitest';
import { createResampler } from './resampler';

function ramp(length: number): Int16Array {
  return Int16Array.from({ length }, (_, i) => Math.round(8000 * Math.sin(i / 20)));
}

describe('createResampler', () => {
  it('passes audio through untouched when the rates match', async () => {
    const resampler = await createResampler(22050, 22050);
    const input = ramp(100);
    const output = resampler.process(input);
    expect(output).toEqual(input);
    expect(output).not.toBe(input);
    expect(resampler.flush()).toHaveLength(0);
  });

  it('holds back the filter delay until flush, then totals exactly round(input × ratio)', async () => {
    for (const [from, to] of [
      [22050, 44100],
      [22050, 8000],
      [22050, 24000],
    ] as const) {
      const resampler = await createResampler(from, to);
      let total = 0;
      for (const size of [1000, 3, 517, 2205]) total += resampler.process(ramp(size)).length;
      const expected = Math.round((3725 * to) / from);
      expect(total).toBeLessThan(expected);
      total += resampler.flush().length;
      expect(total).toBe(expected);
      expect(resampler.flush()).toHaveLength(0);
      expect(() => resampler.process(ramp(10))).toThrow();
    }
  });

  it('gives nothing for nothing', async () => {
    const resampler = await createResampler(22050, 16000);
    expect(resampler.process(new Int16Array(0))).toHaveLength(0);
    expect(resampler.flush()).toHaveLength(0);
  });

  it('refuses impossible rates', async () => {
    await expect(createResampler(0, 8000)).rejects.toThrow(RangeError);
    await expect(createResampler(22050, 44100.5)).rejects.toThrow(RangeError);
  });
});
