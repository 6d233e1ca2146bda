// @vitest-environment jsdom
// The captions store against events shaped exactly as shared/contract.ts defines them. Word and playback
// events need a player, which a unit test has not got, so a small event source stands in for that
// part of the HarkApi; time is a hand-driven clock.
import { afterEach, describe, expect, it } from 'vitest';
import type {
  AppState,
  PlaybackProgress,
  ReadingSource,
  Result,
  Unsubscribe,
  WordProgress,
} from '../../../shared/contract';
import { CaptionsStore } from './captions.svelte';
import type { CaptionEvents, CaptionTiming } from './captions.svelte';

class EventSource implements CaptionEvents {
  readonly #listeners = {
    state: new Set<(state: AppState) => void>(),
    word: new Set<(word: WordProgress) => void>(),
    playback: new Set<(progress: PlaybackProgress) => void>(),
  };
  answer: Promise<Result<AppState>> = Promise.resolve({ ok: true, value: { kind: 'idle' } });

  getState(): Promise<Result<AppState>> {
    return this.answer;
  }
  onState(listener: (state: AppState) => void): Unsubscribe {
    return this.#add(this.#listeners.state, listener);
  }
  onWord(listener: (word: WordProgress) => void): Unsubscribe {
    return this.#add(this.#listeners.word, listener);
  }
  onPlayback(listener: (progress: PlaybackProgress) => void): Unsubscribe {
    return this.#add(this.#listeners.playback, listener);
  }

  get listenerCount(): number {
    return Object.values(this.#listeners).reduce((sum, set) => sum + set.size, 0);
  }

  state(state: AppState): void {
    for (const listener of this.#listeners.state) listener(state);
  }
  word(word: WordProgress): void {
    for (const listener of this.#listeners.word) listener(word);
  }
  playback(progress: PlaybackProgress): void {
    for (const listener of this.#listeners.playback) listener(progress);
  }

  #add<T>(set: Set<T>, listener: T): Unsubscribe {
    set.add(listener);
    return () => void set.delete(listener);
  }
}

class ManualTiming implements CaptionTiming {
  time = 1000;
  reducedMotion = false;
  readonly frames = new Set<() => void>();
  readonly timers = new Set<{ at: number; callback: () => void }>();

  now(): number {
    return this.time;
  }
  nextFrame(callback: () => void): () => void {
    this.frames.add(callback);
    return () => void this.frames.delete(callback);
  }
  after(ms: number, callback: () => void): () => void {
    const timer = { at: this.time + ms, callback };
    this.timers.add(timer);
    return () => void this.timers.delete(timer);
  }
  prefersReducedMotion(): boolean {
    return this.reducedMotion;
  }

  /** Moves time on by `ms` and paints one frame, as a browser would. */
  advance(ms: number): void {
    this.time += ms;
    for (const timer of [...this.timers].sort((a, b) => a.at - b.at)) {
      if (timer.at > this.time) continue;
      this.timers.delete(timer);
      timer.callback();
    }
    const frames = [...this.frames];
    this.frames.clear();
    for (const frame of frames) frame();
  }
}

const speaking = (source: ReadingSource = 'typed'): AppState => ({ kind: 'speaking', source, queued: 0 });
const paused: AppState = { kind: 'paused', source: 'typed', queued: 0 };
const connecting: AppState = { kind: 'connecting', source: 'typed' };

const TEXT = 'One two three. Four five.';
const FIRST = { text: 'One two three.', offset: 0 };
const SECOND = { text: 'Four five.', offset: 15 };

/** Words of TEXT, 300 ms apart, each 250 ms long. */
function word(index: number, readingId = 1): WordProgress {
  const spans: [number, number, { text: string; offset: number }][] = [
    [0, 3, FIRST],
    [4, 3, FIRST],
    [8, 5, FIRST],
    [15, 4, SECOND],
    [20, 4, SECOND],
  ];
  const [textOffset, length, sentence] = spans[index] ?? [0, 0, FIRST];
  return {
    index,
    textOffset,
    length,
    startMs: index * 300,
    durationMs: 250,
    text: TEXT.slice(textOffset, textOffset + length),
    readingId,
    sentence,
  };
}

describe('CaptionsStore', () => {
  let store: CaptionsStore | undefined;
  let events: EventSource;
  let timing: ManualTiming;

  function start(): CaptionsStore {
    events = new EventSource();
    timing = new ManualTiming();
    store = new CaptionsStore(events, timing);
    return store;
  }

  afterEach(() => store?.dispose());

  it('shows the word being heard as playback is reported', () => {
    const captions = start();
    events.state(speaking());
    for (let i = 0; i < 5; i += 1) events.word(word(i));
    expect(captions.currentWord?.text).toBe('One');
    events.playback({ readingId: 1, playedMs: 350, speed: 1 });
    expect(captions.currentWord?.text).toBe('two');
    expect(captions.sentence).toEqual(FIRST);
    events.playback({ readingId: 1, playedMs: 960, speed: 1 });
    expect(captions.currentWord?.text).toBe('Four');
    expect(captions.sentence).toEqual(SECOND);
  });

  it('moves on by the page clock between reports while speaking', () => {
    const captions = start();
    events.state(speaking());
    for (let i = 0; i < 5; i += 1) events.word(word(i));
    events.playback({ readingId: 1, playedMs: 100, speed: 1 });
    timing.advance(550);
    expect(captions.positionMs).toBe(650);
    expect(captions.currentWord?.text).toBe('three');
    // The next report is the truth, even when it is behind the estimate.
    events.playback({ readingId: 1, playedMs: 590, speed: 1 });
    expect(captions.currentWord?.text).toBe('two');
  });

  it('moves on at twice the page clock between reports when the speed is 2', () => {
    const captions = start();
    events.state(speaking());
    for (let i = 0; i < 5; i += 1) events.word(word(i));
    events.playback({ readingId: 1, playedMs: 100, speed: 2 });
    timing.advance(300);
    expect(captions.positionMs).toBe(700);
    expect(captions.currentWord?.text).toBe('three');
    // Back to 1×: the next 100 page ms are 100 ms of audio.
    events.playback({ readingId: 1, playedMs: 700, speed: 1 });
    timing.advance(100);
    expect(captions.positionMs).toBe(800);
  });

  it('keeps the speed for the new passage after a jump (a new reading id)', () => {
    const captions = start();
    events.state(speaking());
    events.word(word(0, 1));
    events.playback({ readingId: 1, playedMs: 0, speed: 2 });
    events.word(word(0, 2));
    events.word(word(1, 2));
    expect(captions.readingId).toBe(2);
    timing.advance(200);
    expect(captions.positionMs).toBe(400);
    expect(captions.currentWord?.text).toBe('two');
  });

  it('with reduced motion at 2×, wakes for the next word after half the time', () => {
    const captions = start();
    timing.reducedMotion = true;
    events.state(speaking());
    for (let i = 0; i < 3; i += 1) events.word(word(i));
    events.playback({ readingId: 1, playedMs: 0, speed: 2 });
    expect([...timing.timers].map((timer) => timer.at - timing.time)).toEqual([150]);
    timing.advance(150);
    expect(captions.currentWord?.text).toBe('two');
  });

  it('starts the clock with the first word when no playback report comes', () => {
    const captions = start();
    events.state(speaking());
    events.word(word(0));
    events.word(word(1));
    timing.advance(320);
    expect(captions.currentWord?.text).toBe('two');
  });

  it('freezes while paused and goes on from there on resume', () => {
    const captions = start();
    events.state(speaking());
    for (let i = 0; i < 5; i += 1) events.word(word(i));
    timing.advance(200);
    events.state(paused);
    expect(timing.frames.size).toBe(0);
    timing.advance(5000);
    expect(captions.positionMs).toBe(200);
    expect(captions.currentWord?.text).toBe('One');
    events.state(speaking());
    timing.advance(150);
    expect(captions.positionMs).toBe(350);
    expect(captions.currentWord?.text).toBe('two');
  });

  it('never runs ahead of the audio that has arrived, and stops asking for frames there', () => {
    const captions = start();
    events.state(speaking());
    events.word(word(0));
    events.word(word(1)); // its audio ends at 550 ms
    timing.advance(2000);
    expect(captions.positionMs).toBe(550);
    expect(timing.frames.size).toBe(0);
    events.word(word(2));
    expect(timing.frames.size).toBe(1);
    timing.advance(100);
    expect(captions.positionMs).toBe(650);
    expect(captions.currentWord?.text).toBe('three');
  });

  it('asks for animation frames only while speaking', () => {
    start();
    events.word(word(0));
    events.word(word(1));
    expect(timing.frames.size).toBe(0);
    events.state(connecting);
    events.word(word(0));
    expect(timing.frames.size).toBe(0);
    events.state(speaking());
    expect(timing.frames.size).toBe(1);
    events.state(paused);
    expect(timing.frames.size).toBe(0);
    events.state({ kind: 'error', code: 'io_failed', message: 'The audio player is not running.' });
    expect(timing.frames.size).toBe(0);
  });

  it('with reduced motion, wakes once per word on a timer instead of every frame', () => {
    const captions = start();
    timing.reducedMotion = true;
    events.state(speaking());
    for (let i = 0; i < 3; i += 1) events.word(word(i));
    expect(timing.frames.size).toBe(0);
    expect([...timing.timers].map((timer) => timer.at - timing.time)).toEqual([300]);
    timing.advance(299);
    expect(captions.currentWord?.text).toBe('One');
    timing.advance(1);
    expect(captions.currentWord?.text).toBe('two');
    expect(timing.timers.size).toBe(1);
    timing.advance(300);
    expect(captions.currentWord?.text).toBe('three');
    // The last word received: nothing more to wake up for until more audio or a report arrives.
    expect(timing.timers.size).toBe(0);
  });

  it('replaces the old reading with a new one and ignores late events of the old one', () => {
    const captions = start();
    events.state(speaking());
    events.word(word(0, 1));
    events.word(word(1, 1));
    events.playback({ readingId: 1, playedMs: 400, speed: 1 });
    expect(captions.currentWord?.text).toBe('two');
    events.word(word(3, 2));
    expect(captions.readingId).toBe(2);
    expect(captions.sentence).toEqual(SECOND);
    expect(captions.currentWord).toBeUndefined(); // its first word starts at 900 ms, the clock at 0
    events.word(word(2, 1));
    events.playback({ readingId: 1, playedMs: 700, speed: 1 });
    expect(captions.readingId).toBe(2);
    events.playback({ readingId: 2, playedMs: 950, speed: 1 });
    expect(captions.currentWord?.text).toBe('Four');
  });

  it('does not show the last caption while the next reading connects', () => {
    const captions = start();
    events.state(speaking());
    events.word(word(0, 1));
    expect(captions.sentence).toEqual(FIRST);
    events.state(connecting);
    expect(captions.sentence).toBeUndefined();
    expect(captions.currentWord).toBeUndefined();
    events.word(word(3, 2));
    expect(captions.sentence).toEqual(SECOND);
  });

  it('forgets the reading when the app goes idle, and keeps it when the reading failed', () => {
    const captions = start();
    events.state(speaking());
    events.word(word(0));
    events.state({ kind: 'error', code: 'io_failed', message: 'The audio player is not running.' });
    expect(captions.sentence).toEqual(FIRST);
    events.state({ kind: 'idle' });
    expect(captions.sentence).toBeUndefined();
    expect(captions.readingId).toBeUndefined();
  });

  it('takes the state main reports when it opens, unless an event has already said more', async () => {
    events = new EventSource();
    timing = new ManualTiming();
    let answer!: (result: Result<AppState>) => void;
    events.answer = new Promise((resolve) => (answer = resolve));
    store = new CaptionsStore(events, timing);
    events.state(paused);
    answer({ ok: true, value: speaking() });
    await events.answer;
    expect(store.appState).toEqual(paused);

    store.dispose();
    events = new EventSource();
    events.answer = Promise.resolve({ ok: true, value: speaking('clipboard') });
    store = new CaptionsStore(events, timing);
    await events.answer;
    await Promise.resolve();
    expect(store.appState).toEqual(speaking('clipboard'));
  });

  it('stops listening and ticking when disposed', () => {
    const captions = start();
    events.state(speaking());
    events.word(word(0));
    events.word(word(1));
    expect(timing.frames.size).toBe(1);
    captions.dispose();
    expect(events.listenerCount).toBe(0);
    expect(timing.frames.size).toBe(0);
  });
});
