// The 44-byte RIFF/WAVE header for the raw formats the offline voice produces (S16 PCM and 8-bit
// G.711), so PCM, μ-law and A-law audio can be saved as a playable .wav file.

export interface WavHeaderOptions {
  sampleRate: number;
  codec: 'pcm' | 'ulaw' | 'alaw';
  /** Length of the audio data that follows; clamped to what a RIFF size field can hold. */
  dataBytes: number;
  /** Interleaved channels; 1 (mono, what the voices produce) by default. */
  channels?: number;
}

export const WAV_HEADER_BYTES = 44;
const MAX_RIFF_SIZE = 0xffffffff;
/** The most audio data one WAV file can describe (its sizes are 32-bit). */
export const MAX_WAV_DATA_BYTES = MAX_RIFF_SIZE - (WAV_HEADER_BYTES - 8);
// WAVE format tags from the RIFF specification.
const FORMAT_TAG = { pcm: 1, alaw: 6, ulaw: 7 } as const;

function writeAscii(view: DataView, offset: number, text: string): void {
  for (let i = 0; i < text.length; i++) view.setUint8(offset + i, text.charCodeAt(i));
}

/** WAV header (mono unless told): 16-bit samples for PCM, 8-bit for μ-law/A-law. */
export function wavHeader(options: WavHeaderOptions): Uint8Array {
  const { sampleRate, codec, channels = 1 } = options;
  if (!Number.isInteger(sampleRate) || sampleRate <= 0) throw new RangeError(`Bad sample rate ${sampleRate}`);
  if (!Number.isInteger(channels) || channels < 1) throw new RangeError(`Bad channel count ${channels}`);
  const dataBytes = Math.min(Math.max(Math.floor(options.dataBytes), 0), MAX_WAV_DATA_BYTES);
  const bitsPerSample = codec === 'pcm' ? 16 : 8;
  const blockAlign = (bitsPerSample / 8) * channels;
  const header = new Uint8Array(WAV_HEADER_BYTES);
  const view = new DataView(header.buffer);
  writeAscii(view, 0, 'RIFF');
  view.setUint32(4, WAV_HEADER_BYTES - 8 + dataBytes, true);
  writeAscii(view, 8, 'WAVE');
  writeAscii(view, 12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, FORMAT_TAG[codec], true);
  view.setUint16(22, channels, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * blockAlign, true);
  view.setUint16(32, blockAlign, true);
  view.setUint16(34, bitsPerSample, true);
  writeAscii(view, 36, 'data');
  view.setUint32(40, dataBytes, true);
  return header;
}
