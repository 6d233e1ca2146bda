// The app's verbs, implemented against the real stores, the reading controller and the HTTP API, in
// the shape the IPC contract (shared/contract.ts, HarkServices) asks for. The IPC handlers, the dev bridge,
// the tray and the hotkeys all call these, so every entry point behaves the same. Each verb:
// - checks its payload as `unknown` with the contract's own validators (the transports check it too,
//   but the tray and hotkeys call in directly), answering 'invalid_payload' when it does not fit;
// - returns a Result envelope and never throws or rejects;
// - never hands out the API key (keyStatus reports a state, setKey is write-only).
import { isAbsolute } from 'node:path';
import { failure, parsePayload, success } from '../../shared/contract';
import type {
  AboutHark,
  EventMap,
  EventName,
  ExportFormat,
  ExportOutcome,
  Failure,
  HarkServices,
  HarkVerbs,
  HistoryChange,
  HotkeyFailure,
  KeyStatus,
  PayloadOf,
  ReadOutcome,
  ReadingPosition,
  Result,
  SettingsUpdate,
  Unsubscribe,
  Verb,
} from '../../shared/contract';
import { createHttpClient } from '../elevenlabs/http-client';
import type { ElevenLabsHttp } from '../elevenlabs/http-client';
import { listModels, pickerModels } from '../elevenlabs/models';
import { getSubscription } from '../elevenlabs/subscription';
import {
  HOST_NOT_CONFIRMED,
  hostNotConfirmedMessage,
  isTrustedHost,
  keyOrigin,
} from '../elevenlabs/trusted-hosts';
import { listVoices } from '../elevenlabs/voices';
import type { VoiceInfo } from '../elevenlabs/voices';
import { parseOutputFormat } from '../../shared/protocol';
import { MemoryConfirmedHosts } from '../store/confirmed-hosts';
import type { ConfirmedHosts } from '../store/confirmed-hosts';
import type { HistoryEntry } from '../store/history';
import type { Logger } from '../store/redact';
import { SecretStoreError } from '../store/secrets';
import { checkBaseUrl } from '../../shared/settings-schema';
import type { EngineKind } from '../../shared/settings-schema';
import { ReadingController } from './reading-controller';
import type { ReadingControllerDeps, ReadOptions } from './reading-controller';
import { NO_KEY_MESSAGE } from './reading-plan';
import type { AppState, ReadResult, ReadingNotice, ReadingSource, WordEvent } from './reading-types';
import { guarded } from './result';
import { VoiceNames } from './voice-names';
import { warmUpSpeakableText } from './speakable-reading';

export interface CapturedText {
  text: string;
  /** Where the text came from: the selection, or the clipboard when nothing was selected. */
  source: 'selection' | 'clipboard';
}

/** Hark's global hotkeys (main/desktop/hotkeys.ts LateBoundHotkeys in the app). */
export interface HotkeyControl {
  failures(): readonly HotkeyFailure[];
  /** Settings is recording a combination: no hotkey may fire meanwhile. */
  suspend(): void;
  resume(): void;
  /** Called with the new failure list after every (re-)registration. */
  onFailures(listener: (failures: readonly HotkeyFailure[]) => void): () => void;
}

/** The desktop app's version and log folder (main/desktop/boot/paths-and-logging.ts). */
export interface Troubleshooting {
  about: AboutHark;
  /** Opens the log folder in the file manager: '' when it did, else why not (Electron's shell.openPath). */
  openLogFolder(): Promise<string>;
}

/** What the reading controller needs, plus the desktop's capture, clipboard and dialogs. */
export interface ServicesDeps extends Pick<
  ReadingControllerDeps,
  'settings' | 'secrets' | 'history' | 'offlineServer' | 'player' | 'log' | 'now' | 'tuning'
> {
  /** The desktop's selection capture, with its clipboard fallback when the settings say so. */
  captureSelection(): Promise<CapturedText>;
  readClipboard(): Promise<string>;
  /** Asks the user where to save an export (a save dialog in main); undefined when they cancel. */
  chooseExportPath(entry: HistoryEntry, format: ExportFormat): Promise<string | undefined>;
  /** For GET /v1/voices, /v1/models and /v1/user/subscription. */
  httpTimeoutMs?: number;
  /** Absent without a desktop (dev:web, tests): no failures, and suspend/resume do nothing. */
  hotkeys?: HotkeyControl;
  /**
   * Asks the user whether the API key may be sent to `origin`, a server that is neither ElevenLabs'
   * own nor loopback; true only when they said yes. Main shows it (a native dialog in the app), so a
   * page cannot answer for the user. Absent: no such server can be confirmed.
   */
  confirmHost?: (origin: string) => Promise<boolean>;
  /** Where confirmations are kept, out of the settings' reach. Default: for this process only. */
  confirmedHosts?: ConfirmedHosts;
  /** Absent without a desktop (dev:web, tests): `about` and `openLogFolder` answer not_available. */
  troubleshooting?: Troubleshooting;
}

/**
 * The contract's verbs (typed as a page calls them, so the tray and hotkeys get real types; the
 * object also satisfies HarkServices, the transports' view) and events, plus what only main uses.
 */
export type AppServices = HarkVerbs & {
  subscribe: HarkServices['subscribe'];
  /** For the pause/resume hotkey and `hark --toggle-pause`. */
  togglePause(): Promise<Result<null>>;
  /** For the speed hotkeys: `steps` of 0.1 faster (negative: slower). */
  stepSpeed(steps: number): Promise<Result<number>>;
  onState(listener: (state: AppState) => void): Unsubscribe;
  onWord(listener: (word: WordEvent) => void): Unsubscribe;
  /** For the tray's status line: sentence N of M and the speed. */
  onPosition(listener: (position: ReadingPosition) => void): Unsubscribe;
  onHistoryChanged(listener: (change: HistoryChange) => void): Unsubscribe;
  onHotkeysChanged(listener: (failures: HotkeyFailure[]) => void): Unsubscribe;
  /** Text cut short, offline fallback, history not saved: for a desktop notification. */
  onNotice(listener: (notice: ReadingNotice) => void): Unsubscribe;
  /** Stops reading and detaches from the stores (which the caller still owns and closes). */
  dispose(): Promise<void>;
};

// Compile-time proof that the transports (main/desktop/ipc.ts, bridge-server.ts) can take these services.
const _satisfiesContract = (services: AppServices): HarkServices => services;

/** After start-up has settled; a reading started sooner warms the pipeline itself. */
const TEXT_WARM_UP_DELAY_MS = 1500;

export const PREVIEW_TEXT = 'Hello! This is how this voice sounds when Hark reads to you.';

/** Voice ids go into the stream URL's path: letters, digits and a few marks, like the settings' check. */
const VOICE_ID = /^[A-Za-z0-9][A-Za-z0-9_.+-]{0,99}$/;

function isFailure(value: unknown): value is Failure {
  return typeof value === 'object' && value !== null && (value as { ok?: unknown }).ok === false;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function outcomeOf(result: ReadResult): Result<ReadOutcome> {
  return result.ok ? success(result.outcome) : failure(result.code, result.message);
}

/** The save dialog may hand back a name without the extension; never anything but an absolute path. */
function exportTarget(path: string, format: ExportFormat): string | undefined {
  if (!isAbsolute(path) || path.includes('\0')) return undefined;
  return path.toLowerCase().endsWith(`.${format}`) ? path : `${path}.${format}`;
}

type Listener<E extends EventName> = (data: EventMap[E]) => void;

/** The contract's events; a listener that throws is logged and the others still hear the event. */
class ServiceEvents {
  readonly #listeners = new Map<EventName, Set<Listener<never>>>();

  constructor(private readonly log: Logger) {}

  subscribe<E extends EventName>(event: E, listener: Listener<E>): Unsubscribe {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    const stored = listener as Listener<never>;
    set.add(stored);
    return () => void set.delete(stored);
  }

  fire<E extends EventName>(event: E, data: EventMap[E]): void {
    for (const listener of [...(this.#listeners.get(event) ?? [])]) {
      try {
        (listener as Listener<E>)(data);
      } catch (error) {
        this.log.error(`A "${event}" listener failed:`, error);
      }
    }
  }
}

export function createServices(deps: ServicesDeps): AppServices {
  const { settings, secrets, history, log } = deps;
  const events = new ServiceEvents(log);
  const confirmedHosts = deps.confirmedHosts ?? new MemoryConfirmedHosts();
  const voiceNames = new VoiceNames((engine) => voicesOf(engine));

  const controller = new ReadingController({
    settings,
    secrets,
    history,
    offlineServer: deps.offlineServer,
    player: deps.player,
    log,
    describeVoice: (engine, voiceId) => voiceNames.describe(engine, voiceId),
    confirmedHosts,
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.tuning ? { tuning: deps.tuning } : {}),
  });

  // Compiled while the app is idle, so that the first reading does not pay for it.
  const warmUp = setTimeout(() => warmUpSpeakableText(settings.get().text), TEXT_WARM_UP_DELAY_MS);
  warmUp.unref();

  const detach = [
    () => clearTimeout(warmUp),
    controller.onState((state) => events.fire('state', state)),
    controller.onWord((word) => events.fire('word', word)),
    controller.onPlayback((progress) => events.fire('playback', progress)),
    controller.onReadingText((text) => events.fire('readingText', text)),
    controller.onPosition((position) => events.fire('position', position)),
    controller.onHistoryAdded((entry) => events.fire('historyChanged', { kind: 'added', entry })),
    // A smaller retention limit applies at once, not only after the next reading.
    settings.onChange((current, changed) => {
      if (!changed.some((path) => path.startsWith('history.'))) return;
      history.setRetention(current.history).then(
        (ids) => {
          if (ids.length > 0) events.fire('historyChanged', { kind: 'deleted', ids });
        },
        (error: unknown) => log.error('Applying the history limit failed:', error),
      );
    }),
    // A copy per event: listeners must not see (or change) the manager's own list.
    deps.hotkeys?.onFailures((failures) => events.fire('hotkeysChanged', [...failures])) ?? (() => undefined),
  ];

  function subscribe<E extends EventName>(event: E, listener: Listener<E>): Unsubscribe {
    return events.subscribe(event, listener);
  }

  /** Runs a verb: its payload checked by the contract's validator, every failure an envelope. */
  function verb<V extends Verb, T>(
    name: V,
    body: (payload: PayloadOf<V>) => Promise<Result<T>>,
  ): (raw?: unknown) => Promise<Result<T>> {
    return (raw) =>
      guarded(name, log, async () => {
        const parsed = parsePayload(name, raw);
        if (!parsed.ok) return failure(parsed.code ?? 'invalid_payload', `${name}: ${parsed.reason}`);
        return body(parsed.value);
      });
  }

  function read(text: string, source: ReadingSource, options?: ReadOptions): Result<ReadOutcome> {
    return outcomeOf(controller.read(text, source, options));
  }

  // -------------------------------------------------------------------------------------------
  // HTTP API access for either engine

  async function clientFor(engine: EngineKind): Promise<ElevenLabsHttp | Failure> {
    const timeout = deps.httpTimeoutMs !== undefined ? { timeoutMs: deps.httpTimeoutMs } : {};
    if (engine === 'offline') {
      const endpoint = await deps.offlineServer();
      return createHttpClient({ baseUrl: endpoint.url, apiKey: endpoint.token, ...timeout });
    }
    const apiKey = await secrets.getKey();
    if (!apiKey) return failure('no_api_key', NO_KEY_MESSAGE);
    const { baseUrl } = settings.get();
    if (!isTrustedHost(baseUrl, confirmedHosts.list())) {
      return failure(HOST_NOT_CONFIRMED, hostNotConfirmedMessage(baseUrl));
    }
    return createHttpClient({ baseUrl, apiKey, ...timeout });
  }

  async function voicesOf(engine: EngineKind): Promise<VoiceInfo[]> {
    const client = await clientFor(engine);
    if (isFailure(client)) throw new Error(client.message);
    return listVoices(client);
  }

  async function withClient<T>(
    engine: EngineKind | undefined,
    body: (client: ElevenLabsHttp, engine: EngineKind) => Promise<T>,
  ): Promise<Result<T>> {
    const chosen = engine ?? settings.get().engine;
    const client = await clientFor(chosen);
    return isFailure(client) ? client : success(await body(client, chosen));
  }

  function entryOrFailure(id: string): HistoryEntry | Failure {
    return history.get(id) ?? failure('not_found', 'This reading is no longer in the history.');
  }

  // -------------------------------------------------------------------------------------------
  // Verbs

  async function captureSelection(): Promise<Result<ReadOutcome>> {
    // The connection opens while the selection is read (settings.warmConnection).
    void controller.prepareConnection();
    let captured: CapturedText;
    try {
      captured = await deps.captureSelection();
    } catch (error) {
      log.warn('Capturing the selection failed:', error);
      return failure('selection_unavailable', `The selected text could not be read (${messageOf(error)}).`);
    }
    if (typeof captured.text !== 'string' || !/\S/.test(captured.text)) {
      return captured.source === 'clipboard'
        ? failure('clipboard_empty', 'Nothing is selected and the clipboard has no text.')
        : failure('nothing_selected', 'Nothing is selected. Select some text, then try again.');
    }
    return read(captured.text, captured.source);
  }

  async function readClipboardText(): Promise<Result<ReadOutcome>> {
    void controller.prepareConnection();
    let text: string;
    try {
      text = await deps.readClipboard();
    } catch (error) {
      log.warn('Reading the clipboard failed:', error);
      return failure('selection_unavailable', `The clipboard could not be read (${messageOf(error)}).`);
    }
    if (typeof text !== 'string' || !/\S/.test(text)) {
      return failure('clipboard_empty', 'The clipboard has no text.');
    }
    return read(text, 'clipboard');
  }

  /**
   * A new server address that is neither ElevenLabs' nor loopback is applied only when the user
   * confirms, through main, that the key may go there. An invalid address is left to the schema.
   */
  async function confirmBaseUrl(patch: Record<string, unknown>): Promise<Failure | undefined> {
    const checked = checkBaseUrl(patch.baseUrl);
    const origin = checked.ok ? keyOrigin(checked.value) : undefined;
    if (origin === undefined || isTrustedHost(origin, confirmedHosts.list())) return undefined;
    let confirmed = false;
    try {
      confirmed = (await deps.confirmHost?.(origin)) === true;
    } catch (error) {
      log.error('Asking to confirm the server failed:', error);
    }
    if (!confirmed) {
      return failure(
        HOST_NOT_CONFIRMED,
        `The server address was not changed: ${origin} is not one of ElevenLabs' own servers, and ` +
          `sending your API key there was not confirmed.`,
      );
    }
    await confirmedHosts.add(origin);
    return undefined;
  }

  async function updateSettings(patch: Record<string, unknown>): Promise<Result<SettingsUpdate>> {
    const refused = await confirmBaseUrl(patch);
    if (refused) return refused;
    let result;
    try {
      result = await settings.update(patch);
    } catch (error) {
      log.error('Saving the settings failed:', error);
      return failure('io_failed', `The settings could not be saved (${messageOf(error)}).`);
    }
    if (!result.ok) return success({ applied: false, problems: result.problems });
    if (result.changed.includes('baseUrl')) voiceNames.forget('elevenlabs');
    return success({ applied: true, settings: result.settings, changed: result.changed });
  }

  async function setKey({ key, sessionOnly }: PayloadOf<'setKey'>): Promise<Result<KeyStatus>> {
    // Another key may mean another account, with other voices.
    voiceNames.forget('elevenlabs');
    if (sessionOnly) {
      secrets.keepForSessionOnly(key);
    } else {
      try {
        await secrets.setKey(key);
      } catch (error) {
        // No keychain: the settings window offers to keep the key for this session (sessionOnly).
        if (error instanceof SecretStoreError) return failure(error.code, error.message);
        throw error;
      }
    }
    return success(await secrets.status());
  }

  async function replay(id: string): Promise<Result<ReadOutcome>> {
    const entry = entryOrFailure(id);
    if (isFailure(entry)) return entry;
    const format = parseOutputFormat(entry.outputFormat);
    if (!format) return failure('not_found', 'The audio of this reading is in an unknown format.');
    const audio = await history.readAudio(entry.id);
    return outcomeOf(controller.replay({ audio, format }));
  }

  async function exportEntry({ id, format }: PayloadOf<'historyExport'>): Promise<Result<ExportOutcome>> {
    const entry = entryOrFailure(id);
    if (isFailure(entry)) return entry;
    const chosen = await deps.chooseExportPath(entry, format);
    if (chosen === undefined) return success({ saved: false });
    const target = exportTarget(chosen, format);
    if (!target) return failure('invalid_payload', 'The export path must be an absolute file path.');
    await history.exportAudio(entry.id, target, format);
    return success({ saved: true, path: target });
  }

  const handlers: HarkVerbs & Pick<HarkServices, 'subscribe'> = {
    getState: verb('getState', async () => success(controller.state)),
    speakText: verb('speakText', async ({ text }) => read(text, 'typed')),
    readSelection: verb('readSelection', captureSelection),
    readClipboard: verb('readClipboard', readClipboardText),
    pause: verb('pause', async () => (controller.pause(), success(null))),
    resume: verb('resume', async () => (controller.resume(), success(null))),
    previousSentence: verb('previousSentence', async () => (controller.previousSentence(), success(null))),
    nextSentence: verb('nextSentence', async () => (controller.nextSentence(), success(null))),
    jumpToSentence: verb(
      'jumpToSentence',
      async ({ index }) => (controller.jumpToSentence(index), success(null)),
    ),
    setSpeed: verb('setSpeed', async ({ speed }) => success(await controller.setSpeed(speed))),
    getReading: verb('getReading', async () => success(controller.readingView())),
    stop: verb('stop', async () => (controller.stop(), success(null))),
    dismissError: verb('dismissError', async () => (controller.dismissError(), success(null))),
    prepareReading: verb('prepareReading', async () => (void controller.prepareConnection(), success(null))),

    getSettings: verb('getSettings', async () => success(settings.get())),
    updateSettings: verb('updateSettings', ({ patch }) => updateSettings(patch)),
    keyStatus: verb('keyStatus', async () => success(await secrets.status())),
    setKey: verb('setKey', setKey),
    clearKey: verb('clearKey', async () => {
      voiceNames.forget('elevenlabs');
      await secrets.clearKey();
      return success(await secrets.status());
    }),

    voices: verb('voices', (payload) =>
      withClient(payload?.engine, async (client, engine) => {
        const voices = await listVoices(client);
        voiceNames.remember(engine, voices);
        return voices;
      }),
    ),
    models: verb('models', (payload) =>
      withClient(payload?.engine, async (client) => pickerModels(await listModels(client))),
    ),
    subscription: verb('subscription', async () => {
      if (settings.get().engine === 'offline') {
        return failure('not_available', 'The offline voice is free: it has no character quota.');
      }
      return withClient('elevenlabs', (client) => getSubscription(client));
    }),
    previewVoice: verb('previewVoice', async ({ voiceId, engine, text }) => {
      if (!VOICE_ID.test(voiceId))
        return failure('invalid_payload', 'previewVoice: voiceId is not a voice id');
      return read(text ?? PREVIEW_TEXT, 'typed', {
        voiceId,
        ...(engine ? { engine } : {}),
        record: false,
        policy: 'replace',
        allowFallback: false,
      });
    }),

    historyList: verb('historyList', async (page) => success(history.list(page ?? {}))),
    historySearch: verb('historySearch', async ({ query, ...page }) => success(history.search(query, page))),
    historyReplay: verb('historyReplay', ({ id }) => replay(id)),
    historyReadAgain: verb('historyReadAgain', async ({ id }) => {
      const entry = entryOrFailure(id);
      return isFailure(entry) ? entry : read(entry.text, 'history');
    }),
    historyExport: verb('historyExport', exportEntry),
    historyDelete: verb('historyDelete', async ({ id }) => {
      const deleted = await history.delete(id);
      if (deleted) events.fire('historyChanged', { kind: 'deleted', ids: [id] });
      return success(deleted);
    }),
    historyClear: verb('historyClear', async () => {
      await history.clear();
      events.fire('historyChanged', { kind: 'cleared' });
      return success(null);
    }),

    hotkeyStatus: verb('hotkeyStatus', async () => success([...(deps.hotkeys?.failures() ?? [])])),
    suspendHotkeys: verb('suspendHotkeys', async () => (deps.hotkeys?.suspend(), success(null))),
    resumeHotkeys: verb('resumeHotkeys', async () => (deps.hotkeys?.resume(), success(null))),

    about: verb('about', async () =>
      deps.troubleshooting
        ? success({ ...deps.troubleshooting.about })
        : failure('not_available', 'Only the Hark desktop app has a version and a log file.'),
    ),
    openLogFolder: verb('openLogFolder', async () => {
      if (!deps.troubleshooting)
        return failure('not_available', 'The log folder opens from the desktop app.');
      const problem = await deps.troubleshooting.openLogFolder();
      if (problem === '') return success(null);
      log.warn(`Opening the log folder failed: ${problem}`);
      const { logFile } = deps.troubleshooting.about;
      return failure(
        'open_failed',
        `The log folder could not be opened (${problem}). The log is ${logFile}.`,
      );
    }),

    subscribe,
  };

  return {
    ...handlers,
    togglePause: verb('pause', async () => (controller.togglePause(), success(null))),
    stepSpeed: (steps) => guarded('setSpeed', log, async () => success(await controller.stepSpeed(steps))),
    onState: (listener) => subscribe('state', listener),
    onWord: (listener) => subscribe('word', listener),
    onPosition: (listener) => subscribe('position', listener),
    onHistoryChanged: (listener) => subscribe('historyChanged', listener),
    onHotkeysChanged: (listener) => subscribe('hotkeysChanged', listener),
    onNotice: (listener) => controller.onNotice(listener),
    async dispose() {
      for (const unsubscribe of detach) unsubscribe();
      await controller.close();
    },
  };
}
