import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  copyFileAtomic,
  fileTimestamp,
  isTempFileName,
  readFileAtomic,
  readFileIfExists,
  removeStaleTempFiles,
  tempPathFor,
  writeFileAtomic,
} from './atomic-file';

let dir: string;

beforeEach(async () => {
  dir = await fs.mkdtemp(join(tmpdir(), 'hark-atomic-'));
});

afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('writes, replaces and reads back text and bytes, creating the parent folder', async () => {
    const target = join(dir, 'nested', 'deeper', 'file.json');
    await writeFileAtomic(target, '{"a":1}');
    expect((await readFileAtomic(target))?.toString('utf8')).toBe('{"a":1}');
    await writeFileAtomic(target, new Uint8Array([1, 2, 3]));
    expect([...((await readFileAtomic(target)) ?? [])]).toEqual([1, 2, 3]);
    expect(await fs.readdir(join(dir, 'nested', 'deeper'))).toEqual(['file.json']);
  });

  it('leaves the old content and no temporary file behind when the rename fails', async () => {
    // A directory in the target's place makes the final rename fail after the temp file was written.
    const target = join(dir, 'occupied');
    await fs.mkdir(target);
    await fs.writeFile(join(target, 'keep'), 'x');
    await expect(writeFileAtomic(target, 'new')).rejects.toThrow();
    expect((await fs.readdir(dir)).sort()).toEqual(['occupied']);
    expect(await fs.readFile(join(target, 'keep'), 'utf8')).toBe('x');
  });

  it('ends with one complete version when many writes race', async () => {
    const target = join(dir, 'race.txt');
    const versions = Array.from({ length: 20 }, (_, i) => `version-${i}-`.repeat(2000));
    await Promise.all(versions.map((text) => writeFileAtomic(target, text)));
    const final = (await readFileAtomic(target))?.toString('utf8');
    expect(versions).toContain(final);
    expect(await fs.readdir(dir)).toEqual(['race.txt']);
  });
});

describe('reading with recovery', () => {
  it('removes leftovers of interrupted writes and keeps the committed content', async () => {
    const target = join(dir, 'settings.json');
    await writeFileAtomic(target, 'committed');
    const leftover = tempPathFor(target);
    await fs.writeFile(leftover, 'half-writ');
    await fs.writeFile(join(dir, 'other.json'), 'unrelated');
    expect(isTempFileName(leftover)).toBe(true);
    expect((await readFileAtomic(target))?.toString('utf8')).toBe('committed');
    expect((await fs.readdir(dir)).sort()).toEqual(['other.json', 'settings.json']);
  });

  it('returns undefined for a missing file and a missing folder', async () => {
    expect(await readFileAtomic(join(dir, 'absent.json'))).toBeUndefined();
    expect(await readFileIfExists(join(dir, 'no', 'such', 'file'))).toBeUndefined();
    expect(await removeStaleTempFiles(join(dir, 'no', 'such', 'file'))).toEqual([]);
  });

  it('throws errors other than "not found"', async () => {
    await expect(readFileIfExists(dir)).rejects.toMatchObject({ code: 'EISDIR' });
  });
});

describe('helpers', () => {
  it('copies a file atomically', async () => {
    const source = join(dir, 'a.bin');
    await fs.writeFile(source, new Uint8Array([9, 8, 7]));
    await copyFileAtomic(source, join(dir, 'out', 'b.bin'));
    expect([...(await fs.readFile(join(dir, 'out', 'b.bin')))]).toEqual([9, 8, 7]);
  });

  it('makes timestamps safe for file names and sortable', () => {
    const early = fileTimestamp(new Date('2025-03-06T14:05:09.123Z'));
    expect(early).toBe('2025-03-06T14-05-09-123Z');
    expect(early).not.toMatch(/[:/\\]/);
    expect(fileTimestamp(new Date('2025-03-06T14:05:10.000Z')) > early).toBe(true);
  });
});
