// Messages for lists and figures that could not be loaded: the service's message, or a shorter one
// that says what to do when the code alone tells us (no key yet).
import type { Failure } from '../../../../shared/contract';

export const NO_KEY_TEXT = 'Add your ElevenLabs API key first.';

export function failureText(failure: Failure): string {
  return failure.code === 'no_api_key' ? NO_KEY_TEXT : failure.message;
}
