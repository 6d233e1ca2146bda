// One reading's hold on the shared player. The player plays one reading at a time, and a reading
// that was replaced may still be winding down (its socket closing, its history entry being written)
// while the next one already plays: once released, a lease never touches the player again, so the
// old reading cannot pause or stop the new one.
import type { AudioSink } from '../speech/narration';
import type { FormatInfo } from '../../shared/protocol';
import type { PlayerPort } from './reading-types';

export class PlayerLease {
  readonly #player: PlayerPort;
  readonly #onError: (error: unknown) => void;
  #opened = false;
  #paused = false;
  #released = false;

  /** `onError` hears about a player that threw from pause/resume/stop (the reading carries on). */
  constructor(player: PlayerPort, onError: (error: unknown) => void) {
    this.#player = player;
    this.#onError = onError;
  }

  get paused(): boolean {
    return this.#paused;
  }

  get released(): boolean {
    return this.#released;
  }

  /** Starts this reading's playback; a pause requested earlier (while connecting) applies at once. */
  open(format: FormatInfo): AudioSink {
    if (this.#released) throw new Error('This reading no longer owns the player.');
    const sink = this.#player.open(format);
    this.#opened = true;
    if (this.#paused) this.#call(() => this.#player.pause());
    return sink;
  }

  pause(): void {
    if (this.#released || this.#paused) return;
    this.#paused = true;
    if (this.#opened) this.#call(() => this.#player.pause());
  }

  resume(): void {
    if (this.#released || !this.#paused) return;
    this.#paused = false;
    if (this.#opened) this.#call(() => this.#player.resume());
  }

  /** Gives the player up; `stopPlayback` cuts off what this reading still had queued for playing. */
  release(stopPlayback: boolean): void {
    if (this.#released) return;
    this.#released = true;
    if (this.#opened && stopPlayback) this.#call(() => this.#player.stop());
  }

  #call(action: () => void): void {
    try {
      action();
    } catch (error) {
      this.#onError(error);
    }
  }
}
