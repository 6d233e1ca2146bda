// Chooses the `output_format` to request and how to store it: from --format when given, otherwise
// from the file's extension, otherwise (playback) raw PCM that every streaming player can read.
import { extname } from 'node:path';
import { parseOutputFormat } from '../../shared/protocol';
import type { FormatInfo, OutputFormat } from '../../shared/protocol';
import type { EngineName } from './args';
import { CliError } from './errors';

/** wav: RIFF header + samples; raw: the bytes exactly as the server sent them. */
export type Container = 'wav' | 'mp3' | 'raw';

export interface FileTarget {
  kind: 'file';
  path: string;
  container: Container;
  format: FormatInfo;
}

/** PCM at the engine's own rate: the offline voice speaks at 22.05 kHz, so nothing is resampled. */
const DEFAULT_PCM: Record<EngineName, OutputFormat> = { offline: 'pcm_22050', elevenlabs: 'pcm_24000' };
/** The offline voice is 22.05 kHz speech: 32 kbit/s loses nothing audible and encodes fastest. */
const DEFAULT_MP3: Record<EngineName, OutputFormat> = {
  offline: 'mp3_22050_32',
  elevenlabs: 'mp3_44100_128',
};

const EXTENSIONS: Record<string, Container> = { '.wav': 'wav', '.mp3': 'mp3', '.pcm': 'raw', '.raw': 'raw' };

function format(name: OutputFormat): FormatInfo {
  const info = parseOutputFormat(name);
  if (!info) throw new Error(`internal: ${name} is not a known format`);
  return info;
}

export function defaultPcmFormat(engine: EngineName): FormatInfo {
  return format(DEFAULT_PCM[engine]);
}

function defaultFormatFor(container: Container, engine: EngineName): FormatInfo {
  return container === 'mp3' ? format(DEFAULT_MP3[engine]) : defaultPcmFormat(engine);
}

function checkCompatible(path: string, container: Container, requested: FormatInfo): void {
  const ext = extname(path).toLowerCase();
  if (container === 'wav' && !['pcm', 'ulaw', 'alaw'].includes(requested.codec)) {
    throw new CliError(
      `a .wav file holds pcm, ulaw or alaw audio, not ${requested.format}; use --out FILE.mp3`,
    );
  }
  if (container === 'mp3' && requested.codec !== 'mp3') {
    throw new CliError(`a .mp3 file needs an mp3_* format, not ${requested.format}`);
  }
  if (ext === '.pcm' && requested.codec !== 'pcm') {
    throw new CliError(`a .pcm file needs a pcm_* format, not ${requested.format}`);
  }
}

/**
 * Where and how `--out FILE` is written. Known extensions pick the container; any other extension
 * needs --format and gets the server's bytes unchanged.
 */
export function chooseFileTarget(
  path: string,
  requested: FormatInfo | undefined,
  engine: EngineName,
): FileTarget {
  const known = EXTENSIONS[extname(path).toLowerCase()];
  if (!known && !requested) {
    throw new CliError(
      `cannot tell the audio format from "${path}": use .wav, .mp3 or .pcm, or give --format`,
    );
  }
  const container = known ?? 'raw';
  if (requested) checkCompatible(path, container, requested);
  return { kind: 'file', path, container, format: requested ?? defaultFormatFor(container, engine) };
}
