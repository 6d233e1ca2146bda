// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { failure, success } from '../../../shared/contract';
import type { Result } from '../../../shared/contract';
import { RemoteValue } from './settings-remote.svelte';

/** A request whose answer the test gives when it chooses. */
function deferred<T>(): { promise: Promise<Result<T>>; answer: (result: Result<T>) => void } {
  let answer: (result: Result<T>) => void = () => undefined;
  const promise = new Promise<Result<T>>((resolve) => (answer = resolve));
  return { promise, answer };
}

describe('RemoteValue', () => {
  it('keeps the newest answer when an older request answers last', async () => {
    const remote = new RemoteValue<string>();
    const older = deferred<string>();
    const newer = deferred<string>();
    const first = remote.load(() => older.promise);
    const second = remote.load(() => newer.promise);
    expect(remote.loading).toBe(true);
    newer.answer(success('offline voices'));
    await second;
    older.answer(success('elevenlabs voices'));
    await first;
    expect(remote.value).toBe('offline voices');
    expect(remote.loading).toBe(false);
  });

  it('holds a failure instead of a value, and forgets both when cleared', async () => {
    const remote = new RemoteValue<number>();
    await remote.load(async () => success(3));
    await remote.load(async () => failure('no_api_key', 'No key.'));
    expect(remote.value).toBeUndefined();
    expect(remote.failure).toEqual({ ok: false, code: 'no_api_key', message: 'No key.' });
    const pending = deferred<number>();
    const load = remote.load(() => pending.promise);
    remote.clear();
    pending.answer(success(4));
    await load;
    expect([remote.value, remote.failure, remote.loading]).toEqual([undefined, undefined, false]);
  });
});
