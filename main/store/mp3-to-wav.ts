// An MP3 reading saved as a 16-bit PCM WAV file, decoded in-process by mpg123 compiled to
// WebAssembly, so no program has to be installed on any OS. The decoder is loaded on the first such
// export only.
//
// Encoder delay and padding: when the MP3 starts with a Xing/Info frame carrying a LAME tag, the
// decoder's gapless mode trims what the tag says the encoder added, so the WAV holds exactly the
// samples that were encoded. Without a tag (Hark's own encoder and streamed readings have none)
// nothing says how much to trim, so every decoded sample is kept, as the player does: the WAV lasts
// exactly as long as the MP3's frames, the duration Hark measured for the reading, including about
// 25 ms of near-silence at the start.
//
// The WAV is written as it is decoded (an hour of speech is about 300 MB of PCM) into a temporary
// file that is renamed into place at the end, so a damaged MP3 leaves nothing under the chosen name.
import type { FileHandle } from 'node:fs/promises';
import type { MPEGDecodedAudio, MPEGDecoder } from 'mpg123-decoder';
import { writeFileAtomicWith } from './atomic-file';
import { HistoryError } from './history-error';
import { MAX_WAV_DATA_BYTES, WAV_HEADER_BYTES, wavHeader } from '../engine/wav';
import { MP3_HEADER_BYTES, id3TagLength, isInfoFrame, parseMp3FrameHeader } from '../../shared/mp3-frames';
import type { Mp3FrameHeader } from '../../shared/mp3-frames';

/** MP3 bytes handed to the decoder at a time (its own input buffer's size): a few seconds of audio. */
const FEED_BYTES = 64 * 1024;
const BYTES_PER_SAMPLE = 2;

function damaged(why: string): HistoryError {
  return new HistoryError(
    'export_failed',
    `The MP3 audio of this reading is damaged and cannot be saved as WAV (${why}). Nothing was saved.`,
  );
}

/**
 * The header of the first audio frame: the one after ID3v2 tags and any Xing/Info frame, confirmed
 * by the header right after it (or the end of the data) so a stray 0xFF byte is not taken for one.
 */
function firstAudioFrame(bytes: Uint8Array): Mp3FrameHeader | undefined {
  let offset = 0;
  while (offset + MP3_HEADER_BYTES <= bytes.length) {
    const tag = id3TagLength(bytes, offset);
    if (typeof tag === 'number') {
      offset += tag;
      continue;
    }
    const header = parseMp3FrameHeader(bytes, offset);
    const end = header ? offset + header.frameBytes : offset;
    const confirmed = header && (end >= bytes.length || parseMp3FrameHeader(bytes, end) !== undefined);
    if (!header || !confirmed) offset += 1;
    else if (isInfoFrame(bytes, offset, header) === true) offset = end;
    else return header;
  }
  return undefined;
}

async function openDecoder(): Promise<MPEGDecoder> {
  let Decoder: typeof MPEGDecoder;
  try {
    Decoder = (await import('mpg123-decoder')).MPEGDecoder;
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new HistoryError('export_failed', `The MP3 decoder could not be loaded: ${why}`);
  }
  const decoder = new Decoder();
  await decoder.ready;
  return decoder;
}

/** decode(), without the library's own console line for each error: they are reported by our error. */
function decodeQuietly(decoder: MPEGDecoder, bytes: Uint8Array): MPEGDecodedAudio {
  // decode() is synchronous, so nothing else can run (and lose a message) while console.error is off.
  const print = console.error;
  console.error = () => undefined;
  try {
    return decoder.decode(bytes);
  } finally {
    console.error = print;
  }
}

/** Float samples (-1..1) of the first `channels` planes as interleaved little-endian S16. */
function interleavedS16(decoded: MPEGDecodedAudio, channels: number): Uint8Array {
  const planes = decoded.channelData.slice(0, channels);
  const frames = decoded.samplesDecoded;
  const bytes = new Uint8Array(frames * planes.length * BYTES_PER_SAMPLE);
  const view = new DataView(bytes.buffer);
  let at = 0;
  for (let i = 0; i < frames; i++) {
    for (const plane of planes) {
      const sample = Math.round((plane[i] ?? 0) * 32_768);
      view.setInt16(at, Math.max(-32_768, Math.min(32_767, sample)), true);
      at += BYTES_PER_SAMPLE;
    }
  }
  return bytes;
}

/** Decodes `mp3` into `handle`: the samples after a header-sized gap, then the header with their length. */
async function decodeInto(
  handle: FileHandle,
  decoder: MPEGDecoder,
  mp3: Uint8Array,
  channels: number,
): Promise<void> {
  let sampleRate = 0;
  let dataBytes = 0;
  for (let offset = 0; offset < mp3.length; offset += FEED_BYTES) {
    const decoded = decodeQuietly(decoder, mp3.subarray(offset, offset + FEED_BYTES));
    const error = decoded.errors[0];
    if (error) throw damaged(`decoding stopped near byte ${error.inputBytes}: ${error.message}`);
    if (decoded.samplesDecoded === 0) continue;
    if (sampleRate !== 0 && decoded.sampleRate !== sampleRate) throw damaged('its sample rate changes');
    sampleRate = decoded.sampleRate;
    const pcm = interleavedS16(decoded, channels);
    if (dataBytes + pcm.byteLength > MAX_WAV_DATA_BYTES) {
      throw new HistoryError(
        'export_failed',
        'This reading is too long for one WAV file (4 GB at most). Export it as MP3 instead.',
      );
    }
    await handle.write(pcm, 0, pcm.byteLength, WAV_HEADER_BYTES + dataBytes);
    dataBytes += pcm.byteLength;
  }
  if (dataBytes === 0) throw damaged('no audio could be decoded from it');
  const header = wavHeader({ sampleRate, codec: 'pcm', channels, dataBytes });
  await handle.write(header, 0, header.byteLength, 0);
}

/** Writes `mp3`, decoded, to `targetPath` as a 16-bit PCM WAV with the MP3's rate and channels. */
export async function writeMp3AsWav(mp3: Uint8Array, targetPath: string): Promise<void> {
  const first = firstAudioFrame(mp3);
  if (!first) throw damaged('it holds no MP3 frames');
  const decoder = await openDecoder();
  try {
    await writeFileAtomicWith(targetPath, (handle) => decodeInto(handle, decoder, mp3, first.channels));
  } finally {
    decoder.free();
  }
}
