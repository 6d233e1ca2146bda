// The history index format: JSON Lines, one operation per line, appended and never edited in place.
//   {"op":"format","version":1}     first line of a file written whole; none means version 1
//   {"op":"add","entry":{...}}      a reading was stored (its audio file was written before this line)
//   {"op":"delete","id":"..."}      a tombstone: the entry is gone (its audio file is removed after)
// A newer Hark that changes the format raises the version, and must still read the older lines: an
// older Hark that opens its folder keeps appending lines of its own version (see history.ts).
// Appending one short line is the cheapest crash-safe write there is: a process killed mid-write
// leaves at most one partial last line, which replay ignores (the owner then compacts it away).
// Clearing and compaction instead rewrite the whole file atomically (temp + fsync + rename).
import { ENGINES } from './settings-schema';
import type { EngineKind } from './settings-schema';
import { parseOutputFormat } from './protocol';
import type { AudioCodec, OutputFormat } from './protocol';

export const INDEX_FILE_NAME = 'index.jsonl';
/** The index format this code writes. */
export const HISTORY_VERSION = 1;
export const AUDIO_DIR_NAME = 'audio';

export interface HistoryEntry {
  id: string;
  /** ISO 8601 time the reading was stored. */
  createdAt: string;
  text: string;
  voiceId: string;
  voiceName: string;
  modelId: string;
  engine: EngineKind;
  outputFormat: OutputFormat;
  durationMs: number;
  charactersBilled: number;
  /** File name inside `<history>/audio/`; always `<id>.<codec>`, never trusted from disk as a path. */
  audioFile: string;
  audioBytes: number;
}

export type IndexLine =
  { op: 'format'; version: number } | { op: 'add'; entry: HistoryEntry } | { op: 'delete'; id: string };

/** Ids become file names: keep them to characters that are safe on every file system. */
const ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;

const EXTENSIONS: Record<AudioCodec, string> = {
  mp3: 'mp3',
  pcm: 'pcm',
  ulaw: 'ulaw',
  alaw: 'alaw',
  opus: 'opus',
};

export function isValidEntryId(id: unknown): id is string {
  return typeof id === 'string' && ID_PATTERN.test(id);
}

export function audioFileName(id: string, format: OutputFormat): string {
  const codec = parseOutputFormat(format)?.codec ?? 'pcm';
  return `${id}.${EXTENSIONS[codec]}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;
const isDuration = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0;

/** Validates one entry read from disk (or handed to add()); undefined when anything is off. */
export function parseEntry(value: unknown): HistoryEntry | undefined {
  if (!isRecord(value)) return undefined;
  const { id, createdAt, text, voiceId, voiceName, modelId, engine, outputFormat } = value;
  const { durationMs, charactersBilled, audioFile, audioBytes } = value;
  if (!isValidEntryId(id) || !isString(createdAt) || Number.isNaN(Date.parse(createdAt))) return undefined;
  if (!isString(text) || !isString(voiceId) || !isString(voiceName) || !isString(modelId)) return undefined;
  if (!ENGINES.includes(engine as EngineKind)) return undefined;
  const format = isString(outputFormat) ? parseOutputFormat(outputFormat)?.format : undefined;
  if (format === undefined) return undefined;
  if (!isDuration(durationMs) || !isCount(charactersBilled) || !isCount(audioBytes)) return undefined;
  if (audioFile !== audioFileName(id, format)) return undefined;
  return {
    id,
    createdAt,
    text,
    voiceId,
    voiceName,
    modelId,
    engine: engine as EngineKind,
    outputFormat: format,
    durationMs,
    charactersBilled,
    audioFile,
    audioBytes,
  };
}

export function encodeLine(line: IndexLine): string {
  return `${JSON.stringify(line)}\n`;
}

function parseLine(text: string): IndexLine | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(value)) return undefined;
  if (value.op === 'format') {
    return Number.isSafeInteger(value.version) && (value.version as number) >= 1
      ? { op: 'format', version: value.version as number }
      : undefined;
  }
  if (value.op === 'delete') return isValidEntryId(value.id) ? { op: 'delete', id: value.id } : undefined;
  if (value.op !== 'add') return undefined;
  const entry = parseEntry(value.entry);
  return entry ? { op: 'add', entry } : undefined;
}

export interface ReplayResult {
  /** Live entries, oldest first (a Map keeps insertion order). */
  entries: Map<string, HistoryEntry>;
  /** Lines that no longer describe a live entry: tombstones, the adds they cancel, bad lines. */
  deadLines: number;
  /** Complete lines that could not be understood (damaged, or a duplicate id). */
  badLines: number;
  /** The file ends in the middle of a line: an append was interrupted. */
  partialTail: boolean;
  /** From the first line; 1 when the file has none (files written before versions existed). */
  version: number;
  /**
   * Lines of a newer version's file that this version does not understand (a new kind of line, an
   * entry with a new engine): not damage, so they are counted here and never in badLines.
   */
  foreignLines: number;
}

/** Rebuilds the live entries from the index text in one linear pass. */
export function replayIndex(text: string): ReplayResult {
  const entries = new Map<string, HistoryEntry>();
  const result: ReplayResult = {
    entries,
    deadLines: 0,
    badLines: 0,
    partialTail: false,
    version: 1,
    foreignLines: 0,
  };
  const lastNewline = text.lastIndexOf('\n');
  result.partialTail = lastNewline < text.length - 1;
  const complete = text.slice(0, lastNewline + 1);
  let first = true;
  for (const raw of complete.split('\n')) {
    if (raw.trim() === '') continue;
    const line = parseLine(raw);
    const isHeader = first && line?.op === 'format';
    first = false;
    if (isHeader) {
      result.version = line.version;
    } else if (
      line === undefined ||
      line.op === 'format' ||
      (line.op === 'add' && entries.has(line.entry.id))
    ) {
      if (result.version > HISTORY_VERSION) result.foreignLines++;
      else result.badLines++;
      result.deadLines++;
    } else if (line.op === 'add') {
      entries.set(line.entry.id, line.entry);
    } else {
      result.deadLines += entries.delete(line.id) ? 2 : 1;
    }
  }
  return result;
}

/** The whole index for a set of live entries, as written by a compaction. */
export function encodeIndex(entries: Iterable<HistoryEntry>): string {
  let text = encodeLine({ op: 'format', version: HISTORY_VERSION });
  for (const entry of entries) text += encodeLine({ op: 'add', entry });
  return text;
}
