// Opening the real app in Chromium the way a person has it: the player page (hidden in Electron, a
// tab here) with an audio meter on its output, and the app window on a given tab.
import { expect } from '@playwright/test';
import type { BrowserContext, Page, TestInfo } from '@playwright/test';
import { addAudioMeter, readMeter } from './audio-meter';
import type { HarkWeb } from './processes';

export interface OpenApp {
  player: Page;
  page: Page;
}

/** What the pages of the current test printed, for the report of a failed test. */
const pageLog: string[] = [];

function recordConsole(page: Page, name: string): void {
  page.on('console', (message) => pageLog.push(`${name} ${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => pageLog.push(`${name} error: ${error.message}`));
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) pageLog.push(`${name} loaded ${frame.url().replace(/#.*/, '')}`);
  });
}

/** After a failed test, prints what the services and the pages said, so a CI log shows why. */
export function reportIfFailed(testInfo: TestInfo, web: HarkWeb): void {
  if (testInfo.status !== testInfo.expectedStatus) {
    console.warn(`--- services (${testInfo.title}) ---\n${web.output().slice(-6000)}`);
    console.warn(`--- pages ---\n${pageLog.slice(-80).join('\n')}`);
  }
  pageLog.length = 0;
}

export async function openPlayer(context: BrowserContext, web: HarkWeb): Promise<Page> {
  const player = await context.newPage();
  recordConsole(player, 'player');
  await addAudioMeter(player);
  await player.goto(web.url('player'));
  await expect(player.getByRole('status')).toHaveText('Ready to play.');
  return player;
}

export async function openApp(
  context: BrowserContext,
  web: HarkWeb,
  tab: 'read' | 'history' | 'settings' = 'read',
): Promise<OpenApp> {
  const player = await openPlayer(context, web);
  const page = await context.newPage();
  recordConsole(page, 'app');
  await page.goto(web.url(tab));
  await expect(page.getByRole('tab', { selected: true })).toBeVisible();
  return { player, page };
}

/** Audio with speech-level energy reached the player's output. */
export async function expectSpeechHeard(player: Page, minimumLoudBlocks = 200): Promise<void> {
  await expect
    .poll(async () => (await readMeter(player)).loudBlocks, { timeout: 30_000, intervals: [100] })
    .toBeGreaterThan(minimumLoudBlocks);
}

/** Collects the distinct words the caption highlights until `count` have been seen. */
export async function expectHighlightAdvances(page: Page, count: number): Promise<string[]> {
  const mark = page.getByRole('region', { name: 'Now reading' }).locator('mark');
  const seen: string[] = [];
  await expect
    .poll(
      async () => {
        const word = await mark.textContent({ timeout: 50 }).catch(() => null);
        if (word && seen[seen.length - 1] !== word) seen.push(word);
        return seen.length;
      },
      { timeout: 30_000, intervals: [40] },
    )
    .toBeGreaterThanOrEqual(count);
  return seen;
}
