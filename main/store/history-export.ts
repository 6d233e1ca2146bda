// Turns a stored reading into a user-chosen MP3 or WAV file.
//   same codec            -> the bytes are copied as they are
//   pcm / ulaw / alaw     -> WAV: a RIFF header in front of the stored samples (no re-encoding)
//   pcm / ulaw / alaw     -> MP3: decoded to 16-bit PCM and encoded with the offline voice's LAME encoder
//   mp3                   -> WAV: needs an MP3 decoder, which Hark does not bundle. SoX is used when
//                            it is installed with MP3 support (common on Linux); otherwise the export
//                            is refused with a clear 'export_unsupported' error.
//   opus                  -> refused: nothing here decodes Opus.
// Every output is written to a temporary file first and renamed into place, so a failed or
// interrupted export never leaves a half-written file under the user's chosen name.
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { dirname } from 'node:path';
import alawmulaw from 'alawmulaw';
import { tempPathFor, writeFileAtomic } from './atomic-file';
import { childEnv } from './child-env';
import { HistoryError } from './history-error';
import { createEncoder } from '../engine/encoders';
import { wavHeader } from '../engine/wav';
import { parseOutputFormat } from '../speech/protocol';
import type { FormatInfo, OutputFormat } from '../speech/protocol';
import { concatBytes } from '../engine/bytes';

export type ExportFormat = 'mp3' | 'wav';

export const MP3_EXPORT_FORMAT: OutputFormat = 'mp3_44100_128';

export interface ExportOptions {
  /** The SoX program used to decode MP3 for a WAV export; 'sox' (from PATH) by default. */
  soxPath?: string;
  /** Upper bound for one SoX run. */
  soxTimeoutMs?: number;
}

const SOX_TIMEOUT_MS = 120_000;
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

const SOX_MISSING =
  'Saving an MP3 reading as WAV needs SoX with MP3 support (for example the "sox" and ' +
  '"libsox-fmt-mp3" packages). Export it as MP3 instead.';

/** Runs SoX with the MP3 on stdin, writing a 16-bit WAV to `outputPath`. */
function soxMp3ToWav(mp3: Uint8Array, outputPath: string, options: ExportOptions): Promise<void> {
  const sox = spawn(
    options.soxPath ?? 'sox',
    ['-q', '-t', 'mp3', '-', '-t', 'wav', '-e', 'signed-integer', '-b', '16', outputPath],
    { env: childEnv(process.env), stdio: ['pipe', 'ignore', 'pipe'] },
  );
  let stderr = '';
  sox.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk.slice(0, 2000)));
  // SoX may exit before reading everything (bad input); the broken pipe is reported by the exit code.
  sox.stdin.on('error', () => undefined);
  sox.stdin.end(mp3);
  const timer = setTimeout(() => sox.kill('SIGKILL'), options.soxTimeoutMs ?? SOX_TIMEOUT_MS);
  return new Promise((resolve, reject) => {
    sox.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(error.code === 'ENOENT' ? unsupported(SOX_MISSING) : error);
    });
    sox.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else if (/no handler|not supported|unknown.*type/i.test(stderr)) reject(unsupported(SOX_MISSING));
      else {
        const why = signal ? `stopped (${signal})` : stderr.trim() || `exit code ${code}`;
        reject(new HistoryError('export_failed', `SoX could not convert the MP3: ${why}`));
      }
    });
  });
}

async function exportMp3AsWav(mp3: Uint8Array, targetPath: string, options: ExportOptions): Promise<void> {
  await fs.mkdir(dirname(targetPath), { recursive: true });
  const temp = tempPathFor(targetPath);
  try {
    await soxMp3ToWav(mp3, temp, options);
    const handle = await fs.open(temp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, targetPath);
  } finally {
    await fs.rm(temp, { force: true });
  }
}

/** Writes `audio`, stored as `storedFormat`, to `targetPath` as `target`. */
export async function exportAudioFile(
  audio: Uint8Array,
  storedFormat: OutputFormat,
  targetPath: string,
  target: ExportFormat,
  options: ExportOptions = {},
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
    await exportMp3AsWav(audio, targetPath, options);
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
