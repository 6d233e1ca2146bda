// Offline speech recognition for tests: Debian's pocketsphinx (US English model) turns an audio
// file into words, so a test can tell that audio is speech saying the right thing, not just noise.

import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { wavHeader } from '../../main/engine/wav';

const run = promisify(execFile);

const MODEL_DIR = '/usr/share/pocketsphinx/model/en-us';
const RECOGNISER_RATE = 16000;
const TIMEOUT_MS = 120_000;
const PAD_SECONDS = '0.6';

/**
 * Words pocketsphinx hears in an audio file (any format sox reads: WAV, MP3, raw with a header),
 * lower-case, in order. The file is converted to what the model expects: 16 kHz mono S16. With a
 * JSGF grammar the recogniser may only hear the sentences it allows (nothing, when none fits).
 */
export async function transcribeWav(path: string, grammar?: string): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'hark-asr-'));
  try {
    const converted = join(dir, 'speech-16k.wav');
    // Silence around the speech lets the recogniser's voice detection settle before the first word.
    await run(
      'sox',
      [
        path,
        '-r',
        String(RECOGNISER_RATE),
        '-c',
        '1',
        '-b',
        '16',
        converted,
        'pad',
        PAD_SECONDS,
        PAD_SECONDS,
      ],
      { timeout: TIMEOUT_MS },
    );
    const language = ['-lm', join(MODEL_DIR, 'en-us.lm.bin')];
    if (grammar !== undefined) {
      const file = join(dir, 'grammar.jsgf');
      await writeFile(file, grammar);
      language.splice(0, 2, '-jsgf', file);
    }
    const { stdout } = await run(
      'pocketsphinx_continuous',
      [
        '-infile',
        converted,
        '-hmm',
        join(MODEL_DIR, 'en-us'),
        ...language,
        '-dict',
        join(MODEL_DIR, 'cmudict-en-us.dict'),
        '-logfn',
        '/dev/null',
      ],
      { timeout: TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 },
    );
    return wordsOf(stdout);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Writes mono S16 samples to a temporary WAV file and transcribes it. */
export async function transcribePcm(
  pcm: Int16Array,
  sampleRate: number,
  grammar?: string,
): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'hark-pcm-'));
  try {
    const path = join(dir, 'speech.wav');
    const data = new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength);
    await writeFile(
      path,
      Buffer.concat([wavHeader({ sampleRate, codec: 'pcm', dataBytes: data.length }), data]),
    );
    return await transcribeWav(path, grammar);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** One hypothesis line per utterance; alternate pronunciations are marked like "read(2)". */
function wordsOf(output: string): string[] {
  return output
    .toLowerCase()
    .split(/\s+/)
    .map((word) => word.replace(/\(\d+\)$/, ''))
    .filter((word) => /^[a-z][a-z']*$/.test(word));
}

/**
 * Fraction (0..1) of the expected keywords that were recognised, each counted once. A keyword may
 * list homophones the recogniser cannot tell apart: "weather|whether".
 */
export function keywordScore(recognised: readonly string[], expected: readonly string[]): number {
  const keywords = new Set(expected.map((word) => word.toLowerCase()));
  if (keywords.size === 0) return 0;
  const heard = new Set(recognised.map((word) => word.toLowerCase()));
  let found = 0;
  for (const keyword of keywords) if (keyword.split('|').some((spelling) => heard.has(spelling))) found++;
  return found / keywords.size;
}
