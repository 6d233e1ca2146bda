// For component tests: the player page's end of the audio channel, without audio. Attached to the
// live services (`live.app.player.attach(player)`), it lets the real offline voice read, so the real
// word events reach the page; the test says how far the audio has been heard, and when it ended.
import type { MainToPlayer, PlayerChannel, PlayerToMain, Unsubscribe } from '../../../shared/contract';

export class ScriptedPlayer implements PlayerChannel {
  connected = true;
  /** Every message main sent, in order. */
  readonly received: MainToPlayer[] = [];
  readonly #listeners = new Set<(message: PlayerToMain) => void>();
  readonly #closeListeners = new Set<() => void>();
  #streamId: number | undefined;

  post(message: MainToPlayer): void {
    this.received.push(message);
    if (message.type === 'open') this.#streamId = message.streamId;
  }

  onMessage(listener: (message: PlayerToMain) => void): Unsubscribe {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  onClose(listener: () => void): Unsubscribe {
    this.#closeListeners.add(listener);
    return () => void this.#closeListeners.delete(listener);
  }

  close(): void {
    if (!this.connected) return;
    this.connected = false;
    for (const listener of [...this.#closeListeners]) listener();
  }

  /** Milliseconds of audio received for the current stream. */
  get receivedMs(): number {
    let end = 0;
    for (const message of this.received) {
      if (message.type === 'chunk' && message.streamId === this.#streamId) {
        end = Math.max(end, message.startMs + message.durationMs);
      }
    }
    return end;
  }

  /** Reports the current stream heard up to `playedMs`, as the real player does while playing. */
  heard(playedMs: number): void {
    if (this.#streamId !== undefined) this.#send({ type: 'position', streamId: this.#streamId, playedMs });
  }

  #send(message: PlayerToMain): void {
    for (const listener of [...this.#listeners]) listener(message);
  }
}
