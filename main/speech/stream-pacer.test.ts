import { describe, expect, it } from 'vitest';
import { StreamChunker } from './stream-chunker';
import { StreamPacer } from './stream-pacer';
import type { PlaybackProgress } from './text-pacer';

const NOTHING_YET: PlaybackProgress = { playedMs: 0, receivedAudioMs: 0, voicedChars: 0, voicedAudioMs: 0 };

/** The listener has heard everything voiced so far: `chars` at 70 ms each. */
function caughtUp(chars: number): PlaybackProgress {
  return { playedMs: chars * 70, receivedAudioMs: chars * 70, voicedChars: chars, voicedAudioMs: chars * 70 };
}

function pacerWith(text: string, leadMs = 4000): StreamPacer {
  const pacer = new StreamPacer({ leadMs });
  const chunker = new StreamChunker();
  for (const send of [...chunker.push(text), ...chunker.finish()]) pacer.push(send);
  return pacer;
}

const BOOK = 'One short sentence here. '.repeat(4000);

describe('StreamPacer', () => {
  it('sends the first piece at once and alone, then holds the rest while the lead is used up', () => {
    const pacer = pacerWith(BOOK);
    expect(pacer.take(NOTHING_YET)).toEqual({ text: 'One short sentence here. ', flush: true });
    const sent: string[] = [];
    for (let piece = pacer.take(NOTHING_YET); piece; piece = pacer.take(NOTHING_YET)) sent.push(piece.text);
    // 4 s at 70 ms a character: about 57 characters may wait unvoiced, so one more batch goes.
    expect(sent).toHaveLength(1);
    expect(pacer.sentChars).toBeLessThan(1000);
    expect(pacer.queuedChars).toBe(BOOK.length - pacer.sentChars);
  });

  it('sends more as the listener catches up, in batches that end at a sentence', () => {
    const pacer = pacerWith(BOOK);
    const batches: string[] = [];
    for (let round = 0; round < 50; round++) {
      const piece = pacer.take(caughtUp(pacer.sentChars));
      if (!piece) break;
      batches.push(piece.text);
      expect(piece.flush).toBe(true);
      expect(piece.text.endsWith('. ')).toBe(true);
      expect(piece.text.length).toBeLessThanOrEqual(600);
    }
    expect(batches).toHaveLength(50);
    expect(batches.slice(1).every((batch) => batch.length >= 120)).toBe(true);
  });

  it('keeps a trickle flowing word by word and finishes only once the source has ended', () => {
    const pacer = new StreamPacer();
    pacer.push({ text: 'Hello ', flush: false });
    expect(pacer.take(NOTHING_YET)).toEqual({ text: 'Hello ', flush: false });
    expect(pacer.take(NOTHING_YET)).toBeUndefined();
    expect(pacer.finished).toBe(false);
    pacer.push({ text: 'world.', flush: true });
    expect(pacer.take(caughtUp(6))).toEqual({ text: 'world.', flush: true });
    expect(pacer.finished).toBe(false);
    pacer.end();
    expect(pacer.finished).toBe(true);
  });

  it('hands out every character once, in order', () => {
    const pacer = pacerWith(BOOK, 60_000);
    pacer.end();
    let joined = '';
    for (let piece = pacer.take(caughtUp(0)); piece; piece = pacer.take(caughtUp(pacer.sentChars))) {
      joined += piece.text;
    }
    expect(joined).toBe(BOOK);
    expect(pacer.finished).toBe(true);
  });
});
