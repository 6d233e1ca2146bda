// The hotkey recorder's shared state: which action is recording (Hark's own hotkeys are suspended
// meanwhile, so pressing the combination does not also trigger Hark) and the hotkeys main could not
// register (taken by another program, or refused by the system).
import type { HarkApi, HotkeyFailure, Unsubscribe } from '../../../shared/contract';
import type { HotkeyAction } from '../../../shared/settings-schema';

export class HotkeyRecorderStore {
  recording = $state<HotkeyAction>();
  failures = $state<HotkeyFailure[]>([]);

  readonly #api: HarkApi;
  readonly #unsubscribe: Unsubscribe;

  constructor(api: HarkApi) {
    this.#api = api;
    // Subscribe first, then ask: a change that lands between the two is not lost.
    this.#unsubscribe = api.onHotkeysChanged((failures) => (this.failures = failures));
    void api.hotkeyStatus().then((result) => {
      if (result.ok) this.failures = result.value;
    });
  }

  failureFor(action: HotkeyAction): HotkeyFailure | undefined {
    return this.failures.find((failure) => failure.action === action);
  }

  /** Starts recording for `action`; hotkeys stay suspended when recording moves to another row. */
  start(action: HotkeyAction): void {
    const suspended = this.recording !== undefined;
    this.recording = action;
    if (!suspended) void this.#api.suspendHotkeys();
  }

  /** Ends recording (saved, cancelled, focus left, window closed): Hark's hotkeys work again. */
  stop(): void {
    if (this.recording === undefined) return;
    this.recording = undefined;
    void this.#api.resumeHotkeys();
  }

  dispose(): void {
    this.stop();
    this.#unsubscribe();
  }
}
