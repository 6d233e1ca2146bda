// A stream socket opened before its reading has text: at the hotkey, while the selection is still
// being captured, and for a short while after a reading, for the next one. A fresh TLS WebSocket
// costs several round trips before the first byte of text; a reading that finds its socket here
// skips them. A warm socket sends only the BOS (a single space, not billed); it is closed before
// its first keep-alive would be due (whether the service bills those spaces is not known), and it
// never holds text.
import { DEFAULT_INACTIVITY_TIMEOUT_S } from '../../shared/protocol';
import { StreamSession, keepAliveIntervalMs } from './session';
import type { SessionConfig } from './session';

/** How long an untaken socket stays open at most (less when its first keep-alive would come sooner). */
export const WARM_SESSION_IDLE_MS = 30_000;
/** Closed this long before the first keep-alive would go out. */
const KEEP_ALIVE_MARGIN_MS = 500;

/** What makes two sessions interchangeable: the URL's parts, the key and the first message. */
function identity(config: SessionConfig): string {
  return JSON.stringify([
    config.baseUrl,
    config.apiKey ?? '',
    config.voiceId,
    sorted(config.query ?? {}),
    sorted(config.voiceSettings ?? {}),
    sorted(config.generationConfig ?? {}),
    config.maxFrameBytes ?? 0,
  ]);
}

function sorted(value: object): [string, unknown][] {
  return Object.entries(value)
    .filter(([, field]) => field !== undefined)
    .sort(([a], [b]) => a.localeCompare(b));
}

interface Warm {
  key: string;
  session: StreamSession;
  timer: NodeJS.Timeout;
}

export class WarmSessions {
  readonly #idleMs: number;
  #warm: Warm | undefined;
  #opened = 0;

  constructor(options: { idleMs?: number } = {}) {
    this.#idleMs = options.idleMs ?? WARM_SESSION_IDLE_MS;
  }

  /** Sockets opened ahead so far (for tests and the bench). */
  get opened(): number {
    return this.#opened;
  }

  /**
   * Opens a socket for `config` now, unless one for it is already open or opening. One is kept at
   * most: a socket for another voice or format is closed.
   */
  prepare(config: SessionConfig): void {
    const key = identity(config);
    // Its time runs from its opening: a longer one would need keep-alives.
    if (this.#warm?.key === key && isUsable(this.#warm.session)) return;
    this.close();
    let session: StreamSession;
    try {
      session = new StreamSession(withoutSignal(config));
    } catch {
      return; // an unknown format: the reading itself will say so
    }
    // A failure here is nobody's concern: the reading that would have taken it opens its own.
    session.connect().catch(() => undefined);
    this.#opened += 1;
    const inactivityS = config.query?.inactivity_timeout ?? DEFAULT_INACTIVITY_TIMEOUT_S;
    const idleMs = Math.min(this.#idleMs, keepAliveIntervalMs(inactivityS) - KEEP_ALIVE_MARGIN_MS);
    const timer = setTimeout(() => {
      if (this.#warm?.session === session) this.close();
    }, idleMs);
    timer.unref();
    this.#warm = { key, session, timer };
  }

  /** The socket prepared for `config`, handed over (open or still opening); undefined if none. */
  take(config: SessionConfig): StreamSession | undefined {
    const warm = this.#warm;
    if (!warm || warm.key !== identity(config) || !isUsable(warm.session)) return undefined;
    clearTimeout(warm.timer);
    this.#warm = undefined;
    return warm.session;
  }

  /** Closes the warm socket, if any. */
  close(): void {
    const warm = this.#warm;
    if (!warm) return;
    clearTimeout(warm.timer);
    warm.session.cancel();
    this.#warm = undefined;
  }
}

function isUsable(session: StreamSession): boolean {
  const { kind } = session.state;
  return kind === 'connecting' || kind === 'open';
}

/** The reading's own signal cancels it once taken; before that, close() does. */
function withoutSignal(config: SessionConfig): SessionConfig {
  const { signal: _signal, ...rest } = config;
  return rest;
}
