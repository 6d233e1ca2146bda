// @vitest-environment jsdom
import { configure, render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import axe from 'axe-core';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import type { HarkApi, PageQuery } from '../../../shared/contract';
import { ROW_HEIGHT } from '../components/history/HistoryList.svelte';
import {
  addReadings,
  attachInstantPlayer,
  largeHistoryText,
  reading,
  startLiveApiWithLargeHistory,
} from '../components/history/history-fixtures.testing';
import { startBridgeServer } from '../../../main/app/bridge-server';
import { harkApiContext } from '../lib/api-context';
import { connectBridge } from '../lib/bridge-client';
import { startLiveApi } from '../../../tests/helpers/live-api';
import type { LiveApi } from '../../../tests/helpers/live-api';
import HistoryView from './HistoryView.svelte';

const VIEWPORT = 400;
// Generous waits: the services really work (an MP3 export encodes) on a machine shared with other tests.
configure({ asyncUtilTimeout: 15_000 });

let live: LiveApi | undefined;
afterEach(async () => {
  await live?.close();
  live = undefined;
});

function show(api: HarkApi) {
  return render(HistoryView, {
    props: { viewportHeight: VIEWPORT, locale: 'en-US' },
    context: harkApiContext(api),
  });
}

/** The real API, with a log of the page requests the view makes. */
function countingApi(api: HarkApi): { api: HarkApi; offsets: number[] } {
  const offsets: number[] = [];
  const historyList = (page?: PageQuery) => {
    offsets.push(page?.offset ?? 0);
    return api.historyList(page);
  };
  return { offsets, api: { ...api, historyList } };
}

/** The count next to the search box: the first status region (action messages have their own, below). */
const count = () => screen.getAllByRole('status')[0]!;
const message = (text: string | RegExp) => screen.findByText(text, { selector: '[role=status]' });
const problem = (text: string | RegExp) => screen.findByText(text, { selector: '[role=alert]' });
const options = () => screen.queryAllByRole('option');
const listbox = () => screen.getByRole('listbox');
const selected = () => options().find((option) => option.getAttribute('aria-selected') === 'true');

async function threeReadings(): Promise<LiveApi> {
  live = await startLiveApi();
  await addReadings(live, [
    reading('The first reading.\nIt has a second line.', { durationMs: 65_000, voiceName: 'Daniel' }),
    reading('A bird sang in the garden.', { durationMs: 2_000, voiceName: 'Rachel', charactersBilled: 1234 }),
    reading('The newest one.', { durationMs: 500, voiceName: 'Daniel' }),
  ]);
  return live;
}

describe('HistoryView', () => {
  it('lists readings newest first with text, voice, date, duration and characters', async () => {
    const { api } = await threeReadings();
    show(api);
    await waitFor(() => expect(count().textContent).toBe('3 entries'));
    expect(options().map((option) => option.getAttribute('aria-posinset'))).toEqual(['1', '2', '3']);
    expect(options().every((option) => option.getAttribute('aria-setsize') === '3')).toBe(true);
    expect(options()[0]?.getAttribute('aria-selected')).toBe('true');

    const bird = screen.getByRole('option', { name: /^A bird sang in the garden\./ });
    expect(bird.getAttribute('aria-posinset')).toBe('2');
    expect(bird.getAttribute('aria-label')).toMatch(
      /^A bird sang in the garden\. Voice Rachel\. .+\. 2 seconds\. 1,234 characters billed\.$/,
    );
    const row = within(bird);
    expect(row.getByText('A bird sang in the garden.')).toBeTruthy();
    expect(row.getByText('Rachel')).toBeTruthy();
    expect(row.getByText('0:02')).toBeTruthy();
    expect(row.getByText('1,234 characters')).toBeTruthy();
    const time = bird.querySelector('time');
    expect(time?.textContent).toBe('now');
    expect(time?.getAttribute('title')).toMatch(/^\w+day, \w+ \d+, \d{4} at \d+:\d\d [AP]M$/);

    const oldest = screen.getByRole('option', { name: /^The first reading\. It has a second line\./ });
    expect(within(oldest).getByText('1:05')).toBeTruthy();
    expect(screen.queryByText('Nothing read yet')).toBeNull();
  });

  it('searches once typing pauses and says when nothing matches', async () => {
    const { api } = await threeReadings();
    const user = userEvent.setup();
    show(api);
    await waitFor(() => expect(options()).toHaveLength(3));
    const search = screen.getByRole('searchbox', { name: 'Search' });

    await user.type(search, 'BIRD');
    await waitFor(() => expect(count().textContent).toBe('1 entry'));
    expect(options().map((option) => option.getAttribute('aria-label')?.split('.')[0])).toEqual([
      'A bird sang in the garden',
    ]);
    expect(screen.getByRole('listbox', { name: 'Matching readings, newest first' })).toBeTruthy();

    await user.clear(search);
    await user.type(search, 'daniel');
    await waitFor(() => expect(options()).toHaveLength(2));
    expect(count().textContent).toBe('2 entries');

    await user.type(search, ' zzz{Enter}');
    await waitFor(() => expect(count().textContent).toBe('No entries match'));
    expect(screen.getByText('No readings match “daniel zzz”.')).toBeTruthy();
    expect(screen.queryByRole('listbox')).toBeNull();
    expect(screen.queryByText('Nothing read yet')).toBeNull();

    await user.clear(search);
    await waitFor(() => expect(count().textContent).toBe('3 entries'));
  });

  it('deletes the selected reading with the Delete key and from the toolbar', async () => {
    const running = await threeReadings();
    const user = userEvent.setup();
    show(running.api);
    await waitFor(() => expect(options()).toHaveLength(3));

    listbox().focus();
    await user.keyboard('{ArrowDown}');
    expect(selected()?.getAttribute('aria-label')).toMatch(/^A bird sang/);
    expect(listbox().getAttribute('aria-activedescendant')).toBe(selected()?.id);
    await user.keyboard('{Delete}');
    await message('Deleted “A bird sang in the garden.”.');
    await waitFor(() => expect(options()).toHaveLength(2));
    expect(running.app.history.size).toBe(2);
    expect(count().textContent).toBe('2 entries');
    // The next reading moves into the deleted one's place and is selected; focus stays in the list.
    expect(selected()?.getAttribute('aria-label')).toMatch(/^The first reading/);
    expect(document.activeElement).toBe(listbox());

    const toolbar = screen.getByRole('toolbar', {
      name: 'Actions for “The first reading. It has a second line.”',
    });
    await user.click(within(toolbar).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(options()).toHaveLength(1));
    expect(running.app.history.list().entries.map((entry) => entry.text)).toEqual(['The newest one.']);

    // Deleting the last one leaves the empty state, and focus in the search box.
    await user.click(screen.getByRole('button', { name: 'Delete' }));
    expect(await screen.findByRole('heading', { name: 'Nothing read yet' })).toBeTruthy();
    await waitFor(() =>
      expect(document.activeElement).toBe(screen.getByRole('searchbox', { name: 'Search' })),
    );
  });

  it('clears everything only after confirmation; Escape cancels and gives focus back', async () => {
    const running = await threeReadings();
    const user = userEvent.setup();
    show(running.api);
    await waitFor(() => expect(options()).toHaveLength(3));
    const clearAll = screen.getByRole('button', { name: 'Clear all…' });

    await user.click(clearAll);
    const dialog = screen.getByRole('dialog', { name: 'Clear the whole history?' });
    expect(within(dialog).getByText(/All 3 readings and their audio are deleted/)).toBeTruthy();
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }));
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(document.activeElement).toBe(clearAll);
    expect(running.app.history.size).toBe(3);

    await user.click(clearAll);
    await user.click(screen.getByRole('button', { name: 'Clear history' }));
    expect(await screen.findByRole('heading', { name: 'Nothing read yet' })).toBeTruthy();
    await message('The history is cleared.');
    expect(running.app.history.size).toBe(0);
    expect(count().textContent).toBe('0 entries');
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Clear all…' }).disabled).toBe(true);
  });

  it('exports MP3 and WAV into the exports folder and says where', async () => {
    const running = await threeReadings();
    const user = userEvent.setup();
    show(running.api);
    await waitFor(() => expect(options()).toHaveLength(3));
    const newest = running.app.history.list().entries[0]!;

    await user.click(screen.getByRole('button', { name: 'Export MP3' }));
    const mp3Path = join(running.dataDir, 'exports', `${newest.id}.mp3`);
    await message(`Saved MP3 to ${mp3Path}`);
    const mp3 = await readFile(mp3Path);
    // An MP3 frame starts with 11 set bits (an ID3 tag would come first otherwise).
    expect(mp3[0] === 0xff && (mp3[1]! & 0xe0) === 0xe0).toBe(true);

    await user.click(screen.getByRole('button', { name: 'Export WAV' }));
    const wavPath = join(running.dataDir, 'exports', `${newest.id}.wav`);
    await message(`Saved WAV to ${wavPath}`);
    expect((await readFile(wavPath)).subarray(0, 4).toString('ascii')).toBe('RIFF');
  });

  it('is operable from the keyboard alone: search, list and the toolbar are one tab stop each', async () => {
    const { api } = await threeReadings();
    const user = userEvent.setup();
    show(api);
    await waitFor(() => expect(options()).toHaveLength(3));

    await user.tab();
    expect(document.activeElement).toBe(screen.getByRole('searchbox', { name: 'Search' }));
    await user.keyboard('{ArrowDown}');
    expect(document.activeElement).toBe(listbox());
    await user.keyboard('{PageDown}');
    expect(selected()?.getAttribute('aria-posinset')).toBe('3');

    await user.tab();
    const toolbar = screen.getByRole('toolbar', {
      name: 'Actions for “The first reading. It has a second line.”',
    });
    expect(document.activeElement).toBe(within(toolbar).getByRole('button', { name: 'Replay' }));
    await user.keyboard('{ArrowRight}');
    expect(document.activeElement).toBe(within(toolbar).getByRole('button', { name: 'Read again' }));
    await user.keyboard('{End}');
    expect(document.activeElement).toBe(within(toolbar).getByRole('button', { name: 'Delete' }));
    await user.keyboard('{Home}{ArrowRight}{Enter}');
    // Read again goes through the offline voice; with no player page, playing it fails, and says so.
    await problem('The audio player is not running.');

    await user.tab();
    expect(document.activeElement).not.toBe(toolbar);
    expect(toolbar.contains(document.activeElement)).toBe(false);
    await user.tab({ shift: true });
    expect(document.activeElement).toBe(within(toolbar).getByRole('button', { name: 'Read again' }));
  });

  it('passes axe-core’s ARIA structure and naming rules', async () => {
    const { api } = await threeReadings();
    const { container } = show(api);
    await waitFor(() => expect(options()).toHaveLength(3));
    // jsdom has no layout, so contrast (and anything under an open modal dialog, which axe locates by
    // hit-testing) can only be checked in a real browser; the structure and names are checked here.
    const result = await axe.run(container, { rules: { 'color-contrast': { enabled: false } } });
    expect(result.violations).toEqual([]);
    expect(result.incomplete).toEqual([]);
    expect(result.passes.map((rule) => rule.id)).toEqual(
      expect.arrayContaining([
        'aria-required-children',
        'aria-required-parent',
        'label',
        'nested-interactive',
      ]),
    );
  });

  it('shows why a replay failed (no player page here) and stays usable', async () => {
    const running = await threeReadings();
    const user = userEvent.setup();
    show(running.api);
    await waitFor(() => expect(options()).toHaveLength(3));

    await user.click(screen.getByRole('button', { name: 'Replay' }));
    await problem('The audio player is not running.');

    // Still usable: the keyboard moves the selection, Enter replays (and fails the same way), Copy works.
    listbox().focus();
    await user.keyboard('{End}');
    expect(selected()?.getAttribute('aria-label')).toMatch(/^The first reading/);
    await user.click(screen.getByRole('button', { name: 'Copy text' }));
    await message('Copied “The first reading. It has a second line.”.');
    expect(await navigator.clipboard.readText()).toBe('The first reading.\nIt has a second line.');
    expect(screen.getByRole('alert').textContent).toBe('');

    listbox().focus();
    await user.keyboard('{Enter}');
    await problem('The audio player is not running.');
  });

  it('keeps 10,000 readings in a window of rows, fetched page by page as the list moves', async () => {
    live = await startLiveApiWithLargeHistory(10_000);
    const { api, offsets } = countingApi(live.api);
    const user = userEvent.setup();
    show(api);
    await waitFor(() => expect(count().textContent).toBe('10,000 entries'));
    await waitFor(() =>
      expect(screen.getByRole('option', { name: new RegExp(`^${largeHistoryText(10_000)}`) })),
    );

    expect(options().length).toBeGreaterThan(0);
    expect(options().length).toBeLessThan(30);
    expect(options()[0]?.getAttribute('aria-setsize')).toBe('10000');
    // The scrollable extent is the whole list's, so the scrollbar is true to size.
    const extent = listbox().firstElementChild as HTMLElement;
    expect(extent.style.height).toBe(`${10_000 * ROW_HEIGHT}px`);

    listbox().focus();
    await user.keyboard('{End}');
    const last = await screen.findByRole('option', { name: new RegExp(`^${largeHistoryText(1)}`) });
    expect(last.getAttribute('aria-posinset')).toBe('10000');
    expect(last.getAttribute('aria-selected')).toBe('true');
    expect(listbox().getAttribute('aria-activedescendant')).toBe(last.id);
    expect(listbox().scrollTop).toBe(10_000 * ROW_HEIGHT - VIEWPORT);
    expect(options().length).toBeLessThan(30);

    // Page Up moves by the rows that fit (400 px / 84 px = 4); Home goes back to the newest.
    await user.keyboard('{PageUp}');
    expect(selected()?.getAttribute('aria-posinset')).toBe('9996');
    await user.keyboard('{Home}');
    expect(selected()?.getAttribute('aria-posinset')).toBe('1');
    expect(listbox().scrollTop).toBe(0);

    // Only the first and the last page were asked for, not the 98 in between.
    expect([...new Set(offsets)].sort((a, b) => a - b)).toEqual([0, 9_900]);
  });

  it('shows a new reading at the top as soon as it is stored, without fetching the list again', async () => {
    live = await startLiveApi();
    await addReadings(live, [reading('Older reading.'), reading('Newer reading.')]);
    const { api, offsets } = countingApi(live.api);
    show(api);
    await waitFor(() => expect(count().textContent).toBe('2 entries'));
    expect(selected()?.getAttribute('aria-label')).toMatch(/^Newer reading/);

    attachInstantPlayer(live);
    expect(await live.api.speakText({ text: 'A fresh sentence to remember.' })).toEqual({
      ok: true,
      value: 'started',
    });
    await waitFor(() => expect(count().textContent).toBe('3 entries'), { timeout: 20_000 });
    expect(options()[0]?.getAttribute('aria-label')).toMatch(/^A fresh sentence to remember\. Voice /);
    expect(options()[0]?.getAttribute('aria-posinset')).toBe('1');
    // The selection stays on the reading that was selected.
    expect(selected()?.getAttribute('aria-label')).toMatch(/^Newer reading/);
    expect(selected()?.getAttribute('aria-posinset')).toBe('2');
    expect(offsets).toEqual([0]);
  });

  it('says why the history could not be loaded, with the message from the failed call', async () => {
    const running = await threeReadings();
    // The page reaches the real services over the loopback bridge, as in `npm run dev:web`; then
    // the bridge goes away, and every call answers `disconnected`.
    const origin = 'http://127.0.0.1:5173';
    const bridge = await startBridgeServer({ services: running.app.services, allowedOrigins: [origin] });
    const client = await connectBridge({
      url: bridge.url,
      token: bridge.token,
      createSocket: (url) => new WebSocket(url, { origin }),
    });
    try {
      const user = userEvent.setup();
      show(client);
      await waitFor(() => expect(options()).toHaveLength(3));
      await bridge.close();
      await waitFor(() => expect(client.connected).toBe(false));

      await user.type(screen.getByRole('searchbox', { name: 'Search' }), 'bird{Enter}');
      await problem('The history could not be loaded: historySearch: the bridge to Hark is closed.');
      expect(screen.queryByRole('listbox')).toBeNull();
      expect(screen.queryByText('Nothing read yet')).toBeNull();
      expect(count().textContent).toBe('');

      // Trying again asks again (and says the same, since the bridge is still gone).
      await user.click(screen.getByRole('button', { name: 'Try again' }));
      await problem('The history could not be loaded: historySearch: the bridge to Hark is closed.');
    } finally {
      client.close();
      await bridge.close();
    }
  });
});
