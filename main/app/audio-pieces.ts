// Cuts stored audio into pieces a streaming player can take one at a time (history replay), each
// piece ending on a boundary its decoder can handle: whole samples, or whole MP3 frames.
import { createDurationMeter, estimateFromBitrate } from '../speech/audio-duration';
import { parseMp3FrameHeader } from '../../shared/mp3-frames';
import type { FormatInfo } from '../../shared/protocol';
import type { AudioChunk } from '../speech/session';

/** About 1.5 s of 128 kbit/s MP3, or 0.5 s of 44.1 kHz PCM. */
export const DEFAULT_PIECE_BYTES = 24 * 1024;

/**
 * The first MP3 frame boundary at or after `target`, found by walking frame headers from `start`
 * (a frame's data can contain bytes that look like a header; the walk never lands inside a frame).
 * Bytes that are not a frame (an ID3 tag, garbage) are stepped over one at a time.
 */
function frameBoundaryAfter(audio: Uint8Array, start: number, target: number): number {
  let offset = start;
  while (offset < target) {
    const header = parseMp3FrameHeader(audio, offset);
    offset += header ? header.frameBytes : 1;
  }
  return Math.min(offset, audio.length);
}

function cutPoint(audio: Uint8Array, format: FormatInfo, start: number, pieceBytes: number): number {
  const target = Math.min(audio.length, start + pieceBytes);
  if (target === audio.length) return target;
  switch (format.codec) {
    case 'pcm':
      return target - ((target - start) % 2);
    case 'mp3':
      return frameBoundaryAfter(audio, start, target);
    case 'opus':
      // Opus packets cannot be found in the raw stream: hand it over whole.
      return audio.length;
    default:
      return target;
  }
}

/** Splits `audio` into chunks with their place on the timeline (no timed characters). */
export function audioPieces(
  audio: Uint8Array,
  format: FormatInfo,
  pieceBytes = DEFAULT_PIECE_BYTES,
): AudioChunk[] {
  const meter = createDurationMeter(format);
  const pieces: AudioChunk[] = [];
  let startMs = 0;
  for (let start = 0; start < audio.length;) {
    const end = Math.max(start + 1, cutPoint(audio, format, start, Math.max(2, pieceBytes)));
    const bytes = audio.subarray(start, end);
    const durationMs = meter ? meter.add(bytes) : estimateFromBitrate(bytes.length, format.bitrateKbps ?? 0);
    pieces.push({ audio: bytes, startMs, durationMs, chars: [] });
    startMs += durationMs;
    start = end;
  }
  return pieces;
}
