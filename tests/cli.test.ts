// The built `hark` command line, run for real: node bin/hark.js with the real offline engine, real
// files checked by sox, a real WebSocket client against `hark serve`, and stand-in players/clipboard
// tools (small executables on a private PATH) where the machine has no sound card.
import { execFile, spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

const HARK = resolve('bin/hark.js');
const RUN_TIMEOUT_MS = 60_000;

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

let work: string;
const running = new Set<ChildProcessWithoutNullStreams>();

/** The test's own environment minus anything that would change the CLI's choices. */
function baseEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.ELEVENLABS_API_KEY;
  delete env.ELEVENLABS_BASE_URL;
  delete env.HARK_DEBUG;
  // The user's own keychain must not decide which engine a test uses.
  env.HARK_KEYCHAIN = 'off';
  for (const [key, value] of Object.entries(extra)) env[key] = value;
  return env;
}

function start(args: string[], env: NodeJS.ProcessEnv = baseEnv()): ChildProcessWithoutNullStreams {
  const child = spawn(process.execPath, [HARK, ...args], { env, cwd: work });
  running.add(child);
  child.once('close', () => running.delete(child));
  return child;
}

function finish(child: ChildProcessWithoutNullStreams, timeoutMs = RUN_TIMEOUT_MS): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`hark did not exit within ${timeoutMs} ms; stderr: ${stderr}`));
    }, timeoutMs);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
  });
}

function hark(args: string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<RunResult> {
  const child = start(args, options.env);
  child.stdin.end(options.input ?? '');
  return finish(child);
}

function sox(args: string[]): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile('sox', args, { timeout: 20_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`sox ${args.join(' ')}: ${stderr || error.message}`)) : resolvePromise(stdout),
    );
  });
}

/** `sox --i` fields as a map: "Sample Rate" → "22050", ... */
async function soxInfo(args: string[]): Promise<Map<string, string>> {
  const info = new Map<string, string>();
  for (const line of (await sox(['--i', ...args])).split('\n')) {
    const match = /^([^:]+?)\s*:\s*(.*)$/.exec(line);
    if (match) info.set(match[1] as string, match[2] as string);
  }
  return info;
}

function seconds(duration: string | undefined): number {
  const match = /(\d+):(\d+):([\d.]+)/.exec(duration ?? '');
  if (!match) return NaN;
  return Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3]);
}

/** The one line `hark: ...` on stderr, and nothing else. */
function failureLine(result: RunResult): string {
  expect(result.code).toBe(1);
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^hark: /);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  return lines[0] as string;
}

/**
 * A stand-in for a system player or tool: a Node script on a private PATH that records its arguments
 * and copies stdin into `<name>.out`, so a test can see what hark streamed into it, and when.
 */
async function fakeProgram(dir: string, name: string, body: string): Promise<void> {
  const path = join(dir, name);
  await writeFile(path, `#!${process.execPath}\n${body}\n`);
  await chmod(path, 0o755);
}

const RECORDING_PLAYER = `
const fs = require('node:fs');
const path = require('node:path');
const base = path.join(__dirname, path.basename(__filename));
fs.writeFileSync(base + '.args', JSON.stringify(process.argv.slice(2)));
const out = fs.createWriteStream(base + '.out');
process.stdin.pipe(out);
out.on('finish', () => process.exit(0));
`;

/** A player that writes its whole environment to `<name>.env`, then plays (consumes) stdin. */
const ENV_DUMPING_PLAYER = `
const fs = require('node:fs');
const path = require('node:path');
fs.writeFileSync(path.join(__dirname, path.basename(__filename)) + '.env', JSON.stringify(process.env));
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
`;

/** A key no child may see, under its own name and copied into an unrelated variable. */
const CHILD_SECRET = 'sk_0123456789abcdef_no_child_may_see_this';

/** What a child of hark should see of its parent's environment, and what it must not. */
function childTestEnv(bin: string): NodeJS.ProcessEnv {
  return baseEnv({
    PATH: bin,
    ELEVENLABS_API_KEY: CHILD_SECRET,
    HARK_COPY_OF_THE_KEY: CHILD_SECRET,
    SOME_UNRELATED_SETTING: 'anything',
    HOME: bin,
    XDG_RUNTIME_DIR: bin,
    PULSE_SERVER: 'unix:/nowhere/pulse',
    DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nowhere/bus',
    DISPLAY: ':7',
    WAYLAND_DISPLAY: '',
    LANG: 'C.UTF-8',
    LC_MESSAGES: 'C',
    ALSA_CARD: 'Loopback',
  });
}

/** The child saw what it needs and nothing holding the key. */
async function expectChildEnvironment(file: string, bin: string): Promise<void> {
  const seen = JSON.parse(await readFile(file, 'utf8')) as Record<string, string>;
  expect(Object.keys(seen)).not.toContain('ELEVENLABS_API_KEY');
  expect(Object.keys(seen)).not.toContain('HARK_COPY_OF_THE_KEY');
  expect(Object.keys(seen)).not.toContain('SOME_UNRELATED_SETTING');
  expect(Object.values(seen).filter((value) => value.includes(CHILD_SECRET))).toEqual([]);
  expect(seen).toMatchObject({
    PATH: bin,
    HOME: bin,
    XDG_RUNTIME_DIR: bin,
    PULSE_SERVER: 'unix:/nowhere/pulse',
    DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nowhere/bus',
    DISPLAY: ':7',
    LANG: 'C.UTF-8',
    LC_MESSAGES: 'C',
    ALSA_CARD: 'Loopback',
  });
}

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 50));
  }
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

interface Served {
  child: ChildProcessWithoutNullStreams;
  ready: { url: string; token: string; port: number };
  result: Promise<RunResult>;
}

async function serve(args: string[] = []): Promise<Served> {
  const child = start(['serve', ...args]);
  const result = finish(child);
  let buffered = '';
  const line = await new Promise<string>((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error('hark serve printed nothing')), 20_000);
    child.stdout.on('data', (text: string) => {
      buffered += text;
      const end = buffered.indexOf('\n');
      if (end !== -1) {
        clearTimeout(timer);
        resolvePromise(buffered.slice(0, end));
      }
    });
  });
  return { child, ready: JSON.parse(line) as Served['ready'], result };
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'hark-cli-'));
});

afterEach(() => {
  for (const child of running) child.kill('SIGKILL');
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('hark --log-path', () => {
  it("prints the desktop app's log file under $XDG_CONFIG_HOME, else ~/.config, and exits 0", async () => {
    const home = join(work, 'home-of-ada');
    const config = join(work, 'config-of-ada');
    const fromXdg = await hark(['--log-path'], { env: baseEnv({ HOME: home, XDG_CONFIG_HOME: config }) });
    expect(fromXdg).toMatchObject({ code: 0, stderr: '' });
    expect(fromXdg.stdout).toBe(`${join(config, 'Hark', 'logs', 'hark.log')}\n`);

    const env = baseEnv({ HOME: home });
    delete env.XDG_CONFIG_HOME;
    const fromHome = await hark(['--log-path'], { env });
    expect(fromHome).toMatchObject({
      code: 0,
      stdout: `${join(home, '.config', 'Hark', 'logs', 'hark.log')}\n`,
    });
  });

  it('refuses an argument after it', async () => {
    const result = await hark(['--log-path', 'speak']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('hark: hark --log-path takes no argument "speak"\n');
  });
});

describe('hark speak --out', () => {
  it('writes a WAV file whose header sizes match its data', async () => {
    const file = join(work, 'hello.wav');
    const result = await hark([
      'speak',
      'Hello from Hark. This is a test of the offline voice.',
      '--out',
      file,
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const info = await soxInfo([file]);
    expect(info.get('Sample Rate')).toBe('22050');
    expect(info.get('Channels')).toBe('1');
    expect(info.get('Sample Encoding')).toMatch(/16-bit Signed Integer PCM/);
    expect(seconds(info.get('Duration'))).toBeGreaterThan(1);
    const bytes = await readFile(file);
    expect(bytes.readUInt32LE(4)).toBe(bytes.length - 8);
    expect(bytes.readUInt32LE(40)).toBe(bytes.length - 44);
    const leftovers = (await readdir(work)).filter((name) => name.endsWith('.part'));
    expect(leftovers).toEqual([]);
  });

  it('writes an MP3 file', async () => {
    const file = join(work, 'hello.mp3');
    const result = await hark(['speak', 'An MP3 file, written by Hark.', '--out', file]);
    expect(result.code).toBe(0);
    const info = await soxInfo([file]);
    expect(info.get('Sample Encoding')).toMatch(/MPEG audio/);
    expect(seconds(info.get('Duration'))).toBeGreaterThan(0.8);
  });

  it('writes raw PCM, and μ-law WAV when asked with --format', async () => {
    const pcm = join(work, 'hello.pcm');
    expect((await hark(['speak', 'Raw samples.', '--out', pcm])).code).toBe(0);
    const size = await sizeOf(pcm);
    expect(size % 2).toBe(0);
    // Raw samples carry no header: sox reads them as told, and converts them to a WAV it can describe.
    const converted = join(work, 'hello-from-pcm.wav');
    await sox(['-t', 'raw', '-r', '22050', '-e', 'signed', '-b', '16', '-c', '1', pcm, converted]);
    const raw = await soxInfo([converted]);
    expect(raw.get('Sample Rate')).toBe('22050');
    expect(seconds(raw.get('Duration'))).toBeCloseTo(size / 2 / 22050, 1);
    expect(seconds(raw.get('Duration'))).toBeGreaterThan(0.5);

    const ulaw = join(work, 'hello-ulaw.wav');
    expect((await hark(['speak', 'Telephone quality.', '--out', ulaw, '--format', 'ulaw_8000'])).code).toBe(
      0,
    );
    const info = await soxInfo([ulaw]);
    expect(info.get('Sample Rate')).toBe('8000');
    expect(info.get('Sample Encoding')).toMatch(/u-law/);
  });

  it('reads the clipboard through the platform tool', async () => {
    const bin = await mkdtemp(join(work, 'clip-'));
    await fakeProgram(bin, 'xclip', `process.stdout.write('Text from the clipboard.');`);
    const file = join(work, 'clipboard.wav');
    const result = await hark(['speak', '--clipboard', '--out', file], {
      env: baseEnv({ PATH: bin, WAYLAND_DISPLAY: '' }),
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(seconds((await soxInfo([file])).get('Duration'))).toBeGreaterThan(0.8);
  });

  it('gives the clipboard tool the session it needs but never the API key', async () => {
    const bin = await mkdtemp(join(work, 'clip-env-'));
    await fakeProgram(
      bin,
      'xclip',
      `require('node:fs').writeFileSync(__filename + '.env', JSON.stringify(process.env));
process.stdout.write('Text from the clipboard.');`,
    );
    const result = await hark(
      ['speak', '--clipboard', '--engine', 'offline', '--out', join(work, 'clip-env.wav')],
      { env: childTestEnv(bin) },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    await expectChildEnvironment(join(bin, 'xclip.env'), bin);
  });
});

describe('hark speak through a player', () => {
  it('gives the player the session it needs but never the API key', async () => {
    const bin = await mkdtemp(join(work, 'player-env-'));
    await fakeProgram(bin, 'paplay', ENV_DUMPING_PLAYER);
    const result = await hark(['speak', 'A short sentence.', '--engine', 'offline'], {
      env: childTestEnv(bin),
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    await expectChildEnvironment(join(bin, 'paplay.env'), bin);
  });

  it('streams stdin into the player as it arrives, before stdin ends', async () => {
    const bin = await mkdtemp(join(work, 'player-'));
    await fakeProgram(bin, 'paplay', RECORDING_PLAYER);
    const played = join(bin, 'paplay.out');
    const child = start(['speak', '-'], baseEnv({ PATH: bin }));
    const result = finish(child);
    child.stdin.write('The first sentence arrives on its own. ');
    // Audio for the first sentence reaches the player while stdin is still open.
    const early = await waitFor(
      async () => ((await sizeOf(played)) > 0 ? sizeOf(played) : undefined),
      20_000,
      'audio',
    );
    expect(child.exitCode).toBeNull();
    child.stdin.end('And then a second one, after a pause.');
    const done = await result;
    expect(done.stderr).toBe('');
    expect(done.code).toBe(0);
    expect(await sizeOf(played)).toBeGreaterThan(early);
    const args = JSON.parse(await readFile(join(bin, 'paplay.args'), 'utf8')) as string[];
    expect(args).toEqual(expect.arrayContaining(['--raw', '--format=s16le', '--rate=22050', '--channels=1']));
  });

  it('says which players it looked for when none exists', async () => {
    const empty = await mkdtemp(join(work, 'empty-'));
    const line = failureLine(await hark(['speak', 'Hello'], { env: baseEnv({ PATH: empty }) }));
    expect(line).toMatch(/no audio player found \(looked for paplay, aplay, ffplay, afplay on PATH\)/);
    expect(line).toMatch(/--out/);
  });

  it('stops at once on Ctrl-C with exit status 130', async () => {
    const bin = await mkdtemp(join(work, 'interrupt-'));
    await fakeProgram(bin, 'aplay', RECORDING_PLAYER);
    const child = start(['speak', '-'], baseEnv({ PATH: bin }));
    const result = finish(child, 10_000);
    child.stdin.write('A long reading that the listener stops early. '.repeat(20));
    await waitFor(
      async () => ((await sizeOf(join(bin, 'aplay.out'))) > 0 ? true : undefined),
      20_000,
      'audio',
    );
    const interruptedAt = Date.now();
    child.kill('SIGINT');
    const done = await result;
    expect(done.code).toBe(130);
    expect(Date.now() - interruptedAt).toBeLessThan(5_000);
    expect(done.stderr).toBe('');
  });
});

describe('hark serve', () => {
  it('prints one JSON line, serves a WebSocket client, and stops cleanly on SIGINT', async () => {
    const served = await serve(['--token', 'test-token-123']);
    expect(served.ready).toEqual({
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      token: 'test-token-123',
      port: expect.any(Number),
    });
    const url = `${served.ready.url.replace('http', 'ws')}/v1/text-to-speech/en-us/stream-input?output_format=pcm_22050`;
    const socket = new WebSocket(url, { headers: { 'xi-api-key': served.ready.token } });
    const frames: Record<string, unknown>[] = [];
    const closed = new Promise<number>((resolvePromise, reject) => {
      socket.on('error', reject);
      socket.on('close', (code) => resolvePromise(code));
    });
    socket.on('message', (data) => frames.push(JSON.parse(data.toString()) as Record<string, unknown>));
    socket.on('open', () => {
      socket.send(JSON.stringify({ text: ' ' }));
      socket.send(JSON.stringify({ text: 'Hello over the socket. ' }));
      socket.send(JSON.stringify({ text: '' }));
    });
    expect(await closed).toBe(1000);
    const audio = frames.filter((frame) => typeof frame.audio === 'string' && frame.audio.length > 0);
    expect(audio.length).toBeGreaterThan(0);
    expect(frames.at(-1)).toMatchObject({ isFinal: true });

    served.child.kill('SIGINT');
    const done = await served.result;
    expect(done.code).toBe(0);
    expect(done.stdout.trim().split('\n')).toHaveLength(1);
  });

  it('generates a token when none is given', async () => {
    const served = await serve();
    expect(served.ready.token.length).toBeGreaterThanOrEqual(16);
    served.child.kill('SIGTERM');
    expect((await served.result).code).toBe(0);
  });

  it('serves `hark speak --engine elevenlabs` pointed at it with its token as the key', async () => {
    const served = await serve();
    const file = join(work, 'via-serve.wav');
    const env = baseEnv({ ELEVENLABS_API_KEY: served.ready.token });
    const args = [
      'speak',
      'Through the cloud client path.',
      '--engine',
      'elevenlabs',
      '--base-url',
      served.ready.url,
    ];
    const result = await hark([...args, '--voice', 'en-us', '--out', file], { env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    // The ElevenLabs default for WAV is 24 kHz; the offline server resamples to what was asked.
    expect((await soxInfo([file])).get('Sample Rate')).toBe('24000');

    const voices = await hark(['voices', '--engine', 'elevenlabs', '--base-url', served.ready.url], { env });
    expect(voices.code).toBe(0);
    expect(voices.stdout).toMatch(/^en-us\s/m);

    const wrongKey = 'wrong-key-that-must-not-be-printed';
    const rejected = await hark([...args, '--voice', 'en-us', '--out', join(work, 'x.wav')], {
      env: baseEnv({ ELEVENLABS_API_KEY: wrongKey }),
    });
    expect(failureLine(rejected)).toMatch(/API key was rejected/);
    expect(rejected.stderr + rejected.stdout).not.toContain(wrongKey);

    served.child.kill('SIGINT');
    expect((await served.result).code).toBe(0);
  });
});

describe('hark voices', () => {
  it('lists the offline voices, en-us among them', async () => {
    const result = await hark(['voices']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^en-us\s+\S/m);
    const json = await hark(['voices', '--json']);
    const list = JSON.parse(json.stdout) as { voiceId: string }[];
    expect(list.map((voice) => voice.voiceId)).toContain('en-us');
  });
});

describe('failures: one line, exit status 1', () => {
  it('rejects bad flags and unknown engines', async () => {
    expect(failureLine(await hark(['speak', 'Hi', '--loudly']))).toMatch(/unknown option --loudly/);
    expect(failureLine(await hark(['speak', 'Hi', '--engine', 'robot']))).toMatch(/unknown engine "robot"/);
    expect(failureLine(await hark(['shout']))).toMatch(/unknown command "shout"/);
  });

  it('names an unknown voice', async () => {
    const line = failureLine(
      await hark(['speak', 'Hi', '--voice', 'xx-nope', '--out', join(work, 'nope.wav')]),
    );
    expect(line).toMatch(/voice/i);
    expect(line).toMatch(/xx-nope/);
    expect(await sizeOf(join(work, 'nope.wav'))).toBe(0);
  });

  it('says so when stdin brings no text, and leaves no file', async () => {
    const file = join(work, 'empty.wav');
    const line = failureLine(await hark(['speak', '-', '--out', file], { input: ' \n' }));
    expect(line).toBe('hark: nothing to read: stdin was empty');
    expect(await sizeOf(file)).toBe(0);
  });

  it('asks for a key when --engine elevenlabs has none', async () => {
    const line = failureLine(
      await hark(['speak', 'Hi', '--engine', 'elevenlabs', '--out', join(work, 'k.wav')]),
    );
    expect(line).toMatch(/no ElevenLabs API key: set ELEVENLABS_API_KEY/);
  });

  it('tells how to build when the built CLI is missing', async () => {
    const copy = join(work, 'unbuilt');
    await mkdir(join(copy, 'bin'), { recursive: true });
    await copyFile(HARK, join(copy, 'bin', 'hark.js'));
    const child = spawn(process.execPath, [join(copy, 'bin', 'hark.js'), 'speak', 'Hi'], { env: baseEnv() });
    running.add(child);
    child.stdin.end();
    const result = await finish(child);
    expect(failureLine(result)).toMatch(/npm run build/);
  });
});
