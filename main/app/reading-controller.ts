// The one place that turns "read this text" into a reading: it applies the busy policy, owns the
// app's state (idle / connecting / reconnecting / speaking / paused / error), forwards word timings
// for the caption overlay and stores finished readings in the history.
//
// Decisions:
// - Busy policy (settings.busyPolicy, or a per-request override): replace cancels the current reading
//   and starts the new one; queue appends it (first in, first out, counted in state.queued); ignore
//   drops it (outcome 'ignored'). stop() cancels the current reading AND clears the queue.
// - A failed reading shows its error and clears the queue: the next queued text would most likely
//   hit the same problem (no key, no network), and the error must stay visible.
// - A dropped connection shows 'reconnecting' (with the attempt) while the job carries on; a pause
//   takes precedence in the state, as it does over 'connecting'.
// - Pause pauses the player; the narration's pacing then stops sending text by itself, because the
//   heard position stops moving. An open session stays alive meanwhile through its keep-alives, so
//   a pause may last as long as the user likes.
// - History: when a reading ends with some audio (done, stopped, or failed part-way) an entry is
//   stored with the audio received and the text that audio covers (see spokenText in
//   reading-text.ts), so replaying an entry plays exactly its text. Previews and replays are not stored.
// - Steering (previous, next, jump) goes to the current reading; a jump starts a new stretch of
//   playback, so word and playback events get a new playback id and the captions start afresh.
// - Speed is the player's (pitch kept): it applies at once, is saved as settings.playbackSpeed, and
//   the position says the remaining time at that speed.
// - Every state change is emitted exactly once; read(), stop() and friends never throw, and no
//   promise of theirs can reject unhandled.
import type { FormatInfo } from '../../shared/protocol';
import { SPEED_STEP, normaliseSpeed } from '../../shared/time-stretch';
import { TypedEmitter } from '../speech/typed-emitter';
import type { HistoryEntry, HistoryStore } from '../store/history';
import type { Logger } from '../store/redact';
import type { SecretStore } from '../store/secrets';
import type { ConfirmedHosts } from '../store/confirmed-hosts';
import type { SettingsStore } from '../store/settings';
import type { BusyPolicy, EngineKind } from '../../shared/settings-schema';
import type { OfflineEndpoint } from './offline-engine';
import { PlayerLease } from './player-lease';
import { ReplayJob, SpeakJob } from './reading-job';
import type { JobListener, JobOutcome, JobPhase, ReadingJob, Recording } from './reading-job';
import type { SessionTuning } from './start-narration';
import type { PlanDeps } from './reading-plan';
import { WarmConnection } from './warm-connection';
import { MAX_READ_CHARS, prepareText } from './reading-text';
import type {
  AppState,
  PlaybackEvent,
  PlayerPort,
  ReadOutcome,
  ReadResult,
  ReadingNotice,
  ReadingPosition,
  ReadingSource,
  ReadingText,
  ReadingView,
  WordEvent,
} from './reading-types';
import type { ReadingPlace } from './sentence-reading';

export type {
  ReadingPosition,
  ReadingText,
  ReadingView,
  AppState,
  PlaybackEvent,
  PlayerPort,
  ReadOutcome,
  ReadResult,
  ReadingNotice,
  ReadingSource,
  WordEvent,
} from './reading-types';
export type { SessionTuning } from './start-narration';

export interface ReadingControllerDeps {
  settings: SettingsStore;
  secrets: SecretStore;
  history: HistoryStore;
  offlineServer: () => Promise<OfflineEndpoint>;
  player: PlayerPort;
  log: Logger;
  /** Clock for the log's timings. */
  now?: () => number;
  /** A voice's display name for the history; the id is stored when this is absent or does not know. */
  describeVoice?: (engine: EngineKind, voiceId: string) => Promise<string | undefined>;
  /** Stream knobs for tests (short timeouts); the app leaves them alone. */
  tuning?: SessionTuning;
  /** How often a history replay tops up the player. */
  replayPollMs?: number;
  /** Servers the user confirmed may get the key (ElevenLabs' own and loopback need none). */
  confirmedHosts?: Pick<ConfirmedHosts, 'list'>;
}

export interface ReadOptions {
  /** Instead of the settings' engine (voice preview). */
  engine?: EngineKind;
  /** Instead of the settings' voice for the engine (voice preview). */
  voiceId?: string;
  /** false: not stored in the history (voice preview). Default true. */
  record?: boolean;
  /** Instead of settings.busyPolicy (a preview always replaces). */
  policy?: BusyPolicy;
  /** Switch to the offline voice when ElevenLabs has no key or refuses (and the settings allow). Default true. */
  allowFallback?: boolean;
}

export interface ReplayRequest {
  audio: Uint8Array;
  format: FormatInfo;
}

type Request =
  | { kind: 'speak'; text: string; source: ReadingSource; options: ReadOptions }
  | { kind: 'replay'; audio: Uint8Array; format: FormatInfo };

interface ActiveReading {
  readonly id: number;
  readonly job: ReadingJob;
  /** Changes with every jump: word and playback events of the new stretch of playback carry it. */
  playbackId: number;
  textShown: boolean;
  phase: JobPhase;
  /** Reconnection attempts in a row (while the phase is 'reconnecting'). */
  attempt: number;
  paused: boolean;
}

interface ControllerEvents {
  state: (state: AppState) => void;
  readingText: (text: ReadingText | null) => void;
  position: (position: ReadingPosition) => void;
  word: (word: WordEvent) => void;
  notice: (notice: ReadingNotice) => void;
  history: (entry: HistoryEntry) => void;
}

class Events extends TypedEmitter<ControllerEvents> {
  fire<E extends keyof ControllerEvents>(event: E, ...args: Parameters<ControllerEvents[E]>): void {
    this.emit(event, ...args);
  }

  subscribe<E extends keyof ControllerEvents>(event: E, listener: ControllerEvents[E]): () => void {
    this.on(event, listener);
    return () => void this.off(event, listener);
  }
}

function sameState(a: AppState, b: AppState): boolean {
  // Every state is built in one place below, so its fields always come in the same order.
  return JSON.stringify(a) === JSON.stringify(b);
}

/** How often the position is pushed while a reading plays (the elapsed time moves on). */
const POSITION_EVERY_MS = 1000;

const TRUNCATED_MESSAGE = `The text is very long, so only its first ${MAX_READ_CHARS.toLocaleString('en')} characters or so are read.`;

export class ReadingController {
  readonly #deps: ReadingControllerDeps;
  readonly #warm: WarmConnection;
  readonly #events = new Events();
  readonly #queue: Request[] = [];
  /** Readings still winding down (socket closing, history being written). */
  readonly #running = new Set<Promise<void>>();
  #current: ActiveReading | undefined;
  #error: { code: string; message: string } | undefined;
  #published: AppState = { kind: 'idle' };
  #readings = 0;
  #speed: number;
  #positionTimer: ReturnType<typeof setInterval> | undefined;

  constructor(deps: ReadingControllerDeps) {
    this.#deps = deps;
    this.#speed = normaliseSpeed(deps.settings.get().playbackSpeed);
    deps.player.setSpeed(this.#speed);
    this.#warm = new WarmConnection({
      settings: () => deps.settings.settled(),
      planDeps: this.#planDeps(),
      log: deps.log,
      ...(deps.tuning ? { tuning: deps.tuning } : {}),
    });
  }

  /**
   * A reading is about to be asked for (its hotkey was pressed; the selection is being captured):
   * open its connection now. Never rejects.
   */
  prepareConnection(): Promise<void> {
    return this.#warm.prepare();
  }

  get speed(): number {
    return this.#speed;
  }

  onReadingText(listener: (text: ReadingText | null) => void): () => void {
    return this.#events.subscribe('readingText', listener);
  }

  onPosition(listener: (position: ReadingPosition) => void): () => void {
    return this.#events.subscribe('position', listener);
  }

  /** The reading being heard (its text and where the listener is), or null. */
  readingView(): ReadingView | null {
    const current = this.#current;
    const text = current && this.#readingText(current);
    const position = current && this.#position(current);
    return text && position ? { text, position } : null;
  }

  previousSentence(): void {
    this.#current?.job.steering?.previous();
  }

  nextSentence(): void {
    this.#current?.job.steering?.next();
  }

  jumpToSentence(index: number): void {
    this.#current?.job.steering?.jumpTo(index);
  }

  /** Sets the playback speed (0.5 to 3, on the 0.1 grid), at once and for later readings; returns it. */
  async setSpeed(speed: number): Promise<number> {
    const next = normaliseSpeed(speed);
    this.#speed = next;
    this.#deps.player.setSpeed(next);
    this.#pushPosition();
    if (this.#deps.settings.get().playbackSpeed !== next) {
      await this.#deps.settings.update({ playbackSpeed: next });
    }
    return next;
  }

  /** One step faster (or slower, with a negative `steps`). */
  stepSpeed(steps: number): Promise<number> {
    return this.setSpeed(this.#speed + steps * SPEED_STEP);
  }

  get state(): AppState {
    return this.#published;
  }

  onState(listener: (state: AppState) => void): () => void {
    return this.#events.subscribe('state', listener);
  }

  onWord(listener: (word: WordEvent) => void): () => void {
    return this.#events.subscribe('word', listener);
  }

  /**
   * How far the current reading has been heard, each time the player reports. The player reports
   * only for the playback it has open, and a replaced reading's playback is stopped before the next
   * one opens, so the position always belongs to the current reading.
   */
  onPlayback(listener: (progress: PlaybackEvent) => void): () => void {
    return this.#deps.player.onProgress((playedMs) => {
      const current = this.#current;
      if (current) listener({ readingId: current.playbackId, playedMs, speed: this.#speed });
    });
  }

  onNotice(listener: (notice: ReadingNotice) => void): () => void {
    return this.#events.subscribe('notice', listener);
  }

  /** After a new history entry has been stored. */
  onHistoryAdded(listener: (entry: HistoryEntry) => void): () => void {
    return this.#events.subscribe('history', listener);
  }

  /** Reads `text` (cut at about MAX_READ_CHARS, with a notice), applying the busy policy. */
  read(text: string, source: ReadingSource, options: ReadOptions = {}): ReadResult {
    const prepared = prepareText(text);
    if (!prepared.ok) return prepared;
    const outcome = this.#submit({ kind: 'speak', text: prepared.text, source, options }, options.policy);
    if (prepared.truncated && outcome !== 'ignored') {
      this.#events.fire('notice', { code: 'text_truncated', message: TRUNCATED_MESSAGE });
    }
    return { ok: true, outcome, truncated: prepared.truncated };
  }

  /** Plays stored audio (a history entry) through the player, without any server; same busy policy. */
  replay(request: ReplayRequest): ReadResult {
    if (request.audio.length === 0) {
      return { ok: false, code: 'empty_text', message: 'This reading has no audio to play.' };
    }
    const outcome = this.#submit({ kind: 'replay', audio: request.audio, format: request.format });
    return { ok: true, outcome, truncated: false };
  }

  togglePause(): void {
    if (this.#current?.paused) this.resume();
    else this.pause();
  }

  pause(): void {
    const current = this.#current;
    if (!current || current.paused) return;
    current.paused = true;
    current.job.lease.pause();
    this.#publish();
  }

  resume(): void {
    const current = this.#current;
    if (!current?.paused) return;
    current.paused = false;
    current.job.lease.resume();
    this.#publish();
  }

  /** Stops the current reading, drops the queue and clears a shown error. */
  stop(): void {
    this.#queue.length = 0;
    this.#error = undefined;
    this.#cancelCurrent();
    this.#publish();
  }

  /** Back to idle from the error state (the error was seen). */
  dismissError(): void {
    if (!this.#error) return;
    this.#error = undefined;
    this.#publish();
  }

  /** Resolves once nothing is being read and every history entry has been written. */
  async settled(): Promise<void> {
    while (this.#running.size > 0) await Promise.all([...this.#running]);
  }

  /** Stops everything and waits for the readings to wind down (app shutdown). */
  async close(): Promise<void> {
    this.stop();
    await this.settled();
    await this.#warm.settled();
    this.#warm.close();
  }

  #submit(request: Request, policyOverride?: BusyPolicy): ReadOutcome {
    if (this.#current) {
      const policy = policyOverride ?? this.#deps.settings.get().busyPolicy;
      if (policy === 'ignore') return 'ignored';
      if (policy === 'queue') {
        this.#queue.push(request);
        this.#publish();
        return 'queued';
      }
      this.#cancelCurrent();
    }
    this.#error = undefined;
    this.#start(request);
    return 'started';
  }

  #cancelCurrent(): void {
    const current = this.#current;
    if (!current) return;
    this.#current = undefined;
    this.#readingEnded();
    current.job.cancel();
  }

  #start(request: Request): void {
    const id = ++this.#readings;
    const lease = new PlayerLease(this.#deps.player, (error) =>
      this.#deps.log.warn('The player failed to pause, resume or stop:', error),
    );
    const active: ActiveReading = {
      id,
      job: this.#createJob(
        request,
        id,
        lease,
        this.#listenerFor(() => active),
      ),
      playbackId: id,
      textShown: false,
      phase: request.kind === 'replay' ? 'speaking' : 'connecting',
      attempt: 0,
      paused: false,
    };
    this.#current = active;
    this.#publish();
    this.#startPositionTimer();
    const finished = this.#runJob(active, request);
    this.#running.add(finished);
    void finished.finally(() => this.#running.delete(finished));
  }

  #createJob(request: Request, readingId: number, lease: PlayerLease, listener: JobListener): ReadingJob {
    if (request.kind === 'replay') {
      return new ReplayJob({
        audio: request.audio,
        format: request.format,
        lease,
        listener,
        ...(this.#deps.replayPollMs !== undefined ? { pollMs: this.#deps.replayPollMs } : {}),
      });
    }
    const { engine, voiceId, allowFallback } = request.options;
    return new SpeakJob({
      text: request.text,
      source: request.source,
      readingId,
      settings: () => this.#deps.settings.settled(),
      ...(engine !== undefined ? { engine } : {}),
      ...(voiceId !== undefined ? { voiceId } : {}),
      allowFallback: allowFallback ?? true,
      planDeps: this.#planDeps(),
      lease,
      listener,
      ...(this.#deps.tuning ? { tuning: this.#deps.tuning } : {}),
      warm: this.#warm,
    });
  }

  #planDeps(): PlanDeps {
    return {
      secrets: this.#deps.secrets,
      offlineServer: this.#deps.offlineServer,
      ...(this.#deps.confirmedHosts ? { confirmedHosts: this.#deps.confirmedHosts } : {}),
    };
  }

  /** Events of a reading that has been replaced or stopped are dropped. */
  #listenerFor(active: () => ActiveReading): JobListener {
    const isCurrent = () => this.#current === active();
    return {
      phase: (phase, attempt = 0) => {
        if (!isCurrent()) return;
        active().phase = phase;
        active().attempt = attempt;
        this.#publish();
      },
      word: (word) => {
        if (isCurrent()) this.#events.fire('word', { ...word, readingId: active().playbackId });
      },
      passage: () => {
        if (isCurrent()) active().playbackId = ++this.#readings;
      },
      place: (place) => {
        if (!isCurrent()) return;
        this.#showText(active());
        this.#events.fire('position', this.#positionFrom(active(), place));
      },
      notice: (notice) => {
        if (isCurrent()) this.#events.fire('notice', notice);
      },
    };
  }

  async #runJob(active: ActiveReading, request: Request): Promise<void> {
    const startedAt = this.#now();
    let outcome: JobOutcome;
    try {
      outcome = await active.job.run();
    } catch (error) {
      // Jobs resolve every ending; this is a bug guard, so the app never sticks in "speaking".
      this.#deps.log.error('A reading failed unexpectedly:', error);
      outcome = { kind: 'failed', code: 'internal', message: 'The reading failed unexpectedly.' };
    }
    this.#deps.log.info(
      `Reading ${active.id} (${request.kind === 'speak' ? request.source : 'history replay'}) ended: ` +
        `${outcome.kind === 'failed' ? `failed, ${outcome.code}` : outcome.kind} after ${Math.round(this.#now() - startedAt)} ms.`,
    );
    if (this.#current === active) this.#finishCurrent(outcome);
    // Kept warm for the next reading, after one that ran to its end: after a failure the next would
    // most likely fail the same way, and a stop (perhaps of a struggling connection) asks for quiet.
    if (request.kind === 'speak' && outcome.kind === 'done' && !this.#current) void this.#warm.prepare();
    if (request.kind === 'speak' && request.options.record !== false && outcome.recording) {
      await this.#record(outcome.recording);
    }
  }

  #finishCurrent(outcome: JobOutcome): void {
    this.#current = undefined;
    this.#readingEnded();
    if (outcome.kind === 'failed') {
      this.#error = { code: outcome.code, message: outcome.message };
      if (this.#queue.length > 0) {
        this.#deps.log.info(`Dropped ${this.#queue.length} queued reading(s) after an error.`);
        this.#queue.length = 0;
      }
    }
    const next = this.#queue.shift();
    if (next) this.#start(next);
    else this.#publish();
  }

  async #record(recording: Recording): Promise<void> {
    if (this.#deps.settings.get().history.maxEntries === 0) return;
    try {
      const voiceName = (await this.#voiceName(recording.engine, recording.voiceId)) ?? recording.voiceId;
      const entry = await this.#deps.history.add(
        {
          text: recording.text,
          voiceId: recording.voiceId,
          voiceName,
          modelId: recording.modelId,
          engine: recording.engine,
          outputFormat: recording.format.format,
          durationMs: recording.durationMs,
          charactersBilled: recording.charactersBilled,
        },
        recording.audio,
      );
      this.#events.fire('history', entry);
    } catch (error) {
      this.#deps.log.error('Could not store the reading in the history:', error);
      this.#events.fire('notice', {
        code: 'history_failed',
        message: 'This reading could not be saved in the history.',
      });
    }
  }

  async #voiceName(engine: EngineKind, voiceId: string): Promise<string | undefined> {
    try {
      return await this.#deps.describeVoice?.(engine, voiceId);
    } catch {
      return undefined;
    }
  }

  #computeState(): AppState {
    const current = this.#current;
    if (current) {
      const { source } = current.job;
      const queued = this.#queue.length;
      if (current.paused) return { kind: 'paused', source, queued };
      if (current.phase === 'connecting') return { kind: 'connecting', source };
      if (current.phase === 'reconnecting') {
        return { kind: 'reconnecting', source, attempt: current.attempt };
      }
      return { kind: 'speaking', source, queued };
    }
    if (this.#error) return { kind: 'error', code: this.#error.code, message: this.#error.message };
    return { kind: 'idle' };
  }

  #publish(): void {
    const next = this.#computeState();
    if (sameState(next, this.#published)) return;
    this.#published = next;
    this.#events.fire('state', next);
  }

  #readingText(active: ActiveReading): ReadingText | undefined {
    const steering = active.job.steering;
    if (!steering) return undefined;
    return { readingId: active.id, text: steering.text, sentences: steering.sentences };
  }

  #showText(active: ActiveReading): void {
    if (active.textShown) return;
    const text = this.#readingText(active);
    if (!text) return;
    active.textShown = true;
    this.#events.fire('readingText', text);
  }

  #position(active: ActiveReading): ReadingPosition | undefined {
    const place = active.job.steering?.place();
    return place && this.#positionFrom(active, place);
  }

  #positionFrom(active: ActiveReading, place: ReadingPlace): ReadingPosition {
    return {
      readingId: active.id,
      sentence: place.sentence,
      sentenceCount: place.sentenceCount,
      elapsedMs: place.elapsedMs,
      remainingMs: Math.round(place.remainingMs / this.#speed),
      speed: this.#speed,
      steerable: active.job.steering !== undefined,
    };
  }

  #pushPosition(): void {
    const current = this.#current;
    const position = current && this.#position(current);
    if (current && position) {
      this.#showText(current);
      this.#events.fire('position', position);
    }
  }

  #startPositionTimer(): void {
    if (this.#positionTimer !== undefined) return;
    this.#positionTimer = setInterval(() => {
      if (this.#current && !this.#current.paused) this.#pushPosition();
    }, POSITION_EVERY_MS);
    this.#positionTimer.unref?.();
  }

  /** The reading view empties and the position timer stops once nothing is read. */
  #readingEnded(): void {
    if (this.#positionTimer !== undefined) clearInterval(this.#positionTimer);
    this.#positionTimer = undefined;
    this.#events.fire('readingText', null);
  }

  #now(): number {
    return (this.#deps.now ?? Date.now)();
  }
}
