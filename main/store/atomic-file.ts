// Crash-safe file replacement: a reader sees either the old content or the new content, never a
// mix or a truncated file. The data goes to a temporary sibling, is fsynced, then renamed over the
// target (rename is atomic within a directory on every OS we ship to); the directory is fsynced too
// so the rename itself survives a power cut.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Temporary files carry this marker, so leftovers of an interrupted write can be recognised. */
const TEMP_MARKER = '.tmp-';

/** Windows may refuse a rename for a moment while a virus scanner or indexer holds the target. */
const RENAME_RETRY_CODES = new Set(['EPERM', 'EACCES', 'EBUSY']);
const RENAME_ATTEMPTS = 5;
const RENAME_RETRY_DELAY_MS = 40;

export function tempPathFor(target: string): string {
  return join(
    dirname(target),
    `${basename(target)}${TEMP_MARKER}${process.pid}-${randomBytes(4).toString('hex')}`,
  );
}

function isTempOf(name: string, targetName: string): boolean {
  return name.startsWith(`${targetName}${TEMP_MARKER}`);
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function isNotFound(error: unknown): boolean {
  return errorCode(error) === 'ENOENT';
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function renameWithRetry(from: string, to: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await fs.rename(from, to);
      return;
    } catch (error) {
      const retryable = process.platform === 'win32' && RENAME_RETRY_CODES.has(errorCode(error) ?? '');
      if (!retryable || attempt >= RENAME_ATTEMPTS) throw error;
      await delay(RENAME_RETRY_DELAY_MS * attempt);
    }
  }
}

/** Makes a completed rename or unlink durable. Not possible on Windows (directories cannot be opened). */
export async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Replaces `target` with `data` atomically; creates the parent directory when missing. */
export async function writeFileAtomic(target: string, data: string | Uint8Array): Promise<void> {
  await writeFileAtomicWith(target, (handle) => handle.writeFile(data));
}

/**
 * Like writeFileAtomic, for content written piece by piece (too large to hold in memory at once):
 * `write` fills the temporary file through its handle. If `write` throws, the target is untouched.
 */
export async function writeFileAtomicWith(
  target: string,
  write: (handle: FileHandle) => Promise<void>,
): Promise<void> {
  const dir = dirname(target);
  await fs.mkdir(dir, { recursive: true });
  const temp = tempPathFor(target);
  try {
    const handle = await fs.open(temp, 'w', 0o600);
    try {
      await write(handle);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await renameWithRetry(temp, target);
  } catch (error) {
    await fs.rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dir);
}

/** Copies a file with the same all-or-nothing guarantee as writeFileAtomic. */
export async function copyFileAtomic(source: string, target: string): Promise<void> {
  await writeFileAtomic(target, await fs.readFile(source));
}

/** Reads a whole file; undefined when it does not exist (any other error is thrown). */
export async function readFileIfExists(path: string): Promise<Buffer | undefined> {
  try {
    return await fs.readFile(path);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/**
 * Deletes temporary files left by writes to `target` that were interrupted (crash, kill, power cut).
 * Such a write never reached its rename, so it never happened: the target still holds the old
 * content and the leftover is garbage. Returns the paths removed.
 */
export async function removeStaleTempFiles(target: string): Promise<string[]> {
  const dir = dirname(target);
  const name = basename(target);
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
  const stale = names.filter((candidate) => isTempOf(candidate, name)).map((file) => join(dir, file));
  await Promise.all(stale.map((path) => fs.rm(path, { force: true })));
  return stale;
}

/**
 * Reads a file written with writeFileAtomic, first clearing leftovers of interrupted writes.
 * Because of the rename, the content is always one complete version; undefined when missing.
 */
export async function readFileAtomic(target: string): Promise<Buffer | undefined> {
  await removeStaleTempFiles(target);
  return readFileIfExists(target);
}

/** True for names produced by tempPathFor (for directory sweeps that must skip or remove them). */
export function isTempFileName(name: string): boolean {
  return name.includes(TEMP_MARKER);
}

/**
 * A timestamp usable in file names on every OS (no colons, which Windows forbids), sortable as text.
 * Example: 2025-03-06T14-05-09-123Z.
 */
export function fileTimestamp(date: Date): string {
  return date.toISOString().replace(/[:.]/g, '-');
}
