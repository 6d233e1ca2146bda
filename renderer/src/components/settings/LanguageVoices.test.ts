// @vitest-environment jsdom
// "Voice for each language" against the real services: the offline engine lists its voices, and what
// main stored is read back after each choice.
import { screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLiveApi } from '../../../../tests/helpers/live-api';
import type { LiveApi } from '../../../../tests/helpers/live-api';
import type { Settings } from '../../../../shared/contract';
import { DETECTABLE_LANGUAGES } from '../../../../main/text/language';
import { renderSettings, storedSettings } from './settings.testing';

type LanguageVoices = Settings['text']['languageVoices'];

const ELEVENLABS_VOICE = 'JBFqnCBsd6RMkjVDRZzb';

async function group(): Promise<HTMLElement> {
  return screen.findByRole('group', { name: 'Voice for each language' });
}

function select(container: HTMLElement, name: string): HTMLSelectElement {
  return within(container).getByRole('combobox', { name }) as HTMLSelectElement;
}

function optionTexts(element: HTMLSelectElement): string[] {
  return [...element.options].map((option) => option.textContent?.trim() ?? '');
}

function selectedText(element: HTMLSelectElement): string {
  return element.selectedOptions[0]?.textContent?.trim() ?? '';
}

async function storedMaps(live: LiveApi): Promise<LanguageVoices> {
  return (await storedSettings(live.api)).text.languageVoices;
}

/** The offline voices arrive a while after the window opens. */
async function voicesListed(element: HTMLSelectElement, name: string): Promise<void> {
  await waitFor(() => expect(optionTexts(element)).toContain(name), { timeout: 20_000 });
}

describe('voice for each language', { timeout: 60_000 }, () => {
  let live: LiveApi;
  beforeEach(async () => {
    live = await startLiveApi();
  });
  afterEach(async () => {
    await live.close();
  });

  it('adds German with an offline voice of that language and keeps the ElevenLabs map', async () => {
    await live.api.updateSettings({
      patch: { text: { languageVoices: { offline: {}, elevenlabs: { fr: ELEVENLABS_VOICE } } } },
    });
    const user = userEvent.setup();
    renderSettings(live.api);
    const languages = await group();
    expect(
      within(languages).getByText('No languages yet: each is read with its automatic voice.'),
    ).toBeTruthy();

    await user.click(within(languages).getByRole('button', { name: 'Add language' }));
    const language = select(languages, 'Language 1');
    expect(document.activeElement).toBe(language);
    // Nothing is saved for a row without a voice.
    expect(await storedMaps(live)).toEqual({ offline: {}, elevenlabs: { fr: ELEVENLABS_VOICE } });

    await user.selectOptions(language, 'German');
    const voice = select(languages, 'Voice for German');
    await voicesListed(voice, 'German');
    // Only the voices that speak German, and the automatic choice.
    expect(optionTexts(voice)).toEqual(['Automatic', 'German']);
    await user.selectOptions(voice, 'German');
    await waitFor(async () =>
      expect(await storedMaps(live)).toEqual({ offline: { de: 'de' }, elevenlabs: { fr: ELEVENLABS_VOICE } }),
    );

    // A language can be chosen once: the second row cannot take German.
    await user.click(within(languages).getByRole('button', { name: 'Add language' }));
    const second = select(languages, 'Language 2');
    const german = [...second.options].find((option) => option.textContent === 'German');
    expect(german?.disabled).toBe(true);
    expect(second.value).not.toBe('de');
  });

  it('offers the voices of a language in its own accents', async () => {
    await live.api.updateSettings({
      patch: { text: { languageVoices: { offline: { fr: 'fr-be' }, elevenlabs: {} } } },
    });
    renderSettings(live.api);
    const voice = select(await group(), 'Voice for French');
    await voicesListed(voice, 'French (France)');
    expect(optionTexts(voice).sort()).toEqual([
      'Automatic',
      'French (Belgium)',
      'French (France)',
      'French (Switzerland)',
    ]);
    expect(selectedText(voice)).toBe('French (Belgium)');
  });

  it('forgets a language set to Automatic, and removes a row with Remove', async () => {
    await live.api.updateSettings({
      patch: {
        text: {
          languageVoices: { offline: { de: 'de', fr: 'fr-be' }, elevenlabs: { fr: ELEVENLABS_VOICE } },
        },
      },
    });
    const user = userEvent.setup();
    renderSettings(live.api);
    const languages = await group();
    expect(selectedText(select(languages, 'Language 1'))).toBe('German');
    expect(selectedText(select(languages, 'Language 2'))).toBe('French');

    await user.selectOptions(select(languages, 'Voice for German'), 'Automatic');
    await waitFor(async () =>
      expect(await storedMaps(live)).toEqual({
        offline: { fr: 'fr-be' },
        elevenlabs: { fr: ELEVENLABS_VOICE },
      }),
    );
    // The row stays, to be given a voice again.
    expect(selectedText(select(languages, 'Voice for German'))).toBe('Automatic');

    await user.click(within(languages).getByRole('button', { name: 'Remove French' }));
    await waitFor(async () =>
      expect(await storedMaps(live)).toEqual({ offline: {}, elevenlabs: { fr: ELEVENLABS_VOICE } }),
    );
    expect(within(languages).queryByRole('combobox', { name: 'Language 2' })).toBeNull();
    // The removed row was the last: focus goes to the one before it, then to the button.
    expect(document.activeElement).toBe(select(languages, 'Language 1'));
    await user.click(within(languages).getByRole('button', { name: 'Remove German' }));
    expect(document.activeElement).toBe(within(languages).getByRole('button', { name: 'Add language' }));
  });

  it('sets an offline voice back to Automatic when its row changes to another language', async () => {
    await live.api.updateSettings({
      patch: { text: { languageVoices: { offline: { de: 'de' }, elevenlabs: {} } } },
    });
    const user = userEvent.setup();
    renderSettings(live.api);
    const languages = await group();
    await voicesListed(select(languages, 'Voice for German'), 'German');
    await user.selectOptions(select(languages, 'Language 1'), 'Dutch');
    await waitFor(async () => expect(await storedMaps(live)).toEqual({ offline: {}, elevenlabs: {} }));
    expect(selectedText(select(languages, 'Voice for Dutch'))).toBe('Automatic');
  });

  it('shows and edits the ElevenLabs map once that is the engine, leaving the offline one', async () => {
    await live.api.updateSettings({
      patch: {
        text: { languageVoices: { offline: { de: 'de' }, elevenlabs: { fr: ELEVENLABS_VOICE } } },
      },
    });
    const user = userEvent.setup();
    renderSettings(live.api);
    let languages = await group();
    expect(selectedText(select(languages, 'Language 1'))).toBe('German');

    await user.click(screen.getByRole('radio', { name: 'ElevenLabs' }));
    languages = await group();
    expect(selectedText(select(languages, 'Language 1'))).toBe('French');
    // Without a key the voices cannot be listed; the stored voice is still shown by its id.
    const voice = select(languages, 'Voice for French');
    expect(selectedText(voice)).toBe(ELEVENLABS_VOICE);
    await waitFor(() =>
      expect(
        within(languages).getByText('The voices could not be listed. Add your ElevenLabs API key first.'),
      ).toBeTruthy(),
    );

    await user.click(within(languages).getByRole('button', { name: 'Remove French' }));
    await waitFor(async () =>
      expect(await storedMaps(live)).toEqual({ offline: { de: 'de' }, elevenlabs: {} }),
    );
  });

  it('is hidden while each language is not read with its own voice', async () => {
    const user = userEvent.setup();
    renderSettings(live.api);
    await group();
    const follow = screen.getByRole('checkbox', { name: 'Read each language with its own voice' });
    await user.click(follow);
    expect(screen.queryByRole('group', { name: 'Voice for each language' })).toBeNull();
    await user.click(follow);
    expect(await group()).toBeTruthy();
  });

  it('offers only languages the reading can tell apart', async () => {
    const user = userEvent.setup();
    renderSettings(live.api);
    const languages = await group();
    await user.click(within(languages).getByRole('button', { name: 'Add language' }));
    const codes = [...select(languages, 'Language 1').options].map((option) => option.value);
    expect(codes).toContain('de');
    expect(codes.filter((code) => !DETECTABLE_LANGUAGES.includes(code))).toEqual([]);
  });
});
