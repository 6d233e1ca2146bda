// One connection's share of a reading. A reading resumed after a dropped connection (resume.ts) takes
// several: each starts at a word of the source text and where the audio handed over before it ends,
// and this places its words and audio on the reading's text and timeline (offsets, indices and
// startMs shifted), so the sink and the word listeners see one continuous reading.
//
// The rule that makes a resume exact: audio goes to the sink only up to the start of the first word
// whose audio has not completely arrived (the word being received, or one whose timing runs past the
// audio so far). Audio handed over keeps playing; the next connection starts at that word and its
// audio follows on, so no word is heard twice and none is skipped. Words are reported once their
// audio is handed over. The cost: the audio of the word being received waits (a few hundred ms that
// have already arrived). Cuts fall on whole samples, in MP3 on whole frames, so a resume may lose up
// to one frame (~26 ms: the end of a pause, or of the previous word's last sound).
//
// Nothing is held for opus (it cannot be cut), nor after more than MAX_HOLD_MS would be held (timing
// that never matches the text); and audio that no timing accounts for (no alignment) is handed over
// as it comes. Either way the position is then unknown, and a failure is reported, not resumed.
import { AudioHold } from './audio-hold';
import type { AudioCutter } from './audio-hold';
import type { ResumePoint } from './resume';
import type { AudioChunk } from './session';
import { WordTracker } from './word-tracker';
import type { WordBoundary } from './word-tracker';

/** More than this much audio waiting for its words means the timing does not match the text. */
export const MAX_HOLD_MS = 3000;
/** Audio this far past the last timed character is speech we cannot place (no alignment). */
const UNTIMED_SLACK_MS = 1000;

/** What may go to the sink and to word listeners now, on the reading's timeline. */
export interface Handover {
  audio: AudioChunk[];
  words: WordBoundary[];
}

/** Where this connection's stream stands, in its own characters and audio time (for pacing). */
export interface LegProgress {
  receivedAudioMs: number;
  voicedChars: number;
  voicedAudioMs: number;
}

export class ReadingLeg {
  readonly start: Readonly<ResumePoint>;
  readonly #tracker: WordTracker;
  readonly #hold: AudioHold | undefined;
  /** Completed words (this leg's own numbering and time) whose audio is not all handed over. */
  readonly #held: WordBoundary[] = [];
  #receivedMs = 0;
  #handedOverMs = 0;
  #timedChars = 0;
  #wordsHandedOver = 0;
  #holding: boolean;
  /** Audio was handed over that the words handed over do not account for. */
  #positionLost = false;

  /**
   * `text` is the source text from `start.textOffset` on (for streamed text: what has been sent so
   * far; append() adds the rest). Without a cutter nothing is held back and nothing can be resumed.
   */
  constructor(start: ResumePoint, text: string, cutter: AudioCutter | undefined) {
    this.start = { ...start };
    this.#tracker = new WordTracker(text);
    this.#hold = cutter ? new AudioHold(cutter) : undefined;
    this.#holding = cutter !== undefined;
  }

  /** Streamed text sent after the leg began. */
  append(text: string): void {
    this.#tracker.append(text);
  }

  /** End of the audio handed over, on the reading's timeline. */
  get endMs(): number {
    return this.start.audioMs + this.#handedOverMs;
  }

  get progress(): LegProgress {
    return {
      receivedAudioMs: this.#receivedMs,
      // The tracker skips whitespace the server dropped; the raw count keeps pacing going when the
      // timed text cannot be matched to the source (normalised, transliterated): never stall on either.
      voicedChars: Math.max(this.#tracker.voicedChars, this.#timedChars),
      voicedAudioMs: this.#tracker.voicedAudioMs,
    };
  }

  /** Takes a chunk from the session (its own timeline) and says what can be handed over now. */
  take(chunk: AudioChunk): Handover {
    this.#receivedMs = Math.max(this.#receivedMs, chunk.startMs + chunk.durationMs);
    this.#timedChars += chunk.chars.length;
    const completed = this.#tracker.push(chunk.chars);
    const hold = this.#hold;
    if (!hold || !this.#holding) {
      if (chunk.audio.length > 0) this.#positionLost = true;
      return this.#handOver(chunk, completed);
    }
    for (const word of completed) this.#held.push(word);
    hold.add(chunk);
    if (this.#receivedMs - hold.releasedMs > MAX_HOLD_MS) {
      this.#holding = false;
      this.#positionLost = true;
      return this.#handOver(hold.releaseAll(this.#receivedMs), this.#held.splice(0));
    }
    const released = hold.release(this.#cutMs(hold.toleranceMs));
    if (released && this.#isUntimed(released)) this.#positionLost = true;
    return this.#handOver(released, this.#releasedWords(hold));
  }

  /** The session finished: everything left goes, with the word still in progress. */
  finish(): Handover {
    const rest = this.#hold && this.#holding ? this.#hold.releaseAll(this.#receivedMs) : undefined;
    return this.#handOver(rest, [...this.#held.splice(0), ...this.#tracker.finish()]);
  }

  /**
   * After a failure: the first word whose audio was not handed over, and where the audio handed over
   * ends; past the last word when all of them were. Undefined when the position is unknown.
   */
  resumePoint(): ResumePoint | undefined {
    if (this.#positionLost) return undefined;
    const next = this.#held[0] ?? this.#tracker.nextWord;
    if (!next) {
      return {
        textOffset: this.start.textOffset + this.#tracker.sourceLength,
        wordIndex: this.start.wordIndex + this.#wordsHandedOver,
        audioMs: this.endMs,
      };
    }
    return {
      textOffset: this.start.textOffset + next.textOffset,
      wordIndex: this.start.wordIndex + next.index,
      audioMs: this.endMs,
    };
  }

  /** The start of the first word not completely received, or everything received. */
  #cutMs(toleranceMs: number): number {
    let cut = this.#receivedMs;
    const incomplete = this.#held.find(
      (word) => word.startMs + word.durationMs > this.#receivedMs + toleranceMs,
    );
    if (incomplete) cut = Math.min(cut, incomplete.startMs);
    const inProgress = this.#tracker.nextWord?.startMs;
    if (inProgress !== undefined) cut = Math.min(cut, inProgress);
    return cut;
  }

  #releasedWords(hold: AudioHold): WordBoundary[] {
    const words: WordBoundary[] = [];
    for (let word = this.#held[0]; word; word = this.#held[0]) {
      if (word.startMs + word.durationMs > hold.releasedMs + hold.toleranceMs) break;
      words.push(word);
      this.#held.shift();
    }
    return words;
  }

  /** Audio beyond anything timed: without alignment, we cannot tell which words it holds. */
  #isUntimed(chunk: AudioChunk): boolean {
    const end = chunk.startMs + chunk.durationMs;
    return this.#timedChars === 0 || end > this.#tracker.voicedAudioMs + UNTIMED_SLACK_MS;
  }

  #handOver(chunk: AudioChunk | undefined, words: readonly WordBoundary[]): Handover {
    const offset = this.start.audioMs;
    const audio: AudioChunk[] = [];
    if (chunk) {
      this.#handedOverMs = Math.max(this.#handedOverMs, chunk.startMs + chunk.durationMs);
      audio.push({
        ...chunk,
        startMs: chunk.startMs + offset,
        chars: chunk.chars.map((char) => ({ ...char, startMs: char.startMs + offset })),
      });
    }
    this.#wordsHandedOver += words.length;
    return {
      audio,
      words: words.map((word) => ({
        ...word,
        index: word.index + this.start.wordIndex,
        textOffset: word.textOffset + this.start.textOffset,
        startMs: word.startMs + offset,
      })),
    };
  }
}
