// The small text helpers of the settings tab: voice search, format names, regions, problem wording.
import { describe, expect, it } from 'vitest';
import { API_REGIONS } from '../../../../main/elevenlabs/http-client';
import { DEFAULT_OUTPUT_FORMAT, OUTPUT_FORMATS } from '../../../../shared/protocol';
import type { Voice } from '../../../../shared/contract';
import { HOTKEY_ACTIONS } from '../../../../shared/settings-schema';
import { fieldLabel, HOTKEY_LABELS, readableReason } from './field-labels';
import { failureText, NO_KEY_TEXT } from './failure-text';
import { formatGroups, formatLabel } from './output-formats';
import { CUSTOM_REGION, REGIONS, regionOf } from './regions';
import { filterVoices, voiceDetails } from './voice-filter';

const VOICES: Voice[] = [
  { voiceId: 'george', name: 'George', category: 'premade', labels: { accent: 'british', gender: 'male' } },
  {
    voiceId: 'zoe',
    name: 'Zoë',
    category: 'cloned',
    labels: { accent: 'american', gender: 'female' },
    language: 'en',
  },
  {
    voiceId: 'fr-fr',
    name: 'French (France)',
    category: 'premade',
    labels: { language: 'fr-fr' },
    language: 'fr-fr',
  },
];

describe('filterVoices', () => {
  it('matches every word against name, language, category and labels, ignoring case and accents', () => {
    expect(filterVoices(VOICES, '').map((v) => v.voiceId)).toEqual(['george', 'zoe', 'fr-fr']);
    expect(filterVoices(VOICES, 'ZOE').map((v) => v.voiceId)).toEqual(['zoe']);
    expect(filterVoices(VOICES, 'british male').map((v) => v.voiceId)).toEqual(['george']);
    expect(filterVoices(VOICES, 'fr-fr').map((v) => v.voiceId)).toEqual(['fr-fr']);
    expect(filterVoices(VOICES, 'cloned en').map((v) => v.voiceId)).toEqual(['zoe']);
    expect(filterVoices(VOICES, 'klingon')).toEqual([]);
  });

  it('describes a voice by language and labels, once each', () => {
    expect(voiceDetails(VOICES[0]!)).toBe('british · male');
    expect(voiceDetails(VOICES[2]!)).toBe('fr-fr');
  });
});

describe('output formats', () => {
  it('offers every playable documented format once, and Opus only when it is already chosen', () => {
    const offered = formatGroups(DEFAULT_OUTPUT_FORMAT).flatMap((group) => group.options.map((o) => o.value));
    expect(offered.sort()).toEqual(OUTPUT_FORMATS.filter((format) => !format.startsWith('opus')).sort());
    const withOpus = formatGroups('opus_48000_64');
    expect(withOpus.at(-1)?.options).toEqual([
      { value: 'opus_48000_64', label: formatLabel('opus_48000_64') },
    ]);
  });

  it('names formats for people', () => {
    expect(formatLabel('mp3_44100_128')).toBe('MP3, 44.1 kHz, 128 kbit/s');
    expect(formatLabel('pcm_16000')).toBe('PCM, 16 kHz, uncompressed');
    expect(formatLabel('ulaw_8000')).toBe('μ-law, 8 kHz (telephone)');
  });
});

describe('regions', () => {
  it('are the HTTP client’s regions', () => {
    expect(REGIONS.map(({ id, label, baseUrl }) => [id, label, baseUrl])).toEqual(
      Object.entries(API_REGIONS).map(([id, region]) => [id, region.label, region.baseUrl]),
    );
    expect(regionOf('https://api.eu.residency.elevenlabs.io')).toBe('eu');
    expect(regionOf('http://127.0.0.1:9000')).toBe(CUSTOM_REGION);
  });
});

describe('wording', () => {
  it('names hotkey actions and fields as the form does', () => {
    expect(readableReason('same combination as readSelection')).toBe('same combination as Read selection');
    expect(fieldLabel('voiceSettings.speed')).toBe('Speed');
    expect(fieldLabel('something.new')).toBe('something.new');
  });

  it('gives every hotkey action a label of its own, the steering ones included', () => {
    for (const action of HOTKEY_ACTIONS) {
      expect(HOTKEY_LABELS[action]).toMatch(/^[A-Z][a-z ]+$/);
      expect(fieldLabel(`hotkeys.${action}`)).toBe(HOTKEY_LABELS[action]);
    }
    expect(new Set(HOTKEY_ACTIONS.map((action) => HOTKEY_LABELS[action])).size).toBe(HOTKEY_ACTIONS.length);
    expect(
      HOTKEY_ACTIONS.filter((a) =>
        ['previousSentence', 'nextSentence', 'speedUp', 'speedDown'].includes(a),
      ).map((a) => HOTKEY_LABELS[a]),
    ).toEqual(['Previous sentence', 'Next sentence', 'Speed up', 'Speed down']);
    expect(readableReason('same combination as speedDown')).toBe('same combination as Speed down');
  });

  it('asks for the key when that is what a list is missing', () => {
    expect(failureText({ ok: false, code: 'no_api_key', message: 'No key.' })).toBe(NO_KEY_TEXT);
    expect(failureText({ ok: false, code: 'network', message: 'Offline.' })).toBe('Offline.');
  });
});
