import { describe, expect, it } from 'vitest';
import { isStaleSelection, PrimarySelectionStrategy } from './primary';

function clock(start = 1_000_000) {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('isStaleSelection', () => {
  it('is stale only for the same text AND a last capture older than the window', () => {
    const last = { text: 'a', at: 0 };
    expect(isStaleSelection(undefined, 'a', 99_999, 30_000)).toBe(false);
    expect(isStaleSelection(last, 'a', 30_000, 30_000)).toBe(false);
    expect(isStaleSelection(last, 'a', 30_001, 30_000)).toBe(true);
    expect(isStaleSelection(last, 'b', 99_999, 30_000)).toBe(false);
  });
});

describe('PrimarySelectionStrategy', () => {
  it('takes new text, re-reads the same text within the window, and calls it stale after', async () => {
    let primary = 'first selection';
    const time = clock();
    const strategy = new PrimarySelectionStrategy(() => Promise.resolve(primary), {
      staleAfterMs: 30_000,
      now: time.now,
    });

    expect(await strategy.read()).toEqual({ kind: 'text', text: 'first selection' });
    time.advance(20_000);
    expect(await strategy.read()).toEqual({ kind: 'text', text: 'first selection' });
    // The second capture restarted the window.
    time.advance(25_000);
    expect(await strategy.read()).toEqual({ kind: 'text', text: 'first selection' });
    time.advance(30_001);
    expect(await strategy.read()).toMatchObject({ kind: 'empty' });
    // A stale answer does not restart the window.
    time.advance(1_000);
    expect(await strategy.read()).toMatchObject({ kind: 'empty' });

    primary = 'second selection';
    expect(await strategy.read()).toEqual({ kind: 'text', text: 'second selection' });
  });

  it('going back to an earlier text is a new selection', async () => {
    const answers = ['A', 'B', 'A'];
    const time = clock();
    const strategy = new PrimarySelectionStrategy(() => Promise.resolve(answers.shift() ?? ''), {
      now: time.now,
      staleAfterMs: 10,
    });
    for (const expected of ['A', 'B', 'A']) {
      time.advance(1_000);
      expect(await strategy.read()).toEqual({ kind: 'text', text: expected });
    }
  });

  it('empty or whitespace-only PRIMARY is empty', async () => {
    for (const text of ['', ' \n\t ']) {
      const strategy = new PrimarySelectionStrategy(() => Promise.resolve(text));
      expect(await strategy.read()).toEqual({ kind: 'empty', detail: 'PRIMARY selection is empty' });
    }
  });

  it('a reader that fails or hangs is reported, within the timeout', async () => {
    const failing = new PrimarySelectionStrategy(() => Promise.reject(new Error('X connection broken')));
    expect(await failing.read()).toEqual({
      kind: 'unavailable',
      problem: 'capture-failed',
      detail: 'X connection broken',
    });

    const hanging = new PrimarySelectionStrategy(() => new Promise<string>(() => undefined), {
      timeoutMs: 30,
    });
    const started = Date.now();
    expect(await hanging.read()).toEqual({
      kind: 'unavailable',
      problem: 'capture-failed',
      detail: 'The PRIMARY selection did not answer within 30 ms',
    });
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
