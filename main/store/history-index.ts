// The history index format: JSON Lines, one operation per line, appended and never edited in place.
//   {"op":"add","entry":{...}}      a reading was stored (its audio file was written before this line)
//   {"op":"delete","id":"..."}      a tombstone: the entry is gone (its audio file is removed after)
// Appending one short line is the cheapest crash-safe write there is: a process killed mid-write
// leaves at most one partial last line, which replay ignores (the owner then compacts it away).
// Clearing and compaction instead rewrite the whole file atomically (temp + fsync + rename).
import { ENGINES } from './settings-schema';
import type { EngineKind } from './settings-schema';
import { parseOutputFormat } from '../speech/protocol';
import type { AudioCodec, OutputFormat } from '../speech/protocol';

export const INDEX_FILE_NAME = 'index.jsonl';
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

export type IndexLine = { op: 'add'; entry: HistoryEntry } | { op: 'delete'; id: string };

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
}

/** Rebuilds the live entries from the index text in one linear pass. */
export function replayIndex(text: string): ReplayResult {
  const entries = new Map<string, HistoryEntry>();
  let deadLines = 0;
  let badLines = 0;
  const lastNewline = text.lastIndexOf('\n');
  const partialTail = lastNewline < text.length - 1;
  const complete = text.slice(0, lastNewline + 1);
  for (const raw of complete.split('\n')) {
    if (raw.trim() === '') continue;
    const line = parseLine(raw);
    if (line === undefined || (line.op === 'add' && entries.has(line.entry.id))) {
      badLines++;
      deadLines++;
    } else if (line.op === 'add') {
      entries.set(line.entry.id, line.entry);
    } else {
      deadLines += entries.delete(line.id) ? 2 : 1;
    }
  }
  return { entries, deadLines, badLines, partialTail };
}

/** The whole index for a set of live entries, as written by a compaction. */
export function encodeIndex(entries: Iterable<HistoryEntry>): string {
  let text = '';
  for (const entry of entries) text += encodeLine({ op: 'add', entry });
  return text;
}
