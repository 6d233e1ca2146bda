import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_KEPT_LOGS,
  DEFAULT_MAX_LOG_BYTES,
  MAX_LOG_LINE_CHARS,
  formatLogLine,
  logFilePath,
  openLogFile,
  rotatedLogPath,
} from './log-file';
import type { LogFile } from './log-file';
import { createRedactingLogger, REDACTED } from './redact';

const FIXED = new Date('2026-03-04T05:06:07.089Z');

let dir: string;
const opened: LogFile[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hark-log-'));
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((file) => file.close()));
  await rm(dir, { recursive: true, force: true });
});

function open(options: Partial<Parameters<typeof openLogFile>[0]> = {}): LogFile {
  const file = openLogFile({ path: logFilePath(dir), now: () => FIXED, ...options });
  opened.push(file);
  return file;
}

async function lines(path: string): Promise<string[]> {
  return (await readFile(path, 'utf8')).split('\n').filter(Boolean);
}

describe('the log file', () => {
  it('lives in <userData>/logs/hark.log, rotated at 1 MB with three old files by default', () => {
    expect(logFilePath('/home/ada/.config/Hark')).toBe('/home/ada/.config/Hark/logs/hark.log');
    expect(DEFAULT_MAX_LOG_BYTES).toBe(1024 * 1024);
    expect(DEFAULT_KEPT_LOGS).toBe(3);
  });

  it('creates its folder and appends each line with time and level, in order', async () => {
    const file = open();
    expect(existsSync(join(dir, 'logs'))).toBe(false);
    file.write('info', 'first');
    file.write('warn', 'second');
    file.write('error', 'third\n    at somewhere (file.ts:1:2)');
    await file.flush();
    expect(await readFile(file.path, 'utf8')).toBe(
      '2026-03-04T05:06:07.089Z [info] first\n' +
        '2026-03-04T05:06:07.089Z [warn] second\n' +
        '2026-03-04T05:06:07.089Z [error] third\n    at somewhere (file.ts:1:2)\n',
    );
    // Later lines go after the earlier ones, also after a pause.
    file.write('info', 'fourth');
    await file.flush();
    expect((await lines(file.path)).at(-1)).toBe('2026-03-04T05:06:07.089Z [info] fourth');
  });

  it('keeps the lines of an earlier session', async () => {
    const first = open();
    first.write('info', 'yesterday');
    await first.close();
    const second = open();
    second.write('info', 'today');
    await second.flush();
    expect((await lines(second.path)).map((line) => line.split('] ')[1])).toEqual(['yesterday', 'today']);
  });

  it('is readable by its owner only', async () => {
    const file = open();
    file.write('info', 'private');
    await file.flush();
    expect((await stat(file.path)).mode & 0o077).toBe(0);
  });

  it('rotates before a write would pass the limit, keeping the newest old files', async () => {
    // Each line is 100 bytes (33 of time, level and newline); five fit into 500.
    const file = open({ maxBytes: 500, keep: 2 });
    const line = (n: number): string => `line ${String(n).padStart(3, '0')} `.padEnd(100 - 33, '.');
    expect(formatLogLine(FIXED, 'info', line(0))).toHaveLength(100);
    for (let n = 0; n < 17; n++) {
      file.write('info', line(n));
      // One at a time, so each write meets the size check on its own.
      await file.flush();
    }
    const numbers = async (path: string) =>
      (await lines(path)).map((text) => Number(/line (\d+)/.exec(text)?.[1]));
    expect(await numbers(file.path)).toEqual([15, 16]);
    expect(await numbers(rotatedLogPath(file.path, 1))).toEqual([10, 11, 12, 13, 14]);
    expect(await numbers(rotatedLogPath(file.path, 2))).toEqual([5, 6, 7, 8, 9]);
    // Lines 0-4 were the oldest file, dropped when a third would have been kept.
    expect((await readdir(join(dir, 'logs'))).sort()).toEqual(['hark.log', 'hark.log.1', 'hark.log.2']);
    for (const path of [file.path, rotatedLogPath(file.path, 1)]) {
      expect((await stat(path)).size).toBeLessThanOrEqual(500);
    }
  });

  it('rotates a file that was already over the limit when the app started', async () => {
    await mkdir(join(dir, 'logs'));
    await writeFile(logFilePath(dir), 'x'.repeat(2000));
    const file = open({ maxBytes: 1000 });
    file.write('info', 'fresh start');
    await file.flush();
    expect(await lines(file.path)).toEqual(['2026-03-04T05:06:07.089Z [info] fresh start']);
    expect((await stat(rotatedLogPath(file.path, 1))).size).toBe(2000);
  });

  it('with nothing to keep, starts over when full', async () => {
    const file = open({ maxBytes: 120, keep: 0 });
    file.write('info', 'a'.repeat(60));
    await file.flush();
    file.write('info', 'b'.repeat(60));
    await file.flush();
    expect((await lines(file.path)).map((text) => text.at(-1))).toEqual(['b']);
    expect(await readdir(join(dir, 'logs'))).toEqual(['hark.log']);
  });

  it('cuts a huge line, saying how much was left out', async () => {
    const file = open();
    file.write('error', 'y'.repeat(MAX_LOG_LINE_CHARS + 500));
    await file.flush();
    const [line] = await lines(file.path);
    expect(line?.endsWith('… (500 more characters)')).toBe(true);
    expect(line?.length).toBeLessThan(MAX_LOG_LINE_CHARS + 100);
  });

  it('batches lines written together and returns before they are on disk', async () => {
    const file = open();
    for (let n = 0; n < 1000; n++) file.write('info', `burst ${n}`);
    // write() only queued them: nothing is in the file yet, nothing waited for the disk.
    expect(existsSync(file.path)).toBe(false);
    await file.flush();
    const written = await lines(file.path);
    expect(written).toHaveLength(1000);
    expect(written[999]).toContain('burst 999');
  });

  it('never writes a secret that a log call carries: the redaction sits in front of it', async () => {
    const key = 'sk_0123456789abcdef0123456789abcdef0123456789abcdef';
    const file = open();
    const log = createRedactingLogger(file.write, () => [key]);
    log.error('The request failed:', new Error(`401 for xi-api-key: ${key}`));
    log.warn('Retrying with', { headers: { 'xi-api-key': key }, url: `wss://x.invalid/?k=${key}` });
    log.info(`plain ${key}`);
    await file.flush();
    const text = await readFile(file.path, 'utf8');
    expect(text).not.toContain(key);
    expect(text).not.toContain(key.slice(3, 20));
    expect(text.split(REDACTED).length - 1).toBeGreaterThanOrEqual(4);
    expect(text).toContain('The request failed:');
  });

  it('gives up once, without throwing, when its folder cannot be written', async () => {
    // A file where the folder should be: mkdir fails (ENOTDIR/EEXIST) for every user, root too.
    const blocker = join(dir, 'not-a-folder');
    await writeFile(blocker, '');
    const failures: unknown[] = [];
    const file = openLogFile({
      path: join(blocker, 'logs', 'hark.log'),
      onFailure: (error) => failures.push(error),
    });
    opened.push(file);
    expect(() => file.write('error', 'nobody will read this')).not.toThrow();
    await file.flush();
    file.write('error', 'nor this');
    await file.flush();
    expect(failures).toHaveLength(1);
    expect((failures[0] as NodeJS.ErrnoException).code).toMatch(/^(ENOTDIR|EEXIST)$/);
    expect(await readFile(blocker, 'utf8')).toBe('');
  });

  it('a failing report does not make logging throw', async () => {
    await writeFile(join(dir, 'blocked'), '');
    const file = openLogFile({
      path: join(dir, 'blocked', 'hark.log'),
      onFailure: () => {
        throw new Error('the report itself broke');
      },
    });
    opened.push(file);
    file.write('warn', 'x');
    await expect(file.flush()).resolves.toBeUndefined();
  });

  it('writes what is still queued when the process exits', async () => {
    // A real process that logs and exits at once, before any asynchronous write could run.
    const module = fileURLToPath(new URL('./log-file.ts', import.meta.url));
    const path = logFilePath(dir);
    const script = [
      `const { openLogFile } = require(${JSON.stringify(module)});`,
      `const file = openLogFile({ path: ${JSON.stringify(path)} });`,
      `file.write('error', 'last words');`,
      `process.exit(3);`,
    ].join('\n');
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], {
        stdio: 'inherit',
      });
      child.once('error', reject);
      child.once('exit', resolve);
    });
    expect(code).toBe(3);
    expect(await lines(path)).toEqual([expect.stringMatching(/^\S+Z \[error\] last words$/)]);
  });
});
