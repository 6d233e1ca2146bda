// Source text → speakable text, before any engine: markup made into prose (markup.ts), then, paragraph
// by paragraph in its language (language.ts), the user's words (lexicon.ts) and, for engines that do
// not normalise, numbers and symbols spelled out (numbers.ts). The offset map leads every spoken
// character back to the source, so highlighting, the reading view, history and resume point at
// what the user selected, not at what was sent. The app and the CLI both read through here.
import type { CodeBlockMode, EmojiMode } from '../../shared/settings-schema';
import { languageRuns } from './language';
import type { Lexicon } from './lexicon';
import { MarkupStream, markupEdits } from './markup';
import type { MarkupOptions } from './markup';
import { numberEdits } from './numbers';
import { OffsetMap, applyEdits } from './offset-map';
import type { TextEdit } from './offset-map';

/** A stretch of the speakable text in one language; undefined: too short or unclear to tell. */
export interface SpokenRun {
  start: number;
  end: number;
  language: string | undefined;
}

export interface SpeakableOptions {
  codeBlocks: CodeBlockMode;
  emoji: EmojiMode;
  /** The chosen voice's language (ISO 639-1): what short or undetermined paragraphs are read in. */
  language: string;
  /** Tell each paragraph's language (for voices and number words). Off: all of it is `language`. */
  detectLanguage: boolean;
  /** Spell out numbers and symbols (the engine would not, or would do it badly). */
  expandNumbers: boolean;
  lexicon?: Lexicon;
}

export interface SpeakableText {
  /** What is sent to the engine. */
  text: string;
  /** Leads offsets in `text` back to the source. */
  map: OffsetMap;
  /** Stretches of `text` in one language, covering it in order. */
  runs: SpokenRun[];
}

/** Edits for one paragraph run: the user's words first; numbers only where no word of theirs is. */
function wordEdits(text: string, language: string, options: SpeakableOptions): TextEdit[] {
  const mine = options.lexicon?.edits(text) ?? [];
  const numbers = options.expandNumbers ? numberEdits(text, language) : [];
  if (mine.length === 0 || numbers.length === 0) return mine.length === 0 ? numbers : mine;
  const kept: TextEdit[] = [];
  let next = 0;
  for (const edit of numbers) {
    // Both lists are sorted and free of overlaps, so their ends are sorted too.
    while (next < mine.length && (mine[next] as TextEdit).end <= edit.start) next += 1;
    const own = mine[next];
    if (own === undefined || own.start >= edit.end) kept.push(edit);
  }
  return [...mine, ...kept].sort((a, b) => a.start - b.start || a.end - b.end);
}

function markupOptions(options: SpeakableOptions): MarkupOptions {
  return { codeBlocks: options.codeBlocks, emoji: options.emoji, language: options.language };
}

/** A whole text, made speakable. */
export function makeSpeakable(source: string, options: SpeakableOptions): SpeakableText {
  const prose = new OffsetMap();
  const cleaned = applyEdits(source, markupEdits(source, markupOptions(options)), prose);
  const paragraphs = options.detectLanguage
    ? languageRuns(cleaned, options.language)
    : [{ start: 0, end: cleaned.length, language: options.language, told: false }];
  const map = new OffsetMap(prose);
  const runs: SpokenRun[] = [];
  let text = '';
  for (const run of paragraphs) {
    const piece = cleaned.slice(run.start, run.end);
    const start = text.length;
    text += applyEdits(piece, wordEdits(piece, run.language, options), map);
    // An assumed language (a short text) is the voice's own: no reason to name it or change voice.
    runs.push({ start, end: text.length, language: run.told ? run.language : undefined });
  }
  return { text, map, runs };
}

/**
 * Streamed prose is held back to a sentence end or a line break: "3 March 2025" must not be split.
 * markup.ts releases text up to a space, so a mark at the end of what is held has a space after it.
 */
const SPOKEN_BOUNDARY = /[.!?…:;](?=\s|$)|[。！？]|\n/g;
/** Beyond this, held prose goes at its last space anyway (a stream with no sentence ends). */
const MAX_HELD_PROSE = 2000;

/**
 * Text that arrives in pieces (a stream on stdin), made speakable as it comes: markup is cleaned as
 * soon as markup.ts can tell it (it holds back an unfinished `**` or link), the words of a sentence
 * once its end has arrived, in the one language given (a stream is not split by language: its voice
 * is chosen before it starts).
 */
export class SpeakableStream {
  readonly #options: SpeakableOptions;
  readonly #markup: MarkupStream;
  readonly #prose = new OffsetMap();
  readonly map = new OffsetMap(this.#prose);
  /** Cleaned text whose sentence has not ended yet. */
  #held = '';
  /** A space was sent ahead of the source's own, which comes at the start of the next prose. */
  #spaceSent = false;

  constructor(options: SpeakableOptions) {
    this.#options = options;
    this.#markup = new MarkupStream(markupOptions(options));
  }

  /** The speakable text the piece completes ('' while it is held back). */
  push(chunk: string): string {
    this.#clean(this.#markup.push(chunk));
    return this.#speak(this.#safeEnd());
  }

  /** The input ended: the rest. */
  end(): string {
    this.#clean(this.#markup.end());
    return this.#speak(this.#held.length, true);
  }

  /** Nothing handed on so far will be led back to the source: let its map go. */
  release(): void {
    this.map.release(this.map.spokenLength);
  }

  #clean(units: readonly { text: string; edits: TextEdit[] }[]): void {
    for (const unit of units) this.#held += applyEdits(unit.text, unit.edits, this.#prose);
  }

  /** How much of the held prose ends at a sentence end or a line break. */
  #safeEnd(): number {
    let end = 0;
    SPOKEN_BOUNDARY.lastIndex = 0;
    for (let match = SPOKEN_BOUNDARY.exec(this.#held); match; match = SPOKEN_BOUNDARY.exec(this.#held)) {
      end = match.index + match[0].length;
    }
    if (end === 0 && this.#held.length > MAX_HELD_PROSE) {
      end = this.#held.lastIndexOf(' ') + 1 || this.#held.length;
    }
    return end;
  }

  #speak(length: number, final = false): string {
    if (length <= 0) return '';
    let prose = this.#held.slice(0, length);
    this.#held = this.#held.slice(length);
    if (this.#spaceSent && /^\s/.test(prose)) {
      // Said already (see below): this space stands for it.
      this.map.replace(1, 0);
      prose = prose.slice(1);
    }
    this.#spaceSent = false;
    let spoken = applyEdits(prose, wordEdits(prose, this.#options.language, this.#options), this.map);
    if (!final && this.#held === '' && !/\s$/.test(spoken)) {
      // The sentence ends where markup.ts stopped, just before a space it still holds; without a
      // space the narration could not tell that the last word is whole, and would wait for more.
      this.map.replace(0, 1);
      spoken += ' ';
      this.#spaceSent = true;
    }
    return spoken;
  }
}

/**
 * Stream pieces made speakable, for a narration's streamed source. Nothing leads the words of a
 * stream back to its source (no highlight follows a pipe), so what was handed on is released from
 * the map: a book of any length keeps the map at the size of one piece.
 */
export async function* speakableChunks(
  chunks: AsyncIterable<string>,
  stream: SpeakableStream,
): AsyncGenerator<string> {
  for await (const chunk of chunks) {
    const spoken = stream.push(chunk);
    stream.release();
    if (spoken) yield spoken;
  }
  const rest = stream.end();
  if (rest) yield rest;
}
