// @vitest-environment jsdom
// The caption overlay against the real services. With a scripted player attached (no audio; the test
// says what was heard) the real offline voice reads and its real word events drive the caption.
// The overlay is hidden from assistive technology on purpose, so it is inspected through the DOM.
import { render, waitFor } from '@testing-library/svelte';
import axe from 'axe-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppState, WordProgress } from '../../../shared/contract';
import { startLiveApi } from '../../../tests/helpers/live-api';
import type { LiveApi } from '../../../tests/helpers/live-api';
import CaptionOverlay from './CaptionOverlay.svelte';
import { ScriptedPlayer } from './scripted-player.testing';

// The offline voice starts its engine on the first reading: slow on a busy machine.
const SLOW = { timeout: 60_000 };

/** Anything a keyboard or a click could land on. */
const FOCUSABLE = 'a[href], button, input, select, textarea, [tabindex], [contenteditable], summary';

describe('CaptionOverlay', () => {
  let live: LiveApi;
  beforeEach(async () => {
    live = await startLiveApi();
  });
  afterEach(async () => {
    await live.close();
  });

  it('shows nothing while Hark is idle', async () => {
    const { container } = render(CaptionOverlay, { props: { api: live.api } });
    // Let the first answers (state, settings) come in.
    await live.api.getState();
    await new Promise((resolve) => setTimeout(resolve, 0));
    const captions = container.querySelector('.caption-overlay');
    expect(captions?.textContent?.trim()).toBe('');
    expect(captions?.getAttribute('aria-hidden')).toBe('true');
    // The window's title is there for assistive tech, and it is all they get.
    expect(container.querySelector('h1')?.textContent).toBe('Hark captions');
  });

  it('captions a real reading with the settings of the moment, never focusable, gone when stopped', async () => {
    const player = new ScriptedPlayer();
    live.app.player.attach(player);
    const words: WordProgress[] = [];
    const states: AppState[] = [];
    const unsubscribe = [
      live.api.onWord((word) => words.push(word)),
      live.api.onState((state) => states.push(state)),
    ];
    const { container } = render(CaptionOverlay, { props: { api: live.api } });
    const overlay = container.querySelector<HTMLElement>('.caption-overlay');
    if (!overlay) throw new Error('no overlay root');

    // Changed after the overlay opened: it reads the settings again as the reading starts.
    const patch = { overlay: { highlightColor: '#2e7d32', dimRest: true, fontScale: 2 } };
    expect((await live.api.updateSettings({ patch })).ok).toBe(true);
    expect(await live.api.speakText({ text: 'Quiet please. The show begins now.' })).toEqual({
      ok: true,
      value: 'started',
    });

    await waitFor(() => expect(overlay.textContent).toContain('Quiet please.'), SLOW);
    await waitFor(() => expect(overlay.querySelector('mark')?.textContent).toBe('Quiet'), SLOW);
    await waitFor(() => expect(overlay.querySelector('.status')?.textContent).toBe('Sentence 1 of 2'), SLOW);
    const mark = overlay.querySelector('mark');
    expect(mark?.style.getPropertyValue('--highlight')).toBe('#2e7d32');
    expect(mark?.style.color).toBe('rgb(255, 255, 255)');
    expect(overlay.querySelector('.dim-rest')).not.toBeNull();
    expect(overlay.querySelector<HTMLElement>('.panel')?.style.getPropertyValue('--scale')).toBe('2');

    // Visual only: hidden from screen readers, nothing to focus, not even by a click.
    expect(overlay.getAttribute('aria-hidden')).toBe('true');
    expect(overlay.hasAttribute('inert')).toBe(true);
    expect(container.querySelectorAll(FOCUSABLE)).toHaveLength(0);
    expect(container.querySelector('[aria-live], [role="alert"], [role="status"]')).toBeNull();
    // jsdom has no layout, so contrast is checked in Chromium; the rest of axe-core runs here.
    const audit = await axe.run(container, { rules: { 'color-contrast': { enabled: false } } });
    expect(audit.violations).toEqual([]);

    // The second sentence, once its audio has been heard.
    await waitFor(() => expect(words.map((word) => word.text)).toContain('now.'), SLOW);
    player.heard(words.find((word) => word.text === 'now.')?.startMs ?? 0);
    await waitFor(() => expect(overlay.querySelector('mark')?.textContent).toBe('now.'), SLOW);
    expect(overlay.textContent).toContain('The show begins now.');
    expect(overlay.textContent).not.toContain('Quiet');
    await waitFor(() => expect(overlay.querySelector('.status')?.textContent).toBe('Sentence 2 of 2'));

    expect((await live.api.setSpeed({ speed: 1.5 })).ok).toBe(true);
    expect((await live.api.pause()).ok).toBe(true);
    await waitFor(() =>
      expect(overlay.querySelector('.status')?.textContent).toBe('Paused · Sentence 2 of 2 · 1.5×'),
    );
    expect((await live.api.resume()).ok).toBe(true);
    await waitFor(() => expect(overlay.textContent).not.toContain('Paused'));

    expect((await live.api.stop()).ok).toBe(true);
    await waitFor(() => expect(overlay.textContent?.trim()).toBe(''));

    // Switched off in the settings: the next reading shows nothing, even once its words are in.
    expect((await live.api.updateSettings({ patch: { overlay: { enabled: false } } })).ok).toBe(true);
    const before = words.length;
    states.length = 0;
    expect((await live.api.speakText({ text: 'Not shown.' })).ok).toBe(true);
    await waitFor(() => expect(words.length).toBeGreaterThan(before), SLOW);
    await waitFor(() => expect(states.some((state) => state.kind === 'speaking')).toBe(true), SLOW);
    expect(overlay.textContent?.trim()).toBe('');
    unsubscribe.forEach((stop) => stop());
  }, 120_000);
});
