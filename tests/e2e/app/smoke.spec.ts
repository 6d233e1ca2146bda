import { expect, test } from '@playwright/test';
import { newDataDir, startHarkWeb } from './processes';

test('dev:web serves the app window with its tabs', async ({ page }) => {
  const app = await startHarkWeb(await newDataDir(), 4180);
  try {
    await page.goto(app.url('read'));
    await expect(page.getByRole('tab', { name: 'Read' })).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByRole('status')).toHaveText('Ready');
  } finally {
    await app.stop();
  }
});
