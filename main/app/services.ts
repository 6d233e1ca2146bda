// The app's verbs, implemented against the real stores, the reading controller and the HTTP API.
// The IPC handlers (main/desktop/ipc.ts), the dev bridge (main/app/bridge-server.ts), the tray and the
// hotkeys all call these, so every entry point behaves the same. Each verb:
// - takes its arguments as `unknown` and checks them (failure code 'invalid_payload');
// - returns a Result and never throws (stable failure codes: see ServiceErrorCode);
// - never hands out the API key (keyStatus says whether there is one, nothing more).
import { createHttpClient } from '../elevenlabs/http-client';
import type { ElevenLabsHttp } from '../elevenlabs/http-client';
import { listModels as fetchModels, pickerModels } from '../elevenlabs/models';
import type { ModelInfo } from '../elevenlabs/models';
import { getSubscription as fetchSubscription } from '../elevenlabs/subscription';
import type { SubscriptionInfo } from '../elevenlabs/subscription';
import { listVoices as fetchVoices } from '../elevenlabs/voices';
import type { VoiceInfo } from '../elevenlabs/voices';
import { parseOutputFormat } from '../speech/protocol';
import type { HistoryEntry, HistoryPage, HistoryStore } from '../store/history';
import type { Logger } from '../store/redact';
import { SecretStoreError } from '../store/secrets';
import type { SecretStatus, SecretStore } from '../store/secrets';
import type { SettingsProblem } from '../store/settings-schema';
import type { SettingsStore } from '../store/settings';
import type { EngineKind, Settings } from '../store/settings-schema';
import type { OfflineEndpoint } from './offline-engine';
import {
  checkEntryId,
  checkExportFormat,
  checkExportPath,
  checkKeyInput,
  checkOptionalEngine,
  checkPage,
  checkQuery,
  checkText,
  checkVoiceId,
} from './payload';
import type { Checked } from './payload';
import { ReadingController } from './reading-controller';
import type { ReadOptions, SessionTuning } from './reading-controller';
import { NO_KEY_MESSAGE } from './reading-plan';
import type {
  AppState,
  PlayerPort,
  ReadOutcome,
  ReadResult,
  ReadingNotice,
  WordEvent,
} from './reading-types';
import { fail, guarded, ok } from './result';
import type { Failure, Result } from './result';
import { VoiceNames } from './voice-names';

export type { Result } from './result';

/** Failure codes of the verbs, besides the SpeechError, HistoryError and SecretStoreError codes. */
export type ServiceErrorCode =
  | 'invalid_payload'
  | 'empty_text'
  | 'text_too_long'
  | 'no_selection'
  | 'clipboard_empty'
  | 'capture_failed'
  | 'invalid_settings'
  | 'settings_write_failed'
  | 'no_api_key'
  | 'internal';

export interface CapturedText {
  text: string;
  /** Where the text came from: the selection, or the clipboard when nothing was selected. */
  source: 'selection' | 'clipboard';
}

export interface ServicesDeps {
  settings: SettingsStore;
  secrets: SecretStore;
  history: HistoryStore;
  offlineServer: () => Promise<OfflineEndpoint>;
  player: PlayerPort;
  log: Logger;
  /** The desktop's selection capture (with its clipboard fallback when the settings say so). */
  captureSelection(): Promise<CapturedText>;
  readClipboard(): Promise<string>;
  now?: () => number;
  /** For GET /v1/voices, /v1/models and /v1/user/subscription. */
  httpTimeoutMs?: number;
  /** Stream knobs for tests. */
  tuning?: SessionTuning;
}

export interface ReadStarted {
  outcome: ReadOutcome;
  /** The text was longer than Hark reads at once: only its beginning is read. */
  truncated: boolean;
}

export type HistoryChange =
  | { kind: 'added'; entry: HistoryEntry }
  | { kind: 'deleted'; id: string }
  | { kind: 'cleared' }
  /** Removed by the retention limit. */
  | { kind: 'pruned'; ids: string[] };

export interface HarkServices {
  getState(): Promise<Result<AppState>>;
  speakText(text: unknown): Promise<Result<ReadStarted>>;
  readSelection(): Promise<Result<ReadStarted & { source: CapturedText['source'] }>>;
  readClipboard(): Promise<Result<ReadStarted>>;
  pause(): Promise<Result<AppState>>;
  resume(): Promise<Result<AppState>>;
  togglePause(): Promise<Result<AppState>>;
  stop(): Promise<Result<AppState>>;
  dismissError(): Promise<Result<AppState>>;

  getSettings(): Promise<Result<Settings>>;
  updateSettings(patch: unknown): Promise<Result<Settings>>;
  keyStatus(): Promise<Result<SecretStatus>>;
  /** Stores the key in the keychain; without a reachable keychain, keeps it for this session (status says so). */
  setKey(key: unknown): Promise<Result<SecretStatus>>;
  clearKey(): Promise<Result<SecretStatus>>;

  /** For the engine given, else the settings' engine. */
  listVoices(engine?: unknown): Promise<Result<VoiceInfo[]>>;
  /** The models worth offering: they speak text over stream-input. */
  listModels(engine?: unknown): Promise<Result<ModelInfo[]>>;
  /** null for the offline voice, which has no quota. */
  getSubscription(engine?: unknown): Promise<Result<SubscriptionInfo | null>>;
  /** Reads a short sentence with that voice (replacing any reading; not stored in the history). */
  previewVoice(voiceId: unknown, engine?: unknown): Promise<Result<ReadStarted>>;

  historyList(page?: unknown): Promise<Result<HistoryPage>>;
  historySearch(query: unknown, page?: unknown): Promise<Result<HistoryPage>>;
  /** Plays the stored audio; no server is contacted, no credits are spent. */
  historyReplay(id: unknown): Promise<Result<ReadStarted>>;
  /** Reads the entry's text again with the current settings. */
  historyReadAgain(id: unknown): Promise<Result<ReadStarted>>;
  historyExport(id: unknown, path: unknown, format: unknown): Promise<Result<{ path: string }>>;
  historyDelete(id: unknown): Promise<Result<{ deleted: boolean }>>;
  historyClear(): Promise<Result<null>>;

  onState(listener: (state: AppState) => void): () => void;
  onWord(listener: (word: WordEvent) => void): () => void;
  onNotice(listener: (notice: ReadingNotice) => void): () => void;
  onHistoryChanged(listener: (change: HistoryChange) => void): () => void;

  /** Stops reading and detaches from the stores (which the caller still owns and closes). */
  dispose(): Promise<void>;
}

export const PREVIEW_TEXT = 'Hello! This is how this voice sounds when Hark reads to you.';

function invalid(check: Extract<Checked<unknown>, { ok: false }>): Failure {
  return fail('invalid_payload', check.message);
}

function describeProblems(problems: readonly SettingsProblem[]): string {
  const parts = problems.map((p) => (p.path ? `${p.path}: ${p.reason}` : p.reason));
  return `These settings were not saved: ${parts.join('; ')}.`;
}

function started(result: ReadResult): Result<ReadStarted> {
  if (!result.ok) return fail(result.code, result.message);
  return ok({ outcome: result.outcome, truncated: result.truncated });
}

function isFailure(value: unknown): value is Failure {
  return typeof value === 'object' && value !== null && (value as { ok?: unknown }).ok === false;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function createServices(deps: ServicesDeps): HarkServices {
  const { settings, secrets, history, log } = deps;
  const historyListeners = new Set<(change: HistoryChange) => void>();
  const voiceNames = new VoiceNames((engine) => voicesFrom(engine));

  const controller = new ReadingController({
    settings,
    secrets,
    history,
    offlineServer: deps.offlineServer,
    player: deps.player,
    log,
    describeVoice: (engine, voiceId) => voiceNames.describe(engine, voiceId),
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.tuning ? { tuning: deps.tuning } : {}),
  });

  function historyChanged(change: HistoryChange): void {
    for (const listener of [...historyListeners]) {
      try {
        listener(change);
      } catch (error) {
        log.error('A history listener failed:', error);
      }
    }
  }

  const unsubscribers = [
    controller.onHistoryAdded((entry) => historyChanged({ kind: 'added', entry })),
    // A smaller retention limit applies at once, not only at the next reading.
    settings.onChange((current, changed) => {
      if (!changed.some((path) => path.startsWith('history.'))) return;
      history.setRetention(current.history).then(
        (ids) => {
          if (ids.length > 0) historyChanged({ kind: 'pruned', ids });
        },
        (error: unknown) => log.error('Applying the history limit failed:', error),
      );
    }),
  ];

  // -------------------------------------------------------------------------------------------
  // HTTP API access for either engine

  async function clientFor(engine: EngineKind): Promise<ElevenLabsHttp | Failure> {
    const timeout = deps.httpTimeoutMs !== undefined ? { timeoutMs: deps.httpTimeoutMs } : {};
    if (engine === 'offline') {
      const endpoint = await deps.offlineServer();
      return createHttpClient({ baseUrl: endpoint.url, apiKey: endpoint.token, ...timeout });
    }
    const apiKey = await secrets.getKey();
    if (!apiKey) return fail('no_api_key', NO_KEY_MESSAGE);
    return createHttpClient({ baseUrl: settings.get().baseUrl, apiKey, ...timeout });
  }

  async function voicesFrom(engine: EngineKind): Promise<VoiceInfo[]> {
    const client = await clientFor(engine);
    if (isFailure(client)) throw new Error(client.message);
    return fetchVoices(client);
  }

  /** Runs `body` with the client for the engine argument (or the settings' engine). */
  function withClient<T>(
    verb: string,
    engineArgument: unknown,
    body: (client: ElevenLabsHttp, engine: EngineKind) => Promise<T>,
  ): Promise<Result<T>> {
    return guarded(verb, log, async () => {
      const checked = checkOptionalEngine(engineArgument);
      if (!checked.ok) return invalid(checked);
      const engine = checked.value ?? settings.get().engine;
      const client = await clientFor(engine);
      if (isFailure(client)) return client;
      return ok(await body(client, engine));
    });
  }

  // -------------------------------------------------------------------------------------------
  // Reading

  function read(text: string, source: CapturedText['source'] | 'typed' | 'history', options?: ReadOptions) {
    return started(controller.read(text, source, options));
  }

  function stateAfter(action: () => void): Promise<Result<AppState>> {
    action();
    return Promise.resolve(ok(controller.state));
  }

  async function existingEntry(idArgument: unknown): Promise<HistoryEntry | Failure> {
    const id = checkEntryId(idArgument);
    if (!id.ok) return invalid(id);
    const entry = history.get(id.value);
    return entry ?? fail('not_found', 'This reading is no longer in the history.');
  }

  return {
    getState: () => Promise.resolve(ok(controller.state)),

    speakText: (text) =>
      guarded('speakText', log, async () => {
        const checked = checkText(text);
        if (!checked.ok) return invalid(checked);
        return read(checked.value, 'typed');
      }),

    readSelection: () =>
      guarded('readSelection', log, async () => {
        let captured: CapturedText;
        try {
          captured = await deps.captureSelection();
        } catch (error) {
          log.warn('Capturing the selection failed:', error);
          return fail('capture_failed', `The selected text could not be read (${messageOf(error)}).`);
        }
        const text = checkText(captured.text, 'The selected text');
        if (!text.ok) return fail('capture_failed', text.message);
        if (!/\S/.test(text.value)) {
          return captured.source === 'clipboard'
            ? fail('clipboard_empty', 'Nothing is selected and the clipboard has no text.')
            : fail('no_selection', 'Nothing is selected. Select some text, then try again.');
        }
        const result = read(text.value, captured.source);
        return result.ok ? ok({ ...result.value, source: captured.source }) : result;
      }),

    readClipboard: () =>
      guarded('readClipboard', log, async () => {
        let text: string;
        try {
          text = await deps.readClipboard();
        } catch (error) {
          log.warn('Reading the clipboard failed:', error);
          return fail('capture_failed', `The clipboard could not be read (${messageOf(error)}).`);
        }
        if (!/\S/.test(text)) return fail('clipboard_empty', 'The clipboard has no text.');
        return read(text, 'clipboard');
      }),

    pause: () => stateAfter(() => controller.pause()),
    resume: () => stateAfter(() => controller.resume()),
    togglePause: () => stateAfter(() => controller.togglePause()),
    stop: () => stateAfter(() => controller.stop()),
    dismissError: () => stateAfter(() => controller.dismissError()),

    getSettings: () => Promise.resolve(ok(settings.get())),

    updateSettings: (patch) =>
      guarded('updateSettings', log, async () => {
        let result;
        try {
          result = await settings.update(patch);
        } catch (error) {
          log.error('Saving the settings failed:', error);
          return fail('settings_write_failed', `The settings could not be saved (${messageOf(error)}).`);
        }
        if (!result.ok) return fail('invalid_settings', describeProblems(result.problems));
        if (result.changed.includes('baseUrl')) voiceNames.forget('elevenlabs');
        return ok(result.settings);
      }),

    keyStatus: () => guarded('keyStatus', log, async () => ok(await secrets.status())),

    setKey: (key) =>
      guarded('setKey', log, async () => {
        const checked = checkKeyInput(key);
        if (!checked.ok) return invalid(checked);
        try {
          await secrets.setKey(checked.value);
        } catch (error) {
          if (!(error instanceof SecretStoreError) || error.code !== 'keychain_unavailable') throw error;
          // No keychain: the key still works until Hark quits, and the status tells the user why.
          log.warn(
            `The keychain is unavailable (${error.problem ?? 'unknown'}); keeping the key for this session.`,
          );
          secrets.keepForSessionOnly(checked.value);
        }
        voiceNames.forget('elevenlabs');
        return ok(await secrets.status());
      }),

    clearKey: () =>
      guarded('clearKey', log, async () => {
        await secrets.clearKey();
        voiceNames.forget('elevenlabs');
        return ok(await secrets.status());
      }),

    listVoices: (engine) =>
      withClient('listVoices', engine, async (client, chosen) => {
        const voices = await fetchVoices(client);
        voiceNames.remember(chosen, voices);
        return voices;
      }),

    listModels: (engine) =>
      withClient('listModels', engine, async (client) => pickerModels(await fetchModels(client))),

    getSubscription: (engine) =>
      guarded('getSubscription', log, async () => {
        const checked = checkOptionalEngine(engine);
        if (!checked.ok) return invalid(checked);
        if ((checked.value ?? settings.get().engine) === 'offline') return ok(null);
        const client = await clientFor('elevenlabs');
        if (isFailure(client)) return client;
        return ok(await fetchSubscription(client));
      }),

    previewVoice: (voiceId, engine) =>
      guarded('previewVoice', log, async () => {
        const voice = checkVoiceId(voiceId);
        if (!voice.ok) return invalid(voice);
        const chosen = checkOptionalEngine(engine);
        if (!chosen.ok) return invalid(chosen);
        return read(PREVIEW_TEXT, 'typed', {
          voiceId: voice.value,
          ...(chosen.value ? { engine: chosen.value } : {}),
          record: false,
          policy: 'replace',
          allowFallback: false,
        });
      }),

    historyList: (page) =>
      guarded('historyList', log, async () => {
        const checked = checkPage(page);
        if (!checked.ok) return invalid(checked);
        return ok(history.list(checked.value));
      }),

    historySearch: (query, page) =>
      guarded('historySearch', log, async () => {
        const checkedQuery = checkQuery(query);
        if (!checkedQuery.ok) return invalid(checkedQuery);
        const checkedPage = checkPage(page);
        if (!checkedPage.ok) return invalid(checkedPage);
        return ok(history.search(checkedQuery.value, checkedPage.value));
      }),

    historyReplay: (id) =>
      guarded('historyReplay', log, async () => {
        const entry = await existingEntry(id);
        if (isFailure(entry)) return entry;
        const format = parseOutputFormat(entry.outputFormat);
        if (!format) return fail('not_found', 'The audio of this reading is in an unknown format.');
        const audio = await history.readAudio(entry.id);
        return started(controller.replay({ audio, format }));
      }),

    historyReadAgain: (id) =>
      guarded('historyReadAgain', log, async () => {
        const entry = await existingEntry(id);
        if (isFailure(entry)) return entry;
        return read(entry.text, 'history');
      }),

    historyExport: (id, path, format) =>
      guarded('historyExport', log, async () => {
        const entryId = checkEntryId(id);
        if (!entryId.ok) return invalid(entryId);
        const checkedFormat = checkExportFormat(format);
        if (!checkedFormat.ok) return invalid(checkedFormat);
        const checkedPath = checkExportPath(path, checkedFormat.value);
        if (!checkedPath.ok) return invalid(checkedPath);
        await history.exportAudio(entryId.value, checkedPath.value, checkedFormat.value);
        return ok({ path: checkedPath.value });
      }),

    historyDelete: (id) =>
      guarded('historyDelete', log, async () => {
        const checked = checkEntryId(id);
        if (!checked.ok) return invalid(checked);
        const deleted = await history.delete(checked.value);
        if (deleted) historyChanged({ kind: 'deleted', id: checked.value });
        return ok({ deleted });
      }),

    historyClear: () =>
      guarded('historyClear', log, async () => {
        await history.clear();
        historyChanged({ kind: 'cleared' });
        return ok(null);
      }),

    onState: (listener) => controller.onState(listener),
    onWord: (listener) => controller.onWord(listener),
    onNotice: (listener) => controller.onNotice(listener),
    onHistoryChanged: (listener) => {
      historyListeners.add(listener);
      return () => void historyListeners.delete(listener);
    },

    async dispose() {
      for (const unsubscribe of unsubscribers) unsubscribe();
      historyListeners.clear();
      await controller.close();
    },
  };
}
