// How much audio a stream of bytes holds, measured from the audio itself, so the timeline never has
// to trust the server's alignment for durations. Streaming: bytes arrive in arbitrary pieces.

import type { FormatInfo } from './protocol';

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
// MP3

export interface Mp3FrameHeader {
  version: 1 | 2 | 2.5;
  sampleRate: number;
  bitrateKbps: number;
  channels: 1 | 2;
  /** Whole frame, header included. */
  frameBytes: number;
  samplesPerFrame: 1152 | 576;
}

// Layer III bitrates (kbit/s) by bitrate index; index 0 (free format) and 15 (bad) are unusable.
const MPEG1_BITRATES = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const MPEG2_BITRATES = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
const MPEG1_RATES = [44100, 48000, 32000];

/** Parses a 4-byte MPEG audio layer III frame header at `offset`; undefined when it is not one. */
export function parseMp3FrameHeader(bytes: Uint8Array, offset = 0): Mp3FrameHeader | undefined {
  if (offset + 4 > bytes.length) return undefined;
  const b1 = bytes[offset + 1] ?? 0;
  const b2 = bytes[offset + 2] ?? 0;
  const b3 = bytes[offset + 3] ?? 0;
  if (bytes[offset] !== 0xff || (b1 & 0xe0) !== 0xe0) return undefined;
  const versionBits = (b1 >> 3) & 3;
  const layerBits = (b1 >> 1) & 3;
  if (versionBits === 1 || layerBits !== 1) return undefined; // reserved version, or not layer III
  const version = versionBits === 3 ? 1 : versionBits === 2 ? 2 : 2.5;
  const bitrateKbps = (version === 1 ? MPEG1_BITRATES : MPEG2_BITRATES)[(b2 >> 4) & 15];
  const baseRate = MPEG1_RATES[(b2 >> 2) & 3];
  if (!bitrateKbps || !baseRate) return undefined;
  const sampleRate = version === 1 ? baseRate : version === 2 ? baseRate / 2 : baseRate / 4;
  const samplesPerFrame = version === 1 ? 1152 : 576;
  const padding = (b2 >> 1) & 1;
  const frameBytes = Math.floor(((samplesPerFrame / 8) * bitrateKbps * 1000) / sampleRate) + padding;
  const channels = ((b3 >> 6) & 3) === 3 ? 1 : 2;
  return { version, sampleRate, bitrateKbps, channels, frameBytes, samplesPerFrame };
}

/** Bytes from the frame start to where a Xing/Info tag would sit (header + side information). */
function infoTagOffset(header: Mp3FrameHeader): number {
  if (header.version === 1) return 4 + (header.channels === 1 ? 17 : 32);
  return 4 + (header.channels === 1 ? 9 : 17);
}

const ID3_HEADER_BYTES = 10;

/** Length of an ID3v2 tag starting at `offset` (header and footer included), or undefined. */
function id3TagLength(bytes: Uint8Array, offset: number): number | undefined {
  if (bytes[offset] !== 0x49 || bytes[offset + 1] !== 0x44 || bytes[offset + 2] !== 0x33) return undefined;
  const sizeBytes = bytes.subarray(offset + 6, offset + 10);
  if (bytes[offset + 3] === 0xff || sizeBytes.some((b) => b >= 0x80)) return undefined;
  const size = sizeBytes.reduce((sum, b) => sum * 128 + b, 0);
  const hasFooter = ((bytes[offset + 5] ?? 0) & 0x10) !== 0;
  return ID3_HEADER_BYTES + size + (hasFooter ? ID3_HEADER_BYTES : 0);
}

function startsWithAscii(bytes: Uint8Array, offset: number, text: string): boolean {
  for (let i = 0; i < text.length; i++) if (bytes[offset + i] !== text.charCodeAt(i)) return false;
  return true;
}

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
  const available = bytes.length - offset;
  if (bytes[offset] === 0x49) {
    if (available < ID3_HEADER_BYTES) return 'need-more';
    const tagLength = id3TagLength(bytes, offset);
    return tagLength !== undefined ? { length: tagLength, durationMs: 0 } : { length: 1, durationMs: 0 };
  }
  if (bytes[offset] !== 0xff) return { length: 1, durationMs: 0 };
  if (available < 4) return 'need-more';
  const header = parseMp3FrameHeader(bytes, offset);
  if (!header) return { length: 1, durationMs: 0 };
  const tagAt = infoTagOffset(header);
  const canHoldTag = header.frameBytes >= tagAt + 4;
  if (canHoldTag && available < tagAt + 4) return 'need-more';
  const isInfoFrame =
    canHoldTag &&
    (startsWithAscii(bytes, offset + tagAt, 'Xing') || startsWithAscii(bytes, offset + tagAt, 'Info'));
  const durationMs = isInfoFrame ? 0 : (header.samplesPerFrame / header.sampleRate) * 1000;
  return { length: header.frameBytes, durationMs };
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
