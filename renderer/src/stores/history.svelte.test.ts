// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HarkApi, HistoryEntry, PageQuery } from '../../../shared/contract';
import { addReadings, attachInstantPlayer, reading } from '../components/history/history-fixtures.testing';
import { startLiveApi } from '../../../tests/helpers/live-api';
import type { LiveApi } from '../../../tests/helpers/live-api';
import { HistoryListStore, matchesQuery } from './history.svelte';

/** The real API, with a log of the page requests the store makes (offset, and query if any). */
function countingApi(api: HarkApi): { api: HarkApi; requests: string[] } {
  const requests: string[] = [];
  return {
    requests,
    api: {
      ...api,
      historyList: (page?: PageQuery) => {
        requests.push(`list@${page?.offset ?? 0}`);
        return api.historyList(page);
      },
      historySearch: (payload) => {
        requests.push(`search:${payload.query}@${payload.offset ?? 0}`);
        return api.historySearch(payload);
      },
    },
  };
}

function texts(store: HistoryListStore, from: number, to: number): (string | undefined)[] {
  return Array.from({ length: to - from }, (_, i) => store.entryAt(from + i)?.text);
}

const numbered = (count: number) => Array.from({ length: count }, (_, i) => reading(`Reading ${i + 1}`));

describe('HistoryListStore', () => {
  let live: LiveApi;
  let store: HistoryListStore | undefined;
  beforeEach(async () => {
    live = await startLiveApi();
  });
  afterEach(async () => {
    store?.dispose();
    store = undefined;
    await live.close();
  });

  it('fetches the first page, then only the pages a range needs, once each', async () => {
    await addReadings(live, numbered(35));
    const { api, requests } = countingApi(live.api);
    store = new HistoryListStore(api, { pageSize: 10 });
    await vi.waitFor(() => expect(store?.ready).toBe(true));
    expect(store.total).toBe(35);
    expect(texts(store, 0, 2)).toEqual(['Reading 35', 'Reading 34']);
    expect(store.entryAt(10)).toBeUndefined();

    store.ensureRange({ start: 22, end: 27 });
    await vi.waitFor(() => expect(store?.entryAt(26)?.text).toBe('Reading 9'));
    store.ensureRange({ start: 20, end: 30 });
    store.ensureRange({ start: 0, end: 5 });
    expect(requests).toEqual(['list@0', 'list@20']);
    expect(store.loadedCount).toBe(20);
  });

  it('applies deletes and a clear to the held rows without fetching again', async () => {
    const [newest, middle] = await addReadings(live, numbered(3));
    const { api, requests } = countingApi(live.api);
    const moves: [number, number][] = [];
    store = new HistoryListStore(api, { onRowsMoved: (index, delta) => moves.push([index, delta]) });
    await vi.waitFor(() => expect(store?.total).toBe(3));

    expect((await live.api.historyDelete({ id: middle!.id })).ok).toBe(true);
    expect(store.total).toBe(2);
    expect(texts(store, 0, 2)).toEqual(['Reading 3', 'Reading 1']);
    expect(moves).toEqual([[1, -1]]);
    expect(store.message).toBeUndefined(); // deleted elsewhere: nothing to report here

    expect(await store.delete(newest!)).toBe(true);
    expect(store.message).toEqual({ tone: 'info', text: 'Deleted “Reading 3”.' });
    expect(texts(store, 0, 1)).toEqual(['Reading 1']);

    expect(await store.clear()).toBe(true);
    expect(store.total).toBe(0);
    expect(store.isEmpty).toBe(true);
    expect(live.app.history.size).toBe(0);
    expect(requests).toEqual(['list@0']);
  });

  it('searches once typing is done, and puts a new reading that matches on top without searching again', async () => {
    await addReadings(live, [reading('The cat sat.'), reading('A dog barked.')]);
    const { api, requests } = countingApi(live.api);
    store = new HistoryListStore(api, { searchDelayMs: 60_000 });
    await vi.waitFor(() => expect(store?.total).toBe(2));

    // Typing only moves the box; the search runs once, when asked (or when the delay runs out).
    store.setQuery('c');
    store.setQuery('ca');
    store.setQuery('CAT');
    expect(store.appliedQuery).toBe('');
    store.applyQuery();
    await vi.waitFor(() => expect(store?.ready).toBe(true));
    expect(store.total).toBe(1);
    expect(requests).toEqual(['list@0', 'search:CAT@0']);

    // A reading that matches lands on top of the results, with no search sent again.
    attachInstantPlayer(live);
    expect(await live.api.speakText({ text: 'A cat and a kitten.' })).toEqual({ ok: true, value: 'started' });
    await vi.waitFor(() => expect(store?.total).toBe(2), { timeout: 20_000 });
    expect(texts(store, 0, 2)).toEqual(['A cat and a kitten.', 'The cat sat.']);
    expect(requests).toEqual(['list@0', 'search:CAT@0']);
  });

  it('matches a search the way main does: text or voice name, ignoring case and spaces around', () => {
    const entry = { text: 'A Parrot.', voiceName: 'English (America)' } as HistoryEntry;
    expect(matchesQuery(entry, ' parrot ')).toBe(true);
    expect(matchesQuery(entry, 'america')).toBe(true);
    expect(matchesQuery(entry, 'cat')).toBe(false);
    expect(matchesQuery(entry, '   ')).toBe(true);
  });

  it('reports copy failures and a missing clipboard in words', async () => {
    const [entry] = await addReadings(live, [reading('Copy me.')]);
    store = new HistoryListStore(live.api);
    const refusing = { writeText: () => Promise.reject(new Error('Write permission denied.')) };
    await store.copyText(entry!, refusing);
    expect(store.message).toEqual({
      tone: 'error',
      text: 'The text could not be copied to the clipboard (Write permission denied.).',
    });
    await store.copyText(entry!, undefined);
    expect(store.message?.text).toBe('Copying is not available here: this page has no clipboard access.');
    const copied: string[] = [];
    await store.copyText(entry!, { writeText: async (text: string) => void copied.push(text) });
    expect(copied).toEqual(['Copy me.']);
    expect(store.message).toEqual({ tone: 'info', text: 'Copied “Copy me.”.' });
  });

  it('drops a page answered for a history that changed meanwhile, and asks again', async () => {
    const [newest] = await addReadings(live, numbered(3));
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let held = false;
    const api: HarkApi = {
      ...live.api,
      historyList: async (page?: PageQuery) => {
        const answer = await live.api.historyList(page);
        if (!held) {
          held = true;
          await gate; // the first answer is late, and by then the history has changed
        }
        return answer;
      },
    };
    store = new HistoryListStore(api);
    await vi.waitFor(() => expect(held).toBe(true));
    expect((await live.api.historyDelete({ id: newest!.id })).ok).toBe(true);
    await vi.waitFor(() => expect(store?.ready).toBe(true));
    release();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(store.total).toBe(2);
    expect(texts(store, 0, 2)).toEqual(['Reading 2', 'Reading 1']);
  });

  it('stops listening once disposed', async () => {
    const [entry] = await addReadings(live, numbered(2));
    store = new HistoryListStore(live.api);
    await vi.waitFor(() => expect(store?.total).toBe(2));
    store.dispose();
    await live.api.historyDelete({ id: entry!.id });
    expect(store.total).toBe(2);
  });
});
