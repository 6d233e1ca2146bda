import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { WordProgress } from '../../../shared/contract';
import {
  acceptPlayback,
  acceptWord,
  arrivedAudioEndMs,
  bringUpTo,
  estimatePlayedMs,
  insertWord,
  msUntilNextWord,
  setClockRunning,
  wordIndexAt,
} from './caption-clock';
import type { CaptionReading, ClockAnchor } from './caption-clock';

const SENTENCE = { text: 'One two three.', offset: 0 };

function word(index: number, startMs: number, durationMs = 200, readingId = 1): WordProgress {
  return {
    index,
    textOffset: index * 4,
    length: 3,
    startMs,
    durationMs,
    text: `w${index}`,
    readingId,
    sentence: SENTENCE,
  };
}

const WORDS = [word(0, 0), word(1, 300), word(2, 600), word(3, 900)];

describe('estimatePlayedMs', () => {
  const running: ClockAnchor = { playedMs: 1000, at: 5000, running: true, rate: 1 };

  it('moves on with the page clock from the last known position while running', () => {
    expect(estimatePlayedMs(running, 5000, 10_000)).toBe(1000);
    expect(estimatePlayedMs(running, 5250, 10_000)).toBe(1250);
  });

  it('stays put while stopped, however much time passes', () => {
    expect(estimatePlayedMs({ ...running, running: false, rate: 1 }, 99_000, 10_000)).toBe(1000);
  });

  it('never runs past the audio that has arrived', () => {
    expect(estimatePlayedMs(running, 9000, 1400)).toBe(1400);
  });

  it('keeps a reported position beyond the words received (the report is the truth)', () => {
    expect(estimatePlayedMs(running, 9000, 600)).toBe(1000);
  });

  it('does not go back when the page clock is behind the anchor', () => {
    expect(estimatePlayedMs(running, 4000, 10_000)).toBe(1000);
  });
});

describe('setClockRunning', () => {
  it('freezes at the position reached and restarts from there', () => {
    const start: ClockAnchor = { playedMs: 0, at: 100, running: true, rate: 1 };
    const paused = setClockRunning(start, false, 400, 10_000);
    expect(paused).toEqual({ playedMs: 300, at: 400, running: false, rate: 1 });
    const resumed = setClockRunning(paused, true, 5000, 10_000);
    expect(resumed).toEqual({ playedMs: 300, at: 5000, running: true, rate: 1 });
    expect(estimatePlayedMs(resumed, 5100, 10_000)).toBe(400);
  });

  it('leaves an anchor alone when nothing changes', () => {
    const anchor: ClockAnchor = { playedMs: 10, at: 20, running: true, rate: 1 };
    expect(setClockRunning(anchor, true, 999, 10_000)).toBe(anchor);
  });

  it('freezes at the end of the arrived audio, not beyond', () => {
    const anchor: ClockAnchor = { playedMs: 0, at: 0, running: true, rate: 1 };
    expect(setClockRunning(anchor, false, 5000, 700).playedMs).toBe(700);
  });
});

describe('bringUpTo', () => {
  it('moves a running anchor to now at the position reached', () => {
    expect(bringUpTo({ playedMs: 100, at: 0, running: true, rate: 1 }, 300, 10_000)).toEqual({
      playedMs: 400,
      at: 300,
      running: true,
      rate: 1,
    });
    expect(bringUpTo({ playedMs: 100, at: 0, running: true, rate: 1 }, 300, 250).playedMs).toBe(250);
  });
});

describe('wordIndexAt', () => {
  it('finds the last word that has started', () => {
    expect(wordIndexAt(WORDS, 0)).toBe(0);
    expect(wordIndexAt(WORDS, 299)).toBe(0);
    expect(wordIndexAt(WORDS, 300)).toBe(1);
    expect(wordIndexAt(WORDS, 899)).toBe(2);
    expect(wordIndexAt(WORDS, 50_000)).toBe(3);
  });

  it('is -1 before the first word and for no words', () => {
    expect(wordIndexAt([word(0, 100)], 99)).toBe(-1);
    expect(wordIndexAt([], 1000)).toBe(-1);
  });

  it('keeps a word current through the silence after it', () => {
    const gap = [word(0, 0, 100), word(1, 1000)];
    expect(wordIndexAt(gap, 500)).toBe(0);
  });

  it('agrees with a linear search for any sorted start times', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(100_000), { maxLength: 200 }),
        fc.integer({ min: -10, max: 110_000 }),
        (starts, position) => {
          const words = [...starts].sort((a, b) => a - b).map((startMs, index) => word(index, startMs));
          let expected = -1;
          words.forEach((known, index) => {
            if (known.startMs <= position) expected = index;
          });
          expect(wordIndexAt(words, position)).toBe(expected);
        },
      ),
    );
  });
});

describe('insertWord', () => {
  it('appends words that arrive in order', () => {
    expect(insertWord([word(0, 0)], word(1, 300)).map((w) => w.index)).toEqual([0, 1]);
  });

  it('puts a late word in its place by start time', () => {
    const words = insertWord([word(0, 0), word(2, 600)], word(1, 300));
    expect(words.map((w) => w.index)).toEqual([0, 1, 2]);
  });

  it('replaces a word it already has and leaves the input alone', () => {
    const before = [word(0, 0), word(1, 300)];
    const after = insertWord(before, { ...word(1, 300), durationMs: 250 });
    expect(after).toHaveLength(2);
    expect(after[1]?.durationMs).toBe(250);
    expect(before[1]?.durationMs).toBe(200);
  });
});

describe('arrivedAudioEndMs and msUntilNextWord', () => {
  it('ends where the latest word ends', () => {
    expect(arrivedAudioEndMs(WORDS)).toBe(1100);
    expect(arrivedAudioEndMs([])).toBe(0);
  });

  it('says how long until the next word starts, and nothing after the last', () => {
    expect(msUntilNextWord(WORDS, 0)).toBe(300);
    expect(msUntilNextWord(WORDS, 550)).toBe(50);
    expect(msUntilNextWord([word(0, 100)], 0)).toBe(100);
    expect(msUntilNextWord(WORDS, 950)).toBeUndefined();
  });
});

describe('playback speed', () => {
  it('moves on at the anchor’s rate: 2× covers twice the words’ timeline per page millisecond', () => {
    const fast: ClockAnchor = { playedMs: 1000, at: 5000, running: true, rate: 2 };
    expect(estimatePlayedMs(fast, 5250, 10_000)).toBe(1500);
    expect(estimatePlayedMs({ ...fast, rate: 0.5 }, 5400, 10_000)).toBe(1200);
    // Still never past the audio received.
    expect(estimatePlayedMs(fast, 9000, 1600)).toBe(1600);
  });

  it('takes the speed from each playback report', () => {
    let reading = acceptWord(undefined, word(0, 0), 0, true);
    reading = acceptPlayback(reading, { readingId: 1, playedMs: 100, speed: 2 }, 1000, true);
    expect(reading.anchor.rate).toBe(2);
    expect(estimatePlayedMs(reading.anchor, 1300, 10_000)).toBe(700);
    reading = acceptPlayback(reading, { readingId: 1, playedMs: 700, speed: 1 }, 1300, true);
    expect(estimatePlayedMs(reading.anchor, 1400, 10_000)).toBe(800);
  });

  it('keeps the rate through pause, resume and a new passage, until a report says otherwise', () => {
    let reading = acceptWord(undefined, word(0, 0), 0, true);
    reading = acceptPlayback(reading, { readingId: 1, playedMs: 0, speed: 1.5 }, 0, true);
    const paused = setClockRunning(reading.anchor, false, 200, 10_000);
    expect(paused).toEqual({ playedMs: 300, at: 200, running: false, rate: 1.5 });
    expect(setClockRunning(paused, true, 1000, 10_000).rate).toBe(1.5);
    // After a jump the passage has a new reading id: its words start again from 0 at the same speed.
    const next = acceptWord(reading, word(0, 0, 200, 2), 2000, true);
    expect(next.id).toBe(2);
    expect(next.anchor.rate).toBe(1.5);
    expect(acceptPlayback(reading, { readingId: 3, playedMs: 0, speed: 3 }, 0, true).anchor.rate).toBe(3);
  });

  it('ignores a speed that is not a positive number', () => {
    const reading = acceptPlayback(undefined, { readingId: 1, playedMs: 0, speed: 2 }, 0, true);
    expect(
      acceptPlayback(reading, { readingId: 1, playedMs: 0, speed: Number.NaN }, 0, true).anchor.rate,
    ).toBe(2);
    expect(acceptPlayback(reading, { readingId: 1, playedMs: 0, speed: 0 }, 0, true).anchor.rate).toBe(2);
  });

  it('waits for the next word in page time: half as long at 2×', () => {
    expect(msUntilNextWord(WORDS, 100, 2)).toBe(100);
    expect(msUntilNextWord(WORDS, 100, 0.5)).toBe(400);
  });
});

describe('readings', () => {
  it('starts a reading at 0 from the first word, running when the app is speaking', () => {
    const reading = acceptWord(undefined, word(0, 0, 200, 7), 1234, true);
    expect(reading).toEqual({
      id: 7,
      words: [word(0, 0, 200, 7)],
      anchor: { playedMs: 0, at: 1234, running: true, rate: 1 },
    });
  });

  it('adds words of the same reading and keeps its position', () => {
    const first = acceptWord(undefined, word(0, 0), 100, true);
    const second = acceptWord(first, word(1, 300), 250, true);
    expect(second.words).toHaveLength(2);
    expect(second.anchor).toEqual({ playedMs: 150, at: 250, running: true, rate: 1 });
    expect(estimatePlayedMs(second.anchor, 400, arrivedAudioEndMs(second.words))).toBe(300);
  });

  it('does not count a wait for more audio as heard once the audio arrives', () => {
    // The first word's audio ends at 200 ms; nothing more arrives for 5 s, then the next word.
    const first = acceptWord(undefined, word(0, 0), 0, true);
    const second = acceptWord(first, word(1, 200), 5000, true);
    expect(estimatePlayedMs(second.anchor, 5000, arrivedAudioEndMs(second.words))).toBe(200);
    expect(estimatePlayedMs(second.anchor, 5100, arrivedAudioEndMs(second.words))).toBe(300);
  });

  it('leaves a stopped clock where it is when a word arrives', () => {
    const first = acceptWord(undefined, word(0, 0), 0, false);
    expect(acceptWord(first, word(1, 300), 5000, false).anchor).toBe(first.anchor);
  });

  it('replaces the old reading when a word of a new one arrives', () => {
    let reading: CaptionReading = acceptWord(undefined, word(0, 0, 200, 1), 0, true);
    reading = acceptPlayback(reading, { readingId: 1, playedMs: 900, speed: 1 }, 1000, true);
    reading = acceptWord(reading, word(0, 0, 200, 2), 2000, true);
    expect(reading.id).toBe(2);
    expect(reading.words.map((w) => w.readingId)).toEqual([2]);
    expect(reading.anchor).toEqual({ playedMs: 0, at: 2000, running: true, rate: 1 });
  });

  it('ignores words and reports of a reading that is already gone', () => {
    const reading = acceptWord(undefined, word(0, 0, 200, 5), 0, true);
    expect(acceptWord(reading, word(9, 5000, 200, 4), 10, true)).toBe(reading);
    expect(acceptPlayback(reading, { readingId: 4, playedMs: 5000, speed: 1 }, 10, true)).toBe(reading);
  });

  it('takes a playback report as the new anchor, keeping whether the clock runs', () => {
    const reading = acceptWord(undefined, word(0, 0), 0, false);
    const reported = acceptPlayback(reading, { readingId: 1, playedMs: 420, speed: 1 }, 3000, true);
    expect(reported.anchor).toEqual({ playedMs: 420, at: 3000, running: false, rate: 1 });
    expect(reported.words).toBe(reading.words);
  });

  it('starts a new reading from a report that comes before its first word', () => {
    const reading = acceptWord(undefined, word(0, 0, 200, 1), 0, true);
    const next = acceptPlayback(reading, { readingId: 2, playedMs: 50, speed: 1 }, 700, true);
    expect(next).toEqual({ id: 2, words: [], anchor: { playedMs: 50, at: 700, running: true, rate: 1 } });
  });
});
