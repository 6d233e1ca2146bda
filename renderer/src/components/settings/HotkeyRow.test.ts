// @vitest-environment jsdom
// The hotkey recorder against the real services. Registering global hotkeys needs Electron, so the
// services run without them; suspend/resume are recorded on their way to the real verbs, and the
// "could not register" reports come from a small stand-in for Electron's hotkey manager.
import { screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLiveApi } from '../../../../tests/helpers/live-api';
import type { LiveApi } from '../../../../tests/helpers/live-api';
import { failure, success } from '../../../../shared/contract';
import type { HarkApi, HotkeyFailure } from '../../../../shared/contract';
import { descriptionOf, recordingCalls, renderSettings, storedSettings } from './settings.testing';

const CTRL_ALT_SHIFT_R = '{Control>}{Alt>}{Shift>}r{/Shift}{/Alt}{/Control}';

async function recorder(name: RegExp): Promise<HTMLElement> {
  const hotkeys = await screen.findByRole('group', { name: 'Hotkeys' });
  return within(hotkeys).getByRole('button', { name });
}

describe('hotkey recorder', { timeout: 60_000 }, () => {
  let live: LiveApi;
  let api: HarkApi;
  let calls: string[];
  beforeEach(async () => {
    live = await startLiveApi();
    ({ api, calls } = recordingCalls(live.api, ['suspendHotkeys', 'resumeHotkeys']));
  });
  afterEach(async () => {
    await live.close();
  });

  it('turns Ctrl+Alt+Shift+R into an accelerator and saves it, with Hark’s hotkeys suspended meanwhile', async () => {
    const user = userEvent.setup();
    renderSettings(api);
    const button = await recorder(/^Read selection Ctrl\+Alt\+Shift\+S$/);
    await user.click(button);
    expect(button.textContent?.trim()).toBe('Press a combination…');
    expect(calls).toEqual(['suspendHotkeys']);
    expect(descriptionOf(button)).toContain('Escape cancels');

    await user.keyboard(CTRL_ALT_SHIFT_R);
    await waitFor(async () =>
      expect((await storedSettings(live.api)).hotkeys.readSelection).toBe('CommandOrControl+Alt+Shift+R'),
    );
    expect(button.textContent?.trim()).toBe('Ctrl+Alt+Shift+R');
    expect(calls).toEqual(['suspendHotkeys', 'resumeHotkeys']);
  });

  it('cancels with Escape, and when focus leaves, without changing the hotkey', async () => {
    const user = userEvent.setup();
    renderSettings(api);
    const button = await recorder(/^Stop /);
    await user.click(button);
    await user.keyboard('{Escape}');
    expect(button.textContent?.trim()).toBe('Ctrl+Alt+Shift+X');
    expect(calls).toEqual(['suspendHotkeys', 'resumeHotkeys']);

    await user.click(button);
    await user.tab();
    expect(calls).toEqual(['suspendHotkeys', 'resumeHotkeys', 'suspendHotkeys', 'resumeHotkeys']);
    expect(button.textContent?.trim()).toBe('Ctrl+Alt+Shift+X');
    expect((await storedSettings(live.api)).hotkeys.stop).toBe('CommandOrControl+Alt+Shift+X');
  });

  it('removes a hotkey with Backspace', async () => {
    const user = userEvent.setup();
    renderSettings(api);
    const button = await recorder(/^Pause or resume /);
    await user.click(button);
    await user.keyboard('{Backspace}');
    await waitFor(async () => expect((await storedSettings(live.api)).hotkeys.pauseResume).toBe(''));
    expect(button.textContent?.trim()).toBe('None');
  });

  it('keeps recording after a combination that cannot be used, and says why', async () => {
    const user = userEvent.setup();
    renderSettings(api);
    const button = await recorder(/^Read selection /);
    await user.click(button);

    await user.keyboard('r');
    await waitFor(() => expect(descriptionOf(button)).toMatch(/would take the R key from every app/));
    await user.keyboard('{Control>}{Alt>}{Shift>}c{/Shift}{/Alt}{/Control}');
    await waitFor(() =>
      expect(descriptionOf(button)).toContain('Ctrl+Alt+Shift+C is already the hotkey for Read clipboard.'),
    );
    expect(button.textContent?.trim()).toBe('Press a combination…');
    expect(calls).toEqual(['suspendHotkeys']);

    await user.keyboard(CTRL_ALT_SHIFT_R);
    await waitFor(async () =>
      expect((await storedSettings(live.api)).hotkeys.readSelection).toBe('CommandOrControl+Alt+Shift+R'),
    );
    expect(descriptionOf(button)).not.toContain('already');
  });

  it('resumes the hotkeys when the tab closes while recording', async () => {
    const user = userEvent.setup();
    const view = renderSettings(api);
    await user.click(await recorder(/^Stop /));
    view.unmount();
    expect(calls).toEqual(['suspendHotkeys', 'resumeHotkeys']);
  });

  it('shows next to each row the hotkeys main could not register, as they change', async () => {
    // Stand-in for Electron's hotkey manager: what it reports, through the contract's own verbs.
    let failures: HotkeyFailure[] = [
      {
        action: 'readClipboard',
        accelerator: 'CommandOrControl+Alt+Shift+C',
        reason: 'taken',
        message: 'Another program already uses Ctrl+Alt+Shift+C.',
      },
    ];
    const listeners = new Set<(failures: HotkeyFailure[]) => void>();
    const withFailures: HarkApi = {
      ...live.api,
      hotkeyStatus: async () => success(failures),
      onHotkeysChanged: (listener) => {
        listeners.add(listener);
        return () => void listeners.delete(listener);
      },
    };
    renderSettings(withFailures);
    const clipboard = await recorder(/^Read clipboard /);
    await waitFor(() =>
      expect(descriptionOf(clipboard)).toContain('Another program already uses Ctrl+Alt+Shift+C.'),
    );
    expect(descriptionOf(await recorder(/^Stop /))).not.toContain('Another program');

    failures = [
      { action: 'stop', accelerator: 'F13', reason: 'invalid', message: 'F13 cannot be registered here.' },
    ];
    for (const listener of listeners) listener(failures);
    await waitFor(() => expect(descriptionOf(clipboard)).not.toContain('Another program'));
    expect(descriptionOf(await recorder(/^Stop /))).toContain('F13 cannot be registered here.');
  });

  it('shows a failed hotkey status call as nothing reported, not as a crash', async () => {
    const broken: HarkApi = { ...live.api, hotkeyStatus: async () => failure('disconnected', 'Gone.') };
    renderSettings(broken);
    const button = await recorder(/^Read selection /);
    expect(descriptionOf(button)).toBe('Select to change.');
  });
});
