// One `stream-input` WebSocket session: connect, send text, end, receive audio with a timeline.
//
// Decisions worth knowing (each one is tested in tests/session-errors.test.ts):
// - The API key travels only in the `xi-api-key` handshake header, never in the URL or a message.
// - A close with code 1000 before the final frame counts as a normal end only if we had already
//   sent the end of input (some compatible servers close instead of sending `isFinal`); before
//   that it is the server hanging up early (`server_closed`).
// - One malformed frame (not JSON, not an object, bad base64, inconsistent alignment, a binary
//   frame, one over maxFrameBytes) ends the session with `malformed_frame`: later audio or timing
//   cannot be trusted. An object of a shape Hark does not know (a newer message type such as
//   `flush_done`) is ignored and logged once per session, by its field names only.
// - Timeouts only run while audio is expected, i.e. after text that the server must answer: a
//   flushed text, any text in auto_mode, unflushed text beyond the longest chunk-schedule step, or
//   the end of input. Before the first audio the first-audio timeout applies, afterwards the
//   silence timeout, counted from the last frame. While the session is open, a frame answers the
//   texts sent before it, so an idle open session (the caller has nothing to say yet) never times
//   out; after the end of input every frame restarts the silence timeout until the final frame.
//   A server that stops part-way through a generation is caught by the caller: awaitAudio() arms
//   the timeout when its listener has run out of audio while text is still unvoiced.
// - A refused handshake's body is read (a few KB, for at most a second) for the server's reason,
//   which the error then quotes: ElevenLabs explains there, e.g., that a model needs another socket.
// - Opus cannot be measured from its bytes here, so an opus chunk's duration is estimated from
//   the alignment (how far the timeline reaches past the chunk's start), or from the bitrate when
//   the stream carries no alignment at all.

import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import type { RawData } from 'ws';
import { createDurationMeter, estimateFromBitrate } from './audio-duration';
import type { DurationMeter } from './audio-duration';
import {
  SpeechError,
  defaultMessage,
  errorFromClose,
  errorFromFrame,
  errorFromHandshake,
  errorFromNetwork,
  refusalDetail,
} from '../../shared/speech-errors';
import type { SpeechErrorCode } from '../../shared/speech-errors';
import {
  DEFAULT_CHUNK_SCHEDULE,
  DEFAULT_INACTIVITY_TIMEOUT_S,
  DEFAULT_OUTPUT_FORMAT,
  END_OF_INPUT_MESSAGE,
  KEEP_ALIVE_MESSAGE,
  buildStreamUrl,
  decodeServerFrame,
  parseOutputFormat,
} from '../../shared/protocol';
import type {
  AudioFrame,
  ClientMessage,
  FormatInfo,
  GenerationConfig,
  InitializeMessage,
  StreamQuery,
  VoiceSettings,
} from '../../shared/protocol';
import { AlignmentTimeline, pickAlignment } from './timeline';
import type { TimedChar } from './timeline';
import { TypedEmitter } from './typed-emitter';

export type { TimedChar } from './timeline';

export interface SessionTimeouts {
  connectMs: number;
  firstAudioMs: number;
  silenceMs: number;
}

export const DEFAULT_SESSION_TIMEOUTS: Readonly<SessionTimeouts> = {
  connectMs: 10_000,
  firstAudioMs: 15_000,
  silenceMs: 20_000,
};

export interface SessionConfig {
  /** http(s)/ws(s), e.g. 'https://api.elevenlabs.io' or a local server's url. */
  baseUrl: string;
  /** Sent only as the `xi-api-key` handshake header; never logged. */
  apiKey?: string;
  voiceId: string;
  query?: StreamQuery;
  voiceSettings?: VoiceSettings;
  generationConfig?: GenerationConfig;
  timeouts?: Partial<SessionTimeouts>;
  /** A larger frame from the server fails the session with `malformed_frame`. Default 16 MiB. */
  maxFrameBytes?: number;
  /** Aborting is the same as cancel(). */
  signal?: AbortSignal;
  /** Where a notice goes (a frame of an unknown shape, once per session). Default console.warn. */
  log?: (line: string) => void;
}

export type SessionState =
  | { kind: 'idle' }
  | { kind: 'connecting' }
  | { kind: 'open' }
  | { kind: 'ending' }
  | { kind: 'done' }
  | { kind: 'cancelled' }
  | { kind: 'failed'; error: SpeechError };

export interface AudioChunk {
  /** Decoded bytes in the output format. */
  audio: Uint8Array;
  /** Where this chunk starts in the stream's audio timeline. */
  startMs: number;
  /** From the audio itself (pcm/ulaw/alaw/mp3 frame headers); estimated for opus. */
  durationMs: number;
  /** Characters newly timed by this frame (from `alignment`, else `normalizedAlignment`). */
  chars: TimedChar[];
}

export interface SessionEvents {
  state: (state: SessionState) => void;
  audio: (chunk: AudioChunk) => void;
}

/** No audio frame comes near this (servers send a fraction of a second each); a bigger one is refused. */
export const MAX_FRAME_BYTES = 16 * 1024 * 1024;

/** After the final frame, how long the server may take to close before we drop the socket. */
const CLOSE_GRACE_MS = 2000;

/** Keep-alives go out a little before the server's inactivity timeout would expire. */
export function keepAliveIntervalMs(inactivityTimeoutS: number): number {
  const timeoutMs = inactivityTimeoutS * 1000;
  return timeoutMs - Math.min(5000, timeoutMs / 4);
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

/** A promise settled from outside; rejections are marked handled so they are never "unhandled". */
function handledDeferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

type TimerName = 'connect' | 'response' | 'keepAlive' | 'closeGrace';

/** Named one-shot timers, so every terminal state can clear them all at once. */
class Timers {
  private readonly handles = new Map<TimerName, NodeJS.Timeout>();

  set(name: TimerName, ms: number, callback: () => void): void {
    this.clear(name);
    this.handles.set(
      name,
      setTimeout(() => {
        this.handles.delete(name);
        callback();
      }, ms),
    );
  }

  clear(name: TimerName): void {
    clearTimeout(this.handles.get(name));
    this.handles.delete(name);
  }

  clearAll(): void {
    for (const name of [...this.handles.keys()]) this.clear(name);
  }
}

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}

/** A refusal body says why in a sentence; more than this is not read. */
const MAX_REFUSAL_BYTES = 4096;
/** A server that trickles its refusal body is not waited for longer than this. */
const REFUSAL_BODY_MS = 1000;

/**
 * The start of a refused handshake's body (the service explains itself there, e.g. a model it does
 * not serve on this socket). Never fails: a slow, huge or broken body yields what arrived.
 */
function readRefusalBody(response: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let size = 0;
    const done = (): void => {
      clearTimeout(timer);
      response.removeListener('data', onData);
      response.destroy();
      resolve(Buffer.concat(parts).subarray(0, MAX_REFUSAL_BYTES).toString('utf8'));
    };
    const onData = (chunk: Buffer): void => {
      parts.push(chunk);
      size += chunk.length;
      if (size >= MAX_REFUSAL_BYTES) done();
    };
    const timer = setTimeout(done, REFUSAL_BODY_MS);
    response.on('data', onData);
    response.once('end', done);
    response.once('error', done);
    response.once('close', done);
  });
}

function codePointCount(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

function errorWithCode(code: SpeechErrorCode, detail?: string): SpeechError {
  return new SpeechError(code, detail ? `${defaultMessage(code)} (${detail})` : defaultMessage(code));
}

export class StreamSession extends TypedEmitter<SessionEvents> {
  private current: SessionState = { kind: 'idle' };
  private socket: WebSocket | undefined;
  private sentChars = 0;
  private readonly timeouts: SessionTimeouts;
  private readonly format: FormatInfo;
  private readonly meter: DurationMeter | undefined;
  private readonly timeline = new AlignmentTimeline();
  private readonly timers = new Timers();
  private readonly outcome = handledDeferred<void>();
  private opening: Deferred<void> | undefined;
  private audioMs = 0;
  private unflushedChars = 0;
  private endSent = false;
  private finalReceived = false;
  private audioReceived = false;
  private awaitingAudio = false;
  private unknownFrameLogged = false;

  constructor(private readonly config: SessionConfig) {
    super();
    this.timeouts = { ...DEFAULT_SESSION_TIMEOUTS, ...config.timeouts };
    const format = parseOutputFormat(config.query?.output_format ?? DEFAULT_OUTPUT_FORMAT);
    if (!format) throw new TypeError(`Unknown output format "${String(config.query?.output_format)}".`);
    this.format = format;
    this.meter = createDurationMeter(format);
  }

  get state(): SessionState {
    return this.current;
  }

  /** Billed characters: every text character sent, except the BOS and keep-alive spaces. */
  get charactersSent(): number {
    return this.sentChars;
  }

  /**
   * Opens the socket and sends the BOS. Rejects with a SpeechError. A session opened ahead of its
   * reading (warm-sessions.ts) is connected again by its reader: that call waits for the same opening.
   */
  connect(): Promise<void> {
    if ((this.current.kind === 'connecting' || this.current.kind === 'open') && this.opening) {
      return this.opening.promise;
    }
    if (this.current.kind !== 'idle') {
      return Promise.reject(new Error(`connect() needs an idle session (state: ${this.current.kind}).`));
    }
    const opening = handledDeferred<void>();
    this.opening = opening;
    if (this.config.signal?.aborted) {
      this.cancel();
      return opening.promise;
    }
    let url: URL;
    try {
      url = buildStreamUrl(this.config.baseUrl, this.config.voiceId, this.config.query);
    } catch (error) {
      this.fail(errorWithCode('network', error instanceof Error ? error.message : undefined));
      return opening.promise;
    }
    this.setState({ kind: 'connecting' });
    this.config.signal?.addEventListener('abort', this.onAbort, { once: true });
    this.openSocket(url);
    this.timers.set('connect', this.timeouts.connectMs, () => this.fail(errorWithCode('connect_timeout')));
    return opening.promise;
  }

  /**
   * Sends text (a trailing space is added when missing, as the protocol asks). Text without any
   * visible character is not sent, except that `flush` on its own still flushes the server's buffer.
   * Ignored once the session has ended (its outcome is reported by finished()).
   */
  send(text: string, options: { flush?: boolean } = {}): void {
    if (this.isTerminal()) return;
    if (this.current.kind !== 'open') {
      throw new Error(`send() needs an open session (state: ${this.current.kind}).`);
    }
    const hasWords = /\S/.test(text);
    const flush = options.flush === true;
    if (!hasWords && !flush) return;
    const payload = hasWords ? (text.endsWith(' ') ? text : `${text} `) : ' ';
    this.write(flush ? { text: payload, flush: true } : { text: payload });
    this.scheduleKeepAlive();
    if (hasWords) this.sentChars += codePointCount(payload);
    this.noteTextSent(hasWords ? codePointCount(payload) : 0, flush);
  }

  /** Sends the end of input; the server then generates what is left and sends the final frame. */
  end(): void {
    if (this.isTerminal() || this.current.kind === 'ending') return;
    if (this.current.kind !== 'open') {
      throw new Error(`end() needs an open session (state: ${this.current.kind}).`);
    }
    this.write(END_OF_INPUT_MESSAGE);
    this.endSent = true;
    this.timers.clear('keepAlive');
    this.setState({ kind: 'ending' });
    this.expectAudio();
  }

  /**
   * The caller is waiting for audio for text it has sent (its listener ran out of audio): the
   * response timeout runs from now until the next frame. A server that stops part-way through a
   * generation has already answered with a frame, so only the caller can tell that more is owed.
   */
  awaitAudio(): void {
    if (this.current.kind === 'open') this.expectAudio();
  }

  /** Drops the socket at once; connect() and finished() reject with `aborted`. */
  cancel(): void {
    if (this.isTerminal()) return;
    this.finish({ kind: 'cancelled' }, errorWithCode('aborted'));
  }

  /** Resolves after the final frame and the close; rejects with a SpeechError. Never unhandled. */
  finished(): Promise<void> {
    return this.outcome.promise;
  }

  // ------------------------------------------------------------------------------------------
  // Socket

  private openSocket(url: URL): void {
    const headers: Record<string, string> = {};
    if (this.config.apiKey) headers['xi-api-key'] = this.config.apiKey;
    let socket: WebSocket;
    try {
      socket = new WebSocket(url, {
        headers,
        perMessageDeflate: false,
        maxPayload: this.config.maxFrameBytes ?? MAX_FRAME_BYTES,
      });
    } catch (error) {
      this.fail(errorFromNetwork(error));
      return;
    }
    this.socket = socket;
    socket.on('error', (error) => this.onSocketError(error));
    socket.on('unexpected-response', (_request, response) => {
      void readRefusalBody(response).then((body) =>
        this.fail(errorFromHandshake(response.statusCode ?? 0, refusalDetail(body))),
      );
    });
    socket.on('open', () => this.onOpen());
    socket.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    socket.on('close', (code, reason) => this.onClose(code, reason.toString('utf8')));
  }

  private readonly onAbort = (): void => this.cancel();

  private onOpen(): void {
    if (this.isTerminal()) return;
    this.timers.clear('connect');
    const bos: InitializeMessage = { text: ' ' };
    if (this.config.voiceSettings) bos.voice_settings = this.config.voiceSettings;
    if (this.config.generationConfig) bos.generation_config = this.config.generationConfig;
    this.write(bos);
    this.scheduleKeepAlive();
    this.setState({ kind: 'open' });
    this.opening?.resolve();
  }

  private onSocketError(error: Error): void {
    if (this.isTerminal()) return;
    // ws reports protocol violations (bad UTF-8, reserved opcodes) with WS_ERR_* codes.
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('WS_ERR_')) {
      this.fail(errorWithCode('malformed_frame', error.message));
    } else {
      this.fail(errorFromNetwork(error));
    }
  }

  private onClose(code: number, reason: string): void {
    if (this.isTerminal()) return;
    if (this.finalReceived || (code === 1000 && this.endSent)) this.succeed();
    else this.fail(errorFromClose(code, reason));
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (this.isTerminal() || this.finalReceived) return;
    if (isBinary) {
      this.fail(errorWithCode('malformed_frame', 'a binary frame'));
      return;
    }
    const parsed = decodeServerFrame(rawToString(data));
    if (!parsed.ok) {
      this.fail(errorWithCode('malformed_frame', parsed.reason));
      return;
    }
    const frame = parsed.value;
    if (frame.kind === 'error') this.fail(errorFromFrame(frame.error, frame.message, frame.code));
    else if (frame.kind === 'final') this.onFinal();
    else if (frame.kind === 'unknown') this.onUnknownFrame(frame.shape);
    else this.onAudio(frame);
  }

  /** Newer servers send message types we do not know; they say nothing about our audio. */
  private onUnknownFrame(shape: string): void {
    if (this.unknownFrameLogged) return;
    this.unknownFrameLogged = true;
    const log = this.config.log ?? ((line: string) => console.warn(line));
    log(`The speech server sent a frame of a shape Hark does not know (${shape}); ignoring such frames.`);
  }

  private onAudio(frame: AudioFrame): void {
    const audio = frame.audio ? new Uint8Array(Buffer.from(frame.audio, 'base64')) : new Uint8Array(0);
    const startMs = this.audioMs;
    const chars = this.timeline.add(startMs, pickAlignment(frame), audio.length > 0);
    const durationMs = this.measure(audio, startMs);
    this.audioMs += durationMs;
    if (audio.length > 0) this.audioReceived = true;
    this.noteFrame();
    if (audio.length > 0 || chars.length > 0) this.emit('audio', { audio, startMs, durationMs, chars });
  }

  private measure(audio: Uint8Array, startMs: number): number {
    if (this.meter) return this.meter.add(audio);
    if (audio.length === 0) return 0;
    if (this.timeline.charCount > 0) return Math.max(0, this.timeline.endMs - startMs);
    return estimateFromBitrate(audio.length, this.format.bitrateKbps ?? 0);
  }

  private onFinal(): void {
    this.finalReceived = true;
    this.awaitingAudio = false;
    this.timers.clear('response');
    this.timers.clear('keepAlive');
    // The server closes after the final frame; start the close ourselves too, and don't wait long.
    this.socket?.close(1000);
    this.timers.set('closeGrace', CLOSE_GRACE_MS, () => this.succeed());
  }

  private write(message: ClientMessage): void {
    this.socket?.send(JSON.stringify(message));
  }

  // ------------------------------------------------------------------------------------------
  // Keep-alive and response timers

  private scheduleKeepAlive(): void {
    const inactivityS = this.config.query?.inactivity_timeout ?? DEFAULT_INACTIVITY_TIMEOUT_S;
    this.timers.set('keepAlive', keepAliveIntervalMs(inactivityS), () => {
      if (this.current.kind !== 'open') return;
      this.write(KEEP_ALIVE_MESSAGE);
      this.scheduleKeepAlive();
    });
  }

  /** Decides whether the server now owes us audio (see the notes at the top of this file). */
  private noteTextSent(chars: number, flush: boolean): void {
    this.unflushedChars = flush ? 0 : this.unflushedChars + chars;
    const schedule = this.config.generationConfig?.chunk_length_schedule ?? DEFAULT_CHUNK_SCHEDULE;
    const beyondSchedule = this.unflushedChars >= Math.max(...schedule);
    if (flush || this.config.query?.auto_mode === true || beyondSchedule) {
      if (beyondSchedule) this.unflushedChars = 0;
      this.expectAudio();
    }
  }

  private expectAudio(): void {
    if (this.awaitingAudio) return;
    this.awaitingAudio = true;
    this.armResponseTimer();
  }

  private noteFrame(): void {
    if (this.current.kind === 'open') {
      this.awaitingAudio = false;
      this.timers.clear('response');
    } else if (this.awaitingAudio) {
      this.armResponseTimer();
    }
  }

  private armResponseTimer(): void {
    const [ms, code]: [number, SpeechErrorCode] = this.audioReceived
      ? [this.timeouts.silenceMs, 'silence_timeout']
      : [this.timeouts.firstAudioMs, 'first_audio_timeout'];
    this.timers.set('response', ms, () => this.fail(errorWithCode(code)));
  }

  // ------------------------------------------------------------------------------------------
  // State

  private isTerminal(): boolean {
    const kind = this.current.kind;
    return kind === 'done' || kind === 'cancelled' || kind === 'failed';
  }

  private setState(state: SessionState): void {
    this.current = state;
    this.emit('state', state);
  }

  private succeed(): void {
    if (this.isTerminal()) return;
    this.finish({ kind: 'done' });
  }

  private fail(error: SpeechError): void {
    if (this.isTerminal()) return;
    this.finish({ kind: 'failed', error }, error);
  }

  /** Every terminal state goes through here: timers cleared, socket dropped, promises settled. */
  private finish(
    state: Extract<SessionState, { kind: 'done' | 'cancelled' | 'failed' }>,
    error?: SpeechError,
  ): void {
    this.timers.clearAll();
    this.config.signal?.removeEventListener('abort', this.onAbort);
    this.socket?.terminate();
    this.setState(state);
    if (error) {
      this.opening?.reject(error);
      this.outcome.reject(error);
    } else {
      this.outcome.resolve();
    }
  }
}
