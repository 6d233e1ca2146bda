// The kept audio against the real file system: within its memory budget it never touches the disk;
// beyond it the least recently used chunks go to a file nobody else can see, and come back bit-exact.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KeptAudio } from './kept-audio';
import type { KeptChunk } from './kept-audio';

const CHUNK_BYTES = 4000;
let folder: string;

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'hark-kept-'));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

function chunkAt(index: number): { audio: Uint8Array; startMs: number; durationMs: number; chars: [] } {
  return { audio: randomBytes(CHUNK_BYTES), startMs: index * 125, durationMs: 125, chars: [] };
}

function keepMany(kept: KeptAudio, count: number): { chunk: KeptChunk; bytes: Uint8Array }[] {
  return Array.from({ length: count }, (_, index) => {
    const source = chunkAt(index);
    return { chunk: kept.keep(source), bytes: Buffer.from(source.audio) };
  });
}

describe('KeptAudio', () => {
  it('within the budget keeps everything in memory and creates no file', async () => {
    const kept = new KeptAudio({ memoryBytes: 10 * CHUNK_BYTES, directory: folder });
    const chunks = keepMany(kept, 10);
    expect(kept.memoryBytes).toBe(10 * CHUNK_BYTES);
    expect(kept.fileBytes).toBe(0);
    expect(await readdir(folder)).toEqual([]);
    for (const { chunk, bytes } of chunks) expect(Buffer.from(kept.read(chunk)).equals(bytes)).toBe(true);
    kept.close();
  });

  it('beyond the budget moves the oldest chunks to a file and reads them back bit-exact', () => {
    const kept = new KeptAudio({ memoryBytes: 8 * CHUNK_BYTES, directory: folder });
    const chunks = keepMany(kept, 100);
    expect(kept.memoryBytes).toBeLessThanOrEqual(8 * CHUNK_BYTES);
    expect(kept.fileBytes).toBe(92 * CHUNK_BYTES);
    // Reading every chunk in order (a jump back to the start, played through) keeps within budget.
    for (const { chunk, bytes } of chunks) {
      expect(Buffer.from(kept.read(chunk)).equals(bytes)).toBe(true);
      expect(kept.memoryBytes).toBeLessThanOrEqual(8 * CHUNK_BYTES);
    }
    // Each chunk was written once: reading back and moving out again writes nothing new.
    expect(kept.fileBytes).toBe(100 * CHUNK_BYTES);
    expect(chunks[50]!.chunk).toMatchObject({ startMs: 50 * 125, durationMs: 125, byteLength: CHUNK_BYTES });
    kept.close();
  });

  it('keeps the chunks used most recently in memory', () => {
    const kept = new KeptAudio({ memoryBytes: 4 * CHUNK_BYTES, directory: folder });
    const chunks = keepMany(kept, 4);
    kept.read(chunks[0]!.chunk);
    keepMany(kept, 2);
    // Chunks 1 and 2 were the least recently used; chunk 0 was read after them.
    expect(kept.fileBytes).toBe(2 * CHUNK_BYTES);
    kept.read(chunks[0]!.chunk);
    expect(kept.fileBytes).toBe(2 * CHUNK_BYTES);
    kept.read(chunks[1]!.chunk);
    expect(kept.fileBytes).toBe(3 * CHUNK_BYTES);
    kept.close();
  });

  it('leaves no file behind: unlinked while open (deleted on close where that cannot be done)', async () => {
    const kept = new KeptAudio({ memoryBytes: CHUNK_BYTES, directory: folder });
    keepMany(kept, 20);
    expect(kept.fileBytes).toBeGreaterThan(0);
    expect(await readdir(folder)).toHaveLength(process.platform === 'win32' ? 1 : 0);
    kept.close();
    expect(await readdir(folder)).toEqual([]);
  });

  it('where the folder cannot be written, keeps everything in memory and loses nothing', () => {
    const kept = new KeptAudio({ memoryBytes: CHUNK_BYTES, directory: join(folder, 'missing', 'deeper') });
    const chunks = keepMany(kept, 20);
    expect(kept.fileBytes).toBe(0);
    expect(kept.memoryBytes).toBe(20 * CHUNK_BYTES);
    for (const { chunk, bytes } of chunks) expect(Buffer.from(kept.read(chunk)).equals(bytes)).toBe(true);
    kept.close();
  });

  it('after close holds nothing, and a chunk that was on disk cannot be read', () => {
    const kept = new KeptAudio({ memoryBytes: CHUNK_BYTES, directory: folder });
    const chunks = keepMany(kept, 5);
    kept.close();
    expect(kept.memoryBytes).toBe(0);
    expect(() => kept.read(chunks[0]!.chunk)).toThrow(/no longer available/);
  });
});
