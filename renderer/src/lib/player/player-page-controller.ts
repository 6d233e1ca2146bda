// Everything the player page does, without Svelte: it owns the page's one AudioContext for the
// page's whole life, keeps the output awake (keep-awake.ts), connects to main's audio channel
// (`api.player`), says `ready`, and hands main's messages to the StreamPlayer, whose reports go back.
//
// Audio may be refused until someone clicks: Electron runs the hidden player window with autoplay
// allowed, but a browser tab (`npm run dev:web`) starts its context suspended. The page then shows a
// button (status 'blocked'); the click is the gesture that lets the context run.
import type { MainToPlayer, PlayerApi, PlayerErrorCode, PlayerToMain } from '../../../../shared/contract';
import { KeepAwake } from './keep-awake';
import { StreamPlayer } from './stream-player';

/**
 * 'starting': waiting for the context to run; 'running': sound can play; 'paused': main paused the
 * reading; 'blocked': the browser wants a click first; 'unavailable': no audio output could be
 * opened; 'closed': the page was disposed.
 */
export type AudioStatus = 'starting' | 'running' | 'paused' | 'blocked' | 'unavailable' | 'closed';

export interface PlayerPageOptions {
  player: PlayerApi;
  /** Called on every status change (the page's text and its "enable audio" button). */
  onStatus?: (status: AudioStatus) => void;
  /** How the context is made; by default an interactive-latency AudioContext. */
  createContext?: () => AudioContext;
  /** How long a context may stay suspended after asking it to run before the page asks for a click. */
  blockedAfterMs?: number;
}

const DEFAULT_BLOCKED_AFTER_MS = 400;

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class PlayerPageController {
  readonly #options: PlayerPageOptions;
  #context: AudioContext | undefined;
  #keepAwake: KeepAwake | undefined;
  #player: StreamPlayer | undefined;
  #status: AudioStatus = 'starting';
  #blockedTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: PlayerPageOptions) {
    this.#options = options;
  }

  get status(): AudioStatus {
    return this.#status;
  }

  /** Opens the audio output and tells main the page is ready to play. */
  start(): void {
    if (this.#player) return;
    const context = this.#openContext();
    // Without a context the player tries again on `open` and reports `audio_unavailable` if it fails.
    this.#player = new StreamPlayer({
      post: (message) => this.#post(message),
      ...(context ? { context } : {}),
    });
    this.#options.player.connect((message) => this.#receive(message));
    this.#post({ type: 'ready' });
    if (context?.state === 'running') this.#setStatus('running');
    else this.#wake();
  }

  /** The "enable audio" button: a click is the user gesture the browser waits for. */
  async enableAudio(): Promise<void> {
    const context = this.#context;
    if (!context || context.state === 'closed') return;
    await context.resume();
    this.#refresh();
  }

  /** Disconnects from main and closes the context (the page is going away). */
  dispose(): void {
    clearTimeout(this.#blockedTimer);
    this.#options.player.disconnect();
    this.#keepAwake?.stop();
    this.#player?.dispose();
    const context = this.#context;
    this.#context = undefined;
    if (context) {
      context.onstatechange = null;
      void context.close().catch(() => undefined);
    }
    this.#setStatus('closed');
  }

  #openContext(): AudioContext | undefined {
    try {
      const context = this.#options.createContext?.() ?? new AudioContext({ latencyHint: 'interactive' });
      context.onstatechange = () => this.#stateChanged();
      this.#keepAwake = new KeepAwake(context);
      this.#keepAwake.start();
      this.#context = context;
      return context;
    } catch (error) {
      console.warn('No audio output:', error);
      this.#setStatus('unavailable');
      return undefined;
    }
  }

  #receive(message: MainToPlayer): void {
    const player = this.#player;
    if (!player) return;
    try {
      player.handle(message);
    } catch (error) {
      this.#reportFailure(message, error);
    }
    // A new reading must be heard even if the browser or the system suspended the context meanwhile.
    if (message.type === 'open') this.#wake();
  }

  /** The player reports its own failures; this catches what it did not expect. */
  #reportFailure(message: MainToPlayer, error: unknown): void {
    if (!('streamId' in message)) {
      console.warn(`The player could not handle "${message.type}":`, error);
      return;
    }
    const code: PlayerErrorCode = message.type === 'open' ? 'audio_unavailable' : 'decode_failed';
    this.#post({ type: 'error', streamId: message.streamId, code, message: errorMessage(error) });
  }

  /** Asks a suspended context to run (unless main paused it), and asks for a click if that is refused. */
  #wake(): void {
    const context = this.#context;
    if (!context || context.state === 'running' || context.state === 'closed' || this.#player?.paused) {
      return;
    }
    // Without a user gesture the browser leaves this pending rather than refusing it.
    context.resume().catch((error: unknown) => console.warn('The audio context did not start:', error));
    clearTimeout(this.#blockedTimer);
    this.#blockedTimer = setTimeout(
      () => this.#refresh(),
      this.#options.blockedAfterMs ?? DEFAULT_BLOCKED_AFTER_MS,
    );
  }

  #stateChanged(): void {
    const suspendedByOthers = this.#context?.state === 'suspended' && !this.#player?.paused;
    // Main did not ask for this (the system or the browser did): ask to run again first.
    if (suspendedByOthers) this.#wake();
    else this.#refresh();
  }

  #refresh(): void {
    const context = this.#context;
    if (!context) return;
    if (context.state === 'running') this.#setStatus('running');
    else if (context.state === 'closed') this.#setStatus('closed');
    else if (this.#player?.paused) this.#setStatus('paused');
    else this.#setStatus('blocked');
  }

  #post(message: PlayerToMain): void {
    this.#options.player.post(message);
  }

  #setStatus(status: AudioStatus): void {
    if (status === this.#status) return;
    this.#status = status;
    this.#options.onStatus?.(status);
  }
}
