// One reading from start to end, as the controller runs it: a speech job (plan, narration, offline
// fallback, what to keep for the history) or a replay job (stored audio, no server involved). A job's
// run() never rejects: every ending is an outcome.
import { SpeechError, defaultMessage } from '../speech/errors';
import { Narration } from '../speech/narration';
import type { AudioSink, WordBoundary } from '../speech/narration';
import type { FormatInfo } from '../speech/protocol';
import type { AudioChunk, SessionTimeouts } from '../speech/session';
import type { EngineKind, Settings } from '../store/settings-schema';
import { audioPieces } from './audio-pieces';
import type { PlayerLease } from './player-lease';
import { canFallBackAfter, fallbackNotice, offlinePlan, planReading } from './reading-plan';
import type { PlanDeps, ReadingPlan } from './reading-plan';
import { SentenceLocator, spokenText } from './reading-text';
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

export type JobPhase = 'connecting' | 'speaking';

export interface JobListener {
  phase(phase: JobPhase): void;
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

/** Test and diagnostics knobs for the stream; the app runs with the defaults. */
export interface SessionTuning {
  timeouts?: Partial<SessionTimeouts>;
  /** Overrides the preset's inactivity_timeout (seconds). */
  inactivityTimeoutS?: number;
  /** Audio generated ahead of what has been heard. */
  leadMs?: number;
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

function failedWith(error: SpeechError): JobOutcome {
  return { kind: 'failed', code: error.code, message: error.message };
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

/** Reads text through a narration; on a refused key or quota, may start over with the offline voice. */
export class SpeakJob implements ReadingJob {
  readonly source: ReadingSource;
  readonly lease: PlayerLease;
  readonly #options: SpeakJobOptions;
  readonly #sentences: SentenceLocator;
  #narration: Narration | undefined;
  #sink: RecordingSink | undefined;
  /** Words of the current attempt whose audio has arrived. */
  #words: WordBoundary[] = [];
  #cancelled = false;

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
    if (!this.#shouldFallBack(planned.plan, first.error)) return first.outcome;
    listener.notice(fallbackNotice(first.error));
    let plan: ReadingPlan;
    try {
      plan = await offlinePlan(settings, planDeps);
    } catch (cause) {
      return failedWith(asSpeechError(cause));
    }
    if (this.#cancelled) return { kind: 'stopped' };
    return (await this.#narrate(plan)).outcome;
  }

  #shouldFallBack(plan: ReadingPlan, error: SpeechError | undefined): error is SpeechError {
    // After some audio, starting over would repeat what was heard: the error is shown instead.
    return (
      error !== undefined &&
      !this.#cancelled &&
      plan.engine === 'elevenlabs' &&
      this.#options.allowFallback &&
      this.#options.settings.fallbackToOffline &&
      canFallBackAfter(error) &&
      !(this.#sink?.hasAudio ?? false)
    );
  }

  async #narrate(plan: ReadingPlan): Promise<{ outcome: JobOutcome; error?: SpeechError }> {
    if (this.#cancelled) return { outcome: { kind: 'stopped' } };
    let narration: Narration;
    try {
      narration = this.#createNarration(plan);
    } catch (cause) {
      const error = asSpeechError(cause);
      return { outcome: failedWith(error), error };
    }
    try {
      const result = await narration.run();
      return { outcome: { kind: 'done', recording: this.#recording(plan, narration, result.words, true) } };
    } catch (cause) {
      const error = asSpeechError(cause);
      const recording = this.#recording(plan, narration, this.#words, false);
      if (error.code === 'aborted' || this.#cancelled) return { outcome: { kind: 'stopped', recording } };
      return { outcome: { kind: 'failed', code: error.code, message: error.message, recording }, error };
    }
  }

  #createNarration(plan: ReadingPlan): Narration {
    const tuning = this.#options.tuning ?? {};
    // Opened once: an offline retry plays into the same (still silent) playback.
    this.#sink ??= new RecordingSink(this.lease.open(plan.format));
    const { voiceId, query, voiceSettings, generationConfig } = plan.parameters;
    const narration = new Narration({
      session: {
        baseUrl: plan.baseUrl,
        apiKey: plan.apiKey,
        voiceId,
        query: {
          ...query,
          ...(tuning.inactivityTimeoutS !== undefined
            ? { inactivity_timeout: tuning.inactivityTimeoutS }
            : {}),
        },
        voiceSettings,
        ...(generationConfig ? { generationConfig } : {}),
        ...(tuning.timeouts ? { timeouts: tuning.timeouts } : {}),
      },
      source: { kind: 'text', text: this.#options.text },
      sink: this.#sink,
      ...(tuning.leadMs !== undefined ? { leadMs: tuning.leadMs } : {}),
    });
    this.#words = [];
    narration.on('state', (state) => {
      if (state.kind === 'connecting') this.#options.listener.phase('connecting');
      if (state.kind === 'speaking') this.#options.listener.phase('speaking');
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

  #recording(
    plan: ReadingPlan,
    narration: Narration,
    words: readonly WordBoundary[],
    completed: boolean,
  ): Recording | undefined {
    const sink = this.#sink;
    if (!sink?.hasAudio) return undefined;
    return {
      text: spokenText(this.#options.text, words, completed),
      audio: concatChunks(sink.chunks),
      engine: plan.engine,
      voiceId: plan.parameters.voiceId,
      modelId: plan.modelId,
      format: plan.format,
      durationMs: Math.round(sink.audioMs),
      // The offline voice costs nothing; ElevenLabs bills every character sent.
      charactersBilled: plan.engine === 'elevenlabs' ? narration.charactersSent : 0,
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
