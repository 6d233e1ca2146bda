// Settings and history files in states Hark did not leave them in: saved by an editor, cut off,
// overwritten with garbage, partly unreadable, or written by a newer Hark. Each time the app starts,
// keeps everything it can (a backup of the rest), says what happened, and works normally afterwards.
// (The basic cases, a corrupt or newer settings file and a partial last history line, are in
// main/store/*.test.ts.)
import fc from 'fast-check';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHeadlessApp } from '../main/app/headless';
import { HistoryStore } from '../main/store/history';
import type { NewHistoryEntry } from '../main/store/history';
import { AUDIO_DIR_NAME, INDEX_FILE_NAME } from '../shared/history-index';
import { salvageJsonObject } from '../main/store/json-salvage';
import { SETTINGS_FILE_NAME, SettingsStore } from '../main/store/settings';
import { defaultSettings } from '../shared/settings-schema';
import { quietLogger } from './helpers/live-api';

let dir: string;

beforeEach(async () => {
  dir = await fs.mkdtemp(join(tmpdir(), 'hark-bad-files-'));
});

afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const fixedNow = (): Date => new Date('2025-06-01T08:00:00.000Z');

// ---------------------------------------------------------------------------------------------
// Settings

const SAVED = {
  version: 1,
  engine: 'elevenlabs',
  busyPolicy: 'queue',
  clipboardFallback: false,
  voiceSettings: { ...defaultSettings().voiceSettings, speed: 1.1 },
};

describe('a settings file', () => {
  const file = (): string => join(dir, SETTINGS_FILE_NAME);

  it('saved by an editor with a byte order mark is simply read', async () => {
    await fs.writeFile(file(), `\uFEFF${JSON.stringify(SAVED, null, 2)}`);
    const store = await SettingsStore.open(dir);
    expect(store.notices).toEqual([]);
    expect(store.get()).toMatchObject({
      engine: 'elevenlabs',
      busyPolicy: 'queue',
      clipboardFallback: false,
    });
    expect(await fs.readdir(dir)).toEqual([SETTINGS_FILE_NAME]);
  });

  it('cut off part-way keeps the settings before the cut, with a backup and a notice', async () => {
    const whole = JSON.stringify(SAVED, null, 2);
    const cut = whole.slice(0, whole.indexOf('"speed"') + 5);
    await fs.writeFile(file(), cut);
    const store = await SettingsStore.open(dir, { now: fixedNow });
    expect(store.get()).toMatchObject({
      engine: 'elevenlabs',
      busyPolicy: 'queue',
      clipboardFallback: false,
    });
    expect(store.get().voiceSettings).toEqual(defaultSettings().voiceSettings);
    const backupPath = join(dir, 'settings.corrupt-2025-06-01T08-00-00-000Z.json');
    expect(store.notices).toEqual([
      {
        kind: 'corrupt',
        backupPath,
        message: expect.stringMatching(
          /damaged\. Hark kept the 3 settings it could still read .* kept as .*corrupt/,
        ),
      },
    ]);
    // Byte for byte, the damaged file is in the backup; the repaired one loads without a word.
    expect(await fs.readFile(backupPath, 'utf8')).toBe(cut);
    const reopened = await SettingsStore.open(dir);
    expect(reopened.notices).toEqual([]);
    expect(reopened.get()).toEqual(store.get());
  });

  it('with garbage after it (NUL bytes from a crash) keeps every setting', async () => {
    await fs.writeFile(file(), Buffer.concat([Buffer.from(JSON.stringify(SAVED)), Buffer.alloc(512)]));
    const store = await SettingsStore.open(dir, { now: fixedNow });
    expect(store.get()).toMatchObject({ engine: 'elevenlabs', busyPolicy: 'queue' });
    expect(store.get().voiceSettings.speed).toBe(1.1);
    expect(store.notices).toMatchObject([
      { kind: 'corrupt', message: expect.stringMatching(/the 4 settings/) },
    ]);
  });

  it('that is garbage from the first byte falls back to the defaults, keeping the file', async () => {
    const garbage = Buffer.from([0x7b, 0xff, 0x00, 0x13, 0x37, 0x22, 0x7d, 0x2c]);
    await fs.writeFile(file(), garbage);
    const store = await SettingsStore.open(dir, { now: fixedNow });
    expect(store.get()).toEqual(defaultSettings());
    expect(store.notices).toMatchObject([
      { kind: 'corrupt', message: expect.stringMatching(/default settings/) },
    ]);
    const backup = (await fs.readdir(dir)).find((name) => name.startsWith('settings.corrupt-'));
    expect(await fs.readFile(join(dir, backup ?? ''))).toEqual(garbage);
  });
});

describe('salvaging a damaged JSON object', () => {
  it('keeps exactly the members that were complete before any cut (property)', () => {
    const object = fc.dictionary(
      fc.string().filter((key) => key !== '__proto__'),
      fc.jsonValue(),
    );
    fc.assert(
      fc.property(object, fc.nat(), fc.constantFrom(0, 2), (value, seed, indent) => {
        const json = JSON.stringify(value, null, indent);
        const expected = JSON.parse(json) as Record<string, unknown>;
        const cut = seed % (json.length + 1);
        const salvaged = salvageJsonObject(json.slice(0, cut));
        if (cut === json.length) expect(salvaged).toEqual(expected);
        if (salvaged === undefined) return;
        const keys = Object.keys(salvaged);
        expect(keys).toEqual(Object.keys(expected).slice(0, keys.length));
        for (const key of keys) expect(salvaged[key]).toEqual(expected[key]);
      }),
      { numRuns: 1000 },
    );
  });

  it('reads through garbage after the object and refuses what is not an object', () => {
    // Braces, quotes and backslashes inside strings do not confuse it.
    const tricky = { a: '}{\\"[', b: [1, { c: 2 }] };
    expect(salvageJsonObject(`${JSON.stringify(tricky)}\u0000\u0000garbage`)).toEqual(tricky);
    expect(salvageJsonObject('{"a":1,"b":2,#%&*')).toEqual({ a: 1, b: 2 });
    expect(salvageJsonObject('["a",1]')).toBeUndefined();
    expect(salvageJsonObject('')).toBeUndefined();
    expect(salvageJsonObject('{"only":"cut')).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------
// History

function reading(text: string): NewHistoryEntry {
  return {
    text,
    voiceId: 'en-us',
    voiceName: 'English (America)',
    modelId: 'offline',
    engine: 'offline',
    outputFormat: 'pcm_16000',
    durationMs: 1200,
    charactersBilled: 0,
  };
}

async function historyWith(texts: string[]): Promise<{ historyDir: string; ids: string[] }> {
  const historyDir = join(dir, 'history');
  const store = await HistoryStore.open(historyDir);
  const ids: string[] = [];
  for (const [i, text] of texts.entries())
    ids.push((await store.add(reading(text), Uint8Array.of(i, i, i, i))).id);
  await store.close();
  return { historyDir, ids };
}

async function filesIn(path: string): Promise<string[]> {
  return (await fs.readdir(path)).sort();
}

describe('a history index', () => {
  it('with a damaged line keeps the rest, and sets the damaged line and its audio aside', async () => {
    const { historyDir, ids } = await historyWith(['first', 'second', 'third']);
    const indexPath = join(historyDir, INDEX_FILE_NAME);
    const lines = (await fs.readFile(indexPath, 'utf8')).split('\n');
    // Damage the line of 'second' (a disk error flipped a few bytes in the middle of it).
    const damagedAt = lines.findIndex((line) => line.includes('"second"'));
    lines[damagedAt] = `${lines[damagedAt]!.slice(0, 40)}\u0000\u0000\u0000${lines[damagedAt]!.slice(43)}`;
    const original = lines.join('\n');
    await fs.writeFile(indexPath, original);

    const store = await HistoryStore.open(historyDir, { now: fixedNow });
    expect(store.list().entries.map((e) => e.text)).toEqual(['third', 'first']);
    const recovered = join(historyDir, 'recovered-2025-06-01T08-00-00-000Z');
    expect(store.notices).toEqual([
      {
        kind: 'repaired',
        backupPath: recovered,
        message: expect.stringMatching(
          /damaged \(1 damaged line\).* 2 readings .* 1 unlisted audio file were kept in/,
        ),
      },
    ]);
    // The original index, byte for byte, and the audio of the unreadable entry: nothing is lost.
    expect(await fs.readFile(join(recovered, INDEX_FILE_NAME), 'utf8')).toBe(original);
    expect(await filesIn(join(recovered, AUDIO_DIR_NAME))).toEqual([`${ids[1]}.pcm`]);
    expect(await filesIn(join(historyDir, AUDIO_DIR_NAME))).toEqual([`${ids[0]}.pcm`, `${ids[2]}.pcm`]);
    // Repaired: the next start is quiet, and new readings are stored as usual.
    await store.add(reading('fourth'), Uint8Array.of(9));
    const reopened = await HistoryStore.open(historyDir);
    expect(reopened.notices).toEqual([]);
    expect(reopened.list().entries.map((e) => e.text)).toEqual(['fourth', 'third', 'first']);
  });

  it('overwritten with garbage keeps every audio file aside and starts empty', async () => {
    const { historyDir, ids } = await historyWith(['one', 'two']);
    const garbage = Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 7919) % 256));
    await fs.writeFile(join(historyDir, INDEX_FILE_NAME), garbage);

    const store = await HistoryStore.open(historyDir, { now: fixedNow });
    expect(store.size).toBe(0);
    expect(store.notices).toMatchObject([
      { kind: 'repaired', message: expect.stringMatching(/2 unlisted audio files/) },
    ]);
    const recovered = store.openReport.backupPath ?? '';
    expect(await fs.readFile(join(recovered, INDEX_FILE_NAME))).toEqual(garbage);
    expect(await filesIn(join(recovered, AUDIO_DIR_NAME))).toEqual(ids.map((id) => `${id}.pcm`).sort());
    await store.add(reading('after'), Uint8Array.of(1));
    expect((await HistoryStore.open(historyDir)).list().entries.map((e) => e.text)).toEqual(['after']);
  });

  it('listing audio that has gone keeps the original index aside', async () => {
    const { historyDir, ids } = await historyWith(['kept', 'gone']);
    await fs.rm(join(historyDir, AUDIO_DIR_NAME, `${ids[1]}.pcm`));
    const original = await fs.readFile(join(historyDir, INDEX_FILE_NAME), 'utf8');
    const store = await HistoryStore.open(historyDir, { now: fixedNow });
    expect(store.list().entries.map((e) => e.text)).toEqual(['kept']);
    expect(store.notices).toMatchObject([
      { kind: 'repaired', message: expect.stringMatching(/1 reading whose audio is missing/) },
    ]);
    expect(await fs.readFile(join(store.openReport.backupPath ?? '', INDEX_FILE_NAME), 'utf8')).toBe(
      original,
    );
  });

  it('from a newer version lists what it understands and leaves everything else alone', async () => {
    const { historyDir, ids } = await historyWith(['old reading']);
    const indexPath = join(historyDir, INDEX_FILE_NAME);
    const known = (await fs.readFile(indexPath, 'utf8'))
      .split('\n')
      .filter((line) => line.includes('"op":"add"'));
    const newerEntry = {
      id: 'zz-newer',
      createdAt: '2026-01-01T00:00:00.000Z',
      text: 'read by a voice this version does not know',
      voiceId: 'v',
      voiceName: 'V',
      modelId: 'm',
      engine: 'some-future-engine',
      outputFormat: 'pcm_16000',
      durationMs: 10,
      charactersBilled: 1,
      audioFile: 'zz-newer.pcm',
      audioBytes: 1,
    };
    const newer = [
      '{"op":"format","version":2}',
      ...known,
      JSON.stringify({ op: 'add', entry: newerEntry }),
      '{"op":"pin","id":"zz-newer"}',
      '',
    ].join('\n');
    await fs.writeFile(indexPath, newer);
    await fs.writeFile(join(historyDir, AUDIO_DIR_NAME, 'zz-newer.pcm'), 'x');

    const store = await HistoryStore.open(historyDir, { now: fixedNow });
    expect(store.list().entries.map((e) => e.text)).toEqual(['old reading']);
    expect(store.notices).toEqual([
      {
        kind: 'future-version',
        fileVersion: 2,
        backupPath: join(historyDir, 'index.v2.backup.jsonl'),
        message: expect.stringMatching(
          /newer version of Hark\. This version lists the readings it understands/,
        ),
      },
    ]);
    // Not rewritten, not swept: the newer version finds its lines and its audio again.
    expect(await fs.readFile(indexPath, 'utf8')).toBe(newer);
    expect(await fs.readFile(join(historyDir, 'index.v2.backup.jsonl'), 'utf8')).toBe(newer);
    expect(await filesIn(join(historyDir, AUDIO_DIR_NAME))).toEqual([`${ids[0]}.pcm`, 'zz-newer.pcm']);
    // Readings made meanwhile are appended; even an explicit compaction leaves the file alone.
    const added = await store.add(reading('made by this version'), Uint8Array.of(5));
    await store.compact();
    const after = await fs.readFile(indexPath, 'utf8');
    expect(after.startsWith(newer)).toBe(true);
    expect(after).toContain(added.id);
    const reopened = await HistoryStore.open(historyDir);
    expect(reopened.list().entries.map((e) => e.text)).toEqual(['made by this version', 'old reading']);
    expect(reopened.openReport.skippedLines).toBe(0);
  });
});

describe('the app starting on damaged files', () => {
  it('starts, works, and tells about each repair', async () => {
    const { historyDir } = await historyWith(['one']);
    await fs.appendFile(join(historyDir, INDEX_FILE_NAME), 'not json at all\n');
    await fs.writeFile(join(dir, SETTINGS_FILE_NAME), '{"version":1,"busyPolicy":"queue","engine":"off');
    const logLines: string[] = [];
    const app = await startHeadlessApp({ dataDir: dir, log: quietLogger(logLines) });
    try {
      expect(logLines).toEqual([
        expect.stringMatching(/^warn: The settings file was damaged\. Hark kept the setting "busyPolicy"/),
        expect.stringMatching(/^warn: The reading history was damaged \(1 damaged line\)/),
      ]);
      expect(app.settings.get().busyPolicy).toBe('queue');
      const page = await app.services.historyList({});
      expect(page.ok && page.value.entries.map((e) => e.text)).toEqual(['one']);
    } finally {
      await app.close();
    }
  });
});
