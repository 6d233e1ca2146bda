// The app's warm connection: the socket of the reading about to start is opened at the hotkey, while
// the selection is still being captured, and one is kept open for a while after each reading, for
// the next (main/speech/warm-sessions.ts). It is planned exactly as the reading will be
// (reading-plan.ts, speakable-reading.ts), in the voice the last reading began in, so that the
// reading finds it. Only the BOS and keep-alives go over it: nothing is billed. settings.warmConnection
// turns it off.
import type { Settings } from '../../shared/settings-schema';
import type { Logger } from '../store/redact';
import { WarmSessions } from '../speech/warm-sessions';
import type { ReadingPlan, PlanDeps } from './reading-plan';
import { planReading } from './reading-plan';
import { modelTextHandling, voicedTarget } from './speakable-reading';
import type { Voicing } from './speakable-reading';
import { sessionConfigFor } from './start-narration';
import type { SessionTuning } from './start-narration';

export interface WarmConnectionDeps {
  settings: () => Promise<Settings>;
  planDeps: PlanDeps;
  log: Logger;
  tuning?: SessionTuning;
  /** How long an untaken socket stays open. Default WARM_SESSION_IDLE_MS. */
  idleMs?: number;
}

export class WarmConnection {
  readonly sessions: WarmSessions;
  readonly #deps: WarmConnectionDeps;
  /** The voice the last reading began in, and the voice chosen then: the next most likely begins the same. */
  #last: { chosen: string; voicing: Voicing } | undefined;
  #pending: Promise<void> = Promise.resolve();

  constructor(deps: WarmConnectionDeps) {
    this.#deps = deps;
    this.sessions = new WarmSessions(deps.idleMs !== undefined ? { idleMs: deps.idleMs } : {});
  }

  /** Opens (or keeps open) the socket the next reading will most likely ask for. Never rejects. */
  prepare(): Promise<void> {
    this.#pending = this.#pending.then(() => this.#prepare());
    return this.#pending;
  }

  /** Resolves once the preparations asked for so far are done; a reading waits for it before it connects. */
  settled(): Promise<void> {
    return this.#pending;
  }

  /** A reading began in `voicing` with `plan`: the next preparation follows it. */
  remember(plan: ReadingPlan, voicing: Voicing): void {
    this.#last = { chosen: plan.parameters.voiceId, voicing };
  }

  close(): void {
    this.sessions.close();
  }

  async #prepare(): Promise<void> {
    try {
      const settings = await this.#deps.settings();
      if (!settings.warmConnection) {
        this.sessions.close();
        return;
      }
      const planned = await planReading(settings, { allowFallback: true }, this.#deps.planDeps);
      if (!planned.ok) return; // the reading itself will say why
      const { plan } = planned;
      const chosen = plan.parameters.voiceId;
      const voicing = this.#last?.chosen === chosen ? this.#last.voicing : { voiceId: chosen };
      const target = voicedTarget(plan, modelTextHandling(plan.engine, plan.modelId), voicing);
      this.sessions.prepare(sessionConfigFor(target, this.#deps.tuning));
    } catch (error) {
      this.#deps.log.debug('The connection could not be opened ahead of the reading:', error);
    }
  }
}
