// @vitest-environment jsdom
// The reading store against events and answers shaped as shared/contract.ts defines them. Steering needs
// a reading main is playing, so a scripted HarkApi says what main would push and records the verbs.
import { afterEach, describe, expect, it } from 'vitest';
import { failure, success } from '../../../shared/contract';
import type { ReadingView, Result } from '../../../shared/contract';
import { readingOf, ScriptedApi } from '../views/scripted-api.testing';
import { ReadingStore, roundSpeed } from './reading.svelte';

const TEXT = readingOf(['One two.', 'Three four.', 'Five.'], 3);
const PLACE = {
  readingId: 3,
  sentence: 1,
  sentenceCount: 3,
  elapsedMs: 1200,
  remainingMs: 2500,
  speed: 1,
  steerable: true,
};

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe('ReadingStore', () => {
  let store: ReadingStore | undefined;
  afterEach(() => store?.dispose());

  it('takes the reading main reports when it opens', async () => {
    const scripted = new ScriptedApi();
    scripted.reading = { text: TEXT, position: PLACE };
    store = new ReadingStore(scripted.api);
    await settle();
    expect(store.text).toEqual(TEXT);
    expect(store.sentence).toBe(1);
    expect(store.steerable).toBe(true);
  });

  it('subscribes before asking: an event that lands first is not overwritten by the answer', async () => {
    const scripted = new ScriptedApi();
    let answer!: (result: Result<ReadingView | null>) => void;
    scripted.api.getReading = () => new Promise((resolve) => (answer = resolve));
    store = new ReadingStore(scripted.api);
    const newer = readingOf(['Newer text.'], 4);
    scripted.emit('readingText', newer);
    scripted.emit('position', { ...PLACE, readingId: 4, sentence: 0, sentenceCount: 1 });
    answer(success({ text: TEXT, position: PLACE }));
    await settle();
    expect(store.text).toEqual(newer);
    expect(store.position?.readingId).toBe(4);
  });

  it('keeps the answer’s text when only a position event came first (the text comes once)', async () => {
    const scripted = new ScriptedApi();
    let answer!: (result: Result<ReadingView | null>) => void;
    scripted.api.getReading = () => new Promise((resolve) => (answer = resolve));
    store = new ReadingStore(scripted.api);
    scripted.emit('position', { ...PLACE, sentence: 2 });
    answer(success({ text: TEXT, position: PLACE }));
    await settle();
    expect(store.text).toEqual(TEXT);
    expect(store.sentence).toBe(2);
  });

  it('forgets the reading when main says nothing is read any more, and ignores late events', () => {
    const scripted = new ScriptedApi();
    store = new ReadingStore(scripted.api);
    scripted.emit('readingText', TEXT);
    scripted.emit('position', PLACE);
    scripted.emit('position', { ...PLACE, readingId: 2, sentence: 0 });
    expect(store.sentence).toBe(1);
    scripted.emit('readingText', readingOf(['Old.'], 2));
    expect(store.text).toEqual(TEXT);
    scripted.emit('readingText', null);
    expect(store.text).toBeUndefined();
    expect(store.position).toBeUndefined();
    expect(store.steerable).toBe(false);
  });

  it('is not steerable for a reading main says cannot be (a history replay)', () => {
    const scripted = new ScriptedApi();
    store = new ReadingStore(scripted.api);
    scripted.emit('readingText', TEXT);
    scripted.emit('position', { ...PLACE, steerable: false });
    expect(store.steerable).toBe(false);
  });

  it('calls the verbs, the speed on the contract’s grid, and takes the speed main set', async () => {
    const scripted = new ScriptedApi();
    store = new ReadingStore(scripted.api);
    scripted.emit('readingText', TEXT);
    scripted.emit('position', PLACE);
    await store.previous();
    await store.next();
    await store.jump(2);
    await store.setSpeed(1.7000000001);
    expect(scripted.calls.map((call) => call.verb).filter((verb) => verb !== 'getReading')).toEqual([
      'previousSentence',
      'nextSentence',
      'jumpToSentence',
      'setSpeed',
    ]);
    expect(scripted.payloadsOf('jumpToSentence')).toEqual([{ index: 2 }]);
    expect(scripted.payloadsOf('setSpeed')).toEqual([{ speed: 1.7 }]);
    scripted.answers.set('setSpeed', success(2));
    await store.setSpeed(2.04);
    expect(store.position?.speed).toBe(2);
  });

  it('shows a failed call’s message until a call succeeds or it is dismissed', async () => {
    const scripted = new ScriptedApi();
    store = new ReadingStore(scripted.api);
    scripted.answers.set('nextSentence', failure('not_available', 'Nothing is being read.'));
    await store.next();
    expect(store.failed?.message).toBe('Nothing is being read.');
    await store.previous();
    expect(store.failed).toBeUndefined();
    await store.next();
    store.dismiss();
    expect(store.failed).toBeUndefined();
  });

  it('stops listening when disposed', () => {
    const scripted = new ScriptedApi();
    const own = new ReadingStore(scripted.api);
    expect(scripted.listenerCount('position')).toBe(1);
    own.dispose();
    expect(scripted.listenerCount('position')).toBe(0);
    expect(scripted.listenerCount('readingText')).toBe(0);
  });
});

describe('roundSpeed', () => {
  it('keeps a speed on 0.5 to 3 in steps of 0.1', () => {
    expect(roundSpeed(0.1)).toBe(0.5);
    expect(roundSpeed(9)).toBe(3);
    expect(roundSpeed(1.25)).toBe(1.3);
    expect(roundSpeed(0.30000000000000004 + 1)).toBe(1.3);
  });
});
