// Feeds a text known up front (selection, clipboard) to a speech session without generating (and
// billing) much more audio than the listener will hear: the first sentence (or, when long, its first
// phrase) goes at once so speech starts immediately, the rest follows whole sentences at a time,
// keeping at most `leadMs` of audio ahead of what has been played. A stop then wastes at most that lead.

import { splitSentences } from './sentences';
import type { TextSend } from './stream-chunker';

export const DEFAULT_LEAD_MS = 8000;
/** Audio per character before any audio has arrived; typical English speech at normal speed. */
export const DEFAULT_MS_PER_CHAR = 70;
/** Sentences are grouped until a batch has at least this many chars (the server's first chunk size). */
export const MIN_BATCH_CHARS = 120;
export const MAX_BATCH_CHARS = 600;
/** A first sentence longer than this is cut at its first phrase break, so the first audio needs less text. */
export const OPENING_MAX_CHARS = 60;
/** ...but never into a scrap too short to be spoken naturally. */
const OPENING_MIN_CHARS = 20;
// A comma, semicolon, colon or dash followed by a space, or a CJK clause mark: the break is after it.
const CLAUSE_END = /[,;:\u2013\u2014]\s+|[\u3001\uff0c\uff1b\uff1a]\s*/g;
// English words that usually open a new phrase (conjunctions, common prepositions): the break is
// before them. "of" and "to" are left out, they bind too tightly to the word before.
const PHRASE_START =
  /\s(?=(?:and|but|or|so|yet|because|although|though|while|when|where|which|who|whose|that|if|unless|until|since|after|before|as|at|in|on|with|without|from|for|during|into|through|about|between|under|over)\s)/gi;
// A letter or a digit: something to say.
const HAS_WORDS = /[\p{L}\p{N}]/u;

// Keeps one odd early sample (a leading pause, a lone "Hi") from skewing the estimate wildly.
const MIN_MS_PER_CHAR = 20;
const MAX_MS_PER_CHAR = 300;

/** Where the stream and the listener are, in the source text's characters and the audio timeline. */
export interface PlaybackProgress {
  /** Audio the listener has heard. */
  playedMs: number;
  /** End of the audio received so far. */
  receivedAudioMs: number;
  /** Source characters (from the start of the text) that the server has timed. */
  voicedChars: number;
  /** Where the last timed character ends; 0 when nothing has been timed. */
  voicedAudioMs: number;
}

export interface PacerOptions {
  leadMs?: number;
  defaultMsPerChar?: number;
  minBatchChars?: number;
  maxBatchChars?: number;
}

/** What a PacedTextFeeder drives: a whole text (TextPacer) or streamed text (StreamPacer). */
export interface Pacer {
  /** The next piece to send now, or undefined when far enough ahead (or out of text for now). */
  take(progress: PlaybackProgress): TextSend | undefined;
  /** Source characters handed out so far. */
  readonly sentChars: number;
  /** Everything has been handed out and nothing more will come. */
  readonly finished: boolean;
}

/** Something text can be fed to: a speech session, or a test double recording the calls. */
export interface FeedTarget {
  send(text: string, options: { flush: boolean }): void;
  end(): void;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** Where the first phrase of at least OPENING_MIN_CHARS ends, or undefined when none does by OPENING_MAX_CHARS. */
function firstPhraseEnd(sentence: string): number | undefined {
  const ends = [...sentence.matchAll(CLAUSE_END), ...sentence.matchAll(PHRASE_START)]
    .map((match) => match.index + match[0].length)
    .filter((end) => end >= OPENING_MIN_CHARS && end <= OPENING_MAX_CHARS);
  return ends.length > 0 ? Math.min(...ends) : undefined;
}

/**
 * Splits a long opening sentence at its first natural phrase break (after a clause mark, or before
 * a word that starts a phrase) that leaves a head of at least OPENING_MIN_CHARS. Short sentences, and
 * sentences without such a break, stay whole.
 */
export function splitOpening(sentence: string): string[] {
  if (sentence.length <= OPENING_MAX_CHARS) return [sentence];
  const cut = firstPhraseEnd(sentence);
  return cut === undefined ? [sentence] : [sentence.slice(0, cut), sentence.slice(cut)];
}

/**
 * Shapes the first piece sent: the first sentence alone (its audio comes back soonest, and the next
 * batch is sent right behind it, so there is no gap), cut at a phrase break when it is long.
 */
export function withOpening(sentences: readonly string[]): string[] {
  if (sentences.length === 0) return [];
  // Blank lines or stray marks before the first words belong to the opening, or it would say nothing.
  let firstWords = 0;
  while (firstWords < sentences.length - 1 && !HAS_WORDS.test(sentences[firstWords] ?? '')) firstWords++;
  const first = sentences.slice(0, firstWords + 1).join('');
  return [...splitOpening(first), ...sentences.slice(firstWords + 1)];
}

/**
 * Estimates how far generation is ahead of the listener: audio received but not yet heard, plus the
 * audio that the text sent but not yet voiced will become.
 */
export function estimateLeadMs(
  sentChars: number,
  progress: PlaybackProgress,
  defaultMsPerChar = DEFAULT_MS_PER_CHAR,
): number {
  const timed = progress.voicedChars > 0 && progress.voicedAudioMs > 0;
  const msPerChar = timed
    ? clamp(progress.voicedAudioMs / progress.voicedChars, MIN_MS_PER_CHAR, MAX_MS_PER_CHAR)
    : defaultMsPerChar;
  // Without any alignment, infer how much text the received audio covers.
  const voicedChars = timed
    ? progress.voicedChars
    : Math.min(sentChars, progress.receivedAudioMs / defaultMsPerChar);
  const knownAudioMs = Math.max(progress.receivedAudioMs, progress.voicedAudioMs);
  const pendingAudioMs = Math.max(0, sentChars - voicedChars) * msPerChar;
  return Math.max(0, knownAudioMs - progress.playedMs) + pendingAudioMs;
}

/**
 * Decides what to send next. Pure: it never sends anything itself, so its decisions can be tested
 * against any simulated clock. The batches join back to the text, minus whitespace-only batches.
 */
export class TextPacer implements Pacer {
  readonly #sentences: string[];
  readonly #leadMs: number;
  readonly #defaultMsPerChar: number;
  readonly #minBatch: number;
  readonly #maxBatch: number;
  #next = 0;
  #offset = 0;

  constructor(text: string, options: PacerOptions = {}) {
    this.#sentences = withOpening(splitSentences(text));
    this.#leadMs = options.leadMs ?? DEFAULT_LEAD_MS;
    this.#defaultMsPerChar = options.defaultMsPerChar ?? DEFAULT_MS_PER_CHAR;
    this.#minBatch = options.minBatchChars ?? MIN_BATCH_CHARS;
    this.#maxBatch = options.maxBatchChars ?? MAX_BATCH_CHARS;
  }

  /** Source characters handed out so far (including skipped whitespace). */
  get sentChars(): number {
    return this.#offset;
  }

  get finished(): boolean {
    return this.#next >= this.#sentences.length;
  }

  /** The next batch to send now, or undefined when far enough ahead (or finished). */
  next(progress: PlaybackProgress): string | undefined {
    while (!this.finished) {
      const first = this.#next === 0;
      if (!first && estimateLeadMs(this.#offset, progress, this.#defaultMsPerChar) > this.#leadMs) {
        return undefined;
      }
      // The opening goes alone so that the first audio comes as soon as possible.
      const batch = first ? this.#take(1) : this.#takeBatch();
      // Whitespace alone would be a keep-alive on the wire; there is nothing to say anyway.
      if (batch.trim()) return batch;
    }
    return undefined;
  }

  /** next(), as a send: a whole text's batches are whole sentences, so each is flushed. */
  take(progress: PlaybackProgress): TextSend | undefined {
    const text = this.next(progress);
    return text === undefined ? undefined : { text, flush: true };
  }

  #takeBatch(): string {
    let length = 0;
    let count = 0;
    for (let i = this.#next; i < this.#sentences.length && length < this.#minBatch; i++) {
      const size = (this.#sentences[i] as string).length;
      if (count > 0 && length + size > this.#maxBatch) break;
      length += size;
      count++;
    }
    return this.#take(count);
  }

  #take(count: number): string {
    const batch = this.#sentences.slice(this.#next, this.#next + count).join('');
    this.#next += count;
    this.#offset += batch.length;
    return batch;
  }
}

/**
 * Drives a Pacer: sends the first piece on start(), then checks on a timer (the listener's position
 * moves with time, not with events) and whenever pump() is called, e.g. on new audio or new text.
 * Ends the target once the pacer is finished.
 */
export class PacedTextFeeder {
  readonly #pacer: Pacer;
  readonly #target: FeedTarget;
  readonly #progress: () => PlaybackProgress;
  readonly #pollMs: number;
  #timer: ReturnType<typeof setInterval> | undefined;
  #state: 'idle' | 'feeding' | 'ended' | 'stopped' = 'idle';

  constructor(pacer: Pacer, target: FeedTarget, progress: () => PlaybackProgress, pollMs = 200) {
    this.#pacer = pacer;
    this.#target = target;
    this.#progress = progress;
    this.#pollMs = pollMs;
  }

  get ended(): boolean {
    return this.#state === 'ended';
  }

  start(): void {
    if (this.#state !== 'idle') return;
    this.#state = 'feeding';
    this.#timer = setInterval(() => this.pump(), this.#pollMs);
    this.pump();
  }

  pump(): void {
    if (this.#state !== 'feeding') return;
    for (let piece = this.#pacer.take(this.#progress()); piece; piece = this.#pacer.take(this.#progress())) {
      this.#target.send(piece.text, { flush: piece.flush });
      // send() may have failed the session and stopped us from a listener.
      if (this.#state !== 'feeding') return;
    }
    if (this.#pacer.finished) {
      this.#clearTimer();
      this.#state = 'ended';
      this.#target.end();
    }
  }

  /** Stops feeding without ending the session (cancel, failure). */
  stop(): void {
    this.#clearTimer();
    if (this.#state !== 'ended') this.#state = 'stopped';
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
