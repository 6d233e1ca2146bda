import { describe, expect, it } from 'vitest';
import { parseOutputFormat } from '../../shared/protocol';
import type { FormatInfo } from '../../shared/protocol';
import { chooseFileTarget, defaultPcmFormat } from './formats';

function format(name: string): FormatInfo {
  const info = parseOutputFormat(name);
  if (!info) throw new Error(name);
  return info;
}

describe('chooseFileTarget', () => {
  it('picks the container and a default format from the extension', () => {
    expect(chooseFileTarget('a.wav', undefined, 'offline')).toMatchObject({
      container: 'wav',
      format: { format: 'pcm_22050' },
    });
    expect(chooseFileTarget('A.MP3', undefined, 'offline')).toMatchObject({
      container: 'mp3',
      format: { codec: 'mp3', sampleRate: 22050 },
    });
    expect(chooseFileTarget('a.mp3', undefined, 'elevenlabs')).toMatchObject({
      format: { format: 'mp3_44100_128' },
    });
    expect(chooseFileTarget('a.pcm', undefined, 'elevenlabs')).toMatchObject({
      container: 'raw',
      format: { format: 'pcm_24000' },
    });
  });

  it('uses --format when it fits the container', () => {
    expect(chooseFileTarget('a.wav', format('ulaw_8000'), 'offline')).toMatchObject({
      container: 'wav',
      format: { codec: 'ulaw' },
    });
    expect(chooseFileTarget('a.pcm', format('pcm_16000'), 'offline').format.sampleRate).toBe(16000);
    expect(chooseFileTarget('speech.opus', format('opus_48000_64'), 'elevenlabs')).toMatchObject({
      container: 'raw',
      format: { codec: 'opus' },
    });
  });

  it('refuses a format that does not fit the extension', () => {
    expect(() => chooseFileTarget('a.wav', format('mp3_44100_128'), 'offline')).toThrow(
      /\.wav file holds pcm/,
    );
    expect(() => chooseFileTarget('a.mp3', format('pcm_16000'), 'offline')).toThrow(
      /\.mp3 file needs an mp3/,
    );
    expect(() => chooseFileTarget('a.pcm', format('ulaw_8000'), 'offline')).toThrow(/\.pcm file needs a pcm/);
  });

  it('asks for --format when the extension says nothing', () => {
    expect(() => chooseFileTarget('speech.ogg', undefined, 'offline')).toThrow(/use \.wav, \.mp3 or \.pcm/);
    expect(() => chooseFileTarget('speech', undefined, 'offline')).toThrow(/give --format/);
  });
});

describe('defaultPcmFormat', () => {
  it('is the offline voice own rate, so nothing is resampled', () => {
    expect(defaultPcmFormat('offline')).toEqual({ format: 'pcm_22050', codec: 'pcm', sampleRate: 22050 });
  });
});
