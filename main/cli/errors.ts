// How the command line fails: every expected failure becomes ONE line `hark: <reason>` on stderr and a
// non-zero exit status. Stack traces are only printed for bugs, and only when HARK_DEBUG=1.
import { SpeechError } from '../../shared/speech-errors';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
/** 128 + SIGINT, what shells report for a program stopped with Ctrl-C. */
export const EXIT_INTERRUPTED = 130;

/** A failure the user can act on (bad flag, missing key, no player...). Its message is shown as is. */
export class CliError extends Error {
  override readonly name = 'CliError';
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** The single line printed for a failure (without the `hark: ` prefix). */
export function describeFailure(error: unknown): string {
  if (error instanceof CliError || error instanceof SpeechError) return oneLine(error.message);
  const message = error instanceof Error ? error.message : String(error);
  return `unexpected error: ${oneLine(message)} (run with HARK_DEBUG=1 for details)`;
}

/** True for failures we expect and explain; false for bugs (which get a stack trace in debug mode). */
export function isExpectedFailure(error: unknown): boolean {
  return error instanceof CliError || error instanceof SpeechError;
}
