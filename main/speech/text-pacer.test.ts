import { afterEach, describe, expect, it, vi } from 'vitest';
import { splitSentences } from './sentences';
import type { FeedTarget, PlaybackProgress } from './text-pacer';
import {
  DEFAULT_LEAD_MS,
  estimateLeadMs,
  PacedTextFeeder,
  splitOpening,
  TextPacer,
  withOpening,
} from './text-pacer';

const NOTHING_YET: PlaybackProgress = { playedMs: 0, receivedAudioMs: 0, voicedChars: 0, voicedAudioMs: 0 };

function longText(chars: number): string {
  const sentences = [
    'The quick brown fox jumps over the lazy dog. ',
    'A stitch in time saves nine, or so they say. ',
    'Reading aloud helps people who would rather listen than read. ',
    'Short one. ',
  ];
  let text = '';
  for (let i = 0; text.length < chars; i++) text += sentences[i % sentences.length];
  return text.slice(0, chars);
}

/**
 * A simulated server and listener in virtual time: sent text becomes audio `latencyMs` later at
 * `msPerChar`, and the listener hears it in real time from the first audio on.
 */
class Simulation {
  sent = '';
  now = 0;
  firstAudioAt: number | undefined;
  readonly #deliveries: { at: number; chars: number }[] = [];

  constructor(
    readonly pacer: TextPacer,
    readonly msPerChar: number,
    readonly latencyMs: number,
  ) {}

  get progress(): PlaybackProgress {
    const voicedChars = this.#deliveries.filter((d) => d.at <= this.now).reduce((n, d) => n + d.chars, 0);
    const receivedAudioMs = voicedChars * this.msPerChar;
    if (this.firstAudioAt === undefined && receivedAudioMs > 0) this.firstAudioAt = this.now;
    const playedMs =
      this.firstAudioAt === undefined ? 0 : Math.min(receivedAudioMs, this.now - this.firstAudioAt);
    return { playedMs, receivedAudioMs, voicedChars, voicedAudioMs: receivedAudioMs };
  }

  step(ms: number): void {
    this.now += ms;
    for (let batch = this.pacer.next(this.progress); batch; batch = this.pacer.next(this.progress)) {
      this.sent += batch;
      this.#deliveries.push({ at: this.now + this.latencyMs, chars: batch.length });
    }
  }
}

describe('estimateLeadMs', () => {
  it('counts text sent but not voiced at the default rate before any audio', () => {
    expect(estimateLeadMs(100, NOTHING_YET, 70)).toBe(7000);
  });

  it('uses the rate measured from timed characters once there is some', () => {
    const progress = { playedMs: 1000, receivedAudioMs: 5000, voicedChars: 50, voicedAudioMs: 5000 };
    // 4000 ms received but unheard + 50 pending chars at 100 ms/char.
    expect(estimateLeadMs(100, progress, 70)).toBe(9000);
  });

  it('infers the voiced text from received audio when the server sends no alignment', () => {
    const progress = { playedMs: 2100, receivedAudioMs: 2100, voicedChars: 0, voicedAudioMs: 0 };
    expect(estimateLeadMs(100, progress, 70)).toBe(70 * 70);
  });

  it('does not count audio twice when alignment runs ahead of the received audio', () => {
    const progress = { playedMs: 0, receivedAudioMs: 500, voicedChars: 100, voicedAudioMs: 7000 };
    expect(estimateLeadMs(100, progress, 70)).toBe(7000);
  });
});

describe('splitOpening', () => {
  it('cuts a long first sentence at its first phrase break of a natural length', () => {
    const sentence =
      'The ferry left the harbour at a quarter past seven, later than usual, because the fog had not lifted. ';
    // Before "at", a word that opens a phrase.
    expect(splitOpening(sentence)).toEqual([
      'The ferry left the harbour ',
      'at a quarter past seven, later than usual, because the fog had not lifted. ',
    ]);
    // After a clause mark when that comes first.
    const clause =
      'Most passengers stayed inside, reading or dozing, while a few stood at the rail and watched. ';
    expect(splitOpening(clause)).toEqual([
      'Most passengers stayed inside, ',
      'reading or dozing, while a few stood at the rail and watched. ',
    ]);
    // CJK clause marks need no space after them.
    const cjk = `${'这是一个很长的句子'.repeat(3)}，${'然后还有更多的内容'.repeat(5)}。`;
    expect(splitOpening(cjk)[0]).toBe(`${'这是一个很长的句子'.repeat(3)}，`);
  });

  it('keeps short sentences, and long ones without a usable break, whole', () => {
    expect(splitOpening('Hello, world, and welcome to the show. ')).toEqual([
      'Hello, world, and welcome to the show. ',
    ]);
    const noBreaks = 'word '.repeat(30);
    expect(splitOpening(noBreaks)).toEqual([noBreaks]);
    // Breaks so early they would leave a scrap are not used, nor any past the opening length.
    const early = `Yes, and ${'then '.repeat(12)}, finally done. `;
    expect(splitOpening(early)).toEqual([early]);
    // "of" and "to" bind to the word before: no break there.
    const bound = `The history of the small island ${'kingdom'.repeat(6)} to be told. `;
    expect(splitOpening(bound)).toEqual([bound]);
  });

  it('joins back to the sentence', () => {
    const sentence =
      'Dr. Amsel kept a notebook of everything she saw on these crossings: the colour of the water. ';
    expect(splitOpening(sentence).join('')).toBe(sentence);
    expect(splitOpening(sentence)).toHaveLength(2);
  });
});

describe('withOpening', () => {
  it('sends the first sentence alone, however short', () => {
    const third = 'It has three parts, each a page long. ';
    expect(withOpening(['Hello! ', 'Your article is ready to read. ', third])).toEqual([
      'Hello! ',
      'Your article is ready to read. ',
      third,
    ]);
  });

  it('cuts a long first sentence and leaves the rest alone', () => {
    const long = 'The ferry left the harbour at a quarter past seven, later than usual, because of fog. ';
    expect(withOpening([long, 'Next. '])).toEqual([...splitOpening(long), 'Next. ']);
    expect(withOpening([])).toEqual([]);
  });

  it('keeps blank lines and stray marks before the first words with the opening', () => {
    expect(withOpening(['\n', '\n ', 'Mr. Smith is here. ', 'Next. '])).toEqual([
      '\n\n Mr. Smith is here. ',
      'Next. ',
    ]);
    expect(withOpening(['!', '漢字。'])).toEqual(['!漢字。']);
    expect(withOpening(['\n'])).toEqual(['\n']);
  });
});

describe('TextPacer', () => {
  it('sends the opening at once, whatever the lead, and waits with the rest', () => {
    const pacer = new TextPacer('Hi. This is the second sentence. And a third one.', { leadMs: 0 });
    expect(pacer.next(NOTHING_YET)).toBe('Hi. ');
    expect(pacer.next(NOTHING_YET)).toBeUndefined();
  });

  it('batches small sentences and joins back to the text', () => {
    const text = longText(5000);
    const pacer = new TextPacer(text, { leadMs: Number.POSITIVE_INFINITY });
    const batches: string[] = [];
    for (let b = pacer.next(NOTHING_YET); b; b = pacer.next(NOTHING_YET)) batches.push(b);
    expect(batches.join('')).toBe(text);
    expect(pacer.finished).toBe(true);
    expect(batches.length).toBeLessThan(splitSentences(text).length / 2);
    for (const batch of batches.slice(1, -1)) {
      expect(batch.length).toBeGreaterThanOrEqual(120);
      expect(batch.length).toBeLessThanOrEqual(600);
    }
  });

  it('skips whitespace-only text', () => {
    const pacer = new TextPacer('  \n  ');
    expect(pacer.next(NOTHING_YET)).toBeUndefined();
    expect(pacer.finished).toBe(true);
  });

  it('after a stop at 3 s of a 20,000-char text has sent well under 10 % of it', () => {
    const text = longText(20_000);
    const sim = new Simulation(new TextPacer(text), 65, 400);
    for (let t = 0; t < 3000; t += 50) sim.step(50);
    expect(sim.sent.length).toBeGreaterThan(0);
    expect(sim.sent.length).toBeLessThan(text.length * 0.05);
    expect(text.startsWith(sim.sent)).toBe(true);
  });

  it('keeps the listener supplied without ever running far ahead, to the end of the text', () => {
    const text = longText(20_000);
    const msPerChar = 65;
    const sim = new Simulation(new TextPacer(text), msPerChar, 400);
    let maxLead = 0;
    let starvedMs = 0;
    while (sim.sent.length < text.length || sim.progress.playedMs < text.length * msPerChar) {
      sim.step(50);
      const p = sim.progress;
      maxLead = Math.max(maxLead, estimateLeadMs(sim.sent.length, p));
      const heardEverythingSent = sim.firstAudioAt !== undefined && p.playedMs >= sim.sent.length * msPerChar;
      if (sim.firstAudioAt !== undefined && p.playedMs >= p.receivedAudioMs && !heardEverythingSent) {
        starvedMs += 50;
      }
      if (sim.now > 2_000_000) throw new Error('simulation did not finish');
    }
    expect(sim.sent).toBe(text);
    expect(starvedMs).toBe(0);
    // At most the lead plus one batch (600 chars max, but batches stop at ~120 + one sentence).
    expect(maxLead).toBeLessThan(DEFAULT_LEAD_MS + 300 * msPerChar);
  });
});

describe('PacedTextFeeder', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  function recorder(): FeedTarget & { sends: string[]; ended: number } {
    const target = {
      sends: [] as string[],
      ended: 0,
      send(text: string, options: { flush: boolean }) {
        expect(options.flush).toBe(true);
        target.sends.push(text);
      },
      end() {
        target.ended++;
      },
    };
    return target;
  }

  it('sends the first sentence on start, more as the listener advances, then ends once', () => {
    vi.useFakeTimers();
    const text = longText(3000);
    const target = recorder();
    let progress: PlaybackProgress = NOTHING_YET;
    const feeder = new PacedTextFeeder(new TextPacer(text, { leadMs: 4000 }), target, () => progress, 100);
    feeder.start();
    expect(target.sends).toHaveLength(2);
    expect(target.sends[0]).toBe(splitSentences(text)[0]);
    const before = target.sends.join('').length;
    vi.advanceTimersByTime(1000);
    expect(target.sends.join('').length).toBe(before);

    // The listener has heard everything sent so far: the timer tick sends more.
    const sent = target.sends.join('').length;
    progress = {
      playedMs: sent * 70,
      receivedAudioMs: sent * 70,
      voicedChars: sent,
      voicedAudioMs: sent * 70,
    };
    vi.advanceTimersByTime(100);
    expect(target.sends.join('').length).toBeGreaterThan(sent);

    progress = { playedMs: 1e9, receivedAudioMs: 1e9, voicedChars: text.length, voicedAudioMs: 1e9 };
    feeder.pump();
    expect(target.sends.join('')).toBe(text);
    expect(target.ended).toBe(1);
    expect(feeder.ended).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stop() stops feeding and clears its timer without ending the session', () => {
    vi.useFakeTimers();
    const target = recorder();
    let progress: PlaybackProgress = NOTHING_YET;
    const feeder = new PacedTextFeeder(new TextPacer(longText(3000)), target, () => progress, 100);
    feeder.start();
    const count = target.sends.length;
    feeder.stop();
    progress = { playedMs: 1e9, receivedAudioMs: 1e9, voicedChars: 3000, voicedAudioMs: 1e9 };
    vi.advanceTimersByTime(1000);
    feeder.pump();
    expect(target.sends).toHaveLength(count);
    expect(target.ended).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('ends at once for a text with nothing to say', () => {
    vi.useFakeTimers();
    const target = recorder();
    const feeder = new PacedTextFeeder(new TextPacer('   '), target, () => NOTHING_YET, 100);
    feeder.start();
    expect(target.sends).toEqual([]);
    expect(target.ended).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });
});
