// One thing the settings window fetches from main (the voice list, the models, the quota): its value,
// whether a request is under way, and the failure when there is one. A newer load wins over an older
// one still on its way, so switching engines quickly never shows the previous engine's voices.
import type { Failure, Result } from '../../../shared/contract';

export class RemoteValue<T> {
  value = $state<T>();
  loading = $state(false);
  failure = $state<Failure>();
  #generation = 0;

  async load(fetch: () => Promise<Result<T>>): Promise<void> {
    const generation = ++this.#generation;
    this.loading = true;
    const result = await fetch();
    if (generation !== this.#generation) return;
    this.loading = false;
    this.value = result.ok ? result.value : undefined;
    this.failure = result.ok ? undefined : result;
  }

  /** Forgets the value and ignores any request still under way. */
  clear(): void {
    this.#generation++;
    this.value = undefined;
    this.failure = undefined;
    this.loading = false;
  }
}
