// Feeds streamed text (stdin, an LLM's output) to a speech session as it arrives. Only whole words are
// sent, because the server voices each message's text as written and a word cut in two would be
// spoken as two; sentence ends are flushed so speech starts without waiting for the server's buffer.

import { sentenceEnds } from './sentences';
import type { FeedTarget } from './text-pacer';

export interface TextSend {
  text: string;
  flush: boolean;
}

/** A "word" longer than this (a pasted blob, a data URL) is sent anyway rather than held forever. */
export const MAX_WORD_LENGTH = 1000;

// CJK writing has no spaces: every ideograph, kana or CJK punctuation mark ends a "word".
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u3000-\u303f\uff00-\uffef]/u;
const WHITESPACE = /\s/u;
// Stands in for the next word when none has arrived yet: a capital, so that a period followed by a
// space counts as a sentence end now (unless it follows an abbreviation like "Mr.").
const UNKNOWN_NEXT_WORD = 'X';

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** End of the last whole word in `buffer`: the text after it is an unfinished word without spaces. */
function lastWordBoundary(buffer: string): number {
  for (let index = buffer.length; index > 0; index--) {
    const before = buffer[index - 1] as string;
    if (WHITESPACE.test(before)) return index;
    // A CJK char may be the low half of a surrogate pair (rare ideographs): test the code point.
    const code = buffer.codePointAt(isHighSurrogate(buffer.charCodeAt(index - 2)) ? index - 2 : index - 1);
    if (code !== undefined && CJK.test(String.fromCodePoint(code))) return index;
  }
  if (buffer.length <= MAX_WORD_LENGTH) return 0;
  return isHighSurrogate(buffer.charCodeAt(buffer.length - 1)) ? buffer.length - 1 : buffer.length;
}

/**
 * Turns arbitrary chunks of text into sends of whole words. Pure and synchronous; the pieces of every
 * send, in order, join back to the input minus whitespace that nothing follows.
 */
export class StreamChunker {
  #buffer = '';

  push(chunk: string): TextSend[] {
    this.#buffer += chunk;
    const cut = lastWordBoundary(this.#buffer);
    const ready = this.#buffer.slice(0, cut);
    // Whitespace alone would be a keep-alive on the wire: keep it for the next words.
    if (!ready.trim()) return [];
    const next = this.#buffer.slice(cut) || UNKNOWN_NEXT_WORD;
    this.#buffer = this.#buffer.slice(cut);
    return splitAtSentenceEnds(ready, next);
  }

  /** The rest, flushed. Whitespace with nothing after it is dropped. */
  finish(): TextSend[] {
    const rest = this.#buffer;
    this.#buffer = '';
    return rest.trim() ? [{ text: rest, flush: true }] : [];
  }
}

/**
 * Text already cut at word boundaries (what a StreamChunker gave earlier) as sends again, for a new
 * connection that carries on from a word of it. With `ended`, the last send is flushed too.
 */
export function sendsOfWholeWords(text: string, ended: boolean): TextSend[] {
  if (!text.trim()) return [];
  const sends = splitAtSentenceEnds(text, UNKNOWN_NEXT_WORD);
  const last = sends[sends.length - 1];
  if (ended && last) last.flush = true;
  return sends;
}

/** Splits whole words at sentence ends; the parts that end a sentence are flushed. */
function splitAtSentenceEnds(ready: string, next: string): TextSend[] {
  const sends: TextSend[] = [];
  let start = 0;
  for (const end of sentenceEnds(ready + next)) {
    if (end > ready.length) break;
    // A leading line break ends an empty "sentence": keep it with the words that follow.
    if (!ready.slice(start, end).trim()) continue;
    sends.push({ text: ready.slice(start, end), flush: true });
    start = end;
  }
  if (start < ready.length) sends.push({ text: ready.slice(start), flush: false });
  return sends;
}

/**
 * Reads `chunks` to the end, sending whole words to `target` as they arrive, then ends it. Before each
 * read it waits for `room()` when that returns a promise (the target is far enough behind: a book on
 * stdin is then read as it is spoken, not into memory). On abort it stops reading (and closes the
 * source) and returns without ending the target. Rejects if the source or the target throws.
 */
export async function feedStream(
  chunks: AsyncIterable<string>,
  target: FeedTarget,
  signal?: AbortSignal,
  room: () => Promise<void> | undefined = () => undefined,
): Promise<void> {
  const chunker = new StreamChunker();
  const iterator = chunks[Symbol.asyncIterator]();
  const aborted = abortPromise(signal);
  try {
    for (;;) {
      const wait = room();
      if (wait && (await Promise.race([wait, aborted.promise])) === ABORTED) {
        closeQuietly(iterator);
        return;
      }
      const next = iterator.next();
      // If the abort wins the race, this read may still fail later: never let that go unhandled.
      next.catch(() => undefined);
      const result = await Promise.race([next, aborted.promise]);
      if (result === ABORTED) {
        closeQuietly(iterator);
        return;
      }
      if (result.done) break;
      for (const send of chunker.push(String(result.value))) target.send(send.text, { flush: send.flush });
    }
  } catch (error) {
    closeQuietly(iterator);
    throw error;
  } finally {
    aborted.dispose();
  }
  for (const send of chunker.finish()) target.send(send.text, { flush: send.flush });
  target.end();
}

const ABORTED = Symbol('aborted');

function abortPromise(signal: AbortSignal | undefined): {
  promise: Promise<typeof ABORTED>;
  dispose: () => void;
} {
  if (!signal) return { promise: new Promise(() => undefined), dispose: () => undefined };
  let onAbort = (): void => undefined;
  const promise = new Promise<typeof ABORTED>((resolve) => {
    onAbort = () => resolve(ABORTED);
    if (signal.aborted) resolve(ABORTED);
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  return { promise, dispose: () => signal.removeEventListener('abort', onAbort) };
}

function closeQuietly(iterator: AsyncIterator<string>): void {
  try {
    void iterator.return?.()?.catch(() => undefined);
  } catch {
    // A source that fails while closing has nothing more to tell us.
  }
}
