// The renderer's streaming player (renderer/src/lib/player) in Debian's Chromium, on the e2e test page
// (tests/e2e/pages: the real StreamPlayer on a real-time AudioContext whose output passes a
// recording tap worklet), served by Vite from this process:
// - start latency: from handing the player a stream's first chunk to the first sample of it
//   reaching the output, both on the audio clock; several short streams, median and p95;
// - a long reading: 60 s of a tone in 50 ms chunks arriving at real-time pace with ±50 ms of
//   jitter (in order, as over one connection), as PCM 24 kHz and as MP3: the player's underrun
//   count and the gaps the tap heard.
//
//   npm run bench:player              # prints the tables and rewrites its section of bench/README.md
//   npm run bench:player -- --quick   # a 10 s reading and fewer starts, printed only
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';
import type { Page } from 'playwright-core';
import { createEncoder } from '../main/engine/encoders';
import { parseOutputFormat } from '../main/speech/protocol';
import type { FormatInfo } from '../main/speech/protocol';
import playwrightConfig from '../playwright.config';
import type { EncodedFeed, FeedTiming, Harness, HeardStats, ToneFeed } from '../tests/e2e/harness-types';
import { writeMarkedSection } from './report';
import { formatMs, median, now } from './stats';

export const PLAYER_TARGETS = { startLatencyMs: 60, underruns: 0 };

export interface PlayerBenchOptions {
  /** Short PCM streams whose start is measured. Default 15. */
  starts?: number;
  /** Short MP3 streams whose start is measured. Default 5. */
  mp3Starts?: number;
  /** Length of the long reading. Default 60. */
  longSeconds?: number;
}

export interface LongReading {
  label: string;
  seconds: number;
  chunks: number;
  underruns: number;
  /** Silences of 1 ms or more between the first and the last sound. */
  gaps: number;
  longestGapMs: number;
  /** Where the first few gaps start (seconds after the first sound). */
  gapsAtS: number[];
  /** The PCM player's jitter-buffer lead at the end (it grows after an underrun). */
  leadMs?: number;
  heardSeconds: number;
}

export interface PlayerBenchResult {
  browser: string;
  /** The machine's 1-minute load average when the bench started (other work skews the numbers). */
  loadAverage: number;
  contextSampleRate: number;
  baseLatencyMs: number;
  pcmStartsMs: number[];
  mp3StartsMs: number[];
  long: LongReading[];
  elapsedMs: number;
}

const CHUNK_MS = 50;
const JITTER_MS = 50;
const PCM_RATE = 24_000;
const MP3_FORMAT = 'mp3_44100_128';
const TONE_HZ = 440;
const MIN_GAP_MS = 1;
const PAGES = resolve(__dirname, '../tests/e2e/pages');

type HarnessWindow = { harness?: Harness };

function percentile(values: readonly number[], share: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)] as number;
}

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

async function encodeToneMp3(seconds: number): Promise<{ base64: string; format: FormatInfo }> {
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
  return { base64: Buffer.concat(parts).toString('base64'), format };
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

  /** Gaps that start before the stream's own end (after it, a decoder's ringing fades out). */
  analyse(seconds: number): Promise<HeardStats> {
    return this.page.evaluate(([gap, until]) => (globalThis as HarnessWindow).harness!.analyse(gap, until), [
      MIN_GAP_MS,
      seconds - 0.01,
    ] as const);
  }

  underruns(): Promise<number> {
    return this.page.evaluate(() => (globalThis as HarnessWindow).harness!.underruns());
  }

  leadS(): Promise<number> {
    return this.page.evaluate(() => (globalThis as HarnessWindow).harness!.leadS());
  }

  latency(): Promise<{ base: number; output: number; sampleRate: number }> {
    return this.page.evaluate(() => (globalThis as HarnessWindow).harness!.latency());
  }
}

async function measureStarts(
  driver: HarnessDriver,
  count: number,
  play: (id: number) => Promise<FeedTiming>,
) {
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
  label: string,
  seconds: number,
  play: (id: number) => Promise<FeedTiming>,
): Promise<LongReading> {
  await driver.reset();
  const before = await driver.underruns();
  const streamId = driver.nextStreamId();
  await play(streamId);
  await driver.waitEnded(streamId, seconds * 1000 + 30_000);
  const heard = await driver.analyse(seconds);
  return {
    label,
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

export async function runPlayerBench(options: PlayerBenchOptions = {}): Promise<PlayerBenchResult> {
  const started = now();
  const loadAverage = loadavg()[0] ?? NaN;
  const longSeconds = options.longSeconds ?? 60;
  const server = await serveTestPage();
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.waitForFunction(() => (globalThis as HarnessWindow).harness?.ready === true);
    const driver = new HarnessDriver(page);
    const pcmTone = (chunks: number, jitterMs: number) => (streamId: number) =>
      driver.playTone({ streamId, sampleRate: PCM_RATE, chunks, chunkMs: CHUNK_MS, jitterMs });
    const shortMp3 = await encodeToneMp3(0.5);
    const mp3Tone =
      (mp3: { base64: string; format: FormatInfo }, seconds: number, jitterMs: number) =>
      (streamId: number) =>
        driver.playEncoded({
          streamId,
          codec: 'mp3',
          format: mp3.format.format,
          sampleRate: mp3.format.sampleRate,
          base64: mp3.base64,
          durationMs: seconds * 1000,
          chunkMs: CHUNK_MS,
          jitterMs,
        });

    log('warming up');
    await measureStarts(driver, 1, pcmTone(6, 0));
    await measureStarts(driver, 1, mp3Tone(shortMp3, 0.5, 0));
    log(`start latency: ${options.starts ?? 15} PCM and ${options.mp3Starts ?? 5} MP3 streams`);
    const pcmStartsMs = await measureStarts(driver, options.starts ?? 15, pcmTone(6, 0));
    const mp3StartsMs = await measureStarts(driver, options.mp3Starts ?? 5, mp3Tone(shortMp3, 0.5, 0));

    const chunks = Math.ceil((longSeconds * 1000) / CHUNK_MS);
    log(`long reading, PCM: ${longSeconds} s at real-time pace`);
    const pcm = await measureLong(
      driver,
      `PCM ${PCM_RATE / 1000} kHz`,
      longSeconds,
      pcmTone(chunks, JITTER_MS),
    );
    pcm.leadMs = (await driver.leadS()) * 1000;
    log(`long reading, MP3: ${longSeconds} s at real-time pace`);
    const longMp3 = await encodeToneMp3(longSeconds);
    const mp3 = await measureLong(
      driver,
      'MP3 44.1 kHz 128 kbit/s',
      longSeconds,
      mp3Tone(longMp3, longSeconds, JITTER_MS),
    );

    const latency = await driver.latency();
    return {
      browser: `Chromium ${browser.version()}`,
      loadAverage,
      contextSampleRate: latency.sampleRate,
      baseLatencyMs: latency.base * 1000,
      pcmStartsMs,
      mp3StartsMs,
      long: [pcm, mp3],
      elapsedMs: now() - started,
    };
  } finally {
    await browser.close();
    await server.close();
  }
}

const yesNo = (ok: boolean): string => (ok ? 'yes' : '**no**');

function startRow(label: string, starts: readonly number[], target?: number): string {
  const p50 = median(starts);
  const p95 = percentile(starts, 0.95);
  const goal = target === undefined ? '— | —' : `≤ ${target} ms | ${yesNo(p95 <= target)}`;
  return `| ${label} | ${formatMs(p50)} | ${formatMs(p95)} | ${starts.length} | ${goal} |`;
}

export function renderPlayerResults(result: PlayerBenchResult): string {
  const [first] = result.long;
  const longTitle = `Long reading (${first?.seconds ?? 0} s in ${CHUNK_MS} ms chunks, ±${JITTER_MS} ms jitter, real-time pace)`;
  return [
    `Last run: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${result.browser} headless, ` +
      `AudioContext at ${result.contextSampleRate} Hz (base latency ${formatMs(result.baseLatencyMs)}); ` +
      `load average ${result.loadAverage.toFixed(1)} on ${cpus().length} cores at the start; took ${(result.elapsedMs / 1000).toFixed(0)} s.`,
    '',
    '| Start latency (first chunk in → first sample out, audio clock) | Median | p95 | Runs | Target (p95) | Met |',
    '|---|---|---|---|---|---|',
    startRow(`PCM ${PCM_RATE / 1000} kHz`, result.pcmStartsMs, PLAYER_TARGETS.startLatencyMs),
    startRow('MP3 44.1 kHz (WebCodecs)', result.mp3StartsMs),
    '',
    `| ${longTitle} | Underruns | Gaps heard (≥ ${MIN_GAP_MS} ms) | Longest gap | Lead at the end | Target | Met |`,
    '|---|---|---|---|---|---|---|',
    ...result.long.map(
      (run) =>
        `| ${run.label} (${run.chunks} chunks, ${run.heardSeconds.toFixed(1)} s heard) | ${run.underruns} | ${run.gaps} | ` +
        `${formatMs(run.longestGapMs)} | ${run.leadMs === undefined ? '—' : formatMs(run.leadMs)} | ` +
        `${PLAYER_TARGETS.underruns} underruns | ${yesNo(run.underruns <= PLAYER_TARGETS.underruns && run.gaps === 0)} |`,
    ),
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
    const result = await runPlayerBench({ starts: 5, mp3Starts: 2, longSeconds: 10 });
    process.stdout.write(`${renderPlayerResults(result)}\n`);
    for (const run of result.long)
      log(`${run.label}: gaps at ${run.gapsAtS.map((s) => s.toFixed(3)).join(', ')} s`);
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
