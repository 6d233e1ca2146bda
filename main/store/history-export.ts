// Turns a stored reading into a user-chosen MP3 or WAV file.
//   same codec            -> the bytes are copied as they are
//   pcm / ulaw / alaw     -> WAV: a RIFF header in front of the stored samples (no re-encoding)
//   pcm / ulaw / alaw     -> MP3: decoded to 16-bit PCM and encoded with the offline voice's LAME encoder
//   mp3                   -> WAV: decoded in-process (mp3-to-wav.ts), no program needed
//   opus                  -> refused: nothing here decodes Opus.
// Every output is written to a temporary file first and renamed into place, so a failed or
// interrupted export never leaves a half-written file under the user's chosen name.
import alawmulaw from 'alawmulaw';
import { writeFileAtomic } from './atomic-file';
import { HistoryError } from './history-error';
import { writeMp3AsWav } from './mp3-to-wav';
import { createEncoder } from '../engine/encoders';
import { wavHeader } from '../engine/wav';
import { parseOutputFormat } from '../../shared/protocol';
import type { FormatInfo, OutputFormat } from '../../shared/protocol';
import { concatBytes } from '../engine/bytes';

export type ExportFormat = 'mp3' | 'wav';

export const MP3_EXPORT_FORMAT: OutputFormat = 'mp3_44100_128';

/** Encode in slices of about a second so a long reading never needs a second full-size buffer. */
const ENCODE_SLICE_SAMPLES = 44_100;

/** Stored PCM is little-endian 16-bit whatever the machine's byte order. */
function pcmSamples(bytes: Uint8Array): Int16Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const samples = new Int16Array(Math.floor(bytes.byteLength / 2));
  for (let i = 0; i < samples.length; i++) samples[i] = view.getInt16(i * 2, true);
  return samples;
}

function decodeToPcm(audio: Uint8Array, format: FormatInfo): Int16Array {
  if (format.codec === 'ulaw') return alawmulaw.mulaw.decode(audio);
  if (format.codec === 'alaw') return alawmulaw.alaw.decode(audio);
  return pcmSamples(audio);
}

async function encodeMp3(samples: Int16Array, inputRate: number): Promise<Uint8Array> {
  const target = parseOutputFormat(MP3_EXPORT_FORMAT);
  if (!target) throw new HistoryError('export_failed', 'The MP3 export format is unknown.');
  const encoder = await createEncoder(target, inputRate);
  const parts: Uint8Array[] = [];
  for (let offset = 0; offset < samples.length; offset += ENCODE_SLICE_SAMPLES) {
    parts.push(encoder.encode(samples.subarray(offset, offset + ENCODE_SLICE_SAMPLES)));
  }
  parts.push(encoder.end());
  return concatBytes(parts);
}

function unsupported(message: string): HistoryError {
  return new HistoryError('export_unsupported', message);
}

/** Writes `audio`, stored as `storedFormat`, to `targetPath` as `target`. */
export async function exportAudioFile(
  audio: Uint8Array,
  storedFormat: OutputFormat,
  targetPath: string,
  target: ExportFormat,
): Promise<void> {
  const format = parseOutputFormat(storedFormat);
  if (!format) throw new HistoryError('export_failed', `Unknown stored format "${storedFormat}".`);
  if (format.codec === 'opus')
    throw unsupported('Readings stored as Opus cannot be converted; Hark has no Opus decoder.');
  if (format.codec === target) {
    await writeFileAtomic(targetPath, audio);
    return;
  }
  if (format.codec === 'mp3') {
    await writeMp3AsWav(audio, targetPath);
    return;
  }
  if (target === 'wav') {
    const header = wavHeader({
      sampleRate: format.sampleRate,
      codec: format.codec,
      dataBytes: audio.byteLength,
    });
    await writeFileAtomic(targetPath, concatBytes([header, audio]));
    return;
  }
  await writeFileAtomic(targetPath, await encodeMp3(decodeToPcm(audio, format), format.sampleRate));
}
