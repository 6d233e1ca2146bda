import { describe, expect, it } from 'vitest';
import { decodeServerFrame } from '../../shared/protocol';
import { FINAL_FRAME, audioFrame, closeReason, errorFrame, inputTimeoutExceeded } from './server-messages';

describe('server frames', () => {
  it('audio frames carry isFinal null and camelCase alignment that the client parser accepts', () => {
    const alignment = { chars: ['h', 'i'], charStartTimesMs: [0, 50], charDurationsMs: [50, 60] };
    const raw = audioFrame('AAAA', alignment);
    expect(JSON.parse(raw)).toEqual({
      audio: 'AAAA',
      isFinal: null,
      normalizedAlignment: alignment,
      alignment,
    });
    expect(decodeServerFrame(raw)).toEqual({
      ok: true,
      value: { kind: 'audio', audio: 'AAAA', alignment, normalizedAlignment: alignment },
    });
  });

  it('the final frame has the documented shape', () => {
    expect(FINAL_FRAME).toBe('{"audio":null,"isFinal":true,"normalizedAlignment":null,"alignment":null}');
  });

  it('the timeout error names the real number of seconds', () => {
    const problem = inputTimeoutExceeded(1.5);
    expect(problem.message).toContain('within the timeout of 1.5 seconds');
    expect(JSON.parse(errorFrame(problem))).toEqual({
      message: problem.message,
      error: 'input_timeout_exceeded',
      code: 1008,
    });
  });
});

describe('closeReason', () => {
  it('keeps short reasons and cuts long ones to 123 bytes at a character boundary', () => {
    expect(closeReason('Invalid API key')).toBe('Invalid API key');
    const long = 'é'.repeat(100);
    const cut = closeReason(long);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(123);
    expect(long.startsWith(cut)).toBe(true);
    expect(cut.length).toBe(61);
  });
});
