import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TimedChar } from './timeline';
import { tokenizeWords, WordTracker } from './word-tracker';

/** Times every code point of `text` at 50 ms each, from `fromMs`. */
function timeAll(text: string, fromMs = 0, msPerChar = 50): TimedChar[] {
  return Array.from(text, (char, i) => ({ char, startMs: fromMs + i * msPerChar, durationMs: msPerChar }));
}

function words(text: string): string[] {
  return tokenizeWords(text).map((w) => text.slice(w.offset, w.end));
}

describe('tokenizeWords', () => {
  it('splits at whitespace and keeps punctuation with its word', () => {
    expect(words('  Hello, world!\n\tBye.  ')).toEqual(['Hello,', 'world!', 'Bye.']);
  });

  it('makes each CJK character a word', () => {
    expect(words('今日は晴れ。OK')).toEqual(['今', '日', 'は', '晴', 'れ。OK']);
  });
});

describe('WordTracker', () => {
  it('emits each word with its offset, length and timing as soon as it is timed', () => {
    const tracker = new WordTracker('Hi there you');
    const chars = timeAll('Hi there you');
    expect(tracker.push(chars.slice(0, 4))).toEqual([
      { index: 0, textOffset: 0, length: 2, startMs: 0, durationMs: 100 },
    ]);
    expect(tracker.push(chars.slice(4, 8))).toEqual([
      { index: 1, textOffset: 3, length: 5, startMs: 150, durationMs: 250 },
    ]);
    expect(tracker.voicedChars).toBe(8);
    expect(tracker.voicedAudioMs).toBe(400);
    expect(tracker.push(chars.slice(8))).toEqual([
      { index: 2, textOffset: 9, length: 3, startMs: 450, durationMs: 150 },
    ]);
  });

  it('copes with whitespace the server dropped or changed', () => {
    const source = 'One  two\n\nthree';
    const tracker = new WordTracker(source);
    const timed = timeAll('One two three');
    const found = tracker.push(timed);
    expect(found.map((w) => source.slice(w.textOffset, w.textOffset + w.length))).toEqual([
      'One',
      'two',
      'three',
    ]);
  });

  it('resynchronises after characters missing from the timing', () => {
    const source = 'Look 😀 at this';
    const tracker = new WordTracker(source);
    const found = tracker.push(timeAll('Look at this'));
    expect(found.map((w) => w.index)).toEqual([0, 1, 2, 3]);
    // The emoji was never voiced: it is reported at the next character's start, without duration.
    expect(found[1]).toMatchObject({ textOffset: 5, length: 2, durationMs: 0, startMs: 5 * 50 });
  });

  it('skips timed characters that are not in the source (normalised text)', () => {
    const source = 'I have 3 cats';
    const tracker = new WordTracker(source);
    const found = tracker.push(timeAll('I have three cats'));
    expect(found.map((w) => source.slice(w.textOffset, w.textOffset + w.length))).toEqual([
      'I',
      'have',
      '3',
      'cats',
    ]);
    // "cats" is timed from its own letters, not from the "t" of "three".
    expect(found[3]).toMatchObject({ startMs: 13 * 50, durationMs: 4 * 50 });
    expect(found[2]).toMatchObject({ startMs: 13 * 50, durationMs: 0 });
  });

  it('follows streamed text appended send by send', () => {
    const tracker = new WordTracker();
    tracker.append('Hello ');
    expect(tracker.push(timeAll('Hello '))).toHaveLength(1);
    tracker.append('big world');
    const found = tracker.push(timeAll('big world', 300));
    expect(found).toEqual([
      { index: 1, textOffset: 6, length: 3, startMs: 300, durationMs: 150 },
      { index: 2, textOffset: 10, length: 5, startMs: 500, durationMs: 250 },
    ]);
  });

  it('finish() reports a word whose end was never timed', () => {
    const tracker = new WordTracker('Stop here');
    tracker.push(timeAll('Stop he'));
    expect(tracker.finish()).toEqual([{ index: 1, textOffset: 5, length: 4, startMs: 250, durationMs: 100 }]);
    expect(tracker.finish()).toEqual([]);
  });

  it('is case-insensitive and ignores empty characters', () => {
    const tracker = new WordTracker('ABC def');
    const chars = [...timeAll('abc'), { char: '', startMs: 0, durationMs: 0 }, ...timeAll(' DEF', 150)];
    expect(tracker.push(chars).map((w) => w.index)).toEqual([0, 1]);
  });

  it('for any text timed in order, emits every word once, in order, with non-decreasing times', () => {
    const token = fc.constantFrom('word', 'Hi,', '3.5', '😀', '漢字', 'é', ' ', '  ', '\n', '.');
    fc.assert(
      fc.property(
        fc.array(token, { maxLength: 80 }),
        fc.array(fc.nat(40), { maxLength: 10 }),
        (parts, cuts) => {
          const source = parts.join('');
          const tracker = new WordTracker(source);
          // The server may collapse whitespace runs; deliver the timing in arbitrary frames.
          const timed = timeAll(source.replace(/\s+/gu, ' '));
          const found: number[] = [];
          const starts: number[] = [];
          let from = 0;
          for (const cut of [...cuts, timed.length]) {
            const to = Math.min(timed.length, from + cut);
            for (const w of tracker.push(timed.slice(from, to))) {
              found.push(w.index);
              starts.push(w.startMs);
            }
            from = to;
          }
          for (const w of tracker.push(timed.slice(from))) found.push(w.index);
          expect(found).toEqual(tokenizeWords(source).map((_, i) => i));
          expect([...starts].sort((a, b) => a - b)).toEqual(starts);
          expect(tracker.voicedChars).toBe(source.trimEnd().length);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('says which word comes next and where its audio may start, for resuming', () => {
    const tracker = new WordTracker('Call Dr. Who now');
    expect(tracker.nextWord).toEqual({ index: 0, textOffset: 0 });
    expect(tracker.sourceLength).toBe(16);
    tracker.push(timeAll('Call Do', 0));
    // "Do" began "Dr." (the "o" matched nothing): the word is in progress from its "D".
    expect(tracker.nextWord).toEqual({ index: 1, textOffset: 5, startMs: 250 });
    tracker.push(timeAll('ctor Who ', 350));
    expect(tracker.nextWord).toEqual({ index: 3, textOffset: 13 });
    // Speech that matches nothing (a number read out, say) counts as begun, too.
    tracker.push([{ char: '#', startMs: 900, durationMs: 50 }]);
    expect(tracker.nextWord).toEqual({ index: 3, textOffset: 13, startMs: 900 });
    tracker.push(timeAll('now', 950));
    expect(tracker.nextWord).toBeUndefined();
  });
});
