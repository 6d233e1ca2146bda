// Child processes for the end-to-end tests: Hark's services in the browser (`npm run dev:web`) inside a
// private D-Bus session with a real, unlocked gnome-keyring, and `hark serve` as the "ElevenLabs"
// stream-input server. Each waits for its ready line and dies with its whole process group.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');
const READY_TIMEOUT_MS = 60_000;

export interface RunningChild {
  /** The line the process printed when ready. */
  readyLine: string;
  output(): string;
  stop(): Promise<void>;
}

function startChild(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
): Promise<RunningChild> {
  const child = spawn(command, args, { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const stop = (): Promise<void> => stopGroup(child);
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${command} was not ready within ${READY_TIMEOUT_MS} ms:\n${output}`));
    }, READY_TIMEOUT_MS);
    const onData = (data: Buffer): void => {
      output += data.toString();
      const line = output.split('\n').find((candidate) => ready.test(candidate));
      if (!line) return;
      clearTimeout(timer);
      resolvePromise({ readyLine: line, output: () => output, stop });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (data: Buffer) => (output += data.toString()));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${command} exited (${code}) before it was ready:\n${output}`));
    });
  });
}

function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return Promise.resolve();
  return new Promise((resolvePromise) => {
    const force = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolvePromise();
    });
    signalGroup(child.pid, 'SIGTERM');
  });
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  try {
    if (pid !== undefined) process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

export interface HarkWeb {
  /** The app page's origin, e.g. http://127.0.0.1:4180 */
  origin: string;
  token: string;
  dataDir: string;
  /** The page URL for a view ('read' opens the app window on its Read tab). */
  url(view: 'read' | 'history' | 'settings' | 'player' | 'overlay'): string;
  output(): string;
  stop(): Promise<void>;
}

/** A private HOME and runtime dir, so the keyring the test uses is never the user's own. */
async function keyringSandbox(root: string): Promise<NodeJS.ProcessEnv> {
  const home = join(root, 'home');
  const runtime = join(root, 'runtime');
  await mkdir(home, { recursive: true, mode: 0o700 });
  await mkdir(runtime, { recursive: true, mode: 0o700 });
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, XDG_RUNTIME_DIR: runtime, LANG: 'C.UTF-8' };
}

export async function newDataDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'hark-e2e-'));
}

export async function removeDataDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

const UNLOCK_THEN_RUN =
  'echo -n e2e | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$@"';

/** `npm run dev:web` on `port` with its data (settings, history) in `dataDir`. */
export async function startHarkWeb(dataDir: string, port: number): Promise<HarkWeb> {
  const env = await keyringSandbox(join(dataDir, 'sandbox'));
  const devWeb = [
    'node',
    '--import',
    'tsx',
    'scripts/dev-web.ts',
    '--data',
    join(dataDir, 'app'),
    '--port',
    String(port),
  ];
  const child = await startChild(
    'dbus-run-session',
    ['--', 'sh', '-c', UNLOCK_THEN_RUN, 'sh', ...devWeb],
    env,
    /Hark in the browser: /,
  );
  const address = /(http:\/\/[^/\s]+)\/#token=(\S+)/.exec(child.readyLine);
  if (!address?.[1] || !address[2]) throw new Error(`dev:web printed no address: ${child.readyLine}`);
  const [, origin, token] = address;
  return {
    origin,
    token,
    dataDir,
    url: (view) => `${origin}/?view=${view}#token=${token}`,
    output: child.output,
    stop: child.stop,
  };
}

export interface HarkServe {
  /** http://127.0.0.1:PORT, for the base URL setting. */
  baseUrl: string;
  port: number;
  /** Accepted as the API key. */
  token: string;
  stop(): Promise<void>;
}

/** `hark serve`: the offline voice behind the stream-input protocol, standing in for ElevenLabs. */
export async function startHarkServe(token: string): Promise<HarkServe> {
  const child = await startChild(
    'node',
    ['bin/hark.js', 'serve', '--port', '0', '--token', token],
    { ...process.env, HARK_KEYCHAIN: 'off' },
    /^\{.*"port"/,
  );
  const ready = JSON.parse(child.readyLine) as { port: number; token: string };
  return {
    baseUrl: `http://127.0.0.1:${ready.port}`,
    port: ready.port,
    token: ready.token,
    stop: child.stop,
  };
}
