// @vitest-environment jsdom
// Steering a reading from the Read tab: previous and next, the place slider, the speed, and the whole
// text with the sentence and word being heard. Main's side of steering is not part of a component
// test: a scripted HarkApi pushes what main would (state, text, place, words) and records the verbs.
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import axe from 'axe-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { failure } from '../../../shared/contract';
import type { WordProgress } from '../../../shared/contract';
import AppWindow from './AppWindow.svelte';
import { readingOf, ScriptedApi } from './scripted-api.testing';

const SENTENCES = ['Good morning.', 'The second sentence is here.', 'A third one.', 'And the last.'];

async function expectNoAxeViolations(container: HTMLElement): Promise<void> {
  const result = await axe.run(container, { rules: { 'color-contrast': { enabled: false } } });
  expect(result.violations).toEqual([]);
}

function open(): { scripted: ScriptedApi; user: ReturnType<typeof userEvent.setup> } {
  const scripted = new ScriptedApi();
  const user = userEvent.setup();
  render(AppWindow, { props: { api: scripted.api } });
  return { scripted, user };
}

/** Opens the window and lets main start reading SENTENCES. */
async function reading(options: { steerable?: boolean } = {}) {
  const opened = open();
  opened.scripted.startReading(readingOf(SENTENCES), { steerable: options.steerable ?? true });
  await screen.findByRole('region', { name: 'Text being read' });
  return opened;
}

const button = (name: string) => screen.getByRole('button', { name });
const slider = (name: string) => screen.getByRole('slider', { name }) as HTMLInputElement;
const sentence = (text: string) =>
  within(screen.getByRole('region', { name: 'Text being read' })).getByRole('button', { name: text });

function word(text: string, textOffset: number, startMs: number, readingId = 1): WordProgress {
  const index = SENTENCES.findIndex((s) => readingOf(SENTENCES).text.indexOf(s) + s.length > textOffset);
  const offset = readingOf(SENTENCES).sentences[index]?.offset ?? 0;
  return {
    index: textOffset,
    textOffset,
    length: text.length,
    startMs,
    durationMs: 200,
    text,
    readingId,
    sentence: { text: SENTENCES[index] ?? '', offset },
  };
}

afterEach(() => vi.unstubAllGlobals());

describe('Steering a reading', () => {
  it('offers no steering while nothing is read', async () => {
    const { scripted } = open();
    await waitFor(() => expect(scripted.payloadsOf('getReading')).toHaveLength(1));
    expect(button('Previous sentence').getAttribute('aria-disabled')).toBe('true');
    expect(button('Next sentence').getAttribute('aria-disabled')).toBe('true');
    expect(slider('Reading position').disabled).toBe(true);
    expect(slider('Speed').disabled).toBe(true);
    expect(slider('Speed').getAttribute('aria-valuetext')).toBe('1.0×');
    expect(screen.queryByRole('region', { name: 'Text being read' })).toBeNull();
    await userEvent.setup().click(button('Next sentence'));
    expect(scripted.payloadsOf('nextSentence')).toEqual([]);
  });

  it('Previous sentence and Next sentence call the verbs', async () => {
    const { scripted, user } = await reading();
    expect(button('Next sentence').getAttribute('aria-disabled')).toBe('false');
    await user.click(button('Next sentence'));
    await user.click(button('Previous sentence'));
    await user.click(button('Next sentence'));
    const steps = scripted.calls.map((call) => call.verb).filter((verb) => verb.endsWith('Sentence'));
    expect(steps).toEqual(['nextSentence', 'previousSentence', 'nextSentence']);
  });

  it('the Speed slider calls setSpeed with its value and shows it', async () => {
    const { scripted } = await reading();
    const speed = slider('Speed');
    expect(speed.disabled).toBe(false);
    expect([speed.min, speed.max, speed.step]).toEqual(['0.5', '3', '0.1']);
    await fireEvent.input(speed, { target: { value: '1.5' } });
    expect(scripted.payloadsOf('setSpeed')).toEqual([{ speed: 1.5 }]);
    await waitFor(() => expect(speed.getAttribute('aria-valuetext')).toBe('1.5×'));
    expect(screen.getByText('1.5×')).toBeTruthy();
    // Main's next place says the speed too.
    scripted.emit('position', { ...scripted.reading!.position, speed: 2 });
    await waitFor(() => expect(speed.getAttribute('aria-valuetext')).toBe('2.0×'));
  });

  it('the Reading position slider shows the sentence and jumps to the one chosen', async () => {
    const { scripted } = await reading();
    const place = slider('Reading position');
    expect([place.min, place.max, place.value]).toEqual(['1', '4', '1']);
    expect(place.getAttribute('aria-valuetext')).toBe('Sentence 1 of 4');
    await fireEvent.input(place, { target: { value: '3' } });
    expect(place.getAttribute('aria-valuetext')).toBe('Sentence 3 of 4');
    await fireEvent.change(place, { target: { value: '3' } });
    expect(scripted.payloadsOf('jumpToSentence')).toEqual([{ index: 2 }]);

    scripted.emit('position', {
      ...scripted.reading!.position,
      sentence: 2,
      elapsedMs: 65_000,
      remainingMs: 9_000,
    });
    await waitFor(() => expect(place.getAttribute('aria-valuetext')).toBe('Sentence 3 of 4'));
    expect(place.value).toBe('3');
    const panel = screen.getByRole('tabpanel', { name: 'Read' });
    expect(panel.textContent).toContain('Sentence 3 of 4');
    expect(panel.textContent).toContain('1:05');
    expect(panel.textContent).toContain('0:09');
  });

  it('shows the whole text; a click or Enter on a sentence reads on from it', async () => {
    const { scripted, user } = await reading();
    const region = screen.getByRole('region', { name: 'Text being read' });
    // As written, nothing added around or between the sentences.
    expect(region.querySelector('[data-index]')?.parentElement?.textContent).toBe(SENTENCES.join(' '));
    await user.click(sentence('A third one.'));
    expect(scripted.payloadsOf('jumpToSentence')).toEqual([{ index: 2 }]);
    sentence('And the last.').focus();
    await user.keyboard('{Enter}');
    expect(scripted.payloadsOf('jumpToSentence')).toEqual([{ index: 2 }, { index: 3 }]);
  });

  it('marks the sentence being heard from the place main pushes, and the word being heard in it', async () => {
    const { scripted } = await reading();
    expect(sentence('Good morning.').getAttribute('aria-current')).toBe('true');
    scripted.emit('position', { ...scripted.reading!.position, sentence: 1 });
    await waitFor(() =>
      expect(sentence('The second sentence is here.').getAttribute('aria-current')).toBe('true'),
    );
    const text = screen.getByRole('region', { name: 'Text being read' });
    expect(text.querySelectorAll('[aria-current]')).toHaveLength(1);
    // The captions' word: "second" starts 18 characters into the text.
    scripted.emit('word', word('The', 14, 0));
    scripted.emit('word', word('second', 18, 300));
    scripted.emit('playback', { readingId: 1, playedMs: 350, speed: 1 });
    await waitFor(() => expect(text.querySelector('mark')?.textContent).toBe('second'));
    expect(text.querySelector('mark')?.closest('[aria-current]')).toBe(
      sentence('The second sentence is here.'),
    );
    await expectNoAxeViolations(screen.getByRole('tabpanel', { name: 'Read' }));
  });

  it('scrolls the sentence being heard into view, without motion when reduced motion is asked for', async () => {
    const scroll = vi.fn();
    Element.prototype.scrollIntoView = scroll;
    vi.stubGlobal('matchMedia', (query: string) => ({ matches: query.includes('reduce'), media: query }));
    try {
      const { scripted } = await reading();
      scroll.mockClear();
      scripted.emit('position', { ...scripted.reading!.position, sentence: 3 });
      await waitFor(() => expect(scroll).toHaveBeenCalledWith({ block: 'nearest', behavior: 'auto' }));
      expect(scroll.mock.contexts[0]).toBe(sentence('And the last.'));
    } finally {
      delete (Element.prototype as Partial<Element>).scrollIntoView;
    }
  });

  it('reaches every control by Tab, and moves between sentences with the arrow keys', async () => {
    const { user } = await reading();
    button('Next sentence').focus();
    await user.tab();
    expect(document.activeElement).toBe(slider('Reading position'));
    await user.tab();
    expect(document.activeElement).toBe(slider('Speed'));
    await user.tab();
    expect(document.activeElement).toBe(sentence('Good morning.'));
    // One tab stop for the whole text.
    const text = screen.getByRole('region', { name: 'Text being read' });
    expect(text.querySelectorAll('[tabindex="0"]')).toHaveLength(1);
    await user.keyboard('{ArrowDown}');
    expect(document.activeElement).toBe(sentence('The second sentence is here.'));
    await user.keyboard('{End}');
    expect(document.activeElement).toBe(sentence('And the last.'));
    await user.keyboard('{ArrowUp}');
    expect(document.activeElement).toBe(sentence('A third one.'));
    expect(sentence('A third one.').getAttribute('tabindex')).toBe('0');
    await user.keyboard('{Home}');
    expect(document.activeElement).toBe(sentence('Good morning.'));
  });

  it('a history replay keeps the speed but cannot be steered by sentence', async () => {
    const { scripted, user } = await reading({ steerable: false });
    expect(button('Previous sentence').getAttribute('aria-disabled')).toBe('true');
    expect(button('Next sentence').getAttribute('aria-disabled')).toBe('true');
    expect(slider('Reading position').disabled).toBe(true);
    expect(slider('Speed').disabled).toBe(false);
    await user.click(button('Next sentence'));
    await user.click(sentence('A third one.'));
    expect(scripted.payloadsOf('nextSentence')).toEqual([]);
    expect(scripted.payloadsOf('jumpToSentence')).toEqual([]);
  });

  it('shows why a steering call failed, until dismissed', async () => {
    const { scripted, user } = await reading();
    scripted.answers.set('nextSentence', failure('not_available', 'There is no next sentence.'));
    await user.click(button('Next sentence'));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('There is no next sentence.');
    await user.click(within(alert).getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('turns steering off when the reading ends', async () => {
    const { scripted } = await reading();
    scripted.emit('readingText', null);
    scripted.emit('state', { kind: 'idle' });
    await waitFor(() => expect(screen.queryByRole('region', { name: 'Text being read' })).toBeNull());
    expect(button('Next sentence').getAttribute('aria-disabled')).toBe('true');
    expect(slider('Reading position').disabled).toBe(true);
  });

  it('stays responsive with a 100,000-character text: one element per sentence, one marked', async () => {
    const sentences = Array.from(
      { length: 5000 },
      (_, i) => `Sentence number ${String(i).padStart(4, '0')}.`,
    );
    const long = readingOf(sentences);
    expect(long.text.length).toBeGreaterThanOrEqual(100_000);
    const scripted = new ScriptedApi();
    render(AppWindow, { props: { api: scripted.api } });
    scripted.startReading(long);
    await waitFor(() => expect(document.querySelector('[data-index]')).not.toBeNull(), { timeout: 60_000 });
    const region = document.querySelector('[data-index]')?.closest('section') as HTMLElement;
    const items = region.querySelectorAll('[data-index]');
    expect(items).toHaveLength(5000);
    const first = items[4321];
    // What a move and a word change do to the page: a few attributes and the current sentence's
    // text, never the list (jsdom is too slow for wall-clock bounds, so the DOM work is counted).
    const changed = new Set<Node>();
    const observer = new MutationObserver((records) => {
      for (const record of records) changed.add(record.target);
    });
    observer.observe(region, { subtree: true, childList: true, attributes: true, characterData: true });
    scripted.emit('position', { ...scripted.reading!.position, sentence: 4321 });
    await waitFor(() => expect(items[4321]?.getAttribute('aria-current')).toBe('true'));
    scripted.emit('word', { ...word('Sentence', 0, 0), textOffset: long.sentences[4321]!.offset });
    await waitFor(() => expect(items[4321]?.querySelector('mark')?.textContent).toBe('Sentence'));
    await new Promise((resolve) => setTimeout(resolve, 0));
    observer.disconnect();
    expect(changed.size).toBeLessThan(10);
    expect(region.querySelectorAll('[aria-current]')).toHaveLength(1);
    expect(region.querySelectorAll('mark')).toHaveLength(1);
    // The same elements: moving on re-renders nothing but what changed.
    expect(region.querySelectorAll('[data-index]')[4321]).toBe(first);
    expect(region.querySelectorAll('[tabindex="0"]')).toHaveLength(1);
  }, 120_000);
});
