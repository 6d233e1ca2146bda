// The tray's content as data: one pure function from (state, hotkeys, failures) to the icon, the
// tooltip and the menu. The Electron adapter (tray.ts) only renders this, so the menu is rebuilt
// from state in exactly one place. Every action is in the menu because a tray click is not
// delivered on every Linux desktop; each label shows its hotkey, so the shortcuts are discoverable.
import type { AppState, ReadingPosition } from '../app/reading-controller';
import type { HotkeyAction, Hotkeys } from '../../shared/settings-schema';

export type TrayAction = HotkeyAction | 'dismissError' | 'history' | 'settings' | 'openLogFolder' | 'quit';

export type MenuItemSpec =
  | { type: 'action'; action: TrayAction; label: string; enabled: boolean }
  /** A line of text that cannot be clicked (what Hark is doing). */
  | { type: 'status'; label: string }
  | { type: 'separator' };

/** The HotkeyFailure fields the menu needs (hotkeys.ts owns the full type). */
export interface FailedHotkey {
  action: HotkeyAction;
}

export interface TrayView {
  /** Path of the icon relative to resources/. */
  icon: string;
  tooltip: string;
  menu: MenuItemSpec[];
}

/** The states that have an icon of their own (resources/tray); reconnecting shows the connecting one. */
export type TrayIconState = Exclude<AppState['kind'], 'reconnecting'>;

export function trayIconState(kind: AppState['kind']): TrayIconState {
  return kind === 'reconnecting' ? 'connecting' : kind;
}

export const ACTION_LABELS: Readonly<Record<HotkeyAction, string>> = {
  readSelection: 'Read selection',
  readClipboard: 'Read clipboard',
  pauseResume: 'Pause/Resume',
  stop: 'Stop',
  previousSentence: 'Previous sentence',
  nextSentence: 'Next sentence',
  speedUp: 'Speed up',
  speedDown: 'Speed down',
};

const MAC_MODIFIERS: Record<string, string> = {
  commandorcontrol: 'Cmd',
  cmdorctrl: 'Cmd',
  command: 'Cmd',
  cmd: 'Cmd',
  super: 'Cmd',
  meta: 'Cmd',
  control: 'Ctrl',
  ctrl: 'Ctrl',
  alt: 'Option',
  option: 'Option',
};

const PC_MODIFIERS: Record<string, string> = {
  commandorcontrol: 'Ctrl',
  cmdorctrl: 'Ctrl',
  control: 'Ctrl',
  ctrl: 'Ctrl',
  alt: 'Alt',
  option: 'Alt',
  command: 'Super',
  cmd: 'Super',
  super: 'Super',
  meta: 'Super',
};

/**
 * An accelerator as the user sees it on `platform`: "CommandOrControl+Alt+Shift+S" is
 * "Ctrl+Alt+Shift+S" on Linux and Windows, "Cmd+Option+Shift+S" on macOS. Words, not symbols, so
 * screen readers say them.
 */
export function formatAccelerator(accelerator: string, platform: NodeJS.Platform): string {
  if (accelerator.trim() === '') return '';
  const names = platform === 'darwin' ? MAC_MODIFIERS : PC_MODIFIERS;
  const parts = accelerator.split('+').map((part) => part.trim());
  const key = parts.pop() ?? '';
  const modifiers = parts.map((part) => {
    const lower = part.toLowerCase();
    if (lower === 'super' || lower === 'meta') return platform === 'win32' ? 'Win' : (names[lower] ?? part);
    return names[lower] ?? part;
  });
  return [...modifiers, key === 'Plus' ? '+' : key].join('+');
}

function hotkeyLabel(
  action: HotkeyAction,
  text: string,
  hotkeys: Hotkeys,
  failed: ReadonlySet<HotkeyAction>,
  platform: NodeJS.Platform,
): string {
  const accelerator = formatAccelerator(hotkeys[action], platform);
  if (accelerator === '') return text;
  // A hotkey that could not be registered stays visible, so the user knows to pick another one.
  return failed.has(action) ? `${text}\t${accelerator} (not active)` : `${text}\t${accelerator}`;
}

const MAX_STATUS_MESSAGE = 80;

function shorten(text: string, max: number): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, max - 1)}…`;
}

function queuedSuffix(queued: number): string {
  return queued > 0 ? ` (${queued} more queued)` : '';
}

/** "sentence 3 of 12 at 1.5×" while a steerable reading plays or is paused; else nothing. */
function describePlace(state: AppState, place: ReadingPosition | undefined): string {
  if (!place?.steerable || (state.kind !== 'speaking' && state.kind !== 'paused')) return '';
  const speed = place.speed === 1 ? '' : ` at ${place.speed}×`;
  return `, sentence ${place.sentence + 1} of ${place.sentenceCount}${speed}`;
}

/** What Hark is doing, in words (status line and tooltip), with the place in the reading if known. */
export function describeState(state: AppState, place?: ReadingPosition): string {
  const where = describePlace(state, place);
  switch (state.kind) {
    case 'idle':
      return 'Ready';
    case 'connecting':
      return 'Connecting…';
    case 'reconnecting':
      return `Connection lost, reconnecting (attempt ${state.attempt})…`;
    case 'speaking':
      return `Speaking${where}${queuedSuffix(state.queued)}`;
    case 'paused':
      return `Paused${where}${queuedSuffix(state.queued)}`;
    case 'error':
      return `Error: ${shorten(state.message, MAX_STATUS_MESSAGE)}`;
  }
}

/**
 * The icon under resources/ (drawn by scripts/make-icons.ts): macOS uses the Template variant so
 * the menu bar can tint it; Linux panels ask for 22-32 px icons, so they get the 32 px drawing;
 * Windows the 16 px one (Electron picks the @2x file beside it on high-density screens).
 */
export function trayIconFile(kind: TrayIconState, platform: NodeJS.Platform): string {
  if (platform === 'darwin') return `tray/${kind}Template.png`;
  if (platform === 'win32') return `tray/${kind}.png`;
  return `tray/${kind}-32.png`;
}

function pauseItem(state: AppState, label: string): MenuItemSpec {
  const paused = state.kind === 'paused';
  const enabled = state.kind === 'speaking' || paused;
  const text = paused ? 'Resume' : 'Pause';
  // Keep the hotkey part, swap the words: "Pause\tCtrl+…" / "Resume\tCtrl+…".
  return {
    type: 'action',
    action: 'pauseResume',
    label: label.replace(ACTION_LABELS.pauseResume, text),
    enabled,
  };
}

function hotkeyProblemItems(failures: readonly FailedHotkey[]): MenuItemSpec[] {
  if (failures.length === 0) return [];
  const count = failures.length === 1 ? '1 hotkey is' : `${failures.length} hotkeys are`;
  return [
    {
      type: 'action',
      action: 'settings',
      label: `${count} not active: choose another in Settings…`,
      enabled: true,
    },
  ];
}

/** Where to look when something went wrong, and which Hark this is (for a bug report). */
function troubleshootingItems(version: string | undefined): MenuItemSpec[] {
  return [
    { type: 'action', action: 'openLogFolder', label: 'Open log folder', enabled: true },
    ...(version === undefined ? [] : [{ type: 'status', label: `Version ${version}` } as const]),
  ];
}

/** The tray menu for this state: the one definition of what the menu shows. */
export function buildTrayMenu(
  state: AppState,
  hotkeys: Hotkeys,
  failures: readonly FailedHotkey[],
  platform: NodeJS.Platform = process.platform,
  place?: ReadingPosition,
  version?: string,
): MenuItemSpec[] {
  const failed = new Set(failures.map((failure) => failure.action));
  const label = (action: HotkeyAction): string =>
    hotkeyLabel(action, ACTION_LABELS[action], hotkeys, failed, platform);
  const reading =
    state.kind === 'connecting' ||
    state.kind === 'reconnecting' ||
    state.kind === 'speaking' ||
    state.kind === 'paused';
  const steerable = state.kind === 'speaking' || state.kind === 'paused' || state.kind === 'reconnecting';
  return [
    { type: 'status', label: `Hark: ${describeState(state, place)}` },
    ...(state.kind === 'error'
      ? [{ type: 'action', action: 'dismissError', label: 'Dismiss error', enabled: true } as const]
      : []),
    ...hotkeyProblemItems(failures),
    { type: 'separator' },
    { type: 'action', action: 'readSelection', label: label('readSelection'), enabled: true },
    { type: 'action', action: 'readClipboard', label: label('readClipboard'), enabled: true },
    pauseItem(state, label('pauseResume')),
    { type: 'action', action: 'stop', label: label('stop'), enabled: reading },
    { type: 'action', action: 'previousSentence', label: label('previousSentence'), enabled: steerable },
    { type: 'action', action: 'nextSentence', label: label('nextSentence'), enabled: steerable },
    { type: 'action', action: 'speedUp', label: label('speedUp'), enabled: true },
    { type: 'action', action: 'speedDown', label: label('speedDown'), enabled: true },
    { type: 'separator' },
    { type: 'action', action: 'history', label: 'History…', enabled: true },
    { type: 'action', action: 'settings', label: 'Settings…', enabled: true },
    { type: 'separator' },
    ...troubleshootingItems(version),
    { type: 'separator' },
    { type: 'action', action: 'quit', label: 'Quit Hark', enabled: true },
  ];
}

/** Icon, tooltip and menu together: what the tray adapter renders. */
export function trayView(
  state: AppState,
  hotkeys: Hotkeys,
  failures: readonly FailedHotkey[],
  platform: NodeJS.Platform = process.platform,
  place?: ReadingPosition,
  version?: string,
): TrayView {
  return {
    icon: trayIconFile(trayIconState(state.kind), platform),
    tooltip: `Hark: ${describeState(state, place)}`,
    menu: buildTrayMenu(state, hotkeys, failures, platform, place, version),
  };
}
