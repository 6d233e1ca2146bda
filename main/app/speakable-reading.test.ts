import { describe, expect, it } from 'vitest';
import { OfflineVoice } from '../engine/offline-voice';
import { defaultSettings } from '../../shared/settings-schema';
import type { TextSettings } from '../../shared/settings-schema';
import { DETECTABLE_LANGUAGES } from '../text/language';
import { ReadingSentences } from './reading-sentences';
import {
  modelTextHandling,
  offlineVoiceFor,
  revoiced,
  speakableReading,
  targetForPart,
  voiceChangeSentences,
  warmUpSpeakableText,
} from './speakable-reading';
import type { ReadingVoice } from './speakable-reading';

const GERMAN =
  'Die Sitzung wurde um zehn Uhr eröffnet. Der Vorsitzende begrüßte alle Anwesenden und stellte die Tagesordnung vor.';
const ENGLISH = 'The meeting starts with a short welcome from the chair, followed by the agenda for the day.';
const FRENCH = "La réunion commence par un court mot de bienvenue du président, suivi de l'ordre du jour.";

const OFFLINE: ReadingVoice = { engine: 'offline', modelId: 'hark_offline_v1', voiceId: 'en-us' };
const FLASH: ReadingVoice = { engine: 'elevenlabs', modelId: 'eleven_flash_v2_5', voiceId: 'george' };

function text(overrides: Partial<TextSettings> = {}): TextSettings {
  return { ...defaultSettings().text, ...overrides };
}

describe('what a reading sends, by engine and model', () => {
  it('knows which models normalise numbers and which take language_code', () => {
    expect(modelTextHandling('offline', 'hark_offline_v1')).toEqual({
      normalises: false,
      takesLanguageCode: false,
    });
    expect(modelTextHandling('elevenlabs', 'eleven_flash_v2_5')).toEqual({
      normalises: false,
      takesLanguageCode: true,
    });
    expect(modelTextHandling('elevenlabs', 'eleven_turbo_v2_5')).toEqual({
      normalises: false,
      takesLanguageCode: true,
    });
    expect(modelTextHandling('elevenlabs', 'eleven_multilingual_v2')).toEqual({
      normalises: true,
      takesLanguageCode: false,
    });
    // Not known (the server's default, a custom server): spelled out here, nothing it might refuse.
    expect(modelTextHandling('elevenlabs', '')).toEqual({ normalises: false, takesLanguageCode: false });
  });

  it('reads a German paragraph with the German offline voice, and English with the chosen one', () => {
    const reading = speakableReading(`${ENGLISH}\n\n${GERMAN}`, { voice: OFFLINE, text: text() });
    expect(reading.parts.map((part) => [part.language, part.voicing.voiceId])).toEqual([
      ['en', 'en-us'],
      ['de', 'de'],
    ]);
    expect(reading.speakable.text.slice(reading.parts[1]?.start)).toMatch(/^Die Sitzung/);
  });

  it('keeps the chosen voice for everything when the user says so', () => {
    const reading = speakableReading(`${ENGLISH}\n\n${GERMAN}`, {
      voice: OFFLINE,
      text: text({ followLanguage: false }),
    });
    expect(reading.parts.map((part) => part.voicing.voiceId)).toEqual(['en-us']);
  });

  it('uses the voice the user picked for a language', () => {
    const settings = text({ languageVoices: { offline: { de: 'de' }, elevenlabs: { fr: 'amelie' } } });
    const reading = speakableReading(`${ENGLISH}\n\n${FRENCH}`, { voice: FLASH, text: settings });
    expect(reading.parts.map((part) => part.voicing)).toEqual([
      { voiceId: 'george' },
      { voiceId: 'amelie', languageCode: 'fr' },
    ]);
  });

  it('sends each part to its voice with its language_code, from the sentence where it begins', () => {
    const reading = speakableReading(`${ENGLISH}\n\n${FRENCH}\n\n${ENGLISH}`, { voice: FLASH, text: text() });
    const sentences = new ReadingSentences(reading.speakable.text);
    const changes = voiceChangeSentences(reading, sentences);
    expect(changes).toHaveLength(2);
    const base = {
      baseUrl: 'wss://x',
      apiKey: 'k',
      parameters: { voiceId: 'george', query: { model_id: 'eleven_flash_v2_5' } },
    };
    const languages = [0, ...changes].map(
      (sentence) => targetForPart(base, reading, sentences.start(sentence)).parameters.query.language_code,
    );
    // The voice's own language goes without a code, as text too short to tell does.
    expect(languages).toEqual([undefined, 'fr', undefined]);
  });

  it('after a fallback the same parts are read by the offline voices', () => {
    const reading = speakableReading(`${ENGLISH}\n\n${GERMAN}`, { voice: FLASH, text: text() });
    const offline = revoiced(reading, OFFLINE, text());
    expect(offline.parts.map((part) => part.start)).toEqual(reading.parts.map((part) => part.start));
    expect(offline.parts.map((part) => part.voicing)).toEqual([{ voiceId: 'en-us' }, { voiceId: 'de' }]);
  });

  it('every language the detector can name has an offline voice that exists', async () => {
    const voice = new OfflineVoice();
    try {
      const ids = new Set((await voice.voices()).map((info) => info.voiceId));
      const missing = DETECTABLE_LANGUAGES.filter((language) => !ids.has(offlineVoiceFor(language, text())));
      expect(missing).toEqual([]);
    } finally {
      voice.close();
    }
  });
});

describe('the warm-up of the text pipeline', () => {
  it('reaches every stage: markup, emoji, link, the four number languages, both engines', () => {
    const [offline, flash] = warmUpSpeakableText(text());
    for (const reading of [offline, flash]) {
      const said = reading?.speakable.text ?? '';
      expect(said).not.toMatch(/[*#]|https?:/);
      expect(said).toMatch(/slightly smiling face/i);
      expect(said).toMatch(/one thousand two hundred fifty/);
      expect(said).toMatch(/tausend/);
      expect(said).toMatch(/mille/);
      expect(said).toMatch(/mil doscientos/);
      expect(reading?.parts.map((part) => part.language)).toEqual(['en', 'de', 'fr', 'es']);
    }
    expect(flash?.parts.map((part) => part.voicing.languageCode)).toEqual([undefined, 'de', 'fr', 'es']);
  });
});
