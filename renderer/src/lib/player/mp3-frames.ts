// Cuts an MP3 byte stream, which arrives split at arbitrary byte boundaries, into whole MPEG audio
// Layer III frames a WebCodecs AudioDecoder can take one at a time. ID3v2 tags are skipped; other
// bytes that are not a frame are passed over until a frame header turns up again (resync on the
// 11-bit sync word, confirmed by the next frame's header so a stray 0xFF byte is not taken for one).
// A leading Xing/Info frame is metadata, not audio: it is dropped and its LAME tag, when present,
// tells how many samples of encoder delay and padding to trim. The framing itself (headers, tags,
// info frames) is shared/mp3-frames.ts, shared with the main process's duration meter.
import {
  MP3_HEADER_BYTES,
  asciiAt,
  id3TagLength,
  infoTagOffset,
  isInfoFrame,
  parseMp3FrameHeader,
} from '../../../../shared/mp3-frames';
import type { Mp3FrameHeader } from '../../../../shared/mp3-frames';

export interface Mp3Frame {
  header: Mp3FrameHeader;
  bytes: Uint8Array;
  /** Presentation time of its first sample, in microseconds from the stream's start. */
  timestampUs: number;
}

/** What a LAME tag says about the silence the encoder added. */
export interface Mp3Gapless {
  /** Samples the encoder put in front of the audio. */
  encoderDelay: number;
  /** Samples it appended to fill the last frame. */
  padding: number;
  /** Frames of audio in the file (the info frame not counted), when the tag gives it. */
  frames: number | undefined;
}

function readUint32(bytes: Uint8Array, offset: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset + offset, 4).getUint32(0);
}

/**
 * If this frame is a Xing/Info frame: what its LAME tag says (zero delay when there is no LAME tag).
 * Undefined for an ordinary audio frame.
 */
export function readInfoFrame(frame: Uint8Array, header: Mp3FrameHeader): Mp3Gapless | undefined {
  let at = infoTagOffset(header);
  if (isInfoFrame(frame, 0, header) !== true || at + 8 > frame.length) return undefined;
  const flags = readUint32(frame, at + 4);
  at += 8;
  const frames = flags & 0x01 && at + 4 <= frame.length ? readUint32(frame, at) : undefined;
  at += (flags & 0x01 ? 4 : 0) + (flags & 0x02 ? 4 : 0) + (flags & 0x04 ? 100 : 0) + (flags & 0x08 ? 4 : 0);
  // The LAME tag: 9 bytes of encoder name, then 12 more, then 12 bits of delay and 12 of padding.
  const hasLameTag = at + 24 <= frame.length && /^(LAME|Lavc|Lavf)/.test(asciiAt(frame, at, 4));
  if (!hasLameTag) return { encoderDelay: 0, padding: 0, frames };
  const b0 = frame[at + 21] ?? 0;
  const b1 = frame[at + 22] ?? 0;
  const b2 = frame[at + 23] ?? 0;
  return { encoderDelay: (b0 << 4) | (b1 >> 4), padding: ((b1 & 0x0f) << 8) | b2, frames };
}

export class Mp3FrameSplitter {
  #pending: Uint8Array = new Uint8Array(0);
  /** Bytes of an ID3 tag still to drop as they arrive. */
  #skip = 0;
  /** True where a frame is expected (stream start, after a tag or a frame): no confirmation needed. */
  #inSync = true;
  #firstFrame = true;
  #samplesSoFar = 0;
  #gapless: Mp3Gapless | undefined;

  /** Bytes kept for a frame (or header) whose end has not come yet. */
  get pendingBytes(): number {
    return this.#pending.length;
  }

  /** From the stream's Xing/Info frame, once it was seen (undefined when the stream has none). */
  get gapless(): Mp3Gapless | undefined {
    return this.#gapless;
  }

  /** Takes the next piece of the stream; returns the frames it completed. */
  push(bytes: Uint8Array): Mp3Frame[] {
    const skipped = Math.min(this.#skip, bytes.length);
    this.#skip -= skipped;
    this.#pending = concat(this.#pending, bytes.subarray(skipped));
    return this.#split(false);
  }

  /** The stream ended: a last frame that could not be confirmed is taken if it is whole. */
  end(): Mp3Frame[] {
    const frames = this.#split(true);
    this.#pending = new Uint8Array(0);
    return frames;
  }

  #split(ending: boolean): Mp3Frame[] {
    const frames: Mp3Frame[] = [];
    const bytes = this.#pending;
    let at = 0;
    while (at < bytes.length) {
      const tag = id3TagLength(bytes, at);
      if (tag === 'need-more' && !ending) break;
      if (typeof tag === 'number') {
        this.#skip = Math.max(0, at + tag - bytes.length);
        at = Math.min(bytes.length, at + tag);
        this.#inSync = true;
        continue;
      }
      const header = parseMp3FrameHeader(bytes, at);
      if (!header) {
        if (at + MP3_HEADER_BYTES > bytes.length && !ending) break;
        this.#inSync = false;
        at += 1;
        continue;
      }
      const next = at + header.frameBytes;
      if (next > bytes.length) break;
      if (!this.#inSync) {
        const confirmed = this.#confirms(header, bytes, next);
        if (confirmed === undefined && !ending) break;
        if (confirmed === false) {
          at += 1;
          continue;
        }
      }
      this.#inSync = true;
      this.#take(bytes.slice(at, next), header, frames);
      at = next;
    }
    this.#pending = bytes.slice(at);
    return frames;
  }

  /** Whether a header of the same kind follows; undefined when its bytes have not arrived. */
  #confirms(header: Mp3FrameHeader, bytes: Uint8Array, next: number): boolean | undefined {
    if (next + MP3_HEADER_BYTES > bytes.length) return undefined;
    const following = parseMp3FrameHeader(bytes, next);
    return following?.version === header.version && following.sampleRate === header.sampleRate;
  }

  #take(bytes: Uint8Array, header: Mp3FrameHeader, frames: Mp3Frame[]): void {
    if (this.#firstFrame) {
      this.#firstFrame = false;
      const info = readInfoFrame(bytes, header);
      if (info) {
        this.#gapless = info;
        return;
      }
    }
    const timestampUs = Math.round((this.#samplesSoFar * 1_000_000) / header.sampleRate);
    this.#samplesSoFar += header.samplesPerFrame;
    frames.push({ header, bytes, timestampUs });
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b.slice();
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}
