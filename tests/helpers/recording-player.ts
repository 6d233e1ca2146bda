// A PlayerPort that stands in for the renderer's Web Audio player: it keeps every chunk it is given
// and "plays" them on the wall clock (optionally faster than real time), so the heard position moves
// with time, stops while paused, and never runs ahead of the audio received (an underrun waits).
// Like the player page, it reports the current playback's position to onProgress listeners every
// REPORT_EVERY_MS while it moves.
import type { PlayerPort } from '../../main/app/reading-types';
import type { AudioSink } from '../../main/speech/narration';
import type { FormatInfo } from '../../shared/protocol';
import type { AudioChunk } from '../../main/speech/session';

export type PlayerCall = 'open' | 'pause' | 'resume' | 'stop';

const REPORT_EVERY_MS = 50;

export class Playback implements AudioSink {
  readonly chunks: AudioChunk[] = [];
  receivedMs = 0;
  stopped = false;
  endCalled = false;
  #headMs = 0;
  #lastTick: number | undefined;
  #paused = false;
  #waiters = new Set<() => void>();
  #timer: NodeJS.Timeout | undefined;

  /** `rate()` is read on every tick, so a test can fast-forward a playback under way. */
  constructor(
    readonly format: FormatInfo,
    private readonly rate: () => number,
  ) {}

  get paused(): boolean {
    return this.#paused;
  }

  get audioBytes(): number {
    return this.chunks.reduce((sum, chunk) => sum + chunk.audio.length, 0);
  }

  write(chunk: AudioChunk): void {
    if (this.stopped) throw new Error('write() after stop()');
    this.#advance();
    this.chunks.push(chunk);
    this.receivedMs += chunk.durationMs;
    // The clock starts with the first audio, as a real player's does.
    this.#lastTick ??= Date.now();
  }

  playedMs(): number {
    this.#advance();
    return this.#headMs;
  }

  end(): Promise<void> {
    this.endCalled = true;
    return new Promise((resolve) => {
      this.#waiters.add(resolve);
      this.#check();
    });
  }

  pause(): void {
    this.#advance();
    this.#paused = true;
  }

  resume(): void {
    this.#advance();
    this.#paused = false;
  }

  stop(): void {
    this.#advance();
    this.stopped = true;
    this.#check();
  }

  #advance(): void {
    const now = Date.now();
    if (this.#lastTick !== undefined && !this.#paused && !this.stopped) {
      this.#headMs = Math.min(this.receivedMs, this.#headMs + (now - this.#lastTick) * this.rate());
    }
    if (this.#lastTick !== undefined) this.#lastTick = now;
  }

  /** Resolves end() once everything was heard or playback stopped; polls while waiting. */
  #check(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#waiters.size === 0) return;
    if (this.stopped || this.playedMs() >= this.receivedMs) {
      for (const resolve of this.#waiters) resolve();
      this.#waiters.clear();
      return;
    }
    this.#timer = setTimeout(() => this.#check(), 20);
  }
}

export class RecordingPlayer implements PlayerPort {
  readonly playbacks: Playback[] = [];
  readonly calls: PlayerCall[] = [];
  readonly #progressListeners = new Set<(playedMs: number) => void>();
  #reporter: NodeJS.Timeout | undefined;
  #lastReport: { playback: Playback; playedMs: number } | undefined;

  /** The playback speed main asked for: it multiplies `rate`, as a real time-stretch would. */
  speed = 1;

  /** `rate` 4 plays four times faster than real time (tests need not sit through every reading). */
  constructor(public rate = 1) {}

  setSpeed(speed: number): void {
    this.speed = speed;
  }

  get current(): Playback | undefined {
    return this.playbacks.at(-1);
  }

  open(format: FormatInfo): AudioSink {
    this.calls.push('open');
    const playback = new Playback(format, () => this.rate * this.speed);
    this.playbacks.push(playback);
    return playback;
  }

  pause(): void {
    this.calls.push('pause');
    this.current?.pause();
  }

  resume(): void {
    this.calls.push('resume');
    this.current?.resume();
  }

  stop(): void {
    this.calls.push('stop');
    this.current?.stop();
  }

  onProgress(listener: (playedMs: number) => void): () => void {
    this.#progressListeners.add(listener);
    // Unref'd: a test that forgets to unsubscribe does not keep the process alive.
    this.#reporter ??= setInterval(() => this.#report(), REPORT_EVERY_MS).unref();
    return () => {
      this.#progressListeners.delete(listener);
      if (this.#progressListeners.size > 0) return;
      clearInterval(this.#reporter);
      this.#reporter = undefined;
    };
  }

  /** Only the open playback reports, and only when its position moved. */
  #report(): void {
    const playback = this.current;
    if (!playback || playback.stopped) return;
    const playedMs = playback.playedMs();
    const last = this.#lastReport;
    if (last?.playback === playback && last.playedMs === playedMs) return;
    this.#lastReport = { playback, playedMs };
    for (const listener of [...this.#progressListeners]) listener(playedMs);
  }
}
