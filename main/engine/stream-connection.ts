// One `stream-input` WebSocket connection on the offline server: authentication, the BOS / text /
// EOS message sequence, the inactivity timeout, and generations spoken strictly in order.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { RawData, WebSocket } from 'ws';
import { SpeechError } from '../../shared/speech-errors';
import { parseClientMessage } from '../../shared/protocol';
import type { ParsedClientMessage, VoiceSettings } from '../../shared/protocol';
import { generationFrames } from './audio-frames';
import { allowLargeFrames } from './connection-guard';
import type { AudioEncoder, EncoderPool } from './encoders';
import { GenerationBuffer } from './generation-buffer';
import type { OfflineVoice } from './offline-voice';
import { credentialFromMessage, tokensEqual } from './server-auth';
import {
  AUTHENTICATION_REQUIRED,
  FINAL_FRAME,
  INVALID_API_KEY,
  INVALID_INPUT_MESSAGE,
  TEXT_AFTER_END,
  TEXT_LIMIT_EXCEEDED,
  VOICE_SETTINGS_CHANGED,
  audioFrame,
  closeReason,
  engineFailed,
  errorFrame,
  inputTimeoutExceeded,
  invalidInput,
  voiceNotFound,
} from './server-messages';
import type { ServerError } from './server-messages';
import type { QueryResult, StreamRequestOptions } from './stream-request';

/** Text waiting to be spoken on one connection, beyond which the client is asked to slow down. */
export const MAX_PENDING_CHARS = 2_000_000;
/** A frame the client has not taken within this time means the client is stuck or gone. */
const SEND_TIMEOUT_MS = 30_000;
const MIN_SPEED = 0.7;
const MAX_SPEED = 1.2;
const NORMAL_CLOSE = 1000;
const GOING_AWAY = 1001;

export interface ConnectionContext {
  socket: WebSocket;
  voice: OfflineVoice;
  encoders: EncoderPool;
  voiceId: string;
  token: string;
  query: QueryResult;
  /** The credential from the handshake headers/query, if any. */
  headerCredential: string | undefined;
  /** Without a credential at the handshake, the first message must bring one within this time. */
  authTimeoutMs: number;
  /** The frame limit once authenticated (the server starts every socket with a small one). */
  maxMessageBytes: number;
}

/** What the first message settled for the rest of the connection. */
interface Session {
  buffer: GenerationBuffer;
  /** Taken once the first text is on its way to the engine, so the two start up side by side. */
  encoder: Promise<AudioEncoder> | undefined;
  options: StreamRequestOptions;
  voiceSettings: VoiceSettings | null;
  speed: number;
  /** Whether any audio went into the encoder (an unused MP3 encoder still flushes a frame). */
  encoded: boolean;
}

type ConnectionState =
  | { kind: 'awaiting_bos' }
  | { kind: 'streaming'; session: Session }
  | { kind: 'ending'; session: Session }
  | { kind: 'closed' };

/** Key order does not matter when comparing voice settings. */
function canonicalSettings(settings: VoiceSettings | null): string {
  if (settings === null) return 'null';
  const entries = Object.entries(settings).sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify(entries);
}

function clampSpeed(speed: number | undefined): number {
  return Math.min(MAX_SPEED, Math.max(MIN_SPEED, speed ?? 1));
}

function decodeJson(data: RawData): unknown {
  const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
  return JSON.parse(bytes.toString('utf8')) as unknown;
}

/** The documented code, with the reason the server gave up waiting. */
function authenticationTimedOut(ms: number): ServerError {
  const seconds = Math.round(ms / 100) / 10;
  return {
    ...AUTHENTICATION_REQUIRED,
    message: `No API key arrived within ${seconds} s of connecting. Send xi-api-key in the handshake headers or in the first message.`,
  };
}

export class StreamConnection {
  private state: ConnectionState = { kind: 'awaiting_bos' };
  /** Incoming messages are handled one after another (the first one may wait for the encoder). */
  private inbox: Promise<void> = Promise.resolve();
  /** Generations, spoken strictly in order. */
  private work: Promise<void> = Promise.resolve();
  private pendingGenerations = 0;
  private pendingChars = 0;
  private inactivityTimer: NodeJS.Timeout | undefined;
  private authenticated = false;
  private authTimer: NodeJS.Timeout | undefined;
  private readonly abort = new AbortController();
  private readonly closed: Promise<void>;

  constructor(private readonly context: ConnectionContext) {
    const { socket } = context;
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('close', () => this.release());
    // A broken socket (reset, oversized frame) is closed by `ws` itself; only release our work.
    socket.on('error', () => this.release());
    socket.on('message', (data, isBinary) => this.receive(data, isBinary));
    if (context.headerCredential === undefined) {
      this.authTimer = setTimeout(
        () => this.fail(authenticationTimedOut(context.authTimeoutMs)),
        context.authTimeoutMs,
      );
    } else if (tokensEqual(context.headerCredential, context.token)) {
      this.admit();
    } else {
      this.fail(INVALID_API_KEY);
      return;
    }
    this.armInactivityTimer();
  }

  /** Resolves once the socket has closed. */
  whenClosed(): Promise<void> {
    return this.closed;
  }

  /** Server shutdown: stop all work and say goodbye; the server terminates stragglers. */
  shutDown(): void {
    if (this.state.kind === 'closed') return;
    this.release();
    this.context.socket.close(GOING_AWAY, 'Server shutting down');
  }

  terminate(): void {
    this.release();
    this.context.socket.terminate();
  }

  private receive(data: RawData, isBinary: boolean): void {
    if (!this.authenticated) return this.receiveFirst(data, isBinary);
    this.queue(async () => {
      const message = this.read(data, isBinary);
      if (message !== undefined) await this.handle(message);
    });
  }

  /**
   * The first message of a connection without a credential at the handshake is read and its
   * credential checked at once, not in turn: `ws` reads the next frame header as soon as this
   * returns, and only an authenticated socket may send frames over the small pre-auth limit.
   */
  private receiveFirst(data: RawData, isBinary: boolean): void {
    const message = this.read(data, isBinary);
    if (message === undefined) return;
    const problem = this.authenticate(message);
    if (problem) return this.fail(problem);
    this.admit();
    this.queue(() => this.begin(message));
  }

  private queue(step: () => Promise<void>): void {
    this.inbox = this.inbox
      .then(step)
      .catch((cause: unknown) =>
        this.fail(engineFailed(cause instanceof Error ? cause.message : String(cause))),
      );
  }

  /** The frame as a client message, or undefined once the connection has failed over it. */
  private read(data: RawData, isBinary: boolean): ParsedClientMessage | undefined {
    if (this.state.kind === 'closed') return undefined;
    if (isBinary) {
      this.fail(invalidInput('binary frames are not accepted; send JSON text frames'));
      return undefined;
    }
    let value: unknown;
    try {
      value = decodeJson(data);
    } catch {
      this.fail(INVALID_INPUT_MESSAGE);
      return undefined;
    }
    const parsed = parseClientMessage(value);
    if (parsed.ok) return parsed.value;
    this.fail(invalidInput(parsed.reason));
    return undefined;
  }

  private async handle(message: ParsedClientMessage): Promise<void> {
    switch (this.state.kind) {
      case 'awaiting_bos':
        return this.begin(message);
      case 'streaming':
        return this.continue(this.state.session, message);
      case 'ending':
        // A late keep-alive or a second EOS is harmless; real text is not.
        if (message.text !== '' && message.text !== ' ') this.fail(TEXT_AFTER_END);
        return;
    }
  }

  /** The first message, its sender authenticated: check the request, set up the session, treat its text. */
  private async begin(message: ParsedClientMessage): Promise<void> {
    const session = await this.openSession(message);
    if (this.isClosed()) return;
    if ('error' in session) return this.fail(session);
    this.state = { kind: 'streaming', session };
    this.armInactivityTimer();
    this.accept(session, message);
  }

  private authenticate(message: ParsedClientMessage): ServerError | undefined {
    const credential = credentialFromMessage(message);
    if (credential === undefined) return AUTHENTICATION_REQUIRED;
    return tokensEqual(credential, this.context.token) ? undefined : INVALID_API_KEY;
  }

  private async openSession(message: ParsedClientMessage): Promise<Session | ServerError> {
    const { query, voice, voiceId } = this.context;
    if (!query.ok) return { ...query.problem, code: 1008 };
    const voices = await voice.voices();
    const wanted = voiceId.toLowerCase();
    if (!voices.some((info) => info.voiceId.toLowerCase() === wanted)) {
      return voiceNotFound(voiceId, voices[0]?.voiceId);
    }
    const voiceSettings = message.voiceSettings ?? null;
    return {
      buffer: new GenerationBuffer({
        ...(message.chunkLengthSchedule ? { schedule: message.chunkLengthSchedule } : {}),
        autoMode: query.value.autoMode,
      }),
      encoder: undefined,
      options: query.value,
      voiceSettings,
      speed: clampSpeed(voiceSettings?.speed),
      encoded: false,
    };
  }

  private continue(session: Session, message: ParsedClientMessage): void {
    const settings = message.voiceSettings;
    if (settings && canonicalSettings(settings) !== canonicalSettings(session.voiceSettings)) {
      return this.fail(VOICE_SETTINGS_CHANGED);
    }
    this.armInactivityTimer();
    this.accept(session, message);
  }

  /** Text `""` ends the input; `" "` adds nothing (keep-alive, or a bare flush); the rest is buffered. */
  private accept(session: Session, message: ParsedClientMessage): void {
    if (message.text === '') return this.endInput(session);
    const text = message.text === ' ' ? '' : message.text;
    if (this.pendingChars + session.buffer.buffered.length + text.length > MAX_PENDING_CHARS) {
      return this.fail(TEXT_LIMIT_EXCEEDED);
    }
    const due = session.buffer.add(text, { flush: message.flush, tryTrigger: message.tryTriggerGeneration });
    for (const generation of due) this.enqueue(session, generation);
  }

  private endInput(session: Session): void {
    this.state = { kind: 'ending', session };
    this.disarmInactivityTimer();
    for (const generation of session.buffer.end()) this.enqueue(session, generation);
    this.work = this.work.then(() =>
      this.finish(session).catch((cause: unknown) => this.failGeneration(cause)),
    );
  }

  private enqueue(session: Session, text: string): void {
    this.pendingGenerations++;
    this.pendingChars += text.length;
    this.disarmInactivityTimer();
    this.work = this.work.then(async () => {
      try {
        await this.speak(session, text);
      } catch (cause) {
        this.failGeneration(cause);
      } finally {
        this.pendingGenerations--;
        this.pendingChars -= text.length;
        if (this.pendingGenerations === 0 && this.state.kind === 'streaming') this.armInactivityTimer();
      }
    });
  }

  private async speak(session: Session, text: string): Promise<void> {
    if (this.state.kind === 'closed') return;
    const synthesis = this.context.voice.synthesize(text, {
      voiceId: this.context.voiceId,
      speed: session.speed,
      signal: this.abort.signal,
    });
    session.encoder ??= this.context.encoders.take(session.options.format);
    const [audio, encoder] = await Promise.all([synthesis, session.encoder]);
    session.encoded = true;
    const frames = generationFrames(audio, (pcm) => encoder.encode(pcm), session.options.syncAlignment);
    for (const frame of frames) {
      if (this.isClosed()) return;
      await this.send(audioFrame(Buffer.from(frame.audio).toString('base64'), frame.alignment));
      // A socket write completes at once, so without a turn of the event loop the whole generation
      // would be encoded before anything else runs: in the app, the client reading this very socket
      // (MP3: some 30 ms for a sentence before its first frame is read).
      await nextTurn();
    }
  }

  private failGeneration(cause: unknown): void {
    if (this.state.kind === 'closed') return;
    if (cause instanceof SpeechError && cause.code === 'aborted') return;
    if (cause instanceof SpeechError && cause.code === 'voice_not_found') {
      return this.fail(voiceNotFound(this.context.voiceId, undefined));
    }
    this.fail(engineFailed(cause instanceof Error ? cause.message : String(cause)));
  }

  /** After the last generation: the encoder's tail, the final frame, then a normal close. */
  private async finish(session: Session): Promise<void> {
    if (this.state.kind === 'closed') return;
    const tail = session.encoded && session.encoder ? (await session.encoder).end() : new Uint8Array(0);
    if (tail.length > 0) {
      const alignment = session.options.syncAlignment
        ? { chars: [], charStartTimesMs: [], charDurationsMs: [] }
        : null;
      await this.send(audioFrame(Buffer.from(tail).toString('base64'), alignment));
    }
    await this.send(FINAL_FRAME);
    this.closeWith(NORMAL_CLOSE, '');
  }

  /**
   * Resolves once the frame is handed to the OS, which paces generation to what the client reads. A
   * client that stops reading altogether is cut off after SEND_TIMEOUT_MS.
   */
  private send(data: string): Promise<void> {
    const { socket } = this.context;
    return new Promise((resolve) => {
      if (this.state.kind === 'closed' || socket.readyState !== socket.OPEN) return resolve();
      const stalled = setTimeout(() => {
        this.terminate();
        resolve();
      }, SEND_TIMEOUT_MS);
      // A failed send also closes the socket, which the close listener handles.
      socket.send(data, () => {
        clearTimeout(stalled);
        resolve();
      });
    });
  }

  /** Sends the error frame, then closes with its code and (truncated) message as the reason. */
  private fail(problem: ServerError): void {
    if (this.state.kind === 'closed') return;
    const { socket } = this.context;
    if (socket.readyState === socket.OPEN) socket.send(errorFrame(problem));
    this.closeWith(problem.code, closeReason(problem.message));
  }

  private closeWith(code: number, reason: string): void {
    this.release();
    const { socket } = this.context;
    if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING)
      socket.close(code, reason);
  }

  /** The caller holds the token: no more deadline, and frames up to the full limit. */
  private admit(): void {
    this.authenticated = true;
    if (this.authTimer !== undefined) clearTimeout(this.authTimer);
    this.authTimer = undefined;
    allowLargeFrames(this.context.socket, this.context.maxMessageBytes);
  }

  /** A method, so TypeScript re-reads the state after an await. */
  private isClosed(): boolean {
    return this.state.kind === 'closed';
  }

  /** Stops timers and any generation in progress; idempotent. */
  private release(): void {
    if (this.state.kind === 'closed') return;
    this.state = { kind: 'closed' };
    if (this.authTimer !== undefined) clearTimeout(this.authTimer);
    this.disarmInactivityTimer();
    this.abort.abort();
  }

  /** The timer runs while the server waits for text; generating audio pauses it. */
  private armInactivityTimer(): void {
    this.disarmInactivityTimer();
    if (this.pendingGenerations > 0) return;
    if (this.state.kind !== 'awaiting_bos' && this.state.kind !== 'streaming') return;
    const seconds = this.context.query.ok ? this.context.query.value.inactivityTimeoutS : 20;
    this.inactivityTimer = setTimeout(() => this.fail(inputTimeoutExceeded(seconds)), seconds * 1000);
  }

  private disarmInactivityTimer(): void {
    if (this.inactivityTimer !== undefined) clearTimeout(this.inactivityTimer);
    this.inactivityTimer = undefined;
  }
}
