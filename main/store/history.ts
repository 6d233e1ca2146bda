// The reading history: an append-only JSON Lines index (see shared/history-index.ts) plus one audio file per
// entry in `<dir>/audio/<id>.<ext>`, bounded by a retention limit.
//
// Crash safety comes from ordering, so that whatever moment a process dies at, the folder is valid:
// - add: the audio file is written atomically first, then the index line is appended (and fsynced).
//   A crash in between leaves an audio file nobody lists: open() deletes such orphans.
// - delete: a tombstone line is appended first, then the audio file is removed. A crash in between
//   leaves an orphan again, never an entry without audio.
// - clear and compaction: the index is rewritten atomically (temp + fsync + rename), then the
//   audio files no longer listed are removed.
// Tombstones were chosen over rewriting on every delete because an append is O(1) and touches one
// line; the rewrite (compaction) runs only when dead lines outnumber live ones, or after a crash.
//
// One process owns a history folder at a time (the app holds the single-instance lock): open()
// sweeps files it does not know about, which would race with a second writer.
//
// Nothing that can be kept is thrown away on open:
// - lines that cannot be read (damage from outside, a disk error) and entries whose audio has gone
//   are dropped from the index, but the original index and every audio file no readable entry
//   refers to are moved into `recovered-<time>/` first, and the user is told (notices);
// - an index written by a newer Hark (a higher format version) is used as far as it is understood
//   and never rewritten or swept: its other lines and their audio stay for the newer version, and a
//   copy of it is kept as `index.v<N>.backup.jsonl`. New readings are appended in this version's
//   format, which a newer Hark reads.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  fileTimestamp,
  isNotFound,
  isTempFileName,
  readFileAtomic,
  syncDirectory,
  writeFileAtomic,
} from './atomic-file';
import {
  AUDIO_DIR_NAME,
  HISTORY_VERSION,
  INDEX_FILE_NAME,
  audioFileName,
  encodeIndex,
  encodeLine,
  parseEntry,
  replayIndex,
} from '../../shared/history-index';
import type { HistoryEntry, ReplayResult } from '../../shared/history-index';
import { HistoryError } from './history-error';
import { exportAudioFile } from './history-export';
import type { ExportFormat } from './history-export';
import type { HistoryRetention } from '../../shared/settings-schema';

export type { HistoryEntry } from '../../shared/history-index';
export { HistoryError } from './history-error';
export type { HistoryErrorCode } from './history-error';
export type { ExportFormat } from './history-export';

/** What the caller knows about a reading; the store adds id, createdAt and the audio file fields. */
export type NewHistoryEntry = Omit<HistoryEntry, 'id' | 'createdAt' | 'audioFile' | 'audioBytes'>;

export interface HistoryPage {
  /** Newest first. */
  entries: HistoryEntry[];
  /** How many entries match in all (for paging). */
  total: number;
}

export interface PageRequest {
  offset?: number;
  limit?: number;
}

export interface HistoryOptions {
  retention?: HistoryRetention;
  /** Compact once this many dead lines have piled up (and they outnumber live entries). */
  compactAfterDeadLines?: number;
  /** Clock for createdAt (tests pin it). */
  now?: () => Date;
}

/** What open() found and repaired; all zero/false after a clean shutdown. */
export interface OpenReport {
  droppedPartialLine: boolean;
  skippedLines: number;
  /** Entries whose audio file had disappeared (deleted by hand, disk trouble): dropped from the index. */
  missingAudio: number;
  /** Audio or temporary files no entry refers to, left by an interrupted add, delete or clear. */
  removedOrphans: number;
  compacted: boolean;
  /** Where the original index (and unlisted audio) went before a repair or alongside a newer version's file. */
  backupPath?: string;
}

/** Something about opening the history the user should hear about (shown once, after start-up). */
export type HistoryNotice =
  | { kind: 'repaired'; message: string; backupPath: string }
  | { kind: 'future-version'; message: string; backupPath: string; fileVersion: number }
  | { kind: 'unreadable'; message: string; temporaryDir: string };

const DEFAULT_PAGE_SIZE = 50;
const DEFAULT_COMPACT_AFTER = 1000;
const BYTES_PER_MEGABYTE = 1024 * 1024;

/** Sorts by creation time as text (handy when looking at the folder) and never collides. */
function newEntryId(now: Date): string {
  return `${now.getTime().toString(36)}-${randomBytes(6).toString('hex')}`;
}

function page<T>(items: readonly T[], request: PageRequest): T[] {
  const offset = Math.max(0, Math.floor(request.offset ?? 0));
  const limit = Math.max(0, Math.floor(request.limit ?? DEFAULT_PAGE_SIZE));
  return items.slice(offset, offset + limit);
}

/** Appends and fsyncs in a single write, so a kill leaves either nothing or a prefix of it. */
async function appendDurably(path: string, text: string): Promise<void> {
  const handle = await fs.open(path, 'a', 0o600);
  try {
    await handle.write(text);
    await handle.datasync();
  } finally {
    await handle.close();
  }
}

async function removeFile(path: string): Promise<void> {
  await fs.rm(path, { force: true });
}

export class HistoryStore {
  private readonly indexPath: string;
  private readonly audioDir: string;
  private entries: Map<string, HistoryEntry>;
  private newestFirst: HistoryEntry[] | undefined;
  private bytes = 0;
  private deadLines: number;
  private retention: HistoryRetention | undefined;
  private readonly compactAfter: number;
  private readonly now: () => Date;
  /** Mutations run one at a time, in call order. */
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** The index belongs to a newer Hark: append to it, never rewrite it on our own. */
  private newerFormat = false;
  /** What open() had to do that the user should know; empty after a clean shutdown. */
  readonly notices: HistoryNotice[] = [];

  private constructor(
    readonly dir: string,
    replayed: { entries: Map<string, HistoryEntry>; deadLines: number },
    options: HistoryOptions,
    readonly openReport: OpenReport,
  ) {
    this.indexPath = join(dir, INDEX_FILE_NAME);
    this.audioDir = join(dir, AUDIO_DIR_NAME);
    this.entries = replayed.entries;
    this.deadLines = replayed.deadLines;
    for (const entry of this.entries.values()) this.bytes += entry.audioBytes;
    this.retention = options.retention;
    this.compactAfter = options.compactAfterDeadLines ?? DEFAULT_COMPACT_AFTER;
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Like open(), but a history that cannot be opened at all (a file where the folder should be, a
   * broken disk, no permission) does not stop Hark from reading aloud: this session's readings go to
   * a temporary folder instead, and a notice says so. Nothing in `dir` is touched.
   */
  static async openOrTemporary(dir: string, options: HistoryOptions = {}): Promise<HistoryStore> {
    try {
      return await HistoryStore.open(dir, options);
    } catch (cause) {
      const temporaryDir = await fs.mkdtemp(join(tmpdir(), 'hark-history-'));
      const store = await HistoryStore.open(temporaryDir, options);
      const reason = cause instanceof Error ? cause.message : String(cause);
      store.notices.push({
        kind: 'unreadable',
        temporaryDir,
        message:
          `Hark could not open its history in ${dir} (${reason}). ` +
          'Readings from now until Hark quits are kept in a temporary folder and then forgotten.',
      });
      return store;
    }
  }

  /** Opens (creating if needed) the history in `dir`, repairing whatever an earlier crash left. */
  static async open(dir: string, options: HistoryOptions = {}): Promise<HistoryStore> {
    const audioDir = join(dir, AUDIO_DIR_NAME);
    await fs.mkdir(audioDir, { recursive: true });
    const indexPath = join(dir, INDEX_FILE_NAME);
    // Backups keep the bytes as they were, whatever their encoding.
    const original = (await readFileAtomic(indexPath)) ?? Buffer.alloc(0);
    const replayed = replayIndex(original.toString('utf8'));
    const audioFiles = new Set(await fs.readdir(audioDir));
    let missingAudio = 0;
    for (const [id, entry] of replayed.entries) {
      if (audioFiles.has(entry.audioFile)) continue;
      replayed.entries.delete(id);
      missingAudio++;
    }
    const report: OpenReport = {
      droppedPartialLine: replayed.partialTail,
      skippedLines: replayed.badLines,
      missingAudio,
      removedOrphans: 0,
      compacted: false,
    };
    const store = new HistoryStore(dir, replayed, options, report);
    if (replayed.version > HISTORY_VERSION) await store.keepNewerFormat(original, replayed.version);
    else await store.repair(original, replayed, audioFiles);
    if (store.retention) await store.enforceRetention();
    return store;
  }

  /** A newer Hark's index: keep a copy, and leave the file and the audio folder as they are. */
  private async keepNewerFormat(original: Buffer, fileVersion: number): Promise<void> {
    this.newerFormat = true;
    const backupPath = join(this.dir, `index.v${fileVersion}.backup.jsonl`);
    await writeFileAtomic(backupPath, original);
    this.openReport.backupPath = backupPath;
    this.notices.push({
      kind: 'future-version',
      fileVersion,
      backupPath,
      message:
        `The reading history was saved by a newer version of Hark. This version lists the readings it ` +
        `understands and leaves the others as they are. A copy of the history index was kept as ${backupPath}.`,
    });
  }

  /** After a crash or damage: set aside what would be lost, rewrite the index, sweep leftovers. */
  private async repair(original: Buffer, replayed: ReplayResult, audioFiles: Set<string>): Promise<void> {
    const report = this.openReport;
    const damaged = replayed.badLines > 0 || report.missingAudio > 0;
    if (damaged) await this.setAside(original, audioFiles);
    // An index ending mid-line must be rewritten before the next append, or that append would be
    // glued to the fragment and lost with it.
    if (replayed.partialTail || damaged || this.shouldCompact() || original.length === 0) {
      await this.writeIndex();
      report.compacted = original.length > 0;
    }
    report.removedOrphans = await this.removeOrphans(audioFiles);
  }

  /**
   * Moves the original index and every audio file no readable entry refers to into a
   * `recovered-<time>` folder: the damaged lines may be repaired by hand, and their audio with them.
   */
  private async setAside(original: Buffer, audioFiles: Set<string>): Promise<void> {
    const backupPath = join(this.dir, `recovered-${fileTimestamp(this.now())}`);
    const recoveredAudio = join(backupPath, AUDIO_DIR_NAME);
    await fs.mkdir(recoveredAudio, { recursive: true });
    await writeFileAtomic(join(backupPath, INDEX_FILE_NAME), original);
    const listed = new Set([...this.entries.values()].map((entry) => entry.audioFile));
    const unlisted = [...audioFiles].filter((name) => !listed.has(name) && !isTempFileName(name));
    for (const name of unlisted) {
      await fs.rename(join(this.audioDir, name), join(recoveredAudio, name));
      audioFiles.delete(name);
    }
    const { skippedLines, missingAudio } = this.openReport;
    const problems = [
      skippedLines > 0 ? `${skippedLines} damaged ${skippedLines === 1 ? 'line' : 'lines'}` : '',
      missingAudio > 0
        ? `${missingAudio} ${missingAudio === 1 ? 'reading whose audio is' : 'readings whose audio is'} missing`
        : '',
    ].filter(Boolean);
    this.openReport.backupPath = backupPath;
    this.notices.push({
      kind: 'repaired',
      backupPath,
      message:
        `The reading history was damaged (${problems.join(', ')}); Hark lists the ${this.entries.size} ` +
        `readings it could still read. The original index and ${unlisted.length} unlisted audio ` +
        `${unlisted.length === 1 ? 'file were' : 'files were'} kept in ${backupPath}.`,
    });
  }

  /** Number of entries. */
  get size(): number {
    return this.entries.size;
  }

  /** Bytes of stored audio, the quantity the megabyte limit applies to. */
  get audioBytes(): number {
    return this.bytes;
  }

  /** Stores a reading: its audio first, then its index line; then applies the retention limit. */
  add(fields: NewHistoryEntry, audio: Uint8Array): Promise<HistoryEntry> {
    return this.enqueue(async () => {
      const createdAt = this.now();
      const id = newEntryId(createdAt);
      const entry = parseEntry({
        ...fields,
        id,
        createdAt: createdAt.toISOString(),
        audioFile: audioFileName(id, fields.outputFormat),
        audioBytes: audio.byteLength,
      });
      if (!entry)
        throw new HistoryError('invalid_entry', 'The reading to store has missing or invalid fields.');
      const audioPath = join(this.audioDir, entry.audioFile);
      await writeFileAtomic(audioPath, audio);
      try {
        await appendDurably(this.indexPath, encodeLine({ op: 'add', entry }));
      } catch (error) {
        await removeFile(audioPath).catch(() => undefined);
        throw error;
      }
      this.entries.set(entry.id, entry);
      this.bytes += entry.audioBytes;
      this.newestFirst = undefined;
      await this.enforceRetention();
      return { ...entry };
    });
  }

  /** A page of entries, newest first. */
  list(request: PageRequest = {}): HistoryPage {
    const all = this.ordered();
    return { entries: page(all, request).map((entry) => ({ ...entry })), total: all.length };
  }

  /** Entries whose text or voice name contains `query`, ignoring case; newest first. */
  search(query: string, request: PageRequest = {}): HistoryPage {
    const needle = query.trim().toLowerCase();
    if (needle === '') return this.list(request);
    const matches = this.ordered().filter(
      (entry) => entry.text.toLowerCase().includes(needle) || entry.voiceName.toLowerCase().includes(needle),
    );
    return { entries: page(matches, request).map((entry) => ({ ...entry })), total: matches.length };
  }

  get(id: string): HistoryEntry | undefined {
    const entry = this.entries.get(id);
    return entry ? { ...entry } : undefined;
  }

  /** Path of an entry's audio file (for replay or export); throws not_found. */
  audioPath(id: string): string {
    const entry = this.entries.get(id);
    if (!entry) throw new HistoryError('not_found', 'This reading is no longer in the history.');
    return join(this.audioDir, entry.audioFile);
  }

  /** The stored audio, in the entry's outputFormat. */
  async readAudio(id: string): Promise<Uint8Array> {
    const path = this.audioPath(id);
    try {
      return new Uint8Array(await fs.readFile(path));
    } catch (error) {
      if (isNotFound(error)) throw new HistoryError('not_found', 'The audio of this reading is missing.');
      throw error;
    }
  }

  /**
   * Saves an entry's audio as an MP3 or WAV file at `targetPath` (see history-export.ts for what
   * converts to what). The audio is read first, so a delete meanwhile cannot cut the export short.
   */
  async exportAudio(id: string, targetPath: string, format: ExportFormat): Promise<void> {
    const entry = this.entries.get(id);
    if (!entry) throw new HistoryError('not_found', 'This reading is no longer in the history.');
    const audio = await this.readAudio(id);
    await exportAudioFile(audio, entry.outputFormat, targetPath, format);
  }

  /** Removes one entry and its audio; false when there was no such entry. */
  delete(id: string): Promise<boolean> {
    return this.enqueue(async () => {
      if (!this.entries.has(id)) return false;
      await this.removeEntries([id]);
      return true;
    });
  }

  /** Removes every entry and audio file. */
  clear(): Promise<void> {
    return this.enqueue(async () => {
      const files = [...this.entries.values()].map((entry) => entry.audioFile);
      // Clearing is the user's own decision, so even a newer version's index starts over.
      await writeFileAtomic(this.indexPath, encodeIndex([]));
      this.newerFormat = false;
      this.entries = new Map();
      this.bytes = 0;
      this.deadLines = 0;
      this.newestFirst = undefined;
      await Promise.all(files.map((file) => removeFile(join(this.audioDir, file))));
    });
  }

  /** Applies a new retention limit at once (oldest entries go first); returns the removed ids. */
  setRetention(retention: HistoryRetention): Promise<string[]> {
    return this.enqueue(async () => {
      this.retention = { ...retention };
      return this.enforceRetention();
    });
  }

  /** Rewrites the index with live entries only (also done automatically; never for a newer version's index). */
  compact(): Promise<void> {
    return this.enqueue(async () => {
      if (!this.newerFormat) await this.writeIndex();
    });
  }

  /** Waits for pending writes; later calls that write are refused. */
  async close(): Promise<void> {
    this.closed = true;
    await this.queue;
  }

  private enqueue<T>(operation: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new HistoryError('closed', 'The history is closed.'));
    const run = this.queue.then(operation);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private ordered(): HistoryEntry[] {
    this.newestFirst ??= [...this.entries.values()].reverse();
    return this.newestFirst;
  }

  private async enforceRetention(): Promise<string[]> {
    if (!this.retention) return [];
    const maxEntries = this.retention.maxEntries;
    const maxBytes = this.retention.maxMegabytes * BYTES_PER_MEGABYTE;
    const evicted: string[] = [];
    let count = this.entries.size;
    let bytes = this.bytes;
    for (const entry of this.entries.values()) {
      if (count <= maxEntries && bytes <= maxBytes) break;
      evicted.push(entry.id);
      count--;
      bytes -= entry.audioBytes;
    }
    if (evicted.length > 0) await this.removeEntries(evicted);
    return evicted;
  }

  /** Tombstones first (one append), then the audio files. */
  private async removeEntries(ids: readonly string[]): Promise<void> {
    await appendDurably(this.indexPath, ids.map((id) => encodeLine({ op: 'delete', id })).join(''));
    const files: string[] = [];
    for (const id of ids) {
      const entry = this.entries.get(id);
      if (!entry) continue;
      this.entries.delete(id);
      this.bytes -= entry.audioBytes;
      this.deadLines += 2;
      files.push(entry.audioFile);
    }
    this.newestFirst = undefined;
    await Promise.all(files.map((file) => removeFile(join(this.audioDir, file))));
    if (this.shouldCompact()) await this.writeIndex();
  }

  private shouldCompact(): boolean {
    if (this.newerFormat) return false;
    return this.deadLines >= this.compactAfter && this.deadLines > this.entries.size;
  }

  private async writeIndex(): Promise<void> {
    await writeFileAtomic(this.indexPath, encodeIndex(this.entries.values()));
    this.deadLines = 0;
  }

  /** Deletes audio-folder files that no live entry refers to; returns how many. */
  private async removeOrphans(namesOnDisk: ReadonlySet<string>): Promise<number> {
    const referenced = new Set([...this.entries.values()].map((entry) => entry.audioFile));
    const orphans = [...namesOnDisk].filter((name) => !referenced.has(name));
    await Promise.all(orphans.map((name) => removeFile(join(this.audioDir, name))));
    if (orphans.length > 0) await syncDirectory(this.audioDir);
    return orphans.length;
  }
}
