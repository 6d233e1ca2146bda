// `npm run soak [-- --minutes N]`: reads aloud for an hour (or N minutes) through the offline voice's
// stream-input server in this process, with Hark's own client (Narration over StreamSession) and a
// listener that hears the audio at real-time pace (or --speed times faster) on the wall clock.
// Readings follow one another: whole texts read to the end, texts stopped part-way as a user would,
// and text streamed in as an LLM writes it. It reports memory and the process's active resources at
// the start, every few minutes and at the end, checks every reading's audio for continuity, and exits
// non-zero on a leak (memory that keeps growing, resources left behind) or a broken reading.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startStreamServer } from '../main/engine/stream-server';
import type { RunningStreamServer } from '../main/engine/stream-server';
import { Narration } from '../main/speech/narration';
import type { AudioSink, NarrationSource } from '../main/speech/narration';
import type { AudioChunk } from '../main/speech/session';
import { tokenizeWords } from '../main/speech/word-tracker';
import { textOfLength } from './texts';

interface SoakOptions {
  minutes: number;
  /** How much faster than real time the listener hears (1 = a person listening). */
  speed: number;
  reportEveryMinutes: number;
  /** Heap (after a full collection) may grow this much from the warm baseline. */
  maxHeapGrowthMb: number;
  /** Resident memory may grow this much (it also holds the engine's worker and its WebAssembly). */
  maxRssGrowthMb: number;
}

const DEFAULTS: SoakOptions = {
  minutes: 60,
  speed: 1,
  reportEveryMinutes: 5,
  maxHeapGrowthMb: 16,
  maxRssGrowthMb: 64,
};

const FLAGS: Record<string, keyof SoakOptions> = {
  '--minutes': 'minutes',
  '--speed': 'speed',
  '--report-every': 'reportEveryMinutes',
  '--max-heap-growth-mb': 'maxHeapGrowthMb',
  '--max-rss-growth-mb': 'maxRssGrowthMb',
};

function parseOptions(argv: readonly string[]): SoakOptions {
  const options = { ...DEFAULTS };
  for (let i = 0; i < argv.length; i += 2) {
    const key = FLAGS[argv[i] ?? ''];
    const value = Number(argv[i + 1]);
    if (!key || !Number.isFinite(value) || value <= 0) {
      throw new Error(
        `usage: soak.ts [${Object.keys(FLAGS).join(' N] [')} N] (got "${argv[i]} ${argv[i + 1]}")`,
      );
    }
    options[key] = value;
  }
  return options;
}

// ---------------------------------------------------------------------------------------------
// Measuring the process

const MB = 1024 * 1024;

/** global.gc when Node runs with --expose-gc; otherwise the same function from a fresh context. */
function findGc(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

const gc = findGc();

interface Snapshot {
  atMs: number;
  rssMb: number;
  heapMb: number;
  externalMb: number;
  resources: Record<string, number>;
  processListeners: number;
}

function countResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of process.getActiveResourcesInfo()) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}

function processListeners(): number {
  return process.eventNames().reduce((sum, name) => sum + process.listenerCount(name), 0);
}

function snapshot(startedAt: number): Snapshot {
  gc();
  gc();
  const memory = process.memoryUsage();
  return {
    atMs: Date.now() - startedAt,
    rssMb: memory.rss / MB,
    heapMb: memory.heapUsed / MB,
    externalMb: (memory.external + memory.arrayBuffers) / MB,
    resources: countResources(),
    processListeners: processListeners(),
  };
}

function describeSnapshot(label: string, s: Snapshot): string {
  const resources = Object.entries(s.resources)
    .map(([name, count]) => `${name}×${count}`)
    .join(' ');
  return (
    `${label.padEnd(9)} ${(s.atMs / 60_000).toFixed(1).padStart(5)} min  rss ${s.rssMb.toFixed(1)} MB  ` +
    `heap ${s.heapMb.toFixed(1)} MB  external ${s.externalMb.toFixed(1)} MB  ` +
    `process listeners ${s.processListeners}  resources: ${resources || 'none'}`
  );
}

// ---------------------------------------------------------------------------------------------
// The listener

/**
 * Hears audio at `speed` times real time from the first chunk on, like a player: its position never
 * passes the audio received (it waits instead, and that wait is counted as an underrun), and it
 * checks that each chunk starts exactly where the previous one ended.
 */
class Listener implements AudioSink {
  receivedMs = 0;
  underrunMs = 0;
  gaps = 0;
  chunks = 0;
  #headMs = 0;
  #lastTick: number | undefined;
  #stopped = false;

  constructor(private readonly speed: number) {}

  write(chunk: AudioChunk): void {
    this.#advance();
    if (Math.abs(chunk.startMs - this.receivedMs) > 1e-6) this.gaps++;
    this.receivedMs = Math.max(this.receivedMs, chunk.startMs + chunk.durationMs);
    this.chunks++;
    this.#lastTick ??= Date.now();
  }

  playedMs(): number {
    this.#advance();
    return this.#headMs;
  }

  /** Resolves once everything received has been heard. */
  async end(): Promise<void> {
    while (!this.#stopped && this.playedMs() < this.receivedMs) {
      const remainingMs = (this.receivedMs - this.#headMs) / this.speed;
      await new Promise((resolve) => setTimeout(resolve, Math.min(250, Math.max(5, remainingMs))));
    }
  }

  stop(): void {
    this.#stopped = true;
  }

  #advance(): void {
    if (this.#lastTick === undefined) return;
    const now = Date.now();
    const wanted = this.#headMs + (now - this.#lastTick) * this.speed;
    // Ran out of audio mid-reading: a real player would fall silent here.
    if (wanted > this.receivedMs) this.underrunMs += (wanted - this.receivedMs) / this.speed;
    this.#headMs = Math.min(wanted, this.receivedMs);
    this.#lastTick = now;
  }
}

// ---------------------------------------------------------------------------------------------
// Readings

type ReadingKind = 'whole' | 'stopped' | 'streamed';

interface ReadingReport {
  kind: ReadingKind;
  characters: number;
  charactersSent: number;
  audioMs: number;
  wallMs: number;
  words: number;
  expectedWords: number;
  underrunMs: number;
  gaps: number;
  problem?: string;
}

/** Text arriving a few words at a time, like an LLM's answer. */
async function* trickle(text: string, stop: AbortSignal): AsyncGenerator<string> {
  for (let at = 0; at < text.length && !stop.aborted;) {
    const next = Math.min(text.length, at + 20 + Math.floor(Math.random() * 40));
    yield text.slice(at, next);
    at = next;
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
/** Sockets and timers of a reading that just ended close asynchronously; measure after this. */
const SETTLE_MS = 1500;

async function read(
  server: RunningStreamServer,
  kind: ReadingKind,
  text: string,
  speed: number,
  deadline: number,
): Promise<ReadingReport> {
  const listener = new Listener(speed);
  const stopFeeding = new AbortController();
  const source: NarrationSource =
    kind === 'streamed'
      ? { kind: 'stream', chunks: trickle(text, stopFeeding.signal) }
      : { kind: 'text', text };
  const narration = new Narration({
    session: {
      baseUrl: server.url,
      apiKey: server.token,
      voiceId: 'en-us',
      query: { output_format: 'pcm_22050' },
    },
    source,
    sink: listener,
  });
  let wordsHeard = 0;
  narration.on('word', () => wordsHeard++);
  const started = Date.now();
  // A user stops some readings part-way; every reading stops when the soak's time is up.
  const stopAt =
    kind === 'stopped' ? Math.min(deadline, started + (10_000 + Math.random() * 50_000) / speed) : deadline;
  const timer = setTimeout(() => narration.cancel(), Math.max(0, stopAt - started));
  const report: ReadingReport = {
    kind,
    characters: text.length,
    charactersSent: 0,
    audioMs: 0,
    wallMs: 0,
    words: 0,
    expectedWords: tokenizeWords(text).length,
    underrunMs: 0,
    gaps: 0,
  };
  try {
    const result = await narration.run();
    report.audioMs = result.audioMs;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== 'aborted')
      report.problem = `failed: ${error instanceof Error ? error.message : String(error)}`;
    else if (kind !== 'stopped' && Date.now() < deadline) report.problem = 'stopped on its own';
    report.audioMs = listener.receivedMs;
  } finally {
    clearTimeout(timer);
    stopFeeding.abort();
    listener.stop();
  }
  report.words = wordsHeard;
  if (
    report.problem === undefined &&
    narration.state.kind === 'done' &&
    report.words !== report.expectedWords
  ) {
    report.problem = `${report.words} of ${report.expectedWords} words timed`;
  }
  report.charactersSent = narration.charactersSent;
  report.wallMs = Date.now() - started;
  report.underrunMs = listener.underrunMs;
  report.gaps = listener.gaps;
  if (report.gaps > 0) report.problem ??= `${report.gaps} gaps in the audio timeline`;
  const msPerChar = report.audioMs / Math.max(1, report.charactersSent);
  if (report.problem === undefined && kind === 'whole' && (msPerChar < 30 || msPerChar > 200)) {
    report.problem = `implausible ${msPerChar.toFixed(0)} ms of audio per character`;
  }
  return report;
}

function describeReading(index: number, r: ReadingReport): string {
  return (
    `reading ${String(index).padStart(3)} ${r.kind.padEnd(8)} ${(r.audioMs / 1000).toFixed(1).padStart(6)} s audio ` +
    `in ${(r.wallMs / 1000).toFixed(1).padStart(6)} s, ${r.charactersSent}/${r.characters} chars sent, ` +
    `${r.words}/${r.expectedWords} words, underrun ${r.underrunMs.toFixed(0)} ms` +
    (r.problem ? `  PROBLEM: ${r.problem}` : '')
  );
}

const KINDS: readonly ReadingKind[] = ['whole', 'stopped', 'streamed', 'stopped'];

/** Texts of different lengths (about 15 s to 2 min of speech at normal speed). */
function textFor(index: number): string {
  return textOfLength(200 + ((index * 397) % 1500));
}

// ---------------------------------------------------------------------------------------------

interface Verdict {
  failures: string[];
}

function judge(options: SoakOptions, baseline: Snapshot, end: Snapshot, readings: ReadingReport[]): Verdict {
  const failures: string[] = [];
  const heapGrowth = end.heapMb - baseline.heapMb;
  const rssGrowth = end.rssMb - baseline.rssMb;
  if (heapGrowth > options.maxHeapGrowthMb) {
    failures.push(`heap grew by ${heapGrowth.toFixed(1)} MB (limit ${options.maxHeapGrowthMb} MB)`);
  }
  if (rssGrowth > options.maxRssGrowthMb) {
    failures.push(`resident memory grew by ${rssGrowth.toFixed(1)} MB (limit ${options.maxRssGrowthMb} MB)`);
  }
  for (const [name, count] of Object.entries(end.resources)) {
    const before = baseline.resources[name] ?? 0;
    if (count > before) failures.push(`${count - before} more ${name} than at the start`);
  }
  if (end.processListeners > baseline.processListeners) {
    failures.push(
      `${end.processListeners - baseline.processListeners} more process listeners than at the start`,
    );
  }
  readings.forEach((reading, i) => {
    if (reading.problem) failures.push(`reading ${i + 1}: ${reading.problem}`);
  });
  if (readings.length === 0) failures.push('no reading finished');
  return { failures };
}

function summary(readings: ReadingReport[]): string {
  const audioMs = readings.reduce((sum, r) => sum + r.audioMs, 0);
  const underrunMs = readings.reduce((sum, r) => sum + r.underrunMs, 0);
  const gaps = readings.reduce((sum, r) => sum + r.gaps, 0);
  const words = readings.reduce((sum, r) => sum + r.words, 0);
  const byKind = KINDS.filter((k, i) => KINDS.indexOf(k) === i)
    .map((kind) => `${readings.filter((r) => r.kind === kind).length} ${kind}`)
    .join(', ');
  return (
    `${readings.length} readings (${byKind}), ${(audioMs / 60_000).toFixed(1)} min of audio, ${words} words timed, ` +
    `${gaps} timeline gaps, ${(underrunMs / 1000).toFixed(2)} s of underrun in all`
  );
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const log = (line: string): void => void process.stdout.write(`${line}\n`);
  log(
    `soak: ${options.minutes} min at ${options.speed}× real time, report every ${options.reportEveryMinutes} min`,
  );
  const startedAt = Date.now();
  const initial = snapshot(startedAt);
  log(describeSnapshot('start', initial));
  const server = await startStreamServer({ warmUpFormats: [] });
  const readings: ReadingReport[] = [];
  let index = 0;
  // One reading warms the engine, the JIT and the encoder up; the leak baseline is taken after it.
  await read(server, 'whole', textOfLength(120), Math.max(options.speed, 8), Date.now() + 60_000);
  await sleep(SETTLE_MS);
  const baseline = snapshot(startedAt);
  log(describeSnapshot('warm', baseline));
  const deadline = Date.now() + options.minutes * 60_000;
  const reporter = setInterval(
    () => log(describeSnapshot('running', snapshot(startedAt))),
    options.reportEveryMinutes * 60_000,
  );
  try {
    while (Date.now() < deadline) {
      const kind = KINDS[index % KINDS.length] as ReadingKind;
      const reading = await read(server, kind, textFor(index), options.speed, deadline);
      readings.push(reading);
      log(describeReading(++index, reading));
      await sleep(200);
    }
  } finally {
    clearInterval(reporter);
  }
  await sleep(SETTLE_MS);
  const end = snapshot(startedAt);
  log(describeSnapshot('end', end));
  await server.close();
  await sleep(500);
  log(describeSnapshot('closed', snapshot(startedAt)));
  log(summary(readings));
  log(
    `growth from the warm baseline: heap ${(end.heapMb - baseline.heapMb).toFixed(1)} MB, ` +
      `rss ${(end.rssMb - baseline.rssMb).toFixed(1)} MB`,
  );
  const verdict = judge(options, baseline, end, readings);
  if (verdict.failures.length === 0) {
    log('soak: passed');
    return;
  }
  for (const failure of verdict.failures) log(`soak: FAILED: ${failure}`);
  process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`soak: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
