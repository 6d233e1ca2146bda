import { describe, expect, it } from 'vitest';
import { captureSelection, createSelectionCapture } from './capture';
import type { SelectionAttempt, SelectionStrategy } from './types';

function answering(attempt: SelectionAttempt): SelectionStrategy {
  return { read: () => Promise.resolve(attempt) };
}

const clipboardText = (text: string) => () => Promise.resolve(text);

describe('captureSelection', () => {
  it('returns the selection when there is one, without reading the clipboard', async () => {
    let clipboardReads = 0;
    const result = await captureSelection({
      strategy: answering({ kind: 'text', text: 'selected' }),
      readClipboardText: () => {
        clipboardReads++;
        return Promise.resolve('clip');
      },
      clipboardFallback: true,
    });
    expect(result).toEqual({ text: 'selected', source: 'selection' });
    expect(clipboardReads).toBe(0);
  });

  it('falls back to the clipboard when nothing is selected and the setting allows it', async () => {
    const result = await captureSelection({
      strategy: answering({ kind: 'empty', detail: 'PRIMARY selection is empty' }),
      readClipboardText: clipboardText('from the clipboard'),
      clipboardFallback: true,
    });
    expect(result).toEqual({
      text: 'from the clipboard',
      source: 'clipboard',
      problem: 'nothing-selected',
      detail: 'PRIMARY selection is empty',
    });
  });

  it('answers none when the fallback is off', async () => {
    const result = await captureSelection({
      strategy: answering({ kind: 'empty' }),
      readClipboardText: clipboardText('from the clipboard'),
      clipboardFallback: false,
    });
    expect(result).toEqual({ text: '', source: 'none', problem: 'nothing-selected' });
  });

  it('answers none when the fallback finds an empty or unreadable clipboard', async () => {
    const empty = await captureSelection({
      strategy: answering({ kind: 'empty' }),
      readClipboardText: clipboardText('   '),
      clipboardFallback: true,
    });
    expect(empty).toMatchObject({ text: '', source: 'none', problem: 'nothing-selected' });
    const broken = await captureSelection({
      strategy: answering({ kind: 'empty' }),
      readClipboardText: () => Promise.reject(new Error('boom')),
      clipboardFallback: true,
    });
    expect(broken).toMatchObject({ source: 'none', detail: 'nothing-selected; clipboard unreadable: boom' });
  });

  it('keeps the reason when the selection could not be read at all', async () => {
    const denied = await captureSelection({
      strategy: answering({ kind: 'unavailable', problem: 'accessibility-required', detail: 'not trusted' }),
      readClipboardText: clipboardText('clip'),
      clipboardFallback: true,
    });
    expect(denied).toEqual({
      text: 'clip',
      source: 'clipboard',
      problem: 'accessibility-required',
      detail: 'not trusted',
    });
    const thrown = await captureSelection({
      strategy: { read: () => Promise.reject(new Error('strategy crashed')) },
      readClipboardText: clipboardText(''),
      clipboardFallback: false,
    });
    expect(thrown).toEqual({
      text: '',
      source: 'none',
      problem: 'capture-failed',
      detail: 'strategy crashed',
    });
  });
});

describe('createSelectionCapture', () => {
  it('a press during a running capture joins it instead of starting a second one', async () => {
    let reads = 0;
    let finish: (attempt: SelectionAttempt) => void = () => undefined;
    const strategy: SelectionStrategy = {
      read: () => {
        reads++;
        return new Promise((resolve) => {
          finish = resolve;
        });
      },
    };
    const capture = createSelectionCapture({
      strategy,
      readClipboardText: clipboardText(''),
      clipboardFallback: () => true,
    });
    const first = capture();
    const second = capture();
    finish({ kind: 'text', text: 'once' });
    expect(await first).toEqual({ text: 'once', source: 'selection' });
    expect(await second).toEqual({ text: 'once', source: 'selection' });
    expect(reads).toBe(1);

    const third = capture();
    finish({ kind: 'text', text: 'again' });
    expect(await third).toEqual({ text: 'again', source: 'selection' });
    expect(reads).toBe(2);
  });

  it('reads the fallback setting at each capture', async () => {
    let fallback = false;
    const capture = createSelectionCapture({
      strategy: answering({ kind: 'empty' }),
      readClipboardText: clipboardText('clip'),
      clipboardFallback: () => fallback,
    });
    expect((await capture()).source).toBe('none');
    fallback = true;
    expect((await capture()).source).toBe('clipboard');
  });
});
