// A reading the listener can steer by sentence: back, forward, or to any sentence, at any time. The
// app (reading-job.ts) and `hark speak` on a terminal both play text through this one class.
//
// The model: the text is a list of sentences (reading-sentences.ts). Audio comes from generations:
// narrations started at a sentence (or, after a failure, at the word reached) that run on to the end
// of the text unless cancelled. Every generation's audio and word timings are kept for the life of
// the reading (kept-audio.ts: in memory up to a budget, the rest in a temporary file), so a sentence
// heard (or generated ahead) once is played again from what was kept: going back never asks a server
// and costs nothing. What the listener hears is a passage: one player stream fed
// from the kept audio, a few seconds ahead of the ear, following the generations from sentence to
// sentence. A jump starts a new passage.
//
// Decisions:
// - At most one generation is live. Jumping to a sentence that no generation has reached, and that
//   the live one is not about to reach, cancels it (its finished sentences are kept) and starts a new
//   one there, so the characters billed stay bounded by the pacing's lead, as for a stop.
// - The live generation is paced by the passage: while the listener is elsewhere (an earlier
//   sentence) it is told nothing was heard, so it generates at most its lead and then waits.
// - A cancelled generation's last sentence may be cut short: only sentences whose end it reached are
//   played from it. A failed one that the owner continues (offline fallback) chains on to the next
//   generation, which starts at the very word it stopped at.
// - Previous within PREVIOUS_GRACE_MS of a sentence's start goes to the sentence before, else back to
//   the start of this one (as Read Aloud does).
import { KeptAudio } from './kept-audio';
import type { KeptAudioOptions, KeptChunk } from './kept-audio';
import type { AudioCutter } from '../speech/audio-hold';
import { audioCutter } from '../speech/audio-hold';
import { SpeechError, defaultMessage } from '../../shared/speech-errors';
import type { AudioSink, Narration, ResumePoint, WordBoundary } from '../speech/narration';
import type { FormatInfo } from '../../shared/protocol';
import type { AudioChunk } from '../speech/session';
import { TypedEmitter } from '../speech/typed-emitter';
import { ReadingSentences } from './reading-sentences';

/** Previous within this much of a sentence's start goes to the one before. */
export const PREVIOUS_GRACE_MS = 2000;
/** Audio handed to the player ahead of what has been heard. */
export const PASSAGE_LEAD_MS = 3000;
const FEED_POLL_MS = 100;
/** Until some audio has been timed: about 15 characters a second. */
const DEFAULT_MS_PER_CHAR = 65;

/** Where the listener is, in the reading's sentences and time (times at 1×). */
export interface ReadingPlace {
  sentence: number;
  sentenceCount: number;
  elapsedMs: number;
  /** At 1×: the owner divides by the speed. */
  remainingMs: number;
}

export interface SentenceReadingEvents {
  /** A new player stream began (a jump): word times start again from 0. */
  passage: (passageId: number) => void;
  /** A word whose audio went to the player, timed on the current passage. */
  word: (word: WordBoundary) => void;
  /** The sentence being heard changed, or the place moved by a jump. */
  place: (place: ReadingPlace) => void;
}

/** How a generation that failed is carried on: a new narration from `from`, or not at all. */
export type FailurePlan = 'fail' | 'continue';

export interface SentenceReadingOptions {
  text: string;
  format: FormatInfo;
  /**
   * Starts a narration writing into `sink`, its audio timed from 0, reading from `from` up to the
   * text offset `until` (the end of the text, or where the voice changes).
   */
  generate(from: ResumePoint, sink: AudioSink, until: number): Narration;
  /**
   * Sentences where the voice changes (a paragraph in another language): a generation stops before
   * the next change, and the one for the next voice starts as soon as it has finished.
   */
  voiceChanges?: readonly number[];
  /** The text's sentences, when the owner has already split it (to find the voice changes). */
  sentences?: ReadingSentences;
  /** Opens a new player stream (the previous one, if any, is dropped by the player). */
  openPlayer(): AudioSink;
  /** A generation failed; 'continue' starts the next from where it stopped (the owner changed voice). */
  onFailure?(error: SpeechError, resumeFrom: ResumePoint | undefined): FailurePlan | Promise<FailurePlan>;
  /** How much kept audio stays in memory before the rest moves to a temporary file. */
  keptAudio?: KeptAudioOptions;
  /** Test knobs. */
  leadMs?: number;
  pollMs?: number;
}

type GenerationStatus = 'live' | 'finished' | 'cancelled' | 'failed';

/** One narration's audio and words, on its own timeline from 0. */
interface Generation {
  readonly id: number;
  readonly startSentence: number;
  /** The sentence it stops before: the next voice change, or the end of the text. */
  readonly endSentence: number;
  readonly narration: Narration;
  readonly chunks: KeptChunk[];
  readonly words: WordBoundary[];
  /** Sentence index → the time its first word starts in this generation. */
  readonly sentenceStarts: Map<number, number>;
  endMs: number;
  status: GenerationStatus;
  /** The generation that carries on exactly where this failed one stopped. */
  continuation?: Generation;
}

/** Where a passage's audio comes from: a generation, from a time on its timeline. */
interface Segment {
  generation: Generation;
  fromMs: number;
  /** Where the segment begins in the passage's stream. */
  streamMs: number;
}

interface Passage {
  readonly id: number;
  readonly sink: AudioSink;
  readonly segments: Segment[];
  /** The next audio to hand over: a time in the last segment's generation. */
  cursorMs: number;
  /** Stream time handed over so far. */
  streamMs: number;
  /** Waiting for this sentence to start in the last segment's (live) generation. */
  awaiting?: number;
  /** Index of the next word of the last segment's generation to report. */
  nextWord: number;
  ending: boolean;
}

export class SentenceReading extends TypedEmitter<SentenceReadingEvents> {
  readonly sentences: ReadingSentences;
  readonly #options: SentenceReadingOptions;
  readonly #cutter: AudioCutter | undefined;
  readonly #generations: Generation[] = [];
  readonly #kept: KeptAudio;
  /** Sentence → the generation and time it is kept at. */
  readonly #homes: ({ generation: Generation; startMs: number } | undefined)[] = [];
  #live: Generation | undefined;
  #passage: Passage | undefined;
  #passages = 0;
  #timer: ReturnType<typeof setInterval> | undefined;
  #lastPlace = -1;
  #settled = false;
  #finished!: { resolve: () => void; reject: (error: SpeechError) => void };
  readonly #done: Promise<void>;
  /** A failure no generation carries on: reported once what was generated has been heard. */
  #failure: SpeechError | undefined;

  constructor(options: SentenceReadingOptions) {
    super();
    this.#options = options;
    this.sentences = options.sentences ?? new ReadingSentences(options.text);
    this.#cutter = audioCutter(options.format);
    this.#kept = new KeptAudio(options.keptAudio);
    this.#done = new Promise<void>((resolve, reject) => (this.#finished = { resolve, reject }));
    this.#done.catch(() => undefined);
  }

  /** Starts at `sentence`; resolves once the last sentence has been heard, rejects with a SpeechError. */
  run(sentence = 0): Promise<void> {
    this.#timer = setInterval(() => this.#pump(), this.#options.pollMs ?? FEED_POLL_MS);
    this.jumpTo(sentence);
    return this.#done;
  }

  /** Stops everything: generation and playback. run() rejects with 'aborted'. */
  cancel(): void {
    this.#settle(new SpeechError('aborted', defaultMessage('aborted')));
  }

  /**
   * Lets go of the kept audio (and deletes its temporary file): after run() has settled and the
   * recording, if wanted, was taken.
   */
  close(): void {
    this.cancel();
    this.#kept.close();
  }

  /** Kept audio bytes in memory and in the temporary file. */
  keptBytes(): { memory: number; file: number } {
    return { memory: this.#kept.memoryBytes, file: this.#kept.fileBytes };
  }

  /** Sentence being heard (or about to be). */
  get currentSentence(): number {
    return this.#place().sentence;
  }

  place(): ReadingPlace {
    return this.#place();
  }

  /** Reads on from `sentence` (clamped to the text), from kept audio when there is some. */
  jumpTo(sentence: number): void {
    if (this.#settled) return;
    const target = Math.max(0, Math.min(this.sentences.count - 1, Math.floor(sentence)));
    const home = this.#playableHome(target);
    if (!home && this.#failure) return this.#settle(this.#failure);
    if (home) {
      this.#startPassage({ generation: home.generation, fromMs: home.startMs, streamMs: 0 });
    } else {
      const live = this.#live;
      const generation = live && this.#isAboutToReach(live, target) ? live : this.#generateFrom(target);
      this.#startPassage({ generation, fromMs: 0, streamMs: 0 }, generation === live ? target : undefined);
    }
    this.#pump();
  }

  previous(): void {
    const { sentence, intoMs } = this.#heardIn();
    this.jumpTo(intoMs < PREVIOUS_GRACE_MS ? sentence - 1 : sentence);
  }

  next(): void {
    const { sentence } = this.#heardIn();
    if (sentence + 1 < this.sentences.count) this.jumpTo(sentence + 1);
  }

  /**
   * The kept audio in text order, from the first sentence kept for as long as the sentences follow on,
   * for the history: whole sentences, then the words of the last one that came in.
   */
  recording(): { chunks: AudioChunk[]; durationMs: number; textStart: number; textEnd: number } | undefined {
    const first = this.#homes.findIndex((home) => home !== undefined);
    if (first < 0) return undefined;
    const chunks: AudioChunk[] = [];
    let durationMs = 0;
    let textEnd = this.sentences.start(first);
    const add = (generation: Generation, fromMs: number, toMs: number): void => {
      for (const chunk of this.#slice(generation, fromMs, toMs)) {
        chunks.push({ ...chunk, startMs: durationMs + chunk.startMs - fromMs });
      }
      durationMs += Math.max(0, toMs - fromMs);
    };
    /** A failed generation's continuation holds the rest of the sentence it stopped in, from 0. */
    let carriedInto: Generation | undefined;
    for (let sentence = first; sentence < this.sentences.count;) {
      const home = this.#homes[sentence];
      if (!home) break;
      const { generation } = home;
      let last = sentence;
      while (this.#homes[last + 1]?.generation === generation) last += 1;
      const fromMs = carriedInto === generation ? 0 : home.startMs;
      const endMs = this.#sentenceEndMs(generation, last);
      if (endMs !== undefined) {
        add(generation, fromMs, endMs);
        textEnd = this.sentences.end(last);
        sentence = last + 1;
        carriedInto = undefined;
        continue;
      }
      add(generation, fromMs, generation.endMs);
      const lastWord = generation.words.at(-1);
      if (lastWord) textEnd = Math.max(textEnd, lastWord.textOffset + lastWord.length);
      if (!generation.continuation) break;
      carriedInto = generation.continuation;
      sentence = last + 1;
      if (this.#homes[sentence]?.generation !== carriedInto) {
        // The continuation began no new sentence: its audio is all the rest of this one.
        add(carriedInto, 0, carriedInto.endMs);
        const word = carriedInto.words.at(-1);
        if (word) textEnd = Math.max(textEnd, word.textOffset + word.length);
        break;
      }
    }
    if (chunks.length === 0) return undefined;
    return { chunks, durationMs, textStart: this.sentences.start(first), textEnd };
  }

  // --- generations -------------------------------------------------------------------------------

  #generateFrom(sentence: number): Generation {
    const from: ResumePoint = {
      textOffset: this.sentences.start(sentence),
      wordIndex: this.sentences.firstWord(sentence),
      audioMs: 0,
    };
    return this.#startGeneration(sentence, from);
  }

  #startGeneration(sentence: number, from: ResumePoint): Generation {
    this.#live?.narration.cancel();
    const sinkFor = (generation: () => Generation): AudioSink => ({
      write: (chunk) => this.#onAudio(generation(), chunk),
      playedMs: () => this.#heardInGeneration(generation()),
      // The narration waits for nothing: the passage plays its audio out.
      end: () => Promise.resolve(),
    });
    const endSentence = this.#partEnd(sentence);
    const narration = this.#options.generate(
      from,
      sinkFor(() => generation),
      this.sentences.start(endSentence),
    );
    const generation: Generation = {
      id: this.#generations.length,
      startSentence: sentence,
      endSentence,
      narration,
      chunks: [],
      words: [],
      sentenceStarts: new Map(from.wordIndex === this.sentences.firstWord(sentence) ? [[sentence, 0]] : []),
      endMs: 0,
      status: 'live',
    };
    this.#generations.push(generation);
    if (generation.sentenceStarts.has(sentence)) this.#keep(sentence, generation, 0);
    this.#live = generation;
    narration.on('word', (word) => this.#onWord(generation, word));
    narration.run().then(
      () => this.#generationEnded(generation, 'finished'),
      (error: unknown) => void this.#generationFailed(generation, error),
    );
    return generation;
  }

  #onAudio(generation: Generation, chunk: AudioChunk): void {
    if (generation.status !== 'live') return;
    generation.chunks.push(this.#kept.keep(chunk));
    generation.endMs = Math.max(generation.endMs, chunk.startMs + chunk.durationMs);
    this.#pump();
  }

  // Words come right after the audio they belong to (narration.ts hands over audio, then its words).
  #onWord(generation: Generation, word: WordBoundary): void {
    generation.words.push(word);
    const sentence = this.sentences.indexOfWord(word.index);
    if (this.sentences.firstWord(sentence) === word.index && !generation.sentenceStarts.has(sentence)) {
      generation.sentenceStarts.set(sentence, word.startMs);
      this.#keep(sentence, generation, word.startMs);
    }
    const passage = this.#passage;
    const segment = passage?.segments.at(-1);
    if (passage && segment?.generation === generation) this.#reportWords(passage, segment);
  }

  /** Where a sentence is played from: the first generation that has it, until that one is of no use. */
  #keep(sentence: number, generation: Generation, startMs: number): void {
    if (!this.#playableHome(sentence)) this.#homes[sentence] = { generation, startMs };
  }

  #generationEnded(generation: Generation, status: GenerationStatus): void {
    if (generation.status === 'live') generation.status = status;
    if (this.#live === generation) this.#live = undefined;
    // The next voice starts generating now, ahead of the listener, so the change makes no gap.
    const next = generation.endSentence;
    if (status === 'finished' && next < this.sentences.count && !this.#live && !this.#settled) {
      if (!this.#playableHome(next)) this.#generateFrom(next);
    }
    this.#pump();
  }

  /** The sentence a generation started at `sentence` stops before. */
  #partEnd(sentence: number): number {
    const change = this.#options.voiceChanges?.find((start) => start > sentence);
    return change ?? this.sentences.count;
  }

  // While the owner decides (it may start another voice), the generation still counts as live: the
  // passage waits at its end instead of finishing the reading.
  async #generationFailed(generation: Generation, cause: unknown): Promise<void> {
    const error =
      cause instanceof SpeechError ? cause : new SpeechError('io_failed', defaultMessage('io_failed'));
    if (error.code === 'aborted' || generation.status !== 'live' || this.#settled) {
      return this.#generationEnded(generation, 'cancelled');
    }
    const resumeFrom = generation.narration.resumePoint;
    let plan: FailurePlan;
    try {
      plan = (await this.#options.onFailure?.(error, resumeFrom)) ?? 'fail';
    } catch {
      plan = 'fail';
    }
    generation.status = 'failed';
    // A jump meanwhile started another generation: it already reads on with whatever the owner chose.
    if (this.#live !== generation || this.#settled) return this.#pump();
    this.#live = undefined;
    if (plan === 'continue' && resumeFrom) {
      const sentence = this.sentences.indexOfWord(resumeFrom.wordIndex);
      generation.continuation = this.#startGeneration(sentence, { ...resumeFrom, audioMs: 0 });
    } else {
      this.#failure = error;
    }
    this.#pump();
  }

  /** The live generation will play `sentence` soon: it started at or before it and is at its door. */
  #isAboutToReach(generation: Generation, sentence: number): boolean {
    if (sentence < generation.startSentence) return false;
    const reached = Math.max(generation.startSentence, ...generation.sentenceStarts.keys());
    return sentence <= reached + 1;
  }

  /** Where `sentence` can be played from now: kept complete, or in the live generation. */
  #playableHome(sentence: number): { generation: Generation; startMs: number } | undefined {
    const home = this.#homes[sentence];
    if (!home) return undefined;
    if (home.generation.status === 'live' || this.#sentenceEndMs(home.generation, sentence) !== undefined) {
      return home;
    }
    return undefined;
  }

  /** Where `sentence` ends in `generation`, if its end was reached. */
  #sentenceEndMs(generation: Generation, sentence: number): number | undefined {
    const next = generation.sentenceStarts.get(sentence + 1);
    if (next !== undefined) return next;
    // A sentence that runs on into a continuation has no end here; the chain plays it whole.
    if (generation.status === 'finished' && sentence === generation.endSentence - 1) return generation.endMs;
    return undefined;
  }

  /** How far the audio of `generation` may be played: all of it, unless it was cut short. */
  #usableEndMs(generation: Generation): number {
    if (generation.status === 'live' || generation.status === 'finished' || generation.status === 'failed') {
      return generation.endMs;
    }
    // Cancelled: up to the start of the last sentence it began, which may be incomplete.
    const starts = [...generation.sentenceStarts.values()];
    return starts.length > 0 ? Math.max(...starts) : 0;
  }

  // --- passages ----------------------------------------------------------------------------------

  #startPassage(segment: Segment, awaiting?: number): void {
    const id = ++this.#passages;
    const sink = this.#options.openPlayer();
    this.#passage = {
      id,
      sink,
      segments: [segment],
      cursorMs: segment.fromMs,
      streamMs: 0,
      ...(awaiting !== undefined ? { awaiting } : {}),
      nextWord: 0,
      ending: false,
    };
    const passage = this.#passage;
    passage.nextWord = firstWordAtOrAfter(segment.generation.words, segment.fromMs);
    this.emit('passage', id);
    this.#lastPlace = -1;
  }

  /** Hands audio to the player up to the lead, moving on from generation to generation. */
  #pump(): void {
    const passage = this.#passage;
    if (this.#settled || !passage) return;
    try {
      this.#feed(passage);
      this.#reportPlace();
    } catch (error) {
      this.#settle(error instanceof SpeechError ? error : new SpeechError('io_failed', String(error)));
    }
  }

  #feed(passage: Passage): void {
    const lead = this.#options.leadMs ?? PASSAGE_LEAD_MS;
    while (!passage.ending && passage.streamMs - passage.sink.playedMs() < lead) {
      const segment = passage.segments.at(-1) as Segment;
      const { generation } = segment;
      if (passage.awaiting !== undefined) {
        const start = generation.sentenceStarts.get(passage.awaiting);
        if (start === undefined) {
          if (generation.status === 'live') return;
          passage.awaiting = undefined;
          this.#moveOn(passage, segment);
          continue;
        }
        passage.awaiting = undefined;
        segment.fromMs = start;
        passage.cursorMs = start;
        passage.nextWord = firstWordAtOrAfter(generation.words, start);
      }
      const chunk = this.#pieceAt(generation, passage.cursorMs, this.#usableEndMs(generation));
      if (chunk) {
        this.#handOver(passage, segment, chunk);
        continue;
      }
      if (generation.status === 'live') return;
      if (!this.#moveOn(passage, segment)) return;
    }
  }

  /** Past the end of a generation's usable audio: on to where the next sentence is, or the end. */
  #moveOn(passage: Passage, segment: Segment): boolean {
    const { generation } = segment;
    if (generation.continuation) {
      this.#appendSegment(passage, generation.continuation, 0);
      return true;
    }
    const next =
      generation.status === 'finished' ? generation.endSentence : this.#nextSentenceAfter(generation);
    const home = next < this.sentences.count ? this.#playableHome(next) : undefined;
    if (home) {
      this.#appendSegment(passage, home.generation, home.startMs);
      return true;
    }
    // The end of the text, or of what a failure left: play out what the player has, then finish.
    if (next >= this.sentences.count || this.#failure || generation.status === 'failed') {
      passage.ending = true;
      void this.#endPassage(passage);
      return false;
    }
    const live = this.#live;
    if (live && this.#isAboutToReach(live, next)) this.#appendSegment(passage, live, 0, next);
    else this.#appendSegment(passage, this.#generateFrom(next), 0);
    return true;
  }

  /** The first sentence whose audio `generation` does not have in full. */
  #nextSentenceAfter(generation: Generation): number {
    const starts = [...generation.sentenceStarts.keys()];
    const last = starts.length > 0 ? Math.max(...starts) : generation.startSentence;
    return this.#sentenceEndMs(generation, last) === undefined ? last : last + 1;
  }

  #appendSegment(passage: Passage, generation: Generation, fromMs: number, awaiting?: number): void {
    passage.segments.push({ generation, fromMs, streamMs: passage.streamMs });
    passage.cursorMs = fromMs;
    passage.nextWord = firstWordAtOrAfter(generation.words, fromMs);
    if (awaiting !== undefined) passage.awaiting = awaiting;
  }

  #handOver(passage: Passage, segment: Segment, chunk: AudioChunk): void {
    const streamStart = passage.streamMs;
    passage.sink.write({ ...chunk, startMs: streamStart });
    const chunkEnd = chunk.startMs + chunk.durationMs;
    passage.cursorMs = chunkEnd;
    passage.streamMs += chunk.durationMs;
    this.#reportWords(passage, segment);
  }

  /** The segment's words whose audio the player has now, timed on the passage. */
  #reportWords(passage: Passage, segment: Segment): void {
    const { words } = segment.generation;
    while (passage.nextWord < words.length) {
      const word = words[passage.nextWord] as WordBoundary;
      if (word.startMs >= passage.cursorMs) return;
      passage.nextWord += 1;
      this.emit('word', { ...word, startMs: segment.streamMs + word.startMs - segment.fromMs });
    }
  }

  async #endPassage(passage: Passage): Promise<void> {
    try {
      await passage.sink.end();
    } catch (cause) {
      if (this.#passage === passage) {
        this.#settle(cause instanceof SpeechError ? cause : new SpeechError('io_failed', String(cause)));
      }
      return;
    }
    if (this.#passage !== passage || this.#settled) return;
    this.#settle(this.#failure);
  }

  /** Audio of `generation` from `fromMs` up to `toMs`, cut where the format allows. */
  #slice(generation: Generation, fromMs: number, toMs: number): AudioChunk[] {
    const pieces: AudioChunk[] = [];
    for (let at = fromMs; ;) {
      const piece = this.#pieceAt(generation, at, toMs);
      if (!piece) return pieces;
      pieces.push(piece);
      at = piece.startMs + piece.durationMs;
    }
  }

  /** The kept audio that plays at `fromMs` (cut to start there and end by `toMs`), if any. */
  #pieceAt(generation: Generation, fromMs: number, toMs: number): AudioChunk | undefined {
    const { chunks } = generation;
    let low = 0;
    let high = chunks.length;
    // The first chunk that ends after fromMs (chunks are in time order).
    while (low < high) {
      const middle = (low + high) >> 1;
      const chunk = chunks[middle] as KeptChunk;
      if (chunk.startMs + chunk.durationMs <= fromMs + 0.5) low = middle + 1;
      else high = middle;
    }
    for (let index = low; index < chunks.length; index += 1) {
      const kept = chunks[index] as KeptChunk;
      if (kept.startMs >= toMs - 0.5) return undefined;
      let piece: AudioChunk = {
        audio: this.#kept.read(kept),
        startMs: kept.startMs,
        durationMs: kept.durationMs,
        chars: [],
      };
      if (piece.startMs < fromMs) piece = this.#dropHead(piece, fromMs - piece.startMs);
      if (piece.startMs + piece.durationMs > toMs + 0.5) piece = this.#keepHead(piece, toMs - piece.startMs);
      if (piece.audio.length > 0 && piece.durationMs > 0) return piece;
    }
    return undefined;
  }

  #dropHead(chunk: AudioChunk, ms: number): AudioChunk {
    if (!this.#cutter) return chunk;
    const head = this.#cutter.prefix(chunk.audio, ms);
    return {
      audio: chunk.audio.subarray(head.bytes),
      startMs: chunk.startMs + head.ms,
      durationMs: chunk.durationMs - head.ms,
      chars: [],
    };
  }

  #keepHead(chunk: AudioChunk, ms: number): AudioChunk {
    if (!this.#cutter) return chunk;
    const head = this.#cutter.prefix(chunk.audio, ms);
    return {
      audio: chunk.audio.subarray(0, head.bytes),
      startMs: chunk.startMs,
      durationMs: head.ms,
      chars: [],
    };
  }

  // --- where the listener is ---------------------------------------------------------------------

  /** The segment and generation time being heard now. */
  #heardAt(): { generation: Generation; ms: number } | undefined {
    const passage = this.#passage;
    if (!passage) return undefined;
    const played = passage.sink.playedMs();
    let segment = passage.segments[0] as Segment;
    for (const candidate of passage.segments) if (candidate.streamMs <= played) segment = candidate;
    return { generation: segment.generation, ms: segment.fromMs + played - segment.streamMs };
  }

  /** The sentence being heard and how far into it. */
  #heardIn(): { sentence: number; intoMs: number } {
    const heard = this.#heardAt();
    const passage = this.#passage;
    if (!heard || !passage) return { sentence: 0, intoMs: 0 };
    if (passage.awaiting !== undefined && passage.segments.length === 1) {
      return { sentence: passage.awaiting, intoMs: 0 };
    }
    let sentence = heard.generation.startSentence;
    let startMs = 0;
    for (const [index, ms] of heard.generation.sentenceStarts) {
      if (ms <= heard.ms + 0.5 && index >= sentence) {
        sentence = index;
        startMs = ms;
      }
    }
    return { sentence, intoMs: heard.ms - startMs };
  }

  /** What the live generation's pacing counts as heard: nothing while the listener is elsewhere. */
  #heardInGeneration(generation: Generation): number {
    const heard = this.#heardAt();
    const passage = this.#passage;
    if (!heard || !passage) return 0;
    if (heard.generation === generation) {
      return passage.awaiting !== undefined ? generation.endMs : heard.ms;
    }
    const last = passage.segments.at(-1);
    // Waiting at this generation's door (the next sentence): everything it has was as good as heard.
    return last?.generation === generation ? generation.endMs : 0;
  }

  #place(): ReadingPlace {
    const { sentence, intoMs } = this.#heardIn();
    const msPerChar = this.#msPerChar();
    let elapsedMs = 0;
    for (let index = 0; index < sentence; index += 1) elapsedMs += this.#sentenceMs(index, msPerChar);
    elapsedMs += intoMs;
    let totalMs = elapsedMs - intoMs;
    for (let index = sentence; index < this.sentences.count; index += 1)
      totalMs += this.#sentenceMs(index, msPerChar);
    return {
      sentence,
      sentenceCount: this.sentences.count,
      elapsedMs: Math.round(elapsedMs),
      remainingMs: Math.round(Math.max(0, totalMs - elapsedMs)),
    };
  }

  /** A sentence's length in time: measured when kept, else estimated from its characters. */
  #sentenceMs(sentence: number, msPerChar: number): number {
    const home = this.#homes[sentence];
    const end = home ? this.#sentenceEndMs(home.generation, sentence) : undefined;
    if (home && end !== undefined) return end - home.startMs;
    return (this.sentences.end(sentence) - this.sentences.start(sentence)) * msPerChar;
  }

  #msPerChar(): number {
    let ms = 0;
    let chars = 0;
    for (const generation of this.#generations) {
      const words = generation.words;
      const first = words[0];
      const last = words.at(-1);
      if (!first || !last || last === first) continue;
      ms += last.startMs - first.startMs;
      chars += last.textOffset - first.textOffset;
    }
    return chars > 200 ? ms / chars : DEFAULT_MS_PER_CHAR;
  }

  #reportPlace(): void {
    const sentence = this.#heardIn().sentence;
    if (sentence === this.#lastPlace) return;
    this.#lastPlace = sentence;
    this.emit('place', this.#place());
  }

  #settle(error: SpeechError | undefined): void {
    if (this.#settled) return;
    this.#settled = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#live?.narration.cancel();
    this.#live = undefined;
    if (error) this.#finished.reject(error);
    else this.#finished.resolve();
  }
}

function firstWordAtOrAfter(words: readonly WordBoundary[], ms: number): number {
  let index = 0;
  while (index < words.length && (words[index]?.startMs ?? 0) < ms - 0.5) index += 1;
  return index;
}
