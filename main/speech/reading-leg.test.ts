import { describe, expect, it } from 'vitest';
import { audioCutter } from './audio-hold';
import { parseOutputFormat } from '../../shared/protocol';
import { MAX_HOLD_MS, ReadingLeg } from './reading-leg';
import type { Handover } from './reading-leg';
import type { AudioChunk } from './session';

const PCM_8000 = audioCutter(parseOutputFormat('pcm_8000')!)!;
const CHAR_MS = 10;
const BYTES_PER_MS = 16; // 8000 samples/s, 2 bytes each

/** `text` voiced from `fromMs` at CHAR_MS per character, with alignment in the same chunk. */
function voiced(text: string, fromMs: number, audioMs = text.length * CHAR_MS): AudioChunk {
  return {
    audio: new Uint8Array(audioMs * BYTES_PER_MS),
    startMs: fromMs,
    durationMs: audioMs,
    chars: Array.from(text, (char, i) => ({ char, startMs: fromMs + i * CHAR_MS, durationMs: CHAR_MS })),
  };
}

function audioMs(handover: Handover): number {
  return handover.audio.reduce((sum, chunk) => sum + chunk.durationMs, 0);
}

function spoken(text: string, handover: Handover): string[] {
  return handover.words.map((w) => text.slice(w.textOffset, w.textOffset + w.length));
}

describe('ReadingLeg', () => {
  it('hands audio over up to the start of the word still arriving, and that word later', () => {
    const text = 'Hello brave world';
    const leg = new ReadingLeg({ textOffset: 0, wordIndex: 0, audioMs: 0 }, text, PCM_8000);
    // "Hello bra": "brave" has begun, so its audio (from 60 ms) waits.
    const first = leg.take(voiced('Hello bra', 0));
    expect(audioMs(first)).toBe(60);
    expect(spoken(text, first)).toEqual(['Hello']);
    expect(leg.resumePoint()).toEqual({ textOffset: 6, wordIndex: 1, audioMs: 60 });
    // "ve wor" completes "brave" and begins "world".
    const second = leg.take(voiced('ve wor', 90));
    expect(second.audio[0]!.startMs).toBe(60);
    expect(audioMs(second)).toBe(60);
    expect(spoken(text, second)).toEqual(['brave']);
    // The session finished: the rest of the audio, and the word in progress.
    const rest = leg.finish();
    expect(audioMs(rest)).toBe(30);
    expect(spoken(text, rest)).toEqual(['world']);
    expect(leg.endMs).toBe(150);
  });

  it('holds a word whose timing runs past the audio received', () => {
    const text = 'One two';
    const leg = new ReadingLeg({ textOffset: 0, wordIndex: 0, audioMs: 0 }, text, PCM_8000);
    // All characters are timed at once, but only 50 ms of audio came: "two" (40-70 ms) waits.
    const handover = leg.take({
      ...voiced('One two', 0),
      audio: new Uint8Array(50 * BYTES_PER_MS),
      durationMs: 50,
    });
    expect(audioMs(handover)).toBe(40);
    expect(spoken(text, handover)).toEqual(['One']);
    expect(leg.resumePoint()).toEqual({ textOffset: 4, wordIndex: 1, audioMs: 40 });
  });

  it('places a resumed leg on the reading: offsets, indices and times follow on', () => {
    const text = 'Alpha beta gamma';
    const leg = new ReadingLeg({ textOffset: 6, wordIndex: 1, audioMs: 1000 }, text.slice(6), PCM_8000);
    const handover = leg.take(voiced('beta gam', 0));
    expect(handover.audio[0]).toMatchObject({ startMs: 1000, durationMs: 50 });
    expect(handover.audio[0]!.chars[0]).toMatchObject({ char: 'b', startMs: 1000 });
    expect(handover.words).toEqual([{ index: 1, textOffset: 6, length: 4, startMs: 1000, durationMs: 40 }]);
    expect(leg.resumePoint()).toEqual({ textOffset: 11, wordIndex: 2, audioMs: 1050 });
  });

  it('says where the text ends once every word was handed over', () => {
    const leg = new ReadingLeg({ textOffset: 0, wordIndex: 0, audioMs: 0 }, 'Hi there ', PCM_8000);
    leg.take(voiced('Hi there ', 0));
    expect(leg.resumePoint()).toEqual({ textOffset: 9, wordIndex: 2, audioMs: 90 });
  });

  it('passes everything on, and knows no position, for audio without timing', () => {
    const leg = new ReadingLeg({ textOffset: 0, wordIndex: 0, audioMs: 0 }, 'Untimed words', PCM_8000);
    expect(leg.resumePoint()).toEqual({ textOffset: 0, wordIndex: 0, audioMs: 0 });
    const handover = leg.take({ ...voiced('', 0, 200), chars: [] });
    expect(audioMs(handover)).toBe(200);
    expect(leg.resumePoint()).toBeUndefined();
  });

  it('stops holding when the timing never matches the text', () => {
    const text = 'Plain words here and more words';
    const leg = new ReadingLeg({ textOffset: 0, wordIndex: 0, audioMs: 0 }, text, PCM_8000);
    const strange = (fromMs: number) => ({
      ...voiced('', fromMs, 1000),
      chars: [{ char: '#', startMs: fromMs, durationMs: 1000 }],
    });
    let handedOver = 0;
    for (let ms = 0; ms <= MAX_HOLD_MS; ms += 1000) handedOver += audioMs(leg.take(strange(ms)));
    expect(handedOver).toBe(MAX_HOLD_MS + 1000);
    expect(leg.resumePoint()).toBeUndefined();
  });

  it('without a cutter (no resuming, or opus) passes chunks and words straight on', () => {
    const text = 'Straight on';
    const leg = new ReadingLeg({ textOffset: 0, wordIndex: 0, audioMs: 0 }, text, undefined);
    const handover = leg.take(voiced('Straight o', 0));
    expect(audioMs(handover)).toBe(100);
    expect(spoken(text, handover)).toEqual(['Straight']);
    expect(leg.resumePoint()).toBeUndefined();
  });
});
