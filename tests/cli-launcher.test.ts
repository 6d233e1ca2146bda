// The deb's /usr/bin/hark (build/linux/hark), run for real by /bin/sh in a made-up install root whose
// app executable is a small recorder: it tells which launches become the command line (run as Node,
// ELECTRON_RUN_AS_NODE=1, on the packaged bin/hark.js) and which go to the app, on the same table as
// the executable's own rule (main/desktop/cli-dispatch.ts). The real package runs it in
// tests/packaging.test.ts (npm run package:check).
import { execFile } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchModeFor } from '../main/desktop/cli-dispatch';
import { LAUNCH_CASES } from './helpers/launch-cases';

let root: string;
let appDir: string;

/** Prints ELECTRON_RUN_AS_NODE, then one argument a line. */
const RECORDER = [
  '#!/bin/sh',
  'echo "RUN_AS_NODE=${ELECTRON_RUN_AS_NODE:-}"',
  'for a in "$@"; do echo "$a"; done',
  'exit 7',
  '',
].join('\n');

beforeAll(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), 'hark-launcher-')));
  appDir = join(root, 'opt', 'Hark');
  await mkdir(join(root, 'usr', 'bin'), { recursive: true });
  await mkdir(appDir, { recursive: true });
  await copyFile(resolve('build/linux/hark'), join(root, 'usr', 'bin', 'hark'));
  await chmod(join(root, 'usr', 'bin', 'hark'), 0o755);
  await writeFile(join(appDir, 'hark'), RECORDER);
  await chmod(join(appDir, 'hark'), 0o755);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

interface Launch {
  code: number | null;
  runAsNode: string;
  args: string[];
}

function launch(command: string, args: string[]): Promise<Launch> {
  return new Promise((done, fail) => {
    const env = { ...process.env };
    delete env.ELECTRON_RUN_AS_NODE;
    execFile(command, args, { env, timeout: 10_000 }, (error, stdout) => {
      if (error && typeof error.code !== 'number') return fail(error);
      const [first = '', ...rest] = stdout.replace(/\n$/, '').split('\n');
      done({ code: error ? (error.code as number) : 0, runAsNode: first, args: stdout === '' ? [] : rest });
    });
  });
}

describe('build/linux/hark', () => {
  it.each(LAUNCH_CASES)('$args is the $kind', async ({ args, kind }) => {
    const result = await launch(join(root, 'usr', 'bin', 'hark'), args);
    // The recorder's exit status comes back: the launcher exec'd it.
    expect(result.code).toBe(7);
    if (kind === 'cli') {
      expect(result.runAsNode).toBe('RUN_AS_NODE=1');
      expect(resolve(result.args[0] ?? '')).toBe(join(appDir, 'resources', 'app.asar', 'bin', 'hark.js'));
      expect(result.args.slice(1)).toEqual(args);
    } else {
      expect(result.runAsNode).toBe('RUN_AS_NODE=');
      expect(result.args).toEqual(args);
    }
    // The executable's own rule agrees.
    expect(launchModeFor(['/opt/Hark/hark', ...args], false).kind).toBe(kind);
  });

  it('finds the app through a link to itself (a user’s ~/bin/hark)', async () => {
    const link = join(root, 'my-hark');
    await symlink(join(root, 'usr', 'bin', 'hark'), link);
    const result = await launch(link, ['voices']);
    expect(result.runAsNode).toBe('RUN_AS_NODE=1');
    expect(resolve(result.args[0] ?? '')).toBe(join(appDir, 'resources', 'app.asar', 'bin', 'hark.js'));
    expect(result.args.slice(1)).toEqual(['voices']);
  });
});
