// The reading controller's PlayerPort, played by a page at the other end of a PlayerChannel: the
// hidden player window's MessagePort in Electron (main/desktop/ipc.ts servePlayerPort), or a browser
// tab over the dev bridge (main/app/bridge-server.ts). Plain Node: it only speaks the player messages
// of shared/contract.ts.
//
// One reading is one stream (open, chunks, end). The page reports how far it has played; that is the
// sink's playedMs(), which paces the text sent to the server, and what onProgress announces (for
// captions on the audio clock). end() resolves when the page says the last sample was heard, or
// when the stream is stopped or replaced; it rejects when the page fails or goes away mid-stream,
// so a reading never waits forever on a player that is gone.
import type { MainToPlayer, PlayerChannel, PlayerToMain, Unsubscribe } from '../../shared/contract';
import type { AudioSink } from '../speech/narration';
import { SpeechError } from '../../shared/speech-errors';
import type { FormatInfo } from '../../shared/protocol';
import type { AudioChunk } from '../speech/session';
import type { PlayerPort } from './reading-types';

export interface PlayerLogger {
  warn(message: string, ...details: unknown[]): void;
}

type StreamState =
  { kind: 'playing'; ending: boolean } | { kind: 'finished' } | { kind: 'failed'; error: SpeechError };

/** An ArrayBuffer holding exactly the chunk's bytes (its Uint8Array may view a larger buffer). */
function ownBuffer(bytes: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return copy.buffer;
}

class ChannelStream implements AudioSink {
  #state: StreamState = { kind: 'playing', ending: false };
  #playedMs = 0;
  readonly #waiters: { resolve: () => void; reject: (error: SpeechError) => void }[] = [];

  constructor(
    readonly streamId: number,
    private readonly post: (message: MainToPlayer) => void,
  ) {}

  get active(): boolean {
    return this.#state.kind === 'playing';
  }

  write(chunk: AudioChunk): void {
    if (this.#state.kind === 'failed') throw this.#state.error;
    // A stopped stream may still get a chunk from a reading winding down: it is not played.
    if (this.#state.kind !== 'playing') return;
    const { streamId } = this;
    this.post({
      type: 'chunk',
      streamId,
      audio: ownBuffer(chunk.audio),
      startMs: chunk.startMs,
      durationMs: chunk.durationMs,
    });
  }

  playedMs(): number {
    return this.#playedMs;
  }

  end(): Promise<void> {
    const state = this.#state;
    if (state.kind === 'finished') return Promise.resolve();
    if (state.kind === 'failed') return Promise.reject(state.error);
    if (!state.ending) {
      state.ending = true;
      this.post({ type: 'end', streamId: this.streamId });
    }
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  /** True when the position moved on (a late or repeated report does not). */
  heard(playedMs: number): boolean {
    if (this.#state.kind !== 'playing' || playedMs <= this.#playedMs) return false;
    this.#playedMs = playedMs;
    return true;
  }

  finish(): void {
    if (this.#state.kind !== 'playing') return;
    this.#state = { kind: 'finished' };
    for (const waiter of this.#waiters.splice(0)) waiter.resolve();
  }

  fail(error: SpeechError): void {
    if (this.#state.kind !== 'playing') return;
    this.#state = { kind: 'failed', error };
    for (const waiter of this.#waiters.splice(0)) waiter.reject(error);
  }
}

export class ChannelPlayer implements PlayerPort {
  #channel: PlayerChannel | undefined;
  #detach: Unsubscribe[] = [];
  #stream: ChannelStream | undefined;
  #nextStreamId = 1;
  #volume: number | undefined;
  #speed: number | undefined;
  readonly #progressListeners = new Set<(playedMs: number) => void>();

  constructor(private readonly log: PlayerLogger) {}

  /** True while a player page is attached and connected. */
  get connected(): boolean {
    return this.#channel?.connected ?? false;
  }

  /** Takes a newly connected player page; the previous one (a reloaded page) is let go. */
  attach(channel: PlayerChannel): void {
    this.#release('The audio player was replaced.');
    this.#channel = channel;
    this.#detach = [
      channel.onMessage((message) => this.#receive(message)),
      channel.onClose(() => {
        if (this.#channel === channel) this.#release('The audio player closed.');
      }),
    ];
    if (this.#volume !== undefined) channel.post({ type: 'volume', value: this.#volume });
    if (this.#speed !== undefined) channel.post({ type: 'speed', value: this.#speed });
  }

  open(format: FormatInfo): AudioSink {
    const channel = this.#channel;
    if (!channel?.connected) throw new SpeechError('io_failed', 'The audio player is not running.');
    this.#stream?.finish();
    const stream = new ChannelStream(this.#nextStreamId++, (message) => this.#post(message));
    this.#stream = stream;
    const { format: name, codec, sampleRate } = format;
    channel.post({ type: 'open', streamId: stream.streamId, format: name, codec, sampleRate });
    return stream;
  }

  pause(): void {
    this.#post({ type: 'pause' });
  }

  resume(): void {
    this.#post({ type: 'resume' });
  }

  /** Silences the page at once; the current stream's end() resolves. */
  stop(): void {
    this.#post({ type: 'stop' });
    this.#stream?.finish();
  }

  /** 0..1, kept for pages that attach later. */
  setVolume(value: number): void {
    this.#volume = Math.min(1, Math.max(0, value));
    this.#post({ type: 'volume', value: this.#volume });
  }

  /** Pitch-preserving playback speed, kept for pages that attach later; positions stay in the audio's time. */
  setSpeed(value: number): void {
    this.#speed = value;
    this.#post({ type: 'speed', value });
  }

  onProgress(listener: (playedMs: number) => void): Unsubscribe {
    this.#progressListeners.add(listener);
    return () => void this.#progressListeners.delete(listener);
  }

  /** Lets the page go (app shutdown); a stream under way fails. */
  close(): void {
    this.#release('The audio player was shut down.');
  }

  #post(message: MainToPlayer): void {
    this.#channel?.post(message);
  }

  #receive(message: PlayerToMain): void {
    const stream = this.#stream;
    if (message.type === 'ready') return;
    if (!stream || message.streamId !== stream.streamId) return; // about an older stream
    switch (message.type) {
      case 'position':
        if (stream.heard(message.playedMs)) this.#progressed(stream.playedMs());
        return;
      case 'ended':
        return stream.finish();
      case 'error':
        this.log.warn(`The player could not play stream ${stream.streamId}: ${message.code}`);
        return stream.fail(
          new SpeechError('io_failed', `The audio could not be played (${message.message}).`),
        );
    }
  }

  #progressed(playedMs: number): void {
    for (const listener of [...this.#progressListeners]) {
      try {
        listener(playedMs);
      } catch (error) {
        this.log.warn('A playback progress listener failed:', error);
      }
    }
  }

  #release(reason: string): void {
    this.#detach.forEach((unsubscribe) => unsubscribe());
    this.#detach = [];
    const channel = this.#channel;
    this.#channel = undefined;
    if (channel?.connected) channel.close();
    this.#stream?.fail(new SpeechError('io_failed', reason));
  }
}
