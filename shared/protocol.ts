// The ElevenLabs `stream-input` protocol: message types, URL building and validation of every frame
// as `unknown`. Both the client (main/speech) and the offline server (main/engine) use this module, so
// the two can never disagree about the wire format.

export const OUTPUT_FORMATS = [
  'mp3_22050_32',
  'mp3_44100_32',
  'mp3_44100_64',
  'mp3_44100_96',
  'mp3_44100_128',
  'mp3_44100_192',
  'pcm_8000',
  'pcm_16000',
  'pcm_22050',
  'pcm_24000',
  'pcm_44100',
  'ulaw_8000',
  'alaw_8000',
  'opus_48000_32',
  'opus_48000_64',
  'opus_48000_96',
  'opus_48000_128',
  'opus_48000_192',
] as const;

/** Known formats plus the older short spellings (`mp3_44100`) that servers still accept. */
export type OutputFormat = (typeof OUTPUT_FORMATS)[number] | 'mp3_44100';

export type AudioCodec = 'mp3' | 'pcm' | 'ulaw' | 'alaw' | 'opus';

export interface FormatInfo {
  readonly format: OutputFormat;
  readonly codec: AudioCodec;
  readonly sampleRate: number;
  /** kbit/s for compressed formats; undefined for pcm/ulaw/alaw. */
  readonly bitrateKbps?: number;
}

export const DEFAULT_OUTPUT_FORMAT: OutputFormat = 'mp3_44100_128';

/** Parses an output format name; returns undefined for anything outside the documented set. */
export function parseOutputFormat(name: string): FormatInfo | undefined {
  if (name !== 'mp3_44100' && !(OUTPUT_FORMATS as readonly string[]).includes(name)) return undefined;
  const [codec, rate, kbps] = name.split('_');
  const info: FormatInfo = {
    format: name as OutputFormat,
    codec: codec as AudioCodec,
    sampleRate: Number(rate),
    ...(kbps ? { bitrateKbps: Number(kbps) } : codec === 'mp3' ? { bitrateKbps: 128 } : {}),
  };
  return info;
}

export interface VoiceSettings {
  stability?: number;
  similarity_boost?: number;
  style?: number;
  use_speaker_boost?: boolean;
  speed?: number;
}

export interface GenerationConfig {
  chunk_length_schedule?: number[];
}

export const DEFAULT_CHUNK_SCHEDULE: readonly number[] = [120, 160, 250, 290];
export const DEFAULT_INACTIVITY_TIMEOUT_S = 20;
export const MAX_INACTIVITY_TIMEOUT_S = 180;

/** Every documented query parameter of the endpoint. Undefined fields are left out of the URL. */
export interface StreamQuery {
  model_id?: string;
  language_code?: string;
  enable_logging?: boolean;
  enable_ssml_parsing?: boolean;
  optimize_streaming_latency?: 0 | 1 | 2 | 3 | 4;
  output_format?: OutputFormat;
  inactivity_timeout?: number;
  sync_alignment?: boolean;
  auto_mode?: boolean;
  apply_text_normalization?: 'auto' | 'on' | 'off';
  seed?: number;
}

export const DEFAULT_BASE_URL = 'https://api.elevenlabs.io';

/**
 * Builds the `stream-input` WebSocket URL. The base may be http(s) or ws(s) and may carry a path
 * prefix (a proxy); http maps to ws and https to wss.
 */
export function buildStreamUrl(baseUrl: string, voiceId: string, query: StreamQuery = {}): URL {
  const url = new URL(baseUrl);
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  else if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new TypeError(`Unsupported base URL scheme "${url.protocol}"; use http(s) or ws(s).`);
  }
  const prefix = url.pathname.replace(/\/+$/, '');
  url.pathname = `${prefix}/v1/text-to-speech/${encodeURIComponent(voiceId)}/stream-input`;
  url.search = '';
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  return url;
}

// ---------------------------------------------------------------------------------------------
// Client → server

export interface InitializeMessage {
  text: ' ';
  voice_settings?: VoiceSettings | null;
  generation_config?: GenerationConfig;
  pronunciation_dictionary_locators?: { pronunciation_dictionary_id: string; version_id: string }[];
  xi_api_key?: string;
  authorization?: string;
}

export interface SendTextMessage {
  text: string;
  flush?: boolean;
  try_trigger_generation?: boolean;
}

export interface EndOfInputMessage {
  text: '';
}

export type ClientMessage = InitializeMessage | SendTextMessage | EndOfInputMessage;

/** A keep-alive is a single space: it resets the server's inactivity timer without adding text. */
export const KEEP_ALIVE_MESSAGE: SendTextMessage = { text: ' ' };
export const END_OF_INPUT_MESSAGE: EndOfInputMessage = { text: '' };

// ---------------------------------------------------------------------------------------------
// Server → client

export interface Alignment {
  chars: string[];
  charStartTimesMs: number[];
  charDurationsMs: number[];
}

export interface AudioFrame {
  kind: 'audio';
  /** Base64 audio in the requested output format; null or empty on alignment-only frames. */
  audio: string | null;
  alignment: Alignment | null;
  normalizedAlignment: Alignment | null;
}

export interface FinalFrame {
  kind: 'final';
}

export interface ErrorFrame {
  kind: 'error';
  message: string;
  error: string;
  code: number | null;
}

/**
 * A JSON object with none of the fields above: a message type this client does not know yet (the
 * dialogue and multi-context sockets have grown `flush_done`, `is_final`, ...). Ignored, not fatal.
 */
export interface UnknownFrame {
  kind: 'unknown';
  /** Its `type` and field names (never their values), short enough for a log line. */
  shape: string;
}

export type ServerFrame = AudioFrame | FinalFrame | ErrorFrame | UnknownFrame;

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(reason: string): Parsed<T> => ({ ok: false, reason });

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNonNegativeNumberArray(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((n) => typeof n === 'number' && Number.isFinite(n) && n >= 0);
}

/** The wire has used four spellings of the timing arrays over the years; accept them all. */
export function parseAlignment(value: unknown): Parsed<Alignment | null> {
  if (value === null || value === undefined) return ok(null);
  if (!isRecord(value)) return fail('alignment is not an object');
  const chars = value.chars;
  const starts = value.charStartTimesMs ?? value.char_start_times_ms;
  const durations =
    value.charDurationsMs ?? value.charsDurationsMs ?? value.chars_durations_ms ?? value.char_durations_ms;
  if (!Array.isArray(chars) || !chars.every((c) => typeof c === 'string')) {
    return fail('alignment.chars is not an array of strings');
  }
  if (!isNonNegativeNumberArray(starts)) return fail('alignment start times are not non-negative numbers');
  if (!isNonNegativeNumberArray(durations)) return fail('alignment durations are not non-negative numbers');
  if (starts.length !== chars.length || durations.length !== chars.length) {
    return fail('alignment arrays differ in length');
  }
  return ok({ chars: chars as string[], charStartTimesMs: starts, charDurationsMs: durations });
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The names of a frame's fields and its `type`, cut short: what a log may say about a frame. */
function shapeOf(value: Record<string, unknown>): string {
  const short = (text: string) => text.replace(/[^\w.:-]/g, '?').slice(0, 32);
  const keys = Object.keys(value);
  const fields = keys.slice(0, 8).map(short).join(', ') + (keys.length > 8 ? ', ...' : '');
  const type = typeof value.type === 'string' ? `type "${short(value.type)}", ` : '';
  return `${type}fields {${fields}}`;
}

/** Validates one decoded JSON frame from the server. */
export function parseServerFrame(value: unknown): Parsed<ServerFrame> {
  if (!isRecord(value)) return fail('frame is not a JSON object');

  if (typeof value.error === 'string' || (typeof value.message === 'string' && !('audio' in value))) {
    const code = typeof value.code === 'number' && Number.isInteger(value.code) ? value.code : null;
    return ok({
      kind: 'error',
      error: typeof value.error === 'string' ? value.error : 'unknown_error',
      message: typeof value.message === 'string' ? value.message : 'The server reported an error.',
      code,
    });
  }

  if (value.isFinal === true) return ok({ kind: 'final' });
  if (value.isFinal !== undefined && value.isFinal !== null && value.isFinal !== false) {
    return fail('isFinal is neither true, false nor null');
  }

  const audio = value.audio;
  if (audio !== undefined && audio !== null && typeof audio !== 'string')
    return fail('audio is not a string');
  if (typeof audio === 'string' && (audio.length % 4 !== 0 || !BASE64.test(audio))) {
    return fail('audio is not valid base64');
  }
  const alignment = parseAlignment(value.alignment);
  if (!alignment.ok) return fail(alignment.reason);
  const normalized = parseAlignment(value.normalizedAlignment ?? value.normalized_alignment);
  if (!normalized.ok) return fail(`normalized ${normalized.reason}`);
  if (audio === undefined && alignment.value === null && normalized.value === null) {
    return ok({ kind: 'unknown', shape: shapeOf(value) });
  }
  return ok({
    kind: 'audio',
    audio: audio ?? null,
    alignment: alignment.value,
    normalizedAlignment: normalized.value,
  });
}

/** Parses a raw text frame (JSON) from the server. */
export function decodeServerFrame(raw: string): Parsed<ServerFrame> {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return fail('frame is not valid JSON');
  }
  return parseServerFrame(value);
}

// ---------------------------------------------------------------------------------------------
// Validation of client messages, for the offline server.

export interface ParsedClientMessage {
  text: string;
  flush: boolean;
  tryTriggerGeneration: boolean;
  voiceSettings?: VoiceSettings | null;
  chunkLengthSchedule?: number[];
  apiKey?: string;
  authorization?: string;
}

function parseVoiceSettings(value: unknown): Parsed<VoiceSettings | null | undefined> {
  if (value === undefined || value === null) return ok(value);
  if (!isRecord(value)) return fail('voice_settings is not an object');
  const settings: VoiceSettings = {};
  for (const key of ['stability', 'similarity_boost', 'style', 'speed'] as const) {
    const field = value[key];
    if (field === undefined || field === null) continue;
    // Old clients (the seed's example) send `similarity_boost: true`; treat booleans as 1/0.
    const number = typeof field === 'boolean' ? Number(field) : field;
    if (typeof number !== 'number' || !Number.isFinite(number))
      return fail(`voice_settings.${key} is not a number`);
    settings[key] = number;
  }
  const boost = value.use_speaker_boost;
  if (boost !== undefined && boost !== null) {
    if (typeof boost !== 'boolean') return fail('voice_settings.use_speaker_boost is not a boolean');
    settings.use_speaker_boost = boost;
  }
  return ok(settings);
}

function parseSchedule(value: unknown): Parsed<number[] | undefined> {
  if (value === undefined || value === null) return ok(undefined);
  const schedule = isRecord(value) ? value.chunk_length_schedule : undefined;
  if (schedule === undefined) return ok(undefined);
  if (
    !Array.isArray(schedule) ||
    schedule.length === 0 ||
    !schedule.every((n) => typeof n === 'number' && Number.isFinite(n) && n >= 50 && n <= 500)
  ) {
    return fail('chunk_length_schedule must be a non-empty list of numbers between 50 and 500');
  }
  return ok(schedule as number[]);
}

/** Validates one decoded JSON message from a client, the way a compatible server must. */
export function parseClientMessage(value: unknown): Parsed<ParsedClientMessage> {
  if (!isRecord(value)) return fail('message is not a JSON object');
  if (typeof value.text !== 'string') return fail('text is missing or not a string');
  for (const key of ['flush', 'try_trigger_generation'] as const) {
    if (value[key] !== undefined && value[key] !== null && typeof value[key] !== 'boolean') {
      return fail(`${key} is not a boolean`);
    }
  }
  const voiceSettings = parseVoiceSettings(value.voice_settings);
  if (!voiceSettings.ok) return fail(voiceSettings.reason);
  // `generator_config` is the spelling in the 2025 schema; `chunk_length_schedule` at top level is
  // what some older clients send.
  const config =
    value.generation_config ??
    value.generator_config ??
    (value.chunk_length_schedule !== undefined
      ? { chunk_length_schedule: value.chunk_length_schedule }
      : undefined);
  const schedule = parseSchedule(config);
  if (!schedule.ok) return fail(schedule.reason);
  const apiKey = value.xi_api_key ?? value['xi-api-key'];
  if (apiKey !== undefined && typeof apiKey !== 'string') return fail('xi_api_key is not a string');
  if (value.authorization !== undefined && typeof value.authorization !== 'string') {
    return fail('authorization is not a string');
  }
  const message: ParsedClientMessage = {
    text: value.text,
    flush: value.flush === true,
    tryTriggerGeneration: value.try_trigger_generation === true,
  };
  if ('voice_settings' in value) message.voiceSettings = voiceSettings.value ?? null;
  if (schedule.value) message.chunkLengthSchedule = schedule.value;
  if (typeof apiKey === 'string') message.apiKey = apiKey;
  if (typeof value.authorization === 'string') message.authorization = value.authorization;
  return ok(message);
}
