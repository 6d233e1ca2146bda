// When and how often a reading whose connection failed is resumed (narration.ts runs the loop,
// reading-leg.ts knows where to resume from).
//
// Decisions:
// - Only failures that may go away by themselves are retried: the network (a drop, close 1006, a
//   reset, a refused or unresolvable reconnection), timeouts (a server gone silent), a server that
//   closed early or reported an internal error (1011), data we could not read (the next connection
//   starts clean), an offline voice that crashed (it restarts by itself), refused handshakes with
//   429 or 5xx, and any error the server itself calls temporary, whatever its close code
//   (ElevenLabs closes its intermittent internal errors with 1008 and "something went wrong").
//   A refused key or quota, a message the server could not understand, an unknown voice, model
//   or format, any other policy close (1008) and handshakes refused with 401/403/404 are final.
// - Only a reading that has started is resumed: a first connection that fails is reported at once,
//   so a wrong address or key is not hidden behind retries.
// - Attempts: DEFAULT_RESUME_DELAYS_MS.length in a row, each after its wait; a resumed connection
//   that moved the reading on (at least one more word handed over) starts the count afresh, so a
//   long reading survives several separate drops while a server that keeps failing is given up on.
import { SpeechError } from '../../shared/speech-errors';

/** Waits before the 1st, 2nd and 3rd attempt of a row; there are as many attempts as waits. */
export const DEFAULT_RESUME_DELAYS_MS: readonly number[] = [250, 1000, 2500];

/**
 * How a reading carries on after a transient failure: after each of `delaysMs` (at least one), a new
 * connection; or 'off'. A reading that says nothing gets DEFAULT_RESUME_POLICY: turning resuming off
 * has to be asked for, so no caller loses it by leaving a field out.
 */
export type ResumePolicy = { readonly delaysMs: readonly number[] } | 'off';

export const DEFAULT_RESUME_POLICY: ResumePolicy = { delaysMs: DEFAULT_RESUME_DELAYS_MS };

/** The waits a policy allows (none when off). Throws on a policy that would silently mean "off". */
export function resumeDelays(policy: ResumePolicy = DEFAULT_RESUME_POLICY): readonly number[] {
  if (policy === 'off') return [];
  const { delaysMs } = policy;
  if (delaysMs.length === 0 || delaysMs.some((ms) => !Number.isFinite(ms) || ms < 0)) {
    throw new TypeError(
      `resume.delaysMs must list one or more waits of 0 ms or more (got [${delaysMs.join(', ')}]); use resume: 'off' to turn resuming off`,
    );
  }
  return delaysMs;
}

/** Where a reading (re)starts: a word of the source text, and the audio time it will be heard at. */
export interface ResumePoint {
  /** Offset of the word in the source text (UTF-16 units). */
  textOffset: number;
  /** Its index among the source's words. */
  wordIndex: number;
  /** End of the audio handed to the sink before it: where the resumed audio's timeline starts. */
  audioMs: number;
}

export const READING_START: Readonly<ResumePoint> = { textOffset: 0, wordIndex: 0, audioMs: 0 };

// Close codes that say "this request will never work": protocol error, unsupported or invalid data,
// policy, too big, missing extension.
const FINAL_CLOSE_CODES: ReadonlySet<number> = new Set([1002, 1003, 1007, 1008, 1009, 1010]);

/** True for failures that a new connection may well not meet again (see the notes at the top). */
export function isTransient(error: SpeechError): boolean {
  if (error.serverSaysTemporary) return true;
  switch (error.code) {
    case 'network':
    case 'connect_timeout':
    case 'first_audio_timeout':
    case 'silence_timeout':
    case 'input_timeout_exceeded':
    case 'malformed_frame':
    case 'engine_failed':
      return true;
    case 'server_closed':
    case 'server_error':
      return error.status === undefined || !FINAL_CLOSE_CODES.has(error.status);
    case 'handshake_refused':
      return error.status !== undefined && (error.status === 429 || error.status >= 500);
    default:
      return false;
  }
}

/** The last failure, saying that reconnecting was tried. Keeps the code and status. */
export function gaveUp(error: SpeechError, attempts: number): SpeechError {
  const tries = attempts === 1 ? 'once' : `${attempts} times`;
  return new SpeechError(
    error.code,
    `${error.message} Hark tried to reconnect ${tries} without success.`,
    error.status,
  );
}

/** Resolves after `ms`; the returned cancel() clears the timer (a stopped reading leaves none behind). */
export function pause(ms: number): { done: Promise<void>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const done = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return { done, cancel: () => clearTimeout(timer) };
}
