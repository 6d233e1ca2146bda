// One reading, start to finish: a speech session, a feeder for the text (paced for a whole text,
// word by word for a stream), a sink that plays or stores the audio, and word timings for highlighting.
//
// Outcome (the CLI and the desktop rely on it):
// - run() resolves with a NarrationResult once the session has finished AND sink.end() has resolved.
// - run() rejects with a SpeechError, always: a speech failure keeps its code; cancel() (or an abort of
//   session.signal) rejects with code 'aborted'; a failure of the text source or of the sink rejects
//   with code 'io_failed', the original error kept as `cause`.
// - cancel() closes the socket at once and stops feeding. It does not end the sink: stopping playback
//   is up to the sink's owner. The sink gets no more audio after cancel().

import { SpeechError, defaultMessage } from './errors';
import { StreamSession } from './session';
import type { AudioChunk, SessionConfig } from './session';
import { feedStream } from './stream-chunker';
import { DEFAULT_LEAD_MS, PacedTextFeeder, TextPacer } from './text-pacer';
import type { FeedTarget, PlaybackProgress } from './text-pacer';
import { TypedEmitter } from './typed-emitter';
import { WordTracker } from './word-tracker';
import type { WordBoundary } from './word-tracker';

export type { WordBoundary } from './word-tracker';

export interface AudioSink {
  /** Plays or stores audio. */
  write(chunk: AudioChunk): void;
  /** How much audio the listener has heard so far (for pacing). */
  playedMs(): number;
  /** Resolves when the sink has finished playing/writing. */
  end(): Promise<void>;
}

export type NarrationSource =
  { kind: 'text'; text: string } | { kind: 'stream'; chunks: AsyncIterable<string> };

export type NarrationState =
  | { kind: 'connecting' }
  | { kind: 'speaking' }
  | { kind: 'finishing' }
  | { kind: 'done' }
  | { kind: 'cancelled' }
  | { kind: 'failed'; error: SpeechError };

export interface NarrationResult {
  charactersSent: number;
  audioMs: number;
  words: WordBoundary[];
}

export interface NarrationProgress {
  charactersSent: number;
  audioMs: number;
  playedMs: number;
}

export interface NarrationOptions {
  session: SessionConfig;
  source: NarrationSource;
  sink: AudioSink;
  /** How much audio may be generated ahead of what has been heard (text sources). Default 8000. */
  leadMs?: number;
  /** How often the pacing is re-checked while the listener catches up. Default 200. */
  pollMs?: number;
}

export interface NarrationEvents {
  state: (state: NarrationState) => void;
  audio: (chunk: AudioChunk) => void;
  word: (word: WordBoundary) => void;
  progress: (progress: NarrationProgress) => void;
}

/** A promise rejected from outside; marked handled so that nobody waiting on it is no failure. */
function interruption(): { promise: Promise<never>; reject: (error: SpeechError) => void } {
  let reject!: (error: SpeechError) => void;
  const promise = new Promise<never>((_resolve, rej) => (reject = rej));
  promise.catch(() => undefined);
  return { promise, reject };
}

function ioFailure(cause: unknown): SpeechError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  const error = new SpeechError('io_failed', `${defaultMessage('io_failed')} (${detail})`);
  Object.defineProperty(error, 'cause', { value: cause, enumerable: false });
  return error;
}

export class Narration extends TypedEmitter<NarrationEvents> {
  readonly #options: NarrationOptions;
  readonly #tracker: WordTracker;
  readonly #words: WordBoundary[] = [];
  readonly #interrupt = interruption();
  readonly #stopReading = new AbortController();
  #state: NarrationState | { kind: 'idle' } = { kind: 'idle' };
  #session: StreamSession | undefined;
  #feeder: PacedTextFeeder | undefined;
  #running: Promise<NarrationResult> | undefined;
  #interruptedBy: SpeechError | undefined;
  #audioMs = 0;
  #timedChars = 0;

  constructor(options: NarrationOptions) {
    super();
    this.#options = options;
    this.#tracker = new WordTracker(options.source.kind === 'text' ? options.source.text : '');
  }

  get state(): NarrationState | { kind: 'idle' } {
    return this.#state;
  }

  /** Billed characters sent so far. */
  get charactersSent(): number {
    return this.#session?.charactersSent ?? 0;
  }

  /** Runs the reading; calling it again returns the same promise. See the notes at the top. */
  run(): Promise<NarrationResult> {
    this.#running ??= this.#execute();
    return this.#running;
  }

  /** Closes the socket at once and stops feeding; run() rejects with SpeechError('aborted'). */
  cancel(): void {
    if (this.#isSettled()) return;
    this.#interruptWith(new SpeechError('aborted', defaultMessage('aborted')));
  }

  async #execute(): Promise<NarrationResult> {
    try {
      if (this.#interruptedBy) throw this.#interruptedBy;
      const session = this.#createSession();
      // Prepared before connecting, so the first text follows the handshake without delay.
      const startFeeding = this.#prepareFeeding(session);
      this.#setState({ kind: 'connecting' });
      await this.#race(session.connect());
      this.#setState({ kind: 'speaking' });
      await this.#race(Promise.all([startFeeding(), session.finished()]));
      for (const word of this.#tracker.finish()) this.#addWord(word);
      if (this.#state.kind !== 'finishing') this.#setState({ kind: 'finishing' });
      await this.#race(this.#options.sink.end());
      this.#setState({ kind: 'done' });
      return { charactersSent: this.charactersSent, audioMs: this.#audioMs, words: [...this.#words] };
    } catch (cause) {
      const error = this.#interruptedBy ?? (cause instanceof SpeechError ? cause : ioFailure(cause));
      this.#stopEverything();
      this.#setState(error.code === 'aborted' ? { kind: 'cancelled' } : { kind: 'failed', error });
      throw error;
    } finally {
      this.#stopEverything();
    }
  }

  #createSession(): StreamSession {
    let session: StreamSession;
    try {
      session = new StreamSession(this.#options.session);
    } catch (error) {
      // The only thing the constructor rejects is an unknown output format.
      const detail = error instanceof Error ? ` (${error.message})` : '';
      throw new SpeechError('unsupported_format', `${defaultMessage('unsupported_format')}${detail}`);
    }
    this.#session = session;
    session.on('audio', (chunk) => this.#onAudio(chunk));
    return session;
  }

  /** Returns a start function that resolves once all the text is handed to the session (and end() sent). */
  #prepareFeeding(session: StreamSession): () => Promise<void> {
    const target = this.#feedTarget(session);
    const source = this.#options.source;
    if (source.kind === 'stream') return () => feedStream(source.chunks, target, this.#stopReading.signal);
    const pacer = new TextPacer(source.text, { leadMs: this.#options.leadMs ?? DEFAULT_LEAD_MS });
    const feeder = new PacedTextFeeder(pacer, target, () => this.#playback(), this.#options.pollMs);
    return () => {
      this.#feeder = feeder;
      feeder.start();
      return Promise.resolve();
    };
  }

  #feedTarget(session: StreamSession): FeedTarget {
    const streamed = this.#options.source.kind === 'stream';
    return {
      send: (text, options) => {
        if (this.#interruptedBy) return;
        if (streamed) this.#tracker.append(text);
        // send() only throws on misuse (not open); a failed session ignores it and reports via finished().
        this.#guard(() => session.send(text, options));
        this.#emitProgress();
      },
      end: () => {
        if (this.#interruptedBy) return;
        this.#guard(() => session.end());
        this.#setState({ kind: 'finishing' });
      },
    };
  }

  #onAudio(chunk: AudioChunk): void {
    if (this.#interruptedBy) return;
    if (!this.#guard(() => this.#options.sink.write(chunk), ioFailure)) return;
    this.#audioMs = Math.max(this.#audioMs, chunk.startMs + chunk.durationMs);
    this.#timedChars += chunk.chars.length;
    this.emit('audio', chunk);
    for (const word of this.#tracker.push(chunk.chars)) this.#addWord(word);
    this.#emitProgress();
    this.#feeder?.pump();
  }

  #playback(): PlaybackProgress {
    return {
      playedMs: this.#playedMs(),
      receivedAudioMs: this.#audioMs,
      // The tracker skips whitespace the server dropped; the raw count keeps pacing going when the
      // timed text cannot be matched to the source (normalised, transliterated): never stall on either.
      voicedChars: Math.max(this.#tracker.voicedChars, this.#timedChars),
      voicedAudioMs: this.#tracker.voicedAudioMs,
    };
  }

  #playedMs(): number {
    let played = 0;
    this.#guard(() => {
      played = this.#options.sink.playedMs();
    }, ioFailure);
    return Number.isFinite(played) ? played : 0;
  }

  #addWord(word: WordBoundary): void {
    this.#words.push(word);
    this.emit('word', word);
  }

  #emitProgress(): void {
    this.emit('progress', {
      charactersSent: this.charactersSent,
      audioMs: this.#audioMs,
      playedMs: this.#playedMs(),
    });
  }

  /** Runs `action`; a throw interrupts the reading instead of escaping into a socket callback. */
  #guard(action: () => void, wrap: (error: unknown) => SpeechError = ioFailure): boolean {
    try {
      action();
      return true;
    } catch (error) {
      this.#interruptWith(error instanceof SpeechError ? error : wrap(error));
      return false;
    }
  }

  #interruptWith(error: SpeechError): void {
    if (this.#interruptedBy) return;
    this.#interruptedBy = error;
    this.#stopEverything();
    this.#interrupt.reject(error);
  }

  #stopEverything(): void {
    this.#feeder?.stop();
    this.#stopReading.abort();
    this.#session?.cancel();
  }

  #race<T>(promise: Promise<T>): Promise<T> {
    // The losing promise may still reject later (e.g. sink.end() after a cancel): keep it handled.
    promise.catch(() => undefined);
    return Promise.race([promise, this.#interrupt.promise]);
  }

  #setState(state: NarrationState): void {
    this.#state = state;
    this.emit('state', state);
  }

  #isSettled(): boolean {
    const kind = this.#state.kind;
    return kind === 'done' || kind === 'cancelled' || kind === 'failed';
  }
}
