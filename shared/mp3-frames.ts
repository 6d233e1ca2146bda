// MPEG audio Layer III framing, the one reading of it that the main process (audio durations, cutting
// kept audio at frame boundaries) and the player (splitting a stream into frames for the decoder)
// share, so the two cannot disagree about where a frame starts, how long it lasts, or whether it is
// audio at all. Plain functions over bytes: no Node or browser API.
//
// A header is taken only when every field is valid (free-format and reserved bitrates, reserved
// sample rates and the reserved emphasis are refused); an ID3v2 tag is recognised by its magic, a
// valid version byte and sync-safe size; a Xing/Info frame (encoder metadata, no audio) is found
// after the header, its CRC if any, and the side information.

export type MpegVersion = '1' | '2' | '2.5';

export interface Mp3FrameHeader {
  version: MpegVersion;
  bitrateKbps: number;
  sampleRate: number;
  channels: 1 | 2;
  /** Samples per channel in this frame: 1152 (MPEG-1) or 576 (MPEG-2 and 2.5). */
  samplesPerFrame: 1152 | 576;
  /** Whole frame in bytes, header included. */
  frameBytes: number;
  hasCrc: boolean;
}

export const MP3_HEADER_BYTES = 4;
export const ID3_HEADER_BYTES = 10;

const LAYER_III_KBPS: Record<'1' | '2', readonly number[]> = {
  '1': [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  '2': [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const MPEG1_RATES = [44_100, 48_000, 32_000];
const RATE_DIVISOR: Record<MpegVersion, number> = { '1': 1, '2': 2, '2.5': 4 };
const VERSION_BITS: Record<number, MpegVersion | undefined> = { 0: '2.5', 2: '2', 3: '1' };

/** The header at `offset`, or undefined when those 4 bytes are not a valid Layer III frame header. */
export function parseMp3FrameHeader(bytes: Uint8Array, offset = 0): Mp3FrameHeader | undefined {
  if (offset + MP3_HEADER_BYTES > bytes.length) return undefined;
  const b1 = bytes[offset + 1] ?? 0;
  const b2 = bytes[offset + 2] ?? 0;
  const b3 = bytes[offset + 3] ?? 0;
  if (bytes[offset] !== 0xff || (b1 & 0xe0) !== 0xe0) return undefined;
  const version = VERSION_BITS[(b1 >> 3) & 0x03];
  const isLayerIII = ((b1 >> 1) & 0x03) === 0x01;
  const bitrateIndex = b2 >> 4;
  const rateIndex = (b2 >> 2) & 0x03;
  const reservedEmphasis = (b3 & 0x03) === 0x02;
  if (
    !version ||
    !isLayerIII ||
    bitrateIndex === 0 ||
    bitrateIndex === 15 ||
    rateIndex === 3 ||
    reservedEmphasis
  ) {
    return undefined;
  }
  const bitrateKbps = LAYER_III_KBPS[version === '1' ? '1' : '2'][bitrateIndex] ?? 0;
  const sampleRate = (MPEG1_RATES[rateIndex] ?? 0) / RATE_DIVISOR[version];
  const samplesPerFrame = version === '1' ? 1152 : 576;
  const padding = (b2 >> 1) & 0x01;
  const frameBytes = Math.floor(((samplesPerFrame / 8) * bitrateKbps * 1000) / sampleRate) + padding;
  const channels = b3 >> 6 === 0x03 ? 1 : 2;
  return {
    version,
    bitrateKbps,
    sampleRate,
    channels,
    samplesPerFrame,
    frameBytes,
    hasCrc: (b1 & 0x01) === 0,
  };
}

/** A frame's length in milliseconds. */
export function mp3FrameMs(header: Mp3FrameHeader): number {
  return (header.samplesPerFrame / header.sampleRate) * 1000;
}

/**
 * Whether an ID3v2 tag starts at `offset`, and how long it is (header and footer included):
 * 'none' when it is not one, 'need-more' when the bytes so far cannot tell.
 */
export function id3TagLength(bytes: Uint8Array, offset: number): number | 'none' | 'need-more' {
  const available = bytes.length - offset;
  const magic = [0x49, 0x44, 0x33]; // "ID3"
  for (let i = 0; i < Math.min(3, available); i++) if (bytes[offset + i] !== magic[i]) return 'none';
  if (available < ID3_HEADER_BYTES) return 'need-more';
  const size = bytes.subarray(offset + 6, offset + 10);
  if (bytes[offset + 3] === 0xff || size.some((byte) => byte >= 0x80)) return 'none';
  const body = size.reduce((total, byte) => total * 128 + byte, 0);
  const footer = (bytes[offset + 5] ?? 0) & 0x10 ? ID3_HEADER_BYTES : 0;
  return ID3_HEADER_BYTES + body + footer;
}

/** Bytes from the frame's start to where a Xing/Info tag would be: header, CRC, side information. */
export function infoTagOffset(header: Mp3FrameHeader): number {
  const sideInfo =
    header.version === '1' ? (header.channels === 1 ? 17 : 32) : header.channels === 1 ? 9 : 17;
  return MP3_HEADER_BYTES + (header.hasCrc ? 2 : 0) + sideInfo;
}

/**
 * Whether the frame at `offset` is a Xing/Info frame; 'need-more' while the bytes that say so have
 * not arrived. A frame too short to hold the tag is audio.
 */
export function isInfoFrame(
  bytes: Uint8Array,
  offset: number,
  header: Mp3FrameHeader,
): boolean | 'need-more' {
  const at = infoTagOffset(header);
  if (header.frameBytes < at + 4) return false;
  if (bytes.length - offset < at + 4) return 'need-more';
  const tag = asciiAt(bytes, offset + at, 4);
  return tag === 'Xing' || tag === 'Info';
}

/** `length` bytes at `offset` as ASCII text (tag names: "ID3", "Xing", "LAME"). */
export function asciiAt(bytes: Uint8Array, offset: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(offset, offset + length));
}
