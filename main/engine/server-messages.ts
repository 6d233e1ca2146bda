// Every frame the offline server sends, in the exact shapes ElevenLabs uses, and the wording of its
// errors (copied facts: the documented `error` codes and message texts of protocol.md §3).
import type { Alignment } from '../../shared/protocol';

export const POLICY_VIOLATION = 1008;
export const INTERNAL_ERROR = 1011;

export interface ServerError {
  error: string;
  message: string;
  /** The close code that follows the error frame. */
  code: number;
}

export function audioFrame(audioBase64: string, alignment: Alignment | null): string {
  // The offline voice speaks the text as written (no number expansion), so the normalised alignment
  // is the same as the alignment of the original text.
  return JSON.stringify({
    audio: audioBase64,
    isFinal: null,
    normalizedAlignment: alignment,
    alignment,
  });
}

export const FINAL_FRAME = JSON.stringify({
  audio: null,
  isFinal: true,
  normalizedAlignment: null,
  alignment: null,
});

export function errorFrame(problem: ServerError): string {
  return JSON.stringify({ message: problem.message, error: problem.error, code: problem.code });
}

/** A close reason may carry at most 123 bytes of UTF-8; cut at a character boundary. */
export function closeReason(message: string): string {
  const bytes = Buffer.from(message, 'utf8');
  if (bytes.length <= 123) return message;
  let cut = 123;
  while (cut > 0 && ((bytes[cut] ?? 0) & 0xc0) === 0x80) cut--;
  return bytes.subarray(0, cut).toString('utf8');
}

const policy = (error: string, message: string): ServerError => ({ error, message, code: POLICY_VIOLATION });

export const INVALID_API_KEY = policy('invalid_api_key', 'Invalid API key');

export const AUTHENTICATION_REQUIRED = policy(
  'authentication_required',
  'None of the authentication methods (xi-api-key, authorization header, single-use token) were found.',
);

export const INVALID_INPUT_MESSAGE = policy(
  'invalid_input_message',
  'Could not parse input message, make sure it is a json and follows the schema outlined in protocol.',
);

export const VOICE_SETTINGS_CHANGED = policy(
  'invalid_input_message',
  'voice_settings field must be provided in the first message and then either be not provided or not change.',
);

export const TEXT_AFTER_END = policy(
  'invalid_input_message',
  'Text was sent after the end of input (the empty string ""). Open a new connection to speak more text.',
);

export const TEXT_LIMIT_EXCEEDED = policy(
  'max_character_limit_exceeded',
  'Too much text is waiting to be spoken on this connection. Send less text at a time.',
);

export function invalidInput(detail: string): ServerError {
  return policy('invalid_input_message', `${INVALID_INPUT_MESSAGE.message} (${detail})`);
}

/** The documented timeout text, with the connection's real number of seconds. */
export function inputTimeoutExceeded(seconds: number): ServerError {
  return policy(
    'input_timeout_exceeded',
    `Have not received a new text input within the timeout of ${seconds} seconds. Streaming input terminated. Please make sure to either feed the input in the timely manner, or to send the end of input text (empty string "") when done.`,
  );
}

/**
 * ElevenLabs' in-band answer for an unknown voice: its code and its sentence, then how to find one
 * (the HTTP endpoints say `voice_not_found`, the socket says this).
 */
export function voiceNotFound(voiceId: string, example: string | undefined): ServerError {
  const hint = example === undefined ? '' : `, for example "${example}"`;
  return policy(
    'voice_id_does_not_exist',
    `A voice with voice_id ${voiceId} does not exist. List the voices with GET /v1/voices (or \`hark voices\`) and use one of their voice_id values${hint}.`,
  );
}

export function engineFailed(detail: string): ServerError {
  return {
    error: 'engine_failed',
    message: `The offline voice failed while speaking (${detail}). Try again; it restarts by itself.`,
    code: INTERNAL_ERROR,
  };
}
