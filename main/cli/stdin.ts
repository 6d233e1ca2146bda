// Streams text from stdin as it arrives, so `llm | hark speak -` starts speaking before the LLM is done.
import { StringDecoder } from 'node:string_decoder';
import { CliError } from './errors';

/**
 * Yields each piece of text as soon as it is read. A UTF-8 character split across reads is held back
 * until it is complete. Ends at EOF or when `signal` aborts.
 */
export async function* readTextChunks(
  input: NodeJS.ReadableStream,
  signal: AbortSignal,
): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  const stop = (): void => {
    // Ending the iteration below releases stdin, so the process can exit.
    (input as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
  };
  signal.addEventListener('abort', stop, { once: true });
  try {
    for await (const chunk of input) {
      if (signal.aborted) return;
      const text = typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer);
      if (text) yield text;
    }
    const rest = decoder.end();
    if (rest && !signal.aborted) yield rest;
  } catch (error) {
    // Destroying the stream on abort ends the loop with "premature close": that is the plan, not a fault.
    if (!signal.aborted) throw error;
  } finally {
    signal.removeEventListener('abort', stop);
  }
}

/** Passes the chunks through; throws CliError at the end if they held no readable text at all. */
export async function* requireText(chunks: AsyncIterable<string>, what: string): AsyncGenerator<string> {
  let sawText = false;
  for await (const chunk of chunks) {
    if (!sawText && chunk.trim() !== '') sawText = true;
    yield chunk;
  }
  if (!sawText) throw new CliError(`nothing to read: ${what} was empty`);
}
