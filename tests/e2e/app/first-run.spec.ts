// First run, no key: the offline voice reads typed text aloud and the caption follows it.
import { expect, test } from '@playwright/test';
import { expectHighlightAdvances, expectSpeechHeard, openApp, reportIfFailed } from './pages';
import { newDataDir, removeDataDir, startHarkWeb } from './processes';
import type { HarkWeb } from './processes';

const TEXT =
  'Hark reads this sentence aloud with its own voice. Then it reads a second sentence, word by word.';

let web: HarkWeb;
test.beforeEach(async () => {
  web = await startHarkWeb(await newDataDir(), 4181);
});
test.afterEach(async () => {
  reportIfFailed(test.info(), web);
  await web.stop();
  await removeDataDir(web.dataDir);
});

test('typed text is spoken by the offline voice and the highlighted word advances', async ({ context }) => {
  const { player, page } = await openApp(context, web);
  await page.getByRole('textbox', { name: 'Text to read' }).fill(TEXT);
  await page.getByRole('button', { name: 'Speak' }).click();

  const words = await expectHighlightAdvances(page, 4);
  // The highlighted words are words of the text, in reading order.
  let from = 0;
  for (const word of words) {
    const at = TEXT.indexOf(word, from);
    expect(at, `"${word}" after position ${from}`).toBeGreaterThanOrEqual(0);
    from = at + word.length;
  }
  await expectSpeechHeard(player);
  await expect(page.getByRole('status')).toHaveText('Ready', { timeout: 30_000 });
});

test('Markdown typed in is read as prose, and the highlight stays on the characters typed', async ({
  context,
}) => {
  const markdown =
    '## Prices\n\nThe **small** one costs $5 and the _large_ one costs $12, both from 3 March 2025.';
  const { player, page } = await openApp(context, web);
  await page.getByRole('textbox', { name: 'Text to read' }).fill(markdown);
  await page.getByRole('button', { name: 'Speak' }).click();

  const words = await expectHighlightAdvances(page, 6);
  let from = 0;
  for (const word of words) {
    // A highlight is a piece of what was typed ("$5" while "five dollars" is said), never a marker.
    expect(word).not.toMatch(/[*_#]/);
    const at = markdown.indexOf(word, from);
    expect(at, `"${word}" after position ${from}`).toBeGreaterThanOrEqual(0);
    from = at + word.length;
  }
  await expectSpeechHeard(player);
  await expect(page.getByRole('status')).toHaveText('Ready', { timeout: 30_000 });
});
