// What the player test page (pages/harness.mts) exposes as `window.harness`; shared with the spec.
import type { OutputFormat } from '../../shared/protocol';
import type { MainToPlayer, PlayerToMain } from '../../shared/contract';

export interface Received {
  wallMs: number;
  contextTime: number;
  message: PlayerToMain;
}

export interface ToneFeed {
  streamId: number;
  sampleRate: number;
  chunks: number;
  chunkMs: number;
  /**
   * Each chunk arrives up to this much early or late (deterministic pseudo-random, about uniform,
   * its own pattern for each stream id), but never before the one ahead of it, as over one connection.
   */
  jitterMs: number;
  /** Chunks arrive this often instead of every chunkMs (faster than real time, as main feeds ahead). */
  arriveEveryMs?: number;
}

/** An encoded stream (MP3) fed in pieces of about `chunkMs` of audio, timed like a ToneFeed. */
export interface EncodedFeed {
  streamId: number;
  codec: 'mp3';
  format: OutputFormat;
  sampleRate: number;
  /** The whole stream. */
  base64: string;
  durationMs: number;
  chunkMs: number;
  jitterMs: number;
}

/** What the tap heard since the first sound: its length, and the silences inside it. */
export interface HeardStats {
  activeSeconds: number;
  /** Runs of silence at least `minGapMs` long between the first and the last sound. */
  gaps: number;
  /** The longest of those runs (0 when there is none). */
  longestGapMs: number;
  /** Where the first few gaps start, in seconds after the first sound. */
  gapsAtS: number[];
  sampleRate: number;
}

export interface FeedTiming {
  firstChunkContextTime: number;
  firstChunkWallMs: number;
}

export interface Harness {
  ready: boolean;
  /** Opens a PCM stream and feeds it a 440 Hz tone; resolves when the first chunk was handed over. */
  playTone(feed: ToneFeed): Promise<FeedTiming>;
  /** Opens an encoded stream and feeds it on the same kind of schedule. */
  playEncoded(feed: EncodedFeed): Promise<FeedTiming>;
  /** Forgets what was received and heard, for the next measurement on the same page. */
  reset(): void;
  /**
   * Gaps of at least `minGapMs` that start within `untilS` of the first sound and end after `settleS`
   * (a codec's onset).
   */
  analyse(minGapMs: number, untilS?: number, settleS?: number): Promise<HeardStats>;
  /** The player's underrun count so far. */
  underruns(): number;
  /** The jitter-buffer lead its next start would use (seconds). */
  leadS(): number;
  /** Its arrival-jitter estimate (seconds; undefined with the fixed lead rule). */
  jitterS(): number | undefined;
  /** The context's own latency figures (seconds). */
  latency(): { base: number; output: number; sampleRate: number };
  /** Everything the tap recorded since the first non-zero sample. */
  dump(): Promise<{ samples: number[]; sampleRate: number }>;
  send(message: MainToPlayer): void;
  /** Sends one chunk of raw bytes (JSON-friendly numbers) to the open stream. */
  sendBytes(streamId: number, bytes: number[]): void;
  received(): Received[];
  /** When the tap first saw sound (audio clock, and page clock when the page heard of it). */
  firstSound(): { contextTime: number; wallMs: number } | undefined;
  contextTime(): number;
}
