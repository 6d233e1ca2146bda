// The real player page (renderer/src/views/PlayerPage.svelte, `?view=player`) in Chromium against the
// real services: the headless app (stores, offline voice, reading controller, ChannelPlayer) runs
// in this test process, the page reaches it over the loopback bridge as with `npm run dev:web`, and
// what the page sends to its speakers is recorded from outside (output-tap.ts).

// Never let a test reach a developer's real keychain: no session bus.
process.env.DBUS_SESSION_BUS_ADDRESS = 'unix:path=/nonexistent/hark-test-bus';

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { startBridgeServer } from '../../main/app/bridge-server';
import type { RunningBridge } from '../../main/app/bridge-server';
import { startHeadlessApp } from '../../main/app/headless';
import type { HeadlessApp } from '../../main/app/headless';
import { createSecretStore } from '../../main/store/secrets';
import type { AppState, PlaybackProgress } from '../../shared/contract';
import { quietLogger } from '../helpers/live-api';
import { installOutputTap, takeTapBlocks } from './output-tap';
import type { TapBlock } from './output-tap';
import { startRendererServer } from './renderer-server';
import type { RendererServer } from './renderer-server';

/** Louder than this is speech; the keep-alive stays far below. */
const SPEECH_PEAK = 0.02;
/** The keep-alive's peak is 1e-4 (keep-awake.ts KEEP_AWAKE_LEVEL). */
const KEEP_ALIVE_RANGE = { min: 5e-5, max: 2e-4 };

let dir: string;
let app: HeadlessApp;
let bridge: RunningBridge;
let renderer: RendererServer;
let states: AppState[] = [];
let playback: PlaybackProgress[] = [];

test.beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hark-player-page-'));
  const log = quietLogger();
  app = await startHeadlessApp({ dataDir: dir, log, secrets: createSecretStore() });
  const updated = await app.settings.update({ outputFormat: 'pcm_24000' });
  if (!updated.ok) throw new Error(JSON.stringify(updated.problems));
  app.services.subscribe('state', (state) => states.push(state));
  app.services.subscribe('playback', (event) => playback.push(event));
  bridge = await startBridgeServer({
    services: app.services,
    log,
    onPlayerConnect: (c) => app.player.attach(c),
  });
  renderer = await startRendererServer(bridge);
});

test.afterAll(async () => {
  await renderer?.close();
  await bridge?.close();
  await app?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test.beforeEach(() => {
  states = [];
  playback = [];
});

test.afterEach(async () => {
  await app.services.stop();
  app.player.setVolume(1);
});

/** Opens the player page and waits until main has its channel and the audio runs. */
async function openPlayerPage(page: Page): Promise<void> {
  await installOutputTap(page);
  await page.goto(renderer.pageUrl('player'));
  await expect(page.getByRole('heading', { name: 'Hark audio player' })).toBeVisible();
  await expect(page.getByRole('status')).toHaveText('Ready to play.');
  await expect.poll(() => app.player.connected).toBe(true);
}

/** Collects what the page played until `done` is true. */
async function recordUntil(page: Page, done: () => boolean, timeout = 30_000): Promise<TapBlock[]> {
  const blocks: TapBlock[] = [];
  await expect
    .poll(
      async () => {
        blocks.push(...(await takeTapBlocks(page)));
        return done();
      },
      { timeout },
    )
    .toBe(true);
  blocks.push(...(await takeTapBlocks(page)));
  return blocks;
}

function isKeepAlive(block: TapBlock): boolean {
  return block.peak >= KEEP_ALIVE_RANGE.min && block.peak <= KEEP_ALIVE_RANGE.max;
}

const idleAgain = (): boolean => states.length > 1 && states.at(-1)?.kind === 'idle';

test('the page names itself, passes axe, and keeps the idle output awake with an inaudible signal', async ({
  page,
}) => {
  await openPlayerPage(page);
  expect(await page.getByRole('button').count()).toBe(0);
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations).toEqual([]);

  await takeTapBlocks(page);
  const start = Date.now();
  const idle = await recordUntil(page, () => Date.now() - start > 1000);
  expect(idle.length).toBeGreaterThan(20);
  // Never digital silence, never loud enough to hear.
  expect(idle.filter((block) => !isKeepAlive(block))).toEqual([]);
});

test('plays a reading: speech reaches the output, playback events follow it, then the keep-alive again', async ({
  page,
}) => {
  await openPlayerPage(page);
  const words: number[] = [];
  const unsubscribe = app.services.subscribe('word', (word) => words.push(word.readingId));
  expect(await app.services.speakText({ text: 'The player page reads this aloud, word by word.' })).toEqual({
    ok: true,
    value: 'started',
  });
  const blocks = await recordUntil(page, idleAgain);
  unsubscribe();

  const loud = blocks.filter((block) => block.peak > SPEECH_PEAK);
  const seconds = (list: TapBlock[]) => (list.length * 1024) / 48_000;
  expect(seconds(loud)).toBeGreaterThan(0.8);
  // Every position report is about this reading, moves forward, and the last covers the speech.
  const readingId = words[0];
  expect(playback.length).toBeGreaterThan(5);
  expect(playback.every((event) => event.readingId === readingId)).toBe(true);
  const played = playback.map((event) => event.playedMs);
  expect(played).toEqual([...played].sort((a, b) => a - b));
  expect(played.at(-1)).toBeGreaterThan(1500);

  // After the last word, the output is kept awake again.
  const lastLoud = loud.at(-1)?.time ?? Infinity;
  // Idle may be reported as the last block plays: record until the output has moved past it.
  const recorded = [...blocks];
  const quietBlocks = (): TapBlock[] => recorded.filter((block) => block.time > lastLoud + 0.3);
  await expect
    .poll(async () => {
      recorded.push(...(await takeTapBlocks(page)));
      return quietBlocks().length;
    })
    .toBeGreaterThan(0);
  const quietAfter = quietBlocks();
  expect(quietAfter.filter((block) => !isKeepAlive(block))).toEqual([]);
});

test('volume 0 silences the speech but not the keep-alive; an MP3 reading plays too', async ({ page }) => {
  await openPlayerPage(page);
  app.player.setVolume(0);
  await app.services.speakText({ text: 'Nobody hears this sentence.' });
  const muted = await recordUntil(page, idleAgain);
  expect(playback.length).toBeGreaterThan(0);
  // Nothing louder than the keep-alive (which may still be fading in during the first block).
  expect(muted.filter((block) => block.peak > KEEP_ALIVE_RANGE.max)).toEqual([]);

  app.player.setVolume(1);
  states = [];
  playback = [];
  const updated = await app.settings.update({ outputFormat: 'mp3_44100_128' });
  expect(updated.ok).toBe(true);
  try {
    await app.services.speakText({ text: 'This one is streamed as MP3.' });
    const blocks = await recordUntil(page, idleAgain);
    expect(blocks.filter((block) => block.peak > SPEECH_PEAK).length).toBeGreaterThan(10);
    expect(playback.at(-1)?.playedMs).toBeGreaterThan(1000);
  } finally {
    await app.settings.update({ outputFormat: 'pcm_24000' });
  }
});

test('a paused reading says so (no click asked for), and resumes to the end', async ({ page }) => {
  await openPlayerPage(page);
  const text = 'A long sentence to pause in the middle of, so the position can be seen to stand still.';
  await app.services.speakText({ text });
  await expect.poll(() => playback.at(-1)?.playedMs ?? 0).toBeGreaterThan(500);
  await app.services.pause();
  await expect(page.getByRole('status')).toHaveText('Paused.');
  const atPause = playback.at(-1)?.playedMs ?? 0;
  await page.waitForTimeout(700);
  expect(await page.getByRole('button').count()).toBe(0);
  expect(playback.at(-1)?.playedMs ?? 0).toBeLessThan(atPause + 200);

  await app.services.resume();
  await expect(page.getByRole('status')).toHaveText('Ready to play.');
  await recordUntil(page, idleAgain);
  expect(playback.at(-1)?.playedMs ?? 0).toBeGreaterThan(atPause + 1000);
});

test('where the browser holds audio back, the page asks for a click, and the click starts the audio', async ({
  playwright,
}) => {
  const browser = await playwright.chromium.launch({
    executablePath: process.env.HARK_CHROMIUM ?? '/usr/bin/chromium',
    // Chrome's documented way to test blocked autoplay: the policy, and no media-engagement bypass
    // of it. In one full run out of several, the context ran without a click under the policy alone.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--autoplay-policy=document-user-activation-required',
      '--disable-features=PreloadMediaEngagementData,MediaEngagementBypassAutoplayPolicies',
    ],
  });
  try {
    const page = await browser.newPage();
    await installOutputTap(page);
    await page.goto(renderer.pageUrl('player'));
    const button = page.getByRole('button', { name: 'Click to enable audio' });
    // A browser launched for this test alone: on a busy machine its first page load takes a while.
    await expect(button).toBeVisible({ timeout: 15_000 });
    await expect(page.getByRole('status')).toHaveText('This browser holds audio back until you click.');
    expect((await takeTapBlocks(page)).length).toBe(0);

    await button.click();
    await expect(button).toBeHidden();
    await expect(page.getByRole('status')).toHaveText('Ready to play.');
    const start = Date.now();
    const blocks = await recordUntil(page, () => Date.now() - start > 500);
    expect(blocks.length).toBeGreaterThan(5);
    expect(blocks.filter((block) => !isKeepAlive(block))).toEqual([]);
  } finally {
    await browser.close();
  }
});
