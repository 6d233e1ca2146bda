// The built-in offline voice: eSpeak NG in one worker thread, started on first use and restarted
// after a crash. Requests are queued here and sent one at a time, so a crash costs only the request
// that was running; queued ones go to the fresh thread.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Alignment } from '../../shared/protocol';
import { SpeechError, defaultMessage, type SpeechErrorCode } from '../../shared/speech-errors';
import { alignCharacters } from './char-alignment';
import type { EngineVoice, WorkerReply, WorkerRequest } from './espeak-worker';

export const OFFLINE_SAMPLE_RATE = 22050;
export const DEFAULT_OFFLINE_VOICE_ID = 'en-us';

export type OfflineVoiceInfo = EngineVoice;

export interface Synthesis {
  /** Mono signed 16-bit samples at OFFLINE_SAMPLE_RATE. */
  pcm: Int16Array;
  sampleRate: number;
  durationMs: number;
  alignment: Alignment;
}

export interface SynthesisOptions {
  voiceId?: string;
  /** 0.7..1.2 (values outside are clamped); 1 = the engine's normal rate. */
  speed?: number;
  signal?: AbortSignal;
}

const WORKER_FILE = 'espeak-worker.js';
// Same value as espeak-worker.ts's WORKER_MARKER; a value import would pull the worker entry into
// the main bundles.
const WORKER_MARKER = 'hark-espeak-worker';
const NORMAL_RATE_WPM = 175;
const MIN_SPEED = 0.7;
const MAX_SPEED = 1.2;
// Generous: synthesis runs far faster than real time, so only a wedged engine gets near these.
const BASE_TIMEOUT_MS = 30_000;
const TIMEOUT_PER_CHAR_MS = 20;

/** `<dir>/espeak-worker.js` next to the bundle, else `<hark package root>/out/main/espeak-worker.js`. */
export function findWorkerScript(startDir: string): string {
  const sibling = join(startDir, WORKER_FILE);
  if (existsSync(sibling)) return sibling;
  for (let dir = startDir; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && readPackageName(manifest) === 'hark')
      return join(dir, 'out', 'main', WORKER_FILE);
    if (dirname(dir) === dir) return sibling;
  }
}

function readPackageName(path: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    const name = (parsed as { name?: unknown } | null)?.name;
    return typeof name === 'string' ? name : undefined;
  } catch {
    return undefined;
  }
}

function moduleDir(): string {
  // The CommonJS bundle has __dirname (out/main); vitest provides it for the TS sources too.
  return typeof __dirname === 'string' ? __dirname : process.cwd();
}

function speechError(code: SpeechErrorCode, detail?: string): SpeechError {
  return new SpeechError(code, detail ? `${defaultMessage(code)} (${detail})` : defaultMessage(code));
}

function rateFor(speed: number | undefined): number {
  const factor =
    speed === undefined || !Number.isFinite(speed) ? 1 : Math.min(Math.max(speed, MIN_SPEED), MAX_SPEED);
  return Math.round(NORMAL_RATE_WPM * factor);
}

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
type RequestBody = WithoutId<WorkerRequest>;

interface Job {
  body: RequestBody;
  timeoutMs: number;
  resolve: (reply: WorkerReply & { ok: true }) => void;
  reject: (error: SpeechError) => void;
  /** Set once the caller has its answer (an abort settles before the worker replies). */
  settled: boolean;
  detachAbort: () => void;
}

type EngineState = { kind: 'stopped' } | { kind: 'running'; worker: Worker } | { kind: 'closed' };

interface InFlight {
  id: number;
  job: Job;
  worker: Worker;
  timer: NodeJS.Timeout;
}

/** Test hook: kills the worker thread the way a crash would, so recovery can be tested for real. */
const terminators = new WeakMap<OfflineVoice, () => Promise<void>>();
export async function terminateWorkerForTesting(voice: OfflineVoice): Promise<void> {
  await terminators.get(voice)?.();
}

export class OfflineVoice {
  private readonly workerPath: string;
  private state: EngineState = { kind: 'stopped' };
  private readonly queue: Job[] = [];
  private inFlight: InFlight | null = null;
  private nextId = 1;
  private cachedVoices: OfflineVoiceInfo[] | null = null;

  constructor(options: { workerPath?: string } = {}) {
    this.workerPath = options.workerPath ?? findWorkerScript(moduleDir());
    terminators.set(this, async () => {
      if (this.state.kind === 'running') await this.state.worker.terminate();
    });
  }

  /** Starts the worker thread and loads the engine. */
  async warmUp(): Promise<void> {
    await this.request({ kind: 'load' }, BASE_TIMEOUT_MS);
  }

  async voices(): Promise<OfflineVoiceInfo[]> {
    if (!this.cachedVoices) {
      const reply = await this.request({ kind: 'voices' }, BASE_TIMEOUT_MS);
      if (reply.kind === 'voices') this.cachedVoices = reply.voices;
    }
    return (this.cachedVoices ?? []).map((voice) => ({ ...voice }));
  }

  async synthesize(text: string, options: SynthesisOptions = {}): Promise<Synthesis> {
    const cancel = new Int32Array(new SharedArrayBuffer(4));
    const body: RequestBody = {
      kind: 'synthesize',
      text,
      voiceId: options.voiceId ?? DEFAULT_OFFLINE_VOICE_ID,
      rate: rateFor(options.speed),
      cancel,
    };
    const timeoutMs = BASE_TIMEOUT_MS + text.length * TIMEOUT_PER_CHAR_MS;
    const reply = await this.request(body, timeoutMs, options.signal, () => Atomics.store(cancel, 0, 1));
    if (reply.kind !== 'synthesis') throw speechError('engine_failed', 'unexpected reply');
    const durationMs = (reply.pcm.length * 1000) / OFFLINE_SAMPLE_RATE;
    return {
      pcm: reply.pcm,
      sampleRate: OFFLINE_SAMPLE_RATE,
      durationMs,
      alignment: alignCharacters(text, reply.words, durationMs),
    };
  }

  /** Terminates the worker; pending requests reject with 'aborted' and later calls fail. */
  async close(): Promise<void> {
    const previous = this.state;
    this.state = { kind: 'closed' };
    const pending = [...(this.inFlight ? [this.inFlight.job] : []), ...this.queue.splice(0)];
    if (this.inFlight) clearTimeout(this.inFlight.timer);
    this.inFlight = null;
    for (const job of pending) this.settle(job, speechError('aborted', 'the offline voice was closed'));
    if (previous.kind === 'running') await previous.worker.terminate();
  }

  // -------------------------------------------------------------------------------------------

  private request(
    body: RequestBody,
    timeoutMs: number,
    signal?: AbortSignal,
    onAbortRunning?: () => void,
  ): Promise<WorkerReply & { ok: true }> {
    return new Promise((resolve, reject) => {
      if (this.state.kind === 'closed')
        return reject(speechError('engine_failed', 'the offline voice was closed'));
      if (signal?.aborted) return reject(speechError('aborted'));
      const job: Job = { body, timeoutMs, resolve, reject, settled: false, detachAbort: () => undefined };
      if (signal) {
        const onAbort = (): void => this.abort(job, onAbortRunning);
        signal.addEventListener('abort', onAbort, { once: true });
        job.detachAbort = () => signal.removeEventListener('abort', onAbort);
      }
      this.queue.push(job);
      this.pump();
    });
  }

  private abort(job: Job, onAbortRunning?: () => void): void {
    const queued = this.queue.indexOf(job);
    if (queued >= 0) this.queue.splice(queued, 1);
    // A running request keeps its slot until the worker answers (soon: the cancel flag stops it).
    else if (this.inFlight?.job === job) onAbortRunning?.();
    this.settle(job, speechError('aborted'));
  }

  private settle(job: Job, outcome: SpeechError | (WorkerReply & { ok: true })): void {
    if (job.settled) return;
    job.settled = true;
    job.detachAbort();
    if (outcome instanceof SpeechError) job.reject(outcome);
    else job.resolve(outcome);
  }

  private pump(): void {
    if (this.inFlight || this.state.kind === 'closed') return;
    const job = this.queue.shift();
    if (!job) {
      // An idle engine must not keep the process alive.
      if (this.state.kind === 'running') this.state.worker.unref();
      return;
    }
    let worker: Worker;
    try {
      worker = this.runningWorker();
    } catch (error) {
      this.settle(job, speechError('engine_failed', error instanceof Error ? error.message : String(error)));
      this.pump();
      return;
    }
    const id = this.nextId++;
    const timer = setTimeout(() => this.onTimeout(id), job.timeoutMs);
    this.inFlight = { id, job, worker, timer };
    worker.ref();
    worker.postMessage({ ...job.body, id } as WorkerRequest);
  }

  private runningWorker(): Worker {
    if (this.state.kind === 'running') return this.state.worker;
    const worker = new Worker(this.workerPath, { workerData: WORKER_MARKER });
    worker.on('message', (reply: WorkerReply) => this.onReply(worker, reply));
    worker.on('error', (error) => this.onWorkerGone(worker, error.message));
    worker.on('exit', (code) => this.onWorkerGone(worker, `worker exited with code ${code}`));
    this.state = { kind: 'running', worker };
    return worker;
  }

  private onReply(worker: Worker, reply: WorkerReply): void {
    const current = this.inFlight;
    if (!current || current.worker !== worker || current.id !== reply.id) return;
    clearTimeout(current.timer);
    this.inFlight = null;
    this.settle(current.job, reply.ok ? reply : speechError(reply.code, reply.message));
    this.pump();
  }

  private onWorkerGone(worker: Worker, detail: string): void {
    if (this.state.kind !== 'running' || this.state.worker !== worker) return;
    this.state = { kind: 'stopped' };
    const current = this.inFlight;
    if (current && current.worker === worker) {
      clearTimeout(current.timer);
      this.inFlight = null;
      this.settle(current.job, speechError('engine_failed', detail));
    }
    // Queued requests start a fresh worker.
    this.pump();
  }

  private onTimeout(id: number): void {
    const current = this.inFlight;
    if (!current || current.id !== id) return;
    this.onWorkerGone(current.worker, 'the engine did not answer in time');
    void current.worker.terminate();
  }
}
