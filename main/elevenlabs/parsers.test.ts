// Validation of the three response bodies, as `unknown`.
import { describe, expect, it } from 'vitest';
import { parseModelList, pickerModels } from './models';
import { parseSubscription } from './subscription';
import { parseVoiceList } from './voices';

describe('parseVoiceList', () => {
  it('keeps what the picker uses and ignores the rest', () => {
    const parsed = parseVoiceList({
      voices: [
        {
          voice_id: 'v1',
          name: 'Ada',
          category: 'premade',
          labels: { accent: 'british', age: 'young', weird: 3 },
          preview_url: 'https://cdn.example/ada.mp3',
          verified_languages: [{ language: 'en', model_id: 'm', accent: 'british' }],
          settings: null,
          some_future_field: { deep: true },
        },
        { voice_id: 'v2', name: 'Bo', labels: { language: 'de' }, preview_url: null },
      ],
      has_more: false,
    });
    expect(parsed).toEqual({
      ok: true,
      value: [
        {
          voiceId: 'v1',
          name: 'Ada',
          category: 'premade',
          labels: { accent: 'british', age: 'young' },
          previewUrl: 'https://cdn.example/ada.mp3',
          language: 'en',
        },
        { voiceId: 'v2', name: 'Bo', category: 'unknown', labels: { language: 'de' }, language: 'de' },
      ],
    });
  });

  it('drops a preview URL that is not http(s)', () => {
    const parsed = parseVoiceList({
      voices: [{ voice_id: 'v', name: 'n', preview_url: 'javascript:alert(1)' }],
    });
    expect(parsed.ok && parsed.value[0]?.previewUrl).toBeUndefined();
  });

  it.each([
    [{}, /no "voices" list/],
    [{ voices: {} }, /no "voices" list/],
    [{ voices: [{ name: 'x' }] }, /voices\[0\]\.voice_id/],
    [{ voices: [{ voice_id: 'a', name: 'A' }, { voice_id: 'b' }] }, /voices\[1\]\.name/],
    [{ voices: [{ voice_id: 'a', name: 'A', category: 7 }] }, /category/],
    [{ voices: [{ voice_id: 'a', name: 'A', labels: 'x' }] }, /labels/],
    [{ voices: [{ voice_id: 'a', name: 'A', preview_url: 5 }] }, /preview_url/],
  ])('rejects %j', (body, reason) => {
    const parsed = parseVoiceList(body);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.reason).toMatch(reason);
  });
});

describe('parseModelList and pickerModels', () => {
  const body = [
    {
      model_id: 'eleven_flash_v2_5',
      name: 'Eleven Flash v2.5',
      can_do_text_to_speech: true,
      languages: [{ language_id: 'en', name: 'English' }, { language_id: 'ja' }],
      maximum_text_length_per_request: 40000,
      model_rates: { character_cost_multiplier: 0.5 },
    },
    { model_id: 'eleven_v3', name: 'Eleven v3', can_do_text_to_speech: true, languages: [] },
    { model_id: 'eleven_english_sts_v2', name: 'STS', can_do_text_to_speech: false, languages: [] },
    { model_id: 'local', name: 'Local', max_characters_request_subscribed_user: 5000 },
  ];

  it('parses every model, with languages and the request limit', () => {
    const parsed = parseModelList(body);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value[0]).toEqual({
      modelId: 'eleven_flash_v2_5',
      name: 'Eleven Flash v2.5',
      canDoTextToSpeech: true,
      languages: [
        { languageId: 'en', name: 'English' },
        { languageId: 'ja', name: 'ja' },
      ],
      maxCharacters: 40000,
    });
    expect(parsed.value[3]).toEqual({
      modelId: 'local',
      name: 'Local',
      canDoTextToSpeech: true,
      languages: [],
      maxCharacters: 5000,
    });
  });

  it('offers only speech models that work over stream-input', () => {
    const parsed = parseModelList(body);
    expect(parsed.ok && pickerModels(parsed.value).map((m) => m.modelId)).toEqual([
      'eleven_flash_v2_5',
      'local',
    ]);
  });

  it('keeps out every model of the dialogue socket by its id, and no other', () => {
    const model = (modelId: string) => ({ modelId, name: modelId, canDoTextToSpeech: true, languages: [] });
    const ids = [
      'eleven_v3',
      'eleven_v3_conversational',
      'eleven_v4',
      'eleven_v4_turbo',
      'eleven_flash_v2_5',
      'eleven_turbo_v2_5',
      'eleven_multilingual_v2',
      'eleven_monolingual_v1',
      'eleven_v30_imaginary',
    ];
    expect(pickerModels(ids.map(model)).map((m) => m.modelId)).toEqual([
      'eleven_flash_v2_5',
      'eleven_turbo_v2_5',
      'eleven_multilingual_v2',
      'eleven_monolingual_v1',
      'eleven_v30_imaginary',
    ]);
  });

  it.each([
    [{ models: [] }, /not a list/],
    [[{ name: 'x' }], /models\[0\]\.model_id/],
    [[{ model_id: 'm' }], /name/],
    [[{ model_id: 'm', name: 'M', can_do_text_to_speech: 'yes' }], /can_do_text_to_speech/],
    [[{ model_id: 'm', name: 'M', languages: [{ name: 'English' }] }], /languages\[0\]\.language_id/],
  ])('rejects %j', (value, reason) => {
    const parsed = parseModelList(value);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.reason).toMatch(reason);
  });
});

describe('parseSubscription', () => {
  it('computes what remains and keeps the reset time', () => {
    expect(
      parseSubscription({
        tier: 'creator',
        character_count: 12000,
        character_limit: 100000,
        next_character_count_reset_unix: 1767225600,
        status: 'active',
      }),
    ).toEqual({
      ok: true,
      value: {
        tier: 'creator',
        characterCount: 12000,
        characterLimit: 100000,
        remaining: 88000,
        nextResetUnix: 1767225600,
      },
    });
  });

  it('never reports a negative remainder (usage-based overage)', () => {
    const parsed = parseSubscription({
      tier: 'pro',
      character_count: 510,
      character_limit: 500,
      next_character_count_reset_unix: null,
    });
    expect(parsed).toEqual({
      ok: true,
      value: { tier: 'pro', characterCount: 510, characterLimit: 500, remaining: 0 },
    });
  });

  it.each([
    [[], /not an object/],
    [{ character_count: 1, character_limit: 2 }, /tier/],
    [{ tier: 'free', character_count: '1', character_limit: 2 }, /character_count/],
    [{ tier: 'free', character_count: 1, character_limit: -2 }, /character_limit/],
    [
      { tier: 'free', character_count: 1, character_limit: 2, next_character_count_reset_unix: 'soon' },
      /reset/,
    ],
  ])('rejects %j', (value, reason) => {
    const parsed = parseSubscription(value);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.reason).toMatch(reason);
  });
});
