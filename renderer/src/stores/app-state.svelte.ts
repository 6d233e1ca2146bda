// The app's state as main publishes it, for every window's status line and buttons.
import type { AppState, HarkApi, Unsubscribe } from '../../../shared/contract';

export class AppStateStore {
  current = $state<AppState>({ kind: 'idle' });
  readonly #unsubscribe: Unsubscribe;

  constructor(api: HarkApi) {
    // Subscribe first, then ask: an event that lands between the two is not lost.
    this.#unsubscribe = api.onState((state) => (this.current = state));
    void api.getState().then((result) => {
      if (result.ok) this.current = result.value;
    });
  }

  dispose(): void {
    this.#unsubscribe();
  }
}
