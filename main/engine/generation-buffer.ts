// Decides when buffered text becomes a generation, the way the ElevenLabs server does: at the chunk
// length schedule's thresholds, on flush, on try_trigger_generation, at sentence ends in auto mode, and
// at the end of input. Pure and synchronous; the server feeds it messages and speaks what it returns.
//
// Every piece of text added comes back out exactly once, in order: the generations joined, plus what is
// still buffered, equal the text added. The one exception is whitespace left at the end of input,
// which is dropped because there is nothing to speak.
import { DEFAULT_CHUNK_SCHEDULE } from '../../shared/protocol';
import { splitSentences } from '../speech/sentences';

/** try_trigger_generation only generates once more than this many characters are buffered. */
export const TRY_TRIGGER_MIN_CHARS = 50;
/** Longer generations are split at sentence ends, so the first audio comes quickly. */
export const MAX_GENERATION_CHARS = 300;
/** Below this share of the threshold, an early sentence end is passed over for a word boundary. */
const MIN_SENTENCE_SHARE = 0.4;

export interface GenerationBufferOptions {
  schedule?: readonly number[];
  autoMode?: boolean;
}

export interface AddOptions {
  flush?: boolean;
  tryTrigger?: boolean;
}

const WHITESPACE = /\s/u;
const isBlank = (text: string): boolean => text.trim() === '';

/** Offsets just past each piece of `splitSentences(text)`, without text.length itself. */
function sentenceBoundaries(text: string): number[] {
  const ends: number[] = [];
  let offset = 0;
  for (const piece of splitSentences(text)) {
    offset += piece.length;
    if (offset < text.length) ends.push(offset);
  }
  return ends;
}

/** Offsets just past a whitespace character that follows some non-blank text: where words end. */
function wordBoundaries(text: string): number[] {
  const ends: number[] = [];
  let seenWord = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (!WHITESPACE.test(char)) seenWord = true;
    else if (seenWord && (i + 1 === text.length || !WHITESPACE.test(text[i + 1] as string))) ends.push(i + 1);
  }
  return ends;
}

const SENTENCE_CLOSE =
  /(?:[.!?…‼⁇⁈⁉]["'”’»›)\]}]*\s+|[。！？｡]["'”’»›)\]}」』）〉》】〕]*\s*|[\n\r\u2028\u2029]\s*)$/u;

/**
 * Whether the text ends exactly at a sentence end. splitSentences cannot tell for the last piece (the
 * next word decides "Dr. Smith" versus "home. Then"), so probe with a capitalised word after it.
 */
export function endsWithCompleteSentence(text: string): boolean {
  if (!SENTENCE_CLOSE.test(text)) return false;
  const pieces = splitSentences(`${text}X`);
  return pieces.length > 1 && pieces[pieces.length - 1] === 'X';
}

function lastAtMost(offsets: number[], limit: number): number | undefined {
  let best: number | undefined;
  for (const offset of offsets) if (offset <= limit) best = offset;
  return best;
}

/** Never cut between the halves of a surrogate pair. */
function safeCut(text: string, at: number): number {
  const code = text.charCodeAt(at - 1);
  return code >= 0xd800 && code <= 0xdbff ? at - 1 : at;
}

/**
 * Where a threshold generation ends: the last sentence end at or below the threshold if it is not
 * too early, else the last word boundary, else (one very long word) the first word boundary after
 * it, else (text without spaces, like Chinese) the threshold itself.
 */
export function scheduleCut(text: string, limit: number): number {
  const complete = text.length <= limit && endsWithCompleteSentence(text);
  const sentence = complete ? text.length : lastAtMost(sentenceBoundaries(text), limit);
  if (sentence !== undefined && sentence >= limit * MIN_SENTENCE_SHARE) return sentence;
  const words = wordBoundaries(text);
  const word = lastAtMost(words, limit) ?? words[0];
  if (word !== undefined) return word;
  return sentence ?? safeCut(text, Math.min(limit, text.length));
}

/** Groups sentences into generations of at most MAX_GENERATION_CHARS (a longer sentence is split). */
export function splitLongGeneration(text: string, maxChars = MAX_GENERATION_CHARS): string[] {
  if (text.length <= maxChars) return [text];
  const groups: string[] = [];
  let group = '';
  for (const sentence of splitSentences(text)) {
    if (group !== '' && group.length + sentence.length > maxChars) {
      groups.push(group);
      group = '';
    }
    group += sentence;
  }
  if (group !== '') groups.push(group);
  return groups;
}

export class GenerationBuffer {
  private text = '';
  private generated = 0;
  private readonly schedule: readonly number[];
  private readonly autoMode: boolean;

  constructor(options: GenerationBufferOptions = {}) {
    this.schedule =
      options.schedule && options.schedule.length > 0 ? options.schedule : DEFAULT_CHUNK_SCHEDULE;
    this.autoMode = options.autoMode ?? false;
  }

  /** Text received but not generated yet. */
  get buffered(): string {
    return this.text;
  }

  /** The threshold the next scheduled generation waits for. */
  get nextThreshold(): number {
    const last = this.schedule[this.schedule.length - 1] as number;
    return this.schedule[this.generated] ?? last;
  }

  /** Adds a message's text; returns the generations now due, in order. */
  add(text: string, options: AddOptions = {}): string[] {
    this.text += text;
    const due: string[] = [];
    if (options.flush) this.takeEverything(due);
    else if (this.autoMode) this.takeSentences(due);
    else this.takeScheduled(due);
    if (options.tryTrigger && this.text.length > TRY_TRIGGER_MIN_CHARS) this.takeWholeWords(due);
    return due.flatMap((generation) => splitLongGeneration(generation));
  }

  /** End of input: everything still buffered (whitespace alone is dropped). */
  end(): string[] {
    const rest = this.text;
    this.text = '';
    return isBlank(rest) ? [] : splitLongGeneration(rest);
  }

  private take(cut: number, due: string[]): void {
    due.push(this.text.slice(0, cut));
    this.text = this.text.slice(cut);
    this.generated++;
  }

  /** flush: everything, even a word in progress; whitespace alone waits for the next text. */
  private takeEverything(due: string[]): void {
    if (!isBlank(this.text)) this.take(this.text.length, due);
  }

  private takeScheduled(due: string[]): void {
    while (this.text.length >= this.nextThreshold && !isBlank(this.text)) {
      this.take(scheduleCut(this.text, this.nextThreshold), due);
    }
  }

  /**
   * auto_mode: every complete sentence at once, no schedule. Text that never reaches a sentence end
   * is still generated at a word boundary once it passes the schedule's largest threshold, so a
   * client streaming unpunctuated text is not left in silence.
   */
  private takeSentences(due: string[]): void {
    if (isBlank(this.text)) return;
    const cut = endsWithCompleteSentence(this.text)
      ? this.text.length
      : sentenceBoundaries(this.text)
          .filter((end) => !isBlank(this.text.slice(0, end)))
          .pop();
    if (cut !== undefined) {
      this.take(cut, due);
      return;
    }
    const longest = Math.max(...this.schedule);
    if (this.text.length >= longest) this.take(scheduleCut(this.text, longest), due);
  }

  /** try_trigger_generation: everything up to the last complete word. */
  private takeWholeWords(due: string[]): void {
    const words = wordBoundaries(this.text);
    const cut = words[words.length - 1] ?? sentenceBoundaries(this.text).pop();
    if (cut !== undefined && !isBlank(this.text.slice(0, cut))) this.take(cut, due);
  }
}
