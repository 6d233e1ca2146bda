// The servers the user confirmed may receive the API key (origins such as "https://proxy.example").
// Kept apart from the settings on purpose: a page can change any setting through updateSettings, but
// only main adds to this list, after the user said yes to a dialog only main can show. On disk it is
// `confirmed-hosts.json` in the user-data folder, so a confirmed proxy still works after a restart.
import { join } from 'node:path';
import { readFileAtomic, writeFileAtomic } from './atomic-file';

export const CONFIRMED_HOSTS_FILE_NAME = 'confirmed-hosts.json';

export interface ConfirmedHosts {
  /** The confirmed origins, oldest first. */
  list(): readonly string[];
  /** Remembers `origin`; resolves once it is kept (saved, for the file-backed list). */
  add(origin: string): Promise<void>;
}

/** Confirmations that last as long as the process (no user-data folder: tests, a bare controller). */
export class MemoryConfirmedHosts implements ConfirmedHosts {
  protected readonly origins: string[] = [];

  list(): readonly string[] {
    return [...this.origins];
  }

  async add(origin: string): Promise<void> {
    if (!this.origins.includes(origin)) this.origins.push(origin);
  }
}

function originsIn(text: string): string[] {
  try {
    const value: unknown = JSON.parse(text);
    const list: unknown =
      typeof value === 'object' && value !== null ? (value as { origins?: unknown }).origins : [];
    return Array.isArray(list) ? list.filter((item): item is string => typeof item === 'string') : [];
  } catch {
    // A damaged file confirms nothing: the user is asked again, which is the safe way to fail.
    return [];
  }
}

export class ConfirmedHostsStore extends MemoryConfirmedHosts {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(readonly filePath: string) {
    super();
  }

  static async open(userDataDir: string): Promise<ConfirmedHostsStore> {
    const store = new ConfirmedHostsStore(join(userDataDir, CONFIRMED_HOSTS_FILE_NAME));
    const bytes = await readFileAtomic(store.filePath).catch(() => undefined);
    if (bytes) store.origins.push(...new Set(originsIn(bytes.toString('utf8'))));
    return store;
  }

  override async add(origin: string): Promise<void> {
    if (this.origins.includes(origin)) return;
    this.origins.push(origin);
    // Saves run one after another, so the file always ends with the whole list.
    const save = this.queue.then(() =>
      writeFileAtomic(this.filePath, `${JSON.stringify({ origins: this.origins }, null, 2)}\n`),
    );
    this.queue = save.catch(() => undefined);
    await save;
  }
}
