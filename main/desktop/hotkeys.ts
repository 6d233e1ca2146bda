// Global hotkeys from settings.hotkeys. Electron's register() fails silently when another app holds
// the combination, so every registration is verified with isRegistered() and each failure is
// returned (shown in the tray and in Settings), never lost. Settings changes re-register: Hark's old
// hotkeys are released first, so swapping two actions' combinations works.
import { parseAccelerator } from '../../shared/accelerator';
import { HOTKEY_ACTIONS } from '../../shared/settings-schema';
import type { HotkeyAction, Hotkeys } from '../../shared/settings-schema';
import type { HotkeyFailure, HotkeyFailureReason } from '../../shared/contract';
import { ACTION_LABELS, formatAccelerator } from './tray-menu';

/** The slice of Electron's globalShortcut that registration needs. */
export interface GlobalShortcutLike {
  register(accelerator: string, callback: () => void): boolean;
  isRegistered(accelerator: string): boolean;
  unregister(accelerator: string): void;
}

/** Electron ≥ 43 can pause all global shortcuts (for the hotkey recorder in Settings). */
export interface SuspendableShortcutLike extends GlobalShortcutLike {
  setSuspended(suspended: boolean): void;
  isSuspended(): boolean;
}

// Defined by the IPC contract, which carries the failures to the settings page.
export type { HotkeyFailure, HotkeyFailureReason };

export type HotkeyHandlers = Readonly<Record<HotkeyAction, () => void>>;

interface Registration {
  registered: Map<HotkeyAction, string>;
  failures: HotkeyFailure[];
}

function failure(
  action: HotkeyAction,
  accelerator: string,
  reason: HotkeyFailureReason,
  platform: NodeJS.Platform,
  detail?: string,
): HotkeyFailure {
  const shown = formatAccelerator(accelerator, platform) || accelerator;
  const what = ACTION_LABELS[action];
  const message =
    reason === 'taken'
      ? `${shown} (${what}) is already used by another application or the desktop. Choose another combination in Settings, or bind "hark" to it in your desktop's keyboard settings.`
      : `${shown} (${what}) is not a valid key combination${detail ? `: ${detail}` : ''}.`;
  return { action, accelerator, reason, message };
}

function registerEach(
  shortcut: GlobalShortcutLike,
  hotkeys: Hotkeys,
  handlers: HotkeyHandlers,
  platform: NodeJS.Platform,
): Registration {
  const registered = new Map<HotkeyAction, string>();
  const failures: HotkeyFailure[] = [];
  for (const action of HOTKEY_ACTIONS) {
    const wanted = hotkeys[action];
    if (wanted.trim() === '') continue; // no hotkey chosen: the action lives in the tray menu only
    const parsed = parseAccelerator(wanted);
    if (!parsed.ok) {
      failures.push(failure(action, wanted, 'invalid', platform, parsed.reason));
      continue;
    }
    const accelerator = parsed.value;
    let accepted: boolean;
    try {
      accepted = shortcut.register(accelerator, handlers[action]);
    } catch (error) {
      // Electron throws for an accelerator it cannot convert.
      failures.push(
        failure(action, wanted, 'invalid', platform, error instanceof Error ? error.message : undefined),
      );
      continue;
    }
    if (accepted && shortcut.isRegistered(accelerator)) {
      registered.set(action, accelerator);
    } else {
      failures.push(failure(action, wanted, 'taken', platform));
    }
  }
  return { registered, failures };
}

/**
 * Registers every non-empty hotkey and returns what failed. (Use HotkeyManager in the app: it also
 * remembers what to release on the next change.)
 */
export function registerHotkeys(
  shortcut: GlobalShortcutLike,
  hotkeys: Hotkeys,
  handlers: HotkeyHandlers,
  platform: NodeJS.Platform = process.platform,
): HotkeyFailure[] {
  return registerEach(shortcut, hotkeys, handlers, platform).failures;
}

export type HotkeyFailuresListener = (failures: readonly HotkeyFailure[]) => void;

/**
 * Owns Hark's registrations: apply() on start and on every settings change, suspend()/resume()
 * around the settings recorder, dispose() on quit. Only Hark's own accelerators are ever released.
 */
export class HotkeyManager {
  private registered = new Map<HotkeyAction, string>();
  private currentFailures: HotkeyFailure[] = [];
  /** Hotkeys applied while suspended; registered on resume (Electron refuses them meanwhile). */
  private pending: Hotkeys | undefined;
  private readonly listeners = new Set<HotkeyFailuresListener>();

  constructor(
    private readonly shortcut: SuspendableShortcutLike,
    private readonly handlers: HotkeyHandlers,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {}

  get failures(): readonly HotkeyFailure[] {
    return this.currentFailures;
  }

  /** Called after every apply() or resume() that registered, with the new failure list. */
  onFailures(listener: HotkeyFailuresListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Replaces Hark's hotkeys with `hotkeys`; returns the failures (the current ones while suspended). */
  apply(hotkeys: Hotkeys): readonly HotkeyFailure[] {
    if (this.shortcut.isSuspended()) {
      this.pending = { ...hotkeys };
      return this.currentFailures;
    }
    this.releaseAll();
    const result = registerEach(this.shortcut, hotkeys, this.handlers, this.platform);
    this.registered = result.registered;
    this.currentFailures = result.failures;
    for (const listener of [...this.listeners]) listener(this.currentFailures);
    return this.currentFailures;
  }

  /** Stops every global shortcut from firing (Settings is recording a new combination). */
  suspend(): void {
    this.shortcut.setSuspended(true);
  }

  resume(): void {
    this.shortcut.setSuspended(false);
    const pending = this.pending;
    this.pending = undefined;
    if (pending) this.apply(pending);
  }

  /** Releases Hark's hotkeys (on quit). */
  dispose(): void {
    this.pending = undefined;
    this.releaseAll();
    this.listeners.clear();
  }

  private releaseAll(): void {
    for (const accelerator of this.registered.values()) this.shortcut.unregister(accelerator);
    this.registered.clear();
  }
}

/**
 * The HotkeyManager as the services see it (ServicesDeps.hotkeys), bound late: the services are
 * created before the manager, whose handlers need the services. Until bind(), there are no failures
 * and suspend()/resume() do nothing; bind() announces the manager's current failures.
 */
export class LateBoundHotkeys {
  private manager: HotkeyManager | undefined;
  private readonly listeners = new Set<HotkeyFailuresListener>();

  bind(manager: HotkeyManager): void {
    this.manager = manager;
    manager.onFailures((failures) => this.announce(failures));
    this.announce(manager.failures);
  }

  failures(): readonly HotkeyFailure[] {
    return this.manager?.failures ?? [];
  }

  suspend(): void {
    this.manager?.suspend();
  }

  resume(): void {
    this.manager?.resume();
  }

  onFailures(listener: HotkeyFailuresListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private announce(failures: readonly HotkeyFailure[]): void {
    for (const listener of [...this.listeners]) listener(failures);
  }
}
