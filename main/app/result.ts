// The result envelope every app verb returns (over IPC and the dev bridge alike): a verb never
// throws, and a failure carries a stable code plus a message a person can act on.
import { SpeechError } from '../speech/errors';
import { HistoryError } from '../store/history';
import { SecretStoreError } from '../store/secrets';
import type { Logger } from '../store/redact';

export type Result<T> = { ok: true; value: T } | { ok: false; code: string; message: string };

export type Failure = Extract<Result<never>, { ok: false }>;

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail(code: string, message: string): Failure {
  return { ok: false, code, message };
}

export const INTERNAL_ERROR_MESSAGE = 'Something went wrong inside Hark. The details are in the log.';

/** Errors with stable codes keep them; anything else is logged and reported as `internal`. */
export function failureFrom(error: unknown, log: Logger, verb: string): Failure {
  if (error instanceof SpeechError || error instanceof HistoryError || error instanceof SecretStoreError) {
    return fail(error.code, error.message);
  }
  log.error(`${verb} failed:`, error);
  return fail('internal', INTERNAL_ERROR_MESSAGE);
}

/** Runs a verb's body, turning a throw or rejection into a Failure. */
export async function guarded<T>(
  verb: string,
  log: Logger,
  body: () => Promise<Result<T>>,
): Promise<Result<T>> {
  try {
    return await body();
  } catch (error) {
    return failureFrom(error, log, verb);
  }
}
