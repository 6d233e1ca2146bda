import { describe, expect, it } from 'vitest';
import { rovingIndex } from './roving-focus';

describe('rovingIndex', () => {
  it('wraps around for tabs', () => {
    expect(rovingIndex('ArrowRight', 2, 3, { wrap: true })).toBe(0);
    expect(rovingIndex('ArrowLeft', 0, 3, { wrap: true })).toBe(2);
  });

  it('stops at the ends for toolbars', () => {
    expect(rovingIndex('ArrowRight', 5, 6, { wrap: false })).toBe(5);
    expect(rovingIndex('ArrowLeft', 0, 6, { wrap: false })).toBe(0);
    expect(rovingIndex('ArrowRight', 1, 6, { wrap: false })).toBe(2);
  });

  it('jumps with Home and End, and ignores other keys', () => {
    expect(rovingIndex('Home', 4, 6, { wrap: false })).toBe(0);
    expect(rovingIndex('End', 0, 6, { wrap: true })).toBe(5);
    expect(rovingIndex('Enter', 1, 6, { wrap: true })).toBeUndefined();
  });
});
