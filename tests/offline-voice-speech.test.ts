// Does the offline voice actually speak? A real speech recogniser (pocketsphinx) must hear the
// expected words in what it says, and must not hear them in noise or in the same speech reversed
// (which has the same sounds and loudness but no words).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OfflineVoice, type Synthesis } from '../main/engine/offline-voice';
import { makeSpeakable } from '../main/text/speakable';
import { keywordScore, transcribePcm } from './helpers/speech-recognition';

// Short sentences eSpeak says clearly, with the words pocketsphinx reliably hears in them (its
// output varies a little from call to call). Measured over 14 runs: the speech scored 6-8 of the 8
// keywords (7.8 on average), reversed speech and noise 0 of 8 every time.
const SENTENCES = [
  { text: 'The children are playing in the garden.', keywords: ['playing', 'garden'] },
  { text: 'We are going to the store.', keywords: ['going'] },
  { text: 'She is reading a book in the kitchen.', keywords: ['reading', 'book'] },
  { text: 'The market closed higher on Monday.', keywords: ['market'] },
  { text: 'The weather is nice today.', keywords: ['weather|whether'] },
  { text: 'The president said that the economy is growing.', keywords: ['president'] },
];
const KEYWORDS = SENTENCES.flatMap((sentence) => sentence.keywords);
const SPEECH_MIN_SCORE = 0.5;
const NOISE_MAX_SCORE = 0.25;

function whiteNoise(length: number): Int16Array {
  // A fixed linear congruential sequence: the same noise every run.
  let state = 12345;
  return Int16Array.from({ length }, () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return Math.round((state / 2 ** 30 - 1) * 6000);
  });
}

async function heardWords(clips: readonly Int16Array[], sampleRate: number): Promise<string[]> {
  const words: string[] = [];
  // One clip at a time: the recogniser is CPU-heavy and the machine is shared.
  for (const clip of clips) words.push(...(await transcribePcm(clip, sampleRate)));
  return words;
}

describe('offline voice, heard by a speech recogniser', () => {
  const voice = new OfflineVoice();
  const syntheses: Synthesis[] = [];

  beforeAll(async () => {
    for (const { text } of SENTENCES) syntheses.push(await voice.synthesize(text));
  });
  afterAll(() => voice.close());

  it('says the expected words', { timeout: 120_000 }, async () => {
    const words = await heardWords(
      syntheses.map((s) => s.pcm),
      syntheses[0]?.sampleRate ?? 0,
    );
    expect(keywordScore(words, KEYWORDS), `heard: ${words.join(' ')}`).toBeGreaterThanOrEqual(
      SPEECH_MIN_SCORE,
    );
  });

  it('the same check hears none of them in the speech reversed', { timeout: 120_000 }, async () => {
    const reversed = syntheses.map((s) => s.pcm.slice().reverse());
    const words = await heardWords(reversed, syntheses[0]?.sampleRate ?? 0);
    expect(keywordScore(words, KEYWORDS), `heard: ${words.join(' ')}`).toBeLessThanOrEqual(NOISE_MAX_SCORE);
  });

  it('the same check hears none of them in white noise', { timeout: 120_000 }, async () => {
    const noise = syntheses.map((s) => whiteNoise(s.pcm.length));
    const words = await heardWords(noise, syntheses[0]?.sampleRate ?? 0);
    expect(keywordScore(words, KEYWORDS), `heard: ${words.join(' ')}`).toBeLessThanOrEqual(NOISE_MAX_SCORE);
  });
});

describe('numbers made speakable, heard by the speech recogniser', () => {
  const voice = new OfflineVoice();
  afterAll(() => voice.close());
  // The general language model hears eSpeak's "million" as noise, so the recogniser is given the
  // readings this sentence could get and must pick the one it hears: the pipeline's, eSpeak's or
  // Flash's own (ElevenLabs: "one thousand thousand dollars"), or wrong dates. It cannot tell
  // eSpeak's "million" from "billion" (tried: it picks either), so billion is not offered. At 0.8×
  // the synthetic voice is heard most reliably (at 1× it also picked "one dollar").
  const GRAMMAR = `#JSGF V1.0;
grammar price;
public <sentence> = it costs <amount> on <date>;
<amount> = one million dollars | one thousand thousand dollars | one thousand dollars | one dollar
  | dollar one comma zero zero zero comma zero zero zero;
<date> = the third of march twenty twenty five | three march two thousand twenty five
  | three mar twenty twenty five | the third of may twenty twenty five;
`;

  async function heard(text: string): Promise<string> {
    const synthesis = await voice.synthesize(text, { speed: 0.8 });
    return (await transcribePcm(synthesis.pcm, synthesis.sampleRate, GRAMMAR)).join(' ');
  }

  it(
    '"It costs $1,000,000 on 3 March 2025." is heard with "million" and "march"',
    { timeout: 120_000 },
    async () => {
      const spoken = makeSpeakable('It costs $1,000,000 on 3 March 2025.', {
        codeBlocks: 'announce',
        emoji: 'names',
        language: 'en',
        detectLanguage: true,
        expandNumbers: true,
      }).text;
      const words = await heard(spoken);
      expect(words, `sent "${spoken}"`).toMatch(/\bmillion\b/);
      expect(words, `sent "${spoken}"`).toMatch(/\bmarch\b/);
    },
  );

  it('the same check hears the wrong readings as wrong', { timeout: 120_000 }, async () => {
    const words = await heard(
      'It costs one thousand thousand dollars on the third of May twenty twenty-five.',
    );
    expect(words).not.toMatch(/\bmillion\b/);
    expect(words).not.toMatch(/\bmarch\b/);
    // Nor is the text as it was: eSpeak's own reading of "$1,000,000 on 3 March 2025" is none of these.
    expect(await heard('It costs $1,000,000 on 3 March 2025.')).not.toMatch(/\bmillion\b/);
  });
});

describe('keywordScore', () => {
  it('counts each expected keyword once, ignoring case', () => {
    expect(keywordScore(['the', 'Garden', 'garden'], ['garden', 'playing'])).toBe(0.5);
    expect(keywordScore(['whether'], ['weather|whether'])).toBe(1);
    expect(keywordScore(['anything'], [])).toBe(0);
    expect(keywordScore([], ['garden'])).toBe(0);
  });
});
