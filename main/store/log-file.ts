// Hark's log file, <userData>/logs/hark.log: the place error messages send the user to ("the details
// are in the log"). It is a LogSink, so it only ever receives lines the redacting logger (redact.ts)
// has already cleaned of secrets. It rotates at a size limit and keeps a few old files, so it never
// grows without bound. Lines are batched and appended asynchronously, so a slow disk never holds up
// the main process; what is still waiting when the process exits is written synchronously then.
// A folder that cannot be written is reported once and the file is given up (lines are dropped).
// Plain Node: the CLI computes the same path (user-data-dir.ts) without Electron.
import { appendFileSync, mkdirSync } from 'node:fs';
import { appendFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { LogLevel, LogSink } from './redact';

export const LOG_FOLDER_NAME = 'logs';
export const LOG_FILE_NAME = 'hark.log';
/** Rotated above this size: a few thousand lines, enough to read back a whole session. */
export const DEFAULT_MAX_LOG_BYTES = 1024 * 1024;
/** Old files kept beside the current one: hark.log.1 (newest) … hark.log.3. */
export const DEFAULT_KEPT_LOGS = 3;
/** A longer line (a huge object dumped whole) is cut, so one call cannot flood the file. */
export const MAX_LOG_LINE_CHARS = 32 * 1024;

export function logFolder(userData: string): string {
  return join(userData, LOG_FOLDER_NAME);
}

export function logFilePath(userData: string): string {
  return join(logFolder(userData), LOG_FILE_NAME);
}

/** The n-th older file (1 = the newest of the old ones). */
export function rotatedLogPath(path: string, n: number): string {
  return `${path}.${n}`;
}

export interface LogFileOptions {
  path: string;
  maxBytes?: number;
  /** How many old files to keep (0: the file starts over when full). */
  keep?: number;
  now?: () => Date;
  /** Called once, with the cause, when the file cannot be written; later lines are dropped. */
  onFailure?: (error: unknown) => void;
}

export interface LogFile {
  readonly path: string;
  /** Never throws and never waits: the line is queued and written soon after. */
  readonly write: LogSink;
  /** Resolves once every line handed over so far is in the file (or dropped after a failure). */
  flush(): Promise<void>;
  /** Flushes, then drops any later line. */
  close(): Promise<void>;
}

export function formatLogLine(time: Date, level: LogLevel, line: string): string {
  const text =
    line.length > MAX_LOG_LINE_CHARS
      ? `${line.slice(0, MAX_LOG_LINE_CHARS)}… (${line.length - MAX_LOG_LINE_CHARS} more characters)`
      : line;
  return `${time.toISOString()} [${level}] ${text}\n`;
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if (isMissing(error)) return 0;
    throw error;
  }
}

async function renameIfThere(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
}

// Owner-only: a log line may quote text the user had read aloud.
const FOLDER_MODE = 0o700;
const FILE_MODE = 0o600;

class RotatingLogFile implements LogFile {
  readonly path: string;
  readonly #maxBytes: number;
  readonly #keep: number;
  readonly #now: () => Date;
  readonly #onFailure: (error: unknown) => void;
  #pending: string[] = [];
  /** The batch being appended now: not known to be on disk yet. */
  #inFlight: string | undefined;
  #draining: Promise<void> | undefined;
  /** Bytes in the file now; read from disk before the first write. */
  #size: number | undefined;
  #failed = false;
  #closed = false;

  constructor(options: LogFileOptions) {
    this.path = options.path;
    this.#maxBytes = options.maxBytes ?? DEFAULT_MAX_LOG_BYTES;
    this.#keep = options.keep ?? DEFAULT_KEPT_LOGS;
    this.#now = options.now ?? (() => new Date());
    this.#onFailure = options.onFailure ?? (() => undefined);
  }

  readonly write: LogSink = (level, line) => {
    if (this.#failed || this.#closed) return;
    this.#pending.push(formatLogLine(this.#now(), level, line));
    this.#draining ??= this.#drain();
  };

  async flush(): Promise<void> {
    while (this.#draining) await this.#draining;
  }

  async close(): Promise<void> {
    await this.flush();
    this.#closed = true;
    openFiles.delete(this);
  }

  /**
   * At process exit there is no later tick: the batch being appended and what is still queued are
   * written now. A batch whose append had just finished may then appear twice; none is lost.
   */
  flushSync(): void {
    const rest = (this.#inFlight ?? '') + this.#pending.join('');
    this.#inFlight = undefined;
    this.#pending = [];
    if (this.#failed || rest === '') return;
    try {
      mkdirSync(dirname(this.path), { recursive: true, mode: FOLDER_MODE });
      appendFileSync(this.path, rest, { mode: FILE_MODE });
    } catch {
      // The process is ending; there is nowhere left to report this.
    }
  }

  async #drain(): Promise<void> {
    try {
      while (this.#pending.length > 0 && !this.#failed) {
        const chunk = this.#pending.join('');
        this.#pending = [];
        this.#inFlight = chunk;
        await this.#append(chunk);
        this.#inFlight = undefined;
      }
    } finally {
      // Cleared in the same tick as the last check of the queue, so no line can be left waiting.
      this.#draining = undefined;
    }
  }

  async #append(chunk: string): Promise<void> {
    try {
      if (this.#size === undefined) {
        await mkdir(dirname(this.path), { recursive: true, mode: FOLDER_MODE });
        this.#size = await sizeOf(this.path);
      }
      const bytes = Buffer.byteLength(chunk);
      if (this.#size > 0 && this.#size + bytes > this.#maxBytes) {
        await this.#rotate();
        this.#size = 0;
      }
      await appendFile(this.path, chunk, { mode: FILE_MODE });
      this.#size += bytes;
    } catch (error) {
      this.#fail(error);
    }
  }

  /** hark.log.2 → .3, hark.log.1 → .2, hark.log → .1; the oldest is replaced by the rename. */
  async #rotate(): Promise<void> {
    if (this.#keep === 0) {
      await rm(this.path, { force: true });
      return;
    }
    for (let n = this.#keep - 1; n >= 1; n--) {
      await renameIfThere(rotatedLogPath(this.path, n), rotatedLogPath(this.path, n + 1));
    }
    await renameIfThere(this.path, rotatedLogPath(this.path, 1));
  }

  #fail(error: unknown): void {
    this.#failed = true;
    this.#pending = [];
    openFiles.delete(this);
    try {
      this.#onFailure(error);
    } catch {
      // A broken report must not turn logging into a crash.
    }
  }
}

const openFiles = new Set<RotatingLogFile>();
let exitHookInstalled = false;

function flushAllAtExit(): void {
  for (const file of openFiles) file.flushSync();
}

/** Opens (lazily: nothing touches the disk before the first line) the log file at `options.path`. */
export function openLogFile(options: LogFileOptions): LogFile {
  const file = new RotatingLogFile(options);
  openFiles.add(file);
  if (!exitHookInstalled) {
    // One listener for every open file, however many a test run opens.
    process.on('exit', flushAllAtExit);
    exitHookInstalled = true;
  }
  return file;
}
