// What the player test page (pages/harness.mts) exposes as `window.harness`; shared with the spec.
import type { MainToPlayer, PlayerToMain } from '../../preload/api';

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
  /** Each chunk arrives up to this much early or late (deterministic pseudo-random). */
  jitterMs: number;
}

export interface FeedTiming {
  firstChunkContextTime: number;
  firstChunkWallMs: number;
}

export interface Harness {
  ready: boolean;
  /** Opens a PCM stream and feeds it a 440 Hz tone; resolves when the first chunk was handed over. */
  playTone(feed: ToneFeed): Promise<FeedTiming>;
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
