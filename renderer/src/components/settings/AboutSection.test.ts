// @vitest-environment jsdom
// "About and troubleshooting" in Settings: the version, where the log is, and the button that asks
// main to open the log folder. A scripted API plays main's answers; the live services show what a
// page served without the desktop app (dev:web) gets.
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { startLiveApi } from '../../../../tests/helpers/live-api';
import type { LiveApi } from '../../../../tests/helpers/live-api';
import { failure, success } from '../../../../shared/contract';
import { ScriptedApi } from '../../views/scripted-api.testing';
import AboutSection from './AboutSection.svelte';
import { renderSettings } from './settings.testing';

const LOG_FILE = '/home/ada/.config/Hark/logs/hark.log';

function scripted(): ScriptedApi {
  const scriptedApi = new ScriptedApi();
  scriptedApi.answers.set('about', success({ version: '1.2.3', logFile: LOG_FILE }));
  return scriptedApi;
}

function section(): HTMLElement {
  return screen.getByRole('group', { name: 'About and troubleshooting' });
}

describe('About and troubleshooting', { timeout: 60_000 }, () => {
  let live: LiveApi | undefined;
  afterEach(async () => {
    await live?.close();
    live = undefined;
  });

  it('shows the version and the log file, and the button asks main to open the folder', async () => {
    const user = userEvent.setup();
    const main = scripted();
    render(AboutSection, { props: { api: main.api } });
    expect(await within(section()).findByText('Hark version 1.2.3')).toBeTruthy();
    expect(within(section()).getByText(LOG_FILE)).toBeTruthy();

    await user.click(within(section()).getByRole('button', { name: 'Open log folder' }));
    await waitFor(() => expect(main.payloadsOf('openLogFolder')).toEqual([undefined]));
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it("says so when the folder could not be opened, with main's message", async () => {
    const user = userEvent.setup();
    const main = scripted();
    const message = `The log folder could not be opened (no file manager). The log is ${LOG_FILE}.`;
    main.answers.set('openLogFolder', failure('open_failed', message));
    render(AboutSection, { props: { api: main.api } });
    await user.click(screen.getByRole('button', { name: 'Open log folder' }));
    expect((await screen.findByRole('alert')).textContent).toBe(message);

    // A second try that works clears the message.
    main.answers.delete('openLogFolder');
    await user.click(screen.getByRole('button', { name: 'Open log folder' }));
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
    expect(main.payloadsOf('openLogFolder')).toHaveLength(2);
  });

  it('is in Settings even when the settings cannot be read', async () => {
    const main = scripted();
    main.answers.set('getSettings', failure('internal', 'Something went wrong in Hark.'));
    renderSettings(main.api);
    expect(await screen.findByText(/The settings could not be read/)).toBeTruthy();
    expect(within(section()).getByRole('button', { name: 'Open log folder' })).toBeTruthy();
  });

  it('without the desktop app, the real services say the folder opens from there', async () => {
    const user = userEvent.setup();
    live = await startLiveApi();
    renderSettings(live.api);
    const about = await screen.findByRole('group', { name: 'About and troubleshooting' });
    expect(await within(about).findByText(/Only the Hark desktop app has a version/)).toBeTruthy();
    await user.click(within(about).getByRole('button', { name: 'Open log folder' }));
    expect((await within(about).findByRole('alert')).textContent).toBe(
      'The log folder opens from the desktop app.',
    );
  });
});
