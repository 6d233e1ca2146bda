// Turns a key press in the hotkey recorder into an Electron accelerator ("CommandOrControl+Alt+S"),
// spelled the way shared/accelerator.ts accepts, and accelerators back into short labels.
import { parseAccelerator } from '../../../../shared/accelerator';

/** The parts of a KeyboardEvent the recorder reads (a plain object in unit tests). */
export interface KeyPress {
  key: string;
  code: string;
  ctrlKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
  metaKey: boolean;
}

export type KeyCapture =
  /** Not for the recorder: Tab must still move focus (leaving the button cancels recording). */
  | { kind: 'pass' }
  | { kind: 'cancel' }
  /** Backspace or Delete on its own: the action gets no hotkey. */
  | { kind: 'clear' }
  /** Only modifiers so far: wait for the key, showing what is held. */
  | { kind: 'partial'; modifiers: string[] }
  | { kind: 'refused'; reason: string }
  | { kind: 'combination'; accelerator: string };

const MODIFIER_KEYS = new Set([
  'Control',
  'Alt',
  'AltGraph',
  'Shift',
  'Meta',
  'OS',
  'Super',
  'Hyper',
  'Fn',
  'CapsLock',
  'NumLock',
  'ScrollLock',
]);

/** Keys Electron names, by their physical position (event.code), so Shift cannot change them. */
const KEYS_BY_CODE: Record<string, string> = {
  Space: 'Space',
  Tab: 'Tab',
  Enter: 'Return',
  NumpadEnter: 'Return',
  Backspace: 'Backspace',
  Delete: 'Delete',
  Insert: 'Insert',
  ArrowUp: 'Up',
  ArrowDown: 'Down',
  ArrowLeft: 'Left',
  ArrowRight: 'Right',
  Home: 'Home',
  End: 'End',
  PageUp: 'PageUp',
  PageDown: 'PageDown',
  Escape: 'Escape',
  PrintScreen: 'PrintScreen',
  Minus: '-',
  Equal: '=',
  BracketLeft: '[',
  BracketRight: ']',
  Backslash: '\\',
  Semicolon: ';',
  Quote: "'",
  Comma: ',',
  Period: '.',
  Slash: '/',
  Backquote: '`',
  NumpadDecimal: 'numdec',
  NumpadAdd: 'numadd',
  NumpadSubtract: 'numsub',
  NumpadMultiply: 'nummult',
  NumpadDivide: 'numdiv',
};

/** Media keys have no stable code on every keyboard: their key value names them. */
const KEYS_BY_VALUE: Record<string, string> = {
  AudioVolumeUp: 'VolumeUp',
  AudioVolumeDown: 'VolumeDown',
  AudioVolumeMute: 'VolumeMute',
  MediaTrackNext: 'MediaNextTrack',
  MediaTrackPrevious: 'MediaPreviousTrack',
  MediaStop: 'MediaStop',
  MediaPlayPause: 'MediaPlayPause',
  '+': 'Plus',
};

/** The accelerator's key part, or undefined for keys Electron cannot bind. */
export function acceleratorKey(key: string, code: string): string | undefined {
  // The letter the layout types (AZERTY's A is A), unless Alt turned it into another character.
  if (/^[a-z]$/i.test(key)) return key.toUpperCase();
  const letter = /^Key([A-Z])$/.exec(code)?.[1];
  if (letter) return letter;
  const digit = /^Digit([0-9])$/.exec(code)?.[1];
  if (digit) return digit;
  const numpad = /^Numpad([0-9])$/.exec(code)?.[1];
  if (numpad) return `num${numpad}`;
  if (/^F(?:[1-9]|1[0-9]|2[0-4])$/.test(key)) return key;
  return KEYS_BY_VALUE[key] ?? KEYS_BY_CODE[code];
}

/** CommandOrControl is Command on macOS and Ctrl elsewhere, so a stored hotkey travels between systems. */
function modifiersOf(press: KeyPress, mac: boolean): string[] {
  const names: string[] = [];
  if (mac ? press.metaKey : press.ctrlKey) names.push('CommandOrControl');
  if (mac && press.ctrlKey) names.push('Control');
  if (!mac && press.metaKey) names.push('Super');
  if (press.altKey) names.push('Alt');
  if (press.shiftKey) names.push('Shift');
  return names;
}

export function captureKey(press: KeyPress, mac = false): KeyCapture {
  const modifiers = modifiersOf(press, mac);
  const alone = modifiers.length === 0;
  if (press.key === 'Tab' && !press.ctrlKey && !press.altKey && !press.metaKey) return { kind: 'pass' };
  if (alone && press.key === 'Escape') return { kind: 'cancel' };
  if (alone && (press.key === 'Backspace' || press.key === 'Delete')) return { kind: 'clear' };
  if (MODIFIER_KEYS.has(press.key)) return { kind: 'partial', modifiers };
  const key = acceleratorKey(press.key, press.code);
  if (key === undefined) {
    return {
      kind: 'refused',
      reason:
        'That key cannot be part of a hotkey. Try a letter, a digit or a function key with Ctrl or Alt.',
    };
  }
  const checked = parseAccelerator([...modifiers, key].join('+'));
  return checked.ok
    ? { kind: 'combination', accelerator: checked.value }
    : { kind: 'refused', reason: checked.reason };
}

const DISPLAY_NAMES: Record<string, { mac: string; other: string }> = {
  commandorcontrol: { mac: 'Cmd', other: 'Ctrl' },
  cmdorctrl: { mac: 'Cmd', other: 'Ctrl' },
  command: { mac: 'Cmd', other: 'Cmd' },
  cmd: { mac: 'Cmd', other: 'Cmd' },
  control: { mac: 'Ctrl', other: 'Ctrl' },
  ctrl: { mac: 'Ctrl', other: 'Ctrl' },
  super: { mac: 'Cmd', other: 'Super' },
  meta: { mac: 'Cmd', other: 'Super' },
  option: { mac: 'Option', other: 'Alt' },
  alt: { mac: 'Option', other: 'Alt' },
  return: { mac: 'Return', other: 'Enter' },
  esc: { mac: 'Esc', other: 'Esc' },
  escape: { mac: 'Esc', other: 'Esc' },
};

/** "CommandOrControl+Alt+Shift+S" → "Ctrl+Alt+Shift+S" (or "Cmd+Option+Shift+S" on a Mac). */
export function displayAccelerator(accelerator: string, mac = false): string {
  if (accelerator === '') return '';
  return accelerator
    .split('+')
    .map((part) => {
      const names = DISPLAY_NAMES[part.toLowerCase()];
      if (names) return mac ? names.mac : names.other;
      const numpad = /^num(\d)$/i.exec(part)?.[1];
      return numpad ? `Num ${numpad}` : part;
    })
    .join('+');
}

/** Electron's CommandOrControl means Command on macOS; the renderer learns the platform from the browser. */
export function isMacPlatform(userAgent: string = globalThis.navigator?.userAgent ?? ''): boolean {
  return /Mac|iPhone|iPad/.test(userAgent);
}
