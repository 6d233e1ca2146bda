// The audio a reading keeps so that going back never asks the server again. Up to a memory budget it
// stays in memory; beyond it, the chunks used longest ago move to a private temporary file and are
// read back when a jump needs them, so a two-hour reading holds a bounded amount of memory.
//
// The file is created only when the budget is first exceeded, readable by the user alone, and gone
// when the reading is closed. Where an open file can be unlinked (everywhere but Windows) it is
// unlinked at once, so not even a crash leaves it behind. Reads and writes are synchronous: a chunk is
// a few kilobytes from the page cache, and the reading's pump hands audio over synchronously.
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AudioChunk } from '../speech/session';
import { SpeechError } from '../../shared/speech-errors';

/** About 35 minutes of MP3 at 128 kbit/s, 17 minutes of PCM at 16 kHz. */
export const DEFAULT_KEPT_AUDIO_MEMORY_BYTES = 32 * 1024 * 1024;

/** A kept chunk's place on its generation's timeline; its bytes come from KeptAudio.read(). */
export interface KeptChunk {
  readonly startMs: number;
  readonly durationMs: number;
  readonly byteLength: number;
}

interface Entry extends KeptChunk {
  /** In memory, or undefined once moved to the file. */
  bytes: Uint8Array | undefined;
  /** Where the bytes are in the file, once written there (they are written once). */
  fileOffset: number | undefined;
}

interface SpillFile {
  fd: number;
  /** The folder to delete on close (already gone where the file could be unlinked while open). */
  folder: string | undefined;
  end: number;
}

export interface KeptAudioOptions {
  memoryBytes?: number;
  /** Where the spill file goes (default: the system's temporary folder). */
  directory?: string;
}

export class KeptAudio {
  readonly #budget: number;
  readonly #directory: string;
  /** The entries in memory, least recently used first (a Map keeps insertion order). */
  readonly #inMemory = new Map<Entry, true>();
  #memoryBytes = 0;
  #file: SpillFile | undefined;
  /** Writing to disk failed once (full, read-only): from then on everything stays in memory. */
  #diskRefused = false;
  #closed = false;

  constructor(options: KeptAudioOptions = {}) {
    this.#budget = options.memoryBytes ?? DEFAULT_KEPT_AUDIO_MEMORY_BYTES;
    this.#directory = options.directory ?? tmpdir();
  }

  /** Bytes held in memory now. */
  get memoryBytes(): number {
    return this.#memoryBytes;
  }

  /** Bytes written to the file. */
  get fileBytes(): number {
    return this.#file?.end ?? 0;
  }

  keep(chunk: AudioChunk): KeptChunk {
    const entry: Entry = {
      startMs: chunk.startMs,
      durationMs: chunk.durationMs,
      byteLength: chunk.audio.length,
      bytes: chunk.audio,
      fileOffset: undefined,
    };
    this.#admit(entry);
    return entry;
  }

  /** The chunk's bytes, from memory or read back from the file. */
  read(chunk: KeptChunk): Uint8Array {
    const entry = chunk as Entry;
    if (entry.bytes) {
      this.#inMemory.delete(entry);
      this.#inMemory.set(entry, true);
      return entry.bytes;
    }
    const bytes = this.#readBack(entry);
    entry.bytes = bytes;
    this.#admit(entry);
    return bytes;
  }

  /** Lets go of everything; the file is deleted. Reading afterwards is a mistake. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#inMemory.clear();
    this.#memoryBytes = 0;
    const file = this.#file;
    this.#file = undefined;
    if (!file) return;
    closeSync(file.fd);
    if (file.folder) rmSync(file.folder, { recursive: true, force: true });
  }

  #admit(entry: Entry): void {
    this.#inMemory.set(entry, true);
    this.#memoryBytes += entry.byteLength;
    this.#spillOver(entry);
  }

  /** Moves the least recently used chunks to the file until memory is back within the budget. */
  #spillOver(keep: Entry): void {
    for (const entry of this.#inMemory.keys()) {
      if (this.#memoryBytes <= this.#budget || entry === keep) return;
      if (entry.fileOffset === undefined && !this.#write(entry)) return;
      this.#inMemory.delete(entry);
      this.#memoryBytes -= entry.byteLength;
      entry.bytes = undefined;
    }
  }

  #write(entry: Entry): boolean {
    const bytes = entry.bytes;
    if (!bytes || this.#diskRefused || this.#closed) return false;
    try {
      const file = this.#openFile();
      let written = 0;
      while (written < bytes.length) {
        written += writeSync(file.fd, bytes, written, bytes.length - written, file.end + written);
      }
      entry.fileOffset = file.end;
      file.end += bytes.length;
      return true;
    } catch {
      // A full or read-only disk costs memory, never the reading.
      this.#diskRefused = true;
      return false;
    }
  }

  #openFile(): SpillFile {
    if (this.#file) return this.#file;
    const folder = mkdtempSync(join(this.#directory, 'hark-reading-'));
    const fd = openSync(join(folder, 'audio'), 'w+', 0o600);
    const canUnlinkOpenFile = process.platform !== 'win32';
    if (canUnlinkOpenFile) rmSync(folder, { recursive: true, force: true });
    this.#file = { fd, folder: canUnlinkOpenFile ? undefined : folder, end: 0 };
    return this.#file;
  }

  #readBack(entry: Entry): Uint8Array {
    const file = this.#file;
    const offset = entry.fileOffset;
    if (!file || offset === undefined) {
      throw new SpeechError('io_failed', 'Audio kept for this reading is no longer available.');
    }
    const bytes = Buffer.alloc(entry.byteLength);
    let read = 0;
    while (read < bytes.length) {
      const count = readSync(file.fd, bytes, read, bytes.length - read, offset + read);
      if (count === 0)
        throw new SpeechError('io_failed', 'Audio kept for this reading could not be read back.');
      read += count;
    }
    return bytes;
  }
}
