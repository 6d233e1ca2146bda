import { describe, expect, it } from 'vitest';
import { SpeechError, errorFromClose, errorFromFrame, errorFromHandshake } from '../../shared/speech-errors';
import type { SpeechErrorCode } from '../../shared/speech-errors';
import { gaveUp, isTransient, pause } from './resume';

function error(code: SpeechErrorCode, status?: number): SpeechError {
  return new SpeechError(code, 'A message.', status);
}

describe('isTransient', () => {
  it('retries drops, silences, resets and a restarting engine', () => {
    for (const code of [
      'network',
      'connect_timeout',
      'first_audio_timeout',
      'silence_timeout',
      'input_timeout_exceeded',
      'malformed_frame',
      'engine_failed',
    ] as const) {
      expect(isTransient(error(code)), code).toBe(true);
    }
    expect(isTransient(errorFromClose(1006, ''))).toBe(true);
    expect(isTransient(errorFromClose(1011, 'internal error'))).toBe(true);
    expect(isTransient(errorFromClose(1001, 'going away'))).toBe(true);
    expect(isTransient(errorFromFrame('engine_failed', 'The offline voice failed.', 1011))).toBe(true);
    expect(isTransient(errorFromFrame('internal_oops', 'Sorry.', 1011))).toBe(true);
    expect(isTransient(errorFromHandshake(500))).toBe(true);
    expect(isTransient(errorFromHandshake(503))).toBe(true);
    expect(isTransient(errorFromHandshake(429))).toBe(true);
  });

  it("retries ElevenLabs' intermittent internal error, although it closes with 1008", () => {
    const words = 'We are sorry, something went wrong. You are not charged for this request.';
    const closed = errorFromClose(1008, words);
    expect(closed).toMatchObject({ code: 'server_error', status: 1008 });
    expect(closed.message).toContain(words);
    expect(isTransient(closed)).toBe(true);
    // The same words in an error frame with a code Hark does not know.
    expect(isTransient(errorFromFrame('internal_error', words, 1008))).toBe(true);
    // A code that says what went wrong stays final whatever the words.
    expect(isTransient(errorFromFrame('quota_exceeded', words, 1008))).toBe(false);
  });

  it('never retries a refused key, a used-up quota, bad input or a policy close', () => {
    for (const code of [
      'invalid_api_key',
      'quota_exceeded',
      'invalid_input_message',
      'authentication_required',
      'voice_not_found',
      'unsupported_format',
      'io_failed',
      'aborted',
    ] as const) {
      expect(isTransient(error(code)), code).toBe(false);
    }
    expect(isTransient(errorFromClose(1008, ''))).toBe(false);
    expect(isTransient(errorFromClose(1008, 'Quota exceeded'))).toBe(false);
    expect(isTransient(errorFromClose(1008, 'Invalid API key'))).toBe(false);
    expect(isTransient(errorFromClose(1008, 'Policy violation'))).toBe(false);
    expect(isTransient(errorFromClose(1009, 'too big'))).toBe(false);
    expect(isTransient(errorFromFrame('internal_oops', 'Policy.', 1008))).toBe(false);
    expect(isTransient(errorFromHandshake(401))).toBe(false);
    expect(isTransient(errorFromHandshake(403))).toBe(false);
    expect(isTransient(errorFromHandshake(404))).toBe(false);
  });
});

describe('gaveUp', () => {
  it('keeps the code and status and says that reconnecting was tried', () => {
    const last = errorFromClose(1011, 'internal error');
    const final = gaveUp(last, 3);
    expect(final).toMatchObject({ code: 'server_closed', status: 1011 });
    expect(final.message).toBe(`${last.message} Hark tried to reconnect 3 times without success.`);
    expect(gaveUp(last, 1).message).toMatch(/reconnect once without/);
  });
});

describe('pause', () => {
  it('resolves after the wait, and a cancelled pause leaves no timer behind', async () => {
    await pause(5).done;
    const timers = () => process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
    const before = timers();
    const waiting = pause(60_000);
    expect(timers()).toBe(before + 1);
    waiting.cancel();
    expect(timers()).toBe(before);
  });
});
