// Opening the real app in Chromium the way a person has it: the player page (hidden in Electron, a
// tab here) with an audio meter on its output, and the app window on a given tab.
import { expect } from '@playwright/test';
import type { BrowserContext, Page } from '@playwright/test';
import { addAudioMeter, readMeter } from './audio-meter';
import type { HarkWeb } from './processes';

export interface OpenApp {
  player: Page;
  page: Page;
}

export async function openPlayer(context: BrowserContext, web: HarkWeb): Promise<Page> {
  const player = await context.newPage();
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
