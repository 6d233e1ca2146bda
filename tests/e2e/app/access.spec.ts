// Settings survive a restart of the services; every view works from the keyboard alone; axe-core
// finds no accessibility violations on any page (contrast included, in real Chromium layout).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import type { Settings } from '../../../shared/contract';
import { expectSpeechHeard, openApp, reportIfFailed } from './pages';
import { newDataDir, removeDataDir, startHarkWeb } from './processes';
import type { HarkWeb } from './processes';

const PORT = 4183;
let web: HarkWeb;

test.beforeEach(async () => {
  web = await startHarkWeb(await newDataDir(), PORT);
});
test.afterEach(async () => {
  reportIfFailed(test.info(), web);
  await web.stop();
  await removeDataDir(web.dataDir);
});

async function expectNoViolations(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const summary = results.violations.map(
    (v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
  expect(summary, `axe on ${what}`).toEqual([]);
}

/** Presses Tab until the element with this accessible role and name has the focus. */
async function tabTo(page: Page, role: Parameters<Page['getByRole']>[0], name: string): Promise<void> {
  const target = page.getByRole(role, { name, exact: true });
  for (let presses = 0; presses < 60; presses++) {
    if (await target.evaluate((element) => element.matches(':focus')).catch(() => false)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${role} "${name}"`);
}

test('settings persist across a restart of the services', async ({ page }) => {
  await page.goto(web.url('settings'));
  await page.getByRole('checkbox', { name: 'Dim the rest of the text' }).check();
  await page.getByRole('radio', { name: 'ElevenLabs' }).check();
  // Both changes are on disk before the services stop (a restart, not a crash, is tested here).
  const file = join(web.dataDir, 'app', 'settings.json');
  await expect
    .poll(async () => {
      const saved = JSON.parse(await readFile(file, 'utf8').catch(() => '{}')) as Partial<Settings>;
      return [saved.engine, saved.overlay?.dimRest];
    })
    .toEqual(['elevenlabs', true]);

  await web.stop();
  web = await startHarkWeb(web.dataDir, PORT);
  await page.goto(web.url('settings'));
  await expect(page.getByRole('checkbox', { name: 'Dim the rest of the text' })).toBeChecked();
  await expect(page.getByRole('radio', { name: 'ElevenLabs' })).toBeChecked();
});

test('every view can be used with the keyboard alone', async ({ context }) => {
  const { player, page } = await openApp(context, web);
  // Read: type, then Tab to Speak and press Enter.
  await tabTo(page, 'textbox', 'Text to read');
  await page.keyboard.type('Read by keyboard alone.');
  await tabTo(page, 'button', 'Speak');
  await page.keyboard.press('Enter');
  await expectSpeechHeard(player, 50);
  await expect(page.getByRole('status').last()).toHaveText('Ready', { timeout: 30_000 });

  // Tabs: arrow keys move between them.
  await tabTo(page, 'tab', 'Read');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('tab', { name: 'History' })).toBeFocused();
  await expect(page.getByRole('tab', { name: 'History' })).toHaveAttribute('aria-selected', 'true');

  // History: the reading is there; Clear all opens a dialog that Escape closes.
  await expect(page.getByRole('option').filter({ hasText: 'Read by keyboard alone.' })).toHaveCount(1);
  await tabTo(page, 'button', 'Clear all…');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Clear all…' })).toBeFocused();

  // Settings: Space toggles a checkbox, and the change is saved.
  await tabTo(page, 'tab', 'History');
  await page.keyboard.press('ArrowRight');
  await tabTo(page, 'checkbox', 'Start Hark when I log in');
  await page.keyboard.press('Space');
  await expect(page.getByRole('checkbox', { name: 'Start Hark when I log in' })).toBeChecked();
  await expect(page.getByText('Saved', { exact: true })).toBeVisible();
});

test('axe-core finds no violations on any page', async ({ context }) => {
  const { player, page } = await openApp(context, web);
  await expectNoViolations(player, 'the player page');
  await page.getByRole('textbox', { name: 'Text to read' }).fill('Something to keep in the history.');
  await page.getByRole('button', { name: 'Speak' }).click();
  await expect(page.getByRole('region', { name: 'Now reading' })).toBeVisible({ timeout: 30_000 });
  await expectNoViolations(page, 'the Read tab while reading');
  await expect(page.getByRole('status').last()).toHaveText('Ready', { timeout: 30_000 });

  await page.getByRole('tab', { name: 'History' }).click();
  await expect(page.getByRole('option')).toHaveCount(1);
  await expectNoViolations(page, 'the History tab');
  await page.getByRole('button', { name: 'Clear all…' }).click();
  await expect(page.getByRole('dialog')).toBeVisible();
  await expectNoViolations(page, 'the Clear all dialog');
  await page.keyboard.press('Escape');

  await page.getByRole('tab', { name: 'Settings' }).click();
  await expect(page.getByRole('radio', { name: 'Offline voice' })).toBeVisible();
  await expectNoViolations(page, 'the Settings tab');

  const overlay = await context.newPage();
  await overlay.goto(web.url('overlay'));
  await expectNoViolations(overlay, 'the caption overlay');
});
