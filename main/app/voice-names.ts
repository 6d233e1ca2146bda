// Display names of voices, for history entries ("George" rather than "JBFqnCBsd6RMkjVDRZzb"). Filled
// whenever the voice list is fetched for the settings window; on a miss the list is fetched once per
// engine (never again after a failure, until forget()), so a reading never waits on the network twice.
import type { VoiceInfo } from '../elevenlabs/voices';
import type { EngineKind } from '../../shared/settings-schema';

export class VoiceNames {
  readonly #load: (engine: EngineKind) => Promise<VoiceInfo[]>;
  readonly #names = new Map<string, string>();
  readonly #attempts = new Map<EngineKind, Promise<void>>();

  constructor(load: (engine: EngineKind) => Promise<VoiceInfo[]>) {
    this.#load = load;
  }

  remember(engine: EngineKind, voices: readonly VoiceInfo[]): void {
    for (const voice of voices) this.#names.set(`${engine}:${voice.voiceId}`, voice.name);
  }

  /** Another key means another account, with other voices. */
  forget(engine: EngineKind): void {
    for (const key of [...this.#names.keys()]) if (key.startsWith(`${engine}:`)) this.#names.delete(key);
    this.#attempts.delete(engine);
  }

  async describe(engine: EngineKind, voiceId: string): Promise<string | undefined> {
    const key = `${engine}:${voiceId}`;
    if (this.#names.has(key)) return this.#names.get(key);
    let attempt = this.#attempts.get(engine);
    if (!attempt) {
      attempt = this.#load(engine).then(
        (voices) => this.remember(engine, voices),
        () => undefined,
      );
      this.#attempts.set(engine, attempt);
    }
    await attempt;
    return this.#names.get(key);
  }
}
