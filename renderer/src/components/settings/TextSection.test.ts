// @vitest-environment jsdom
// The "Reading text" settings against the real services: each control's patch on its way to main is
// recorded, and what main stored is read back from the settings store.
import { screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { recordingPatches, startLiveApi } from '../../../../tests/helpers/live-api';
import type { LiveApi } from '../../../../tests/helpers/live-api';
import type { PronunciationRule } from '../../../../shared/settings-schema';
import { parseLexiconFile } from '../../../../shared/lexicon-file';
import type { HarkApi } from '../../../../shared/contract';
import { EDIT_DEBOUNCE_MS } from '../../stores/settings.svelte';
import { descriptionOf, renderSettings, storedSettings } from './settings.testing';

function rule(match: string, say: string, options: Partial<PronunciationRule> = {}): PronunciationRule {
  return { match, say, regex: false, matchCase: false, ...options };
}

async function section(): Promise<HTMLElement> {
  return screen.findByRole('group', { name: 'Reading text' });
}

function wordRow(number: number): HTMLElement {
  return screen.getByRole('group', { name: `Word ${number}` });
}

function field(row: HTMLElement, name: 'Word or pattern' | 'Say it as'): HTMLInputElement {
  return within(row).getByRole('textbox', { name }) as HTMLInputElement;
}

function fileInput(): HTMLInputElement {
  return screen.getByLabelText('Words file to import') as HTMLInputElement;
}

async function storedWords(live: LiveApi): Promise<PronunciationRule[]> {
  return (await storedSettings(live.api)).text.pronunciations;
}

/** Long enough for a debounced edit to have been sent and answered. */
async function pastTheDebounce(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, EDIT_DEBOUNCE_MS * 3));
}

const wordPatches = (patches: Record<string, unknown>[]): unknown[] =>
  patches.filter(
    (patch) => (patch.text as Record<string, unknown> | undefined)?.pronunciations !== undefined,
  );

describe('Reading text settings', { timeout: 60_000 }, () => {
  let live: LiveApi;
  let api: HarkApi;
  let patches: Record<string, unknown>[];
  beforeEach(async () => {
    live = await startLiveApi();
    ({ api, patches } = recordingPatches(live.api));
  });
  afterEach(async () => {
    await live.close();
  });

  it('saves the code block, emoji and language choices as one-field patches', async () => {
    const user = userEvent.setup();
    renderSettings(api);
    const text = await section();
    const codeBlocks = within(text).getByRole('group', { name: 'Code blocks' });
    expect(
      (within(codeBlocks).getByRole('radio', { name: 'Say “code block”' }) as HTMLInputElement).checked,
    ).toBe(true);
    await user.click(within(codeBlocks).getByRole('radio', { name: 'Skip them' }));
    await waitFor(async () => expect((await storedSettings(live.api)).text.codeBlocks).toBe('skip'));
    expect(patches).toContainEqual({ text: { codeBlocks: 'skip' } });

    const emoji = within(text).getByRole('group', { name: 'Emoji' });
    await user.click(within(emoji).getByRole('radio', { name: 'Skip them' }));
    await waitFor(async () => expect((await storedSettings(live.api)).text.emoji).toBe('skip'));
    expect(patches).toContainEqual({ text: { emoji: 'skip' } });

    const follow = within(text).getByRole('checkbox', { name: 'Read each language with its own voice' });
    expect((follow as HTMLInputElement).checked).toBe(true);
    expect(descriptionOf(follow)).toContain('always with my chosen voice');
    await user.click(follow);
    await waitFor(async () => expect((await storedSettings(live.api)).text.followLanguage).toBe(false));
    expect(patches).toContainEqual({ text: { followLanguage: false } });
    // The other text settings were not sent along, nor changed.
    expect((await storedSettings(live.api)).text.codeBlocks).toBe('skip');
  });

  it('adds a word, saves it once typed and saves its flags', async () => {
    const user = userEvent.setup();
    renderSettings(api);
    const text = await section();
    expect(within(text).getByText('No words yet.')).toBeTruthy();
    await user.click(within(text).getByRole('button', { name: 'Add word' }));
    const row = wordRow(1);
    expect(document.activeElement).toBe(field(row, 'Word or pattern'));
    // A row nobody has typed in is neither saved nor marked as a problem.
    expect(field(row, 'Word or pattern').getAttribute('aria-invalid')).toBe('false');

    await user.keyboard('Hark');
    await user.type(field(row, 'Say it as'), 'Haahrk');
    await waitFor(async () => expect(await storedWords(live)).toEqual([rule('Hark', 'Haahrk')]));
    // Typing is sent after a pause, not once per key.
    expect(wordPatches(patches).length).toBeLessThan('HarkHaahrk'.length);

    await user.click(within(row).getByRole('checkbox', { name: 'Match case' }));
    await waitFor(async () =>
      expect(await storedWords(live)).toEqual([rule('Hark', 'Haahrk', { matchCase: true })]),
    );
    expect(patches.at(-1)).toEqual({
      text: { pronunciations: [rule('Hark', 'Haahrk', { matchCase: true })] },
    });
  });

  it('shows an invalid pattern’s problem and does not save it until it is fixed', async () => {
    const user = userEvent.setup();
    renderSettings(api);
    const text = await section();
    await user.click(within(text).getByRole('button', { name: 'Add word' }));
    const row = wordRow(1);
    await user.click(within(row).getByRole('checkbox', { name: 'Pattern' }));
    const match = field(row, 'Word or pattern');
    await user.type(match, '(ab');
    expect(match.getAttribute('aria-invalid')).toBe('true');
    expect(descriptionOf(match)).toMatch(/^Not saved: the pattern is not valid \(.+\)\.$/);
    await pastTheDebounce();
    expect(wordPatches(patches)).toEqual([]);
    expect(await storedWords(live)).toEqual([]);

    await user.type(match, ')');
    expect(match.getAttribute('aria-invalid')).toBe('false');
    expect(descriptionOf(match)).toBe('');
    await waitFor(async () => expect(await storedWords(live)).toEqual([rule('(ab)', '', { regex: true })]));

    // Broken again while being retyped: the stored list keeps the last good version.
    await user.type(match, '(');
    expect(descriptionOf(match)).toMatch(/^Not saved: the pattern is not valid/);
    await user.tab();
    await pastTheDebounce();
    expect(await storedWords(live)).toEqual([rule('(ab)', '', { regex: true })]);
    expect(match.value).toBe('(ab)(');
  });

  it('marks a rule that matches empty text, and “Say it as” when that is too long', async () => {
    const user = userEvent.setup();
    renderSettings(api);
    const text = await section();
    await user.click(within(text).getByRole('button', { name: 'Add word' }));
    const row = wordRow(1);
    await user.click(within(row).getByRole('checkbox', { name: 'Pattern' }));
    await user.type(field(row, 'Word or pattern'), 'a*');
    expect(descriptionOf(field(row, 'Word or pattern'))).toBe('Not saved: the pattern matches empty text.');

    await user.clear(field(row, 'Word or pattern'));
    await user.type(field(row, 'Word or pattern'), 'ok');
    const say = field(row, 'Say it as');
    await user.click(say);
    await user.paste('x'.repeat(501));
    expect(say.getAttribute('aria-invalid')).toBe('true');
    expect(field(row, 'Word or pattern').getAttribute('aria-invalid')).toBe('false');
    expect(descriptionOf(say)).toBe('Not saved: what to say is longer than 500 characters.');
  });

  it('removes a word and moves focus to the next one', async () => {
    await live.api.updateSettings({
      patch: { text: { pronunciations: [rule('one', '1'), rule('two', '2')] } },
    });
    const user = userEvent.setup();
    renderSettings(api);
    await section();
    expect(field(wordRow(2), 'Word or pattern').value).toBe('two');
    await user.click(within(wordRow(1)).getByRole('button', { name: 'Remove' }));
    await waitFor(async () => expect(await storedWords(live)).toEqual([rule('two', '2')]));
    expect(screen.queryByRole('group', { name: 'Word 2' })).toBeNull();
    expect(field(wordRow(1), 'Word or pattern').value).toBe('two');
    expect(document.activeElement).toBe(field(wordRow(1), 'Word or pattern'));

    await user.click(within(wordRow(1)).getByRole('button', { name: 'Remove' }));
    await waitFor(async () => expect(await storedWords(live)).toEqual([]));
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Add word' }));
  });

  it('imports a words file, skipping words already listed, and says why a bad file is refused', async () => {
    await live.api.updateSettings({ patch: { text: { pronunciations: [rule('Hark', 'Haahrk')] } } });
    const user = userEvent.setup();
    renderSettings(api);
    const text = await section();
    const good = new File(
      ['# mine\nHark = Haahrk\n/(\\d+) ?km\\/h/i = $1 kilometres per hour\nnginx = engine x\n'],
      'words.txt',
      {
        type: 'text/plain',
      },
    );
    await user.upload(fileInput(), good);
    await waitFor(async () =>
      expect(await storedWords(live)).toEqual([
        rule('Hark', 'Haahrk'),
        rule('(\\d+) ?km\\/h', '$1 kilometres per hour', { regex: true }),
        rule('nginx', 'engine x'),
      ]),
    );
    expect(
      within(text).getByText('Added 2 words from “words.txt” (1 word already in the list).'),
    ).toBeTruthy();
    expect(field(wordRow(3), 'Say it as').value).toBe('engine x');

    const bad = new File(
      ['{"pronunciations": [{"match": "(x", "say": "y", "regex": true}]}'],
      'broken.json',
      {
        type: 'application/json',
      },
    );
    await user.upload(fileInput(), bad);
    const alert = await within(text).findByRole('alert');
    expect(alert.textContent).toMatch(
      /^“broken\.json” was not imported: Rule 1 \(“\(x”\): the pattern is not valid/,
    );
    await pastTheDebounce();
    expect(await storedWords(live)).toHaveLength(3);
    expect(screen.queryByRole('group', { name: 'Word 4' })).toBeNull();
  });

  it('exports the saved words as a JSON file that imports back', async () => {
    const words = [
      rule('Hark', 'Haahrk', { matchCase: true }),
      rule('e\\.g\\.', 'for example', { regex: true }),
    ];
    await live.api.updateSettings({ patch: { text: { pronunciations: words } } });
    const blobs: Blob[] = [];
    const createObjectURL = vi.fn((blob: Blob) => {
      blobs.push(blob);
      return 'blob:hark-test';
    });
    // jsdom has neither; the revocation runs after the test, so it stays a harmless stub.
    Object.defineProperty(URL, 'createObjectURL', { value: createObjectURL, configurable: true });
    Object.defineProperty(URL, 'revokeObjectURL', { value: () => undefined, configurable: true });
    const downloads: { href: string; download: string; attached: boolean }[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
      this: HTMLAnchorElement,
    ) {
      downloads.push({ href: this.href, download: this.download, attached: this.isConnected });
    });
    try {
      const user = userEvent.setup();
      renderSettings(api);
      const text = await section();
      await user.click(within(text).getByRole('button', { name: 'Export…' }));
      expect(downloads).toEqual([{ href: 'blob:hark-test', download: 'hark-words.json', attached: true }]);
      expect(blobs).toHaveLength(1);
      const content = await blobs[0]!.text();
      expect(JSON.parse(content)).toEqual({ pronunciations: words });
      expect(parseLexiconFile(content)).toEqual({ ok: true, rules: words });
      expect(within(text).getByText('Exported 2 words.')).toBeTruthy();
      // The link was only there for the click.
      expect(document.querySelector('a[download]')).toBeNull();
    } finally {
      click.mockRestore();
    }
  });

  it('offers no export while there is nothing saved', async () => {
    renderSettings(api);
    const text = await section();
    expect((within(text).getByRole('button', { name: 'Export…' }) as HTMLButtonElement).disabled).toBe(true);
  });
});
