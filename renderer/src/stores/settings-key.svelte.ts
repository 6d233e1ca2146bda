// The ElevenLabs API key as the settings window sees it: only its status. The key goes to main once
// (setKey is write-only) and is never asked for again.
import type { Failure, HarkApi, KeyStatus } from '../../../shared/contract';

export class ApiKeyStore {
  status = $state<KeyStatus>();
  /** Why the last save or removal failed (invalid key, no keychain, ...). */
  failure = $state<Failure>();
  /** One sentence confirming the last change. */
  confirmation = $state<string>();
  busy = $state(false);

  readonly #api: HarkApi;
  readonly #changed: () => void;

  /** `changed` runs after the key was saved or removed (voices and quota depend on it). */
  constructor(api: HarkApi, changed: () => void = () => undefined) {
    this.#api = api;
    this.#changed = changed;
  }

  /** A key is there to use (in the keychain, or kept for this session). */
  get present(): boolean {
    return this.status?.state === 'stored' || this.status?.state === 'session-only';
  }

  async refresh(): Promise<void> {
    const result = await this.#api.keyStatus();
    if (result.ok) this.status = result.value;
    else this.failure = result;
  }

  /** Stores the key (in memory only with `sessionOnly`); true when main accepted it. */
  async save(key: string, sessionOnly = false): Promise<boolean> {
    return this.#run(
      () => this.#api.setKey(sessionOnly ? { key, sessionOnly } : { key }),
      sessionOnly ? 'The key is kept until Hark quits.' : 'The key is saved in the system keychain.',
    );
  }

  async remove(): Promise<boolean> {
    return this.#run(() => this.#api.clearKey(), 'The key is removed.');
  }

  async #run(
    change: () => Promise<{ ok: true; value: KeyStatus } | Failure>,
    done: string,
  ): Promise<boolean> {
    this.busy = true;
    this.confirmation = undefined;
    const result = await change();
    this.busy = false;
    if (!result.ok) {
      this.failure = result;
      return false;
    }
    this.failure = undefined;
    this.status = result.value;
    this.confirmation = done;
    this.#changed();
    return true;
  }
}
