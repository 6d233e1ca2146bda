// @vitest-environment jsdom
// The API key form against the real secret store. This test process may have no D-Bus session, in
// which case the real keychain is unavailable: the test asks the store first and checks whatever it
// reports. A second test uses an in-memory keychain backend to walk through saving and removing.
import { screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { startLiveApi } from '../../../../tests/helpers/live-api';
import type { LiveApi } from '../../../../tests/helpers/live-api';
import { createSecretStore } from '../../../../main/store/secrets';
import type { KeychainBackend } from '../../../../main/store/secrets';
import type { KeyStatus } from '../../../../shared/contract';
import { descriptionOf, renderSettings } from './settings.testing';

/** What the form says for each key status (the store's own message where it has one). */
function statusSentence(status: KeyStatus): string {
  switch (status.state) {
    case 'stored':
      return 'A key is saved in the system keychain.';
    case 'absent':
      return 'No key yet.';
    default:
      return status.message;
  }
}

/** A well-formed but fake key. */
const FAKE_KEY = `sk_${'0123456789abcdef'.repeat(3).slice(0, 40)}`;

function keyField(): HTMLInputElement {
  return screen.getByLabelText('ElevenLabs API key') as HTMLInputElement;
}

async function accountGroup(): Promise<HTMLElement> {
  return screen.findByRole('group', { name: 'ElevenLabs account' });
}

describe('API key', { timeout: 60_000 }, () => {
  let live: LiveApi | undefined;
  afterEach(async () => {
    await live?.close();
    live = undefined;
  });

  it('shows the real keychain’s status, refuses a malformed key clearly and offers this session', async () => {
    live = await startLiveApi();
    const status = await live.api.keyStatus();
    if (!status.ok) throw new Error(status.message);
    const user = userEvent.setup();
    renderSettings(live.api);
    const account = await accountGroup();
    const field = keyField();
    expect(field.type).toBe('password');
    expect(field.getAttribute('autocomplete')).toBe('off');

    const expected = statusSentence(status.value);
    await waitFor(() => expect(descriptionOf(field)).toContain(expected));

    // A malformed key: the service's message, as an alert; the form stays usable with the text kept.
    await user.type(field, 'abc');
    await user.click(within(account).getByRole('button', { name: 'Save key' }));
    const alert = await within(account).findByRole('alert');
    expect(alert.textContent).toBe('The API key is too short (under 16 characters). Was it cut off?');
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(descriptionOf(field)).toContain('too short');
    expect(field.value).toBe('abc');
    expect(field.disabled).toBe(false);

    const before = status.value;
    if (before.state !== 'unavailable') {
      // A reachable keychain belongs to the person running the tests: nothing is written to it.
      expect(within(account).queryByRole('button', { name: 'Keep for this session only' })).toBeNull();
      return;
    }
    // No keychain: saving says why, and the key can be kept in memory instead.
    await user.clear(field);
    await user.type(field, FAKE_KEY);
    await user.click(within(account).getByRole('button', { name: 'Save key' }));
    await waitFor(() => expect(within(account).getByRole('alert').textContent).toBe(before.message));
    await user.click(within(account).getByRole('button', { name: 'Keep for this session only' }));
    await waitFor(() => expect(within(account).queryByRole('alert')).toBeNull());
    expect(field.value).toBe('');
    const kept = await live.api.keyStatus();
    if (!kept.ok || kept.value.state !== 'session-only') throw new Error('the key was not kept');
    expect(descriptionOf(field)).toContain(kept.value.message);
    expect(within(account).getByText('The key is kept until Hark quits.')).toBeTruthy();

    await user.click(within(account).getByRole('button', { name: 'Remove key' }));
    await waitFor(() => expect(descriptionOf(field)).toContain(before.message));
    const after = await live.api.keyStatus();
    expect(after.ok && after.value.state).toBe('unavailable');
  });

  it('saves a key to the keychain, never shows it again, and removes it', async () => {
    // An honest keychain in memory: the real secret store and services around it.
    const vault = new Map<string, string>();
    const backend: KeychainBackend = {
      getPassword: async (service, account) => vault.get(`${service}/${account}`) ?? null,
      setPassword: async (service, account, password) => void vault.set(`${service}/${account}`, password),
      deletePassword: async (service, account) => vault.delete(`${service}/${account}`),
    };
    live = await startLiveApi({ secrets: createSecretStore({ backend }) });
    const user = userEvent.setup();
    renderSettings(live.api);
    const account = await accountGroup();
    const field = keyField();
    await waitFor(() => expect(descriptionOf(field)).toContain('No key yet.'));
    const remove = within(account).getByRole('button', { name: 'Remove key' }) as HTMLButtonElement;
    expect(remove.disabled).toBe(true);
    expect(within(account).queryByRole('button', { name: 'Keep for this session only' })).toBeNull();

    await user.type(field, `  ${FAKE_KEY}\n`.trimEnd());
    await user.keyboard('{Enter}');
    await waitFor(() => expect(descriptionOf(field)).toContain('A key is saved in the system keychain.'));
    expect([...vault.values()]).toEqual([FAKE_KEY]);
    expect(field.value).toBe('');
    expect(document.body.innerHTML).not.toContain(FAKE_KEY);
    expect(remove.disabled).toBe(false);

    await user.click(remove);
    await waitFor(() => expect(descriptionOf(field)).toContain('No key yet.'));
    expect(vault.size).toBe(0);
  });
});
