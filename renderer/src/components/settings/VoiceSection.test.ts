// @vitest-environment jsdom
// The voice picker against real servers: the app's own offline engine, and a separate stream-input
// server on loopback standing in for ElevenLabs (its token is the API key), as `hark serve` runs it.
import { randomBytes } from 'node:crypto';
import { screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLiveApi } from '../../../../tests/helpers/live-api';
import type { LiveApi } from '../../../../tests/helpers/live-api';
import { startStreamServer } from '../../../../main/engine/stream-server';
import type { RunningStreamServer } from '../../../../main/engine/stream-server';
import { renderSettings, storedSettings } from './settings.testing';

async function voiceGroup(): Promise<HTMLElement> {
  return screen.findByRole('group', { name: 'Voice' });
}

function voiceNames(group: HTMLElement): string[] {
  return within(within(group).getByRole('radiogroup', { name: 'Voices' }))
    .getAllByRole('radio')
    .map((radio) => (radio as HTMLInputElement).labels?.[0]?.textContent ?? '');
}

describe('voice picker', { timeout: 60_000 }, () => {
  let live: LiveApi;
  beforeEach(async () => {
    live = await startLiveApi();
  });
  afterEach(async () => {
    await live.close();
  });

  it('lists the offline voices without a key, searches them and saves the choice', async () => {
    const user = userEvent.setup();
    renderSettings(live.api);
    const group = await voiceGroup();
    const list = await within(group).findByRole('radiogroup', { name: 'Voices' }, { timeout: 20_000 });
    const current = within(list).getByRole('radio', { name: 'English (America)' }) as HTMLInputElement;
    expect(current.checked).toBe(true);
    expect(within(group).getByText(/^\d+ voices\. The first 40 are listed\.$/)).toBeTruthy();

    await user.type(within(group).getByRole('searchbox', { name: 'Search voices' }), 'french');
    await waitFor(() =>
      expect(voiceNames(group).sort()).toEqual([
        'French (Belgium)',
        'French (France)',
        'French (Switzerland)',
      ]),
    );
    expect(within(group).getByText('3 of', { exact: false }).textContent).toMatch(
      /^3 of \d+ voices match\.$/,
    );
    await user.click(within(group).getByRole('radio', { name: 'French (France)' }));
    await waitFor(async () => expect((await storedSettings(live.api)).voiceIds.offline).toBe('fr-fr'));
    expect(within(group).getByText('French (France)', { selector: 'strong' })).toBeTruthy();

    await user.clear(within(group).getByRole('searchbox', { name: 'Search voices' }));
    await user.type(within(group).getByRole('searchbox', { name: 'Search voices' }), 'zzz');
    await waitFor(() => expect(within(group).getByText('No voice matches “zzz”.')).toBeTruthy());

    // The preview reads through main (this test has no audio player, so only the start is seen).
    await user.click(within(group).getByRole('button', { name: 'Preview voice' }));
    await waitFor(() => expect(within(group).getByText('Playing a sample of this voice.')).toBeTruthy());
  });

  it('shows every voice on request and keeps the chosen one listed', async () => {
    const user = userEvent.setup();
    await live.api.updateSettings({ patch: { voiceIds: { offline: 'yue' } } });
    renderSettings(live.api);
    const group = await voiceGroup();
    await within(group).findByRole('radiogroup', { name: 'Voices' }, { timeout: 20_000 });
    expect(voiceNames(group)).toHaveLength(40);
    expect(
      (within(group).getByRole('radio', { name: 'Chinese (Cantonese)' }) as HTMLInputElement).checked,
    ).toBe(true);
    await user.click(within(group).getByRole('button', { name: /^Show all \d+ voices$/ }));
    await waitFor(() => expect(group.querySelectorAll('input[type="radio"]').length).toBeGreaterThan(100));
    expect(document.activeElement?.getAttribute('type')).toBe('radio');
  });

  it('asks for the key before listing ElevenLabs voices', async () => {
    const user = userEvent.setup();
    renderSettings(live.api);
    await user.click(await screen.findByRole('radio', { name: 'ElevenLabs' }));
    const group = await voiceGroup();
    await waitFor(() => expect(within(group).getByText('Add your ElevenLabs API key first.')).toBeTruthy());
    const usage = screen.getByText('Add your API key to see how many characters your plan has left.');
    expect(usage).toBeTruthy();
  });

  describe('from an ElevenLabs-compatible server', () => {
    let server: RunningStreamServer;
    beforeEach(async () => {
      server = await startStreamServer({ token: `sk_${randomBytes(20).toString('hex')}` });
    });
    afterEach(async () => {
      await server.close();
    });

    it('lists the server’s voices and models once it is the chosen server and the key is set', async () => {
      const user = userEvent.setup();
      // The keychain may be unreachable here; a key kept for the session works either way.
      expect((await live.api.setKey({ key: server.token, sessionOnly: true })).ok).toBe(true);
      renderSettings(live.api);
      await user.click(await screen.findByRole('radio', { name: 'ElevenLabs' }));
      const address = screen.getByRole('textbox', { name: 'Server address' });
      await user.clear(address);
      await user.type(address, server.url);
      await user.tab();
      await waitFor(async () => expect((await storedSettings(live.api)).baseUrl).toBe(server.url));

      const group = await voiceGroup();
      await within(group).findByRole('radiogroup', { name: 'Voices' }, { timeout: 20_000 });
      await user.type(within(group).getByRole('searchbox', { name: 'Search voices' }), 'english scotland');
      await waitFor(() => expect(voiceNames(group)).toEqual(['English (Scotland)']));

      const model = screen.getByRole('combobox', { name: 'Model' }) as HTMLSelectElement;
      await waitFor(() =>
        expect([...model.options].map((option) => option.textContent)).toContain('Hark offline voice'),
      );
      // This server has no quota endpoint: the failure is said in words, not hidden.
      await waitFor(() => expect(screen.getByText(/^The quota could not be read\./)).toBeTruthy());
    });
  });
});
