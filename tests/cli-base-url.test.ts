// The built `hark` command line, run for real, with an API key in its environment and a server
// address that is not ElevenLabs' own: it must refuse before connecting unless --trust-base-url
// says the key may go there. A loopback TCP listener counts whether hark connected at all.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const HARK = resolve('bin/hark.js');
const KEY = 'sk_0123456789abcdef_for_elevenlabs_only';
const ATTACKER = 'https://attacker.invalid';

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'hark-cli-base-url-'));
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** The test's environment with a key, and nothing else that would change the CLI's choices. */
function envWith(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ELEVENLABS_API_KEY: KEY, HARK_KEYCHAIN: 'off' };
  delete env.ELEVENLABS_BASE_URL;
  delete env.HARK_DEBUG;
  return { ...env, ...extra };
}

function hark(args: string[], env: NodeJS.ProcessEnv = envWith()): Promise<RunResult> {
  const child = spawn(process.execPath, [HARK, ...args], { env, cwd: work });
  child.stdin.end();
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`hark did not exit in time; stderr: ${stderr}`));
    }, 60_000);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

/** The one line `hark: ...` on stderr of a failed run, without the key. */
function failureLine(result: RunResult): string {
  expect(result.code).toBe(1);
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(result.stdout + result.stderr).not.toContain(KEY);
  return lines[0] as string;
}

const speak = (baseUrl: string, ...more: string[]): string[] => [
  'speak',
  'Hi',
  '--engine',
  'elevenlabs',
  '--base-url',
  baseUrl,
  '--out',
  join(work, 'never.wav'),
  ...more,
];

describe('hark with a server that is not ElevenLabs', () => {
  it('--base-url: refused in one line, unless --trust-base-url', async () => {
    expect(failureLine(await hark(speak(ATTACKER)))).toBe(
      'hark: --base-url https://attacker.invalid is not an ElevenLabs server; add --trust-base-url to send your API key there',
    );
    // With the flag hark goes on and fails only on the name that does not resolve.
    expect(failureLine(await hark(speak(ATTACKER, '--trust-base-url')))).toMatch(/could not be resolved/);
  });

  it('ELEVENLABS_BASE_URL: the same', async () => {
    const env = envWith({ ELEVENLABS_BASE_URL: `wss://attacker.invalid/v1` });
    const args = ['speak', 'Hi', '--engine', 'elevenlabs', '--out', join(work, 'never.wav')];
    expect(failureLine(await hark(args, env))).toMatch(
      /^hark: ELEVENLABS_BASE_URL https:\/\/attacker\.invalid is not an ElevenLabs server; add --trust-base-url/,
    );
    expect(failureLine(await hark([...args, '--trust-base-url'], env))).toMatch(/could not be resolved/);
  });

  it('hark voices: the same', async () => {
    const args = ['voices', '--engine', 'elevenlabs', '--base-url', ATTACKER];
    expect(failureLine(await hark(args))).toMatch(/is not an ElevenLabs server; add --trust-base-url/);
    expect(failureLine(await hark([...args, '--trust-base-url']))).toMatch(/could not be resolved/);
  });

  // 0.0.0.0 is no loopback name, yet on Linux a connection to it reaches this machine's listener:
  // so the test can count whether hark connected at all.
  it.runIf(process.platform === 'linux')('connects nowhere without the flag, and only with it', async () => {
    let connections = 0;
    const server: Server = createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    try {
      const url = `http://0.0.0.0:${(server.address() as AddressInfo).port}`;
      expect(failureLine(await hark(speak(url)))).toMatch(/is not an ElevenLabs server/);
      expect(connections).toBe(0);
      const trusted = await hark(speak(url, '--trust-base-url'));
      expect(trusted.code).toBe(1);
      expect(trusted.stderr).not.toMatch(/is not an ElevenLabs server/);
      expect(connections).toBeGreaterThan(0);
    } finally {
      await new Promise<void>((done) => server.close(() => done()));
    }
  });

  it('ElevenLabs regions and this computer need no flag', async () => {
    const result = await hark(['speak', '--help']);
    expect(result.stdout).toMatch(/--trust-base-url/);
    // A loopback address with nothing listening: the connection is tried (and refused).
    expect(failureLine(await hark(speak('http://127.0.0.1:9')))).not.toMatch(/ElevenLabs server/);
  });
});
