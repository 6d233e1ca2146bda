// The page end of a PlayerChannel, standing in for the renderer's player (renderer/src/lib/player):
// it takes the streams main opens, "plays" their chunks on the wall clock (optionally faster than
// real time, never ahead of the audio received), reports the heard position every REPORT_EVERY_MS
// while it moves, and answers `ended` once a stream's end has been played, as the real page does.
// Electron's MessagePort and a browser cannot run in these tests; the ChannelPlayer on main's side
// is the real one.
import type { MainToPlayer, PlayerChannel, PlayerToMain, Unsubscribe } from '../../shared/contract';

const REPORT_EVERY_MS = 50;

interface PageStream {
  id: number;
  chunks: Uint8Array[];
  receivedMs: number;
  playedMs: number;
  ending: boolean;
  done: boolean;
}

export class PlayerPage implements PlayerChannel {
  readonly streams: PageStream[] = [];
  readonly #messageListeners = new Set<(message: PlayerToMain) => void>();
  readonly #closeListeners = new Set<() => void>();
  #open = true;
  #paused = false;
  #lastTick = Date.now();
  #timer: NodeJS.Timeout | undefined;

  /** `rate` 8 plays eight times faster than real time. */
  constructor(public rate = 1) {
    this.#timer = setInterval(() => this.#tick(), REPORT_EVERY_MS);
  }

  get connected(): boolean {
    return this.#open;
  }

  get current(): PageStream | undefined {
    return this.streams.at(-1);
  }

  /** Everything a stream was given, joined. */
  audioOf(stream: PageStream | undefined = this.current): Uint8Array {
    return Buffer.concat(stream?.chunks ?? []);
  }

  post(message: MainToPlayer): void {
    if (!this.#open) return;
    this.#advance();
    const stream = this.current;
    switch (message.type) {
      case 'open':
        this.streams.push({
          id: message.streamId,
          chunks: [],
          receivedMs: 0,
          playedMs: 0,
          ending: false,
          done: false,
        });
        return;
      case 'chunk':
        if (stream?.id !== message.streamId || stream.done) return;
        stream.chunks.push(new Uint8Array(message.audio));
        stream.receivedMs += message.durationMs;
        return;
      case 'end':
        if (stream?.id === message.streamId) stream.ending = true;
        return;
      case 'stop':
        if (stream) stream.done = true;
        return;
      case 'pause':
        this.#paused = true;
        return;
      case 'resume':
        this.#paused = false;
        return;
      case 'volume':
        return;
    }
  }

  onMessage(listener: (message: PlayerToMain) => void): Unsubscribe {
    this.#messageListeners.add(listener);
    return () => this.#messageListeners.delete(listener);
  }

  onClose(listener: () => void): Unsubscribe {
    this.#closeListeners.add(listener);
    return () => this.#closeListeners.delete(listener);
  }

  /** Main lets the page go. */
  close(): void {
    this.#open = false;
    this.#stopTicking();
  }

  /** The page goes away (window closed). */
  goAway(): void {
    this.close();
    for (const listener of [...this.#closeListeners]) listener();
  }

  #advance(): void {
    const now = Date.now();
    const stream = this.current;
    if (stream && !stream.done && !this.#paused) {
      stream.playedMs = Math.min(stream.receivedMs, stream.playedMs + (now - this.#lastTick) * this.rate);
    }
    this.#lastTick = now;
  }

  #tick(): void {
    const stream = this.current;
    const before = stream?.playedMs;
    this.#advance();
    if (!stream || stream.done) return;
    if (stream.playedMs !== before)
      this.#say({ type: 'position', streamId: stream.id, playedMs: stream.playedMs });
    if (stream.ending && stream.playedMs >= stream.receivedMs) {
      stream.done = true;
      this.#say({ type: 'ended', streamId: stream.id });
    }
  }

  #say(message: PlayerToMain): void {
    for (const listener of [...this.#messageListeners]) listener(message);
  }

  #stopTicking(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
