// Turns the settings (plus a per-request override) into everything a narration needs: which server,
// which key, which voice, model and format. The offline voice is reached exactly like ElevenLabs, at
// the in-process server's address with its token as the key.
import { OFFLINE_MODEL_ID } from '../engine/server-http';
import { isTrustedHost, HOST_NOT_CONFIRMED, hostNotConfirmedMessage } from '../elevenlabs/trusted-hosts';
import { SpeechError } from '../../shared/speech-errors';
import { parseOutputFormat } from '../../shared/protocol';
import type { FormatInfo } from '../../shared/protocol';
import { streamParametersFor } from '../../shared/settings-schema';
import type { EngineKind, Settings, StreamParameters } from '../../shared/settings-schema';
import { getKeyWithin } from '../store/secrets';
import type { SecretStore } from '../store/secrets';
import type { ConfirmedHosts } from '../store/confirmed-hosts';
import type { OfflineEndpoint } from './offline-engine';
import type { ReadingNotice } from './reading-types';

export interface ReadingPlan {
  engine: EngineKind;
  baseUrl: string;
  apiKey: string;
  modelId: string;
  format: FormatInfo;
  /** voiceId, query (model, format, preset), voice settings, chunk schedule. */
  parameters: StreamParameters;
}

export interface PlanRequest {
  /** Defaults to the settings' engine. */
  engine?: EngineKind;
  /** Defaults to the settings' voice for the engine. */
  voiceId?: string;
  /** Use the offline voice when ElevenLabs has no key (and the settings allow it). */
  allowFallback: boolean;
}

export interface PlanDeps {
  secrets: SecretStore;
  offlineServer: () => Promise<OfflineEndpoint>;
  /** A locked keychain can wait for an unlock prompt forever; a reading does not. Default 5000. */
  keyTimeoutMs?: number;
  /** Servers besides ElevenLabs' own and loopback that the user let have the key. Default: none. */
  confirmedHosts?: Pick<ConfirmedHosts, 'list'>;
}

export type PlanResult =
  { ok: true; plan: ReadingPlan; notice?: ReadingNotice } | { ok: false; code: string; message: string };

const DEFAULT_KEY_TIMEOUT_MS = 5000;

export const NO_KEY_MESSAGE =
  'No ElevenLabs API key is set. Add your key in Settings, or choose the offline voice.';

const NO_KEY_FALLBACK_MESSAGE =
  'No ElevenLabs API key is set, so the offline voice reads this instead. Add your key in Settings.';

function formatOf(settings: Settings): FormatInfo {
  const format = parseOutputFormat(settings.outputFormat);
  // The settings schema only admits documented formats; this guards a future schema change.
  if (!format)
    throw new SpeechError('unsupported_format', `Unknown output format "${settings.outputFormat}".`);
  return format;
}

function readKey(deps: PlanDeps): Promise<string | undefined> {
  return getKeyWithin(deps.secrets, deps.keyTimeoutMs ?? DEFAULT_KEY_TIMEOUT_MS);
}

/**
 * What the offline voice streams in the app: its own rate, uncompressed. Nothing is encoded or decoded
 * and loopback has bandwidth to spare, so the first sound comes some 70 ms sooner than with MP3
 * (bench/time-to-sound.ts). The cost is history space: 44 kB a second against MP3's 16.
 */
export const OFFLINE_STREAM_FORMAT = 'pcm_22050';

export interface OfflinePlanOptions {
  /** Defaults to the settings' offline voice. */
  voiceId?: string | undefined;
  /** Defaults to OFFLINE_STREAM_FORMAT; a fallback keeps the format of the reading it carries on. */
  format?: FormatInfo;
}

/** The offline voice with the settings' offline voice. Rejects SpeechError. */
export async function offlinePlan(
  settings: Settings,
  deps: PlanDeps,
  options: OfflinePlanOptions = {},
): Promise<ReadingPlan> {
  const endpoint = await deps.offlineServer();
  const format = options.format ?? (parseOutputFormat(OFFLINE_STREAM_FORMAT) as FormatInfo);
  const parameters = streamParametersFor({ ...settings, engine: 'offline', outputFormat: format.format });
  return {
    engine: 'offline',
    baseUrl: endpoint.url,
    apiKey: endpoint.token,
    modelId: OFFLINE_MODEL_ID,
    format,
    parameters: {
      ...parameters,
      voiceId: options.voiceId ?? parameters.voiceId,
      query: { ...parameters.query, model_id: OFFLINE_MODEL_ID },
    },
  };
}

function elevenLabsPlan(settings: Settings, apiKey: string, voiceId?: string): ReadingPlan {
  const parameters = streamParametersFor({ ...settings, engine: 'elevenlabs' });
  return {
    engine: 'elevenlabs',
    baseUrl: settings.baseUrl,
    apiKey,
    modelId: settings.modelId,
    format: formatOf(settings),
    parameters: { ...parameters, voiceId: voiceId ?? parameters.voiceId },
  };
}

function failure(cause: unknown): PlanResult {
  if (cause instanceof SpeechError) return { ok: false, code: cause.code, message: cause.message };
  const detail = cause instanceof Error ? cause.message : String(cause);
  return { ok: false, code: 'engine_failed', message: `The reading could not be prepared (${detail}).` };
}

/** Never rejects. */
export async function planReading(
  settings: Settings,
  request: PlanRequest,
  deps: PlanDeps,
): Promise<PlanResult> {
  try {
    const engine = request.engine ?? settings.engine;
    if (engine === 'offline')
      return { ok: true, plan: await offlinePlan(settings, deps, { voiceId: request.voiceId }) };
    const apiKey = await readKey(deps);
    if (apiKey && !isTrustedHost(settings.baseUrl, deps.confirmedHosts?.list() ?? [])) {
      return { ok: false, code: HOST_NOT_CONFIRMED, message: hostNotConfirmedMessage(settings.baseUrl) };
    }
    if (apiKey) return { ok: true, plan: elevenLabsPlan(settings, apiKey, request.voiceId) };
    if (!(request.allowFallback && settings.fallbackToOffline)) {
      return { ok: false, code: 'no_api_key', message: NO_KEY_MESSAGE };
    }
    return {
      ok: true,
      plan: await offlinePlan(settings, deps),
      notice: { code: 'offline_fallback', message: NO_KEY_FALLBACK_MESSAGE },
    };
  } catch (cause) {
    return failure(cause);
  }
}

/** ElevenLabs errors after which the offline voice can read the text instead. */
export function canFallBackAfter(error: SpeechError): boolean {
  return error.code === 'invalid_api_key' || error.code === 'quota_exceeded';
}

/** Says that the offline voice takes over: the whole text, or the rest after `wordsHeard` words. */
export function fallbackNotice(error: SpeechError, wordsHeard = 0): ReadingNotice {
  const reason =
    error.code === 'quota_exceeded'
      ? 'Your ElevenLabs character quota is used up'
      : 'ElevenLabs rejected the API key';
  const what = wordsHeard > 0 ? 'the rest' : 'this instead';
  return { code: 'offline_fallback', message: `${reason}, so the offline voice reads ${what}.` };
}

function words(count: number): string {
  return count === 1 ? '1 word' : `${count.toLocaleString('en')} words`;
}

/**
 * The message for a reading that failed after `wordsHeard` words: how far it got and, for a key or
 * quota, what to do. Before any word, the error's own message.
 */
export function stoppedMessage(error: SpeechError, wordsHeard: number): string {
  if (wordsHeard === 0) return error.message;
  const stopped = `Reading stopped after ${words(wordsHeard)}.`;
  if (error.code === 'quota_exceeded') {
    return `Your ElevenLabs quota is used up. ${stopped} Switch to the offline voice in Settings or add characters.`;
  }
  if (error.code === 'invalid_api_key') {
    return `ElevenLabs rejected the API key. ${stopped} Check the key in Settings or switch to the offline voice.`;
  }
  return `${error.message} ${stopped}`;
}
