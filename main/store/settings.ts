// The settings store: loads settings.json from the user-data folder, repairs what it can, never
// throws away a file it could not fully understand (a backup is kept and the user is told), applies
// validated updates, saves atomically and tells listeners what changed. Plain Node: the folder is
// given as a path, so the CLI and tests use it exactly like the app does.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { fileTimestamp, readFileAtomic, writeFileAtomic } from './atomic-file';
import { salvageJsonObject } from './json-salvage';
import { SETTINGS_VERSION, defaultSettings, migrate, validateSettings } from '../../shared/settings-schema';
import type { Settings, SettingsProblem } from '../../shared/settings-schema';

export const SETTINGS_FILE_NAME = 'settings.json';

/** Something about loading the settings the user should hear about (shown once, after start-up). */
export type SettingsNotice =
  | { kind: 'corrupt'; message: string; backupPath: string }
  | { kind: 'future-version'; message: string; backupPath: string; fileVersion: number }
  | { kind: 'migrated'; message: string; backupPath: string; fromVersion: number }
  | { kind: 'fields-reset'; message: string; problems: SettingsProblem[]; backupPath: string }
  | { kind: 'unreadable'; message: string };

export type SettingsUpdateResult =
  { ok: true; settings: Settings; changed: string[] } | { ok: false; problems: SettingsProblem[] };

export type SettingsListener = (settings: Settings, changed: readonly string[]) => void;

export interface SettingsStoreOptions {
  /** Clock for backup file names (tests pin it). */
  now?: () => Date;
}

interface Loaded {
  settings: Settings;
  notices: SettingsNotice[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeProblems(problems: readonly SettingsProblem[]): string {
  const invalid = problems.filter((p) => p.kind === 'invalid');
  const unknown = problems.filter((p) => p.kind === 'unknown');
  const parts: string[] = [];
  if (invalid.length > 0) {
    const list = invalid.map((p) => (p.path ? `${p.path} (${p.reason})` : p.reason)).join('; ');
    parts.push(`These settings were not valid and are back to their defaults: ${list}.`);
  }
  if (unknown.length > 0)
    parts.push(`Unknown settings were ignored: ${unknown.map((p) => p.path).join(', ')}.`);
  return parts.join(' ');
}

/** Paths of the leaves whose values differ, e.g. ["voiceSettings.speed", "engine"]. */
function changedPaths(before: unknown, after: unknown, prefix = ''): string[] {
  if (isRecord(before) && isRecord(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    return [...keys].flatMap((key) =>
      changedPaths(before[key], after[key], prefix ? `${prefix}.${key}` : key),
    );
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [prefix];
}

/** Applies a partial update one level deep into groups (overlay, hotkeys, ...), leaving checks to the schema. */
function mergePatch(current: Settings, patch: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    const existing = merged[key];
    merged[key] = isRecord(existing) && isRecord(value) ? { ...existing, ...value } : value;
  }
  return merged;
}

function serialize(settings: Settings): string {
  return `${JSON.stringify(settings, null, 2)}\n`;
}

export class SettingsStore {
  private current: Settings;
  private readonly listeners = new Set<SettingsListener>();
  /** Saves run one after another so two quick updates can never land in the wrong order. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly filePath: string,
    loaded: Loaded,
  ) {
    this.current = loaded.settings;
    this.notices = loaded.notices;
  }

  /** What happened while loading; empty on a normal start. */
  readonly notices: readonly SettingsNotice[];

  /** Loads (and if needed repairs) `<userDataDir>/settings.json`. Never fails on bad content. */
  static async open(userDataDir: string, options: SettingsStoreOptions = {}): Promise<SettingsStore> {
    const filePath = join(userDataDir, SETTINGS_FILE_NAME);
    const loader = new SettingsLoader(userDataDir, filePath, options.now ?? (() => new Date()));
    return new SettingsStore(filePath, await loader.load());
  }

  /** A copy of the current settings (callers cannot change the store by mutating it). */
  get(): Settings {
    return structuredClone(this.current);
  }

  /**
   * The settings once every update already asked for is saved: a reading started while a change is
   * being written (a voice picked just before Speak) uses the new value, not the one before it.
   */
  async settled(): Promise<Settings> {
    await this.queue;
    return this.get();
  }

  /**
   * Applies a partial update (`{ overlay: { enabled: false } }`) after validating the result as a
   * whole. Nothing is applied when any field is invalid. Rejects only when the file cannot be written.
   */
  update(patch: unknown): Promise<SettingsUpdateResult> {
    return this.enqueue(() => this.apply(patch));
  }

  /** Every setting back to its default (hotkeys included). */
  async resetToDefaults(): Promise<Settings> {
    const { version: _version, ...defaults } = defaultSettings();
    const result = await this.update(defaults);
    if (!result.ok) throw new Error('The default settings failed validation.');
    return result.settings;
  }

  /** Calls `listener` after each saved change; returns the function that unsubscribes it. */
  onChange(listener: SettingsListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private enqueue<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.queue.then(operation);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async apply(patch: unknown): Promise<SettingsUpdateResult> {
    if (!isRecord(patch)) {
      return { ok: false, problems: [{ path: '', kind: 'invalid', reason: 'an update must be an object' }] };
    }
    if ('version' in patch) {
      return { ok: false, problems: [{ path: 'version', kind: 'invalid', reason: 'is managed by Hark' }] };
    }
    const { settings, problems } = validateSettings(mergePatch(this.current, patch));
    if (problems.length > 0) return { ok: false, problems };
    const changed = changedPaths(this.current, settings);
    if (changed.length === 0) return { ok: true, settings: this.get(), changed };
    await writeFileAtomic(this.filePath, serialize(settings));
    this.current = settings;
    this.notify(changed);
    return { ok: true, settings: this.get(), changed };
  }

  private notify(changed: string[]): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(this.get(), changed);
      } catch (error) {
        // One broken listener must not stop the others or fail an update that is already saved.
        console.error('A settings listener failed:', error);
      }
    }
  }
}

/** The load-and-repair decisions, kept apart from the store's day-to-day work. */
class SettingsLoader {
  constructor(
    private readonly dir: string,
    private readonly filePath: string,
    private readonly now: () => Date,
  ) {}

  async load(): Promise<Loaded> {
    let bytes: Buffer | undefined;
    try {
      bytes = await readFileAtomic(this.filePath);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return this.defaultsWith({
        kind: 'unreadable',
        message: `Hark could not read its settings file (${reason}) and is using the defaults for now.`,
      });
    }
    if (bytes === undefined) return { settings: defaultSettings(), notices: [] };
    // An editor may have saved it with a byte order mark; that is no damage.
    const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
    const parsed = this.parse(text);
    try {
      if (parsed !== undefined) return await this.fromObject(parsed);
      const salvaged = salvageJsonObject(text);
      return salvaged ? await this.recoverPart(salvaged) : await this.recoverCorrupt();
    } catch (error) {
      // Keeping a backup failed (read-only folder, full disk): start anyway, and say so.
      const reason = error instanceof Error ? error.message : String(error);
      return this.defaultsWith({
        kind: 'unreadable',
        message: `Hark could not repair its settings file (${reason}) and is using the defaults for now.`,
      });
    }
  }

  private parse(text: string): Record<string, unknown> | undefined {
    try {
      const value: unknown = JSON.parse(text);
      return isRecord(value) ? value : undefined;
    } catch {
      return undefined;
    }
  }

  private async fromObject(raw: Record<string, unknown>): Promise<Loaded> {
    const migration = migrate(raw);
    switch (migration.kind) {
      case 'future':
        return this.loadFuture(migration.value, migration.fromVersion);
      case 'migrated':
        return this.loadMigrated(raw, migration.value, migration.fromVersion);
      case 'current':
        return this.loadCurrent(migration.value, []);
      case 'invalid': {
        // Only the version number is broken: the fields may still be good, so read them as current.
        const versionProblem: SettingsProblem = {
          path: 'version',
          kind: 'invalid',
          reason: migration.reason,
        };
        return this.loadCurrent({ ...raw, version: SETTINGS_VERSION }, [versionProblem]);
      }
    }
  }

  /** Unparseable or truncated JSON: move it aside (so it is not reported on every start), use defaults. */
  private async recoverCorrupt(): Promise<Loaded> {
    const backupPath = await this.uniquePath(`settings.corrupt-${fileTimestamp(this.now())}.json`);
    await fs.rename(this.filePath, backupPath);
    return this.defaultsWith({
      kind: 'corrupt',
      backupPath,
      message:
        `The settings file was damaged, so Hark started with the default settings. ` +
        `The damaged file was kept as ${backupPath}.`,
    });
  }

  /**
   * Damaged JSON whose first settings could still be read (cut off, garbage at the end): keep those,
   * default the rest, move the damaged file aside and save the repaired one.
   */
  private async recoverPart(salvaged: Record<string, unknown>): Promise<Loaded> {
    const migration = migrate(salvaged);
    const value = migration.kind === 'migrated' || migration.kind === 'current' ? migration.value : salvaged;
    const { settings, problems } = validateSettings({ ...value, version: SETTINGS_VERSION });
    const kept = Object.keys(value).filter(
      (key) => key !== 'version' && !problems.some((p) => p.path === key || p.path.startsWith(`${key}.`)),
    );
    if (kept.length === 0) return this.recoverCorrupt();
    const backupPath = await this.uniquePath(`settings.corrupt-${fileTimestamp(this.now())}.json`);
    await fs.rename(this.filePath, backupPath);
    await writeFileAtomic(this.filePath, serialize(settings));
    const what = kept.length === 1 ? `the setting "${kept[0]}"` : `the ${kept.length} settings`;
    return {
      settings,
      notices: [
        {
          kind: 'corrupt',
          backupPath,
          message:
            `The settings file was damaged. Hark kept ${what} it could still read and uses the defaults ` +
            `for the rest. The damaged file was kept as ${backupPath}.`,
        },
      ],
    };
  }

  /**
   * A newer Hark wrote this file. Use what this version understands but do not rewrite the file now:
   * the newer version may run again. It is only replaced when the user changes a setting here, and
   * a copy is kept in any case.
   */
  private async loadFuture(raw: Record<string, unknown>, fileVersion: number): Promise<Loaded> {
    const backupPath = join(this.dir, `settings.v${fileVersion}.backup.json`);
    await writeFileAtomic(backupPath, `${JSON.stringify(raw, null, 2)}\n`);
    const { settings } = validateSettings({ ...raw, version: SETTINGS_VERSION });
    return {
      settings,
      notices: [
        {
          kind: 'future-version',
          fileVersion,
          backupPath,
          message:
            `The settings were saved by a newer version of Hark. This version uses the settings it ` +
            `understands; the others are ignored. A copy of the file was kept as ${backupPath}.`,
        },
      ],
    };
  }

  private async loadMigrated(
    original: Record<string, unknown>,
    migrated: Record<string, unknown>,
    fromVersion: number,
  ): Promise<Loaded> {
    const backupPath = join(this.dir, `settings.v${fromVersion}.backup.json`);
    await writeFileAtomic(backupPath, `${JSON.stringify(original, null, 2)}\n`);
    const loaded = await this.loadCurrent(migrated, []);
    const notice: SettingsNotice = {
      kind: 'migrated',
      fromVersion,
      backupPath,
      message: `The settings were updated from an older version of Hark. The old file was kept as ${backupPath}.`,
    };
    if (loaded.notices.length === 0) await writeFileAtomic(this.filePath, serialize(loaded.settings));
    return { settings: loaded.settings, notices: [notice, ...loaded.notices] };
  }

  /** Validates field by field; when anything was reset, keeps the original and saves the repaired file. */
  private async loadCurrent(raw: Record<string, unknown>, extraProblems: SettingsProblem[]): Promise<Loaded> {
    const validated = validateSettings(raw);
    const problems = [...extraProblems, ...validated.problems];
    if (problems.length === 0) return { settings: validated.settings, notices: [] };
    const backupPath = await this.uniquePath(`settings.invalid-${fileTimestamp(this.now())}.json`);
    await fs.copyFile(this.filePath, backupPath);
    await writeFileAtomic(this.filePath, serialize(validated.settings));
    return {
      settings: validated.settings,
      notices: [
        {
          kind: 'fields-reset',
          problems,
          backupPath,
          message: `${describeProblems(problems)} The original file was kept as ${backupPath}.`,
        },
      ],
    };
  }

  private defaultsWith(notice: SettingsNotice): Loaded {
    return { settings: defaultSettings(), notices: [notice] };
  }

  /** A backup name that does not overwrite an earlier backup made in the same millisecond. */
  private async uniquePath(name: string): Promise<string> {
    const dot = name.lastIndexOf('.');
    for (let attempt = 0; ; attempt++) {
      const candidate = join(
        this.dir,
        attempt === 0 ? name : `${name.slice(0, dot)}-${attempt}${name.slice(dot)}`,
      );
      try {
        await fs.access(candidate);
      } catch {
        return candidate;
      }
    }
  }
}
