// The vocabulary shared by the reading controller, its jobs and the app's services (re-exported from
// reading-controller.ts). The types that cross to the renderer are the contract's (shared/contract.ts)
// and are re-exported here with the rest.
import type { AudioSink, WordBoundary } from '../speech/narration';
import type { ReadOutcome } from '../../shared/contract';
import type { FormatInfo } from '../../shared/protocol';

export type {
  AppState,
  ReadingPosition,
  ReadingSource,
  ReadingText,
  ReadingView,
  ReadOutcome,
} from '../../shared/contract';

/**
 * Plays audio; implemented by the player window adapter (Web Audio in a hidden renderer). It plays
 * one reading at a time: open() starts a new playback, pause/resume/stop act on the current one.
 * The sink's end() resolves once everything written has been heard (or playback was stopped).
 */
export interface PlayerPort {
  open(format: FormatInfo): AudioSink;
  pause(): void;
  resume(): void;
  stop(): void;
  /** How fast to play, pitch kept (0.5 to 3); positions stay in the audio's own time. */
  setSpeed(speed: number): void;
  /**
   * Hears how far the current playback has been heard (ms from its start), each time the player
   * reports it. Only the open playback reports: once stopped or replaced, it is silent.
   */
  onProgress(listener: (playedMs: number) => void): () => void;
}

/** How far a reading has been heard, on the timeline of its words' startMs (the contract's PlaybackProgress). */
export interface PlaybackEvent {
  readingId: number;
  playedMs: number;
  speed: number;
}

/** A word whose audio has arrived, for the caption overlay. */
export type WordEvent = WordBoundary & {
  /** Counts readings in this process, so the overlay can tell a new reading from the last one. */
  readingId: number;
  /** The word as written in the source text. */
  text: string;
  /** The sentence the word belongs to, and where it starts in the source text (UTF-16 units). */
  sentence: { text: string; offset: number };
};

export type NoticeCode = 'text_truncated' | 'offline_fallback' | 'history_failed';

/** Something the user should be told (a notification), though the reading goes on. */
export interface ReadingNotice {
  code: NoticeCode;
  message: string;
}

export type ReadResult =
  | { ok: true; outcome: ReadOutcome; truncated: boolean }
  | { ok: false; code: 'empty_text' | 'text_too_long'; message: string };
