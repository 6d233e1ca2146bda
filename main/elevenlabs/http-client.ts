// A small fetch-based client for ElevenLabs' HTTP API (voices, models, subscription), also served by
// Hark's own offline server. It sends the key only as the `xi-api-key` header, never follows a
// redirect (a redirect would carry that header to another address), gives every request a timeout,
// and turns every failure into a SpeechError with a stable code. Responses come back as `unknown`:
// the endpoint modules validate them.
import {
  defaultMessage,
  errorFromNetwork,
  SpeechError,
  type SpeechErrorCode,
} from '../../shared/speech-errors';
import { DEFAULT_BASE_URL } from '../../shared/protocol';
import { redactSecrets } from '../store/redact';

/** ElevenLabs' API regions; the same base URL serves the HTTP API and the `stream-input` socket. */
export const API_REGIONS = {
  global: { label: 'Global (default)', baseUrl: DEFAULT_BASE_URL },
  us: { label: 'United States', baseUrl: 'https://api.us.elevenlabs.io' },
  eu: { label: 'EU data residency', baseUrl: 'https://api.eu.residency.elevenlabs.io' },
  in: { label: 'India data residency', baseUrl: 'https://api.in.residency.elevenlabs.io' },
  sg: { label: 'Singapore data residency', baseUrl: 'https://api.sg.residency.elevenlabs.io' },
} as const;

export type ApiRegion = keyof typeof API_REGIONS;

export const DEFAULT_HTTP_TIMEOUT_MS = 10_000;

export interface HttpClientConfig {
  /** http(s) or ws(s) base, possibly with a path prefix (a proxy); ws maps to http, wss to https. */
  baseUrl: string;
  /** Sent ONLY as the `xi-api-key` header. */
  apiKey?: string;
  /** Whole request, body included. */
  timeoutMs?: number;
}

export type QueryValue = string | number | boolean | undefined;

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  signal?: AbortSignal;
}

export interface ElevenLabsHttp {
  readonly baseUrl: string;
  /** GETs `path` and returns the parsed JSON body; rejects SpeechError only. */
  getJson(path: string, options?: RequestOptions): Promise<unknown>;
}

/** Builds an API URL under the base, keeping a path prefix; only http(s)/ws(s) bases are accepted. */
export function buildApiUrl(baseUrl: string, path: string, query: Record<string, QueryValue> = {}): URL {
  const url = new URL(baseUrl);
  if (url.protocol === 'ws:') url.protocol = 'http:';
  else if (url.protocol === 'wss:') url.protocol = 'https:';
  else if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`Unsupported base URL scheme "${url.protocol}"; use http(s) or ws(s).`);
  }
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
  url.search = '';
  url.hash = '';
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  return url;
}

// ---------------------------------------------------------------------------------------------
// Error mapping

/** `detail.status` values that have their own SpeechError code. */
const DETAIL_CODES: ReadonlySet<string> = new Set<SpeechErrorCode>([
  'quota_exceeded',
  'voice_not_found',
  'invalid_api_key',
]);

const MAX_DETAIL_CHARS = 300;

interface ErrorDetail {
  status?: string;
  message?: string;
}

/** ElevenLabs errors are `{detail: {status, message}}`; FastAPI also sends `{detail: "text"}` or a list. */
export function readErrorDetail(body: unknown): ErrorDetail {
  const detail = isRecord(body) ? body.detail : undefined;
  if (typeof detail === 'string') return { message: detail };
  if (Array.isArray(detail)) {
    const first: unknown = detail[0];
    return isRecord(first) && typeof first.msg === 'string' ? { message: first.msg } : {};
  }
  if (!isRecord(detail)) return {};
  return {
    ...(typeof detail.status === 'string' ? { status: detail.status } : {}),
    ...(typeof detail.message === 'string' ? { message: detail.message } : {}),
  };
}

function clip(text: string): string {
  const trimmed = text.trim().replace(/\s+/g, ' ');
  return trimmed.length > MAX_DETAIL_CHARS ? `${trimmed.slice(0, MAX_DETAIL_CHARS)}…` : trimmed;
}

export interface ResponseContext {
  /** e.g. "GET /v1/voices", for messages. */
  request: string;
  keySent: boolean;
}

/** Maps a non-2xx answer to a SpeechError; the server's own words are kept where they help. */
export function errorFromHttpStatus(status: number, body: unknown, context: ResponseContext): SpeechError {
  const detail = readErrorDetail(body);
  const serverWords = detail.message ? ` ${clip(detail.message)}` : '';
  if (detail.status && DETAIL_CODES.has(detail.status)) {
    // A server that calls a missing key "invalid" (Hark's offline server does) still lacks a key.
    const code =
      detail.status === 'invalid_api_key' && !context.keySent
        ? 'authentication_required'
        : (detail.status as SpeechErrorCode);
    return new SpeechError(code, defaultMessage(code), status);
  }
  if (detail.status === 'missing_permissions') {
    return new SpeechError(
      'invalid_api_key',
      `The ElevenLabs API key lacks a permission this needs.${serverWords} Edit the key's permissions on the ElevenLabs website.`,
      status,
    );
  }
  if (status === 401) {
    return context.keySent
      ? new SpeechError('invalid_api_key', defaultMessage('invalid_api_key'), status)
      : new SpeechError('authentication_required', defaultMessage('authentication_required'), status);
  }
  if (status >= 300 && status < 400) {
    return new SpeechError(
      'server_error',
      `${defaultMessage('server_error')} (HTTP ${status} redirect for ${context.request}; redirects are not followed, so the key is never sent elsewhere. Check the server address.)`,
      status,
    );
  }
  return new SpeechError(
    'server_error',
    `${defaultMessage('server_error')} (HTTP ${status} for ${context.request}.${serverWords})`,
    status,
  );
}

// ---------------------------------------------------------------------------------------------
// The client

/** What undici accepts as a header value; anything else would make fetch throw with the value in the message. */
const HEADER_SAFE = /^[\x21-\x7e]+$/;

function parseJsonBody(text: string, request: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new SpeechError('malformed_frame', `The server's answer to ${request} is not valid JSON.`);
  }
}

function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Keeps the code and status, and makes sure no message can ever carry the key. */
function scrub(error: SpeechError, apiKey: string | undefined): SpeechError {
  if (!apiKey || !error.message.includes(apiKey)) return error;
  return new SpeechError(error.code, redactSecrets(error.message, [apiKey]), error.status);
}

export function createHttpClient(config: HttpClientConfig): ElevenLabsHttp {
  const timeoutMs = config.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
  const apiKey = config.apiKey === '' ? undefined : config.apiKey;

  function urlFor(path: string, query: Record<string, QueryValue> | undefined): URL {
    try {
      return buildApiUrl(config.baseUrl, path, query);
    } catch {
      throw new SpeechError(
        'network',
        `The server address is not a valid http(s) URL. Check it in Settings.`,
      );
    }
  }

  function headers(): Record<string, string> {
    if (apiKey === undefined) return { accept: 'application/json' };
    if (!HEADER_SAFE.test(apiKey)) {
      throw new SpeechError(
        'invalid_api_key',
        'The API key contains spaces or characters that cannot be sent. Enter it again in Settings.',
      );
    }
    return { accept: 'application/json', 'xi-api-key': apiKey };
  }

  async function request(path: string, options: RequestOptions): Promise<unknown> {
    const url = urlFor(path, options.query);
    const label = `GET ${url.pathname}`;
    const requestHeaders = headers();
    if (options.signal?.aborted) throw new SpeechError('aborted', 'The request was cancelled.');

    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), timeoutMs);
    const signal = options.signal ? AbortSignal.any([timeout.signal, options.signal]) : timeout.signal;
    try {
      const response = await fetch(url, { headers: requestHeaders, redirect: 'manual', signal });
      const text = await response.text();
      if (!response.ok) {
        throw errorFromHttpStatus(response.status, tryParseJson(text), {
          request: label,
          keySent: apiKey !== undefined,
        });
      }
      return parseJsonBody(text, label);
    } catch (cause) {
      if (cause instanceof SpeechError) throw cause;
      if (options.signal?.aborted) throw new SpeechError('aborted', 'The request was cancelled.');
      if (timeout.signal.aborted) {
        throw new SpeechError(
          'connect_timeout',
          `The server at ${url.host} did not answer ${label} within ${Math.round(timeoutMs / 100) / 10} s.`,
        );
      }
      // fetch reports network failures as TypeError('fetch failed') with the system error as cause.
      throw errorFromNetwork((cause as { cause?: unknown }).cause ?? cause);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    baseUrl: config.baseUrl,
    async getJson(path, options = {}) {
      try {
        return await request(path, options);
      } catch (error) {
        throw scrub(error instanceof SpeechError ? error : errorFromNetwork(error), apiKey);
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Small validation helpers shared by the endpoint modules

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Builds the error for a body that parsed as JSON but does not have the shape we use. */
export function malformedResponse(request: string, reason: string): SpeechError {
  return new SpeechError(
    'malformed_frame',
    `The server's answer to ${request} is not what Hark expects: ${reason}.`,
  );
}
