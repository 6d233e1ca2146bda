// The settings window's model. `settings` is what main has stored; `draft` is what the controls show.
// Every change goes to main at once as a one-field patch (text and sliders after a short pause); main
// validates it with the settings schema and either stores it or names the problem. A rejected field
// shows the problem and goes back to the stored value, except while the person is still typing in
// it: their text stays until they leave the field.
import type {
  Failure,
  HarkApi,
  Model,
  Settings,
  SettingsProblem,
  Subscription,
  Voice,
} from '../../../shared/contract';
import type { EngineKind } from '../../../shared/settings-schema';
import { ApiKeyStore } from './settings-key.svelte';
import { HotkeyRecorderStore } from './settings-hotkeys.svelte';
import { RemoteValue } from './settings-remote.svelte';

type GroupKey = 'voiceIds' | 'voiceSettings' | 'hotkeys' | 'overlay' | 'history' | 'text';
type FieldKey = Exclude<keyof Settings, GroupKey | 'version'>;

/** A single setting, e.g. "engine" or "voiceSettings.speed". */
export type SettingPath = FieldKey | { [G in GroupKey]: `${G}.${keyof Settings[G] & string}` }[GroupKey];

export type SettingValue<P extends SettingPath> = P extends `${infer G extends GroupKey}.${infer K}`
  ? K extends keyof Settings[G]
    ? Settings[G][K]
    : never
  : P extends FieldKey
    ? Settings[P]
    : never;

export interface EditOptions {
  /** Waits this long for more input before sending (text fields, sliders, colour pickers). */
  debounceMs?: number;
  /** The person is typing: a rejection shows the problem but leaves their text (see commit()). */
  keepOnReject?: boolean;
}

export type SaveState =
  | { kind: 'idle' }
  | { kind: 'saving' }
  | { kind: 'saved' }
  | { kind: 'rejected'; problems: SettingsProblem[] }
  | { kind: 'failed'; message: string };

/** Slider and text input settle for this long before a patch is sent. */
export const EDIT_DEBOUNCE_MS = 300;

type Loose = Record<string, unknown>;

function splitPath(path: string): [string, string | undefined] {
  const dot = path.indexOf('.');
  return dot < 0 ? [path, undefined] : [path.slice(0, dot), path.slice(dot + 1)];
}

export function readSetting(settings: Settings, path: string): unknown {
  const [head, tail] = splitPath(path);
  const top = (settings as unknown as Loose)[head];
  return tail === undefined ? top : (top as Loose | undefined)?.[tail];
}

function writeSetting(settings: Settings, path: string, value: unknown): void {
  const [head, tail] = splitPath(path);
  const root = settings as unknown as Loose;
  if (tail === undefined) root[head] = value;
  else (root[head] as Loose)[tail] = value;
}

/** The smallest patch that sets one field: `{ voiceSettings: { speed: 1.1 } }`. */
export function patchFor(path: string, value: unknown): Record<string, unknown> {
  const [head, tail] = splitPath(path);
  return tail === undefined ? { [head]: value } : { [head]: { [tail]: value } };
}

function leafPaths(settings: Settings): string[] {
  return Object.entries(settings).flatMap(([key, value]) => {
    if (key === 'version') return [];
    return typeof value === 'object' && value !== null
      ? Object.keys(value).map((inner) => `${key}.${inner}`)
      : [key];
  });
}

export class SettingsStore {
  /** As main stored them; undefined until loaded. */
  settings = $state<Settings>();
  /** What the controls show: the stored settings plus edits not yet confirmed. */
  draft = $state<Settings>();
  /** Why a field was not saved, by path. */
  problems = $state<Record<string, string>>({});
  saving = $state<SaveState>({ kind: 'idle' });
  /** Set when the settings could not be read at all. */
  loadFailure = $state<Failure>();

  readonly key: ApiKeyStore;
  readonly hotkeys: HotkeyRecorderStore;
  readonly voices = new RemoteValue<Voice[]>();
  /** The engine the voice list belongs to. */
  voicesEngine = $state<EngineKind>();
  /** ElevenLabs models (the model setting applies to that engine). */
  readonly models = new RemoteValue<Model[]>();
  readonly subscription = new RemoteValue<Subscription>();
  preview = $state<{ voiceId: string; message: string; failed: boolean }>();

  readonly #api: HarkApi;
  // Bookkeeping below is never shown, so it is deliberately not reactive.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Paths with an edit not yet answered, and the number of their latest edit. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #pending = new Map<string, number>();
  /** Paths being typed in: a rejection keeps the text until commit(). */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #typing = new Set<string>();
  /** Which edited field each problem came from (a hotkey conflict lands on the other action). */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #problemSource = new Map<string, string>();
  #editCount = 0;
  #inFlight = 0;
  #disposed = false;

  constructor(api: HarkApi) {
    this.#api = api;
    this.key = new ApiKeyStore(api, () => this.#keyChanged());
    this.hotkeys = new HotkeyRecorderStore(api);
  }

  async load(): Promise<void> {
    const [result] = await Promise.all([this.#api.getSettings(), this.key.refresh()]);
    if (this.#disposed) return;
    if (!result.ok) {
      this.loadFailure = result;
      return;
    }
    this.settings = result.value;
    this.draft = structuredClone(result.value);
    void this.refreshVoices();
    void this.refreshModels();
    void this.refreshSubscription();
  }

  /** Shows `value` at once and sends it to main (now, or after `debounceMs` without another edit). */
  edit<P extends SettingPath>(path: P, value: SettingValue<P>, options: EditOptions = {}): void {
    if (!this.draft) return;
    writeSetting(this.draft, path, value);
    const edit = ++this.#editCount;
    this.#pending.set(path, edit);
    if (options.keepOnReject) this.#typing.add(path);
    this.#cancelTimer(path);
    if (options.debounceMs) {
      this.#timers.set(
        path,
        setTimeout(() => void this.#send(path, edit), options.debounceMs),
      );
    } else {
      void this.#send(path, edit);
    }
  }

  /**
   * The person left a field (or pressed Enter): a waiting edit goes now, and once answered the field
   * shows the stored value (main's spelling, or the old value when refused; the problem stays).
   */
  commit(path: SettingPath): void {
    this.#typing.delete(path);
    const edit = this.#pending.get(path);
    if (this.#timers.has(path) && edit !== undefined) {
      this.#cancelTimer(path);
      void this.#send(path, edit);
    } else if (edit === undefined) {
      this.#revert(path);
    }
  }

  async refreshVoices(): Promise<void> {
    const engine = this.settings?.engine;
    if (!engine) return;
    // Another engine's list must not stay on screen under this engine's name.
    if (this.voicesEngine !== engine) this.voices.clear();
    this.voicesEngine = engine;
    await this.voices.load(() => this.#api.voices({ engine }));
  }

  async refreshModels(): Promise<void> {
    await this.models.load(() => this.#api.models({ engine: 'elevenlabs' }));
  }

  /** The quota exists only for ElevenLabs with a key; otherwise there is nothing to ask. */
  async refreshSubscription(): Promise<void> {
    if (this.settings?.engine !== 'elevenlabs' || !this.key.present) {
      this.subscription.clear();
      return;
    }
    await this.subscription.load(() => this.#api.subscription());
  }

  async previewVoice(voiceId: string): Promise<void> {
    const engine = this.settings?.engine;
    this.preview = { voiceId, message: 'Starting the sample…', failed: false };
    const result = await this.#api.previewVoice(engine ? { voiceId, engine } : { voiceId });
    if (this.preview?.voiceId !== voiceId) return;
    this.preview = result.ok
      ? { voiceId, message: 'Playing a sample of this voice.', failed: false }
      : { voiceId, message: result.message, failed: true };
  }

  /** Sends edits still waiting, ends hotkey recording and stops listening. */
  dispose(): void {
    this.#disposed = true;
    for (const [path, timer] of this.#timers) {
      clearTimeout(timer);
      const edit = this.#pending.get(path);
      if (edit !== undefined) void this.#send(path, edit);
    }
    this.#timers.clear();
    this.hotkeys.dispose();
  }

  #cancelTimer(path: string): void {
    clearTimeout(this.#timers.get(path));
    this.#timers.delete(path);
  }

  async #send(path: string, edit: number): Promise<void> {
    this.#timers.delete(path);
    if (!this.draft) return;
    const value = $state.snapshot(readSetting(this.draft, path));
    this.#inFlight++;
    this.saving = { kind: 'saving' };
    const result = await this.#api.updateSettings({ patch: patchFor(path, value) });
    this.#inFlight--;
    const latest = this.#pending.get(path) === edit;
    if (latest) this.#pending.delete(path);
    if (!result.ok) {
      this.#refused(path, latest, [{ path, kind: 'invalid', reason: result.message }]);
      this.saving = { kind: 'failed', message: result.message };
    } else if (!result.value.applied) {
      this.#refused(path, latest, result.value.problems);
      this.saving = { kind: 'rejected', problems: result.value.problems };
    } else {
      this.#applied(path, result.value.settings, result.value.changed);
      if (this.#inFlight === 0 && this.#timers.size === 0) this.saving = { kind: 'saved' };
    }
  }

  #refused(path: string, latest: boolean, problems: SettingsProblem[]): void {
    this.#clearProblemsFrom(path);
    for (const problem of problems) {
      const field = problem.path || path;
      this.problems[field] = problem.reason;
      this.#problemSource.set(field, path);
    }
    if (latest && !this.#typing.has(path)) this.#revert(path);
  }

  #applied(path: string, settings: Settings, changed: string[]): void {
    this.settings = settings;
    this.#clearProblemsFrom(path);
    // Fields nobody is editing follow what main stored.
    for (const path of leafPaths(settings)) {
      if (!this.#pending.has(path) && !this.#typing.has(path)) this.#revert(path);
    }
    this.#afterChange(changed);
  }

  #clearProblemsFrom(path: string): void {
    for (const [field, source] of this.#problemSource) {
      if (source !== path) continue;
      delete this.problems[field];
      this.#problemSource.delete(field);
    }
  }

  #revert(path: string): void {
    if (this.draft && this.settings) writeSetting(this.draft, path, readSetting(this.settings, path));
  }

  /** Voices, models and the quota depend on the engine and the server. */
  #afterChange(changed: string[]): void {
    if (this.#disposed) return;
    if (changed.includes('engine')) {
      void this.refreshVoices();
      void this.refreshSubscription();
    }
    if (changed.includes('baseUrl')) {
      if (this.settings?.engine === 'elevenlabs' && !changed.includes('engine')) void this.refreshVoices();
      void this.refreshModels();
      void this.refreshSubscription();
    }
  }

  #keyChanged(): void {
    if (this.#disposed) return;
    if (this.settings?.engine === 'elevenlabs') void this.refreshVoices();
    void this.refreshModels();
    void this.refreshSubscription();
  }
}
