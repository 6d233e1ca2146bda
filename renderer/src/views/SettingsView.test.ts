// @vitest-environment jsdom
// The Settings tab against the real services: every change goes through the contract's dispatch()
// to the real settings store on disk, and is read back the way the app would read it.
import { screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import axe from 'axe-core';
import type { UserEvent } from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLiveApi } from '../../../tests/helpers/live-api';
import type { LiveApi } from '../../../tests/helpers/live-api';
import {
  descriptionOf,
  renderSettings,
  saveStatus,
  saved,
  storedSettings,
} from '../components/settings/settings.testing';

/** Presses Tab until `isTarget` holds for the focused element (a keyboard user's only way around). */
async function tabTo(
  user: UserEvent,
  isTarget: (element: Element) => boolean,
  limit = 200,
): Promise<Element> {
  for (let step = 0; step < limit; step++) {
    await user.tab();
    const focused = document.activeElement;
    if (focused && isTarget(focused)) return focused;
  }
  throw new Error('Tab never reached the control');
}

describe('SettingsView', { timeout: 60_000 }, () => {
  let live: LiveApi;
  beforeEach(async () => {
    live = await startLiveApi();
  });
  afterEach(async () => {
    await live.close();
  });

  it('shows the stored settings, saves a change at once and keeps it across a restart', async () => {
    const user = userEvent.setup();
    renderSettings(live.api);
    const offline = await screen.findByRole('radio', { name: 'Offline voice' });
    expect((offline as HTMLInputElement).checked).toBe(true);
    expect(screen.getByRole('group', { name: 'Engine' })).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Hotkeys' })).toBeTruthy();

    await user.click(screen.getByRole('radio', { name: 'ElevenLabs' }));
    await saved();
    await user.click(screen.getByRole('checkbox', { name: 'Start Hark when I log in' }));
    await waitFor(async () => expect((await storedSettings(live.api)).launchAtLogin).toBe(true));
    expect((await storedSettings(live.api)).engine).toBe('elevenlabs');

    // A second set of services on the same folder is what the app sees after a restart.
    await live.app.close();
    const restarted = await startLiveApi({ dataDir: live.dataDir });
    try {
      const settings = await storedSettings(restarted.api);
      expect(settings.engine).toBe('elevenlabs');
      expect(settings.launchAtLogin).toBe(true);
    } finally {
      await restarted.close();
    }
  });

  it('shows why a server address is refused next to the field and keeps the stored one', async () => {
    const user = userEvent.setup();
    renderSettings(live.api);
    const field = (await screen.findByRole('textbox', { name: 'Server address' })) as HTMLInputElement;
    const before = (await storedSettings(live.api)).baseUrl;

    await user.clear(field);
    await user.type(field, 'http://example.com');
    await waitFor(() =>
      expect(descriptionOf(field)).toContain(
        'Not saved: must use https:// (plain http:// is only allowed for localhost).',
      ),
    );
    expect(field.getAttribute('aria-invalid')).toBe('true');
    // What was typed stays while the field has focus, so it can be corrected.
    expect(field.value).toBe('http://example.com');
    expect(saveStatus()).toMatch(/^Not saved: Server address must use https:\/\//);
    expect((await storedSettings(live.api)).baseUrl).toBe(before);

    // Leaving the field shows the stored address again; the problem stays to say what happened.
    await user.tab();
    await waitFor(() => expect(field.value).toBe(before));
    expect(descriptionOf(field)).toContain('Not saved: must use https://');

    // A region is a valid address: picked, saved and the problem gone.
    await user.selectOptions(screen.getByRole('combobox', { name: 'Region' }), 'EU data residency');
    await waitFor(() => expect(field.value).toBe('https://api.eu.residency.elevenlabs.io'));
    await saved();
    expect(field.getAttribute('aria-invalid')).toBe('false');
    expect((await storedSettings(live.api)).baseUrl).toBe('https://api.eu.residency.elevenlabs.io');
  });

  it('puts a refused number back to the stored value once the field is left', async () => {
    const user = userEvent.setup();
    renderSettings(live.api);
    const field = (await screen.findByRole('spinbutton', { name: 'Readings to keep' })) as HTMLInputElement;
    await user.clear(field);
    await user.type(field, '2.5');
    await waitFor(() => expect(descriptionOf(field)).toContain('Not saved: must be a whole number.'));
    await user.tab();
    await waitFor(() => expect(field.value).toBe('1000'));
    expect((await storedSettings(live.api)).history.maxEntries).toBe(1000);

    await user.clear(field);
    await user.type(field, '250');
    await user.keyboard('{Enter}');
    await waitFor(async () => expect((await storedSettings(live.api)).history.maxEntries).toBe(250));
    expect(field.getAttribute('aria-invalid')).toBe('false');
  });

  it('saves sliders with their value shown, and colour and selects as they change', async () => {
    const user = userEvent.setup();
    renderSettings(live.api);
    const speed = (await screen.findByRole('slider', { name: 'Speed' })) as HTMLInputElement;
    expect(speed.getAttribute('aria-valuetext')).toBe('1.00×');
    speed.value = '1.15';
    speed.dispatchEvent(new Event('input', { bubbles: true }));
    await waitFor(() => expect(speed.getAttribute('aria-valuetext')).toBe('1.15×'));
    await waitFor(async () => expect((await storedSettings(live.api)).voiceSettings.speed).toBe(1.15));

    await user.selectOptions(
      screen.getByRole('combobox', { name: 'Audio format' }),
      'PCM, 24 kHz, uncompressed',
    );
    await waitFor(async () => expect((await storedSettings(live.api)).outputFormat).toBe('pcm_24000'));

    const colour = screen.getByLabelText('Highlight colour') as HTMLInputElement;
    colour.value = '#336699';
    colour.dispatchEvent(new Event('input', { bubbles: true }));
    await waitFor(async () =>
      expect((await storedSettings(live.api)).overlay.highlightColor).toBe('#336699'),
    );

    await user.click(screen.getByRole('radio', { name: 'Read the new text afterwards' }));
    await user.click(screen.getByRole('radio', { name: 'Best quality' }));
    await waitFor(async () => {
      const settings = await storedSettings(live.api);
      expect([settings.busyPolicy, settings.latencyPreset]).toEqual(['queue', 'quality']);
    });
  });

  it('works from the keyboard alone', async () => {
    const user = userEvent.setup();
    renderSettings(live.api);
    await screen.findByRole('radio', { name: 'Offline voice' });

    // The first stop is the engine group; the arrow keys choose.
    await user.tab();
    expect(document.activeElement).toBe(screen.getByRole('radio', { name: 'Offline voice' }));
    await user.keyboard('{ArrowDown}');
    await waitFor(async () => expect((await storedSettings(live.api)).engine).toBe('elevenlabs'));

    // Enter in the key field submits it; a malformed key is refused with the service's message.
    const key = await tabTo(user, (element) => element.getAttribute('type') === 'password');
    await user.keyboard('not-a-key{Enter}');
    expect((await screen.findByRole('alert')).textContent).toMatch(/too short/);
    expect(document.activeElement).toBe(key);

    // A hotkey is recorded with Enter, then the combination.
    await tabTo(user, (element) => element.textContent?.includes('Ctrl+Alt+Shift+X') ?? false);
    await user.keyboard('{Enter}');
    await user.keyboard('{Control>}{Alt>}{Shift>}t{/Shift}{/Alt}{/Control}');
    await waitFor(async () =>
      expect((await storedSettings(live.api)).hotkeys.stop).toBe('CommandOrControl+Alt+Shift+T'),
    );

    // Space toggles a checkbox.
    await tabTo(
      user,
      (element) => element === screen.getByRole('checkbox', { name: 'Dim the rest of the text' }),
    );
    await user.keyboard(' ');
    await waitFor(async () => expect((await storedSettings(live.api)).overlay.dimRest).toBe(true));
  });

  it('passes axe-core’s structure and naming rules, with problems and a recording on screen', async () => {
    const user = userEvent.setup();
    const { container } = renderSettings(live.api);
    await within(await screen.findByRole('group', { name: 'Voice' })).findByRole(
      'radiogroup',
      { name: 'Voices' },
      { timeout: 20_000 },
    );
    const field = screen.getByRole('textbox', { name: 'Server address' });
    await user.clear(field);
    await user.type(field, 'nonsense');
    await waitFor(() => expect(field.getAttribute('aria-invalid')).toBe('true'));
    await user.click(screen.getByRole('button', { name: /^Stop / }));
    await user.keyboard('r');
    // jsdom has no layout, so contrast is left to a real browser; structure and names are checked here.
    const result = await axe.run(container, { rules: { 'color-contrast': { enabled: false } } });
    expect(result.violations).toEqual([]);
    expect(result.incomplete.map((rule) => rule.id)).toEqual([]);
    expect(result.passes.map((rule) => rule.id)).toEqual(
      expect.arrayContaining(['label', 'aria-valid-attr-value', 'duplicate-id-aria', 'nested-interactive']),
    );
  });
});
