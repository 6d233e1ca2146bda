// @vitest-environment jsdom
// The Read tab inside the app window, against the real services. Without a player page a reading
// fails the way it does in the app; with a scripted player attached (no audio, the test says what was
// heard) the real offline voice reads and its real word events drive the caption.
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import axe from 'axe-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WordProgress } from '../../../shared/contract';
import { startLiveApi } from '../../../tests/helpers/live-api';
import type { LiveApi } from '../../../tests/helpers/live-api';
import AppWindow from './AppWindow.svelte';
import { ScriptedPlayer } from './scripted-player.testing';

// The offline voice starts its engine on the first reading: slow on a busy machine.
const SLOW = { timeout: 60_000 };

/** axe-core's rules that jsdom can run (it has no layout, so contrast is checked in Chromium). */
async function expectNoAxeViolations(container: HTMLElement): Promise<void> {
  const result = await axe.run(container, { rules: { 'color-contrast': { enabled: false } } });
  expect(result.violations).toEqual([]);
}

describe('Read tab', () => {
  let live: LiveApi;
  beforeEach(async () => {
    live = await startLiveApi();
  });
  afterEach(async () => {
    await live.close();
  });

  function textBox(): HTMLTextAreaElement {
    return screen.getByRole('textbox', { name: 'Text to read' }) as HTMLTextAreaElement;
  }

  it('gives the service’s message for empty text, and Dismiss clears it', async () => {
    const user = userEvent.setup();
    render(AppWindow, { props: { api: live.api } });
    await user.click(screen.getByRole('button', { name: 'Speak' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('There is no text to read.');
    await expectNoAxeViolations(screen.getByRole('tabpanel', { name: 'Read' }));
    await user.click(within(alert).getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByRole('alert')).toBeNull();
    expect(document.activeElement).toBe(textBox());
  });

  it('asks main to connect ahead when the text box takes the focus', async () => {
    const user = userEvent.setup();
    const asked: string[] = [];
    const api = {
      ...live.api,
      prepareReading: () => (asked.push('prepareReading'), live.api.prepareReading()),
    };
    render(AppWindow, { props: { api } });
    await user.click(screen.getByRole('button', { name: 'Read clipboard' }));
    expect(asked).toEqual([]);
    await user.click(textBox());
    expect(asked).toEqual(['prepareReading']);
  });

  it('says so when the clipboard has nothing to read', async () => {
    const user = userEvent.setup();
    render(AppWindow, { props: { api: live.api } });
    await user.click(screen.getByRole('button', { name: 'Read clipboard' }));
    expect((await screen.findByRole('alert')).textContent).toContain('The clipboard has no text.');
  });

  it('reads on Ctrl+Enter; a reading with no player shows the error until it is dismissed', async () => {
    const user = userEvent.setup();
    render(AppWindow, { props: { api: live.api } });
    await user.click(textBox());
    await user.keyboard('Hello there.');
    await user.keyboard('{Control>}{Enter}{/Control}');
    expect(textBox().value).toBe('Hello there.');
    const alert = await screen.findByRole('alert', {}, SLOW);
    expect(alert.textContent).toContain('The audio player is not running.');
    await user.click(within(alert).getByRole('button', { name: 'Dismiss' }));
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
    expect(await live.api.getState()).toEqual({ ok: true, value: { kind: 'idle' } });
    expect(document.activeElement).toBe(textBox());
  });

  it('offers Pause and Stop only while reading', async () => {
    render(AppWindow, { props: { api: live.api } });
    expect(screen.getByRole('button', { name: 'Pause' }).getAttribute('aria-disabled')).toBe('true');
    expect(screen.getByRole('button', { name: 'Stop' }).getAttribute('aria-disabled')).toBe('true');
    expect(screen.queryByRole('region', { name: 'Now reading' })).toBeNull();
  });

  it('follows a real reading: caption with the word being heard, Pause/Resume, Stop', async () => {
    const player = new ScriptedPlayer();
    live.app.player.attach(player);
    const words: WordProgress[] = [];
    const stopListening = live.api.onWord((word) => words.push(word));
    await live.api.updateSettings({ patch: { overlay: { highlightColor: '#1d4ed8' } } });
    const user = userEvent.setup();
    render(AppWindow, { props: { api: live.api } });

    await user.type(textBox(), 'Good morning. The second sentence is here.');
    await user.click(screen.getByRole('button', { name: 'Speak' }));

    const caption = await screen.findByRole('region', { name: 'Now reading' }, SLOW);
    await waitFor(() => expect(caption.textContent).toContain('Good morning.'), SLOW);
    await waitFor(() => expect(caption.querySelector('mark')?.textContent).toBe('Good'), SLOW);
    expect(caption.querySelector('mark')?.style.getPropertyValue('--highlight')).toBe('#1d4ed8');
    await expectNoAxeViolations(screen.getByRole('tabpanel', { name: 'Read' }));

    // Once the audio of the second sentence has been heard, the caption shows it.
    // A word's text is as written in the source, punctuation included.
    await waitFor(() => expect(words.map((word) => word.text)).toContain('here.'), SLOW);
    const here = words.find((word) => word.text === 'here.');
    player.heard(here?.startMs ?? 0);
    await waitFor(() => expect(caption.textContent).toContain('The second sentence is here.'), SLOW);
    await waitFor(() => expect(caption.querySelector('mark')?.textContent).toBe('here.'), SLOW);

    await user.click(screen.getByRole('button', { name: 'Pause' }));
    const resume = await screen.findByRole('button', { name: 'Resume' });
    expect(within(screen.getByRole('tabpanel', { name: 'Read' })).getByText('Paused')).toBeTruthy();
    await user.click(resume);
    await screen.findByRole('button', { name: 'Pause' });

    await user.click(screen.getByRole('button', { name: 'Stop' }));
    await waitFor(() => expect(screen.queryByRole('region', { name: 'Now reading' })).toBeNull());
    expect(screen.getByRole('button', { name: 'Stop' }).getAttribute('aria-disabled')).toBe('true');
    expect(player.received.some((message) => message.type === 'pause')).toBe(true);
    stopListening();
  }, 120_000);
});
