// The real offline voice (eSpeak NG in its worker thread), whose worker is killed the way a crash
// would kill it, on chosen synthesis requests. A running worker is killed before the request is
// posted to it, and a worker the request had to start is killed while it is still loading, so the
// request is never answered: it fails with engine_failed every time, and the voice starts a fresh
// worker for the next one, as after a real crash.
import { OfflineVoice, terminateWorkerForTesting } from '../../main/engine/offline-voice';
import type { Synthesis, SynthesisOptions } from '../../main/engine/offline-voice';

export class CrashingVoice extends OfflineVoice {
  #requests = 0;
  crashes = 0;

  /** `crashOn(n)` says whether the n-th synthesis request (1-based) crashes the worker. */
  constructor(private readonly crashOn: (request: number) => boolean) {
    super();
  }

  override synthesize(text: string, options?: SynthesisOptions): Promise<Synthesis> {
    this.#requests += 1;
    const crash = this.crashOn(this.#requests);
    if (crash) void terminateWorkerForTesting(this);
    const result = super.synthesize(text, options);
    if (crash) {
      this.crashes += 1;
      void terminateWorkerForTesting(this);
    }
    return result;
  }
}
