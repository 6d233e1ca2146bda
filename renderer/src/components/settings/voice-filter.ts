// The voice picker's search: every word typed must appear in the voice's name, language, category
// or one of its labels (case and accents ignored), so "british female" narrows as expected.
import type { Voice } from '../../../../shared/contract';

function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase();
}

function searchableText(voice: Voice): string {
  return fold(
    [voice.name, voice.language ?? '', voice.category, ...Object.values(voice.labels), voice.voiceId].join(
      ' ',
    ),
  );
}

export function filterVoices(voices: readonly Voice[], query: string): Voice[] {
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...voices];
  return voices.filter((voice) => {
    const text = searchableText(voice);
    return words.every((word) => text.includes(word));
  });
}

/** The line under a voice's name: language and the labels that describe it. */
export function voiceDetails(voice: Voice): string {
  const { language: languageLabel, ...labels } = voice.labels;
  const language = voice.language ?? languageLabel;
  const described = Object.values(labels).filter((value) => value && value !== language);
  return [language, ...described].filter(Boolean).join(' · ');
}
