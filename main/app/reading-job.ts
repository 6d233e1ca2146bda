// One reading from start to end, as the controller runs it: a speech job (plan, narration, offline
// fallback, what to keep for the history) or a replay job (stored audio, no server involved). A job's
// run() never rejects: every ending is an outcome.
//
// Decisions for the speech job:
// - A connection that drops part-way is resumed by the narration itself (speech/resume.ts): the
//   job shows "reconnecting" meanwhile, and audio already with the player keeps playing.
// - A refused key or a used-up quota part-way, with settings.fallbackToOffline on (and not for a
//   voice preview), hands the rest over to the offline voice: it carries on from the first word whose
//   audio the player had not got, in the same playback, and a notice says so. The history keeps one
//   entry for the whole reading, under the engine that began it (its characters are the ones billed).
// - Any other failure part-way lets the player finish the whole words it already has, then reports
//   the error with how far the reading got; the history keeps what was heard.
import { SpeechError, defaultMessage } from '../speech/errors';
import type { AudioSink, Narration, ResumePoint, WordBoundary } from '../speech/narration';
import type { FormatInfo } from '../speech/protocol';
import type { AudioChunk } from '../speech/session';
import type { EngineKind, Settings } from '../store/settings-schema';
import { audioPieces } from './audio-pieces';
import type { PlayerLease } from './player-lease';
import { canFallBackAfter, fallbackNotice, offlinePlan, planReading, stoppedMessage } from './reading-plan';
import type { PlanDeps, ReadingPlan } from './reading-plan';
import { SentenceLocator, spokenText } from './reading-text';
import { startNarration } from './start-narration';
import type { SessionTuning } from './start-narration';
import type { ReadingNotice, ReadingSource, WordEvent } from './reading-types';

/** What a history entry is made of. */
export interface Recording {
  text: string;
  audio: Uint8Array;
  engine: EngineKind;
  voiceId: string;
  modelId: string;
  format: FormatInfo;
  durationMs: number;
  charactersBilled: number;
}

export type JobOutcome =
  | { kind: 'done'; recording?: Recording }
  | { kind: 'stopped'; recording?: Recording }
  | { kind: 'failed'; code: string; message: string; recording?: Recording };

export type JobPhase = 'connecting' | 'speaking' | 'reconnecting';

export interface JobListener {
  /** `attempt` counts the reconnection attempts in a row (reconnecting only). */
  phase(phase: JobPhase, attempt?: number): void;
  word(word: WordEvent): void;
  notice(notice: ReadingNotice): void;
}

export interface ReadingJob {
  readonly source: ReadingSource;
  readonly lease: PlayerLease;
  /** Resolves once the reading is over, however it ended. */
  run(): Promise<JobOutcome>;
  /** Stops at once: the socket is closed and playback cut off before this returns. */
  cancel(): void;
}

function concatChunks(chunks: readonly AudioChunk[]): Uint8Array {
  const total = chunks.reduce((sum, chunk) => sum + chunk.audio.length, 0);
  const audio = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    audio.set(chunk.audio, offset);
    offset += chunk.audio.length;
  }
  return audio;
}

/** Passes audio on to the player's sink and keeps a copy for the history. */
class RecordingSink implements AudioSink {
  readonly chunks: AudioChunk[] = [];
  audioMs = 0;

  constructor(private readonly target: AudioSink) {}

  get hasAudio(): boolean {
    return this.chunks.some((chunk) => chunk.audio.length > 0);
  }

  write(chunk: AudioChunk): void {
    this.target.write(chunk);
    this.chunks.push(chunk);
    this.audioMs = Math.max(this.audioMs, chunk.startMs + chunk.durationMs);
  }

  playedMs(): number {
    return this.target.playedMs();
  }

  end(): Promise<void> {
    return this.target.end();
  }
}

function asSpeechError(cause: unknown): SpeechError {
  if (cause instanceof SpeechError) return cause;
  const detail = cause instanceof Error ? ` (${cause.message})` : '';
  return new SpeechError('io_failed', `${defaultMessage('io_failed')}${detail}`);
}

export interface SpeakJobOptions {
  text: string;
  source: ReadingSource;
  readingId: number;
  /** A snapshot: a settings change during the reading applies to the next one. */
  settings: Settings;
  engine?: EngineKind;
  voiceId?: string;
  /** Voice previews test the chosen engine: they never switch to the offline voice. */
  allowFallback: boolean;
  planDeps: PlanDeps;
  lease: PlayerLease;
  listener: JobListener;
  tuning?: SessionTuning;
}

/** How one narration ended. */
type Narrated =
  | { kind: 'done' }
  | { kind: 'stopped' }
  | { kind: 'failed'; error: SpeechError; resumeFrom: ResumePoint | undefined };

/** Reads text through a narration; on a refused key or quota, may carry on with the offline voice. */
export class SpeakJob implements ReadingJob {
  readonly source: ReadingSource;
  readonly lease: PlayerLease;
  readonly #options: SpeakJobOptions;
  readonly #sentences: SentenceLocator;
  #narration: Narration | undefined;
  #sink: RecordingSink | undefined;
  /** Words whose audio went to the player, over every narration of this reading. */
  readonly #words: WordBoundary[] = [];
  /** The plan whose audio the reading begins with: the history entry's engine and voice. */
  #recordedPlan: ReadingPlan | undefined;
  #billedCharacters = 0;
  #cancelled = false;
  #onCancel: (() => void) | undefined;

  constructor(options: SpeakJobOptions) {
    this.#options = options;
    this.source = options.source;
    this.lease = options.lease;
    this.#sentences = new SentenceLocator(options.text);
  }

  cancel(): void {
    if (this.#cancelled) return;
    this.#cancelled = true;
    this.#narration?.cancel();
    this.lease.release(true);
    this.#onCancel?.();
  }

  async run(): Promise<JobOutcome> {
    const outcome = await this.#attempts();
    // A finished reading leaves its last audio playing; any other ending cuts playback off.
    this.lease.release(outcome.kind !== 'done');
    return outcome;
  }

  async #attempts(): Promise<JobOutcome> {
    const { settings, engine, voiceId, allowFallback, planDeps, listener } = this.#options;
    listener.phase('connecting');
    const planned = await planReading(settings, { engine, voiceId, allowFallback }, planDeps);
    if (this.#cancelled) return { kind: 'stopped' };
    if (!planned.ok) return { kind: 'failed', code: planned.code, message: planned.message };
    if (planned.notice) listener.notice(planned.notice);
    const first = await this.#narrate(planned.plan);
    if (!this.#shouldFallBack(planned.plan, first)) return this.#outcome(first);
    listener.notice(fallbackNotice(first.error, this.#words.length));
    let plan: ReadingPlan;
    try {
      plan = await offlinePlan(settings, planDeps);
    } catch (cause) {
      return this.#outcome({ kind: 'failed', error: asSpeechError(cause), resumeFrom: first.resumeFrom });
    }
    if (this.#cancelled) return this.#outcome({ kind: 'stopped' });
    return this.#outcome(await this.#narrate(plan, first.resumeFrom));
  }

  #shouldFallBack(
    plan: ReadingPlan,
    narrated: Narrated,
  ): narrated is Extract<Narrated, { kind: 'failed' }> & { resumeFrom: ResumePoint } {
    return (
      narrated.kind === 'failed' &&
      // Without a known position the offline voice could only start over, repeating what was heard.
      narrated.resumeFrom !== undefined &&
      !this.#cancelled &&
      plan.engine === 'elevenlabs' &&
      this.#options.allowFallback &&
      this.#options.settings.fallbackToOffline &&
      canFallBackAfter(narrated.error)
    );
  }

  async #narrate(plan: ReadingPlan, startAt?: ResumePoint): Promise<Narrated> {
    if (this.#cancelled) return { kind: 'stopped' };
    let narration: Narration;
    try {
      narration = this.#createNarration(plan, startAt);
    } catch (cause) {
      return { kind: 'failed', error: asSpeechError(cause), resumeFrom: startAt };
    }
    try {
      await narration.run();
      return { kind: 'done' };
    } catch (cause) {
      const error = asSpeechError(cause);
      if (error.code === 'aborted' || this.#cancelled) return { kind: 'stopped' };
      return { kind: 'failed', error, resumeFrom: narration.resumePoint };
    } finally {
      if (plan.engine === 'elevenlabs') this.#billedCharacters += narration.charactersSent;
      if (this.#sink?.hasAudio) this.#recordedPlan ??= plan;
    }
  }

  async #outcome(narrated: Narrated): Promise<JobOutcome> {
    if (narrated.kind === 'done') return { kind: 'done', recording: this.#recording(true) };
    if (narrated.kind === 'stopped') return { kind: 'stopped', recording: this.#recording(false) };
    await this.#playOut();
    const recording = this.#recording(false);
    if (this.#cancelled) return { kind: 'stopped', recording };
    const { error } = narrated;
    return {
      kind: 'failed',
      code: error.code,
      message: stoppedMessage(error, this.#words.length),
      recording,
    };
  }

  /** After a failure part-way, the player finishes the whole words it has (a stop cuts this short). */
  async #playOut(): Promise<void> {
    const sink = this.#sink;
    if (!sink?.hasAudio || this.#cancelled) return;
    this.#options.listener.phase('speaking');
    const cancelled = new Promise<void>((resolve) => (this.#onCancel = resolve));
    await Promise.race([sink.end().catch(() => undefined), cancelled]);
    this.#onCancel = undefined;
  }

  #createNarration(plan: ReadingPlan, startAt: ResumePoint | undefined): Narration {
    // Opened once: the offline voice carries on in the same playback.
    this.#sink ??= new RecordingSink(this.lease.open(plan.format));
    const narration = startNarration({
      target: plan,
      source: { kind: 'text', text: this.#options.text },
      sink: this.#sink,
      ...(this.#options.tuning ? { tuning: this.#options.tuning } : {}),
      ...(startAt ? { startAt } : {}),
    });
    narration.on('state', (state) => {
      const { listener } = this.#options;
      if (state.kind === 'connecting') listener.phase('connecting');
      if (state.kind === 'speaking') listener.phase('speaking');
      if (state.kind === 'reconnecting') listener.phase('reconnecting', state.attempt);
    });
    narration.on('word', (word) => this.#onWord(word));
    this.#narration = narration;
    return narration;
  }

  #onWord(word: WordBoundary): void {
    this.#words.push(word);
    const text = this.#options.text;
    this.#options.listener.word({
      ...word,
      readingId: this.#options.readingId,
      text: text.slice(word.textOffset, word.textOffset + word.length),
      sentence: this.#sentences.at(word.textOffset),
    });
  }

  #recording(completed: boolean): Recording | undefined {
    const sink = this.#sink;
    const plan = this.#recordedPlan;
    if (!sink?.hasAudio || !plan) return undefined;
    return {
      text: spokenText(this.#options.text, this.#words, completed),
      audio: concatChunks(sink.chunks),
      engine: plan.engine,
      voiceId: plan.parameters.voiceId,
      modelId: plan.modelId,
      format: plan.format,
      durationMs: Math.round(sink.audioMs),
      // The offline voice costs nothing; ElevenLabs bills every character sent.
      charactersBilled: this.#billedCharacters,
    };
  }
}

export interface ReplayJobOptions {
  audio: Uint8Array;
  format: FormatInfo;
  lease: PlayerLease;
  listener: JobListener;
  /** Audio handed to the player ahead of what has been heard. Default 8000. */
  leadMs?: number;
  /** How often the lead is topped up. Default 200. */
  pollMs?: number;
}

const DEFAULT_REPLAY_LEAD_MS = 8000;
const DEFAULT_REPLAY_POLL_MS = 200;

/**
 * Plays stored audio without contacting any server. The audio is handed over a few seconds ahead
 * of the listener, as a stream would be, so a long reading never sits in the player all at once.
 */
export class ReplayJob implements ReadingJob {
  readonly source: ReadingSource = 'history';
  readonly lease: PlayerLease;
  readonly #options: ReplayJobOptions;
  #cancelled = false;
  #stopFeeding: (() => void) | undefined;
  #interrupt: (() => void) | undefined;

  constructor(options: ReplayJobOptions) {
    this.#options = options;
    this.lease = options.lease;
  }

  cancel(): void {
    if (this.#cancelled) return;
    this.#cancelled = true;
    this.#stopFeeding?.();
    this.#interrupt?.();
    this.lease.release(true);
  }

  async run(): Promise<JobOutcome> {
    if (this.#cancelled) return { kind: 'stopped' };
    this.#options.listener.phase('speaking');
    try {
      const sink = this.lease.open(this.#options.format);
      await this.#feed(sink, audioPieces(this.#options.audio, this.#options.format));
      if (this.#cancelled) return { kind: 'stopped' };
      const interrupted = new Promise<void>((resolve) => (this.#interrupt = resolve));
      await Promise.race([sink.end(), interrupted]);
    } catch (cause) {
      if (this.#cancelled) return { kind: 'stopped' };
      this.lease.release(true);
      const error = asSpeechError(cause);
      return { kind: 'failed', code: error.code, message: error.message };
    }
    this.lease.release(false);
    return this.#cancelled ? { kind: 'stopped' } : { kind: 'done' };
  }

  #feed(sink: AudioSink, pieces: AudioChunk[]): Promise<void> {
    const leadMs = this.#options.leadMs ?? DEFAULT_REPLAY_LEAD_MS;
    return new Promise<void>((resolve, reject) => {
      let next = 0;
      const finish = (error?: unknown): void => {
        clearInterval(timer);
        this.#stopFeeding = undefined;
        if (error === undefined) resolve();
        else reject(error);
      };
      const pump = (): void => {
        try {
          while (!this.#cancelled && next < pieces.length) {
            const piece = pieces[next] as AudioChunk;
            if (piece.startMs - sink.playedMs() > leadMs) return;
            sink.write(piece);
            next += 1;
          }
          finish();
        } catch (error) {
          finish(error);
        }
      };
      const timer = setInterval(pump, this.#options.pollMs ?? DEFAULT_REPLAY_POLL_MS);
      this.#stopFeeding = () => finish();
      pump();
    });
  }
}
