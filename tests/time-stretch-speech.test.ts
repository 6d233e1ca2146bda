// Does TimeStretch keep real speech intelligible and at its pitch? The offline voice says a few
// sentences at 1x; the same audio stretched to 2x must last half as long and keep the voice's pitch,
// and its words must survive: pocketsphinx must hear about as many of them as at 1x.
//
// Pocketsphinx hears next to nothing of 2x eSpeak (about 350 words a minute, far faster than its
// training speech): measured, 0 of the keywords, and the same for SoX's `tempo 2`, so it cannot
// judge the 2x audio directly. It hears the 2x audio brought back to 1x by TimeStretch at 0.5x
// (5-6 of 6 measured), which it could not if the 2x pass had smeared or dropped sounds; and naive 2x
// resampling (every other sample: pitch an octave up) brought back the same way scores 0 of 6.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OfflineVoice } from '../main/engine/offline-voice';
import { TimeStretch } from '../shared/time-stretch';
import { keywordScore, transcribePcm } from './helpers/speech-recognition';

// Sentence by sentence, as tests/offline-voice-speech.test.ts: the recogniser does best on short
// clips. Each with the words it reliably hears in it at 1x.
const SENTENCES = [
  { text: 'The children are playing in the garden.', keywords: ['playing', 'garden'] },
  { text: 'She is reading a book in the kitchen.', keywords: ['reading', 'book'] },
  { text: 'The president said that the economy is growing.', keywords: ['president'] },
  { text: 'The market closed higher on Monday.', keywords: ['market|markets'] },
];
const KEYWORDS = SENTENCES.flatMap((sentence) => sentence.keywords);
const SPEED = 2;
const CHUNK = 1024;
const SPEECH_MIN_SCORE = 0.5;
// Of the keywords heard at 1x, the share still heard after 2x and back; the recogniser varies a
// little from call to call, so this leaves room for one or two words.
const KEYWORDS_KEPT_MIN = 0.6;

function toFloat(pcm: Int16Array): Float32Array {
  return Float32Array.from(pcm, (sample) => sample / 32768);
}

function toPcm(samples: Float32Array): Int16Array {
  return Int16Array.from(samples, (sample) => Math.max(-32768, Math.min(32767, Math.round(sample * 32768))));
}

function stretch(samples: Float32Array, sampleRate: number, speed: number): Float32Array {
  const stretcher = new TimeStretch(sampleRate, speed);
  const parts: Float32Array[] = [];
  for (let i = 0; i < samples.length; i += CHUNK)
    parts.push(stretcher.process(samples.subarray(i, i + CHUNK)));
  parts.push(stretcher.flush());
  const joined = new Float32Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return joined;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/**
 * The period of one frame by normalised autocorrelation over 70-400 Hz, as [lag, score]: the
 * shortest lag peaking within 10 % of the best score (multiples of the period score as well).
 */
function periodOf(frame: Float32Array, sampleRate: number): [number, number] {
  const minLag = Math.floor(sampleRate / 400);
  const maxLag = Math.ceil(sampleRate / 70);
  const scores = Array.from({ length: maxLag + 2 }, (_, lag) => {
    if (lag < minLag) return 0;
    let dot = 0;
    let energyA = 0;
    let energyB = 0;
    for (let i = 0; i + lag < frame.length; i++) {
      const [a, b] = [frame[i] ?? 0, frame[i + lag] ?? 0];
      dot += a * b;
      energyA += a * a;
      energyB += b * b;
    }
    return dot / Math.sqrt(energyA * energyB || 1);
  });
  const bestScore = Math.max(...scores);
  let lag = minLag;
  while (
    lag < maxLag &&
    ((scores[lag] ?? 0) < 0.9 * bestScore || (scores[lag + 1] ?? 0) > (scores[lag] ?? 0))
  )
    lag++;
  return [lag, scores[lag] ?? 0];
}

/**
 * Median fundamental over the voiced frames (40 ms every 20 ms): loud enough (a tenth of the
 * loudest frame's RMS) and periodic (autocorrelation peak ≥ 0.7).
 */
function medianFundamentalHz(samples: Float32Array, sampleRate: number): number {
  const length = Math.round(sampleRate * 0.04);
  const hop = Math.round(sampleRate * 0.02);
  const frames: Float32Array[] = [];
  for (let start = 0; start + length <= samples.length; start += hop)
    frames.push(samples.subarray(start, start + length));
  const rms = frames.map((frame) => Math.sqrt(frame.reduce((sum, s) => sum + s * s, 0) / frame.length));
  const loudest = Math.max(...rms);
  const fundamentals: number[] = [];
  frames.forEach((frame, i) => {
    if ((rms[i] ?? 0) < loudest / 10) return;
    const [lag, score] = periodOf(frame, sampleRate);
    if (score >= 0.7) fundamentals.push(sampleRate / lag);
  });
  return median(fundamentals);
}

function joined(parts: readonly Float32Array[]): Float32Array {
  const all = new Float32Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    all.set(part, offset);
    offset += part.length;
  }
  return all;
}

async function heardWords(clips: readonly Float32Array[], sampleRate: number): Promise<string[]> {
  const words: string[] = [];
  // One clip at a time: the recogniser is CPU-heavy and the machine is shared.
  for (const clip of clips) words.push(...(await transcribePcm(toPcm(clip), sampleRate)));
  return words;
}

describe('time-stretched offline speech, measured and heard', () => {
  const voice = new OfflineVoice();
  let sampleRate = 0;
  const originals: Float32Array[] = [];
  let stretched: Float32Array[] = [];

  beforeAll(async () => {
    for (const { text } of SENTENCES) {
      const synthesis = await voice.synthesize(text);
      sampleRate = synthesis.sampleRate;
      originals.push(toFloat(synthesis.pcm));
    }
    stretched = originals.map((original) => stretch(original, sampleRate, SPEED));
  });
  afterAll(() => voice.close());

  it('lasts half as long at 2x (50 % ± 3 points)', () => {
    const ratio = joined(stretched).length / joined(originals).length;
    expect(ratio).toBeGreaterThan(0.47);
    expect(ratio).toBeLessThan(0.53);
  });

  it('keeps the voice at its pitch (median fundamental within 3 per cent)', () => {
    const before = medianFundamentalHz(joined(originals), sampleRate);
    const after = medianFundamentalHz(joined(stretched), sampleRate);
    expect(after / before, `${before.toFixed(1)} Hz -> ${after.toFixed(1)} Hz`).toBeGreaterThan(0.97);
    expect(after / before, `${before.toFixed(1)} Hz -> ${after.toFixed(1)} Hz`).toBeLessThan(1.03);
  });

  it('keeps the words: the recogniser hears them after 2x and back to 1x', { timeout: 120_000 }, async () => {
    const roundTrips = stretched.map((clip) => stretch(clip, sampleRate, 1 / SPEED));
    const heardAtOne = await heardWords(originals, sampleRate);
    const heardAfter = await heardWords(roundTrips, sampleRate);
    const atOne = keywordScore(heardAtOne, KEYWORDS);
    const after = keywordScore(heardAfter, KEYWORDS);
    const detail = `1x heard: ${heardAtOne.join(' ')}\n2x and back heard: ${heardAfter.join(' ')}`;
    expect(atOne, detail).toBeGreaterThanOrEqual(SPEECH_MIN_SCORE);
    expect(after / atOne, detail).toBeGreaterThanOrEqual(KEYWORDS_KEPT_MIN);
  });
});
