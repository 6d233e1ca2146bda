// The app's logging as boot wires it: the redacting logger in front of the real log file and stderr,
// the crash reporter, and the log folder handed to the file manager (Electron's parts stand in).
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REDACTED } from '../../store/redact';
import type { LogLevel } from '../../store/redact';
import type { ElectronMain } from './electron';
import { setupCrashReports, setupLogging, setupTroubleshooting } from './paths-and-logging';
import type { Logging } from './paths-and-logging';

const KEY = 'sk_a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718';

let dir: string;
const started: Logging[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hark-logging-'));
});

afterEach(async () => {
  await Promise.all(started.splice(0).map(({ file }) => file.close()));
  await rm(dir, { recursive: true, force: true });
});

function logging(logFile: string, env: NodeJS.ProcessEnv = {}) {
  const stderr: string[] = [];
  const write = (level: LogLevel, line: string): void => void stderr.push(`${level}: ${line}`);
  const result = setupLogging({ knownSecrets: () => [KEY] }, { logFile }, { write, env });
  started.push(result);
  return { ...result, stderr };
}

describe('setupLogging', () => {
  it('writes info and above to the log file, secrets redacted on the way', async () => {
    const path = join(dir, 'logs', 'hark.log');
    const { log, file, stderr } = logging(path);
    log.info('Reading started');
    log.error('The request failed:', new Error(`rejected key ${KEY}`));
    log.debug('not kept without HARK_LOG=debug');
    await file.flush();
    const text = await readFile(path, 'utf8');
    expect(text).toContain('[info] Reading started');
    expect(text).toContain(`[error] The request failed: Error: rejected key ${REDACTED}`);
    expect(text).not.toContain(KEY);
    expect(text).not.toContain('not kept');
    // The terminal sink gets the same redacted lines.
    expect(stderr.join('\n')).not.toContain(KEY);
  });

  it('keeps debug lines too with HARK_LOG=debug', async () => {
    const path = join(dir, 'logs', 'hark.log');
    const { log, file } = logging(path, { HARK_LOG: 'debug' });
    log.debug('fine detail');
    await file.flush();
    expect(await readFile(path, 'utf8')).toContain('[debug] fine detail');
  });

  it('falls back to stderr with one warning when the log folder cannot be written', async () => {
    const blocker = join(dir, 'a-file');
    await writeFile(blocker, '');
    const path = join(blocker, 'logs', 'hark.log');
    const { log, file, stderr } = logging(path);
    expect(() => {
      log.error('first problem');
      log.error('second problem');
    }).not.toThrow();
    await file.flush();
    log.warn('third problem');
    await file.flush();
    const warnings = stderr.filter((line) => line.includes('cannot be written'));
    expect(warnings).toEqual([
      expect.stringMatching(
        new RegExp(`^warn: The log file ${path} cannot be written \\(.+\\); logging to stderr only\\.$`),
      ),
    ]);
    expect(stderr).toEqual(expect.arrayContaining(['error: first problem', 'warn: third problem']));
    expect(existsSync(path)).toBe(false);
  });
});

describe('setupCrashReports', () => {
  it('starts the crash reporter without uploads and says where the dumps go', () => {
    const starts: unknown[] = [];
    const { log, stderr } = logging(join(dir, 'hark.log'));
    const electron = {
      crashReporter: { start: (options: unknown) => void starts.push(options) },
      app: { getPath: (name: string) => `/data/${name}` },
    } as unknown as Pick<ElectronMain, 'app' | 'crashReporter'>;
    expect(setupCrashReports(electron, log)).toBe('/data/crashDumps');
    expect(starts).toEqual([{ uploadToServer: false }]);
    expect(stderr).toContain('info: Crash reports are kept on this computer, in /data/crashDumps.');
  });

  it('lets Hark start when the crash reporter cannot', () => {
    const { log, stderr } = logging(join(dir, 'hark.log'));
    const electron = {
      crashReporter: {
        start: () => {
          throw new Error('no crashpad handler');
        },
      },
      app: { getPath: () => '/unused' },
    } as unknown as Pick<ElectronMain, 'app' | 'crashReporter'>;
    expect(setupCrashReports(electron, log)).toBeUndefined();
    expect(stderr[0]).toMatch(/^warn: The crash reporter did not start: Error: no crashpad handler/);
  });
});

describe('setupTroubleshooting', () => {
  function electronWith(answer: string) {
    const opened: string[] = [];
    const electron = {
      app: { getVersion: () => '1.2.3' },
      shell: { openPath: (path: string) => (opened.push(path), Promise.resolve(answer)) },
    } as unknown as Pick<ElectronMain, 'app' | 'shell'>;
    return { electron, opened };
  }

  it('knows the version and the log file, and opens the log folder, making it first', async () => {
    const { electron, opened } = electronWith('');
    const logs = join(dir, 'logs');
    const troubleshooting = setupTroubleshooting(electron, { logs, logFile: join(logs, 'hark.log') });
    expect(troubleshooting.about).toEqual({ version: '1.2.3', logFile: join(logs, 'hark.log') });
    expect(await troubleshooting.openLogFolder()).toBe('');
    expect(opened).toEqual([logs]);
    expect(existsSync(logs)).toBe(true);
  });

  it("passes on the file manager's answer, and says why a folder could not be made", async () => {
    const { electron, opened } = electronWith('No application is registered');
    const logs = join(dir, 'logs');
    expect(await setupTroubleshooting(electron, { logs, logFile: '' }).openLogFolder()).toBe(
      'No application is registered',
    );
    await writeFile(join(dir, 'a-file'), '');
    const blocked = join(dir, 'a-file', 'logs');
    expect(await setupTroubleshooting(electron, { logs: blocked, logFile: '' }).openLogFolder()).toMatch(
      /ENOTDIR|EEXIST/,
    );
    expect(opened).toEqual([logs]);
  });
});
