import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempPathFor } from './atomic-file';
import { HistoryError, HistoryStore } from './history';
import type { NewHistoryEntry } from './history';
import { AUDIO_DIR_NAME, INDEX_FILE_NAME } from '../../shared/history-index';

let dir: string;

beforeEach(async () => {
  dir = await fs.mkdtemp(join(tmpdir(), 'hark-history-'));
});

afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

function reading(text: string, overrides: Partial<NewHistoryEntry> = {}): NewHistoryEntry {
  return {
    text,
    voiceId: 'JBFqnCBsd6RMkjVDRZzb',
    voiceName: 'George',
    modelId: 'eleven_flash_v2_5',
    engine: 'elevenlabs',
    outputFormat: 'mp3_44100_128',
    durationMs: 1500,
    charactersBilled: text.length,
    ...overrides,
  };
}

function audioOf(seed: number, length = 64): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (seed * 31 + i) % 256);
}

async function audioFiles(): Promise<string[]> {
  return (await fs.readdir(join(dir, AUDIO_DIR_NAME))).sort();
}

/** The index's operations (its format header, when it has one, left out). */
async function indexLines(): Promise<string[]> {
  const lines = (await fs.readFile(join(dir, INDEX_FILE_NAME), 'utf8')).split('\n').filter(Boolean);
  return lines.filter((line, i) => i > 0 || !line.startsWith('{"op":"format"'));
}

async function addTexts(store: HistoryStore, texts: string[]): Promise<void> {
  for (const [i, text] of texts.entries()) await store.add(reading(text), audioOf(i));
}

describe('adding and reading', () => {
  it('stores entries with their audio and finds them again after reopening', async () => {
    const store = await HistoryStore.open(dir, { now: () => new Date('2025-05-01T10:00:00.000Z') });
    const entry = await store.add(reading('Hello there.', { outputFormat: 'pcm_22050' }), audioOf(7, 300));
    expect(entry).toMatchObject({
      text: 'Hello there.',
      createdAt: '2025-05-01T10:00:00.000Z',
      audioFile: `${entry.id}.pcm`,
      audioBytes: 300,
      outputFormat: 'pcm_22050',
    });
    expect(store.get(entry.id)).toEqual(entry);
    expect(await store.readAudio(entry.id)).toEqual(audioOf(7, 300));

    const reopened = await HistoryStore.open(dir);
    expect(reopened.get(entry.id)).toEqual(entry);
    expect(await reopened.readAudio(entry.id)).toEqual(audioOf(7, 300));
    expect(reopened.openReport).toEqual({
      droppedPartialLine: false,
      skippedLines: 0,
      missingAudio: 0,
      removedOrphans: 0,
      compacted: false,
    });
    expect(reopened.audioBytes).toBe(300);
  });

  it('lists newest first, in pages, with the total', async () => {
    const store = await HistoryStore.open(dir);
    await addTexts(store, ['one', 'two', 'three', 'four', 'five']);
    const texts = (request: { offset?: number; limit?: number }): string[] =>
      store.list(request).entries.map((entry) => entry.text);
    expect(texts({})).toEqual(['five', 'four', 'three', 'two', 'one']);
    expect(texts({ offset: 1, limit: 2 })).toEqual(['four', 'three']);
    expect(texts({ offset: 4, limit: 10 })).toEqual(['one']);
    expect(texts({ offset: 9 })).toEqual([]);
    expect(store.list({ limit: 1 }).total).toBe(5);
    expect((await HistoryStore.open(dir)).list().entries.map((e) => e.text)).toEqual(texts({}));
  });

  it('searches text and voice name, ignoring case', async () => {
    const store = await HistoryStore.open(dir);
    await store.add(reading('The Quick brown fox'), audioOf(1));
    await store.add(reading('lazy dog', { voiceName: 'Quinn' }), audioOf(2));
    await store.add(reading('nothing here', { voiceId: 'quick' }), audioOf(3));
    expect(store.search('QUI').entries.map((e) => e.text)).toEqual(['lazy dog', 'The Quick brown fox']);
    expect(store.search('quick').total).toBe(1);
    expect(store.search('quick', { limit: 0 })).toEqual({ entries: [], total: 1 });
    expect(store.search('absent').total).toBe(0);
    expect(store.search('  ').total).toBe(3);
  });

  it('gives every entry its own id even when added all at once', async () => {
    const store = await HistoryStore.open(dir, { now: () => new Date(0) });
    const entries = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.add(reading(`r${i}`), audioOf(i))),
    );
    expect(new Set(entries.map((e) => e.id)).size).toBe(20);
    expect(store.list({ limit: 100 }).entries.map((e) => e.text)).toEqual(
      Array.from({ length: 20 }, (_, i) => `r${19 - i}`),
    );
    expect(await audioFiles()).toHaveLength(20);
  });

  it('refuses an invalid entry and writes nothing', async () => {
    const store = await HistoryStore.open(dir);
    const bad = { ...reading('x'), engine: 'azure' } as unknown as NewHistoryEntry;
    await expect(store.add(bad, audioOf(1))).rejects.toMatchObject({ code: 'invalid_entry' });
    expect(store.size).toBe(0);
    expect(await audioFiles()).toEqual([]);
  });

  it('reports unknown ids as not found', async () => {
    const store = await HistoryStore.open(dir);
    await expect(store.readAudio('nope')).rejects.toBeInstanceOf(HistoryError);
    await expect(store.readAudio('nope')).rejects.toMatchObject({ code: 'not_found' });
    expect(store.get('nope')).toBeUndefined();
  });

  it('refuses writes once closed, after finishing the pending ones', async () => {
    const store = await HistoryStore.open(dir);
    const pending = store.add(reading('last'), audioOf(1));
    await store.close();
    await expect(pending).resolves.toMatchObject({ text: 'last' });
    await expect(store.add(reading('late'), audioOf(2))).rejects.toMatchObject({ code: 'closed' });
    expect((await HistoryStore.open(dir)).size).toBe(1);
  });
});

describe('deleting', () => {
  it('deletes one entry and its audio file, for good', async () => {
    const store = await HistoryStore.open(dir);
    await addTexts(store, ['keep', 'drop']);
    const drop = store.search('drop').entries[0];
    if (!drop) throw new Error('entry missing');
    expect(await store.delete(drop.id)).toBe(true);
    expect(await store.delete(drop.id)).toBe(false);
    expect(store.list().entries.map((e) => e.text)).toEqual(['keep']);
    expect(await audioFiles()).not.toContain(drop.audioFile);
    expect(await audioFiles()).toHaveLength(1);
    expect((await HistoryStore.open(dir)).list().entries.map((e) => e.text)).toEqual(['keep']);
  });

  it('clears everything, and stays usable afterwards', async () => {
    const store = await HistoryStore.open(dir);
    await addTexts(store, ['a', 'b', 'c']);
    await store.clear();
    expect(store.list()).toEqual({ entries: [], total: 0 });
    expect(store.audioBytes).toBe(0);
    expect(await audioFiles()).toEqual([]);
    expect(await indexLines()).toEqual([]);
    await store.add(reading('after'), audioOf(1));
    expect((await HistoryStore.open(dir)).list().entries.map((e) => e.text)).toEqual(['after']);
  });

  it('compacts the index once tombstones outnumber live entries', async () => {
    const store = await HistoryStore.open(dir, { compactAfterDeadLines: 6 });
    await addTexts(store, ['a', 'b', 'c', 'd', 'e']);
    const [e, d] = store.list().entries;
    await store.delete(e?.id ?? '');
    await store.delete(d?.id ?? '');
    expect(await indexLines()).toHaveLength(7);
    const c = store.list().entries[0];
    await store.delete(c?.id ?? '');
    // 3 deletes = 6 dead lines > 2 live entries: rewritten with just the live ones.
    expect(await indexLines()).toHaveLength(2);
    expect((await HistoryStore.open(dir)).list().entries.map((x) => x.text)).toEqual(['b', 'a']);
  });
});

describe('retention', () => {
  it('keeps at most maxEntries, removing the oldest and their audio', async () => {
    const store = await HistoryStore.open(dir, { retention: { maxEntries: 3, maxMegabytes: 100 } });
    await addTexts(store, ['1', '2', '3', '4', '5']);
    expect(store.list().entries.map((e) => e.text)).toEqual(['5', '4', '3']);
    const kept = store
      .list()
      .entries.map((e) => e.audioFile)
      .sort();
    expect(await audioFiles()).toEqual(kept);
  });

  it('keeps the audio under maxMegabytes, removing the oldest first', async () => {
    const megabyte = 1024 * 1024;
    const store = await HistoryStore.open(dir, { retention: { maxEntries: 100, maxMegabytes: 1 } });
    await store.add(reading('big old'), audioOf(1, 600 * 1024));
    await store.add(reading('small'), audioOf(2, 100 * 1024));
    expect(store.size).toBe(2);
    await store.add(reading('big new'), audioOf(3, 400 * 1024));
    expect(store.list().entries.map((e) => e.text)).toEqual(['big new', 'small']);
    expect(store.audioBytes).toBe(500 * 1024);
    expect(store.audioBytes).toBeLessThanOrEqual(megabyte);
    expect(await audioFiles()).toHaveLength(2);
  });

  it('applies a lowered limit at once, and at open time', async () => {
    const store = await HistoryStore.open(dir);
    await addTexts(store, ['1', '2', '3', '4']);
    const oldest = store.list().entries.at(-1)?.id;
    expect(await store.setRetention({ maxEntries: 3, maxMegabytes: 100 })).toEqual([oldest]);
    expect(store.size).toBe(3);
    const reopened = await HistoryStore.open(dir, { retention: { maxEntries: 1, maxMegabytes: 100 } });
    expect(reopened.list().entries.map((e) => e.text)).toEqual(['4']);
    expect(await audioFiles()).toHaveLength(1);
  });

  it('keeps nothing when the limit is zero', async () => {
    const store = await HistoryStore.open(dir, { retention: { maxEntries: 0, maxMegabytes: 100 } });
    const entry = await store.add(reading('private'), audioOf(1));
    expect(store.get(entry.id)).toBeUndefined();
    expect(await audioFiles()).toEqual([]);
  });
});

describe('repair on open', () => {
  it('drops a partial last line, compacts it away, and the next add survives', async () => {
    const store = await HistoryStore.open(dir);
    await addTexts(store, ['first']);
    await fs.appendFile(join(dir, INDEX_FILE_NAME), '{"op":"add","entry":{"id":"m1","text":"half');
    const repaired = await HistoryStore.open(dir);
    expect(repaired.openReport).toMatchObject({ droppedPartialLine: true, compacted: true });
    await repaired.add(reading('second'), audioOf(2));
    const again = await HistoryStore.open(dir);
    expect(again.list().entries.map((e) => e.text)).toEqual(['second', 'first']);
    expect(again.openReport.droppedPartialLine).toBe(false);
  });

  it('removes orphaned audio and leftover temporary files, keeps listed audio', async () => {
    const store = await HistoryStore.open(dir);
    await addTexts(store, ['kept']);
    const audioDir = join(dir, AUDIO_DIR_NAME);
    await fs.writeFile(join(audioDir, 'zz-orphan.mp3'), 'x');
    await fs.writeFile(tempPathFor(join(audioDir, 'zz-next.mp3')), 'x');
    await fs.writeFile(tempPathFor(join(dir, INDEX_FILE_NAME)), 'half a compaction');
    const reopened = await HistoryStore.open(dir);
    expect(reopened.openReport.removedOrphans).toBe(2);
    expect(await audioFiles()).toEqual([reopened.list().entries[0]?.audioFile]);
    expect((await fs.readdir(dir)).sort()).toEqual([AUDIO_DIR_NAME, INDEX_FILE_NAME]);
  });

  it('drops entries whose audio file has disappeared, so every listed entry can be played', async () => {
    const store = await HistoryStore.open(dir);
    await addTexts(store, ['gone', 'here']);
    const gone = store.search('gone').entries[0];
    await fs.rm(join(dir, AUDIO_DIR_NAME, gone?.audioFile ?? ''));
    const reopened = await HistoryStore.open(dir);
    expect(reopened.list().entries.map((e) => e.text)).toEqual(['here']);
    expect(reopened.openReport).toMatchObject({ missingAudio: 1, compacted: true });
    expect(await indexLines()).toHaveLength(1);
  });

  it('skips a damaged line in the middle and keeps the others', async () => {
    const store = await HistoryStore.open(dir);
    await addTexts(store, ['a']);
    await fs.appendFile(join(dir, INDEX_FILE_NAME), '{"op":"add","entry":{"broken":true}}\n');
    await store.add(reading('b'), audioOf(2));
    const reopened = await HistoryStore.open(dir);
    expect(reopened.list().entries.map((e) => e.text)).toEqual(['b', 'a']);
    expect(reopened.openReport).toMatchObject({ skippedLines: 1, compacted: true });
  });
});

describe('a history that cannot be opened', () => {
  it('keeps this session in a temporary folder, says so, and leaves the original alone', async () => {
    // A file where the history folder should be: works as root too, unlike a permission.
    const blocked = join(dir, 'history');
    await fs.writeFile(blocked, 'not a folder');
    await expect(HistoryStore.open(blocked)).rejects.toThrow();

    const store = await HistoryStore.openOrTemporary(blocked);
    try {
      const notice = store.notices.find((n) => n.kind === 'unreadable');
      expect(notice?.message).toContain(blocked);
      expect(notice?.message).toMatch(/temporary folder/);
      expect(store.dir).not.toBe(blocked);
      await store.add(reading('Still kept for now.'), audioOf(1));
      expect(store.list().entries.map((entry) => entry.text)).toEqual(['Still kept for now.']);
      expect(await fs.readFile(blocked, 'utf8')).toBe('not a folder');
    } finally {
      await store.close();
      await fs.rm(store.dir, { recursive: true, force: true });
    }
  });

  it('opens a readable history as open() does, without a notice', async () => {
    const store = await HistoryStore.openOrTemporary(join(dir, 'fine'));
    expect(store.dir).toBe(join(dir, 'fine'));
    expect(store.notices).toEqual([]);
    await store.close();
  });
});
