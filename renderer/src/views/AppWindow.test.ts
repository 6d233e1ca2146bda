// @vitest-environment jsdom
import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLiveApi } from '../../../tests/helpers/live-api';
import type { LiveApi } from '../../../tests/helpers/live-api';
import AppWindow from './AppWindow.svelte';

describe('AppWindow', () => {
  let live: LiveApi;
  beforeEach(async () => {
    live = await startLiveApi();
  });
  afterEach(async () => {
    await live.close();
  });

  it('opens on the tab the window was asked for and moves between tabs with the arrow keys', async () => {
    const user = userEvent.setup();
    render(AppWindow, { props: { api: live.api, initialTab: 'history' } });
    const history = screen.getByRole('tab', { name: 'History' });
    expect(history.getAttribute('aria-selected')).toBe('true');
    expect(screen.getByRole('tabpanel', { name: 'History' })).toBeTruthy();

    history.focus();
    await user.keyboard('{ArrowRight}');
    const settings = screen.getByRole('tab', { name: 'Settings' });
    expect(settings.getAttribute('aria-selected')).toBe('true');
    expect(document.activeElement).toBe(settings);
    await user.keyboard('{ArrowRight}');
    expect(screen.getByRole('tab', { name: 'Read' }).getAttribute('aria-selected')).toBe('true');
  });

  it('shows what the services say in the status line', async () => {
    render(AppWindow, { props: { api: live.api } });
    expect((await screen.findByRole('status')).textContent).toBe('Ready');
    // No player page is attached, so the reading starts and then fails: both show up.
    expect(await live.api.speakText({ text: 'Hello there.' })).toEqual({ ok: true, value: 'started' });
    await waitFor(() =>
      expect(screen.getByRole('status').textContent).toBe('The audio player is not running.'),
    );
  });
});
