// Steering a reading in the real app, against `hark serve` behind a connection counter: "Previous
// sentence" replays the earlier sentence from the audio already received (the player's output, as
// measured by the meter, repeats what it played for that sentence the first time) without a new
// connection, and the reading view jumps to a clicked sentence.
import { randomBytes } from 'node:crypto';
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { envelopeMatch, readEnvelope } from './audio-meter';
import { countConnections } from './connection-counter';
import type { ConnectionCounter } from './connection-counter';
import { expectSpeechHeard, openApp, reportIfFailed } from './pages';
import { newDataDir, removeDataDir, startHarkServe, startHarkWeb } from './processes';
import type { HarkServe, HarkWeb } from './processes';

const KEY = `sk_${randomBytes(20).toString('hex')}`;
const SENTENCES = [
  'The first sentence is short.',
  'A second one talks about rivers, stones and the patient sea for quite a while.',
  'Number three is brief.',
  'The fourth sentence wanders through meadows full of humming bees and tall grass.',
  'Five.',
  'The sixth and last sentence closes the reading with a calm goodbye to everyone here.',
];
const TEXT = SENTENCES.join(' ');

let serve: HarkServe;
let counter: ConnectionCounter;
let web: HarkWeb;

test.beforeEach(async () => {
  serve = await startHarkServe(KEY);
  counter = await countConnections(serve.port);
  web = await startHarkWeb(await newDataDir(), 4184);
});
test.afterEach(async () => {
  reportIfFailed(test.info(), web);
  await web.stop();
  await removeDataDir(web.dataDir);
  await counter.close();
  await serve.stop();
});

async function useServer(page: Page): Promise<void> {
  await page.getByRole('tab', { name: 'Settings' }).click();
  await page.getByRole('radio', { name: 'ElevenLabs' }).check();
  const address = page.getByRole('textbox', { name: 'Server address' });
  await address.fill(counter.baseUrl);
  await address.press('Enter');
  await page.getByLabel('ElevenLabs API key').fill(KEY);
  await page.getByRole('button', { name: 'Save key' }).click();
  const voices = page.getByRole('radiogroup', { name: 'Voices' }).getByRole('radio');
  await expect(voices.first()).toBeVisible({ timeout: 20_000 });
  await voices.first().check();
  await page.getByRole('tab', { name: 'Read' }).click();
}

/** The envelope index when the position control first says `sentence` (1-based). */
async function envelopeWhenAt(page: Page, player: Page, sentence: number): Promise<number> {
  const position = page.getByRole('slider', { name: 'Reading position' });
  await expect(position).toHaveAttribute(
    'aria-valuetext',
    new RegExp(`Sentence ${sentence} of ${SENTENCES.length}`),
    {
      timeout: 30_000,
    },
  );
  return (await readEnvelope(player)).length;
}

test('previous sentence replays the earlier sentence from memory, with no new connection', async ({
  context,
}) => {
  const { player, page } = await openApp(context, web);
  await useServer(page);
  await page.getByRole('textbox', { name: 'Text to read' }).fill(TEXT);
  await page.getByRole('button', { name: 'Speak' }).click();

  const secondStarts = await envelopeWhenAt(page, player, 2);
  const thirdStarts = await envelopeWhenAt(page, player, 3);
  await envelopeWhenAt(page, player, 4);
  const connections = counter.streamConnections();
  const pressedAt = (await readEnvelope(player)).length;
  // Pressed early in the fourth sentence, so Previous goes to the third (later than 2 s in, it would
  // restart the fourth); a second press within 2 s of that lands on the second.
  await page.getByRole('button', { name: 'Previous sentence' }).click();
  await page.getByRole('button', { name: 'Previous sentence' }).click();
  const replayStarts = await envelopeWhenAt(page, player, 2);
  await page.waitForTimeout(2000);

  const envelope = await readEnvelope(player);
  // The position is polled, so the indices are late by up to a few hundred ms: the first hearing is
  // taken with a margin, the replay from well inside the (long) second sentence.
  const firstTime = envelope.slice(secondStarts - 60, thirdStarts + 10);
  const replay = envelope.slice(replayStarts + 20, replayStarts + 60);
  // Sentences three and four as first heard, before the presses.
  const unrelated = envelope.slice(thirdStarts, pressedAt);
  // Long enough to be compared at some offset, so the comparison below cannot pass by default.
  expect(unrelated.length).toBeGreaterThan(replay.length + 10);
  const match = envelopeMatch(firstTime, replay);
  console.warn(
    `replay vs first hearing: ${match.toFixed(3)}, vs the sentences after it: ${envelopeMatch(unrelated, replay).toFixed(3)}`,
  );
  expect(match).toBeGreaterThan(0.85);
  expect(match).toBeGreaterThan(envelopeMatch(unrelated, replay) + 0.2);
  expect(counter.streamConnections()).toBe(connections);
});

test('clicking a sentence in the reading view reads from there; next sentence moves on', async ({
  context,
}) => {
  const { player, page } = await openApp(context, web);
  await useServer(page);
  await page.getByRole('textbox', { name: 'Text to read' }).fill(TEXT);
  await page.getByRole('button', { name: 'Speak' }).click();
  await expectSpeechHeard(player, 50);

  await page.getByRole('button', { name: SENTENCES[4] as string }).click();
  await expect(page.getByRole('slider', { name: 'Reading position' })).toHaveAttribute(
    'aria-valuetext',
    /Sentence 5 of 6/,
    { timeout: 20_000 },
  );
  await page.getByRole('button', { name: 'Next sentence' }).click();
  await expect(page.getByRole('slider', { name: 'Reading position' })).toHaveAttribute(
    'aria-valuetext',
    /Sentence 6 of 6/,
    { timeout: 20_000 },
  );
  await expect(page.getByRole('button', { name: SENTENCES[5] as string })).toHaveAttribute(
    'aria-current',
    'true',
  );
});
