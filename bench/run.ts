// `npm run bench`: builds, then measures the offline engine, compares Hark's client with two peer
// clients on one `hark serve` (first audio, total time, CPU, memory, characters sent), prints
// markdown tables and rewrites the results in bench/README.md.
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { compareCharactersSent, compareFirstAudio, compareTotals } from './comparison';
import { benchEngine } from './engine';
import { startMeasuringProxy } from './measuring-proxy';
import { benchPlayer } from './player';
import { renderResults, writeResultsSection } from './report';
import { benchSpeakable } from './speakable';
import { now } from './stats';
import { LONG_TEXT, SHORT_TEXT, textOfLength } from './texts';
import { benchSteering } from './steering';
import { benchTimeStretch } from './time-stretch';
import { benchTimeToSound } from './time-to-sound';

const ENGINE_REPETITIONS = 7;
const FIRST_AUDIO_REPETITIONS = 9;
const TOTAL_REPETITIONS = 5;
const CHARACTERS_REPETITIONS = 3;
const CHARACTERS_TEXT_LENGTH = 20_000;
const STOP_AFTER_MS = 3_000;
const SERVE_READY_TIMEOUT_MS = 20_000;

interface Served {
  child: ChildProcessWithoutNullStreams;
  url: string;
  token: string;
}

/** Runs the built `hark serve` in its own process, as another program would use it. */
function startServe(): Promise<Served> {
  const child = spawn(process.execPath, [resolve('bin/hark.js'), 'serve'], { stdio: 'pipe' });
  child.stdin.end();
  // Whatever happens to the bench, the server must not outlive it.
  const killServer = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.once('exit', killServer);
  child.once('exit', () => process.off('exit', killServer));
  return new Promise((resolveServed, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error('hark serve did not print its JSON line in time'));
    }, SERVE_READY_TIMEOUT_MS);
    child.stderr.setEncoding('utf8').on('data', (text: string) => process.stderr.write(text));
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      output += text;
      const end = output.indexOf('\n');
      if (end === -1) return;
      clearTimeout(timer);
      const ready = JSON.parse(output.slice(0, end)) as { url: string; token: string };
      resolveServed({ child, url: ready.url, token: ready.token });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`hark serve exited early (exit ${code})`));
    });
  });
}

async function stopServe(served: Served): Promise<void> {
  const exited = new Promise((resolveExit) => served.child.once('exit', resolveExit));
  served.child.kill('SIGINT');
  await exited;
}

function step(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

async function main(): Promise<void> {
  const started = now();
  const loadAtStart = loadavg()[0] ?? 0;
  step('offline engine (warm first audio, real-time factor)');
  const engine = await benchEngine(ENGINE_REPETITIONS);

  step('starting hark serve and the measuring proxy');
  const served = await startServe();
  const proxy = await startMeasuringProxy(served.url);
  try {
    step(`time to first audio: 3 clients × 2 texts × ${FIRST_AUDIO_REPETITIONS} rounds, interleaved`);
    const firstAudio = await compareFirstAudio(
      proxy,
      served.token,
      [
        { label: 'Short', text: SHORT_TEXT },
        { label: 'Long', text: LONG_TEXT },
      ],
      FIRST_AUDIO_REPETITIONS,
    );
    step(`the long text to the end: total time, CPU and memory, ${TOTAL_REPETITIONS} rounds`);
    const totals = await compareTotals(proxy, served.token, LONG_TEXT, TOTAL_REPETITIONS);
    step(`characters sent when stopped after ${STOP_AFTER_MS / 1000} s: ${CHARACTERS_REPETITIONS} rounds`);
    const characters = await compareCharactersSent(
      proxy,
      served.token,
      textOfLength(CHARACTERS_TEXT_LENGTH),
      STOP_AFTER_MS,
      CHARACTERS_REPETITIONS,
    );
    const markdown = renderResults({
      engine,
      firstAudio,
      totals,
      characters,
      charactersTextLength: CHARACTERS_TEXT_LENGTH,
      stopAfterMs: STOP_AFTER_MS,
      elapsedMs: now() - started,
      loadAtStart,
    });
    process.stdout.write(`${markdown}\n`);
    await writeResultsSection(resolve('bench/README.md'), markdown);
    step('results written to bench/README.md');
  } finally {
    await proxy.close();
    await stopServe(served);
  }
  step('the player in Chromium: start latency and underruns');
  await benchPlayer(resolve('bench/README.md'));
  step('the time-stretcher: CPU per second of audio, duration and pitch at 2x');
  await benchTimeStretch(resolve('bench/README.md'));
  step('steering: previous sentence, jumps past what was generated, seeks in a 2-hour text');
  process.stdout.write(`${await benchSteering(resolve('bench/README.md'))}\n`);
  step('speakable text: the pipeline before the first audio, 1,000 characters to 5 MB');
  process.stdout.write(`${await benchSpeakable(resolve('bench/README.md'))}\n`);
  step('time to sound: hotkey to first sound, offline voice and a stand-in over TLS at 0-150 ms RTT');
  process.stdout.write(`${await benchTimeToSound(resolve('bench/README.md'))}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
