// `hark speak` on a real terminal: the built CLI runs inside a detached tmux session of fixed size, keys
// are sent with `tmux send-keys`, and what the terminal shows is read back with `tmux capture-pane`.
// The machine has no sound server, so the player is a stand-in paplay on a private PATH that consumes
// its stdin at the real-time pace of the --rate it is given (and plays nothing): the CLI's clock,
// pacing and restarts then behave as with a real player.
import { execFile, execFileSync } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const HARK = resolve('bin/hark.js');
/** Sentences of about 5 s each in the offline voice, so a sentence change within 2 s is the key's. */
const TEXT = [
  'The first sentence is long enough to take several seconds when it is read aloud by the voice.',
  'The second sentence is also long enough to take several seconds when it is read out loud.',
  'The third sentence keeps going for a good while so that there is always something to hear.',
  'The fourth sentence is here to make sure the reading does not end before the test is done.',
  'The fifth sentence closes the text, and nobody should ever get to hear it during the test.',
].join(' ');

const PACED_PLAYER = `
// Consumes raw S16LE mono at real-time pace (--rate=N) and plays nothing.
const rateArg = process.argv.find((arg) => arg.startsWith('--rate='));
const bytesPerSecond = Number(rateArg ? rateArg.slice(7) : 22050) * 2;
let started;
let consumed = 0;
process.stdin.on('data', (chunk) => {
  started ??= Date.now();
  consumed += chunk.length;
  const dueMs = (consumed / bytesPerSecond) * 1000 - (Date.now() - started);
  if (dueMs > 0) {
    process.stdin.pause();
    setTimeout(() => process.stdin.resume(), dueMs);
  }
});
process.stdin.on('end', () => {
  const leftMs = started === undefined ? 0 : (consumed / bytesPerSecond) * 1000 - (Date.now() - started);
  setTimeout(() => process.exit(0), Math.max(0, leftMs));
});
`;

let work: string;
let bin: string;
let sessions = 0;

/**
 * Each session has a tmux server of its own: a server killed after one test may still be exiting
 * when the next test starts, and a client that reaches it then fails with "server exited unexpectedly".
 */
function socketOf(session: string): string {
  return join(work, `${session}.sock`);
}

function tmux(session: string, ...args: string[]): string {
  return execFileSync('tmux', ['-S', socketOf(session), '-f', '/dev/null', ...args], {
    encoding: 'utf8',
  });
}

function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * Starts `hark speak` in a new tmux session; when hark ends, the shell prints its exit status and
 * whether the terminal was left in raw mode, then waits so the pane can still be read.
 */
async function startInTmux(args: string[], piped?: string): Promise<string> {
  const name = `hark${++sessions}`;
  const script = join(work, `${name}.sh`);
  const hark = [process.execPath, HARK, ...args].map(quote).join(' ');
  // With `piped`, the text comes on stdin through a pipe; the keys still come from the terminal.
  const pipe = piped === undefined ? '' : `printf '%s' ${quote(piped)} | `;
  await writeFile(
    script,
    [
      '#!/bin/sh',
      `cd ${quote(work)}`,
      `${pipe}env -u ELEVENLABS_API_KEY -u ELEVENLABS_BASE_URL -u HARK_DEBUG PATH=${quote(`${bin}:/usr/bin:/bin`)} HARK_KEYCHAIN=off TERM=xterm-256color ${hark}`,
      'echo "EXIT=$?"',
      `if stty -a | grep -qE -- '(^| )-(icanon|echo|isig)( |;|$)'; then echo MODE=raw; else echo MODE=cooked; fi`,
      'exec sleep 600',
      '',
    ].join('\n'),
  );
  await chmod(script, 0o755);
  tmux(name, 'new-session', '-d', '-x', '160', '-y', '12', '-s', name, script);
  return name;
}

function screen(session: string): string {
  return tmux(session, 'capture-pane', '-p', '-t', session);
}

interface Progress {
  sentence: number;
  count: number;
  elapsed: string;
  speed: string;
  paused: boolean;
}

/** What both progress lines show: a whole text's and a stream's. */
type Line = Pick<Progress, 'elapsed' | 'speed' | 'paused'>;

function progress(session: string): Progress | undefined {
  const match = /Sentence (\d+)\/(\d+) {2}(\d+:\d+) \/ \d+:\d+ {2}([\d.]+)×( {2}paused)?/.exec(
    screen(session),
  );
  if (!match) return undefined;
  return {
    sentence: Number(match[1]),
    count: Number(match[2]),
    elapsed: match[3] as string,
    speed: match[4] as string,
    paused: match[5] !== undefined,
  };
}

/** The line of a stream, whose sentences are not known ahead: its time so far, speed and pause. */
function streamProgress(session: string): Line | undefined {
  const match = /Streaming {2}(\d+:\d+) {2}([\d.]+)×( {2}paused)?/.exec(screen(session));
  if (!match) return undefined;
  return { elapsed: match[1] as string, speed: match[2] as string, paused: match[3] !== undefined };
}

async function waitFor<T>(
  probe: () => T | undefined,
  timeoutMs: number,
  what: string,
  session: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; the screen:\n${screen(session)}`);
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 100));
  }
}

function exitLine(session: string): { code: number; mode: string } | undefined {
  const text = screen(session);
  const code = /EXIT=(\d+)/.exec(text);
  const mode = /MODE=(\w+)/.exec(text);
  return code && mode ? { code: Number(code[1]), mode: mode[1] as string } : undefined;
}

function seconds(clock: string): number {
  const [minutes, secs] = clock.split(':').map(Number);
  return (minutes ?? 0) * 60 + (secs ?? 0);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolvePromise) => setTimeout(resolvePromise, ms));
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'hark-tty-'));
  bin = join(work, 'bin');
  execFileSync('mkdir', ['-p', bin]);
  await writeFile(join(bin, 'paplay'), `#!${process.execPath}\n${PACED_PLAYER}`);
  await chmod(join(bin, 'paplay'), 0o755);
});

afterEach(() => {
  for (let session = 1; session <= sessions; session++) {
    try {
      execFileSync('tmux', ['-S', socketOf(`hark${session}`), 'kill-server'], { stdio: 'ignore' });
    } catch {
      // That session had already ended.
    }
  }
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** Waits until the reading has been heard for a second (the offline voice takes a few to start). */
function untilPlaying<T extends Line>(
  session: string,
  read: (session: string) => T | undefined,
  what: string,
) {
  return waitFor(
    () => {
      const now = read(session);
      return now && seconds(now.elapsed) >= 1 ? now : undefined;
    },
    20_000,
    what,
    session,
  );
}

/**
 * Space pauses and the clock holds for 2.5 s, space again moves it on, + shows 1.1×, and q exits 0 in
 * cooked mode with the line erased. Answers the line shown while paused.
 */
async function pauseSpeedUpAndQuit<T extends Line>(
  session: string,
  read: (session: string) => T | undefined,
): Promise<T> {
  tmux(session, 'send-keys', '-t', session, 'Space');
  await waitFor(() => (read(session)?.paused ? true : undefined), 2000, 'paused', session);
  await sleep(500);
  const paused = read(session) as T;
  await sleep(2500);
  const held = read(session) as T;
  expect(held).toMatchObject({ paused: true, elapsed: paused.elapsed });

  tmux(session, 'send-keys', '-t', session, 'Space');
  await waitFor(
    () => {
      const now = read(session);
      return now && !now.paused && seconds(now.elapsed) > seconds(paused.elapsed) ? true : undefined;
    },
    4000,
    'time moving again',
    session,
  );

  tmux(session, 'send-keys', '-t', session, '+');
  await waitFor(() => (read(session)?.speed === '1.1' ? true : undefined), 2000, 'speed 1.1', session);

  tmux(session, 'send-keys', '-t', session, 'q');
  const exit = await waitFor(() => exitLine(session), 10_000, 'hark to exit', session);
  expect(exit).toEqual({ code: 0, mode: 'cooked' });
  // The line was erased on the way out.
  expect(screen(session)).not.toContain('[q] stop');
  return held;
}

describe('hark speak on a terminal', () => {
  it('shows its place, skips, pauses, changes speed, and q stops with 0 in cooked mode', async () => {
    const session = await startInTmux(['speak', TEXT, '--engine', 'offline']);
    const first = await untilPlaying(session, progress, 'the first sentence playing');
    expect(first).toMatchObject({ sentence: 1, count: 5, speed: '1.0', paused: false });

    tmux(session, 'send-keys', '-t', session, 'Right');
    const sentAt = Date.now();
    await waitFor(() => (progress(session)?.sentence === 2 ? true : undefined), 3000, 'sentence 2', session);
    // Far sooner than the ~5 s the first sentence lasts.
    expect(Date.now() - sentAt).toBeLessThan(3000);
    const jumped = progress(session) as Progress;
    await waitFor(
      () => (seconds(progress(session)?.elapsed ?? '0:00') > seconds(jumped.elapsed) ? true : undefined),
      4000,
      'sentence 2 playing',
      session,
    );

    const held = await pauseSpeedUpAndQuit(session, progress);
    expect(held.sentence).toBe(2);
  }, 60_000);

  it('text piped on stdin is steered from the terminal: pause, speed, and q stops with 0', async () => {
    const session = await startInTmux(['speak', '-', '--engine', 'offline'], TEXT);
    const first = await untilPlaying(session, streamProgress, 'the stream playing');
    expect(first).toMatchObject({ speed: '1.0', paused: false });
    // Its sentences are still arriving: no sentence count and no sentence keys.
    expect(screen(session)).not.toContain('[←/→]');
    await pauseSpeedUpAndQuit(session, streamProgress);
  }, 60_000);

  it('draws nothing and reads no keys when stderr is a pipe', async () => {
    const result = await runHark(['speak', 'Hello there. A second sentence.', '--engine', 'offline'], {
      PATH: `${bin}:/usr/bin:/bin`,
    });
    expect(result).toEqual({ code: 0, stderr: '' });
  }, 30_000);

  it('SIGTERM stops with 143 and gives the terminal back in cooked mode', async () => {
    const session = await startInTmux(['speak', TEXT, '--engine', 'offline']);
    await waitFor(() => progress(session), 20_000, 'the progress line', session);
    const shell = tmux(session, 'list-panes', '-t', session, '-F', '#{pane_pid}').trim();
    // The pane runs the script's shell; hark is its one child (env execs node).
    const children = await readFile(`/proc/${shell}/task/${shell}/children`, 'utf8');
    const harkPid = Number(children.trim().split(/\s+/)[0]);
    process.kill(harkPid, 'SIGTERM');
    const exit = await waitFor(() => exitLine(session), 10_000, 'hark to exit', session);
    expect(exit).toEqual({ code: 143, mode: 'cooked' });
  }, 40_000);

  it('Ctrl-C stops with 130 and gives the terminal back in cooked mode', async () => {
    const session = await startInTmux(['speak', TEXT, '--engine', 'offline']);
    await waitFor(() => progress(session), 20_000, 'the progress line', session);
    tmux(session, 'send-keys', '-t', session, 'C-c');
    const exit = await waitFor(() => exitLine(session), 10_000, 'hark to exit', session);
    expect(exit).toEqual({ code: 130, mode: 'cooked' });
  }, 40_000);
});

function soxSeconds(path: string): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    execFile('sox', ['--i', '-D', path], (error, stdout) =>
      error ? reject(error) : resolvePromise(Number(stdout)),
    );
  });
}

function runHark(
  args: string[],
  extraEnv: NodeJS.ProcessEnv = {},
  stdin?: string,
): Promise<{ code: number; stderr: string }> {
  return new Promise((resolvePromise) => {
    const env: NodeJS.ProcessEnv = { ...process.env, HARK_KEYCHAIN: 'off', ...extraEnv };
    delete env.ELEVENLABS_API_KEY;
    delete env.ELEVENLABS_BASE_URL;
    const child = execFile(
      process.execPath,
      [HARK, ...args],
      { env, cwd: work, timeout: 60_000 },
      (error, _out, stderr) => resolvePromise({ code: error ? Number(error.code ?? 1) : 0, stderr }),
    );
    child.stdin?.end(stdin ?? '');
  });
}

async function harkToFile(args: string[], stdin?: string): Promise<void> {
  const result = await runHark(args, {}, stdin);
  if (result.code !== 0) throw new Error(`hark ${args.join(' ')}: ${result.stderr}`);
}

describe('hark speak --speed', () => {
  /** Seconds of the WAV files `hark speak <source> --out` writes at 1x and at --speed 2. */
  async function atOneAndTwo(source: string, name: string, stdin?: string): Promise<[number, number]> {
    const speak = ['speak', source, '--engine', 'offline'];
    await harkToFile([...speak, '--speed', '1', '--out', `${name}-one.wav`], stdin);
    await harkToFile([...speak, '--speed', '2', '--out', `${name}-two.wav`], stdin);
    return [await soxSeconds(join(work, `${name}-one.wav`)), await soxSeconds(join(work, `${name}-two.wav`))];
  }

  it('--speed 2 writes a WAV file half as long as --speed 1', async () => {
    const [one, two] = await atOneAndTwo('A short text for the file. It has two sentences.', 'text');
    expect(one).toBeGreaterThan(1);
    expect(Math.abs(two / one - 0.5)).toBeLessThan(0.025);
  }, 60_000);

  it('--speed 2 stretches text piped in on stdin too', async () => {
    const text = 'Piped text for the file, as an LLM would write it. It has two sentences as well.';
    const [one, two] = await atOneAndTwo('-', 'pipe', text);
    expect(one).toBeGreaterThan(1);
    expect(Math.abs(two / one - 0.5)).toBeLessThan(0.025);
  }, 60_000);

  it('refuses a speed out of range, and audio it cannot stretch, in one line', async () => {
    const fast = await runHark(['speak', 'Hi', '--engine', 'offline', '--speed', '4', '--out', 'no.wav']);
    expect(fast).toEqual({ code: 1, stderr: 'hark: --speed must be a number from 0.5 to 3 (got "4")\n' });
    const ulaw = await runHark([
      'speak',
      'Hi',
      '--engine',
      'offline',
      '--speed',
      '2',
      '--format',
      'ulaw_8000',
      '--out',
      'u.wav',
    ]);
    expect(ulaw.code).toBe(1);
    expect(ulaw.stderr).toMatch(/^hark: --speed needs pcm audio \(not ulaw_8000\)/);
  });
});
