import { describe, expect, it } from 'vitest';
import { buildStreamUrl, decodeServerFrame, parseOutputFormat } from './protocol';

describe('buildStreamUrl', () => {
  it('maps https to wss and keeps every given query parameter', () => {
    const url = buildStreamUrl('https://api.elevenlabs.io', 'voice 1', {
      model_id: 'eleven_flash_v2_5',
      output_format: 'pcm_24000',
      sync_alignment: true,
      inactivity_timeout: 60,
      seed: 7,
    });
    expect(url.toString()).toBe(
      'wss://api.elevenlabs.io/v1/text-to-speech/voice%201/stream-input?model_id=eleven_flash_v2_5&output_format=pcm_24000&sync_alignment=true&inactivity_timeout=60&seed=7',
    );
  });
});

describe('decodeServerFrame', () => {
  it('accepts an audio frame with isFinal null and snake_case alignment', () => {
    const parsed = decodeServerFrame(
      JSON.stringify({
        audio: 'AAAA',
        isFinal: null,
        alignment: { chars: ['a'], char_start_times_ms: [0], chars_durations_ms: [5] },
      }),
    );
    expect(parsed).toEqual({
      ok: true,
      value: {
        kind: 'audio',
        audio: 'AAAA',
        alignment: { chars: ['a'], charStartTimesMs: [0], charDurationsMs: [5] },
        normalizedAlignment: null,
      },
    });
  });

  it('rejects invalid base64 and non-JSON', () => {
    expect(decodeServerFrame('{"audio":"%%%"}').ok).toBe(false);
    expect(decodeServerFrame('not json').ok).toBe(false);
  });

  it('reads an object of no known shape as unknown, naming its fields but not their values', () => {
    expect(decodeServerFrame('{"type":"flush_done","context_id":"secret-ctx"}')).toEqual({
      ok: true,
      value: { kind: 'unknown', shape: 'type "flush_done", fields {type, context_id}' },
    });
    expect(decodeServerFrame('{"is_final":true}')).toEqual({
      ok: true,
      value: { kind: 'unknown', shape: 'fields {is_final}' },
    });
    // Known fields with wrong values, and values that are no object, stay malformed.
    expect(decodeServerFrame('{"isFinal":"yes"}').ok).toBe(false);
    expect(decodeServerFrame('{"alignment":{"chars":["a"]}}').ok).toBe(false);
    expect(decodeServerFrame('[1,2]').ok).toBe(false);
    expect(decodeServerFrame('"flush_done"').ok).toBe(false);
  });
});

describe('parseOutputFormat', () => {
  it('knows rates and refuses unknown names', () => {
    expect(parseOutputFormat('ulaw_8000')).toMatchObject({ codec: 'ulaw', sampleRate: 8000 });
    expect(parseOutputFormat('wav_44100')).toBeUndefined();
  });
});
