import { describe, expect, it } from 'vitest';
import { describeAppState, isReading } from './state-text';

describe('state text', () => {
  it('says that a lost connection is being mended, and counts it as reading', () => {
    const state = { kind: 'reconnecting', source: 'selection', attempt: 2 } as const;
    expect(describeAppState(state)).toBe(
      'Connection lost, reconnecting to go on reading the selection (attempt 2)…',
    );
    expect(isReading(state)).toBe(true);
    expect(isReading({ kind: 'error', code: 'network', message: 'Could not reach the server.' })).toBe(false);
  });
});
