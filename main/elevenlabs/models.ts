// GET /v1/models: the model picker's list (a bare JSON array).
import type { Parsed } from '../../shared/protocol';
import { isRecord, malformedResponse, type ElevenLabsHttp } from './http-client';

export const MODELS_PATH = '/v1/models';

export interface ModelLanguage {
  languageId: string;
  name: string;
}

export interface ModelInfo {
  modelId: string;
  name: string;
  canDoTextToSpeech: boolean;
  languages: ModelLanguage[];
  /** Longest text one request may carry, when the server says. */
  maxCharacters?: number;
}

/**
 * Models that speak text but that the `stream-input` socket refuses (HTTP 400 `unsupported_model`,
 * 403 before): eleven_v3 and what came after it (eleven_v3_conversational, eleven_v4, ...) are served
 * only by the text-to-dialogue socket, so the picker must not offer them. A rule on the id, so that
 * a new variant is kept out before anyone lists it here.
 */
export function worksOverStreamInput(modelId: string): boolean {
  return !/^eleven_v[34](?![0-9])/.test(modelId);
}

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(reason: string): Parsed<T> => ({ ok: false, reason });

function parseLanguages(value: unknown, where: string): Parsed<ModelLanguage[]> {
  if (value === undefined || value === null) return ok([]);
  if (!Array.isArray(value)) return fail(`${where}.languages is not a list`);
  const languages: ModelLanguage[] = [];
  for (const [index, item] of value.entries()) {
    if (!isRecord(item) || typeof item.language_id !== 'string') {
      return fail(`${where}.languages[${index}].language_id is not a string`);
    }
    languages.push({
      languageId: item.language_id,
      name: typeof item.name === 'string' ? item.name : item.language_id,
    });
  }
  return ok(languages);
}

function positiveInteger(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

export function parseModel(value: unknown, where: string): Parsed<ModelInfo> {
  if (!isRecord(value)) return fail(`${where} is not an object`);
  const { model_id: modelId, name, can_do_text_to_speech: tts } = value;
  if (typeof modelId !== 'string' || modelId === '')
    return fail(`${where}.model_id is not a non-empty string`);
  if (typeof name !== 'string') return fail(`${where}.name is not a string`);
  // ElevenLabs always sends the flag; a compatible server that leaves it out serves speech models only.
  if (tts !== undefined && tts !== null && typeof tts !== 'boolean') {
    return fail(`${where}.can_do_text_to_speech is not a boolean`);
  }
  const languages = parseLanguages(value.languages, where);
  if (!languages.ok) return fail(languages.reason);
  const model: ModelInfo = { modelId, name, canDoTextToSpeech: tts ?? true, languages: languages.value };
  const maxCharacters =
    positiveInteger(value.maximum_text_length_per_request) ??
    positiveInteger(value.max_characters_request_subscribed_user);
  if (maxCharacters !== undefined) model.maxCharacters = maxCharacters;
  return ok(model);
}

/** Validates the bare array body. */
export function parseModelList(body: unknown): Parsed<ModelInfo[]> {
  if (!Array.isArray(body)) return fail('it is not a list of models');
  const models: ModelInfo[] = [];
  for (const [index, item] of body.entries()) {
    const model = parseModel(item, `models[${index}]`);
    if (!model.ok) return fail(model.reason);
    models.push(model.value);
  }
  return ok(models);
}

/** Every model the server lists; rejects SpeechError. */
export async function listModels(
  client: ElevenLabsHttp,
  options: { signal?: AbortSignal } = {},
): Promise<ModelInfo[]> {
  const body = await client.getJson(MODELS_PATH, options.signal ? { signal: options.signal } : {});
  const parsed = parseModelList(body);
  if (!parsed.ok) throw malformedResponse(`GET ${MODELS_PATH}`, parsed.reason);
  return parsed.value;
}

/** The models worth offering in the picker: they speak text and work over `stream-input`. */
export function pickerModels(models: readonly ModelInfo[]): ModelInfo[] {
  return models.filter((model) => model.canDoTextToSpeech && worksOverStreamInput(model.modelId));
}
