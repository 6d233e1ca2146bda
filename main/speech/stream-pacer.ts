// Streamed text (stdin, an LLM's output) paced like a whole text. What arrives is queued and goes out
// while less than `leadMs` of audio is waiting ahead of the listener (or of the file writer), so a book
// piped in whole is read with the same bounded lead as an article, while text that trickles in (slower
// than it is spoken) goes out as soon as it comes.
import type { TextSend } from './stream-chunker';
import {
  DEFAULT_LEAD_MS,
  DEFAULT_MS_PER_CHAR,
  MAX_BATCH_CHARS,
  MIN_BATCH_CHARS,
  estimateLeadMs,
} from './text-pacer';
import type { Pacer, PlaybackProgress } from './text-pacer';

export interface StreamPacerOptions {
  leadMs?: number;
  defaultMsPerChar?: number;
}

export class StreamPacer implements Pacer {
  readonly #queue: TextSend[] = [];
  readonly #leadMs: number;
  readonly #defaultMsPerChar: number;
  #queuedChars = 0;
  #sentChars = 0;
  #ended = false;

  constructor(options: StreamPacerOptions = {}) {
    this.#leadMs = options.leadMs ?? DEFAULT_LEAD_MS;
    this.#defaultMsPerChar = options.defaultMsPerChar ?? DEFAULT_MS_PER_CHAR;
  }

  /** Text that arrived (whole words; flushed at sentence ends). */
  push(send: TextSend): void {
    if (this.#ended || send.text.length === 0) return;
    this.#queue.push({ ...send });
    this.#queuedChars += send.text.length;
  }

  /** The source has ended: once the queue is empty, so is the reading's text. */
  end(): void {
    this.#ended = true;
  }

  get sentChars(): number {
    return this.#sentChars;
  }

  /** Characters that arrived and wait to be sent. */
  get queuedChars(): number {
    return this.#queuedChars;
  }

  get finished(): boolean {
    return this.#ended && this.#queue.length === 0;
  }

  take(progress: PlaybackProgress): TextSend | undefined {
    if (this.#queue.length === 0) return undefined;
    // The first piece goes at once, alone, so the first audio comes as soon as possible.
    if (this.#sentChars === 0) return this.#send(1);
    if (estimateLeadMs(this.#sentChars, progress, this.#defaultMsPerChar) > this.#leadMs) return undefined;
    return this.#send(this.#batchLength());
  }

  /** Queued pieces up to a natural batch: at least MIN_BATCH_CHARS ending at a sentence, at most MAX. */
  #batchLength(): number {
    let length = 0;
    let count = 0;
    for (const piece of this.#queue) {
      if (count > 0 && length + piece.text.length > MAX_BATCH_CHARS) break;
      length += piece.text.length;
      count++;
      if (piece.flush && length >= MIN_BATCH_CHARS) break;
    }
    return count;
  }

  #send(count: number): TextSend {
    const pieces = this.#queue.splice(0, count);
    const text = pieces.map((piece) => piece.text).join('');
    this.#queuedChars -= text.length;
    this.#sentChars += text.length;
    return { text, flush: pieces[pieces.length - 1]?.flush ?? false };
  }
}
