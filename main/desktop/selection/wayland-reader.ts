// On a Wayland session, decides once how PRIMARY is read: wl-paste when it is installed and the
// compositor offers data-control, otherwise the fallback reader (Electron's, which sees the selection
// only while Hark has focus). Definite answers are remembered, so a hotkey never probes twice; a
// compositor that could not be asked is asked again on the next hotkey.
import {
  hasWlPaste,
  INSTALL_WL_CLIPBOARD,
  isPrimaryUnsupported,
  readWaylandPrimary,
  WlPasteMissingError,
} from './wayland';
import type { WaylandPrimaryOptions } from './wayland';
import { listWaylandGlobals, offersPrimaryDataControl } from './wayland-registry';

type ReadMode = 'wl-paste' | 'fallback';

export interface WaylandPrimaryReaderDeps {
  env: NodeJS.ProcessEnv;
  /** Used when wl-paste cannot be; without it nothing is read ('') there. */
  fallback?: () => Promise<string>;
  /** Told once when installing wl-clipboard would help. */
  onWarning?: (message: string) => void;
  wlPaste?: Omit<WaylandPrimaryOptions, 'env'>;
}

/** True when the session is Wayland (Hark may still run under XWayland there). */
export function isWaylandSession(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.WAYLAND_DISPLAY);
}

export class WaylandPrimaryReader {
  private mode: ReadMode | undefined;
  private warned = false;

  constructor(private readonly deps: WaylandPrimaryReaderDeps) {}

  /** Resolves with PRIMARY's text, '' when nothing is selected. */
  readonly read = async (): Promise<string> => {
    const mode = this.mode ?? (await this.probe());
    if (mode === 'fallback') return this.readFallback();
    try {
      return await readWaylandPrimary({ ...this.deps.wlPaste, env: this.deps.env });
    } catch (error) {
      // Uninstalled since the probe, or a compositor without PRIMARY: stop trying wl-paste.
      if (error instanceof WlPasteMissingError) this.warnInstall();
      else if (!isPrimaryUnsupported(error)) throw error;
      this.mode = 'fallback';
      return this.readFallback();
    }
  };

  private async probe(): Promise<ReadMode> {
    if (!(await hasWlPaste(this.deps.env))) {
      this.warnInstall();
      return (this.mode = 'fallback');
    }
    try {
      const globals = await listWaylandGlobals(this.deps.env);
      return (this.mode = offersPrimaryDataControl(globals) ? 'wl-paste' : 'fallback');
    } catch {
      // Not remembered: the compositor may answer next time.
      return 'fallback';
    }
  }

  private warnInstall(): void {
    if (this.warned) return;
    this.warned = true;
    this.deps.onWarning?.(INSTALL_WL_CLIPBOARD);
  }

  private readFallback(): Promise<string> {
    return this.deps.fallback ? this.deps.fallback() : Promise.resolve('');
  }
}
