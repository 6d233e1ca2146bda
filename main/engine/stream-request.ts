// Reads the `stream-input` handshake URL: the voice id in the path and every documented query
// parameter. Values the offline voice cannot honour (model, language, seed, normalisation, logging)
// are still validated and accepted, so any ElevenLabs client can connect unchanged.
import {
  DEFAULT_INACTIVITY_TIMEOUT_S,
  DEFAULT_OUTPUT_FORMAT,
  MAX_INACTIVITY_TIMEOUT_S,
  OUTPUT_FORMATS,
  parseOutputFormat,
} from '../../shared/protocol';
import type { FormatInfo } from '../../shared/protocol';

export interface StreamRequestOptions {
  format: FormatInfo;
  inactivityTimeoutS: number;
  syncAlignment: boolean;
  autoMode: boolean;
}

/** A problem with the query, reported in-band as `{message, error, code: 1008}`. */
export interface QueryProblem {
  error: 'unsupported_format' | 'invalid_request';
  message: string;
}

export type QueryResult = { ok: true; value: StreamRequestOptions } | { ok: false; problem: QueryProblem };

const STREAM_PATH = /^\/v1\/text-to-speech\/([^/]+)\/stream-input\/?$/;

/** The voice id of a `/v1/text-to-speech/:voice_id/stream-input` path, or undefined for any other path. */
export function matchStreamPath(pathname: string): string | undefined {
  const segment = STREAM_PATH.exec(pathname)?.[1];
  if (segment === undefined) return undefined;
  try {
    const voiceId = decodeURIComponent(segment);
    return voiceId === '' ? undefined : voiceId;
  } catch {
    return undefined;
  }
}

/** The formats the offline server can encode (everything documented except Opus). */
export const SUPPORTED_OUTPUT_FORMATS: readonly string[] = [
  ...OUTPUT_FORMATS.filter((name) => !name.startsWith('opus_')),
  'mp3_44100',
];

function invalid(message: string): QueryResult {
  return { ok: false, problem: { error: 'invalid_request', message } };
}

function unsupportedFormat(name: string): QueryResult {
  return {
    ok: false,
    problem: {
      error: 'unsupported_format',
      message: `Output format "${name}" is not supported by the offline voice. Use one of: ${SUPPORTED_OUTPUT_FORMATS.join(', ')}.`,
    },
  };
}

/** Query booleans as sent by curl, Python (`True`) and JS (`true`): true/false/1/0, any case. */
function parseBoolean(value: string | null): boolean | undefined | 'invalid' {
  if (value === null || value === '') return undefined;
  const lower = value.toLowerCase();
  if (lower === 'true' || lower === '1') return true;
  if (lower === 'false' || lower === '0') return false;
  return 'invalid';
}

function parseFormat(value: string | null): FormatInfo | QueryResult {
  const name = value === null || value === '' ? DEFAULT_OUTPUT_FORMAT : value;
  const info = parseOutputFormat(name);
  if (info === undefined || !SUPPORTED_OUTPUT_FORMATS.includes(name)) return unsupportedFormat(name);
  return info;
}

function parseInactivityTimeout(value: string | null): number | QueryResult {
  if (value === null || value === '') return DEFAULT_INACTIVITY_TIMEOUT_S;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > MAX_INACTIVITY_TIMEOUT_S) {
    return invalid(
      `inactivity_timeout must be a number of seconds above 0 and at most ${MAX_INACTIVITY_TIMEOUT_S}; got "${value}".`,
    );
  }
  return seconds;
}

/** Checks the parameters the server does not use, so a typo still gets a clear answer. */
function checkIgnoredParameters(query: URLSearchParams): QueryResult | undefined {
  for (const name of ['enable_logging', 'enable_ssml_parsing', 'apply_language_text_normalization']) {
    if (parseBoolean(query.get(name)) === 'invalid') return invalid(`${name} must be true or false.`);
  }
  const normalization = query.get('apply_text_normalization');
  if (normalization !== null && !['auto', 'on', 'off'].includes(normalization)) {
    return invalid('apply_text_normalization must be one of auto, on, off.');
  }
  const latency = query.get('optimize_streaming_latency');
  if (latency !== null && !['0', '1', '2', '3', '4'].includes(latency)) {
    return invalid('optimize_streaming_latency must be 0, 1, 2, 3 or 4.');
  }
  const seed = query.get('seed');
  if (seed !== null && !/^\d{1,10}$/.test(seed)) return invalid('seed must be a whole number.');
  if (seed !== null && Number(seed) > 4294967295) return invalid('seed must be at most 4294967295.');
  return undefined;
}

/**
 * Validates every documented query parameter. `model_id` accepts any value (the Python SDK sends
 * `Ellipsis` when none is chosen); `language_code`, `seed`, `apply_text_normalization`,
 * `enable_logging`, `enable_ssml_parsing` and `optimize_streaming_latency` are accepted and ignored.
 */
export function parseStreamQuery(query: URLSearchParams): QueryResult {
  const format = parseFormat(query.get('output_format'));
  if ('ok' in format) return format;
  const inactivityTimeoutS = parseInactivityTimeout(query.get('inactivity_timeout'));
  if (typeof inactivityTimeoutS !== 'number') return inactivityTimeoutS;
  const syncAlignment = parseBoolean(query.get('sync_alignment'));
  if (syncAlignment === 'invalid') return invalid('sync_alignment must be true or false.');
  const autoMode = parseBoolean(query.get('auto_mode'));
  if (autoMode === 'invalid') return invalid('auto_mode must be true or false.');
  const ignored = checkIgnoredParameters(query);
  if (ignored) return ignored;
  return {
    ok: true,
    value: { format, inactivityTimeoutS, syncAlignment: syncAlignment ?? false, autoMode: autoMode ?? false },
  };
}
