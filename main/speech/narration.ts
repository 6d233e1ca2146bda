// One reading, start to finish: a speech session, a feeder for the text (paced for a whole text,
// word by word for a stream), a sink that plays or stores the audio, and word timings for highlighting.
// Unless `resume` is 'off', a connection that fails part-way is replaced by a new one that carries on
// from the first word whose audio the sink has not got (resume.ts says when, reading-leg.ts where from).
//
// Outcome (the CLI and the desktop rely on it):
// - run() resolves with a NarrationResult once the session has finished AND sink.end() has resolved.
// - run() rejects with a SpeechError, always: a speech failure keeps its code; cancel() (or an abort of
//   session.signal) rejects with code 'aborted'; a failure of the text source or of the sink rejects
//   with code 'io_failed', the original error kept as `cause`. After a rejection, resumePoint says
//   where another voice could carry on.
// - cancel() closes the socket at once and stops feeding. It does not end the sink: stopping playback
//   is up to the sink's owner. The sink gets no more audio after cancel().

import { audioCutter } from './audio-hold';
import { SpeechError, defaultMessage } from '../../shared/speech-errors';
import { DEFAULT_OUTPUT_FORMAT, parseOutputFormat } from '../../shared/protocol';
import { ReadingLeg } from './reading-leg';
import type { Handover } from './reading-leg';
import { READING_START, gaveUp, isTransient, pause, resumeDelays } from './resume';
import type { ResumePoint, ResumePolicy } from './resume';
import { StreamSession } from './session';
import type { WarmSessions } from './warm-sessions';
import type { AudioChunk, SessionConfig } from './session';
import { feedStream, sendsOfWholeWords } from './stream-chunker';
import { StreamPacer } from './stream-pacer';
import { DEFAULT_LEAD_MS, PacedTextFeeder, TextPacer } from './text-pacer';
import type { FeedTarget, PlaybackProgress } from './text-pacer';
import { TypedEmitter } from './typed-emitter';
import type { WordBoundary } from './word-tracker';

export type { WordBoundary } from './word-tracker';
export type { ResumePoint, ResumePolicy } from './resume';

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
  /** The connection failed part-way; attempt `attempt` to carry on starts after a short wait. */
  | { kind: 'reconnecting'; attempt: number; error: SpeechError }
  | { kind: 'finishing' }
  | { kind: 'done' }
  | { kind: 'cancelled' }
  | { kind: 'failed'; error: SpeechError };

/** Words are not in the result: they come as 'word' events, so a book piped in keeps memory flat. */
export interface NarrationResult {
  charactersSent: number;
  audioMs: number;
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
  /** How much audio may be generated ahead of what has been heard. Default 8000. */
  leadMs?: number;
  /** How often the pacing is re-checked while the listener catches up. Default 200. */
  pollMs?: number;
  /** Carrying on over a new connection after a transient failure. Default DEFAULT_RESUME_POLICY. */
  resume?: ResumePolicy;
  /**
   * Text sources: start at this word, with audio and words placed after `audioMs` (a reading that
   * another voice began). The sink's earlier audio is left alone.
   */
  startAt?: ResumePoint;
  /** Sockets opened ahead of time (warm-sessions.ts); one for this reading's stream is used. */
  warmSessions?: Pick<WarmSessions, 'take'>;
}

export interface NarrationEvents {
  state: (state: NarrationState) => void;
  audio: (chunk: AudioChunk) => void;
  word: (word: WordBoundary) => void;
  progress: (progress: NarrationProgress) => void;
}

/** One connection of the reading: its session, its share of text and audio, its text feeder. */
interface Leg {
  session: StreamSession;
  timeline: ReadingLeg;
  pacer: TextPacer | StreamPacer;
  feeder: PacedTextFeeder;
  /** Streamed text: the pacer that takes the text as it arrives. */
  stream?: StreamPacer;
}

/** Streamed text that arrived and was not sent yet; past this, the source is not read further. */
export const MAX_UNSENT_STREAM_CHARS = 20_000;
const FORGET_STREAM_STEP_CHARS = 64 * 1024;

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

function hasWords(text: string): boolean {
  return /\S/.test(text);
}

export class Narration extends TypedEmitter<NarrationEvents> {
  readonly #options: NarrationOptions;
  readonly #resumeDelays: readonly number[];
  readonly #interrupt = interruption();
  readonly #stopReading = new AbortController();
  #state: NarrationState | { kind: 'idle' } = { kind: 'idle' };
  #leg: Leg | undefined;
  #lastTimeline: ReadingLeg | undefined;
  #running: Promise<NarrationResult> | undefined;
  #interruptedBy: SpeechError | undefined;
  #cancelWait: (() => void) | undefined;
  /** End of the audio handed to the sink, on the reading's timeline. */
  #audioMs = 0;
  /** Billed characters of the connections that have ended. */
  #charactersBefore = 0;
  #opened = false;
  /** Streamed text: everything the source gave so far, and whether it has ended. */
  #streamed = '';
  /** Offset in the source of #streamed's first character: text no resume can need is let go. */
  #streamedBase = 0;
  #streamEnded = false;
  #feeding: Promise<void> | undefined;
  /** Resolves feedStream's wait for room once the unsent text is below MAX_UNSENT_STREAM_CHARS. */
  #roomWaiter: (() => void) | undefined;

  constructor(options: NarrationOptions) {
    super();
    this.#options = options;
    this.#resumeDelays = resumeDelays(options.resume);
    this.#audioMs = options.startAt?.audioMs ?? 0;
  }

  get state(): NarrationState | { kind: 'idle' } {
    return this.#state;
  }

  /** Billed characters sent so far, over every connection. */
  get charactersSent(): number {
    return this.#charactersBefore + (this.#leg?.session.charactersSent ?? 0);
  }

  /**
   * Where the text not yet handed to the sink begins: after a failure, the word to carry on from
   * (with another voice); undefined when the position is unknown (audio without timing).
   */
  get resumePoint(): ResumePoint | undefined {
    if (!this.#lastTimeline) return this.#options.startAt ?? READING_START;
    return this.#lastTimeline.resumePoint();
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
    const signal = this.#options.session.signal;
    const onAbort = (): void => this.cancel();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      if (this.#interruptedBy) throw this.#interruptedBy;
      this.#setState({ kind: 'connecting' });
      await this.#readFrom(this.#options.startAt ?? READING_START);
      if (this.#state.kind !== 'finishing') this.#setState({ kind: 'finishing' });
      this.#emitProgress();
      await this.#race(this.#options.sink.end());
      this.#setState({ kind: 'done' });
      return { charactersSent: this.charactersSent, audioMs: this.#audioMs };
    } catch (cause) {
      const error = this.#interruptedBy ?? (cause instanceof SpeechError ? cause : ioFailure(cause));
      this.#stopEverything();
      this.#setState(error.code === 'aborted' ? { kind: 'cancelled' } : { kind: 'failed', error });
      throw error;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.#stopEverything();
    }
  }

  /** Reads from `start` to the end, over as many connections as it takes (see resume.ts). */
  async #readFrom(start: ResumePoint): Promise<void> {
    const delays = this.#resumeDelays;
    let point = start;
    let failures = 0;
    for (;;) {
      const leg = this.#beginLeg(point);
      try {
        await this.#runLeg(leg);
        this.#handOver(leg.timeline.finish());
        this.#endLeg(leg);
        return;
      } catch (cause) {
        this.#endLeg(leg);
        if (this.#interruptedBy) throw this.#interruptedBy;
        const error = cause instanceof SpeechError ? cause : ioFailure(cause);
        const next = delays.length > 0 ? leg.timeline.resumePoint() : undefined;
        if (next && this.#isComplete(next)) return; // every word was handed over: nothing is lost
        if (!next || !this.#opened || !isTransient(error)) throw error;
        failures = next.wordIndex > point.wordIndex ? 1 : failures + 1;
        if (failures > delays.length) throw gaveUp(error, delays.length);
        this.#setState({ kind: 'reconnecting', attempt: failures, error });
        await this.#race(this.#wait(delays[failures - 1] ?? 0));
        point = next;
      }
    }
  }

  #beginLeg(point: ResumePoint): Leg {
    const session = this.#createSession();
    const text = this.#textFrom(point.textOffset);
    const timeline = new ReadingLeg(point, text, this.#cutter());
    const stream = this.#options.source.kind === 'stream' ? this.#streamPacer(text) : undefined;
    const pacer = stream ?? new TextPacer(text, { leadMs: this.#leadMs() });
    const target: FeedTarget = {
      send: (batch, options) => this.#send(leg, batch, options),
      end: () => this.#end(leg),
    };
    // Prepared before connecting, so the first text follows the handshake without delay.
    const feeder = new PacedTextFeeder(pacer, target, () => this.#playback(leg), this.#options.pollMs);
    const leg: Leg = { session, timeline, pacer, feeder, ...(stream ? { stream } : {}) };
    session.on('audio', (chunk) => this.#onAudio(leg, chunk));
    this.#leg = leg;
    this.#lastTimeline = timeline;
    return leg;
  }

  async #runLeg(leg: Leg): Promise<void> {
    await this.#race(leg.session.connect());
    this.#opened = true;
    this.#setState({ kind: 'speaking' });
    leg.feeder.start();
    this.#readStream();
    await this.#race(leg.session.finished());
  }

  #endLeg(leg: Leg): void {
    leg.feeder.stop();
    leg.session.cancel();
    if (this.#leg !== leg) return;
    this.#charactersBefore += leg.session.charactersSent;
    this.#leg = undefined;
  }

  /** Without resuming, or for opus, audio is passed on as it comes (nothing held back). */
  #cutter(): ReturnType<typeof audioCutter> {
    if (this.#resumeDelays.length === 0) return undefined;
    const format = parseOutputFormat(this.#options.session.query?.output_format ?? DEFAULT_OUTPUT_FORMAT);
    return format ? audioCutter(format) : undefined;
  }

  #isComplete(point: ResumePoint): boolean {
    const source = this.#options.source;
    if (source.kind === 'text') return !hasWords(source.text.slice(point.textOffset));
    return this.#streamEnded && !hasWords(this.#textBetween(point.textOffset));
  }

  #createSession(): StreamSession {
    const warm = this.#options.warmSessions?.take(this.#options.session);
    if (warm) return warm;
    try {
      return new StreamSession(this.#options.session);
    } catch (error) {
      // The only thing the constructor rejects is an unknown output format.
      const detail = error instanceof Error ? ` (${error.message})` : '';
      throw new SpeechError('unsupported_format', `${defaultMessage('unsupported_format')}${detail}`);
    }
  }

  /** The source text from `offset` on: for streamed text, what has arrived so far. */
  #textFrom(offset: number): string {
    return this.#textBetween(offset);
  }

  /** Source text between two offsets (streamed text: never before what may still be resumed). */
  #textBetween(from: number, to?: number): string {
    const source = this.#options.source;
    if (source.kind === 'text') return source.text.slice(from, to);
    const base = this.#streamedBase;
    return this.#streamed.slice(from - base, to === undefined ? undefined : to - base);
  }

  /**
   * A book piped in: the streamed text before the first word a resume could start from is let go
   * (in steps, so the copying stays linear), keeping memory flat however long the stream.
   */
  #forgetHeardStream(leg: Leg): void {
    if (this.#options.source.kind !== 'stream') return;
    const resume = leg.timeline.resumePoint();
    if (!resume) return;
    const voicedTo = leg.timeline.start.textOffset + leg.timeline.progress.voicedChars;
    const keepFrom = Math.min(resume.textOffset, voicedTo);
    if (keepFrom - this.#streamedBase < FORGET_STREAM_STEP_CHARS) return;
    this.#streamed = this.#streamed.slice(keepFrom - this.#streamedBase);
    this.#streamedBase = keepFrom;
  }

  #leadMs(): number {
    return this.#options.leadMs ?? DEFAULT_LEAD_MS;
  }

  /** A streamed leg's pacer, holding what arrived before it (from where it starts) to send first. */
  #streamPacer(backlog: string): StreamPacer {
    const pacer = new StreamPacer({ leadMs: this.#leadMs() });
    for (const send of sendsOfWholeWords(backlog, this.#streamEnded)) pacer.push(send);
    if (this.#streamEnded) pacer.end();
    return pacer;
  }

  /** Streamed text: starts reading the source once, when the first connection is open. */
  #readStream(): void {
    const source = this.#options.source;
    if (this.#feeding || source.kind !== 'stream') return;
    this.#feeding = feedStream(source.chunks, this.#streamTarget(), this.#stopReading.signal, () =>
      this.#roomForText(),
    );
    this.#feeding.catch((error: unknown) => this.#interruptWith(ioFailure(error)));
  }

  #streamTarget(): FeedTarget {
    return {
      send: (text, options) => {
        if (this.#interruptedBy) return;
        this.#streamed += text;
        const leg = this.#leg;
        if (!leg?.stream) return; // between connections: the next one starts with it
        leg.timeline.append(text);
        leg.stream.push({ text, flush: options.flush });
        leg.feeder.pump();
      },
      end: () => {
        if (this.#interruptedBy) return;
        this.#streamEnded = true;
        this.#leg?.stream?.end();
        this.#leg?.feeder.pump();
      },
    };
  }

  /**
   * Undefined while the source may be read on; else a promise that resolves once it may (a stop ends
   * the wait through the reader's abort signal).
   */
  #roomForText(): Promise<void> | undefined {
    if (this.#unsentStreamChars() <= MAX_UNSENT_STREAM_CHARS) return undefined;
    return new Promise<void>((resolve) => (this.#roomWaiter = resolve));
  }

  #unsentStreamChars(): number {
    const leg = this.#leg;
    const sentUpTo = leg ? leg.timeline.start.textOffset + leg.pacer.sentChars : 0;
    return this.#streamedBase + this.#streamed.length - sentUpTo;
  }

  #wakeStreamReader(): void {
    if (!this.#roomWaiter || this.#unsentStreamChars() > MAX_UNSENT_STREAM_CHARS) return;
    const wake = this.#roomWaiter;
    this.#roomWaiter = undefined;
    wake();
  }

  #send(leg: Leg, text: string, options: { flush: boolean }): void {
    if (this.#interruptedBy) return;
    // send() only throws on misuse (not open); a failed session ignores it and reports via finished().
    this.#guard(() => leg.session.send(text, options));
    this.#wakeStreamReader();
    this.#emitProgress();
  }

  #end(leg: Leg): void {
    if (this.#interruptedBy) return;
    this.#guard(() => leg.session.end());
    this.#setState({ kind: 'finishing' });
  }

  #onAudio(leg: Leg, chunk: AudioChunk): void {
    if (this.#interruptedBy || this.#leg !== leg) return;
    this.#handOver(leg.timeline.take(chunk));
    this.#forgetHeardStream(leg);
    this.#emitProgress();
    leg.feeder.pump();
  }

  #handOver(handover: Handover): void {
    for (const chunk of handover.audio) {
      if (this.#interruptedBy) return;
      if (!this.#guard(() => this.#options.sink.write(chunk), ioFailure)) return;
      this.#audioMs = Math.max(this.#audioMs, chunk.startMs + chunk.durationMs);
      this.emit('audio', chunk);
    }
    for (const word of handover.words) this.emit('word', word);
  }

  /** Pacing works in the connection's own time: the listener is `audioMs` behind its start. */
  #playback(leg: Leg): PlaybackProgress {
    const playedMs = this.#playedMs();
    const progress = leg.timeline.progress;
    this.#watchForStall(leg, playedMs, progress.voicedChars);
    return { playedMs: playedMs - leg.timeline.start.audioMs, ...progress };
  }

  /**
   * The listener has heard everything handed over while words sent are still unvoiced: the server
   * owes audio. The pacing holds further text back meanwhile, so the session would not notice a
   * server that stopped part-way: it is told to wait for audio, with its silence timeout.
   */
  #watchForStall(leg: Leg, playedMs: number, voicedChars: number): void {
    if (playedMs < leg.timeline.endMs) return;
    const start = leg.timeline.start.textOffset;
    const sent = this.#textBetween(start + voicedChars, start + leg.pacer.sentChars);
    if (hasWords(sent)) leg.session.awaitAudio();
  }

  #playedMs(): number {
    let played = 0;
    this.#guard(() => {
      played = this.#options.sink.playedMs();
    }, ioFailure);
    return Number.isFinite(played) ? played : 0;
  }

  #emitProgress(): void {
    this.emit('progress', {
      charactersSent: this.charactersSent,
      audioMs: this.#audioMs,
      playedMs: this.#playedMs(),
    });
  }

  #wait(ms: number): Promise<void> {
    const timer = pause(ms);
    this.#cancelWait = timer.cancel;
    return timer.done.finally(() => (this.#cancelWait = undefined));
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
    this.#leg?.feeder.stop();
    this.#stopReading.abort();
    this.#leg?.session.cancel();
    this.#cancelWait?.();
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
