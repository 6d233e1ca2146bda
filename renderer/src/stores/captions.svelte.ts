// The captions of the reading being heard: its words as their audio arrives (WordProgress), how far
// it has been heard (PlaybackProgress), and from those the word and sentence to show. The caption
// overlay and the Read tab each build one from the HarkApi. The arithmetic lives in caption-clock.ts.
//
// Between playback reports the position moves on by the page's clock, at the playback speed the last
// report gave (2× moves two ms of audio per ms), but only while the app is speaking, and never past the audio that has arrived. Frames are asked for only while the position
// can still move; with reduced motion a single timer wakes up when the next word starts instead.
import type {
  AppState,
  HarkApi,
  PlaybackProgress,
  Unsubscribe,
  WordProgress,
} from '../../../shared/contract';
import {
  acceptPlayback,
  acceptWord,
  arrivedAudioEndMs,
  estimatePlayedMs,
  msUntilNextWord,
  setClockRunning,
  wordIndexAt,
} from '../lib/caption-clock';
import type { CaptionReading } from '../lib/caption-clock';

/** The part of the HarkApi the captions listen to. */
export type CaptionEvents = Pick<HarkApi, 'getState' | 'onState' | 'onWord' | 'onPlayback'>;

/** Time and scheduling, injected so tests drive the clock by hand. */
export interface CaptionTiming {
  /** Milliseconds, monotonic (performance.now()). */
  now(): number;
  /** Calls back on the next animation frame; returns a cancel function. */
  nextFrame(callback: () => void): () => void;
  /** Calls back after `ms`; returns a cancel function. */
  after(ms: number, callback: () => void): () => void;
  prefersReducedMotion(): boolean;
}

const REDUCED_MOTION = '(prefers-reduced-motion: reduce)';

export function browserTiming(): CaptionTiming {
  const after = (ms: number, callback: () => void): (() => void) => {
    const handle = setTimeout(callback, ms);
    return () => clearTimeout(handle);
  };
  return {
    now: () => performance.now(),
    nextFrame(callback) {
      if (typeof requestAnimationFrame !== 'function') return after(16, callback);
      const handle = requestAnimationFrame(() => callback());
      return () => cancelAnimationFrame(handle);
    },
    after,
    prefersReducedMotion: () => typeof matchMedia === 'function' && matchMedia(REDUCED_MOTION).matches,
  };
}

/** Audio is playing: while reconnecting, what was already handed to the player still plays. */
function isRunning(state: AppState): boolean {
  return state.kind === 'speaking' || state.kind === 'reconnecting';
}

export class CaptionsStore {
  /** What the app is doing, as the clock needs it (views may use their own copy). */
  appState = $state<AppState>({ kind: 'idle' });
  #reading = $state.raw<CaptionReading | undefined>();
  /** A new reading is starting: the last one's caption is not shown until this one's words come. */
  #waiting = $state(false);
  /** The page time the position was last worked out for (moved on by frames or the timer). */
  #now = $state(0);

  readonly #timing: CaptionTiming;
  readonly #unsubscribe: Unsubscribe[];
  #cancelTick: (() => void) | undefined;
  #stateSeen = false;

  readonly #words = $derived(this.#reading?.words ?? []);
  readonly #audioEndMs = $derived(arrivedAudioEndMs(this.#words));
  /** Where the listener is in the current reading (ms on the words' timeline). */
  readonly positionMs = $derived(
    this.#reading ? estimatePlayedMs(this.#reading.anchor, this.#now, this.#audioEndMs) : 0,
  );
  readonly #currentIndex = $derived(wordIndexAt(this.#words, this.positionMs));
  /** The word being heard, or undefined before the first one (or with nothing to show). */
  readonly currentWord: WordProgress | undefined = $derived(
    this.#waiting ? undefined : this.#words[this.#currentIndex],
  );
  /** The sentence to show: the current word's, or the first one received before it is heard. */
  readonly sentence: { text: string; offset: number } | undefined = $derived(
    this.#waiting ? undefined : (this.currentWord ?? this.#words[0])?.sentence,
  );
  readonly readingId: number | undefined = $derived(this.#reading?.id);

  constructor(api: CaptionEvents, timing: CaptionTiming = browserTiming()) {
    this.#timing = timing;
    // Subscribe first, then ask: an event that lands between the two is not lost, nor overwritten.
    this.#unsubscribe = [
      api.onState((state) => this.#onState(state)),
      api.onWord((word) => this.#onWord(word)),
      api.onPlayback((progress) => this.#onPlayback(progress)),
    ];
    void api.getState().then((result) => {
      if (result.ok && !this.#stateSeen) this.#onState(result.value);
    });
  }

  dispose(): void {
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    this.#stopTicking();
  }

  #onState(state: AppState): void {
    this.#stateSeen = true;
    const previous = this.appState.kind;
    this.appState = state;
    const now = this.#timing.now();
    if (state.kind === 'idle') {
      this.#reading = undefined;
    } else if (state.kind === 'connecting' && previous !== 'connecting') {
      this.#waiting = true;
    }
    if (this.#reading) {
      const anchor = setClockRunning(this.#reading.anchor, isRunning(state), now, this.#audioEndMs);
      if (anchor !== this.#reading.anchor) this.#reading = { ...this.#reading, anchor };
    }
    this.#moveTo(now);
  }

  #onWord(word: WordProgress): void {
    const now = this.#timing.now();
    this.#reading = acceptWord(this.#reading, word, now, isRunning(this.appState));
    this.#waiting = false;
    this.#moveTo(now);
  }

  #onPlayback(progress: PlaybackProgress): void {
    const now = this.#timing.now();
    this.#reading = acceptPlayback(this.#reading, progress, now, isRunning(this.appState));
    this.#waiting = false;
    this.#moveTo(now);
  }

  /** Works the position out for `now` and plans the next update (an event may change the plan). */
  #moveTo(now: number): void {
    this.#now = now;
    this.#stopTicking();
    if (!this.#canMove()) return;
    if (this.#timing.prefersReducedMotion()) {
      const wait = msUntilNextWord(this.#words, this.positionMs, this.#reading?.anchor.rate);
      if (wait !== undefined) this.#cancelTick = this.#timing.after(Math.ceil(wait), () => this.#tick());
    } else {
      this.#cancelTick = this.#timing.nextFrame(() => this.#tick());
    }
  }

  #tick(): void {
    this.#cancelTick = undefined;
    this.#moveTo(this.#timing.now());
  }

  /** Only while speaking, and not once the position has caught up with the audio received. */
  #canMove(): boolean {
    const reading = this.#reading;
    if (!reading?.anchor.running) return false;
    return this.positionMs < Math.max(this.#audioEndMs, reading.anchor.playedMs);
  }

  #stopTicking(): void {
    this.#cancelTick?.();
    this.#cancelTick = undefined;
  }
}
