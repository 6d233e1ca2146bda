// The launch rule on every kind of argv, and the command line run inside the app for real: the real
// CLI module in a separate Node process whose "app" (Electron's, injected) only records the exit.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { version } from '../../package.json';
import { LAUNCH_CASES } from '../../tests/helpers/launch-cases';
import { parseArgs } from '../cli/args';
import { helpText } from '../cli/help';
import { CLI_FLAGS, launchModeFor, runCliInApp, userArguments } from './cli-dispatch';
import { INSTANCE_COMMANDS } from './single-instance';

const PACKAGED = '/opt/Hark/hark';

describe('launchModeFor', () => {
  it.each(LAUNCH_CASES)('$args is the $kind', ({ args, kind }) => {
    const mode = launchModeFor([PACKAGED, ...args], false);
    expect(mode.kind).toBe(kind);
    if (mode.kind === 'cli') expect(mode.args).toEqual(args);
  });

  it('skips the app folder in development (electron <folder> ...)', () => {
    expect(userArguments(['electron', '/src/hark', 'speak', 'Hi'], true)).toEqual(['speak', 'Hi']);
    expect(launchModeFor(['electron', '/src/hark'], true)).toEqual({ kind: 'app' });
    expect(launchModeFor(['electron', '/src/hark', 'voices'], true)).toEqual({
      kind: 'cli',
      args: ['voices'],
    });
    // Packaged, the same argv would be a command line (the folder is the first word).
    expect(launchModeFor(['electron', '/src/hark'], false).kind).toBe('cli');
  });

  it('looks past the --no-sandbox that the AppImage launcher may add, and drops it', () => {
    expect(launchModeFor([PACKAGED, '--no-sandbox', 'speak', 'Hi'], false)).toEqual({
      kind: 'cli',
      args: ['speak', 'Hi'],
    });
    expect(launchModeFor([PACKAGED, '--no-sandbox'], false)).toEqual({ kind: 'app' });
    expect(launchModeFor([PACKAGED, '--no-sandbox', '--read-clipboard'], false)).toEqual({ kind: 'app' });
  });

  it('sends every single-instance command to the app', () => {
    for (const command of INSTANCE_COMMANDS) {
      expect(launchModeFor([PACKAGED, `--${command}`], false), command).toEqual({ kind: 'app' });
    }
  });

  it('knows every top-level option the CLI documents and accepts', () => {
    const documented = [...helpText().matchAll(/^\s+hark (-[\w-]+)/gm)].map((match) => match[1]);
    expect(documented.length).toBeGreaterThan(0);
    for (const flag of documented) expect(CLI_FLAGS, String(flag)).toContain(flag);
    for (const flag of CLI_FLAGS) expect(() => parseArgs([flag]), flag).not.toThrow();
  });
});

describe('runCliInApp', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hark-cli-in-app-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Runs runCliInApp with the real CLI in a fresh Node; its app.exit prints a marker, then exits. */
  async function runInApp(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const script = join(dir, `run-${Math.random().toString(36).slice(2)}.ts`);
    await writeFile(
      script,
      [
        `import { runCliInApp } from ${JSON.stringify(resolve('main/desktop/cli-dispatch.ts'))};`,
        `const app = { exit(code: number) { process.stderr.write('[app.exit ' + code + ']'); process.exit(code); } };`,
        `void runCliInApp(${JSON.stringify(args)}, { app, process, loadCli: () => import(${JSON.stringify(resolve('main/cli.ts'))}) });`,
        // Electron's main process never ends by itself; neither does this one.
        'setInterval(() => undefined, 1000);',
      ].join('\n'),
    );
    return new Promise((done) => {
      const env: NodeJS.ProcessEnv = { ...process.env, HARK_KEYCHAIN: 'off' };
      delete env.ELEVENLABS_API_KEY;
      execFile(
        process.execPath,
        ['--import', 'tsx', script],
        { env, timeout: 30_000 },
        (error, stdout, stderr) => done({ code: error ? (error.code as number | null) : 0, stdout, stderr }),
      );
    });
  }

  it('runs a command and ends the app with its status, output flushed first', async () => {
    const result = await runInApp(['--version']);
    expect(result.stdout).toBe(`hark ${version}\n`);
    expect(result.stderr).toContain('[app.exit 0]');
    expect(result.code).toBe(0);
  });

  it('ends with the failure status and the message of a wrong command line', async () => {
    const result = await runInApp(['speak']);
    expect(result.stderr).toMatch(/^hark: nothing to read.*\n\[app\.exit 1\]$/s);
    expect(result.code).toBe(1);
  });

  it('reports a command line that cannot be loaded and exits 1', async () => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let written = '';
    stderr.on('data', (chunk: Buffer) => (written += chunk.toString()));
    const exits: number[] = [];
    await runCliInApp(['voices'], {
      app: { exit: (code) => exits.push(code) },
      loadCli: () => Promise.reject(new Error('Cannot find module ./cli')),
      process: { exitCode: undefined, stdout, stderr } as unknown as NodeJS.Process,
    });
    expect(written).toBe('hark: Cannot find module ./cli\n');
    expect(exits).toEqual([1]);
  });
});
