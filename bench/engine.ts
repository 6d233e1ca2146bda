// The offline engine on its own: warm time to first audio for a short sentence, and the real-time
// factor (synthesis time ÷ audio duration) for a long text.
import { resolve } from 'node:path';
import { OfflineVoice } from '../main/engine/offline-voice';
import { median, now } from './stats';
import { LONG_TEXT, SHORT_TEXT } from './texts';

export interface EngineResult {
  firstAudioMs: number;
  firstAudioRuns: number;
  realTimeFactor: number;
  realTimeRuns: number;
  longAudioMs: number;
}

/** The built worker: `npm run bench` builds first, and the bench runs from source under tsx. */
export const WORKER_PATH = resolve('out/main/espeak-worker.js');

export async function benchEngine(repetitions: number): Promise<EngineResult> {
  const voice = new OfflineVoice({ workerPath: WORKER_PATH });
  try {
    await voice.warmUp();
    // The first synthesis compiles code paths the later ones reuse: not part of a warm measurement.
    await voice.synthesize(SHORT_TEXT);
    const firstAudio: number[] = [];
    for (let i = 0; i < repetitions; i++) {
      const started = now();
      await voice.synthesize(SHORT_TEXT);
      firstAudio.push(now() - started);
    }
    const factors: number[] = [];
    let longAudioMs = 0;
    for (let i = 0; i < Math.max(3, Math.ceil(repetitions / 2)); i++) {
      const started = now();
      const synthesis = await voice.synthesize(LONG_TEXT);
      factors.push((now() - started) / synthesis.durationMs);
      longAudioMs = synthesis.durationMs;
    }
    return {
      firstAudioMs: median(firstAudio),
      firstAudioRuns: firstAudio.length,
      realTimeFactor: median(factors),
      realTimeRuns: factors.length,
      longAudioMs,
    };
  } finally {
    await voice.close();
  }
}
