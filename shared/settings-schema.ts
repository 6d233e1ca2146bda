// The settings file's schema: types, defaults, migrations and field-by-field validation of `unknown`
// input. Pure code (no Node APIs), so the settings window can run the same checks. A bad field falls
// back to its default on its own and is reported; it never costs the user the rest of the file.
// The API key is deliberately absent: it lives in the OS keychain (main/store/secrets).
import { acceleratorIdentity, parseAccelerator } from './accelerator';
import {
  DEFAULT_BASE_URL,
  DEFAULT_CHUNK_SCHEDULE,
  DEFAULT_INACTIVITY_TIMEOUT_S,
  DEFAULT_OUTPUT_FORMAT,
  parseOutputFormat,
} from './protocol';
import type { GenerationConfig, OutputFormat, StreamQuery, VoiceSettings } from './protocol';

export const SETTINGS_VERSION = 1;

export const ENGINES = ['offline', 'elevenlabs'] as const;
export type EngineKind = (typeof ENGINES)[number];
export const LATENCY_PRESETS = ['fastest', 'balanced', 'quality'] as const;
export type LatencyPreset = (typeof LATENCY_PRESETS)[number];
export const BUSY_POLICIES = ['replace', 'queue', 'ignore'] as const;
export type BusyPolicy = (typeof BUSY_POLICIES)[number];
export const HOTKEY_ACTIONS = [
  'readSelection',
  'readClipboard',
  'pauseResume',
  'stop',
  'previousSentence',
  'nextSentence',
  'speedUp',
  'speedDown',
] as const;
export type HotkeyAction = (typeof HOTKEY_ACTIONS)[number];

export type VoiceSettingsValues = Required<VoiceSettings>;

export interface OverlaySettings {
  enabled: boolean;
  /** CSS hex colour of the word being read. */
  highlightColor: string;
  /** Fades the text around the current sentence. */
  dimRest: boolean;
  fontScale: number;
}

export interface HistoryRetention {
  /** 0 keeps no history at all. */
  maxEntries: number;
  maxMegabytes: number;
}

export const CODE_BLOCK_MODES = ['announce', 'skip'] as const;
/** announce: a code block is read as the words "code block"; skip: it is passed over in silence. */
export type CodeBlockMode = (typeof CODE_BLOCK_MODES)[number];
export const EMOJI_MODES = ['names', 'skip'] as const;
export type EmojiMode = (typeof EMOJI_MODES)[number];

/** One of the user's words: where `match` occurs, `say` is sent instead. */
export interface PronunciationRule {
  match: string;
  say: string;
  /** `match` is a regular expression (JavaScript syntax, Unicode); otherwise a whole word or phrase. */
  regex: boolean;
  matchCase: boolean;
}

export const MAX_PRONUNCIATION_RULES = 1000;

/** How captured text is made speakable before any engine gets it (main/text). */
export interface TextSettings {
  codeBlocks: CodeBlockMode;
  emoji: EmojiMode;
  /**
   * Paragraphs in another language are read with that language's voice (the offline voice) or with
   * the language named to the model (ElevenLabs). Off: always the chosen voice, as it is.
   */
  followLanguage: boolean;
  /** Language (ISO 639-1) → the voice to read it with, per engine; a missing language uses the default. */
  languageVoices: Record<EngineKind, Record<string, string>>;
  pronunciations: PronunciationRule[];
}

/** An empty string leaves the action without a global hotkey (it stays reachable from the tray menu). */
export type Hotkeys = Record<HotkeyAction, string>;

export interface Settings {
  version: number;
  engine: EngineKind;
  baseUrl: string;
  voiceIds: Record<EngineKind, string>;
  modelId: string;
  outputFormat: OutputFormat;
  voiceSettings: VoiceSettingsValues;
  latencyPreset: LatencyPreset;
  hotkeys: Hotkeys;
  busyPolicy: BusyPolicy;
  /** Read selection falls back to the clipboard when nothing is selected. */
  clipboardFallback: boolean;
  overlay: OverlaySettings;
  history: HistoryRetention;
  launchAtLogin: boolean;
  /** Switch to the offline voice when ElevenLabs refuses the key or the quota is used up. */
  fallbackToOffline: boolean;
  /**
   * Open the speech connection while the selection is read, and keep one open for a short while
   * after a reading (main/speech/warm-sessions.ts).
   */
  warmConnection: boolean;
  /** How fast readings play, 0.5 to 3 (pitch kept); distinct from voiceSettings.speed, which ElevenLabs applies when generating. */
  playbackSpeed: number;
  text: TextSettings;
}

/** Same as DEFAULT_OFFLINE_VOICE_ID in main/engine/offline-voice.ts (kept here so this file stays pure). */
const OFFLINE_DEFAULT_VOICE = 'en-us';
/** "George", a premade voice every ElevenLabs account has. */
const ELEVENLABS_DEFAULT_VOICE = 'JBFqnCBsd6RMkjVDRZzb';

// Ctrl+Alt+letter is avoided on purpose: on Windows Ctrl+Alt is AltGr, and AltGr+S/C/X type ś, ć, ź
// on Polish keyboards (and other letters elsewhere), so a global Ctrl+Alt+S would eat those
// characters. Adding Shift leaves only rare capitals; GNOME, KDE and macOS bind none of these.
export const DEFAULT_HOTKEYS: Readonly<Hotkeys> = {
  readSelection: 'CommandOrControl+Alt+Shift+S',
  readClipboard: 'CommandOrControl+Alt+Shift+C',
  pauseResume: 'CommandOrControl+Alt+Shift+P',
  stop: 'CommandOrControl+Alt+Shift+X',
  // The arrows: nothing types with them, and desktops bind Ctrl+Alt+arrows (workspaces), not with Shift.
  previousSentence: 'CommandOrControl+Alt+Shift+Left',
  nextSentence: 'CommandOrControl+Alt+Shift+Right',
  speedUp: 'CommandOrControl+Alt+Shift+Up',
  speedDown: 'CommandOrControl+Alt+Shift+Down',
};

export function defaultSettings(): Settings {
  return {
    version: SETTINGS_VERSION,
    engine: 'offline',
    baseUrl: DEFAULT_BASE_URL,
    voiceIds: { offline: OFFLINE_DEFAULT_VOICE, elevenlabs: ELEVENLABS_DEFAULT_VOICE },
    modelId: 'eleven_flash_v2_5',
    outputFormat: DEFAULT_OUTPUT_FORMAT,
    voiceSettings: { stability: 0.5, similarity_boost: 0.75, style: 0, use_speaker_boost: true, speed: 1 },
    latencyPreset: 'balanced',
    hotkeys: { ...DEFAULT_HOTKEYS },
    busyPolicy: 'replace',
    clipboardFallback: true,
    overlay: { enabled: true, highlightColor: '#ffd54f', dimRest: false, fontScale: 1 },
    history: { maxEntries: 1000, maxMegabytes: 500 },
    launchAtLogin: false,
    fallbackToOffline: true,
    warmConnection: true,
    playbackSpeed: 1,
    text: {
      codeBlocks: 'announce',
      emoji: 'names',
      followLanguage: true,
      languageVoices: { offline: {}, elevenlabs: {} },
      pronunciations: [],
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Field checks

type Check<T> = (value: unknown) => { ok: true; value: T } | { ok: false; reason: string };

const pass = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
const reject = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });

function oneOf<T extends string>(values: readonly T[]): Check<T> {
  return (value) =>
    typeof value === 'string' && (values as readonly string[]).includes(value)
      ? pass(value as T)
      : reject(`must be one of ${values.map((v) => `"${v}"`).join(', ')}`);
}

const isBoolean: Check<boolean> = (value) =>
  typeof value === 'boolean' ? pass(value) : reject('must be true or false');

function numberBetween(min: number, max: number, integer = false): Check<number> {
  return (value) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) return reject('must be a number');
    if (integer && !Number.isInteger(value)) return reject('must be a whole number');
    return value >= min && value <= max ? pass(value) : reject(`must be between ${min} and ${max}`);
  };
}

function matching(pattern: RegExp, what: string): Check<string> {
  return (value) =>
    typeof value === 'string' && pattern.test(value) ? pass(value) : reject(`must be ${what}`);
}

const voiceId = matching(/^[A-Za-z0-9][A-Za-z0-9_.+-]{0,99}$/, 'a voice id (letters, digits, - _ . +)');
const modelId = matching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/, 'a model id (letters, digits, - _ .)');
const hexColor = matching(/^#(?:[0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})$/i, 'a colour like #ffd54f');

const outputFormat: Check<OutputFormat> = (value) => {
  const info = typeof value === 'string' ? parseOutputFormat(value) : undefined;
  return info ? pass(info.format) : reject('must be a documented output format such as "mp3_44100_128"');
};

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function isLoopback(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127(?:\.\d{1,3}){3}$/.test(hostname);
}

/**
 * An http(s) base URL (a region from API_REGIONS in main/elevenlabs/http-client.ts, or a custom
 * server), stored without a trailing slash. Plain http only to this computer.
 */
export const checkBaseUrl: Check<string> = (value) => {
  if (typeof value !== 'string') return reject('must be a URL');
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return reject('must be a URL such as https://api.elevenlabs.io');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return reject('must start with https://');
  // The API key travels in a header on every request: never in clear text over a network.
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    return reject('must use https:// (plain http:// is only allowed for localhost)');
  }
  if (url.username || url.password) return reject('must not contain a user name or password');
  if (url.search || url.hash) return reject('must not contain a query (?) or fragment (#)');
  return pass(url.href.replace(/\/+$/, ''));
};

const LANGUAGE_CODE = /^[a-z]{2,3}$/;

const languageVoiceMap: Check<Record<string, string>> = (value) => {
  if (!isRecord(value)) return reject('must be an object of language → voice');
  const map: Record<string, string> = {};
  for (const [language, voice] of Object.entries(value)) {
    if (!LANGUAGE_CODE.test(language)) return reject(`"${language}" is not a language code such as "de"`);
    const checked = voiceId(voice);
    if (!checked.ok) return reject(`${language}: ${checked.reason}`);
    map[language] = checked.value;
  }
  return pass(map);
};

const languageVoicesPerEngine: Check<Record<EngineKind, Record<string, string>>> = (value) => {
  if (!isRecord(value)) return reject('must be an object with a language → voice map per engine');
  const result: Record<EngineKind, Record<string, string>> = { offline: {}, elevenlabs: {} };
  for (const [engine, map] of Object.entries(value)) {
    if (!ENGINES.includes(engine as EngineKind)) return reject(`"${engine}" is not an engine`);
    const checked = languageVoiceMap(map);
    if (!checked.ok) return reject(`${engine}: ${checked.reason}`);
    result[engine as EngineKind] = checked.value;
  }
  return pass(result);
};

/** A rule's problem in words, or undefined when it is a usable rule. */
export function pronunciationProblem(rule: PronunciationRule): string | undefined {
  if (rule.match.trim() === '') return 'the word to match is empty';
  if (rule.match.length > 200) return 'the word to match is longer than 200 characters';
  if (rule.say.length > 500) return 'what to say is longer than 500 characters';
  if (!rule.regex) return undefined;
  try {
    const pattern = new RegExp(rule.match, 'u');
    if (pattern.test('')) return 'the pattern matches empty text';
  } catch (error) {
    return `the pattern is not valid (${error instanceof Error ? error.message : String(error)})`;
  }
  return undefined;
}

const pronunciations: Check<PronunciationRule[]> = (value) => {
  if (!Array.isArray(value)) return reject('must be a list of rules');
  if (value.length > MAX_PRONUNCIATION_RULES)
    return reject(`must have at most ${MAX_PRONUNCIATION_RULES} rules`);
  const rules: PronunciationRule[] = [];
  for (const [index, item] of value.entries()) {
    const { match, say, regex, matchCase } = isRecord(item) ? item : {};
    if (typeof match !== 'string' || typeof say !== 'string')
      return reject(`rule ${index + 1} needs "match" and "say" texts`);
    const rule = { match, say, regex: regex === true, matchCase: matchCase === true };
    const problem = pronunciationProblem(rule);
    if (problem) return reject(`rule ${index + 1}: ${problem}`);
    rules.push(rule);
  }
  return pass(rules);
};

const hotkey: Check<string> = (value) => {
  if (value === '') return pass('');
  if (typeof value !== 'string') return reject('must be a key combination such as "CommandOrControl+Alt+S"');
  const parsed = parseAccelerator(value);
  return parsed.ok ? parsed : reject(parsed.reason);
};

// ---------------------------------------------------------------------------------------------
// Validation

export interface SettingsProblem {
  /** Dotted path of the field, e.g. "voiceSettings.speed". */
  path: string;
  /** invalid: present but wrong, reset to the default. unknown: not part of the schema, ignored. */
  kind: 'invalid' | 'unknown';
  reason: string;
}

export interface ValidatedSettings {
  settings: Settings;
  problems: SettingsProblem[];
}

type Shape<T> = { [K in keyof T]: T[K] extends object ? Shape<T[K]> | Check<T[K]> : Check<T[K]> };

const GROUPS = {
  voiceIds: { offline: voiceId, elevenlabs: voiceId },
  voiceSettings: {
    stability: numberBetween(0, 1),
    similarity_boost: numberBetween(0, 1),
    style: numberBetween(0, 1),
    use_speaker_boost: isBoolean,
    speed: numberBetween(0.7, 1.2),
  },
  hotkeys: {
    readSelection: hotkey,
    readClipboard: hotkey,
    pauseResume: hotkey,
    stop: hotkey,
    previousSentence: hotkey,
    nextSentence: hotkey,
    speedUp: hotkey,
    speedDown: hotkey,
  },
  overlay: {
    enabled: isBoolean,
    highlightColor: hexColor,
    dimRest: isBoolean,
    fontScale: numberBetween(0.5, 3),
  },
  history: { maxEntries: numberBetween(0, 100_000, true), maxMegabytes: numberBetween(0, 100_000) },
  text: {
    codeBlocks: oneOf(CODE_BLOCK_MODES),
    emoji: oneOf(EMOJI_MODES),
    followLanguage: isBoolean,
    languageVoices: languageVoicesPerEngine,
    pronunciations,
  },
} satisfies Partial<Shape<Settings>>;

const FIELDS = {
  engine: oneOf(ENGINES),
  baseUrl: checkBaseUrl,
  modelId,
  outputFormat,
  latencyPreset: oneOf(LATENCY_PRESETS),
  busyPolicy: oneOf(BUSY_POLICIES),
  clipboardFallback: isBoolean,
  launchAtLogin: isBoolean,
  fallbackToOffline: isBoolean,
  warmConnection: isBoolean,
  playbackSpeed: numberBetween(0.5, 3),
} satisfies Partial<Shape<Settings>>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Copies every valid field of `source` over `target`; missing fields keep their default silently. */
function readFields(
  source: Record<string, unknown>,
  target: Record<string, unknown>,
  checks: Record<string, Check<unknown>>,
  prefix: string,
  problems: SettingsProblem[],
  readElsewhere: ReadonlySet<string> = new Set(),
): void {
  for (const [key, check] of Object.entries(checks)) {
    if (!(key in source) || source[key] === undefined) continue;
    const result = check(source[key]);
    if (result.ok) target[key] = result.value;
    else problems.push({ path: `${prefix}${key}`, kind: 'invalid', reason: result.reason });
  }
  for (const key of Object.keys(source)) {
    if (!(key in checks) && !readElsewhere.has(key))
      problems.push({ path: `${prefix}${key}`, kind: 'unknown', reason: 'not a known setting' });
  }
}

/** Two actions on one combination would make one of them dead: the later one loses its hotkey. */
function resolveHotkeyConflicts(hotkeys: Hotkeys, problems: SettingsProblem[]): void {
  const owners = new Map<string, HotkeyAction>();
  for (const action of HOTKEY_ACTIONS) {
    const identity = acceleratorIdentity(hotkeys[action]);
    if (identity === undefined) continue;
    const owner = owners.get(identity);
    if (owner === undefined) {
      owners.set(identity, action);
      continue;
    }
    const fallback = DEFAULT_HOTKEYS[action];
    const fallbackIdentity = acceleratorIdentity(fallback);
    const fallbackFree = fallbackIdentity !== undefined && !owners.has(fallbackIdentity);
    hotkeys[action] = fallbackFree ? fallback : '';
    if (fallbackFree && fallbackIdentity !== undefined) owners.set(fallbackIdentity, action);
    problems.push({ path: `hotkeys.${action}`, kind: 'invalid', reason: `same combination as ${owner}` });
  }
}

/**
 * Validates settings of the current version, field by field. Everything invalid or missing takes
 * its default; `problems` lists what was reset or ignored.
 */
export function validateSettings(raw: unknown): ValidatedSettings {
  const settings = defaultSettings();
  const problems: SettingsProblem[] = [];
  if (!isRecord(raw)) {
    problems.push({ path: '', kind: 'invalid', reason: 'settings must be a JSON object' });
    return { settings, problems };
  }
  const { version: _version, ...fields } = raw;
  const groups = new Set(Object.keys(GROUPS));
  readFields(fields, settings as unknown as Record<string, unknown>, FIELDS, '', problems, groups);
  for (const [group, checks] of Object.entries(GROUPS) as [
    keyof typeof GROUPS,
    Record<string, Check<unknown>>,
  ][]) {
    const value = fields[group];
    if (value === undefined) continue;
    if (!isRecord(value)) {
      problems.push({ path: group, kind: 'invalid', reason: 'must be an object' });
      continue;
    }
    readFields(value, settings[group] as unknown as Record<string, unknown>, checks, `${group}.`, problems);
  }
  resolveHotkeyConflicts(settings.hotkeys, problems);
  return { settings, problems };
}

// ---------------------------------------------------------------------------------------------
// Migrations

export type Migration = (raw: Record<string, unknown>) => Record<string, unknown>;

/**
 * Version 0 is a file without a `version` field (hand-written, or from a pre-release build). Its
 * only difference: one flat `voiceId` for the selected engine instead of `voiceIds` per engine.
 */
function fromVersion0(raw: Record<string, unknown>): Record<string, unknown> {
  const { voiceId: flatVoiceId, ...rest } = raw;
  if (flatVoiceId === undefined) return rest;
  const engine =
    typeof rest.engine === 'string' && ENGINES.includes(rest.engine as EngineKind) ? rest.engine : 'offline';
  const voiceIds = isRecord(rest.voiceIds) ? rest.voiceIds : {};
  return { ...rest, voiceIds: { [engine]: flatVoiceId, ...voiceIds } };
}

/** MIGRATIONS[n] turns a version-n object into a version-(n + 1) object. */
export const MIGRATIONS: readonly Migration[] = [fromVersion0];

export type MigrationResult =
  | { kind: 'current'; value: Record<string, unknown> }
  | { kind: 'migrated'; fromVersion: number; value: Record<string, unknown> }
  /** Written by a newer Hark: validated as it is (unknown fields are ignored), never migrated down. */
  | { kind: 'future'; fromVersion: number; value: Record<string, unknown> }
  | { kind: 'invalid'; reason: string };

function readVersion(raw: Record<string, unknown>): number | undefined {
  if (raw.version === undefined) return 0;
  const version = raw.version;
  return typeof version === 'number' && Number.isInteger(version) && version >= 0 ? version : undefined;
}

/** Brings a parsed settings object to SETTINGS_VERSION (`migrations` is injectable for tests). */
export function migrate(raw: unknown, migrations: readonly Migration[] = MIGRATIONS): MigrationResult {
  if (!isRecord(raw)) return { kind: 'invalid', reason: 'settings must be a JSON object' };
  const target = migrations.length;
  const version = readVersion(raw);
  if (version === undefined) return { kind: 'invalid', reason: '"version" must be a whole number' };
  if (version === target) return { kind: 'current', value: raw };
  if (version > target) return { kind: 'future', fromVersion: version, value: raw };
  let value = raw;
  for (let step = version; step < target; step++) {
    const migration = migrations[step];
    if (migration) value = migration(value);
  }
  return { kind: 'migrated', fromVersion: version, value: { ...value, version: target } };
}

// ---------------------------------------------------------------------------------------------
// What settings mean for a stream

export interface PresetStreamOptions {
  query: Required<Pick<StreamQuery, 'auto_mode' | 'inactivity_timeout'>>;
  /** Absent with auto_mode, which disables the server's chunk schedule anyway. */
  generationConfig?: GenerationConfig;
}

/**
 * fastest: auto_mode, so each sentence (Hark always feeds whole sentences) is generated at once.
 * balanced: the server's own default schedule, sent explicitly so every server behaves alike.
 * quality: larger chunks give the model more context per generation, for steadier prosody.
 * The longer inactivity timeout for quality suits slow sources such as LLM output piped to `hark speak`.
 */
export function streamOptionsForPreset(preset: LatencyPreset): PresetStreamOptions {
  switch (preset) {
    case 'fastest':
      return { query: { auto_mode: true, inactivity_timeout: DEFAULT_INACTIVITY_TIMEOUT_S } };
    case 'balanced':
      return {
        query: { auto_mode: false, inactivity_timeout: DEFAULT_INACTIVITY_TIMEOUT_S },
        generationConfig: { chunk_length_schedule: [...DEFAULT_CHUNK_SCHEDULE] },
      };
    case 'quality':
      return {
        query: { auto_mode: false, inactivity_timeout: 60 },
        generationConfig: { chunk_length_schedule: [200, 250, 300, 400] },
      };
  }
}

export interface StreamParameters {
  voiceId: string;
  query: StreamQuery;
  voiceSettings: VoiceSettings;
  generationConfig?: GenerationConfig;
}

/** Everything a stream session needs from the settings except the server address and the key. */
export function streamParametersFor(settings: Settings): StreamParameters {
  const preset = streamOptionsForPreset(settings.latencyPreset);
  return {
    voiceId: settings.voiceIds[settings.engine],
    query: { model_id: settings.modelId, output_format: settings.outputFormat, ...preset.query },
    voiceSettings: { ...settings.voiceSettings },
    ...(preset.generationConfig ? { generationConfig: preset.generationConfig } : {}),
  };
}
