// THE contract between Hark's renderers and its main process: the verbs a page may call, the events
// main pushes, their payload and result types, the channel names, the result envelope and the payload
// validators. Electron IPC (main/desktop/ipc.ts + preload/index.ts) and the loopback WebSocket bridge
// (main/app/bridge-server.ts + renderer/src/lib/bridge-client.ts) both carry exactly this contract.
//
// This file is imported by main, by the preload bundle and by the renderer (browser code): it must
// stay free of Node and Electron, so it imports only from shared/.
//
// Security rules the contract encodes:
// - The API key never crosses to a renderer: `keyStatus` returns state only, `setKey` is write-only.
// - Every payload arrives as `unknown` and is narrowed here before a service sees it.
// - Failures are plain values ({ ok: false, code, message }), never Error objects (only the message of
//   an Error survives `invoke`, and errors may carry things that must not leave main).
// - A renderer never names a file path: exports go where the user picks in main's own dialog.
import type { HistoryEntry } from './history-index';
import { isValidEntryId } from './history-index';
import type { EngineKind, HotkeyAction, Settings, SettingsProblem } from './settings-schema';
import { SPEECH_ERROR_CODES } from './speech-errors';
import type { SpeechErrorCode } from './speech-errors';
import type { AudioCodec, OutputFormat } from './protocol';

export type { EngineKind, HistoryEntry, Settings, SettingsProblem };

// ---------------------------------------------------------------------------------------------
// Result envelope

/** Codes of the IPC/bridge layer itself. */
export type TransportErrorCode =
  /** The caller is not one of our own pages (Electron) or did not present the token (bridge). */
  | 'forbidden_sender'
  | 'unauthorized'
  /** The payload did not match the verb's contract. */
  | 'invalid_payload'
  /** A bridge frame that is not JSON, or not a call. */
  | 'invalid_message'
  | 'unknown_verb'
  /** No answer in time (bridge client or server). */
  | 'timeout'
  /** The bridge connection closed or could not be opened. */
  | 'disconnected'
  /** A bug: the service threw something it should have returned. Details are logged in main only. */
  | 'internal';

/** Codes a service returns for things a person can act on. */
export type ServiceErrorCode =
  | 'empty_text'
  | 'text_too_long'
  /** Read selection found nothing selected (and the clipboard fallback is off or empty too). */
  | 'nothing_selected'
  | 'clipboard_empty'
  /** Selection capture is not possible here (no permission, no display, ...). */
  | 'selection_unavailable'
  | 'invalid_key'
  | 'keychain_unavailable'
  /** The verb makes no sense for the current engine (e.g. subscription with the offline voice). */
  | 'not_available'
  | 'no_api_key'
  /** The server address is not ElevenLabs' own and the user did not confirm it may get the key. */
  | 'host_not_confirmed'
  // History (same codes as main/store/history-error.ts)
  | 'not_found'
  | 'invalid_entry'
  | 'closed'
  | 'export_unsupported'
  | 'export_failed'
  /** The file manager could not open a folder (the log folder). */
  | 'open_failed';

export type ErrorCode = TransportErrorCode | ServiceErrorCode | SpeechErrorCode;

export interface Failure {
  ok: false;
  code: ErrorCode;
  message: string;
}

export type Result<T> = { ok: true; value: T } | Failure;

export function success<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function failure(code: ErrorCode, message: string): Failure {
  return { ok: false, code, message };
}

const ERROR_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'forbidden_sender',
  'unauthorized',
  'invalid_payload',
  'invalid_message',
  'unknown_verb',
  'timeout',
  'disconnected',
  'internal',
  'empty_text',
  'text_too_long',
  'nothing_selected',
  'clipboard_empty',
  'selection_unavailable',
  'invalid_key',
  'keychain_unavailable',
  'not_available',
  'no_api_key',
  'host_not_confirmed',
  'not_found',
  'invalid_entry',
  'closed',
  'export_unsupported',
  'export_failed',
  'open_failed',
  ...SPEECH_ERROR_CODES,
]);

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && ERROR_CODES.has(value);
}

/** Longest message an envelope carries (a renderer shows it; nothing needs more). */
const MAX_MESSAGE_LENGTH = 500;

/**
 * Turns whatever a service threw into an envelope. Errors with a stable `code` of this contract
 * (SpeechError, HistoryError, SecretStoreError, ...) keep their code and message; anything else is a
 * bug and becomes `internal` with a generic message, so stack traces and objects never leave main.
 */
export function failureFromError(cause: unknown): Failure {
  if (typeof cause === 'object' && cause !== null) {
    const { code, message } = cause as { code?: unknown; message?: unknown };
    if (isErrorCode(code) && typeof message === 'string' && message !== '') {
      return failure(code, message.slice(0, MAX_MESSAGE_LENGTH));
    }
  }
  return failure('internal', 'Something went wrong in Hark. The details are in the log.');
}

/** Checks that an answer from the other side really is an envelope (the bridge client trusts nothing). */
export function parseResult(raw: unknown): Result<unknown> | undefined {
  if (!isRecord(raw)) return undefined;
  if (raw.ok === true && 'value' in raw) return { ok: true, value: raw.value };
  if (raw.ok === false && isErrorCode(raw.code) && typeof raw.message === 'string') {
    return failure(raw.code, raw.message);
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Values that cross the boundary

/** Where a reading came from. */
export type ReadingSource = 'selection' | 'clipboard' | 'typed' | 'history';

/** What the app is doing: drives the tray icon and every window's status line. */
export type AppState =
  | { kind: 'idle' }
  | { kind: 'connecting'; source: ReadingSource }
  /** The connection dropped part-way; `attempt` (1, 2, 3) of carrying on from the word reached. */
  | { kind: 'reconnecting'; source: ReadingSource; attempt: number }
  | { kind: 'speaking'; source: ReadingSource; queued: number }
  | { kind: 'paused'; source: ReadingSource; queued: number }
  /** Stays until the next request, stop() or dismissError(). */
  | { kind: 'error'; code: string; message: string };

/** What the busy policy did with a request to read. */
export type ReadOutcome = 'started' | 'queued' | 'ignored';

/** The word being spoken, for highlighting (offsets into the text being read, UTF-16 units). */
export interface WordProgress {
  index: number;
  textOffset: number;
  length: number;
  startMs: number;
  durationMs: number;
  /** The word as written in the source text. */
  text: string;
  /** Counts readings in main's process, so a page can tell a new reading from the last one. */
  readingId: number;
  /** The sentence the word belongs to, and where it starts in the source text. */
  sentence: { text: string; offset: number };
}

/**
 * How far the current reading has been heard, each time the player reports (at least every 250 ms
 * while playing). `playedMs` is on the same timeline as WordProgress.startMs, so a page can put the
 * highlight on the word being heard and move it on by its own clock between reports.
 */
export interface PlaybackProgress {
  readingId: number;
  playedMs: number;
  /** How fast the audio plays (1 = as spoken): a page's clock moves on by this much between reports. */
  speed: number;
}

/** The text being read and its sentences, once per reading (offsets into `text`, UTF-16 units). */
export interface ReadingText {
  readingId: number;
  text: string;
  sentences: { offset: number; length: number }[];
}

/**
 * Where the listener is in the reading: pushed when the sentence, the speed or the place changes,
 * and about once a second while playing. Times are of the audio as spoken (at 1×); the remaining time
 * is at the current speed, so it is what the listener will wait.
 */
export interface ReadingPosition {
  readingId: number;
  /** The sentence being heard (0-based) and how many the reading has. */
  sentence: number;
  sentenceCount: number;
  elapsedMs: number;
  remainingMs: number;
  speed: number;
  /** False for readings that cannot be steered by sentence (a history replay). */
  steerable: boolean;
}

export interface ReadingView {
  text: ReadingText;
  position: ReadingPosition;
}

/** The key's state, never the key (see main/store/secrets.ts SecretStatus). */
export type KeyStatus =
  | { state: 'stored' }
  | { state: 'absent' }
  | { state: 'session-only'; message: string }
  | { state: 'unavailable'; message: string };

export interface Voice {
  voiceId: string;
  name: string;
  category: string;
  labels: Record<string, string>;
  language?: string;
  /** Shown for information only: renderers have no network, previews play through main. */
  previewUrl?: string;
}

export interface Model {
  modelId: string;
  name: string;
  canDoTextToSpeech: boolean;
  languages: { languageId: string; name: string }[];
  maxCharacters?: number;
}

export interface Subscription {
  tier: string;
  characterCount: number;
  characterLimit: number;
  remaining: number;
  nextResetUnix?: number;
}

/** A settings update is applied whole or not at all; rejected fields are named for the form. */
export type SettingsUpdate =
  { applied: true; settings: Settings; changed: string[] } | { applied: false; problems: SettingsProblem[] };

export interface HistoryPage {
  /** Newest first. */
  entries: HistoryEntry[];
  /** How many entries match in all. */
  total: number;
}

export type ExportFormat = 'mp3' | 'wav';

/** `saved: false` when the user cancelled the save dialog. */
export type ExportOutcome = { saved: true; path: string } | { saved: false };

export type HistoryChange =
  { kind: 'added'; entry: HistoryEntry } | { kind: 'deleted'; ids: string[] } | { kind: 'cleared' };

/** What Settings shows under "About and troubleshooting". */
export interface AboutHark {
  version: string;
  /** Where the log file is (shown so it can be found without the button). */
  logFile: string;
}

export type HotkeyFailureReason = 'invalid' | 'taken';

/** A global hotkey Hark could not register (main/desktop/hotkeys.ts finds these). */
export interface HotkeyFailure {
  action: HotkeyAction;
  /** As written in the settings. */
  accelerator: string;
  reason: HotkeyFailureReason;
  /** One sentence for the user. */
  message: string;
}

// ---------------------------------------------------------------------------------------------
// Verbs and events

export interface PageQuery {
  offset?: number;
  limit?: number;
}

/** Every verb: its payload (`undefined` = takes none) and the value of a successful result. */
export interface VerbMap {
  getState: { payload: undefined; value: AppState };
  speakText: { payload: { text: string }; value: ReadOutcome };
  readSelection: { payload: undefined; value: ReadOutcome };
  readClipboard: { payload: undefined; value: ReadOutcome };
  /**
   * A reading is likely to be asked for soon (the window's text box has the focus): the connection
   * opens ahead, as at a reading hotkey (settings.warmConnection). Nothing is billed.
   */
  prepareReading: { payload: undefined; value: null };
  pause: { payload: undefined; value: null };
  resume: { payload: undefined; value: null };
  /** Back one sentence; within its first 2 s, to the one before (a no-op when nothing is read). */
  previousSentence: { payload: undefined; value: null };
  nextSentence: { payload: undefined; value: null };
  /** Reads on from this sentence of the current reading (0-based). */
  jumpToSentence: { payload: { index: number }; value: null };
  /** 0.5 to 3, rounded to 0.1; applies at once and is saved in the settings. Answers the speed set. */
  setSpeed: { payload: { speed: number }; value: number };
  /** The reading being heard, or null when idle. */
  getReading: { payload: undefined; value: ReadingView | null };
  /** Stops the current reading and clears the queue. */
  stop: { payload: undefined; value: null };
  /** Leaves the error state (back to idle) without starting anything. */
  dismissError: { payload: undefined; value: null };
  getSettings: { payload: undefined; value: Settings };
  /** A partial Settings object, e.g. `{ overlay: { enabled: false } }`; checked by the settings schema. */
  updateSettings: { payload: { patch: Record<string, unknown> }; value: SettingsUpdate };
  keyStatus: { payload: undefined; value: KeyStatus };
  /** Write-only. `sessionOnly` keeps the key in memory when no keychain can be reached. */
  setKey: { payload: { key: string; sessionOnly?: boolean }; value: KeyStatus };
  clearKey: { payload: undefined; value: KeyStatus };
  /** Voices of the given engine (the current one when absent). */
  voices: { payload: { engine?: EngineKind } | undefined; value: Voice[] };
  models: { payload: { engine?: EngineKind } | undefined; value: Model[] };
  subscription: { payload: undefined; value: Subscription };
  /** Speaks a short sample with this voice (a fixed sentence unless `text` is given). */
  previewVoice: { payload: { voiceId: string; engine?: EngineKind; text?: string }; value: ReadOutcome };
  historyList: { payload: PageQuery | undefined; value: HistoryPage };
  historySearch: { payload: { query: string } & PageQuery; value: HistoryPage };
  /** Plays the stored audio: no credits spent. */
  historyReplay: { payload: { id: string }; value: ReadOutcome };
  /** Reads the entry's text again with the current settings. */
  historyReadAgain: { payload: { id: string }; value: ReadOutcome };
  /** Main asks the user where to save; the renderer never names a path. */
  historyExport: { payload: { id: string; format: ExportFormat }; value: ExportOutcome };
  /** `true` when an entry was deleted. */
  historyDelete: { payload: { id: string }; value: boolean };
  historyClear: { payload: undefined; value: null };
  /** The hotkeys that could not be registered (empty when all work, or without a desktop). */
  hotkeyStatus: { payload: undefined; value: HotkeyFailure[] };
  /** Settings calls these around its hotkey recorder, so pressing a combination does not trigger Hark. */
  suspendHotkeys: { payload: undefined; value: null };
  resumeHotkeys: { payload: undefined; value: null };
  /** The app's version and log file (`not_available` without the desktop app). */
  about: { payload: undefined; value: AboutHark };
  /** Main opens the log folder in the file manager; the page never learns more than whether it did. */
  openLogFolder: { payload: undefined; value: null };
}

export type Verb = keyof VerbMap;
export type PayloadOf<V extends Verb> = VerbMap[V]['payload'];
export type ValueOf<V extends Verb> = VerbMap[V]['value'];

/** Events main pushes to every page. */
export interface EventMap {
  state: AppState;
  word: WordProgress;
  playback: PlaybackProgress;
  /** A new reading's text (null: nothing is being read any more). */
  readingText: ReadingText | null;
  position: ReadingPosition;
  historyChanged: HistoryChange;
  /** The new failure list, after every (re-)registration of the hotkeys. */
  hotkeysChanged: HotkeyFailure[];
}

export type EventName = keyof EventMap;

export const VERBS = [
  'getState',
  'speakText',
  'readSelection',
  'readClipboard',
  'prepareReading',
  'pause',
  'resume',
  'previousSentence',
  'nextSentence',
  'jumpToSentence',
  'setSpeed',
  'getReading',
  'stop',
  'dismissError',
  'getSettings',
  'updateSettings',
  'keyStatus',
  'setKey',
  'clearKey',
  'voices',
  'models',
  'subscription',
  'previewVoice',
  'historyList',
  'historySearch',
  'historyReplay',
  'historyReadAgain',
  'historyExport',
  'historyDelete',
  'historyClear',
  'hotkeyStatus',
  'suspendHotkeys',
  'resumeHotkeys',
  'about',
  'openLogFolder',
] as const satisfies readonly Verb[];

export const EVENTS = [
  'state',
  'word',
  'playback',
  'readingText',
  'position',
  'historyChanged',
  'hotkeysChanged',
] as const satisfies readonly EventName[];

// Compile-time proof that the lists above name every verb and event exactly once.
type Missing<All, Listed> = Exclude<All, Listed>;
const _allVerbsListed: [Missing<Verb, (typeof VERBS)[number]>] extends [never] ? true : never = true;
const _allEventsListed: [Missing<EventName, (typeof EVENTS)[number]>] extends [never] ? true : never = true;

export function isVerb(value: unknown): value is Verb {
  return typeof value === 'string' && (VERBS as readonly string[]).includes(value);
}

/** The methods a page calls. Verbs without a payload take no argument. */
export type HarkVerbs = {
  [V in Verb]: [PayloadOf<V>] extends [undefined]
    ? () => Promise<Result<ValueOf<V>>>
    : undefined extends PayloadOf<V>
      ? (payload?: PayloadOf<V>) => Promise<Result<ValueOf<V>>>
      : (payload: PayloadOf<V>) => Promise<Result<ValueOf<V>>>;
};

export type Unsubscribe = () => void;

export interface HarkEvents {
  onState(listener: (state: AppState) => void): Unsubscribe;
  onWord(listener: (word: WordProgress) => void): Unsubscribe;
  onPlayback(listener: (progress: PlaybackProgress) => void): Unsubscribe;
  onReadingText(listener: (text: ReadingText | null) => void): Unsubscribe;
  onPosition(listener: (position: ReadingPosition) => void): Unsubscribe;
  onHistoryChanged(listener: (change: HistoryChange) => void): Unsubscribe;
  onHotkeysChanged(listener: (failures: HotkeyFailure[]) => void): Unsubscribe;
}

/** `window.hark`: everything a renderer can do. */
export type HarkApi = HarkVerbs & HarkEvents & { player: PlayerApi };

/** Which `on…` method subscribes to which event. */
export const EVENT_SUBSCRIBERS = {
  state: 'onState',
  word: 'onWord',
  playback: 'onPlayback',
  readingText: 'onReadingText',
  position: 'onPosition',
  historyChanged: 'onHistoryChanged',
  hotkeysChanged: 'onHotkeysChanged',
} as const satisfies Record<EventName, keyof HarkEvents>;

/**
 * What main implements for every verb (main/app/services.ts). A handler returns an envelope; one that
 * throws is caught by the transport and answered with `failureFromError`.
 */
export type VerbHandlers = {
  [V in Verb]: (payload: PayloadOf<V>) => Promise<Result<ValueOf<V>>> | Result<ValueOf<V>>;
};

export interface EventSource {
  subscribe<E extends EventName>(event: E, listener: (data: EventMap[E]) => void): Unsubscribe;
}

export type HarkServices = VerbHandlers & EventSource;

// ---------------------------------------------------------------------------------------------
// Channel names (Electron IPC)

export const CHANNEL_PREFIX = 'hark:';

export function verbChannel(verb: Verb): string {
  return `${CHANNEL_PREFIX}verb:${verb}`;
}

export function eventChannel(event: EventName): string {
  return `${CHANNEL_PREFIX}event:${event}`;
}

/** The player page asks for its audio port on this channel (ipcRenderer.send, no payload). */
export const PLAYER_CONNECT_CHANNEL = `${CHANNEL_PREFIX}player:connect`;
/** Main answers with a MessagePort on this channel (webContents.postMessage, ports[0]). */
export const PLAYER_PORT_CHANNEL = `${CHANNEL_PREFIX}player:port`;

// ---------------------------------------------------------------------------------------------
// Player messages (a MessagePort in Electron, the bridge socket in a browser)
//
// Main owns the speech session; the player page only plays. A reading is one stream: `open`, then
// `chunk`s in order, then `end`. The page reports how far playback got (main paces the text by it:
// at least every 250 ms while playing, and after each chunk it starts) and when the last sample of
// the stream has been heard (`ended`). A `stop` or a new `open` drops the previous stream.

export type MainToPlayer =
  | { type: 'open'; streamId: number; format: OutputFormat; codec: AudioCodec; sampleRate: number }
  | { type: 'chunk'; streamId: number; audio: ArrayBuffer; startMs: number; durationMs: number }
  /** No more chunks for this stream: play what is left, then answer `ended`. */
  | { type: 'end'; streamId: number }
  | { type: 'pause' }
  | { type: 'resume' }
  /** Drop everything queued or playing now. */
  | { type: 'stop' }
  /** 0..1 */
  | { type: 'volume'; value: number }
  /** 0.5..3: how fast to play from now on, pitch kept; `position` stays in the audio's own time. */
  | { type: 'speed'; value: number };

export type PlayerErrorCode = 'decode_failed' | 'audio_unavailable' | 'unsupported_format';

export type PlayerToMain =
  | { type: 'ready' }
  | { type: 'position'; streamId: number; playedMs: number }
  | { type: 'ended'; streamId: number }
  | { type: 'error'; streamId: number; code: PlayerErrorCode; message: string };

/** The player page's side of the audio channel (`window.hark.player`). */
export interface PlayerApi {
  /** Starts receiving; the page must then send `ready`. Calling it again replaces the listener. */
  connect(listener: (message: MainToPlayer) => void): void;
  post(message: PlayerToMain): void;
  disconnect(): void;
}

/**
 * Main's side of the same channel: a MessagePort in Electron (main/desktop/ipc.ts), the bridge's
 * player page in a browser (main/app/bridge-server.ts). Incoming messages are already validated.
 */
export interface PlayerChannel {
  /** False once the page side went away (closed window, dropped socket) or close() was called. */
  readonly connected: boolean;
  /** Dropped while nothing is connected. */
  post(message: MainToPlayer): void;
  onMessage(listener: (message: PlayerToMain) => void): Unsubscribe;
  onClose(listener: () => void): Unsubscribe;
  close(): void;
}

const PLAYER_ERROR_CODES: readonly PlayerErrorCode[] = [
  'decode_failed',
  'audio_unavailable',
  'unsupported_format',
];

/** Main trusts nothing the player page says: every message is narrowed here. */
export function parsePlayerMessage(raw: unknown): PlayerToMain | undefined {
  if (!isRecord(raw)) return undefined;
  switch (raw.type) {
    case 'ready':
      return { type: 'ready' };
    case 'position':
      return isStreamId(raw.streamId) && isNonNegative(raw.playedMs)
        ? { type: 'position', streamId: raw.streamId, playedMs: raw.playedMs }
        : undefined;
    case 'ended':
      return isStreamId(raw.streamId) ? { type: 'ended', streamId: raw.streamId } : undefined;
    case 'error':
      return isStreamId(raw.streamId) &&
        PLAYER_ERROR_CODES.includes(raw.code as PlayerErrorCode) &&
        typeof raw.message === 'string'
        ? {
            type: 'error',
            streamId: raw.streamId,
            code: raw.code as PlayerErrorCode,
            message: raw.message.slice(0, MAX_MESSAGE_LENGTH),
          }
        : undefined;
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Bridge frames (the same contract over a loopback WebSocket, for `npm run dev:web` and tests)
//
// The page connects to BRIDGE_PATH on its own origin (the dev server proxies it to the bridge), sends
// `{ token }` first, and waits for `{ welcome }`. Calls are `{ id, verb, payload }` and are answered
// `{ id, result }` (an envelope, also for unknown verbs and bad payloads). Frames that are not calls
// are answered `{ id: null, result }`. Events arrive as `{ event, data }`. A player page sends
// `{ player: PlayerToMain }` and receives `{ player: PlayerWireMessage }`.

export const BRIDGE_PATH = '/hark-bridge';
/** Close code for a socket refused after the handshake (wrong or missing token). */
export const BRIDGE_CLOSE_UNAUTHORIZED = 4401;

export type BridgeCallId = number | string;

export type BridgeClientFrame =
  { token: string } | { id: BridgeCallId; verb: string; payload?: unknown } | { player: PlayerToMain };

/** JSON has no binary: chunk audio travels base64-encoded. */
export type PlayerWireMessage =
  | Exclude<MainToPlayer, { type: 'chunk' }>
  | { type: 'chunk'; streamId: number; audio: string; startMs: number; durationMs: number };

export type BridgeServerFrame =
  | { welcome: { verbs: readonly Verb[]; events: readonly EventName[] } }
  | { id: BridgeCallId | null; result: Result<unknown> }
  | { event: EventName; data: unknown }
  | { player: PlayerWireMessage };

// ---------------------------------------------------------------------------------------------
// Payload validators

/** A refusal may name a more precise code than `invalid_payload` (e.g. `text_too_long`). */
export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string; code?: ErrorCode };

/**
 * Above this a text is refused outright, the same limit as MAX_ACCEPTED_CHARS in
 * main/app/reading-text.ts (the reading controller cuts anything over about 100,000 characters at a
 * sentence end, with a notice).
 */
export const MAX_TEXT_PAYLOAD = 20_000_000;
/** Sample texts for voice previews are one sentence. */
export const MAX_PREVIEW_TEXT = 500;
export const MAX_QUERY_LENGTH = 1000;
export const MAX_PAGE_SIZE = 500;
/** A key longer than this is certainly not a key (the secret store checks the real shape). */
export const MAX_KEY_PAYLOAD = 1024;
/** A settings patch is small; anything bigger is not a settings form. */
export const MAX_PATCH_JSON_LENGTH = 64 * 1024;
const MAX_ID_LENGTH = 100;
/** A reading holds at most MAX_READ_CHARS (100,000) characters: it cannot have more sentences. */
const MAX_SENTENCE_INDEX = 100_000;

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const reject = <T>(reason: string): Parsed<T> => ({ ok: false, reason });

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStreamId(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function isNonNegative(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

const ENGINE_NAMES: readonly EngineKind[] = ['offline', 'elevenlabs'];

/** Verbs without a payload accept none: `undefined` (IPC) or `null` (JSON). */
function nothing(raw: unknown): Parsed<undefined> {
  return raw === undefined || raw === null ? ok(undefined) : reject('this verb takes no payload');
}

/** An object whose keys are all in `allowed` (unknown keys are refused, not ignored: they are bugs). */
function record(raw: unknown, allowed: readonly string[]): Parsed<Record<string, unknown>> {
  if (!isRecord(raw)) return reject('the payload must be an object');
  const extra = Object.keys(raw).filter((key) => !allowed.includes(key));
  return extra.length === 0 ? ok(raw) : reject(`unknown field ${extra.map((k) => `"${k}"`).join(', ')}`);
}

function text(value: unknown, field: string, max: number, allowEmpty = true): Parsed<string> {
  if (typeof value !== 'string') return reject(`${field} must be a string`);
  if (value.length > max) return reject(`${field} is longer than ${max} characters`);
  if (!allowEmpty && value.length === 0) return reject(`${field} must not be empty`);
  return ok(value);
}

function optionalEngine(value: unknown): Parsed<EngineKind | undefined> {
  if (value === undefined) return ok(undefined);
  return ENGINE_NAMES.includes(value as EngineKind)
    ? ok(value as EngineKind)
    : reject(`engine must be one of ${ENGINE_NAMES.join(', ')}`);
}

function optionalCount(value: unknown, field: string, max: number): Parsed<number | undefined> {
  if (value === undefined) return ok(undefined);
  return Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) <= max
    ? ok(value as number)
    : reject(`${field} must be a whole number from 0 to ${max}`);
}

function entryId(value: unknown): Parsed<string> {
  return typeof value === 'string' && value.length <= MAX_ID_LENGTH && isValidEntryId(value)
    ? ok(value)
    : reject('id must be a history entry id');
}

/** Runs field checks in order and stops at the first refusal. */
function all<T>(checks: Parsed<unknown>[], build: () => T): Parsed<T> {
  const refused = checks.find((check): check is { ok: false; reason: string } => !check.ok);
  return refused ?? ok(build());
}

function pageQuery(raw: Record<string, unknown>): Parsed<PageQuery> {
  const offset = optionalCount(raw.offset, 'offset', Number.MAX_SAFE_INTEGER);
  const limit = optionalCount(raw.limit, 'limit', MAX_PAGE_SIZE);
  return all([offset, limit], () => ({
    ...(raw.offset !== undefined ? { offset: raw.offset as number } : {}),
    ...(raw.limit !== undefined ? { limit: raw.limit as number } : {}),
  }));
}

function jsonLength(value: unknown): number | undefined {
  try {
    return JSON.stringify(value)?.length;
  } catch {
    return undefined; // cycles, BigInt
  }
}

function withRecord<T>(
  raw: unknown,
  allowed: readonly string[],
  parse: (r: Record<string, unknown>) => Parsed<T>,
): Parsed<T> {
  const shape = record(raw, allowed);
  return shape.ok ? parse(shape.value) : shape;
}

function optionalRecord<T>(
  raw: unknown,
  allowed: readonly string[],
  parse: (r: Record<string, unknown>) => Parsed<T>,
): Parsed<T | undefined> {
  return raw === undefined || raw === null ? ok(undefined) : withRecord(raw, allowed, parse);
}

function idPayload(raw: unknown): Parsed<{ id: string }> {
  return withRecord(raw, ['id'], (r) => all([entryId(r.id)], () => ({ id: r.id as string })));
}

function enginePayload(raw: unknown): Parsed<{ engine?: EngineKind } | undefined> {
  return optionalRecord(raw, ['engine'], (r) =>
    all([optionalEngine(r.engine)], () => (r.engine === undefined ? {} : { engine: r.engine as EngineKind })),
  );
}

function settingsPatch(raw: unknown): Parsed<{ patch: Record<string, unknown> }> {
  return withRecord(raw, ['patch'], (r) => {
    if (!isRecord(r.patch)) return reject('patch must be an object');
    const length = jsonLength(r.patch);
    if (length === undefined) return reject('patch must be plain JSON');
    if (length > MAX_PATCH_JSON_LENGTH) return reject('patch is too large');
    // A JSON round trip drops prototypes, functions and undefined, so the store sees data only.
    return ok({ patch: JSON.parse(JSON.stringify(r.patch)) as Record<string, unknown> });
  });
}

function keyPayload(raw: unknown): Parsed<{ key: string; sessionOnly?: boolean }> {
  return withRecord(raw, ['key', 'sessionOnly'], (r) => {
    const key = text(r.key, 'key', MAX_KEY_PAYLOAD, false);
    if (!key.ok) return key;
    if (r.sessionOnly !== undefined && typeof r.sessionOnly !== 'boolean') {
      return reject('sessionOnly must be true or false');
    }
    return ok(
      r.sessionOnly === undefined ? { key: key.value } : { key: key.value, sessionOnly: r.sessionOnly },
    );
  });
}

function previewPayload(raw: unknown): Parsed<PayloadOf<'previewVoice'>> {
  return withRecord(raw, ['voiceId', 'engine', 'text'], (r) =>
    all(
      [
        text(r.voiceId, 'voiceId', MAX_ID_LENGTH, false),
        optionalEngine(r.engine),
        r.text === undefined ? ok(undefined) : text(r.text, 'text', MAX_PREVIEW_TEXT, false),
      ],
      () => ({
        voiceId: r.voiceId as string,
        ...(r.engine !== undefined ? { engine: r.engine as EngineKind } : {}),
        ...(r.text !== undefined ? { text: r.text as string } : {}),
      }),
    ),
  );
}

function searchPayload(raw: unknown): Parsed<PayloadOf<'historySearch'>> {
  return withRecord(raw, ['query', 'offset', 'limit'], (r) => {
    const query = text(r.query, 'query', MAX_QUERY_LENGTH);
    if (!query.ok) return query;
    const page = pageQuery(r);
    return page.ok ? ok({ query: query.value, ...page.value }) : page;
  });
}

function exportPayload(raw: unknown): Parsed<PayloadOf<'historyExport'>> {
  return withRecord(raw, ['id', 'format'], (r) => {
    const id = entryId(r.id);
    if (!id.ok) return id;
    return r.format === 'mp3' || r.format === 'wav'
      ? ok({ id: id.value, format: r.format })
      : reject('format must be "mp3" or "wav"');
  });
}

/** One validator per verb; main (IPC and bridge) runs it on the raw payload before anything else. */
export const PAYLOAD_VALIDATORS: { [V in Verb]: (raw: unknown) => Parsed<PayloadOf<V>> } = {
  getState: nothing,
  speakText: (raw) =>
    withRecord(raw, ['text'], (r) => {
      const value = text(r.text, 'text', MAX_TEXT_PAYLOAD);
      if (value.ok) return ok({ text: value.value });
      return typeof r.text === 'string' ? { ...value, code: 'text_too_long' } : value;
    }),
  readSelection: nothing,
  readClipboard: nothing,
  pause: nothing,
  resume: nothing,
  previousSentence: nothing,
  nextSentence: nothing,
  jumpToSentence: (raw) =>
    withRecord(raw, ['index'], (r) =>
      all(
        [
          r.index === undefined
            ? reject('index is required')
            : optionalCount(r.index, 'index', MAX_SENTENCE_INDEX),
        ],
        () => ({ index: r.index as number }),
      ),
    ),
  setSpeed: (raw) =>
    withRecord(raw, ['speed'], (r) =>
      typeof r.speed === 'number' && Number.isFinite(r.speed) && r.speed >= 0.5 && r.speed <= 3
        ? ok({ speed: r.speed })
        : reject('speed must be a number from 0.5 to 3'),
    ),
  getReading: nothing,
  stop: nothing,
  dismissError: nothing,
  prepareReading: nothing,
  getSettings: nothing,
  updateSettings: settingsPatch,
  keyStatus: nothing,
  setKey: keyPayload,
  clearKey: nothing,
  voices: enginePayload,
  models: enginePayload,
  subscription: nothing,
  previewVoice: previewPayload,
  historyList: (raw) => optionalRecord(raw, ['offset', 'limit'], pageQuery),
  historySearch: searchPayload,
  historyReplay: idPayload,
  historyReadAgain: idPayload,
  historyExport: exportPayload,
  historyDelete: idPayload,
  historyClear: nothing,
  hotkeyStatus: nothing,
  suspendHotkeys: nothing,
  resumeHotkeys: nothing,
  about: nothing,
  openLogFolder: nothing,
};

/** Validates a payload for a verb that is already known to exist. */
export function parsePayload<V extends Verb>(verb: V, raw: unknown): Parsed<PayloadOf<V>> {
  const validate = PAYLOAD_VALIDATORS[verb] as (raw: unknown) => Parsed<PayloadOf<V>>;
  return validate(raw);
}

/**
 * The one path every call takes on main's side, whatever the transport: validate, call, wrap. Never
 * rejects: a thrown error becomes an envelope (and is passed to `onError` for the log).
 */
export async function dispatch(
  services: VerbHandlers,
  verb: Verb,
  rawPayload: unknown,
  onError: (verb: Verb, cause: unknown) => void = () => undefined,
): Promise<Result<unknown>> {
  const payload = parsePayload(verb, rawPayload);
  if (!payload.ok) return failure(payload.code ?? 'invalid_payload', `${verb}: ${payload.reason}`);
  try {
    const handler = services[verb] as (payload: unknown) => Promise<Result<unknown>> | Result<unknown>;
    const result = parseResult(await handler(payload.value));
    if (result) return result;
    onError(verb, new Error(`${verb} answered without a valid result envelope (or with an unknown code).`));
    return failure('internal', 'Something went wrong in Hark. The details are in the log.');
  } catch (cause) {
    onError(verb, cause);
    return failureFromError(cause);
  }
}
