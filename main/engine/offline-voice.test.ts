import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpeechError } from '../../shared/speech-errors';
import type { Alignment } from '../../shared/protocol';
import {
  DEFAULT_OFFLINE_VOICE_ID,
  OFFLINE_SAMPLE_RATE,
  OfflineVoice,
  findWorkerScript,
  terminateWorkerForTesting,
  type Synthesis,
} from './offline-voice';

const run = promisify(execFile);
const LONG_TEXT = 'The quick brown fox jumps over the lazy dog, and then it rests for a while. '.repeat(30);

async function failure(promise: Promise<unknown>): Promise<SpeechError> {
  const error = await promise.then(
    () => new Error('expected a rejection'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SpeechError);
  return error as SpeechError;
}

function expectWellFormed(text: string, synthesis: Synthesis): void {
  const { alignment }: { alignment: Alignment } = synthesis;
  expect(synthesis.sampleRate).toBe(OFFLINE_SAMPLE_RATE);
  expect(synthesis.durationMs).toBeCloseTo((synthesis.pcm.length * 1000) / OFFLINE_SAMPLE_RATE, 6);
  expect(alignment.chars).toEqual(Array.from(text));
  let end = 0;
  alignment.charStartTimesMs.forEach((start, i) => {
    expect(start).toBe(end);
    end = start + (alignment.charDurationsMs[i] ?? NaN);
  });
  if (alignment.chars.length > 0) expect(end).toBe(Math.round(synthesis.durationMs));
}

/** Root-mean-square level of a stretch of samples, 0..1. */
function loudness(pcm: Int16Array): number {
  let sum = 0;
  for (const sample of pcm) sum += (sample / 32768) ** 2;
  return Math.sqrt(sum / Math.max(pcm.length, 1));
}

describe('OfflineVoice', () => {
  const voice = new OfflineVoice();
  beforeAll(() => voice.warmUp());
  afterAll(() => voice.close());

  it('speaks a sentence as audible 22.05 kHz audio with a timing for every character', async () => {
    const text = 'Hello, world. This is the offline voice.';
    const synthesis = await voice.synthesize(text);
    expectWellFormed(text, synthesis);
    expect(synthesis.durationMs).toBeGreaterThan(1500);
    expect(synthesis.durationMs).toBeLessThan(6000);
    expect(loudness(synthesis.pcm)).toBeGreaterThan(0.02);
    // "world" starts after "Hello," (which has a pause after it) and ends before "This".
    const at = (index: number) => synthesis.alignment.charStartTimesMs[index] ?? NaN;
    expect(at(7)).toBeGreaterThan(at(0) + 200);
    expect(at(14)).toBeGreaterThan(at(7) + 200);
  });

  it('lists voices with unique, URL-safe ids, including the default', async () => {
    const voices = await voice.voices();
    expect(voices.length).toBeGreaterThan(50);
    const ids = voices.map((v) => v.voiceId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9][a-z0-9-]*$/);
    expect(voices).toContainEqual({
      voiceId: DEFAULT_OFFLINE_VOICE_ID,
      name: 'English (America)',
      language: 'en-us',
    });
    expect(voices.map((v) => v.voiceId)).toEqual(expect.arrayContaining(['en-gb', 'fr-fr', 'de', 'yue']));
  });

  it('speaks with other voices, and refuses an unknown one with voice_not_found', async () => {
    for (const voiceId of ['en-gb', 'fr-fr', 'de']) {
      const synthesis = await voice.synthesize('Bonjour, guten Tag, hello.', { voiceId });
      expect(synthesis.durationMs).toBeGreaterThan(500);
    }
    expect((await failure(voice.synthesize('hello', { voiceId: 'no-such-voice' }))).code).toBe(
      'voice_not_found',
    );
    expect((await voice.synthesize('still working')).pcm.length).toBeGreaterThan(0);
  });

  it('speaks slower or faster with speed, clamped to 0.7..1.2', async () => {
    const text = 'Reading speed changes the length of the audio.';
    const length = async (speed: number) => (await voice.synthesize(text, { speed })).durationMs;
    const [slow, normal, fast, tooFast, tooSlow] = await Promise.all([0.7, 1, 1.2, 5, 0.1].map(length));
    expect(slow! / normal!).toBeGreaterThan(1.2);
    expect(normal! / fast!).toBeGreaterThan(1.1);
    expect(tooFast).toBeCloseTo(fast!, -1);
    expect(tooSlow).toBeCloseTo(slow!, -1);
  });

  it('reads markup characters and brackets as text instead of obeying them', async () => {
    const length = async (text: string) => (await voice.synthesize(text)).durationMs;
    // `[[` would switch eSpeak to phoneme input and swallow the rest; `<` would start a tag.
    expect(await length('one [[ two three four')).toBeCloseTo(await length('one ( two three four'), -2);
    expect(await length('five < six seven')).toBeGreaterThan((await length('five')) + 500);
    expect(await length('a\u0000b c d e')).toBeGreaterThan((await length('a')) + 500);
  });

  it('handles any text: emoji, right-to-left, CJK, control characters and lone surrogates', async () => {
    const samples = [
      '',
      '   ',
      '😀👍🏽',
      'مرحبا بالعالم',
      '日本語のテキスト',
      'a\u0001\u0007\u001b[31m',
      'x\uD800y\uDC00',
      '&amp; &#65;',
    ];
    for (const text of samples) expectWellFormed(text, await voice.synthesize(text));
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 24 }), async (text) => {
        expectWellFormed(text, await voice.synthesize(text));
      }),
      { numRuns: 40 },
    );
  });

  it('rejects at once with aborted, stops the running synthesis and keeps working', async () => {
    const started = performance.now();
    const full = await voice.synthesize(LONG_TEXT);
    const fullMs = performance.now() - started;

    expect((await failure(voice.synthesize('x', { signal: AbortSignal.abort() }))).code).toBe('aborted');

    const controller = new AbortController();
    const running = failure(voice.synthesize(LONG_TEXT, { signal: controller.signal }));
    const queued = failure(voice.synthesize(LONG_TEXT, { signal: controller.signal }));
    const after = voice.synthesize('After the abort.');
    setTimeout(() => controller.abort(), Math.min(200, fullMs / 4));
    expect((await running).code).toBe('aborted');
    expect((await queued).code).toBe('aborted');
    // The engine stopped early: the next request does not wait for the long one to finish.
    expectWellFormed('After the abort.', await after);
    expect(performance.now() - started - fullMs).toBeLessThan(fullMs * 0.5);
    expect(full.durationMs).toBeGreaterThan(60_000);
  });

  it('fails the running request with engine_failed when the worker dies, then restarts', async () => {
    const running = failure(voice.synthesize(LONG_TEXT));
    const queued = voice.synthesize('Queued behind the crash.');
    setTimeout(() => void terminateWorkerForTesting(voice), 100);
    expect((await running).code).toBe('engine_failed');
    expectWellFormed('Queued behind the crash.', await queued);
    // A crash while idle is noticed too.
    await terminateWorkerForTesting(voice);
    expectWellFormed('And again.', await voice.synthesize('And again.'));
  });
});

describe('OfflineVoice lifecycle', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hark-voice-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('finds the built worker from the sources and from the bundle folder', () => {
    const built = resolve('out/main/espeak-worker.js');
    expect(findWorkerScript(resolve('main/engine'))).toBe(built);
    expect(findWorkerScript(resolve('out/main'))).toBe(built);
  });

  it('reports engine_failed when the worker script is missing or broken', async () => {
    const missing = new OfflineVoice({ workerPath: join(dir, 'missing.js') });
    expect((await failure(missing.warmUp())).code).toBe('engine_failed');
    await missing.close();
    const brokenPath = join(dir, 'broken.js');
    await writeFile(brokenPath, 'throw new Error("engine exploded");\n');
    const broken = new OfflineVoice({ workerPath: brokenPath });
    const error = await failure(broken.synthesize('hello'));
    expect(error.code).toBe('engine_failed');
    expect(error.message).toContain('engine exploded');
    await broken.close();
  });

  it('rejects pending work with aborted on close and refuses work afterwards', async () => {
    const voice = new OfflineVoice();
    const pending = failure(voice.synthesize(LONG_TEXT));
    await new Promise((done) => setTimeout(done, 50));
    await voice.close();
    expect((await pending).code).toBe('aborted');
    expect((await failure(voice.synthesize('late'))).code).toBe('engine_failed');
  });

  it('does not keep the process alive while idle', async () => {
    // No close(): the process must still end once the voice has nothing to do.
    const script = [
      "const { OfflineVoice } = require('./main/engine/offline-voice.ts');",
      'new OfflineVoice()',
      "  .synthesize('Idle voices let the process exit.')",
      "  .then((synthesis) => console.log(synthesis.pcm.length > 0 ? 'spoke' : 'silent'));",
    ].join('\n');
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '-e', script], {
      timeout: 20_000,
    });
    expect(stdout.trim()).toBe('spoke');
  });
});
