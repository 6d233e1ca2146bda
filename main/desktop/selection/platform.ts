// Picks the capture strategy for the platform and adapts Electron's clipboard to ClipboardLike.
// Linux (and other X11/Wayland systems): PRIMARY selection, on Wayland through wl-paste when the
// compositor offers data-control (see wayland-reader.ts). Windows and macOS: simulated copy.
import type { Clipboard as ElectronClipboard, ClipboardItem as ElectronClipboardItem } from 'electron';
import type { ClipboardLike, ClipboardRecord } from './clipboard-snapshot';
import { createCopyKeystroke } from './keystroke';
import { PrimarySelectionStrategy } from './primary';
import type { PrimarySelectionOptions } from './primary';
import { AccessibilityGate, SimulatedCopyStrategy } from './simulated-copy';
import type { AccessibilityTrustLike, SimulatedCopyOptions } from './simulated-copy';
import type { SelectionStrategy } from './types';
import type { WaylandPrimaryOptions } from './wayland';
import { isWaylandSession, WaylandPrimaryReader } from './wayland-reader';

export interface PlatformCaptureDeps {
  platform: NodeJS.Platform;
  clipboard: ClipboardLike;
  /** Linux: resolves with PRIMARY's text (Electron 45: `clipboard.selection.readText()`). */
  readPrimary?: () => Promise<string>;
  /** Linux: tells Wayland (WAYLAND_DISPLAY) from X11 and runs wl-paste. Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** Linux on Wayland: wl-paste's timeout and size cap. */
  wlPaste?: Omit<WaylandPrimaryOptions, 'env'>;
  /** macOS: `systemPreferences`, for the Accessibility check. */
  systemPreferences?: AccessibilityTrustLike;
  /** Overrides the platform's copy keystroke (tests, or a native module). */
  sendCopyKeystroke?: () => Promise<void>;
  onWarning?: (message: string) => void;
  primary?: PrimarySelectionOptions;
  copy?: SimulatedCopyOptions;
}

export function usesSimulatedCopy(platform: NodeJS.Platform): boolean {
  return platform === 'win32' || platform === 'darwin';
}

const NO_PRIMARY: SelectionStrategy = {
  read: () => Promise.resolve({ kind: 'empty', detail: 'no PRIMARY selection reader on this system' }),
};

/** X11: `readPrimary` as given. Wayland: wl-paste where it works, else `readPrimary`. */
function linuxPrimaryReader(deps: PlatformCaptureDeps): (() => Promise<string>) | undefined {
  const env = deps.env ?? process.env;
  if (!isWaylandSession(env)) return deps.readPrimary;
  return new WaylandPrimaryReader({
    env,
    ...(deps.readPrimary ? { fallback: deps.readPrimary } : {}),
    ...(deps.onWarning ? { onWarning: deps.onWarning } : {}),
    ...(deps.wlPaste ? { wlPaste: deps.wlPaste } : {}),
  }).read;
}

export function createSelectionStrategy(deps: PlatformCaptureDeps): SelectionStrategy {
  if (!usesSimulatedCopy(deps.platform)) {
    const readPrimary = linuxPrimaryReader(deps);
    return readPrimary ? new PrimarySelectionStrategy(readPrimary, deps.primary) : NO_PRIMARY;
  }
  const sendCopyKeystroke = deps.sendCopyKeystroke ?? createCopyKeystroke(deps.platform);
  if (!sendCopyKeystroke) throw new Error(`No copy keystroke for ${deps.platform}`);
  const accessibility =
    deps.platform === 'darwin' && deps.systemPreferences
      ? new AccessibilityGate(deps.systemPreferences)
      : undefined;
  return new SimulatedCopyStrategy(
    {
      clipboard: deps.clipboard,
      sendCopyKeystroke,
      ...(accessibility ? { accessibility } : {}),
      ...(deps.onWarning ? { onWarning: deps.onWarning } : {}),
    },
    deps.copy,
  );
}

type ClipboardItemConstructor = new (
  items: ConstructorParameters<typeof ElectronClipboardItem>[0],
) => ElectronClipboardItem;

/** Electron 45's async clipboard as ClipboardLike (restored records become ClipboardItems again). */
export function electronClipboardPort(
  clipboard: Pick<ElectronClipboard, 'read' | 'write' | 'readText' | 'clear'>,
  ClipboardItem: ClipboardItemConstructor,
): ClipboardLike {
  type ItemData = ConstructorParameters<ClipboardItemConstructor>[0];
  return {
    read: () => clipboard.read(),
    // Snapshot records hold exactly what ClipboardItem.getType returned (Blob, string or bookmark).
    write: (items: readonly ClipboardRecord[]) =>
      clipboard.write(items.map((record) => new ClipboardItem(record as ItemData))),
    readText: () => clipboard.readText(),
    clear: () => clipboard.clear(),
  };
}
