// Hotkey to first sound (`npm run bench`, or `node --import tsx bench/time-to-sound.ts` after a
// build): from the moment the read-selection hotkey's entry point, services.readSelection(), is called
// to the first block of speech energy at the output of the real player page in Chromium.
//
// - The app runs as its own process (bench/time-to-sound-app.ts): Hark's services as headless.ts
//   starts them, the dev bridge, and the built renderer's player page, which Chromium opens. An
//   AudioWorklet on the page's output notes the first 128-frame block whose RMS is at speech level,
//   and the audio clock's own output timestamp says when that block reaches the output.
// - The selection capture waits CAPTURE_MS, as a simulated Ctrl+C and clipboard read does on Windows
//   and macOS (reading the X11 PRIMARY selection takes a few milliseconds).
// - ElevenLabs is a stand-in: the offline voice's own stream-input server (real speech, real
//   protocol) behind bench/latency-proxy.ts, which serves TLS with a certificate made for the run
//   (the app's process trusts it through NODE_EXTRA_CA_CERTS) and adds a round trip to every byte,
//   so TCP, TLS and the HTTP upgrade cost what they cost over a network.
// - Times come from where they happen: the app process notes the call and the end of the capture,
//   the proxy the socket opening at the client, the first text, the server's first audio and its
//   arrival at the client, the page the first energy. The clocks of the three processes are put on
//   the bench's own by the fastest of several ping-pongs with each.
//
// With warmConnection on, the app opens the stream socket while the selection is being captured and
// keeps one open for a while after a reading: every ElevenLabs row is measured with it off and on, for
// a first reading (every socket closed by the server before it, as after a long pause) and a second
// one started SECOND_AFTER_MS after the first was stopped.
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { startStreamServer } from '../main/engine/stream-server';
import { defaultSettings } from '../shared/settings-schema';
import playwrightConfig from '../playwright.config';
import { makeSelfSignedCertificate, startLatencyProxy } from './latency-proxy';
import type { LatencyProxy, ProxiedConnection } from './latency-proxy';
import { writeMarkedSection } from './report';
import { formatMs, formatRatio, median, now, percentile } from './stats';
import type { ReadTimes, TimeToSoundCommand, TimeToSoundReply } from './time-to-sound-app';

export const CAPTURE_MS = 80;
export const TIME_TO_SOUND_TARGETS = {
  /** After the capture: server first chunk + 1 RTT + this, at this RTT, with the warm connection. */
  overLimitMs: 40,
  rttMs: 150,
  /** Without the warm connection ÷ with it, at that RTT. */
  speedUp: 1.5,
  /** Offline voice, after the capture. */
  offlineMs: 90,
};

const RUNS = 7;
const RTTS_MS = [0, 50, 150];
const SECOND_AFTER_MS = 2_000;
const OFFLINE_PAUSE_MS = 1_500;
/** The first few readings of a new process are slower (V8 compiling, the engine loading). */
const OFFLINE_WARM_UP = 5;
/** RMS of a 128-frame block that counts as speech (the keep-awake signal is 1e-4 at its peak). */
const SPEECH_RMS = 0.01;
const REQUEST_TIMEOUT_MS = 30_000;
const ONSET_TIMEOUT_MS = 15_000;
const MARKERS = { start: '<!-- time-to-sound:start -->', end: '<!-- time-to-sound:end -->' };
/**
 * Short, so that a first reading plays to its end soon (the app keeps a socket only after that), and
 * each begins with a voiced sound: the offline voice's first 128 frames already have speech energy,
 * so the voice's own silence adds nothing to the player's start.
 */
const TEXTS = [
  'Rain fell all night on the old stone bridge.',
  'Many birds sang along the quiet river.',
  'Lena walked home along the river at noon.',
];

// ---------------------------------------------------------------------------------------------
// The page's energy meter

const ONSET_WORKLET = `
class HarkOnset extends AudioWorkletProcessor {
  constructor() {
    super();
    this.armed = false;
    this.port.onmessage = (event) => { if (event.data === 'arm') this.armed = true; };
  }
  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (this.armed && channel) {
      let sum = 0;
      for (let i = 0; i < channel.length; i++) sum += channel[i] * channel[i];
      if (Math.sqrt(sum / channel.length) > ${SPEECH_RMS}) {
        this.armed = false;
        this.port.postMessage({ contextTime: currentTime });
      }
    }
    return true;
  }
}
registerProcessor('hark-onset', HarkOnset);
`;

/**
 * Runs in the page before its own scripts (plain JS): every AudioContext's destination becomes a gain
 * node feeding the speakers and the onset worklet. `harkOnset.read()` gives the first loud block's
 * output time since the last `arm()`, as performance.timeOrigin + the page's performance time.
 */
const INSTALL_ONSET_METER = `
(() => {
  const moduleUrl = URL.createObjectURL(new Blob([${JSON.stringify(ONSET_WORKLET)}], { type: 'text/javascript' }));
  const realDestination = Object.getOwnPropertyDescriptor(BaseAudioContext.prototype, 'destination').get;
  const taps = new WeakMap();
  const meters = [];
  let armed = false;
  let onset;
  globalThis.harkOnset = {
    ready: () => meters.length > 0,
    arm() {
      onset = undefined;
      armed = true;
      for (const meter of meters) meter.port.postMessage('arm');
    },
    read: () => onset,
  };
  Object.defineProperty(BaseAudioContext.prototype, 'destination', {
    configurable: true,
    get() {
      const speakers = realDestination.call(this);
      let tap = taps.get(this);
      if (tap) return tap;
      tap = new GainNode(this);
      tap.connect(speakers);
      taps.set(this, tap);
      const context = this;
      const input = tap;
      context.audioWorklet.addModule(moduleUrl).then(() => {
        const meter = new AudioWorkletNode(context, 'hark-onset');
        meter.port.onmessage = (event) => {
          if (!armed) return;
          armed = false;
          const heardAt = performance.now();
          const stamp = context.getOutputTimestamp();
          const mapped = stamp.performanceTime > 0
            ? stamp.performanceTime + (event.data.contextTime - stamp.contextTime) * 1000
            : undefined;
          onset = {
            at: performance.timeOrigin + (mapped ?? heardAt),
            mapped: mapped !== undefined,
            outputLatencyMs: (context.outputLatency || 0) * 1000,
          };
        };
        meters.push(meter);
        if (armed) meter.port.postMessage('arm');
        input.connect(meter).connect(new GainNode(context, { gain: 0 })).connect(speakers);
      });
      return tap;
    },
  });
})();
`;

interface Onset {
  at: number;
  mapped: boolean;
  outputLatencyMs: number;
}

type OnsetWindow = { harkOnset: { ready(): boolean; arm(): void; read(): Onset | undefined } };

// ---------------------------------------------------------------------------------------------
// The app's process

type Reply<K extends TimeToSoundCommand['kind']> = Extract<TimeToSoundReply, { kind: K }>;
type CommandBody = TimeToSoundCommand extends infer C
  ? C extends { id: number }
    ? Omit<C, 'id'>
    : never
  : never;

class AppProcess {
  readonly #child: ChildProcess;
  readonly #waiting = new Map<
    number,
    { resolve: (reply: TimeToSoundReply) => void; reject: (e: Error) => void }
  >();
  #nextId = 1;
  readonly ready: Promise<string>;

  constructor(args: string[], env: NodeJS.ProcessEnv) {
    this.#child = fork(resolve(__dirname, 'time-to-sound-app.ts'), args, {
      execArgv: ['--import', 'tsx'],
      env,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const killChild = (): void => void this.#child.kill('SIGKILL');
    process.once('exit', killChild);
    this.#child.once('exit', () => process.off('exit', killChild));
    this.ready = new Promise((resolveReady, reject) => {
      this.#child.once('exit', (code) => {
        const error = new Error(`the app process exited (${code})`);
        reject(error);
        for (const waiter of this.#waiting.values()) waiter.reject(error);
      });
      this.#child.on('message', (reply: TimeToSoundReply) => {
        if (reply.kind === 'ready') return resolveReady(reply.pageUrl);
        if (reply.kind === 'log') return void process.stderr.write(`bench (app): ${reply.line}\n`);
        const waiter = this.#waiting.get(reply.id);
        this.#waiting.delete(reply.id);
        if (reply.kind === 'failed') waiter?.reject(new Error(reply.message));
        else waiter?.resolve(reply);
      });
    });
  }

  ask<K extends TimeToSoundCommand['kind']>(command: Extract<CommandBody, { kind: K }>): Promise<Reply<K>> {
    const id = this.#nextId++;
    return new Promise((resolveReply, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(id);
        reject(new Error(`the app did not answer "${command.kind}" in time`));
      }, REQUEST_TIMEOUT_MS);
      this.#waiting.set(id, {
        resolve: (reply) => {
          clearTimeout(timer);
          resolveReply(reply as Reply<K>);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.#child.send({ ...command, id });
    });
  }

  async close(): Promise<void> {
    if (this.#child.exitCode !== null) return;
    const exited = new Promise((done) => this.#child.once('exit', done));
    await this.ask({ kind: 'close' }).catch(() => this.#child.kill('SIGKILL'));
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------------------------------------
// Clocks

/** Remote time minus the bench's (performance.now()), from the fastest of `rounds` ping-pongs. */
async function clockOffset(
  ask: () => Promise<number>,
  rounds = 15,
): Promise<{ offset: number; errorMs: number }> {
  let best = { offset: 0, errorMs: Infinity };
  for (let i = 0; i < rounds; i++) {
    const sentAt = now();
    const remote = await ask();
    const backAt = now();
    const errorMs = (backAt - sentAt) / 2;
    if (errorMs < best.errorMs) best = { offset: remote - (sentAt + backAt) / 2, errorMs };
  }
  return best;
}

interface Clocks {
  app: number;
  page: number;
  errorMs: number;
}

async function syncClocks(app: AppProcess, page: Page): Promise<Clocks> {
  const appClock = await clockOffset(async () => (await app.ask({ kind: 'clock' })).at);
  const pageClock = await clockOffset(() => page.evaluate(() => performance.timeOrigin + performance.now()));
  return {
    app: appClock.offset,
    page: pageClock.offset,
    errorMs: Math.max(appClock.errorMs, pageClock.errorMs),
  };
}

// ---------------------------------------------------------------------------------------------
// One reading

export interface Sample {
  captureMs: number;
  /** Trigger to the socket open at the client; negative when a socket opened before was used. */
  connectMs?: number;
  firstChunkMs: number;
  playerStartMs: number;
  totalMs: number;
  /** The stand-in's own time from the first text to its first audio. */
  serverFirstChunkMs?: number;
  rttMs?: number;
}

interface Rig {
  app: AppProcess;
  page: Page;
  proxy: LatencyProxy;
  clocks: Clocks;
  texts: number;
}

function nextText(rig: Rig): string {
  return TEXTS[rig.texts++ % TEXTS.length] as string;
}

async function waitFor<T>(read: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await sleep(5);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

/** The connection that carried this reading's text: the first to get text after the trigger. */
function readingConnection(proxy: LatencyProxy, triggeredAt: number): ProxiedConnection | undefined {
  return proxy
    .connections()
    .filter((connection) => connection.firstTextAt !== undefined && connection.firstTextAt >= triggeredAt)
    .sort((a, b) => (a.firstTextAt as number) - (b.firstTextAt as number))[0];
}

async function measureReading(rig: Rig, throughProxy: boolean): Promise<Sample> {
  const { app, page, proxy, clocks } = rig;
  await page.evaluate(() => (globalThis as unknown as OnsetWindow).harkOnset.arm());
  const read: ReadTimes = await app.ask({ kind: 'read', text: nextText(rig) });
  if (!read.result.ok) throw new Error(`readSelection failed: ${read.result.code}: ${read.result.message}`);
  const triggeredAt = read.triggeredAt - clocks.app;
  await page.waitForFunction(
    () => (globalThis as unknown as OnsetWindow).harkOnset.read() !== undefined,
    undefined,
    {
      polling: 10,
      timeout: ONSET_TIMEOUT_MS,
    },
  );
  const onset = (await page.evaluate(() => (globalThis as unknown as OnsetWindow).harkOnset.read())) as Onset;
  const heardAt = onset.at - clocks.page;
  const sample: Pick<Sample, 'captureMs' | 'totalMs'> = {
    captureMs: read.capturedAt - clocks.app - triggeredAt,
    totalMs: heardAt - triggeredAt,
  };
  if (!throughProxy) {
    const { firstChunkAt } = await app.ask({ kind: 'timings' });
    if (firstChunkAt === undefined) throw new Error('no chunk reached the player');
    const firstChunkMs = firstChunkAt - clocks.app - triggeredAt;
    return { ...sample, firstChunkMs, playerStartMs: sample.totalMs - firstChunkMs };
  }
  const connection = await waitFor(
    () => {
      const found = readingConnection(proxy, triggeredAt);
      return found?.clientFirstAudioAt !== undefined ? found : undefined;
    },
    ONSET_TIMEOUT_MS,
    "the reading's audio at the proxy",
  );
  const firstChunkMs = (connection.clientFirstAudioAt as number) - triggeredAt;
  // A check on the clocks: the app cannot hand the chunk to the player before its socket had it.
  const { firstChunkAt } = await app.ask({ kind: 'timings' });
  const handedMs = firstChunkAt === undefined ? NaN : firstChunkAt - clocks.app - triggeredAt;
  if (handedMs < firstChunkMs - clocks.errorMs - 1) {
    log(`clocks disagree: chunk handed to the player ${formatMs(firstChunkMs - handedMs)} before it arrived`);
  }
  return {
    ...sample,
    ...(connection.clientOpenAt !== undefined ? { connectMs: connection.clientOpenAt - triggeredAt } : {}),
    firstChunkMs,
    playerStartMs: sample.totalMs - firstChunkMs,
    serverFirstChunkMs: (connection.serverFirstAudioAt as number) - (connection.firstTextSentAt as number),
    rttMs: proxy.rttMs,
  };
}

async function stopReading(rig: Rig): Promise<void> {
  const { state } = await rig.app.ask({ kind: 'stop' });
  if (state === 'error') throw new Error('the reading ended in an error (see the app log above)');
}

async function readingEnded(rig: Rig): Promise<void> {
  const { state } = await rig.app.ask({ kind: 'idle' });
  if (state === 'error') throw new Error('the reading ended in an error (see the app log above)');
}

/** Lets the app open whatever it opens after a reading, then has the server close every socket. */
async function dropAllSockets(rig: Rig): Promise<void> {
  const rtt = rig.proxy.rttMs;
  await sleep(4 * rtt + 300);
  for (let attempt = 0; attempt < 3; attempt++) {
    await rig.proxy.dropConnections();
    await sleep(rtt + 100);
    if (rig.proxy.connections().every((connection) => connection.closedAt !== undefined)) return;
  }
  throw new Error('sockets kept opening after the server closed them');
}

interface Pair {
  first: Sample;
  second: Sample;
}

async function measurePair(rig: Rig): Promise<Pair> {
  await dropAllSockets(rig);
  const first = await measureReading(rig, true);
  // Heard to its end: the app keeps a socket open only after a reading that ran its course.
  await readingEnded(rig);
  await sleep(SECOND_AFTER_MS);
  const second = await measureReading(rig, true);
  await stopReading(rig);
  return { first, second };
}

async function applySettings(app: AppProcess, patch: Record<string, unknown>): Promise<void> {
  const { result } = await app.ask({ kind: 'settings', patch });
  if (!result.ok) throw new Error(`settings refused: ${result.code}: ${result.message}`);
  if (!result.value.applied) throw new Error(`settings refused: ${JSON.stringify(result.value.problems)}`);
}

// ---------------------------------------------------------------------------------------------
// Rows and the report

export interface TimeToSoundRow {
  label: string;
  rttMs?: number;
  warm?: boolean;
  reading?: 'first' | 'second';
  samples: Sample[];
}

export interface TimeToSoundResult {
  rows: TimeToSoundRow[];
  runs: number;
  /** Why the warm-connection rows are missing, when they are. */
  note?: string;
  browser: string;
  loadAverage: number;
  clockErrorMs: number;
  outputMapped: boolean;
  outputLatencyMs: number;
  elapsedMs: number;
}

function stat(
  samples: readonly Sample[],
  pick: (sample: Sample) => number | undefined,
): { p50: number; p95: number } {
  const values = samples.map(pick).filter((value): value is number => value !== undefined);
  return { p50: median(values), p95: percentile(values, 0.95) };
}

function cell(samples: readonly Sample[], pick: (sample: Sample) => number | undefined): string {
  const { p50, p95 } = stat(samples, pick);
  return Number.isFinite(p50) ? `${formatMs(p50)} / ${formatMs(p95)}` : '—';
}

function connectCell(samples: readonly Sample[]): string {
  const measured = samples.filter((sample) => sample.connectMs !== undefined);
  if (measured.length === 0) return '—';
  const reused = measured.filter((sample) => (sample.connectMs as number) < 0);
  if (reused.length === measured.length) return 'socket open already';
  const fresh = cell(
    measured.filter((sample) => (sample.connectMs as number) >= 0),
    (sample) => sample.connectMs,
  );
  return reused.length > 0 ? `${fresh} (${reused.length} reused)` : fresh;
}

const limitOf = (sample: Sample): number | undefined =>
  sample.serverFirstChunkMs === undefined ? undefined : sample.serverFirstChunkMs + (sample.rttMs ?? 0);
const afterCapture = (sample: Sample): number => sample.totalMs - sample.captureMs;
const yesNo = (ok: boolean): string => (ok ? 'yes' : '**no**');

function findRow(rows: readonly TimeToSoundRow[], rttMs: number, warm: boolean, reading: 'first' | 'second') {
  return rows.find((row) => row.rttMs === rttMs && row.warm === warm && row.reading === reading);
}

function targetLines(result: TimeToSoundResult): string[] {
  const { rttMs, overLimitMs, speedUp, offlineMs } = TIME_TO_SOUND_TARGETS;
  const lines = ['| Target (medians) | Measured | Met |', '| --- | --- | --- |'];
  for (const offline of result.rows.filter((row) => row.rttMs === undefined)) {
    const value = stat(offline.samples, afterCapture).p50;
    lines.push(
      `| ${offline.label.replace(/ \(.*\)$/, '')}: after the capture ≤ ${offlineMs} ms | ${formatMs(value)} | ${yesNo(value <= offlineMs)} |`,
    );
  }
  for (const reading of ['first', 'second'] as const) {
    const warm = findRow(result.rows, rttMs, true, reading);
    const cold = findRow(result.rows, rttMs, false, reading);
    if (warm) {
      const value = stat(warm.samples, afterCapture).p50;
      const limit = stat(warm.samples, limitOf).p50 + overLimitMs;
      lines.push(
        `| ${rttMs} ms RTT, warm connection, ${reading} reading: after the capture ≤ server first chunk + 1 RTT + ${overLimitMs} ms (${formatMs(limit)}) | ${formatMs(value)} | ${yesNo(value <= limit)} |`,
      );
    }
    if (warm && cold) {
      const ratio = stat(cold.samples, (s) => s.totalMs).p50 / stat(warm.samples, (s) => s.totalMs).p50;
      lines.push(
        `| ${rttMs} ms RTT, ${reading} reading: total without ÷ with the warm connection ≥ ${speedUp}× | ${formatRatio(ratio)} | ${yesNo(ratio >= speedUp)} |`,
      );
    }
  }
  return lines;
}

export function renderTimeToSound(result: TimeToSoundResult): string {
  const output = result.outputMapped
    ? `the output time from the audio clock's output timestamp (output latency ${formatMs(result.outputLatencyMs)})`
    : 'the output time when the page heard of the block (no output timestamp)';
  const lines = [
    `Last run: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${result.browser} headless, ` +
      `${cpus().length} cores, load average ${result.loadAverage.toFixed(1)} at the start; took ` +
      `${(result.elapsedMs / 1000).toFixed(0)} s. ${result.runs} runs per row, each cell median / p95 (of ${result.runs}: the slowest). ` +
      `Capture ${CAPTURE_MS} ms; clocks of the three processes matched within ${formatMs(result.clockErrorMs)}; ${output}.`,
    '',
    '| Reading | Capture | Connect (socket open) | First chunk | Player start | Total | After the capture | Limit: server first chunk + 1 RTT |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const row of result.rows) {
    const s = row.samples;
    lines.push(
      `| ${row.label} | ${cell(s, (x) => x.captureMs)} | ${connectCell(s)} | ${cell(s, (x) => x.firstChunkMs)} | ` +
        `${cell(s, (x) => x.playerStartMs)} | ${cell(s, (x) => x.totalMs)} | ${cell(s, afterCapture)} | ${cell(s, limitOf)} |`,
    );
  }
  lines.push('', ...targetLines(result));
  if (result.note) lines.push('', result.note);
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// The run

function log(message: string): void {
  process.stderr.write(`bench (time to sound): ${message}\n`);
}

function launchChromium(): Promise<Browser> {
  const launch = playwrightConfig.use?.launchOptions ?? {};
  return chromium.launch({ ...launch, executablePath: launch.executablePath ?? '/usr/bin/chromium' });
}

async function openPlayerPage(browser: Browser, url: string): Promise<Page> {
  // The onset worklet comes from a blob: URL, which the page's Content Security Policy forbids.
  const context = await browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  page.on('pageerror', (error) => log(`player page error: ${error.message}`));
  await page.addInitScript({ content: INSTALL_ONSET_METER });
  await page.goto(url);
  await page.getByRole('status').filter({ hasText: 'Ready to play.' }).waitFor({ timeout: 30_000 });
  await page.waitForFunction(() => (globalThis as unknown as OnsetWindow).harkOnset.ready(), undefined, {
    timeout: 10_000,
  });
  return page;
}

export async function runTimeToSound(
  options: { runs?: number; rttsMs?: number[] } = {},
): Promise<TimeToSoundResult> {
  const runs = options.runs ?? RUNS;
  const rtts = options.rttsMs ?? RTTS_MS;
  const started = now();
  const loadAverage = loadavg()[0] ?? NaN;
  const dir = await mkdtemp(join(tmpdir(), 'hark-time-to-sound-'));
  const key = `sk_bench_${randomBytes(16).toString('hex')}`;
  const tls = await makeSelfSignedCertificate(dir);
  const standIn = await startStreamServer({ token: key });
  const proxy = await startLatencyProxy({ target: standIn.url, tls, rttMs: 0 });
  const app = new AppProcess(
    [
      '--data',
      join(dir, 'app'),
      '--renderer',
      resolve(__dirname, '../out/renderer'),
      '--capture-ms',
      String(CAPTURE_MS),
      '--key',
      key,
    ],
    // Read once, at the start of the process: the only certificate the app needs is the proxy's.
    { ...process.env, NODE_EXTRA_CA_CERTS: tls.certPath },
  );
  let browser: Browser | undefined;
  try {
    const pageUrl = await app.ready;
    browser = await launchChromium();
    const page = await openPlayerPage(browser, pageUrl);
    const rig: Rig = { app, page, proxy, clocks: await syncClocks(app, page), texts: 0 };
    let clockErrorMs = rig.clocks.errorMs;
    const rows: TimeToSoundRow[] = [];

    const hasWarmSetting = 'warmConnection' in defaultSettings();
    const warmCases = hasWarmSetting ? [false, true] : [false];
    const warmLabel = (warm: boolean): string =>
      hasWarmSetting ? `warm connection ${warm ? 'on' : 'off'}` : 'no warmConnection setting';

    log(`offline voice: ${OFFLINE_WARM_UP} uncounted readings, then ${runs} per case`);
    await applySettings(app, { engine: 'offline' });
    const offline = new Map<boolean, Sample[]>(warmCases.map((warm) => [warm, []]));
    for (let i = 0; i < runs + OFFLINE_WARM_UP; i++) {
      for (const warm of warmCases) {
        if (hasWarmSetting) await applySettings(app, { warmConnection: warm });
        const sample = await measureReading(rig, false);
        if (i >= OFFLINE_WARM_UP) offline.get(warm)?.push(sample);
        await stopReading(rig);
        await sleep(OFFLINE_PAUSE_MS);
      }
    }
    for (const warm of warmCases) {
      rows.push({
        label: `Offline voice, ${warmLabel(warm)} (stopped readings ${OFFLINE_PAUSE_MS / 1000} s apart)`,
        warm,
        samples: offline.get(warm) ?? [],
      });
    }

    await applySettings(app, {
      engine: 'elevenlabs',
      baseUrl: proxy.url,
      voiceIds: { elevenlabs: 'en-us' },
      // A failure must show, not be read by the offline voice instead.
      fallbackToOffline: false,
    });
    for (const rtt of rtts) {
      proxy.rttMs = rtt;
      rig.clocks = await syncClocks(app, page);
      clockErrorMs = Math.max(clockErrorMs, rig.clocks.errorMs);
      log(`stand-in ElevenLabs at ${rtt} ms RTT: 1 uncounted pair, then ${runs} pairs per case`);
      const pairs = new Map<boolean, Pair[]>(warmCases.map((warm) => [warm, []]));
      for (let i = 0; i < runs + 1; i++) {
        for (const warm of warmCases) {
          if (hasWarmSetting) await applySettings(app, { warmConnection: warm });
          const pair = await measurePair(rig);
          if (i >= 1) pairs.get(warm)?.push(pair);
        }
      }
      for (const warm of warmCases) {
        for (const reading of ['first', 'second'] as const) {
          rows.push({
            label: `Stand-in, ${rtt} ms RTT, ${warmLabel(warm)}, ${reading} reading`,
            rttMs: rtt,
            warm,
            reading,
            samples: (pairs.get(warm) ?? []).map((pair) => pair[reading]),
          });
        }
      }
    }
    const onset = (await page.evaluate(() =>
      (globalThis as unknown as OnsetWindow).harkOnset.read(),
    )) as Onset;
    return {
      rows,
      runs,
      ...(hasWarmSetting
        ? {}
        : { note: 'The settings have no `warmConnection` yet: only the rows without it were measured.' }),
      browser: `Chromium ${browser.version()}`,
      loadAverage,
      clockErrorMs,
      outputMapped: onset.mapped,
      outputLatencyMs: onset.outputLatencyMs,
      elapsedMs: now() - started,
    };
  } finally {
    await browser?.close();
    await app.close();
    await proxy.close();
    await standIn.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** What `npm run bench` calls: measure, print, and rewrite the section of bench/README.md. */
export async function benchTimeToSound(
  readmePath?: string,
  options: { runs?: number; rttsMs?: number[] } = {},
): Promise<string> {
  const markdown = renderTimeToSound(await runTimeToSound(options));
  if (readmePath) await writeMarkedSection(readmePath, MARKERS, markdown);
  return markdown;
}

if (require.main === module) {
  const quick = process.argv.includes('--quick');
  // --offline: the offline voice's rows alone, printed only (for work on the offline path).
  const offlineOnly = process.argv.includes('--offline');
  benchTimeToSound(
    quick || offlineOnly ? undefined : resolve(__dirname, 'README.md'),
    quick ? { runs: 2, rttsMs: [150] } : offlineOnly ? { rttsMs: [] } : {},
  ).then(
    (markdown) => process.stdout.write(`${markdown}\n`),
    (error: unknown) => {
      process.stderr.write(
        `bench (time to sound): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exitCode = 1;
    },
  );
}
