import { describe, expect, it } from 'vitest';
import { matchStreamPath, parseStreamQuery } from './stream-request';

const query = (search: string): URLSearchParams => new URLSearchParams(search);

describe('matchStreamPath', () => {
  it('extracts and decodes the voice id', () => {
    expect(matchStreamPath('/v1/text-to-speech/en-us/stream-input')).toBe('en-us');
    expect(matchStreamPath('/v1/text-to-speech/voice%201/stream-input')).toBe('voice 1');
  });

  it('rejects other paths', () => {
    expect(matchStreamPath('/v1/text-to-speech/en-us/multi-stream-input')).toBeUndefined();
    expect(matchStreamPath('/v1/text-to-speech//stream-input')).toBeUndefined();
    expect(matchStreamPath('/v1/text-to-speech/%E0/stream-input')).toBeUndefined();
  });
});

describe('parseStreamQuery', () => {
  it('applies the documented defaults', () => {
    const result = parseStreamQuery(query(''));
    expect(result).toEqual({
      ok: true,
      value: {
        format: { format: 'mp3_44100_128', codec: 'mp3', sampleRate: 44100, bitrateKbps: 128 },
        inactivityTimeoutS: 20,
        syncAlignment: false,
        autoMode: false,
      },
    });
  });

  it('accepts every documented parameter, including the Python SDK model_id "Ellipsis"', () => {
    const result = parseStreamQuery(
      query(
        'model_id=Ellipsis&output_format=pcm_16000&inactivity_timeout=180&sync_alignment=True&auto_mode=1' +
          '&language_code=en&seed=4294967295&apply_text_normalization=off&enable_logging=false' +
          '&enable_ssml_parsing=false&optimize_streaming_latency=3&authorization=x&single_use_token=y',
      ),
    );
    expect(result.ok && result.value).toMatchObject({
      format: { format: 'pcm_16000', codec: 'pcm', sampleRate: 16000 },
      inactivityTimeoutS: 180,
      syncAlignment: true,
      autoMode: true,
    });
  });

  it('accepts the old mp3_44100 spelling and ulaw/alaw', () => {
    for (const format of ['mp3_44100', 'ulaw_8000', 'alaw_8000', 'mp3_22050_32']) {
      expect(parseStreamQuery(query(`output_format=${format}`)).ok).toBe(true);
    }
  });

  it('refuses opus and unknown formats with unsupported_format and the list of formats', () => {
    for (const format of ['opus_48000_64', 'wav_44100']) {
      const result = parseStreamQuery(query(`output_format=${format}`));
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.problem.error).toBe('unsupported_format');
      expect(result.problem.message).toContain(format);
      expect(result.problem.message).toContain('pcm_44100');
    }
  });

  it('refuses an inactivity timeout above 180 s or not a number', () => {
    for (const value of ['181', '0', 'soon']) {
      const result = parseStreamQuery(query(`inactivity_timeout=${value}`));
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.problem.message).toContain('inactivity_timeout');
    }
  });

  it('refuses malformed booleans and enums', () => {
    for (const search of [
      'sync_alignment=yes',
      'auto_mode=maybe',
      'apply_text_normalization=sometimes',
      'seed=-1',
      'optimize_streaming_latency=9',
    ]) {
      expect(parseStreamQuery(query(search)).ok).toBe(false);
    }
  });
});
