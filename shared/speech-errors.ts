// Every way a reading can fail, as a stable code plus a message a person can act on. The codes are
// part of the IPC and CLI contract: never rename one.

export const SPEECH_ERROR_CODES = [
  'invalid_api_key',
  'quota_exceeded',
  'input_timeout_exceeded',
  'invalid_input_message',
  'authentication_required',
  'voice_not_found',
  'unsupported_format',
  'handshake_refused',
  'network',
  'connect_timeout',
  'first_audio_timeout',
  'silence_timeout',
  'server_closed',
  'server_error',
  'malformed_frame',
  'engine_failed',
  'io_failed',
  'aborted',
] as const;

export type SpeechErrorCode = (typeof SPEECH_ERROR_CODES)[number];

export class SpeechError extends Error {
  override readonly name = 'SpeechError';
  constructor(
    readonly code: SpeechErrorCode,
    message: string,
    /** WebSocket close code or HTTP status, when one was involved. */
    readonly status?: number,
    /**
     * The server said in words that the fault was its own and passing, whatever its close code
     * (ElevenLabs closes with 1008 for its intermittent internal errors too).
     */
    readonly serverSaysTemporary = false,
  ) {
    super(message);
  }
}

const MESSAGES: Record<SpeechErrorCode, string> = {
  invalid_api_key: 'The ElevenLabs API key was rejected. Check the key in Settings (or ELEVENLABS_API_KEY).',
  quota_exceeded:
    'Your ElevenLabs character quota is used up. Wait for the reset, upgrade, or use the offline voice.',
  input_timeout_exceeded: 'The server stopped waiting for text (inactivity timeout).',
  invalid_input_message: 'The server could not understand a message Hark sent. Please report this.',
  authentication_required: 'The server asked for an API key and none was sent. Add a key in Settings.',
  voice_not_found: 'The chosen voice does not exist on this server. Pick another voice.',
  unsupported_format: 'This output format is not supported here. Choose another one.',
  handshake_refused: 'The server refused the connection.',
  network: 'Could not reach the speech server. Check the network and the server address.',
  connect_timeout: 'The speech server did not answer in time.',
  first_audio_timeout: 'The speech server accepted the text but sent no audio in time.',
  silence_timeout: 'The speech server stopped sending audio mid-reading.',
  server_closed: 'The speech server closed the connection before the reading finished.',
  server_error: 'The speech server reported an error.',
  malformed_frame: 'The speech server sent data Hark could not understand.',
  engine_failed: 'The offline voice stopped unexpectedly. Try again; it restarts by itself.',
  io_failed: 'Reading the text, or playing or saving the audio, failed.',
  aborted: 'The reading was stopped.',
};

export function defaultMessage(code: SpeechErrorCode): string {
  return MESSAGES[code];
}

const KNOWN_SERVER_CODES: ReadonlySet<string> = new Set<SpeechErrorCode>([
  'invalid_api_key',
  'quota_exceeded',
  'input_timeout_exceeded',
  'invalid_input_message',
  'authentication_required',
  'voice_not_found',
  'unsupported_format',
  // Hark's own offline server, when its engine fails while speaking.
  'engine_failed',
]);

// ElevenLabs' words for its intermittent internal errors, sent as the reason of a 1008 close
// ("We are sorry, something went wrong. You are not charged for this request.").
const TEMPORARY_FAULT_WORDS = /something went wrong|not charged for this request/i;

/** An error the server itself called temporary, with its words after Hark's. */
function temporaryServerError(words: string, status: number | undefined): SpeechError {
  return new SpeechError('server_error', `${MESSAGES.server_error} ${words}`, status, true);
}

/** Server codes that mean one of Hark's own: the socket names an unknown voice differently from HTTP. */
const SERVER_CODE_ALIASES: Readonly<Record<string, SpeechErrorCode>> = {
  voice_id_does_not_exist: 'voice_not_found',
};

function codeOfServerError(error: string): SpeechErrorCode {
  if (Object.hasOwn(SERVER_CODE_ALIASES, error)) return SERVER_CODE_ALIASES[error]!;
  return KNOWN_SERVER_CODES.has(error) ? (error as SpeechErrorCode) : 'server_error';
}

/** Maps an in-band `{message, error, code}` frame to a SpeechError, keeping the server's own words. */
export function errorFromFrame(error: string, serverMessage: string, closeCode: number | null): SpeechError {
  const code = codeOfServerError(error);
  const detail = serverMessage.trim();
  if (code === 'server_error' && TEMPORARY_FAULT_WORDS.test(detail)) {
    return temporaryServerError(detail, closeCode ?? undefined);
  }
  const message = code === 'server_error' && detail ? `${MESSAGES.server_error} ${detail}` : MESSAGES[code];
  return new SpeechError(code, message, closeCode ?? undefined);
}

/** What the body of a refused handshake says, when it is ElevenLabs' JSON (`{"detail": ...}`). */
export interface RefusalDetail {
  code?: string;
  message?: string;
}

/** Longest server sentence shown to a person; a longer one is cut. */
const MAX_REFUSAL_WORDS = 300;

/** The server's own words about a refusal: detail.message, a string detail, or message. Else {}. */
export function refusalDetail(body: string): RefusalDetail {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body) as unknown;
  } catch {
    return {}; // plain text or an HTML error page: nothing worth showing
  }
  if (typeof parsed !== 'object' || parsed === null) return {};
  const { detail, message } = parsed as { detail?: unknown; message?: unknown };
  const inner = typeof detail === 'object' && detail !== null ? (detail as Record<string, unknown>) : {};
  const words = [inner.message, detail, message].find((value) => typeof value === 'string');
  const result: RefusalDetail = {};
  if (typeof inner.code === 'string') result.code = inner.code;
  const clean = typeof words === 'string' ? words.replace(/[\s\p{Cc}]+/gu, ' ').trim() : '';
  if (clean)
    result.message = clean.length > MAX_REFUSAL_WORDS ? `${clean.slice(0, MAX_REFUSAL_WORDS)}…` : clean;
  return result;
}

// The stream-input socket refuses the models built for the dialogue socket (eleven_v3, v4...).
const MODEL_HINT =
  ' Choose another model in Settings (or with --model): the Flash, Turbo and Multilingual models work here.';

/** Maps a refused handshake (HTTP status before the upgrade) to a SpeechError, with the server's words. */
export function errorFromHandshake(status: number, detail: RefusalDetail = {}): SpeechError {
  if (status === 401) return new SpeechError('invalid_api_key', MESSAGES.invalid_api_key, status);
  if (status === 404) return new SpeechError('voice_not_found', MESSAGES.voice_not_found, status);
  const why =
    status === 403
      ? 'HTTP 403: the key may lack access, or the model does not support streaming input'
      : status === 429
        ? 'HTTP 429: too many requests; try again shortly'
        : `HTTP ${status}`;
  const said = detail.message ? ` The server says: ${detail.message}` : '';
  const hint = detail.code === 'unsupported_model' ? MODEL_HINT : '';
  return new SpeechError(
    'handshake_refused',
    `${MESSAGES.handshake_refused} (${why}).${said}${hint}`,
    status,
  );
}

/** Maps a close without a preceding error frame. 1000 after the final frame is success, not an error. */
export function errorFromClose(closeCode: number, reason: string): SpeechError {
  const detail = reason.trim() ? ` (${closeCode}: ${reason.trim()})` : ` (${closeCode})`;
  if (closeCode === 1006) return new SpeechError('network', `${MESSAGES.network}${detail}`, closeCode);
  if (TEMPORARY_FAULT_WORDS.test(reason)) return temporaryServerError(reason.trim(), closeCode);
  if (closeCode === 1008 && /api key/i.test(reason)) {
    return new SpeechError('invalid_api_key', MESSAGES.invalid_api_key, closeCode);
  }
  if (closeCode === 1008 && /quota/i.test(reason)) {
    return new SpeechError('quota_exceeded', MESSAGES.quota_exceeded, closeCode);
  }
  if (closeCode === 1008 && /voice.*does not exist/i.test(reason)) {
    return new SpeechError('voice_not_found', MESSAGES.voice_not_found, closeCode);
  }
  if (closeCode === 1008 && /timeout/i.test(reason)) {
    return new SpeechError('input_timeout_exceeded', MESSAGES.input_timeout_exceeded, closeCode);
  }
  return new SpeechError('server_closed', `${MESSAGES.server_closed}${detail}`, closeCode);
}

/** Network-level failures from `ws`/Node (ECONNREFUSED, ENOTFOUND, TLS) become one clear code. */
export function errorFromNetwork(cause: unknown): SpeechError {
  const code = (cause as { code?: unknown } | null)?.code;
  const hint =
    code === 'ENOTFOUND' || code === 'EAI_AGAIN'
      ? ' The server name could not be resolved.'
      : code === 'ECONNREFUSED'
        ? ' Nothing is listening at that address.'
        : '';
  return new SpeechError('network', `${MESSAGES.network}${hint}`);
}
