import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONFIRMED_HOSTS_FILE_NAME, ConfirmedHostsStore } from './confirmed-hosts';

describe('ConfirmedHostsStore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hark-confirmed-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('keeps confirmations across a restart, each once', async () => {
    const first = await ConfirmedHostsStore.open(dir);
    expect(first.list()).toEqual([]);
    await Promise.all([first.add('https://a.example'), first.add('https://b.example')]);
    await first.add('https://a.example');
    const again = await ConfirmedHostsStore.open(dir);
    expect(again.list()).toEqual(['https://a.example', 'https://b.example']);
    expect(JSON.parse(await readFile(join(dir, CONFIRMED_HOSTS_FILE_NAME), 'utf8'))).toEqual({
      origins: ['https://a.example', 'https://b.example'],
    });
  });

  it('a damaged file confirms nothing', async () => {
    await writeFile(join(dir, CONFIRMED_HOSTS_FILE_NAME), '{"origins": ["https://a.exa');
    expect((await ConfirmedHostsStore.open(dir)).list()).toEqual([]);
    await writeFile(join(dir, CONFIRMED_HOSTS_FILE_NAME), '{"origins": [7, "https://b.example"]}');
    expect((await ConfirmedHostsStore.open(dir)).list()).toEqual(['https://b.example']);
  });
});
