// Checks for the arguments of the app's verbs. Everything arrives as `unknown` (from a renderer over
// IPC, or a browser page over the dev bridge), so each value is checked for type, size and shape
// before it reaches a store or the controller. A failed check names the argument, never echoes it.
import { extname, isAbsolute } from 'node:path';
import { isValidEntryId } from '../store/history-index';
import type { ExportFormat, PageRequest } from '../store/history';
import { ENGINES } from '../store/settings-schema';
import type { EngineKind } from '../store/settings-schema';
import { MAX_ACCEPTED_CHARS } from './reading-text';

export type Checked<T> = { ok: true; value: T } | { ok: false; message: string };

const pass = <T>(value: T): Checked<T> => ({ ok: true, value });
const reject = <T>(message: string): Checked<T> => ({ ok: false, message });

export const MAX_PAGE_SIZE = 500;
export const MAX_QUERY_CHARS = 500;
/** Far above any real key (512), but bounded: a paste of a whole document is refused early. */
export const MAX_KEY_INPUT_CHARS = 4096;
export const MAX_PATH_CHARS = 4096;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function checkText(value: unknown, what = 'The text'): Checked<string> {
  if (typeof value !== 'string') return reject(`${what} must be a string.`);
  if (value.length > MAX_ACCEPTED_CHARS) {
    return reject(`${what} is too long (at most ${MAX_ACCEPTED_CHARS.toLocaleString('en')} characters).`);
  }
  return pass(value);
}

export function checkEntryId(value: unknown): Checked<string> {
  return isValidEntryId(value) ? pass(value) : reject('The history entry id is not valid.');
}

/** `undefined` means "the engine chosen in the settings". */
export function checkOptionalEngine(value: unknown): Checked<EngineKind | undefined> {
  if (value === undefined || value === null) return pass(undefined);
  return typeof value === 'string' && (ENGINES as readonly string[]).includes(value)
    ? pass(value as EngineKind)
    : reject(`The engine must be one of ${ENGINES.map((e) => `"${e}"`).join(', ')}.`);
}

/** The same shape the settings accept for a voice id. */
export function checkVoiceId(value: unknown): Checked<string> {
  return typeof value === 'string' && /^[A-Za-z0-9][A-Za-z0-9_.+-]{0,99}$/.test(value)
    ? pass(value)
    : reject('The voice id is not valid.');
}

function pageNumber(value: unknown, name: string, min: number, max: number): Checked<number | undefined> {
  if (value === undefined) return pass(undefined);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    return reject(`"${name}" must be a whole number from ${min} to ${max}.`);
  }
  return pass(value);
}

export function checkPage(value: unknown): Checked<PageRequest> {
  if (value === undefined || value === null) return pass({});
  if (!isRecord(value)) return reject('The page must be an object like {"offset": 0, "limit": 50}.');
  const unknownKeys = Object.keys(value).filter((key) => key !== 'offset' && key !== 'limit');
  if (unknownKeys.length > 0) return reject('The page may only have "offset" and "limit".');
  const offset = pageNumber(value.offset, 'offset', 0, Number.MAX_SAFE_INTEGER);
  if (!offset.ok) return offset;
  const limit = pageNumber(value.limit, 'limit', 1, MAX_PAGE_SIZE);
  if (!limit.ok) return limit;
  return pass({
    ...(offset.value !== undefined ? { offset: offset.value } : {}),
    ...(limit.value !== undefined ? { limit: limit.value } : {}),
  });
}

export function checkQuery(value: unknown): Checked<string> {
  if (typeof value !== 'string') return reject('The search must be a string.');
  if (value.length > MAX_QUERY_CHARS)
    return reject(`The search is too long (at most ${MAX_QUERY_CHARS} characters).`);
  return pass(value);
}

export function checkKeyInput(value: unknown): Checked<string> {
  if (typeof value !== 'string') return reject('The API key must be a string.');
  if (value.length > MAX_KEY_INPUT_CHARS) return reject('The API key is far too long to be a key.');
  return pass(value);
}

export function checkExportFormat(value: unknown): Checked<ExportFormat> {
  return value === 'mp3' || value === 'wav'
    ? pass(value)
    : reject('The export format must be "mp3" or "wav".');
}

/**
 * An absolute path ending in the format's extension. The path comes from a save dialog, but the
 * renderer passes it on: requiring the extension keeps a misbehaving page from overwriting
 * arbitrary files (a shell profile, a document) with audio.
 */
export function checkExportPath(value: unknown, format: ExportFormat): Checked<string> {
  if (
    typeof value !== 'string' ||
    value.length === 0 ||
    value.length > MAX_PATH_CHARS ||
    value.includes('\0')
  ) {
    return reject('The export path is not valid.');
  }
  if (!isAbsolute(value)) return reject('The export path must be absolute.');
  if (extname(value).toLowerCase() !== `.${format}`) {
    return reject(`The export path must end in ".${format}".`);
  }
  return pass(value);
}
