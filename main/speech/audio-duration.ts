// How much audio a stream of bytes holds, measured from the audio itself, so the timeline never has
// to trust the server's alignment for durations. Streaming: bytes arrive in arbitrary pieces.

import {
  MP3_HEADER_BYTES,
  id3TagLength,
  isInfoFrame,
  mp3FrameMs,
  parseMp3FrameHeader,
} from '../../shared/mp3-frames';
import type { FormatInfo } from '../../shared/protocol';

/** Measures a stream of audio bytes; `add` returns the milliseconds completed by those bytes. */
export interface DurationMeter {
  add(bytes: Uint8Array): number;
  /** Total audio measured so far, in milliseconds. */
  readonly totalMs: number;
}

/**
 * A meter for a format whose duration can be read from its bytes (pcm, ulaw, alaw, mp3), or
 * undefined for opus, whose duration the session estimates instead (see session.ts).
 */
export function createDurationMeter(format: FormatInfo): DurationMeter | undefined {
  switch (format.codec) {
    case 'pcm':
      return new SampleMeter(2, format.sampleRate);
    case 'ulaw':
    case 'alaw':
      return new SampleMeter(1, format.sampleRate);
    case 'mp3':
      return new Mp3FrameMeter();
    case 'opus':
      return undefined;
  }
}

/** Fixed-size samples (mono): a sample split across two chunks counts when its last byte arrives. */
export class SampleMeter implements DurationMeter {
  private bytes = 0;

  constructor(
    private readonly bytesPerSample: number,
    private readonly sampleRate: number,
  ) {}

  get totalMs(): number {
    return (Math.floor(this.bytes / this.bytesPerSample) / this.sampleRate) * 1000;
  }

  add(bytes: Uint8Array): number {
    const before = this.totalMs;
    this.bytes += bytes.length;
    return this.totalMs - before;
  }
}

/** A rough duration for audio we cannot parse (opus): bytes at the nominal bitrate. */
export function estimateFromBitrate(byteCount: number, bitrateKbps: number): number {
  return bitrateKbps > 0 ? (byteCount * 8) / bitrateKbps : 0;
}

// ---------------------------------------------------------------------------------------------
// MP3 (the framing is shared/mp3-frames.ts, as in the player)

/** One step through an MP3 stream: a frame or tag (with its duration), or one stray byte (0 ms). */
interface Mp3Unit {
  length: number;
  durationMs: number;
}

/**
 * What starts at `offset`: a frame, an ID3v2 tag, or a stray byte; 'need-more' when the bytes so far
 * cannot tell. Xing/Info frames (encoder metadata, no audio) and tags last 0 ms.
 */
function mp3UnitAt(bytes: Uint8Array, offset: number): Mp3Unit | 'need-more' {
  const tag = id3TagLength(bytes, offset);
  if (tag === 'need-more') return 'need-more';
  if (tag !== 'none') return { length: tag, durationMs: 0 };
  if (bytes[offset] !== 0xff) return { length: 1, durationMs: 0 };
  if (bytes.length - offset < MP3_HEADER_BYTES) return 'need-more';
  const header = parseMp3FrameHeader(bytes, offset);
  if (!header) return { length: 1, durationMs: 0 };
  const info = isInfoFrame(bytes, offset, header);
  if (info === 'need-more') return 'need-more';
  return { length: header.frameBytes, durationMs: info ? 0 : mp3FrameMs(header) };
}

/**
 * The longest run of whole frames and tags at the start of `bytes` that lasts at most `maxMs` (a
 * decoder can play it on its own). `bytes` must start at a frame or tag boundary.
 */
export function mp3Prefix(bytes: Uint8Array, maxMs: number): { bytes: number; ms: number } {
  let offset = 0;
  let ms = 0;
  while (offset < bytes.length) {
    const unit = mp3UnitAt(bytes, offset);
    if (unit === 'need-more' || offset + unit.length > bytes.length) break;
    if (ms + unit.durationMs > maxMs + 1e-6) break;
    offset += unit.length;
    ms += unit.durationMs;
  }
  return { bytes: offset, ms };
}

/**
 * Sums MPEG layer III frame durations from their headers. Frames (and headers) may be split across
 * chunks at any byte; a frame's duration counts when its last byte arrives, because that is when a
 * decoder can play it. Xing/Info frames (encoder metadata, no audio) and ID3v2 tags count zero;
 * bytes that are neither (garbage, a lost sync) are skipped until the next valid header.
 */
export class Mp3FrameMeter implements DurationMeter {
  private total = 0;
  /** Unconsumed bytes that may start a header or tag we cannot judge yet (at most ~40 bytes). */
  private carry = new Uint8Array(0);
  /** Bytes of the current frame or tag still to skip, and that frame's duration. */
  private remaining = 0;
  private remainingMs = 0;

  get totalMs(): number {
    return this.total;
  }

  add(chunk: Uint8Array): number {
    const bytes = this.withCarry(chunk);
    let completedMs = 0;
    let offset = 0;
    while (offset < bytes.length) {
      if (this.remaining > 0) {
        const skipped = Math.min(this.remaining, bytes.length - offset);
        offset += skipped;
        this.remaining -= skipped;
        if (this.remaining === 0) completedMs += this.remainingMs;
        continue;
      }
      const unit = mp3UnitAt(bytes, offset);
      if (unit === 'need-more') break;
      // Skipped as its bytes arrive; its duration counts with its last byte.
      this.remaining = unit.length;
      this.remainingMs = unit.durationMs;
    }
    this.carry = bytes.slice(offset);
    this.total += completedMs;
    return completedMs;
  }

  private withCarry(chunk: Uint8Array): Uint8Array {
    if (this.carry.length === 0) return chunk;
    const joined = new Uint8Array(this.carry.length + chunk.length);
    joined.set(this.carry);
    joined.set(chunk, this.carry.length);
    return joined;
  }
}
