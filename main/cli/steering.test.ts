import { describe, expect, it } from 'vitest';
import { canSteer, formatClock, parseKeys, renderProgress } from './steering';
import type { ProgressState } from './steering';

const STATE: ProgressState = {
  place: { sentence: 2, sentenceCount: 12, totalMs: 41_000 },
  elapsedMs: 7_400,
  speed: 1,
  paused: false,
  speedAdjustable: true,
};

describe('parseKeys', () => {
  it('reads space, arrows, + and -, q and Ctrl-C', () => {
    expect(parseKeys(' ')).toEqual(['pause']);
    expect(parseKeys('\x1b[C\x1b[D')).toEqual(['next', 'previous']);
    expect(parseKeys('+=-_')).toEqual(['faster', 'faster', 'slower', 'slower']);
    expect(parseKeys('qQ\x03')).toEqual(['stop', 'stop', 'interrupt']);
  });

  it('reads arrows in application cursor mode too', () => {
    expect(parseKeys('\x1bOC\x1bOD')).toEqual(['next', 'previous']);
  });

  it('skips other keys and whole unknown escape sequences', () => {
    // Up arrow, F5, a bare Escape: none is a steering key, and their bytes are not read as q or +.
    expect(parseKeys('x\x1b[A\x1b[15~a\x1b')).toEqual([]);
    expect(parseKeys('\x1b[1;5C ')).toEqual(['pause']);
  });
});

describe('formatClock', () => {
  it('shows m:ss, and h:mm:ss past an hour', () => {
    expect(formatClock(0)).toBe('0:00');
    expect(formatClock(7_999)).toBe('0:07');
    expect(formatClock(61_000)).toBe('1:01');
    expect(formatClock(3_725_000)).toBe('1:02:05');
    expect(formatClock(-5)).toBe('0:00');
  });
});

describe('renderProgress', () => {
  it('shows the sentence, the time, the speed and the keys', () => {
    expect(renderProgress(STATE, 200)).toBe(
      'Sentence 3/12  0:07 / 0:41  1.0×  [space] pause  [←/→] sentence  [+/-] speed  [q] stop',
    );
  });

  it('says paused, and that space resumes', () => {
    const line = renderProgress({ ...STATE, paused: true, speed: 1.5 }, 200);
    expect(line).toContain('1.5×  paused  [space] resume');
  });

  it('leaves the speed out when the audio cannot be stretched', () => {
    const line = renderProgress({ ...STATE, speedAdjustable: false }, 200);
    expect(line).not.toContain('×');
    expect(line).not.toContain('[+/-]');
  });

  it('never wraps: cut to one less than the width', () => {
    expect([...renderProgress(STATE, 30)]).toHaveLength(29);
  });

  it('a stream shows its time so far and no sentence keys (its text is still arriving)', () => {
    const { place: _place, ...stream } = STATE;
    expect(renderProgress(stream, 200)).toBe('Streaming  0:07  1.0×  [space] pause  [+/-] speed  [q] stop');
  });

  it('never shows a total below the elapsed time (an estimate that was short)', () => {
    expect(renderProgress({ ...STATE, elapsedMs: 50_000 }, 200)).toContain('0:50 / 0:50');
  });
});

describe('canSteer', () => {
  const tty = { isTTY: true, setRawMode: () => undefined };

  it('needs a terminal at both ends that can draw', () => {
    expect(canSteer(tty, { isTTY: true }, { TERM: 'xterm' })).toBe(true);
    expect(canSteer(tty, { isTTY: false }, { TERM: 'xterm' })).toBe(false);
    expect(canSteer({ isTTY: false }, { isTTY: true }, { TERM: 'xterm' })).toBe(false);
    expect(canSteer(tty, { isTTY: true }, { TERM: 'dumb' })).toBe(false);
  });
});
