// Running a verb so that it never throws: a rejection becomes the contract's failure envelope
// (shared/contract.ts), keeping the stable code of a SpeechError, HistoryError or SecretStoreError, and
// anything else (a bug) is logged here and answered as `internal`, without its details.
import { failureFromError } from '../../shared/contract';
import type { Result } from '../../shared/contract';
import type { Logger } from '../store/redact';

export async function guarded<T>(
  verb: string,
  log: Logger,
  body: () => Promise<Result<T>>,
): Promise<Result<T>> {
  try {
    return await body();
  } catch (error) {
    const failure = failureFromError(error);
    if (failure.code === 'internal') log.error(`${verb} failed:`, error);
    else log.warn(`${verb} failed (${failure.code}): ${failure.message}`);
    return failure;
  }
}
