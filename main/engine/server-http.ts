// The plain HTTP side of the offline server: GET /v1/voices and GET /v1/models in the shapes the
// ElevenLabs API and its SDKs expect, so voice pickers work the same against either server.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OfflineVoice, OfflineVoiceInfo } from './offline-voice';
import { credentialFromRequest, isBrowserRequest, tokensEqual } from './server-auth';

export const OFFLINE_MODEL_ID = 'hark_offline_v1';
/** Text per generation is unlimited in practice; this mirrors the size of the largest cloud limit. */
const MAX_TEXT_LENGTH = 40_000;

export interface HttpContext {
  token: string;
  voice: OfflineVoice;
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(json),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(json);
}

/** Errors in the API's `{"detail": {"status", "message"}}` shape. */
function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  sendJson(res, status, { detail: { status: code, message } });
}

const DEFAULT_SETTINGS = {
  stability: 0.5,
  similarity_boost: 0.75,
  style: 0,
  use_speaker_boost: true,
  speed: 1,
};

/** One voice in the `GET /v1/voices` shape (every field the SDKs require, plus the common ones). */
export function voiceJson(info: OfflineVoiceInfo): Record<string, unknown> {
  return {
    voice_id: info.voiceId,
    name: info.name,
    category: 'premade',
    labels: { language: info.language, description: 'offline', use_case: 'read-aloud' },
    description: `${info.name}: Hark's built-in offline voice (eSpeak NG). Works without an account or network.`,
    preview_url: null,
    available_for_tiers: [],
    high_quality_base_model_ids: [],
    settings: DEFAULT_SETTINGS,
    samples: null,
    sharing: null,
    verified_languages: [{ language: info.language, model_id: OFFLINE_MODEL_ID, accent: null, locale: null }],
    is_owner: false,
    is_legacy: false,
    is_mixed: false,
  };
}

/** The one model, in the `GET /v1/models` shape, with a language entry per distinct voice language. */
export function modelJson(voices: OfflineVoiceInfo[]): Record<string, unknown> {
  const languages = new Map<string, string>();
  for (const voice of voices) if (!languages.has(voice.language)) languages.set(voice.language, voice.name);
  return {
    model_id: OFFLINE_MODEL_ID,
    name: 'Hark offline voice',
    description: 'eSpeak NG running inside Hark: instant, private and free, with a synthetic sound.',
    can_be_finetuned: false,
    can_do_text_to_speech: true,
    can_do_voice_conversion: false,
    can_use_style: false,
    can_use_speaker_boost: false,
    serves_pro_voices: false,
    token_cost_factor: 0,
    requires_alpha_access: false,
    max_characters_request_free_user: MAX_TEXT_LENGTH,
    max_characters_request_subscribed_user: MAX_TEXT_LENGTH,
    maximum_text_length_per_request: MAX_TEXT_LENGTH,
    languages: [...languages].map(([language_id, name]) => ({ language_id, name })),
    model_rates: { character_cost_multiplier: 0 },
    concurrency_group: 'standard',
  };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

type Route = (context: HttpContext, match: RegExpExecArray) => Promise<{ status: number; body: unknown }>;

const ROUTES: { pattern: RegExp; handler: Route }[] = [
  {
    pattern: /^\/v1\/voices\/?$/,
    handler: async ({ voice }) => ({ status: 200, body: { voices: (await voice.voices()).map(voiceJson) } }),
  },
  {
    pattern: /^\/v1\/voices\/([^/]+)\/?$/,
    handler: async ({ voice }, match) => {
      const voiceId = safeDecode(match[1] ?? '');
      const info = (await voice.voices()).find((candidate) => candidate.voiceId === voiceId);
      return info
        ? { status: 200, body: voiceJson(info) }
        : {
            status: 404,
            body: {
              detail: {
                status: 'voice_not_found',
                message: `Voice "${voiceId}" does not exist on this offline server. List the voices with GET /v1/voices.`,
              },
            },
          };
    },
  },
  {
    pattern: /^\/v1\/models\/?$/,
    handler: async ({ voice }) => ({ status: 200, body: [modelJson(await voice.voices())] }),
  },
];

function findRoute(pathname: string): { handler: Route; match: RegExpExecArray } | undefined {
  for (const { pattern, handler } of ROUTES) {
    const match = pattern.exec(pathname);
    if (match) return { handler, match };
  }
  return undefined;
}

/**
 * Answers one HTTP request. Checks come in this order: browser origin (403), token (401), route
 * (404), method (405). Never throws: a failure inside a route becomes a 500 JSON answer.
 */
export async function handleHttpRequest(
  req: IncomingMessage,
  res: ServerResponse,
  context: HttpContext,
): Promise<void> {
  try {
    if (isBrowserRequest(req.headers)) {
      return sendError(
        res,
        403,
        'forbidden_origin',
        'Requests from web pages are not accepted by this server.',
      );
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const credential = credentialFromRequest(req.headers);
    if (credential === undefined || !tokensEqual(credential, context.token)) {
      return sendError(res, 401, 'invalid_api_key', 'Invalid API key');
    }
    const route = findRoute(url.pathname);
    if (!route) {
      return sendError(
        res,
        404,
        'not_found',
        `Nothing at ${url.pathname}. This offline server offers GET /v1/voices, GET /v1/models and the WebSocket /v1/text-to-speech/{voice_id}/stream-input.`,
      );
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return sendJson(
        res,
        405,
        { detail: { status: 'method_not_allowed', message: `Use GET for ${url.pathname}.` } },
        { allow: 'GET, HEAD' },
      );
    }
    const { status, body } = await route.handler(context, route.match);
    sendJson(res, status, body);
  } catch (cause) {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const detail = cause instanceof Error ? cause.message : String(cause);
    sendError(res, 500, 'internal_error', `The offline server could not answer: ${detail}`);
  }
}
