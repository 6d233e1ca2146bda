// What a reading sends, decided once when it starts, the same way for the app and `hark speak`: the
// speakable text (main/text/speakable.ts), with numbers spelled out only for engines that would not
// do it well, and for each language part the voice and `language_code` to read it with.
import type { EngineKind, TextSettings } from '../../shared/settings-schema';
import { DEFAULT_OFFLINE_VOICE_ID } from '../engine/offline-voice';
import type { StreamQuery } from '../../shared/protocol';
import { Lexicon } from '../text/lexicon';
import type { ReadingSentences } from './reading-sentences';
import type { NarrationTarget } from './start-narration';
import { OffsetMap } from '../text/offset-map';
import { makeSpeakable } from '../text/speakable';
import type { SpeakableOptions, SpeakableText } from '../text/speakable';

/** How an engine's model treats the text it is sent. */
export interface ModelTextHandling {
  /** The model spells out numbers itself (when asked to with apply_text_normalization). */
  normalises: boolean;
  /** The model takes `language_code`. */
  takesLanguageCode: boolean;
}

// ElevenLabs: Flash and Turbo v2.5 normalise only on Enterprise plans ("$1,000,000" is read "one
// thousand thousand dollars" otherwise) and are the models that take language_code; the other
// models normalise when asked and refuse language_code. A model we do not know (the server's
// default, a custom server) is sent spelled-out text and nothing it might refuse. eSpeak NG reads
// digits, but reads "$5" as "dollar five".
const V2_5_MODEL = /^eleven_(?:flash|turbo)_v2_5$/;
const NORMALISING_MODELS = new Set([
  'eleven_multilingual_v2',
  'eleven_multilingual_v1',
  'eleven_monolingual_v1',
  'eleven_turbo_v2',
  'eleven_flash_v2',
  'eleven_v3',
]);

export function modelTextHandling(engine: EngineKind, modelId: string): ModelTextHandling {
  if (engine === 'offline') return { normalises: false, takesLanguageCode: false };
  if (V2_5_MODEL.test(modelId)) return { normalises: false, takesLanguageCode: true };
  return { normalises: NORMALISING_MODELS.has(modelId), takesLanguageCode: false };
}

/** Query parameters that follow from the model: normalisation asked for where the model does it well. */
function textQuery(handling: ModelTextHandling): Pick<StreamQuery, 'apply_text_normalization'> {
  return handling.normalises ? { apply_text_normalization: 'on' } : {};
}

/** The offline voices for languages whose eSpeak NG voice is not named by the code alone. */
const OFFLINE_VOICE_BY_LANGUAGE: Readonly<Record<string, string>> = {
  en: DEFAULT_OFFLINE_VOICE_ID,
  fr: 'fr-fr',
  zh: 'cmn',
  pt: 'pt',
  es: 'es',
};

/** The language an offline voice speaks ('en-gb' → 'en', 'cmn' → 'zh'). */
export function offlineVoiceLanguage(voiceId: string): string {
  const language = voiceId.toLowerCase().split('-')[0] ?? '';
  return language === 'cmn' ? 'zh' : language;
}

/** The offline voice for a language: the user's pick, else eSpeak NG's voice of that name. */
export function offlineVoiceFor(language: string, text: TextSettings): string {
  return text.languageVoices.offline[language] ?? OFFLINE_VOICE_BY_LANGUAGE[language] ?? language;
}

/** How one part of the text is voiced. */
export interface Voicing {
  voiceId: string;
  languageCode?: string;
}

/** From `start` (an offset in the speakable text) on, until the next part, read with `voicing`. */
export interface VoicedPart {
  start: number;
  /** The language of its text; undefined when it could not be told. */
  language: string | undefined;
  voicing: Voicing;
}

export interface ReadingVoice {
  engine: EngineKind;
  modelId: string;
  /** The voice the user chose (or asked for on this reading). */
  voiceId: string;
}

export interface SpeakableReading {
  speakable: SpeakableText;
  /** In text order, the first at 0; adjacent parts always differ. */
  parts: VoicedPart[];
  handling: ModelTextHandling;
}

function sameVoicing(a: Voicing, b: Voicing): boolean {
  return a.voiceId === b.voiceId && a.languageCode === b.languageCode;
}

function voicingFor(language: string | undefined, voice: ReadingVoice, text: TextSettings): Voicing {
  const handling = modelTextHandling(voice.engine, voice.modelId);
  if (language === undefined || !text.followLanguage) return { voiceId: voice.voiceId };
  if (voice.engine === 'offline') {
    const own = offlineVoiceLanguage(voice.voiceId) === language;
    return { voiceId: own ? voice.voiceId : offlineVoiceFor(language, text) };
  }
  // ElevenLabs voices speak every language their model does: the chosen voice stays unless the
  // user picked another for this language.
  const voiceId = text.languageVoices.elevenlabs[language] ?? voice.voiceId;
  // The voice's own language goes without language_code, as text too short to tell does: both then
  // share one stream URL, so a socket opened before the text was known (warm-sessions.ts) reads either.
  const named = handling.takesLanguageCode && language !== chosenLanguage(voice);
  return named ? { voiceId, languageCode: language } : { voiceId };
}

/** The language the chosen voice speaks, for text too short to tell. */
function chosenLanguage(voice: ReadingVoice): string {
  return voice.engine === 'offline' ? offlineVoiceLanguage(voice.voiceId) : 'en';
}

export interface SpeakableRequest {
  voice: ReadingVoice;
  text: TextSettings;
  /** Send the text exactly as given (the CLI's --verbatim). */
  verbatim?: boolean;
}

export function speakableOptions(request: SpeakableRequest): SpeakableOptions {
  const { voice, text } = request;
  const handling = modelTextHandling(voice.engine, voice.modelId);
  return {
    codeBlocks: text.codeBlocks,
    emoji: text.emoji,
    language: chosenLanguage(voice),
    detectLanguage: text.followLanguage,
    expandNumbers: !handling.normalises,
    ...(text.pronunciations.length > 0 ? { lexicon: new Lexicon(text.pronunciations) } : {}),
  };
}

/** The speakable text of `source` and the voice of each of its parts. */
export function speakableReading(source: string, request: SpeakableRequest): SpeakableReading {
  const { voice } = request;
  const handling = modelTextHandling(voice.engine, voice.modelId);
  const speakable = request.verbatim
    ? verbatimText(source)
    : makeSpeakable(source, speakableOptions(request));
  const parts: VoicedPart[] = [];
  for (const run of speakable.runs) {
    const voicing = voicingFor(run.language, voice, request.text);
    const last = parts.at(-1);
    if (!last || !sameVoicing(last.voicing, voicing))
      parts.push({ start: run.start, language: run.language, voicing });
  }
  if (parts.length === 0) parts.push({ start: 0, language: undefined, voicing: { voiceId: voice.voiceId } });
  return { speakable, parts, handling };
}

function verbatimText(source: string): SpeakableText {
  const map = new OffsetMap();
  map.copy(source.length);
  return { text: source, map, runs: [{ start: 0, end: source.length, language: undefined }] };
}

/**
 * The same parts read by another voice (the offline one, after a fallback): each keeps its place, so
 * the reading's sentences and voice changes stay as they were.
 */
export function revoiced(
  reading: SpeakableReading,
  voice: ReadingVoice,
  text: TextSettings,
): SpeakableReading {
  return {
    ...reading,
    handling: modelTextHandling(voice.engine, voice.modelId),
    parts: reading.parts.map((part) => ({ ...part, voicing: voicingFor(part.language, voice, text) })),
  };
}

/** The target for one voicing: its voice, its language, and the model's text options. */
export function voicedTarget(
  target: NarrationTarget,
  handling: ModelTextHandling,
  voicing: Voicing,
): NarrationTarget {
  const { parameters } = target;
  return {
    ...target,
    parameters: {
      ...parameters,
      voiceId: voicing.voiceId,
      query: {
        ...parameters.query,
        ...textQuery(handling),
        ...(voicing.languageCode !== undefined ? { language_code: voicing.languageCode } : {}),
      },
    },
  };
}

/** The target for the part that `offset` lies in. */
export function targetForPart(
  target: NarrationTarget,
  reading: SpeakableReading,
  offset: number,
): NarrationTarget {
  return voicedTarget(target, reading.handling, partAt(reading.parts, offset).voicing);
}

/** The sentences (of the speakable text) where another voice takes over. */
export function voiceChangeSentences(reading: SpeakableReading, sentences: ReadingSentences): number[] {
  // Parts begin at paragraphs, which begin sentences; were one to begin inside a sentence, the
  // change waits for the next sentence, as the part a generation reads is looked up at its start.
  const changes = reading.parts.slice(1).map((part) => {
    const sentence = sentences.indexAt(part.start);
    return sentences.start(sentence) < part.start ? sentence + 1 : sentence;
  });
  return [...new Set(changes)].filter((sentence) => sentence > 0 && sentence < sentences.count);
}

/** The part a speakable-text offset lies in. */
export function partAt(parts: readonly VoicedPart[], offset: number): VoicedPart {
  let found = parts[0] as VoicedPart;
  for (const part of parts) {
    if (part.start > offset) break;
    found = part;
  }
  return found;
}

// Paragraphs that pass through every stage: Markdown (a heading, a list, a table, code, a quote), an
// emoji, a link, and in each language numbers.ts covers the kinds of number it reads (amounts, units,
// dates, times, percentages, ordinals, phone numbers), each paragraph long enough to be told apart.
const WARM_UP_TEXT = [
  '# Warming up\n\nThe **order** of 3 items costs $1,250.50, about 12% more than on 3 March 2025 at 7:45 pm 🙂. See https://example.com for the 2nd list, or mail help@example.com.',
  '1. Dr. Lee paid €4.99/kg for 0.75 kg of apples, 2 x 1 l of milk @ $1.89 and 500 g of rice, at 10:30-11:15 on 14/03/2025.\n2. Call 020 7946 0321, ext. 12; the 1990s, the 21st century, 3/4 of a cup, 25 °C, 120 km/h, -15%, no. 418.',
  '| Item | Price |\n| --- | --- |\n| Tea | £2.40 |\n\n> Quoted: `npm install` then run it.\n\n```\nconst x = 1;\n```',
  'Die Bestellung von 3 Artikeln kostet 1.250,50 €, etwa 12 % mehr als am 3. März 2025 um 19:45 Uhr, sagte der Händler, und 0,75 kg Äpfel kosten 2,40 €.',
  'La commande de 3 articles coûte 1 250,50 €, environ 12 % de plus que le 3 mars 2025 à 19 h 45, selon le vendeur, et le 1er kilo coûte 2,40 €.',
  'El pedido de 3 artículos cuesta 1.250,50 €, un 12 % más que el 3 de marzo de 2025 a las 19:45, según el vendedor, y 0,75 kg de manzanas cuestan 2,40 €.',
].join('\n\n');
// Twice: V8 compiles a regular expression natively only once it has run it.
const WARM_UP_ROUNDS = 2;

/**
 * Runs the text pipeline once, off the path of any reading: V8 compiles its code and regular
 * expressions on first use, which costs a first reading 10-40 ms (bench/README.md, speakable text).
 * Returns what was made, for a test to check that every stage was reached.
 */
export function warmUpSpeakableText(text: TextSettings): SpeakableReading[] {
  const voices: ReadingVoice[] = [
    { engine: 'offline', modelId: '', voiceId: DEFAULT_OFFLINE_VOICE_ID },
    { engine: 'elevenlabs', modelId: 'eleven_flash_v2_5', voiceId: 'warm-up' },
  ];
  const made: SpeakableReading[] = [];
  for (let round = 0; round < WARM_UP_ROUNDS; round++) {
    made.splice(
      0,
      made.length,
      ...voices.map((voice) => speakableReading(WARM_UP_TEXT, { voice, text, verbatim: false })),
    );
  }
  return made;
}
