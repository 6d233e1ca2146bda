// The renderer's streaming player (renderer/src/lib/player) in Debian's Chromium, on the e2e test page
// (tests/e2e/pages: the real StreamPlayer on a real-time AudioContext whose output passes a
// recording tap worklet), served by Vite from this process. For PCM 24 kHz and MP3, each at 0 and
// ±50 ms of arrival jitter, on a fresh page each time:
// - start latency: from handing the player a stream's first chunk to the first sample of it
//   reaching the output, both on the audio clock; several short streams, median and p95, after one
//   warm-up stream; the underruns of these short streams (what the player paid to learn the link);
// - a long reading right after them, on the same player: 60 s of a tone in 50 ms chunks arriving at
//   real-time pace (in order, as over one connection): the player's underrun count and the gaps the
//   tap heard.
// The same runs with the player's earlier fixed 58 ms lead (`?lead=fixed` on the test page), side by
// side.
//
//   npm run bench:player              # prints the tables and rewrites its section of bench/README.md
//   npm run bench:player -- --quick   # a 10 s reading and fewer starts, printed only
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';
import type { Page } from 'playwright-core';
import { createEncoder } from '../main/engine/encoders';
import { Mp3FrameMeter } from '../main/speech/audio-duration';
import { parseOutputFormat } from '../shared/protocol';
import type { FormatInfo } from '../shared/protocol';
import playwrightConfig from '../playwright.config';
import type { EncodedFeed, FeedTiming, Harness, HeardStats, ToneFeed } from '../tests/e2e/harness-types';
import { writeMarkedSection } from './report';
import { formatMs, median, now, percentile } from './stats';

/** Start p95 for PCM at 0 jitter; underruns and gaps in the long reading, at any jitter. */
export const PLAYER_TARGETS = { startLatencyMs: 40, underruns: 0 };

export interface PlayerBenchOptions {
  /** Short PCM streams whose start is measured, per case. Default 15. */
  starts?: number;
  /** Short MP3 streams whose start is measured, per case. Default 8. */
  mp3Starts?: number;
  /** Length of the long reading. Default 60. */
  longSeconds?: number;
  /** Also run every case with the earlier fixed lead. Default true. */
  compareFixed?: boolean;
}

export type LeadRuleName = 'adaptive' | 'fixed';
export type StreamKind = 'pcm' | 'mp3';

export interface LongReading {
  seconds: number;
  chunks: number;
  underruns: number;
  /** Silences of 1 ms or more between the first and the last sound. */
  gaps: number;
  longestGapMs: number;
  /** Where the first few gaps start (seconds after the first sound). */
  gapsAtS: number[];
  heardSeconds: number;
}

/** One stream kind at one jitter with one lead rule, on a fresh page. */
export interface PlayerCase {
  rule: LeadRuleName;
  kind: StreamKind;
  jitterMs: number;
  /** The start of the fresh page's first stream (the warm-up), before the player measured anything. */
  coldStartMs: number;
  startsMs: number[];
  /** Underruns of the warm-up and the short streams. */
  startUnderruns: number;
  long: LongReading;
  /** The lead the next start would use, after the long reading. */
  leadMs: number;
  /** The adaptive rule's jitter estimate then. */
  jitterEstimateMs?: number;
}

export interface PlayerBenchResult {
  browser: string;
  /** The machine's 1-minute load average when the bench started (other work skews the numbers). */
  loadAverage: number;
  contextSampleRate: number;
  baseLatencyMs: number;
  cases: PlayerCase[];
  elapsedMs: number;
}

const CHUNK_MS = 50;
const JITTERS_MS = [0, 50] as const;
const PCM_RATE = 24_000;
const MP3_FORMAT = 'mp3_44100_128';
const TONE_HZ = 440;
const MIN_GAP_MS = 1;
/** Quiet runs that end this soon after an MP3's first sound are its encoding, not the player's. */
const MP3_ONSET_S = 0.01;
const SHORT_MP3_S = 0.5;
const SHORT_PCM_CHUNKS = 6;
const PAGES = resolve(__dirname, '../tests/e2e/pages');

const KIND_LABELS: Record<StreamKind, string> = {
  pcm: `PCM ${PCM_RATE / 1000} kHz`,
  mp3: 'MP3 44.1 kHz 128 kbit/s (WebCodecs)',
};

type HarnessWindow = { harness?: Harness };
/** An encoded tone and how long its frames play (the encoder's delay and padding included). */
type Mp3 = { base64: string; format: FormatInfo; durationMs: number };

/** Vite serving the test page, as `npx vite tests/e2e/pages` does for the e2e tests. */
async function serveTestPage(): Promise<{ url: string; close(): Promise<void> }> {
  // ESM-only package: loaded with import() from this CommonJS project.
  const { createServer } = await import('vite');
  const server = await createServer({
    configFile: false,
    root: PAGES,
    logLevel: 'warn',
    clearScreen: false,
    server: { host: '127.0.0.1', port: 0, hmr: false },
  });
  await server.listen();
  const address = server.httpServer?.address() as AddressInfo | null;
  if (!address) throw new Error('Vite did not start listening.');
  return { url: `http://127.0.0.1:${address.port}/`, close: () => server.close() };
}

/** The Chromium the e2e tests use, started the same way. */
function launchChromium(): ReturnType<typeof chromium.launch> {
  const launch = playwrightConfig.use?.launchOptions ?? {};
  return chromium.launch({ ...launch, executablePath: launch.executablePath ?? '/usr/bin/chromium' });
}

async function encodeToneMp3(seconds: number): Promise<Mp3> {
  const format = parseOutputFormat(MP3_FORMAT);
  if (!format) throw new Error(`${MP3_FORMAT} is a documented format`);
  const rate = format.sampleRate;
  const encoder = await createEncoder(format, rate);
  const parts: Uint8Array[] = [];
  const block = rate; // one second at a time
  for (let start = 0; start < seconds * rate; start += block) {
    const pcm = Int16Array.from({ length: Math.min(block, seconds * rate - start) }, (_, i) =>
      Math.round(0.5 * 32767 * Math.sin((2 * Math.PI * TONE_HZ * (start + i)) / rate)),
    );
    parts.push(encoder.encode(pcm));
  }
  parts.push(encoder.end());
  const bytes = Buffer.concat(parts);
  // Paced by what the frames play, not the tone's length: a short stream's padding would otherwise
  // make its chunks come faster than real time (about 10 % for half a second).
  const meter = new Mp3FrameMeter();
  meter.add(bytes);
  return { base64: bytes.toString('base64'), format, durationMs: meter.totalMs };
}

class HarnessDriver {
  #nextStreamId = 1;

  constructor(private readonly page: Page) {}

  nextStreamId(): number {
    return this.#nextStreamId++;
  }

  reset(): Promise<void> {
    return this.page.evaluate(() => (globalThis as HarnessWindow).harness!.reset());
  }

  playTone(feed: ToneFeed): Promise<FeedTiming> {
    return this.page.evaluate((f) => (globalThis as HarnessWindow).harness!.playTone(f), feed);
  }

  playEncoded(feed: EncodedFeed): Promise<FeedTiming> {
    return this.page.evaluate((f) => (globalThis as HarnessWindow).harness!.playEncoded(f), feed);
  }

  async waitEnded(streamId: number, timeoutMs: number): Promise<void> {
    await this.page.waitForFunction(
      (id) =>
        (globalThis as HarnessWindow).harness!.received().some(({ message }) => {
          if (message.type === 'error') throw new Error(`the player failed: ${message.message}`);
          return message.type === 'ended' && message.streamId === id;
        }),
      streamId,
      { timeout: timeoutMs, polling: 250 },
    );
  }

  /** Milliseconds from the first chunk to its first sample at the output, on the audio clock. */
  async startLatencyMs(timing: FeedTiming): Promise<number> {
    const first = await this.page.evaluate(() => (globalThis as HarnessWindow).harness!.firstSound());
    if (!first) throw new Error('the tap heard nothing');
    return (first.contextTime - timing.firstChunkContextTime) * 1000;
  }

  /**
   * Gaps that start before the stream's own end (after it, a decoder's ringing fades out) and end
   * after `settleS` (an MP3 tone's onset has a quiet run of about 3 ms in its pre-echo).
   */
  analyse(seconds: number, settleS: number): Promise<HeardStats> {
    return this.page.evaluate(
      ([gap, until, settle]) => (globalThis as HarnessWindow).harness!.analyse(gap, until, settle),
      [MIN_GAP_MS, seconds - 0.01, settleS] as const,
    );
  }

  underruns(): Promise<number> {
    return this.page.evaluate(() => (globalThis as HarnessWindow).harness!.underruns());
  }

  leadS(): Promise<number> {
    return this.page.evaluate(() => (globalThis as HarnessWindow).harness!.leadS());
  }

  jitterS(): Promise<number | undefined> {
    return this.page.evaluate(() => (globalThis as HarnessWindow).harness!.jitterS());
  }

  latency(): Promise<{ base: number; output: number; sampleRate: number }> {
    return this.page.evaluate(() => (globalThis as HarnessWindow).harness!.latency());
  }
}

async function measureStarts(
  driver: HarnessDriver,
  count: number,
  play: (id: number) => Promise<FeedTiming>,
): Promise<number[]> {
  const starts: number[] = [];
  for (let i = 0; i < count; i++) {
    await driver.reset();
    const streamId = driver.nextStreamId();
    const timing = await play(streamId);
    await driver.waitEnded(streamId, 10_000);
    starts.push(await driver.startLatencyMs(timing));
  }
  return starts;
}

async function measureLong(
  driver: HarnessDriver,
  seconds: number,
  settleS: number,
  play: (id: number) => Promise<FeedTiming>,
): Promise<LongReading> {
  await driver.reset();
  const before = await driver.underruns();
  const streamId = driver.nextStreamId();
  await play(streamId);
  await driver.waitEnded(streamId, seconds * 1000 + 30_000);
  const heard = await driver.analyse(seconds, settleS);
  return {
    seconds,
    chunks: Math.ceil((seconds * 1000) / CHUNK_MS),
    underruns: (await driver.underruns()) - before,
    gaps: heard.gaps,
    longestGapMs: heard.longestGapMs,
    gapsAtS: heard.gapsAtS,
    heardSeconds: heard.activeSeconds,
  };
}

function log(message: string): void {
  process.stderr.write(`bench (player): ${message}\n`);
}

/** How one case feeds its streams: a short one (`seconds` undefined) or a long reading. */
type Feeder = (streamId: number, jitterMs: number, seconds?: number) => Promise<FeedTiming>;

function feeders(driver: HarnessDriver, shortMp3: Mp3, longMp3: Mp3): Record<StreamKind, Feeder> {
  return {
    pcm: (streamId, jitterMs, seconds) =>
      driver.playTone({
        streamId,
        sampleRate: PCM_RATE,
        chunks: seconds === undefined ? SHORT_PCM_CHUNKS : Math.ceil((seconds * 1000) / CHUNK_MS),
        chunkMs: CHUNK_MS,
        jitterMs,
      }),
    mp3: (streamId, jitterMs, seconds) => {
      const mp3 = seconds === undefined ? shortMp3 : longMp3;
      return driver.playEncoded({
        streamId,
        codec: 'mp3',
        format: mp3.format.format,
        sampleRate: mp3.format.sampleRate,
        base64: mp3.base64,
        durationMs: mp3.durationMs,
        chunkMs: CHUNK_MS,
        jitterMs,
      });
    },
  };
}

interface CaseSetup {
  rule: LeadRuleName;
  kind: StreamKind;
  jitterMs: number;
  starts: number;
  longSeconds: number;
}

/** One case on a fresh page, so no case learns from another: warm-up, short streams, long reading. */
async function measureCase(
  page: Page,
  url: string,
  setup: CaseSetup,
  feed: (driver: HarnessDriver, kind: StreamKind) => Feeder,
): Promise<PlayerCase> {
  const { rule, kind, jitterMs } = setup;
  await page.goto(rule === 'fixed' ? `${url}?lead=fixed` : url);
  await page.waitForFunction(() => (globalThis as HarnessWindow).harness?.ready === true);
  const driver = new HarnessDriver(page);
  const play = feed(driver, kind);
  log(
    `${rule} lead, ${KIND_LABELS[kind]}, ±${jitterMs} ms: ${setup.starts} starts, then ${setup.longSeconds} s`,
  );
  const [coldStartMs = NaN] = await measureStarts(driver, 1, (id) => play(id, jitterMs));
  const startsMs = await measureStarts(driver, setup.starts, (id) => play(id, jitterMs));
  const startUnderruns = await driver.underruns();
  const settleS = kind === 'mp3' ? MP3_ONSET_S : 0;
  const long = await measureLong(driver, setup.longSeconds, settleS, (id) =>
    play(id, jitterMs, setup.longSeconds),
  );
  const jitterS = await driver.jitterS();
  const gapsAt = long.gapsAtS.map((at) => `${at.toFixed(2)} s`).join(', ') || 'none';
  log(`  cold ${coldStartMs.toFixed(1)} ms; ${long.underruns} underruns; gaps at ${gapsAt}`);
  return {
    rule,
    kind,
    jitterMs,
    coldStartMs,
    startsMs,
    startUnderruns,
    long,
    leadMs: (await driver.leadS()) * 1000,
    ...(jitterS === undefined ? {} : { jitterEstimateMs: jitterS * 1000 }),
  };
}

export async function runPlayerBench(options: PlayerBenchOptions = {}): Promise<PlayerBenchResult> {
  const started = now();
  const loadAverage = loadavg()[0] ?? NaN;
  const longSeconds = options.longSeconds ?? 60;
  const rules: LeadRuleName[] = options.compareFixed === false ? ['adaptive'] : ['adaptive', 'fixed'];
  const shortMp3 = await encodeToneMp3(SHORT_MP3_S);
  const longMp3 = await encodeToneMp3(longSeconds);
  const server = await serveTestPage();
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const feed = (driver: HarnessDriver, kind: StreamKind): Feeder =>
      feeders(driver, shortMp3, longMp3)[kind];
    const cases: PlayerCase[] = [];
    // The two rules of a case run back to back, so both see about the same load on the machine.
    for (const kind of ['pcm', 'mp3'] as const)
      for (const jitterMs of JITTERS_MS)
        for (const rule of rules) {
          const starts = kind === 'pcm' ? (options.starts ?? 15) : (options.mp3Starts ?? 8);
          cases.push(
            await measureCase(page, server.url, { rule, kind, jitterMs, starts, longSeconds }, feed),
          );
        }
    const latency = await new HarnessDriver(page).latency();
    return {
      browser: `Chromium ${browser.version()}`,
      loadAverage,
      contextSampleRate: latency.sampleRate,
      baseLatencyMs: latency.base * 1000,
      cases,
      elapsedMs: now() - started,
    };
  } finally {
    await browser.close();
    await server.close();
  }
}

const yesNo = (ok: boolean): string => (ok ? 'yes' : '**no**');

interface Row {
  kind: StreamKind;
  jitterMs: number;
}

function caseOf(result: PlayerBenchResult, rule: LeadRuleName, row: Row): PlayerCase | undefined {
  return result.cases.find((c) => c.rule === rule && c.kind === row.kind && c.jitterMs === row.jitterMs);
}

/** Cold start, median, p95 and the underruns of the short streams; dashes for a case that did not run. */
function startCells(run: PlayerCase | undefined): string[] {
  if (!run) return ['—', '—', '—', '—'];
  return [
    formatMs(run.coldStartMs),
    formatMs(median(run.startsMs)),
    formatMs(percentile(run.startsMs, 0.95)),
    String(run.startUnderruns),
  ];
}

function longCells(run: PlayerCase | undefined): string[] {
  if (!run) return ['—', '—', '—'];
  const { long } = run;
  return [String(long.underruns), `${long.gaps} (${formatMs(long.longestGapMs)})`, formatMs(run.leadMs)];
}

function longMet(run: PlayerCase): boolean {
  return run.long.underruns <= PLAYER_TARGETS.underruns && run.long.gaps === 0;
}

export function renderPlayerResults(result: PlayerBenchResult): string {
  const compared = result.cases.some((c) => c.rule === 'fixed');
  const rows: Row[] = (['pcm', 'mp3'] as const).flatMap((kind) =>
    JITTERS_MS.map((jitterMs) => ({ kind, jitterMs })),
  );
  const label = ({ kind, jitterMs }: Row): string =>
    `${KIND_LABELS[kind]}, ${jitterMs === 0 ? 'no jitter' : `±${jitterMs} ms`}`;
  const adaptive = (row: Row) => caseOf(result, 'adaptive', row);
  const fixed = (row: Row) => caseOf(result, 'fixed', row);
  const first = result.cases[0];
  const fixedStartHead = compared ? ' Fixed 58 ms: cold | median | p95 | underruns |' : '';
  const fixedLongHead = compared ? ' Fixed 58 ms: underruns | gaps (longest) | lead after |' : '';
  const startTable = [
    `| Start latency (first chunk in → first sample out, audio clock; ${first?.startsMs.length ?? 0} PCM / ${result.cases.find((c) => c.kind === 'mp3')?.startsMs.length ?? 0} MP3 short streams) | Adaptive: cold | median | p95 | underruns |${fixedStartHead} Target (p95) | Met |`,
    `|---|---|---|---|---|${compared ? '---|---|---|---|' : ''}---|---|`,
    ...rows.map((row) => {
      const run = adaptive(row);
      const p95 = run ? percentile(run.startsMs, 0.95) : NaN;
      const goal =
        row.kind === 'pcm' && row.jitterMs === 0
          ? `≤ ${PLAYER_TARGETS.startLatencyMs} ms | ${yesNo(p95 <= PLAYER_TARGETS.startLatencyMs)}`
          : '— | —';
      const fixedCells = compared ? ` ${startCells(fixed(row)).join(' | ')} |` : '';
      return `| ${label(row)} | ${startCells(run).join(' | ')} |${fixedCells} ${goal} |`;
    }),
  ];
  const longTable = [
    `| Long reading (${first?.long.seconds ?? 0} s in ${CHUNK_MS} ms chunks, real-time pace, after the starts) | Adaptive: underruns | gaps (longest) | lead after |${fixedLongHead} Target | Met |`,
    `|---|---|---|---|${compared ? '---|---|---|' : ''}---|---|`,
    ...rows.map((row) => {
      const run = adaptive(row);
      const fixedCells = compared ? ` ${longCells(fixed(row)).join(' | ')} |` : '';
      const met = run ? yesNo(longMet(run)) : '—';
      return `| ${label(row)} | ${longCells(run).join(' | ')} |${fixedCells} ${PLAYER_TARGETS.underruns} underruns, no gap | ${met} |`;
    }),
  ];
  return [
    `Last run: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${result.browser} headless, ` +
      `AudioContext at ${result.contextSampleRate} Hz (base latency ${formatMs(result.baseLatencyMs)}); ` +
      `load average ${result.loadAverage.toFixed(1)} on ${cpus().length} cores at the start; took ${(result.elapsedMs / 1000).toFixed(0)} s.`,
    '',
    ...startTable,
    '',
    ...longTable,
  ].join('\n');
}

const START = '<!-- player:start -->';
const END = '<!-- player:end -->';

/** Rewrites the player section of bench/README.md (between its own markers). */
export function writePlayerSection(readmePath: string, markdown: string): Promise<void> {
  return writeMarkedSection(readmePath, { start: START, end: END }, markdown);
}

/** What `npm run bench` calls: measure, print, and rewrite the section. */
export async function benchPlayer(readmePath: string, options: PlayerBenchOptions = {}): Promise<void> {
  const markdown = renderPlayerResults(await runPlayerBench(options));
  process.stdout.write(`${markdown}\n`);
  await writePlayerSection(readmePath, markdown);
  log(`results written to ${readmePath}`);
}

async function main(): Promise<void> {
  if (process.argv.includes('--quick')) {
    const result = await runPlayerBench({ starts: 5, mp3Starts: 3, longSeconds: 10 });
    process.stdout.write(`${renderPlayerResults(result)}\n`);
    for (const run of result.cases) {
      const gaps = run.long.gapsAtS.map((s) => s.toFixed(3)).join(', ') || 'none';
      log(
        `${run.rule} ${run.kind} ±${run.jitterMs}: starts ${run.startsMs.map((ms) => ms.toFixed(1)).join(' ')} ms; gaps at ${gaps} s; jitter estimate ${run.jitterEstimateMs?.toFixed(1) ?? '—'} ms`,
      );
    }
    return;
  }
  await benchPlayer(resolve(__dirname, 'README.md'));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(
      `bench (player): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  });
}
