// One reading from start to end, as the controller runs it: a speech job (plan, a steerable
// SentenceReading, offline fallback, what to keep for the history) or a replay job (stored audio, no
// server involved). A job's run() never rejects: every ending is an outcome.
//
// Decisions for the speech job:
// - The listener can go back, forward or to any sentence (sentence-reading.ts); audio already
//   received is played again from memory.
// - A connection that drops part-way is resumed by the narration itself (speech/resume.ts): the
//   job shows "reconnecting" meanwhile, and audio already with the player keeps playing.
// - A refused key or a used-up quota part-way, with settings.fallbackToOffline on (and not for a
//   voice preview), hands the rest over to the offline voice: it carries on from the first word whose
//   audio the player had not got, in the same playback, and a notice says so. The history keeps one
//   entry for the whole reading, under the engine that began it (its characters are the ones billed).
// - Any other failure part-way lets the player finish the whole words it already has, then reports
//   the error with how far the reading got; the history keeps the sentences whose audio came in, in
//   text order, from the first one (a reading steered back and forth keeps one clean copy).
import { SpeechError, defaultMessage } from '../../shared/speech-errors';
import type { AudioSink, Narration, ResumePoint, WordBoundary } from '../speech/narration';
import type { FormatInfo } from '../../shared/protocol';
import type { AudioChunk } from '../speech/session';
import type { EngineKind, Settings } from '../../shared/settings-schema';
import { audioPieces } from './audio-pieces';
import type { PlayerLease } from './player-lease';
import { canFallBackAfter, fallbackNotice, offlinePlan, planReading, stoppedMessage } from './reading-plan';
import type { PlanDeps, ReadingPlan } from './reading-plan';
import { SentenceLocator } from './reading-text';
import { ReadingSentences } from './reading-sentences';
import { SentenceReading } from './sentence-reading';
import type { ReadingPlace } from './sentence-reading';
import { partAt, revoiced, speakableReading, targetForPart, voiceChangeSentences } from './speakable-reading';
import type { SpeakableReading } from './speakable-reading';
import { startNarration } from './start-narration';
import type { SessionTuning } from './start-narration';
import type { ReadingNotice, ReadingSource, WordEvent } from './reading-types';
import type { WarmConnection } from './warm-connection';

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
  /** A jump started a new stretch of playback: word times start again from 0. */
  passage?(): void;
  /** The sentence being heard changed. */
  place?(place: ReadingPlace): void;
}

export interface ReadingJob {
  readonly source: ReadingSource;
  readonly lease: PlayerLease;
  /** Resolves once the reading is over, however it ended. */
  run(): Promise<JobOutcome>;
  /** Stops at once: the socket is closed and playback cut off before this returns. */
  cancel(): void;
  /** Present while a text reading can be steered by sentence (not for a history replay). */
  readonly steering?: ReadingSteering | undefined;
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

function asSpeechError(cause: unknown): SpeechError {
  if (cause instanceof SpeechError) return cause;
  const detail = cause instanceof Error ? ` (${cause.message})` : '';
  return new SpeechError('io_failed', `${defaultMessage('io_failed')}${detail}`);
}

export interface SpeakJobOptions {
  text: string;
  source: ReadingSource;
  readingId: number;
  /**
   * The settings for this reading, read once when it starts (after any save in progress); a change
   * during the reading applies to the next one.
   */
  settings: () => Promise<Settings>;
  engine?: EngineKind;
  voiceId?: string;
  /** Voice previews test the chosen engine: they never switch to the offline voice. */
  allowFallback: boolean;
  planDeps: PlanDeps;
  lease: PlayerLease;
  listener: JobListener;
  tuning?: SessionTuning;
  /** The socket opened ahead (at the hotkey, or after the last reading), which the reading takes. */
  warm?: WarmConnection;
}

/** Steering by sentence: what the controller (and so the window, tray and hotkeys) can ask of a reading. */
export interface ReadingSteering {
  readonly text: string;
  readonly sentences: { offset: number; length: number }[];
  previous(): void;
  next(): void;
  jumpTo(sentence: number): void;
  place(): ReadingPlace;
}

/**
 * Reads text as a steerable SentenceReading; on a refused key or quota, carries on with the offline
 * voice from the first word whose audio the player had not got.
 */
export class SpeakJob implements ReadingJob {
  readonly source: ReadingSource;
  readonly lease: PlayerLease;
  readonly #options: SpeakJobOptions;
  readonly #sentences: SentenceLocator;
  #reading: SentenceReading | undefined;
  /** The plan new generations use: the offline one once the reading has fallen back. */
  #plan: ReadingPlan | undefined;
  /** The settings read when the reading started. */
  #settings: Settings | undefined;
  /** The plan whose audio the reading begins with: the history entry's engine and voice. */
  #recordedPlan: ReadingPlan | undefined;
  /** What is sent (the speakable text), and the voice for each part; the offline voice's after a fallback. */
  #spoken: SpeakableReading | undefined;
  readonly #billed: { narration: Narration; plan: ReadingPlan }[] = [];
  #wordsHeard = 0;
  #fellBack = false;
  #cancelled = false;

  constructor(options: SpeakJobOptions) {
    this.#options = options;
    this.source = options.source;
    this.lease = options.lease;
    this.#sentences = new SentenceLocator(options.text);
  }

  #steering: ReadingSteering | undefined;

  /** Undefined until the reading has started (planning comes first). */
  get steering(): ReadingSteering | undefined {
    const reading = this.#reading;
    if (!reading) return undefined;
    const map = (this.#spoken as SpeakableReading).speakable.map;
    return (this.#steering ??= {
      text: this.#options.text,
      // The listener sees the text they selected: each sentence as the span of it that it was made from.
      sentences: reading.sentences.list().map((sentence) => {
        const span = map.toSourceSpan(sentence.offset, sentence.length);
        return { offset: span.start, length: span.length };
      }),
      previous: () => reading.previous(),
      next: () => reading.next(),
      jumpTo: (sentence) => reading.jumpTo(sentence),
      place: () => reading.place(),
    });
  }

  cancel(): void {
    if (this.#cancelled) return;
    this.#cancelled = true;
    this.#reading?.cancel();
    this.lease.release(true);
  }

  async run(): Promise<JobOutcome> {
    const outcome = await this.#read();
    // The recording, if any, was taken: the kept audio (and its temporary file) can go.
    this.#reading?.close();
    // A finished reading leaves its last audio playing; any other ending cuts playback off.
    this.lease.release(outcome.kind !== 'done');
    return outcome;
  }

  async #read(): Promise<JobOutcome> {
    const { engine, voiceId, allowFallback, planDeps, listener } = this.#options;
    listener.phase('connecting');
    const settings = await this.#options.settings();
    this.#settings = settings;
    if (this.#cancelled) return { kind: 'stopped' };
    const planned = await planReading(settings, { engine, voiceId, allowFallback }, planDeps);
    if (this.#cancelled) return { kind: 'stopped' };
    if (!planned.ok) return { kind: 'failed', code: planned.code, message: planned.message };
    if (planned.notice) listener.notice(planned.notice);
    this.#plan = planned.plan;
    let reading: SentenceReading;
    try {
      reading = this.#createReading(planned.plan, settings);
    } catch (cause) {
      const error = asSpeechError(cause);
      return { kind: 'failed', code: error.code, message: error.message };
    }
    try {
      // A socket being opened at the hotkey is the one this reading takes: let it get that far.
      await this.#options.warm?.settled();
      if (this.#cancelled) return { kind: 'stopped' };
      await reading.run();
      return { kind: 'done', recording: this.#recording() };
    } catch (cause) {
      const error = asSpeechError(cause);
      const recording = this.#recording();
      if (error.code === 'aborted' || this.#cancelled) return { kind: 'stopped', recording };
      return {
        kind: 'failed',
        code: error.code,
        message: stoppedMessage(error, this.#wordsHeard),
        recording,
      };
    }
  }

  #createReading(plan: ReadingPlan, settings: Settings): SentenceReading {
    const { listener } = this.#options;
    const spoken = speakableReading(this.#options.text, {
      voice: { engine: plan.engine, modelId: plan.modelId, voiceId: plan.parameters.voiceId },
      text: settings.text,
    });
    this.#spoken = spoken;
    this.#options.warm?.remember(plan, partAt(spoken.parts, 0).voicing);
    const sentences = new ReadingSentences(spoken.speakable.text);
    const reading = new SentenceReading({
      text: spoken.speakable.text,
      format: plan.format,
      voiceChanges: voiceChangeSentences(spoken, sentences),
      sentences,
      generate: (from, sink, until) => this.#generate(from, sink, until),
      openPlayer: () => this.lease.open(plan.format),
      onFailure: (error, resumeFrom) => this.#carryOn(error, resumeFrom),
    });
    reading.on('passage', () => listener.passage?.());
    reading.on('word', (word) => this.#onWord(word));
    reading.on('place', (place) => listener.place?.(place));
    this.#reading = reading;
    return reading;
  }

  /** One generation of the reading, with the plan in force (ElevenLabs, or the offline voice after a fallback). */
  #generate(from: ResumePoint, sink: AudioSink, until: number): Narration {
    const plan = this.#plan as ReadingPlan;
    const spoken = this.#spoken as SpeakableReading;
    const narration = startNarration({
      target: targetForPart(plan, spoken, from.textOffset),
      source: { kind: 'text', text: spoken.speakable.text.slice(0, until) },
      sink: {
        write: (chunk) => {
          this.#recordedPlan ??= plan;
          sink.write(chunk);
        },
        playedMs: () => sink.playedMs(),
        end: () => sink.end(),
      },
      ...(this.#options.tuning ? { tuning: this.#options.tuning } : {}),
      ...(this.#options.warm ? { warmSessions: this.#options.warm.sessions } : {}),
      startAt: from,
    });
    this.#billed.push({ narration, plan });
    narration.on('state', (state) => {
      const { listener } = this.#options;
      if (this.#billed.at(-1)?.narration !== narration) return;
      if (state.kind === 'connecting') listener.phase('connecting');
      if (state.kind === 'speaking') listener.phase('speaking');
      if (state.kind === 'reconnecting') listener.phase('reconnecting', state.attempt);
    });
    return narration;
  }

  /** After a failure: the offline voice carries on when the key or quota was refused and the settings allow. */
  async #carryOn(error: SpeechError, resumeFrom: ResumePoint | undefined): Promise<'fail' | 'continue'> {
    const { allowFallback, planDeps, listener } = this.#options;
    const settings = this.#settings;
    const plan = this.#plan;
    const allowed =
      // Without a known position the offline voice could only start over, repeating what was heard.
      resumeFrom !== undefined &&
      !this.#cancelled &&
      !this.#fellBack &&
      plan?.engine === 'elevenlabs' &&
      allowFallback &&
      settings?.fallbackToOffline === true &&
      canFallBackAfter(error);
    if (!allowed || !settings) return 'fail';
    listener.notice(fallbackNotice(error, this.#wordsHeard));
    try {
      // The player's stream and the history's recording stay in one format.
      const offline = await offlinePlan(settings, planDeps, { format: plan.format });
      const voice = { engine: offline.engine, modelId: offline.modelId, voiceId: offline.parameters.voiceId };
      this.#spoken = revoiced(this.#spoken as SpeakableReading, voice, settings.text);
      this.#plan = offline;
    } catch {
      return 'fail';
    }
    this.#fellBack = true;
    return this.#cancelled ? 'fail' : 'continue';
  }

  /** Words are timed in the speakable text; the listener is told where they are in the source. */
  #onWord(word: WordBoundary): void {
    this.#wordsHeard += 1;
    const text = this.#options.text;
    const span = (this.#spoken as SpeakableReading).speakable.map.toSourceSpan(word.textOffset, word.length);
    this.#options.listener.word({
      ...word,
      textOffset: span.start,
      length: span.length,
      readingId: this.#options.readingId,
      text: text.slice(span.start, span.start + span.length),
      sentence: this.#sentences.at(span.start),
    });
  }

  #recording(): Recording | undefined {
    const kept = this.#reading?.recording();
    const plan = this.#recordedPlan;
    if (!kept || !plan) return undefined;
    const { map, text: spoken } = (this.#spoken as SpeakableReading).speakable;
    const source = this.#options.text;
    // The source of what was heard, so that "read again" reads what was selected; from its very start
    // (a heading's "## " maps to no spoken word) to its very end when all of it was heard.
    const start = kept.textStart === 0 ? 0 : map.toSourceStart(kept.textStart);
    const end = kept.textEnd >= spoken.length ? source.length : map.toSourceEnd(kept.textEnd);
    return {
      text: source.slice(start, Math.max(start, end)),
      audio: concatChunks(kept.chunks),
      engine: plan.engine,
      voiceId: plan.parameters.voiceId,
      modelId: plan.modelId,
      format: plan.format,
      durationMs: Math.round(kept.durationMs),
      // The offline voice costs nothing; ElevenLabs bills every character sent.
      charactersBilled: this.#billed
        .filter((entry) => entry.plan.engine === 'elevenlabs')
        .reduce((sum, entry) => sum + entry.narration.charactersSent, 0),
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
