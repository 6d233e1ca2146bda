import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { tempPathFor } from './atomic-file';
import { SETTINGS_FILE_NAME, SettingsStore } from './settings';
import { SETTINGS_VERSION, defaultSettings } from '../../shared/settings-schema';

let dir: string;
let file: string;
const fixedNow = (): Date => new Date('2025-05-01T10:20:30.456Z');

beforeEach(async () => {
  dir = await fs.mkdtemp(join(tmpdir(), 'hark-settings-'));
  file = join(dir, SETTINGS_FILE_NAME);
});

afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function filesInDir(): Promise<string[]> {
  return (await fs.readdir(dir)).sort();
}

async function readJson(path: string): Promise<unknown> {
  return JSON.parse(await fs.readFile(path, 'utf8'));
}

describe('loading', () => {
  it('starts from defaults without a file, and writes nothing until something changes', async () => {
    const store = await SettingsStore.open(dir);
    expect(store.get()).toEqual(defaultSettings());
    expect(store.notices).toEqual([]);
    expect(await filesInDir()).toEqual([]);
  });

  it('round-trips updates through the file', async () => {
    const store = await SettingsStore.open(dir);
    const result = await store.update({
      engine: 'elevenlabs',
      voiceSettings: { speed: 1.15 },
      hotkeys: { stop: 'Ctrl+Alt+Q' },
    });
    expect(result).toMatchObject({ ok: true });
    const reopened = await SettingsStore.open(dir);
    expect(reopened.notices).toEqual([]);
    expect(reopened.get()).toEqual({
      ...defaultSettings(),
      engine: 'elevenlabs',
      voiceSettings: { ...defaultSettings().voiceSettings, speed: 1.15 },
      hotkeys: { ...defaultSettings().hotkeys, stop: 'Ctrl+Alt+Q' },
    });
    expect(await readJson(file)).toMatchObject({ version: SETTINGS_VERSION, engine: 'elevenlabs' });
  });

  it('settled() gives the settings after the saves already asked for, which get() does not yet show', async () => {
    const store = await SettingsStore.open(dir);
    const saving = store.update({ engine: 'elevenlabs' });
    expect(store.get().engine).toBe('offline');
    expect((await store.settled()).engine).toBe('elevenlabs');
    expect(await saving).toMatchObject({ ok: true });
  });

  it('removes leftovers of an interrupted save and keeps the last complete file', async () => {
    await fs.writeFile(file, JSON.stringify({ version: 1, busyPolicy: 'queue' }));
    const leftover = tempPathFor(file);
    await fs.writeFile(leftover, '{"version":1,"busyPol');
    const store = await SettingsStore.open(dir);
    expect(store.get().busyPolicy).toBe('queue');
    expect(store.notices).toEqual([]);
    expect(await filesInDir()).toEqual([SETTINGS_FILE_NAME]);
  });
});

describe('recovering damaged files', () => {
  for (const [name, content] of [
    ['truncated JSON', '{"version":1,"engine":"elevenl'],
    ['an empty file', ''],
    ['JSON that is not an object', '["offline"]'],
    ['binary garbage', '\u0000\u0000\u0000\u0000'],
  ] as const) {
    it(`keeps ${name} as a backup, uses defaults and tells the user`, async () => {
      await fs.writeFile(file, content);
      const store = await SettingsStore.open(dir, { now: fixedNow });
      expect(store.get()).toEqual(defaultSettings());
      const backupName = 'settings.corrupt-2025-05-01T10-20-30-456Z.json';
      expect(store.notices).toEqual([
        { kind: 'corrupt', backupPath: join(dir, backupName), message: expect.stringContaining(backupName) },
      ]);
      expect(await fs.readFile(join(dir, backupName), 'utf8')).toBe(content);
      expect(await filesInDir()).toEqual([backupName]);
      // Told once: the next start finds no damaged file.
      expect((await SettingsStore.open(dir)).notices).toEqual([]);
    });
  }

  it('never overwrites an earlier backup from the same moment', async () => {
    await fs.writeFile(file, '{');
    await SettingsStore.open(dir, { now: fixedNow });
    await fs.writeFile(file, '{{');
    const second = await SettingsStore.open(dir, { now: fixedNow });
    expect(second.notices[0]?.kind).toBe('corrupt');
    expect(await filesInDir()).toEqual([
      'settings.corrupt-2025-05-01T10-20-30-456Z-1.json',
      'settings.corrupt-2025-05-01T10-20-30-456Z.json',
    ]);
    expect(await fs.readFile(join(dir, 'settings.corrupt-2025-05-01T10-20-30-456Z.json'), 'utf8')).toBe('{');
  });

  it('resets only the invalid fields, keeps the original and saves the repaired file', async () => {
    const original = JSON.stringify({
      version: 1,
      engine: 'elevenlabs',
      voiceSettings: { speed: 9, stability: 0.3 },
      busyPolicy: 'queue',
      colour: 'blue',
    });
    await fs.writeFile(file, original);
    const store = await SettingsStore.open(dir, { now: fixedNow });
    expect(store.get()).toMatchObject({
      engine: 'elevenlabs',
      busyPolicy: 'queue',
      voiceSettings: { speed: 1, stability: 0.3 },
    });
    const [notice] = store.notices;
    expect(notice?.kind).toBe('fields-reset');
    if (notice?.kind !== 'fields-reset') return;
    expect(notice.problems.map((p) => p.path).sort()).toEqual(['colour', 'voiceSettings.speed']);
    expect(notice.message).toMatch(/voiceSettings\.speed \(must be between 0\.7 and 1\.2\)/);
    expect(notice.message).toMatch(/ignored: colour/);
    expect(await fs.readFile(notice.backupPath, 'utf8')).toBe(original);
    expect(await readJson(file)).toEqual(store.get());
    expect((await SettingsStore.open(dir)).notices).toEqual([]);
  });

  it('reads the fields of a file whose version number is broken', async () => {
    await fs.writeFile(file, JSON.stringify({ version: 'one', busyPolicy: 'ignore' }));
    const store = await SettingsStore.open(dir, { now: fixedNow });
    expect(store.get().busyPolicy).toBe('ignore');
    expect(store.notices[0]).toMatchObject({ kind: 'fields-reset', problems: [{ path: 'version' }] });
  });

  it('falls back to defaults when the file cannot be read at all', async () => {
    await fs.mkdir(file);
    const store = await SettingsStore.open(dir);
    expect(store.get()).toEqual(defaultSettings());
    expect(store.notices).toEqual([{ kind: 'unreadable', message: expect.stringContaining('EISDIR') }]);
  });
});

describe('versions', () => {
  it('loads what it understands from a newer version without overwriting it, and keeps a copy', async () => {
    const future = {
      version: SETTINGS_VERSION + 1,
      engine: 'elevenlabs',
      voiceSettings: { speed: 1.1, warmth: 0.4 },
      dictionaries: ['medical'],
    };
    const text = JSON.stringify(future);
    await fs.writeFile(file, text);
    const store = await SettingsStore.open(dir);
    expect(store.get()).toMatchObject({
      version: SETTINGS_VERSION,
      engine: 'elevenlabs',
      voiceSettings: { speed: 1.1 },
    });
    const [notice] = store.notices;
    expect(notice).toMatchObject({ kind: 'future-version', fileVersion: SETTINGS_VERSION + 1 });
    expect(notice?.message).toMatch(/newer version/);
    if (notice?.kind !== 'future-version') return;
    expect(await readJson(notice.backupPath)).toEqual(future);
    expect(await fs.readFile(file, 'utf8')).toBe(text);

    // Loading again (e.g. after switching between two installed versions) still leaves it alone.
    await SettingsStore.open(dir);
    expect(await fs.readFile(file, 'utf8')).toBe(text);

    // A deliberate change saves in this version's format; the copy of the newer file stays.
    await store.update({ busyPolicy: 'ignore' });
    expect(await readJson(file)).toMatchObject({
      version: SETTINGS_VERSION,
      engine: 'elevenlabs',
      busyPolicy: 'ignore',
    });
    expect(await readJson(notice.backupPath)).toEqual(future);
  });

  it('migrates an older file, keeps the old one and saves the new format', async () => {
    const old = { engine: 'elevenlabs', voiceId: 'oldVoice42' };
    await fs.writeFile(file, JSON.stringify(old));
    const store = await SettingsStore.open(dir);
    expect(store.get().voiceIds.elevenlabs).toBe('oldVoice42');
    expect(store.notices).toEqual([
      {
        kind: 'migrated',
        fromVersion: 0,
        backupPath: join(dir, 'settings.v0.backup.json'),
        message: expect.stringContaining('older version'),
      },
    ]);
    expect(await readJson(join(dir, 'settings.v0.backup.json'))).toEqual(old);
    expect(await readJson(file)).toEqual(store.get());
    expect((await SettingsStore.open(dir)).notices).toEqual([]);
  });
});

describe('updates', () => {
  it('refuses an invalid update as a whole and changes nothing', async () => {
    const store = await SettingsStore.open(dir);
    const listener = vi.fn();
    store.onChange(listener);
    const result = await store.update({ engine: 'elevenlabs', voiceSettings: { speed: 2 } });
    expect(result).toEqual({
      ok: false,
      problems: [{ path: 'voiceSettings.speed', kind: 'invalid', reason: 'must be between 0.7 and 1.2' }],
    });
    expect(store.get()).toEqual(defaultSettings());
    expect(listener).not.toHaveBeenCalled();
    expect(await filesInDir()).toEqual([]);
  });

  it('refuses non-objects, unknown fields, version changes and hotkey clashes', async () => {
    const store = await SettingsStore.open(dir);
    expect(await store.update('engine=offline')).toMatchObject({ ok: false });
    expect(await store.update({ version: 7 })).toMatchObject({ ok: false, problems: [{ path: 'version' }] });
    expect(await store.update({ apiKey: 'sk_x' })).toMatchObject({
      ok: false,
      problems: [{ kind: 'unknown' }],
    });
    const clash = await store.update({ hotkeys: { stop: defaultSettings().hotkeys.readSelection } });
    expect(clash).toMatchObject({ ok: false, problems: [{ path: 'hotkeys.stop' }] });
    expect(store.get()).toEqual(defaultSettings());
  });

  it('tells listeners which fields changed, and only when something did', async () => {
    const store = await SettingsStore.open(dir);
    const calls: [string, readonly string[]][] = [];
    const unsubscribe = store.onChange((settings, changed) => calls.push([settings.busyPolicy, changed]));
    await store.update({ busyPolicy: 'queue', overlay: { enabled: false, dimRest: false } });
    await store.update({ busyPolicy: 'queue' });
    unsubscribe();
    await store.update({ busyPolicy: 'ignore' });
    expect(calls).toEqual([['queue', ['busyPolicy', 'overlay.enabled']]]);
  });

  it('keeps saving and notifying the others when one listener throws', async () => {
    const store = await SettingsStore.open(dir);
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const good = vi.fn();
    store.onChange(() => {
      throw new Error('listener bug');
    });
    store.onChange(good);
    const result = await store.update({ launchAtLogin: true });
    expect(result).toMatchObject({ ok: true, changed: ['launchAtLogin'] });
    expect(good).toHaveBeenCalledOnce();
    expect(errors).toHaveBeenCalledOnce();
    errors.mockRestore();
  });

  it('applies quick successive updates in order, none lost', async () => {
    const store = await SettingsStore.open(dir);
    await Promise.all([
      store.update({ overlay: { fontScale: 1.5 } }),
      store.update({ overlay: { dimRest: true } }),
      store.update({ history: { maxEntries: 10 } }),
      store.update({ history: { maxMegabytes: 5 } }),
    ]);
    const expected = {
      ...defaultSettings(),
      overlay: { ...defaultSettings().overlay, fontScale: 1.5, dimRest: true },
      history: { maxEntries: 10, maxMegabytes: 5 },
    };
    expect(store.get()).toEqual(expected);
    expect((await SettingsStore.open(dir)).get()).toEqual(expected);
  });

  it('hands out copies, so callers cannot change the store behind its back', async () => {
    const store = await SettingsStore.open(dir);
    store.get().voiceSettings.speed = 0.7;
    expect(store.get().voiceSettings.speed).toBe(1);
  });

  it('resets everything to the defaults', async () => {
    const store = await SettingsStore.open(dir);
    await store.update({ engine: 'elevenlabs', hotkeys: { stop: '' } });
    expect(await store.resetToDefaults()).toEqual(defaultSettings());
    expect((await SettingsStore.open(dir)).get()).toEqual(defaultSettings());
  });
});
