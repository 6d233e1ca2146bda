// TimeStretch (shared/time-stretch.ts) on 60 s of speech-like audio at 16 kHz and 44.1 kHz:
// CPU time per second of audio at 1.5x, 2x and 3x, and at 2x the duration ratio and the pitch
// ratio (the median over voiced frames of the output's fundamental over the input's). The signal
// is synthetic (a gliding voice with harmonics, syllables, pauses and a little noise) so the bench
// needs no build and no engine.
//
//   node --import tsx bench/time-stretch.ts   # prints the table and rewrites its section of bench/README.md
//   (npm run bench runs it too.)
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { TimeStretch } from '../shared/time-stretch';
import { writeMarkedSection } from './report';
import { median } from './stats';

const SECONDS = 60;
const RATES = [16000, 44100];
const SPEEDS = [1.5, 2, 3];
const CHUNK = 1024;
const REPETITIONS = 3;
// Pitch is measured on the first stretch only: autocorrelation over a minute at 44.1 kHz is slow.
const PITCH_SECONDS = 10;

/** A voice gliding between ~95 and ~165 Hz, 12 harmonics, 4 syllables a second, a pause every 2.5 s. */
export function speechLike(seconds: number, sampleRate: number): Float32Array {
  const samples = new Float32Array(Math.round(seconds * sampleRate));
  let phase = 0;
  let noise = 1;
  for (let i = 0; i < samples.length; i++) {
    const t = i / sampleRate;
    const fundamental = 130 + 25 * Math.sin(2 * Math.PI * 0.3 * t) + 10 * Math.sin(2 * Math.PI * 0.9 * t);
    phase += (2 * Math.PI * fundamental) / sampleRate;
    let voiced = 0;
    for (let k = 1; k <= 12 && k * fundamental < sampleRate / 2; k++) voiced += Math.sin(k * phase) / k;
    const syllable = Math.max(0, Math.sin(2 * Math.PI * 4 * t)) ** 0.5;
    const pause = t % 2.5 > 2.2 ? 0 : 1;
    noise = (noise * 16807) % 2147483647;
    samples[i] = pause * (0.25 * syllable * voiced + 0.01 * (noise / 1073741823.5 - 1));
  }
  return samples;
}

function stretchAll(
  input: Float32Array,
  sampleRate: number,
  speed: number,
  stretch = new TimeStretch(sampleRate, speed),
): Float32Array {
  const parts: Float32Array[] = [];
  for (let i = 0; i < input.length; i += CHUNK) parts.push(stretch.process(input.subarray(i, i + CHUNK)));
  parts.push(stretch.flush());
  const output = new Float32Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    output.set(part, offset);
    offset += part.length;
  }
  return output;
}

/** CPU milliseconds (user + system) that `work` takes. */
function cpuMs(work: () => void): number {
  const before = process.cpuUsage();
  work();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

/** The shortest 70-400 Hz lag whose normalised autocorrelation peaks within 10 % of the best: [lag, score]. */
function periodOf(frame: Float32Array, sampleRate: number): [number, number] {
  const minLag = Math.floor(sampleRate / 400);
  const maxLag = Math.ceil(sampleRate / 70);
  const scores = Array.from({ length: maxLag + 2 }, (_, lag) => {
    if (lag < minLag) return 0;
    let dot = 0;
    let energyA = 0;
    let energyB = 0;
    for (let i = 0; i + lag < frame.length; i++) {
      const a = frame[i] ?? 0;
      const b = frame[i + lag] ?? 0;
      dot += a * b;
      energyA += a * a;
      energyB += b * b;
    }
    return dot / Math.sqrt(energyA * energyB || 1);
  });
  const best = Math.max(...scores);
  let lag = minLag;
  while (lag < maxLag && ((scores[lag] ?? 0) < 0.9 * best || (scores[lag + 1] ?? 0) > (scores[lag] ?? 0)))
    lag++;
  // A parabola through the peak and its neighbours: integer lags alone are 1 % apart at 16 kHz.
  const [before, at, after] = [scores[lag - 1] ?? 0, scores[lag] ?? 0, scores[lag + 1] ?? 0];
  return [lag + (before - after) / (2 * (before - 2 * at + after) || 1), at];
}

/**
 * Median, over loud periodic 40 ms frames of the output (every 20 ms), of the output's fundamental
 * over the input's at the source position that frame stands for. (Comparing the two medians of a
 * gliding voice instead swings by ±2 % with which frames count as voiced.)
 */
function pitchRatio(
  input: Float32Array,
  output: Float32Array,
  stretch: TimeStretch,
  sampleRate: number,
): number {
  const length = Math.round(sampleRate * 0.04);
  const hop = Math.round(sampleRate * 0.02);
  const ratios: number[] = [];
  for (let start = 0; start + length <= output.length; start += hop) {
    const source = Math.round(stretch.sourcePosition(start + length / 2) - length / 2);
    if (source < 0 || source + length > input.length) continue;
    const frameOut = output.subarray(start, start + length);
    const frameIn = input.subarray(source, source + length);
    if (rms(frameOut) < 0.02 || rms(frameIn) < 0.02) continue;
    const [lagOut, scoreOut] = periodOf(frameOut, sampleRate);
    const [lagIn, scoreIn] = periodOf(frameIn, sampleRate);
    if (scoreOut >= 0.8 && scoreIn >= 0.8) ratios.push(lagIn / lagOut);
  }
  return median(ratios);
}

function rms(frame: Float32Array): number {
  return Math.sqrt(frame.reduce((sum, sample) => sum + sample * sample, 0) / frame.length);
}

interface RateResult {
  sampleRate: number;
  /** CPU ms per second of source audio, by speed. */
  cpuMsPerSecond: Map<number, number>;
  durationRatioAt2x: number;
  pitchRatioAt2x: number;
}

function benchRate(sampleRate: number): RateResult {
  const input = speechLike(SECONDS, sampleRate);
  stretchAll(input.subarray(0, sampleRate * 5), sampleRate, 2); // warm-up: let V8 optimise
  const cpuMsPerSecond = new Map<number, number>();
  for (const speed of SPEEDS) {
    const runs = Array.from({ length: REPETITIONS }, () => cpuMs(() => stretchAll(input, sampleRate, speed)));
    cpuMsPerSecond.set(speed, median(runs) / SECONDS);
  }
  const stretch = new TimeStretch(sampleRate, 2);
  const atTwo = stretchAll(input, sampleRate, 2, stretch);
  const pitchInput = input.subarray(0, PITCH_SECONDS * sampleRate);
  return {
    sampleRate,
    cpuMsPerSecond,
    durationRatioAt2x: atTwo.length / input.length,
    pitchRatioAt2x: pitchRatio(pitchInput, atTwo.subarray(0, pitchInput.length / 2), stretch, sampleRate),
  };
}

function render(results: readonly RateResult[], loadAtStart: number): string {
  const cpu = cpus()[0]?.model.split(' ').slice(0, 2).join(' ') ?? 'unknown CPU';
  return [
    `Last run: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${cpu}, ${cpus().length} cores, ` +
      `Node ${process.version}; load average ${loadAtStart.toFixed(1)} at the start. ` +
      `${SECONDS} s of speech-like audio, ${CHUNK}-sample chunks, median of ${REPETITIONS} runs.`,
    '',
    `| Sample rate | ${SPEEDS.map((speed) => `CPU per s of audio, ${speed}x`).join(' | ')} | Duration at 2x ÷ input | Pitch at 2x ÷ input |`,
    `|---|${SPEEDS.map(() => '---|').join('')}---|---|`,
    ...results.map(
      (result) =>
        `| ${result.sampleRate / 1000} kHz | ${SPEEDS.map((speed) => `${(result.cpuMsPerSecond.get(speed) ?? NaN).toFixed(2)} ms`).join(' | ')} | ` +
        `${result.durationRatioAt2x.toFixed(4)} | ${result.pitchRatioAt2x.toFixed(4)} |`,
    ),
  ].join('\n');
}

/** What `npm run bench` calls: measure, print, and rewrite the section. */
export async function benchTimeStretch(readmePath: string): Promise<void> {
  const loadAtStart = loadavg()[0] ?? 0;
  const markdown = render(RATES.map(benchRate), loadAtStart);
  process.stdout.write(`${markdown}\n`);
  await writeMarkedSection(
    readmePath,
    { start: '<!-- stretch:start -->', end: '<!-- stretch:end -->' },
    markdown,
  );
  process.stderr.write(`bench (time-stretch): results written to ${readmePath}\n`);
}

if (require.main === module) {
  benchTimeStretch(resolve(__dirname, 'README.md')).catch((error: unknown) => {
    process.stderr.write(
      `bench (time-stretch): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  });
}
