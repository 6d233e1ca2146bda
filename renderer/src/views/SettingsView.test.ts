// @vitest-environment jsdom
// The Settings tab against the real services: every change goes through the contract's dispatch()
// to the real settings store on disk, and is read back the way the app would read it.
import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLiveApi } from '../../../tests/helpers/live-api';
import type { LiveApi } from '../../../tests/helpers/live-api';
import type { Settings } from '../../../preload/api';
import { harkApiContext } from '../lib/api-context';
import SettingsView from './SettingsView.svelte';

async function storedSettings(live: LiveApi): Promise<Settings> {
  const result = await live.api.getSettings();
  if (!result.ok) throw new Error(result.message);
  return result.value;
}

function renderSettings(live: LiveApi) {
  return render(SettingsView, { context: harkApiContext(live.api) });
}

async function saved(): Promise<void> {
  await waitFor(() => expect(screen.getByRole('status').textContent?.trim()).toBe('Saved'));
}

describe('SettingsView', () => {
  let live: LiveApi;
  beforeEach(async () => {
    live = await startLiveApi();
  });
  afterEach(async () => {
    await live.close();
  });

  it('shows the stored settings, saves a change at once and keeps it across a restart', async () => {
    const user = userEvent.setup();
    renderSettings(live);
    const offline = await screen.findByRole('radio', { name: 'Offline voice' });
    expect((offline as HTMLInputElement).checked).toBe(true);

    await user.click(screen.getByRole('radio', { name: 'ElevenLabs' }));
    await saved();
    await user.click(screen.getByRole('checkbox', { name: 'Start Hark when I log in' }));
    await waitFor(async () => expect((await storedSettings(live)).launchAtLogin).toBe(true));
    expect((await storedSettings(live)).engine).toBe('elevenlabs');

    // A second set of services on the same folder is what the app sees after a restart.
    await live.app.close();
    const restarted = await startLiveApi({ dataDir: live.dataDir });
    try {
      const settings = await storedSettings(restarted);
      expect(settings.engine).toBe('elevenlabs');
      expect(settings.launchAtLogin).toBe(true);
    } finally {
      await restarted.close();
    }
  });
});
