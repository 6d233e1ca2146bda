// With a key, against a local stream-input server standing in for ElevenLabs (`hark serve`): the
// voices come from it, a reading plays and lands in the history, and replaying it costs nothing:
// no new connection reaches the server. A refused key says so and leaves the app usable.
import { randomBytes } from 'node:crypto';
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { readMeter } from './audio-meter';
import { countConnections } from './connection-counter';
import type { ConnectionCounter } from './connection-counter';
import { expectSpeechHeard, openApp, reportIfFailed } from './pages';
import { newDataDir, removeDataDir, startHarkServe, startHarkWeb } from './processes';
import type { HarkServe, HarkWeb } from './processes';

const KEY = `sk_${randomBytes(20).toString('hex')}`;
const TEXT = 'This reading comes from the stream input server and is kept in the history.';

let serve: HarkServe;
let counter: ConnectionCounter;
let web: HarkWeb;

test.beforeEach(async () => {
  serve = await startHarkServe(KEY);
  counter = await countConnections(serve.port);
  web = await startHarkWeb(await newDataDir(), 4182);
});
test.afterEach(async () => {
  reportIfFailed(test.info(), web);
  await web.stop();
  await removeDataDir(web.dataDir);
  await counter.close();
  await serve.stop();
});

async function useServer(page: Page, key: string): Promise<void> {
  await page.getByRole('tab', { name: 'Settings' }).click();
  await page.getByRole('radio', { name: 'ElevenLabs' }).check();
  const address = page.getByRole('textbox', { name: 'Server address' });
  await address.fill(counter.baseUrl);
  await address.press('Enter');
  await page.getByLabel('ElevenLabs API key').fill(key);
  await page.getByRole('button', { name: 'Save key' }).click();
}

test('voices are listed, a reading plays and is kept, and its replay contacts no server', async ({
  context,
}) => {
  const { player, page } = await openApp(context, web);
  await useServer(page, KEY);

  const voices = page.getByRole('radiogroup', { name: 'Voices' }).getByRole('radio');
  await expect(voices.first()).toBeVisible({ timeout: 20_000 });
  await voices.first().check();

  await page.getByRole('tab', { name: 'Read' }).click();
  await page.getByRole('textbox', { name: 'Text to read' }).fill(TEXT);
  await page.getByRole('button', { name: 'Speak' }).click();
  await expectSpeechHeard(player);
  await expect(page.getByRole('status').last()).toHaveText('Ready', { timeout: 30_000 });
  const streamsAfterReading = counter.streamConnections();
  expect(streamsAfterReading).toBeGreaterThanOrEqual(1);

  await page.getByRole('tab', { name: 'History' }).click();
  const row = page.getByRole('option').filter({ hasText: 'This reading comes from' });
  await expect(row).toHaveCount(1);
  const heardBefore = (await readMeter(player)).loudBlocks;
  await row.click();
  await page.getByRole('button', { name: 'Replay' }).click();
  await expectSpeechHeard(player, heardBefore + 200);
  expect(counter.streamConnections()).toBe(streamsAfterReading);
});

test('a refused key gives a clear message and the app stays usable', async ({ context }) => {
  const { page } = await openApp(context, web);
  await page.getByRole('tab', { name: 'Settings' }).click();
  await page.getByLabel('ElevenLabs API key').fill('not a key');
  await page.getByRole('button', { name: 'Save key' }).click();
  await expect(page.getByRole('alert')).toContainText(/key/i);

  // A well-formed key the server does not accept: with the offline fallback off, the reading fails
  // with a message saying so (with it on, the offline voice would read instead).
  await page.getByRole('checkbox', { name: 'Fall back to the offline voice' }).uncheck();
  await useServer(page, `sk_${randomBytes(20).toString('hex')}`);
  await page.getByRole('tab', { name: 'Read' }).click();
  await page.getByRole('textbox', { name: 'Text to read' }).fill('Hello there.');
  await page.getByRole('button', { name: 'Speak' }).click();
  const alert = page.getByRole('alert');
  await expect(alert).toContainText(/key/i, { timeout: 20_000 });
  await alert.getByRole('button', { name: 'Dismiss' }).click();
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(page.getByRole('textbox', { name: 'Text to read' })).toBeFocused();
});
