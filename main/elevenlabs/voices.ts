// GET /v1/voices: the voice picker's list. Lenient on the many fields we ignore, strict on the ones
// we show (a voice without an id or name is a server bug worth reporting, not something to guess).
import type { Parsed } from '../../shared/protocol';
import { isRecord, malformedResponse, type ElevenLabsHttp } from './http-client';

export const VOICES_PATH = '/v1/voices';

export interface VoiceInfo {
  voiceId: string;
  name: string;
  /** premade, cloned, generated, professional, … (unknown values kept as they are). */
  category: string;
  /** accent, age, gender, description, use_case, … */
  labels: Record<string, string>;
  previewUrl?: string;
  language?: string;
}

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(reason: string): Parsed<T> => ({ ok: false, reason });

function parseLabels(value: unknown, where: string): Parsed<Record<string, string>> {
  if (value === undefined || value === null) return ok({});
  if (!isRecord(value)) return fail(`${where}.labels is not an object`);
  // Labels are a string map; a non-string value is dropped rather than failing the whole list.
  const entries = Object.entries(value).filter(
    (entry): entry is [string, string] => typeof entry[1] === 'string',
  );
  return ok(Object.fromEntries(entries));
}

function httpUrlOrUndefined(value: string): string | undefined {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** The voice's main language: the first verified language, else a `language` label. */
function languageOf(voice: Record<string, unknown>, labels: Record<string, string>): string | undefined {
  const verified = voice.verified_languages;
  const first: unknown = Array.isArray(verified) ? verified[0] : undefined;
  if (isRecord(first) && typeof first.language === 'string' && first.language) return first.language;
  return labels.language || undefined;
}

export function parseVoice(value: unknown, where: string): Parsed<VoiceInfo> {
  if (!isRecord(value)) return fail(`${where} is not an object`);
  const { voice_id: voiceId, name, category, preview_url: previewUrl } = value;
  if (typeof voiceId !== 'string' || voiceId === '')
    return fail(`${where}.voice_id is not a non-empty string`);
  if (typeof name !== 'string') return fail(`${where}.name is not a string`);
  if (category !== undefined && category !== null && typeof category !== 'string') {
    return fail(`${where}.category is not a string`);
  }
  if (previewUrl !== undefined && previewUrl !== null && typeof previewUrl !== 'string') {
    return fail(`${where}.preview_url is not a string`);
  }
  const labels = parseLabels(value.labels, where);
  if (!labels.ok) return fail(labels.reason);
  const voice: VoiceInfo = { voiceId, name, category: category ?? 'unknown', labels: labels.value };
  const preview = typeof previewUrl === 'string' ? httpUrlOrUndefined(previewUrl) : undefined;
  if (preview) voice.previewUrl = preview;
  const language = languageOf(value, labels.value);
  if (language) voice.language = language;
  return ok(voice);
}

/** Validates a `{voices: [...]}` body. */
export function parseVoiceList(body: unknown): Parsed<VoiceInfo[]> {
  if (!isRecord(body) || !Array.isArray(body.voices)) return fail('it has no "voices" list');
  const voices: VoiceInfo[] = [];
  for (const [index, item] of body.voices.entries()) {
    const voice = parseVoice(item, `voices[${index}]`);
    if (!voice.ok) return fail(voice.reason);
    voices.push(voice.value);
  }
  return ok(voices);
}

export interface ListVoicesOptions {
  /** Include ElevenLabs' legacy premade voices. */
  showLegacy?: boolean;
  signal?: AbortSignal;
}

/** Lists the voices available to the key; rejects SpeechError. */
export async function listVoices(
  client: ElevenLabsHttp,
  options: ListVoicesOptions = {},
): Promise<VoiceInfo[]> {
  const body = await client.getJson(VOICES_PATH, {
    query: { show_legacy: options.showLegacy },
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const parsed = parseVoiceList(body);
  if (!parsed.ok) throw malformedResponse(`GET ${VOICES_PATH}`, parsed.reason);
  return parsed.value;
}
