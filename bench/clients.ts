// The clients the benchmark compares, each run as its own process and stoppable at any moment:
// - hark: the built `hark speak` (Narration over StreamSession) with --engine elevenlabs pointed at
//   the server, exactly as a user runs it; stopped with SIGINT, as by Ctrl-C;
// - seed: tests/peers/seed_client.py, behaving like the example on the original ElevenLabs page;
// - docs: tests/peers/docs-example-client.mjs, the `ws` example in the style of the ElevenLabs docs.
// The peers are stopped with SIGKILL. For time to first audio every client asks for mp3_44100_128
// (what both peers ask for); harkPcm, a reference, is Hark asking for pcm_22050, which shows how much
// of the wait is the server's MP3 encoding. For the "listen" runs Hark plays through a stand-in player.
import { execFileSync, spawn } from 'node:child_process';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { exitedChildrenCpuMs, watchPeakMemory } from './process-usage';
import { now } from './stats';

export type ClientName = 'hark' | 'seed' | 'docs' | 'harkPcm';
/** The clients compared like for like. */
export const CLIENTS: readonly ClientName[] = ['hark', 'seed', 'docs'];
/** Time to first audio also runs the PCM reference. */
export const FIRST_AUDIO_CLIENTS: readonly ClientName[] = [...CLIENTS, 'harkPcm'];
export const CLIENT_LABELS: Record<ClientName, string> = {
  hark: 'Hark (hark speak)',
  seed: 'Seed example (Python)',
  docs: 'Docs example (ws)',
  harkPcm: 'Hark, pcm_22050 (reference)',
};

export const BENCH_VOICE = 'en-us';

/**
 * first-audio and complete: every client writes the MP3 to a file (the measurement stops at the first
 * audio, or waits for the client to finish); listen: Hark plays through a stand-in player that
 * consumes audio, so it paces as for a listener.
 */
export type RunMode = 'first-audio' | 'complete' | 'listen';

export interface ClientUsage {
  /** From launching the process to its exit. */
  wallMs: number;
  /** User + system CPU time of the process and its children (NaN off Linux). */
  cpuMs: number;
  /** Peak resident memory (NaN off Linux). */
  peakMb: number;
}

export interface ClientRun {
  /** Stops the client at once (SIGINT for Hark, SIGKILL for the peers). */
  stop(): void;
  /** Resolves when the client has ended (or was stopped); rejects if it failed on its own. */
  readonly done: Promise<void>;
  /** Resolves when the client has ended, however it ended. */
  readonly usage: Promise<ClientUsage>;
}

/**
 * A stand-in for paplay on a private PATH: reads and discards the audio, as fast as it comes.
 * The CLI's player sink still counts "heard" audio by the wall clock, so pacing is as with a speaker.
 */
export async function installStandInPlayer(dir: string): Promise<string> {
  const bin = join(dir, 'player-bin');
  await mkdir(bin, { recursive: true });
  const player = join(bin, 'paplay');
  await writeFile(player, `#!${process.execPath}\nprocess.stdin.resume();\n`);
  await chmod(player, 0o755);
  return bin;
}

/** A Python 3 with the `websockets` module (Debian's python3-websockets); HARK_PYTHON overrides. */
export function findPython(): string {
  const candidates = [process.env.HARK_PYTHON, 'python3', '/usr/bin/python3'];
  for (const candidate of candidates) {
    if (!candidate) continue;
    try {
      execFileSync(candidate, ['-c', 'import websockets'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // try the next one
    }
  }
  throw new Error('no python3 with the websockets module (install python3-websockets or set HARK_PYTHON)');
}

let python: string | undefined;

interface ProcessSpec {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  stopSignal: NodeJS.Signals;
  /** Exit codes that mean "stopped as asked" rather than failure. */
  okCodes: readonly number[];
}

/**
 * The clients' environment, minus NODE_EXTRA_CA_CERTS: where it is set (managed machines often set
 * it), every Node process parses that certificate bundle before running a line, some 60 ms here,
 * and none of the clients uses TLS on loopback. Python ignores it, so keeping it would only time
 * the machine's set-up against the Node clients.
 */
function clientEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const { NODE_EXTRA_CA_CERTS: _unused, ...rest } = env;
  return rest;
}

function startProcess(spec: ProcessSpec): ClientRun {
  const cpuBefore = exitedChildrenCpuMs();
  const started = now();
  const env = clientEnv(spec.env);
  const child = spawn(spec.command, spec.args, { stdio: ['ignore', 'ignore', 'pipe'], env });
  const memory = watchPeakMemory(child.pid);
  const usage = new Promise<ClientUsage>((resolveUsage) => {
    child.once('close', () => {
      const cpuAfter = exitedChildrenCpuMs();
      resolveUsage({
        wallMs: now() - started,
        cpuMs: cpuBefore === undefined || cpuAfter === undefined ? NaN : cpuAfter - cpuBefore,
        peakMb: memory.stop(),
      });
    });
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (data: string) => (stderr = (stderr + data).slice(-2000)));
  const done = new Promise<void>((resolveDone, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (signal || (code !== null && spec.okCodes.includes(code))) resolveDone();
      else reject(new Error(`${spec.args[0]} failed (exit ${code}): ${stderr.trim()}`));
    });
  });
  // Waited on later, or not at all when the measurement ends first: never an unhandled rejection.
  done.catch(() => undefined);
  return {
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(spec.stopSignal);
    },
    done,
    usage,
  };
}

export interface ClientSetup {
  baseUrl: string;
  token: string;
  scratchDir: string;
  /** PATH holding the stand-in player (see installStandInPlayer). */
  playerPath: string;
}

function harkSpec(setup: ClientSetup, text: string, mode: RunMode, pcm = false): ProcessSpec {
  const args = [resolve('bin/hark.js'), 'speak', text, '--engine', 'elevenlabs'];
  args.push('--base-url', setup.baseUrl, '--voice', BENCH_VOICE);
  const env: NodeJS.ProcessEnv = { ...process.env, ELEVENLABS_API_KEY: setup.token, HARK_KEYCHAIN: 'off' };
  // MP3 to a file: ElevenLabs' default for .mp3 is mp3_44100_128, what the peers ask for.
  if (mode === 'listen') env.PATH = setup.playerPath;
  else if (pcm) args.push('--out', join(setup.scratchDir, 'hark.wav'), '--format', 'pcm_22050');
  else args.push('--out', join(setup.scratchDir, 'hark.mp3'));
  return { command: process.execPath, args, env, stopSignal: 'SIGINT', okCodes: [0, 130] };
}

export function startClient(name: ClientName, setup: ClientSetup, text: string, mode: RunMode): ClientRun {
  const output = join(setup.scratchDir, `${name}.audio`);
  const peerArgs = [setup.baseUrl, BENCH_VOICE, setup.token, text, output];
  switch (name) {
    case 'hark':
      return startProcess(harkSpec(setup, text, mode));
    case 'harkPcm':
      return startProcess(harkSpec(setup, text, mode, true));
    case 'seed':
      python ??= findPython();
      return startProcess({
        command: python,
        args: [resolve('tests/peers/seed_client.py'), ...peerArgs],
        stopSignal: 'SIGKILL',
        okCodes: [0],
      });
    case 'docs':
      return startProcess({
        command: process.execPath,
        args: [resolve('tests/peers/docs-example-client.mjs'), ...peerArgs],
        stopSignal: 'SIGKILL',
        okCodes: [0],
      });
  }
}
