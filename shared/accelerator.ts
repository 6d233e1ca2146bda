// Syntax check for Electron accelerator strings ("CommandOrControl+Alt+Shift+S"), without Electron:
// settings are validated in plain Node (and may be validated in a renderer), and Electron itself
// only reports a bad accelerator by throwing at register time. Names follow Electron's accelerator
// documentation; Electron compares them case-insensitively, so we do too and store one spelling.

const MODIFIERS: Record<string, { spelling: string; meaning: string }> = {
  command: { spelling: 'Command', meaning: 'command' },
  cmd: { spelling: 'Cmd', meaning: 'command' },
  control: { spelling: 'Control', meaning: 'control' },
  ctrl: { spelling: 'Ctrl', meaning: 'control' },
  commandorcontrol: { spelling: 'CommandOrControl', meaning: 'commandorcontrol' },
  cmdorctrl: { spelling: 'CmdOrCtrl', meaning: 'commandorcontrol' },
  alt: { spelling: 'Alt', meaning: 'alt' },
  option: { spelling: 'Option', meaning: 'alt' },
  altgr: { spelling: 'AltGr', meaning: 'altgr' },
  shift: { spelling: 'Shift', meaning: 'shift' },
  super: { spelling: 'Super', meaning: 'super' },
  meta: { spelling: 'Meta', meaning: 'super' },
};

/** Keys that neither type text nor drive common app shortcuts, so they may be bound on their own. */
const STANDALONE_KEYS = [
  ...Array.from({ length: 24 }, (_, i) => `F${i + 1}`),
  'VolumeUp',
  'VolumeDown',
  'VolumeMute',
  'MediaNextTrack',
  'MediaPreviousTrack',
  'MediaStop',
  'MediaPlayPause',
];

const NAMED_KEYS = [
  ...STANDALONE_KEYS,
  'Plus',
  'Space',
  'Tab',
  'Capslock',
  'Numlock',
  'Scrolllock',
  'Backspace',
  'Delete',
  'Insert',
  'Return',
  'Enter',
  'Up',
  'Down',
  'Left',
  'Right',
  'Home',
  'End',
  'PageUp',
  'PageDown',
  'Escape',
  'Esc',
  'PrintScreen',
  ...Array.from({ length: 10 }, (_, i) => `num${i}`),
  'numdec',
  'numadd',
  'numsub',
  'nummult',
  'numdiv',
];

const KEY_SPELLINGS = new Map(NAMED_KEYS.map((key) => [key.toLowerCase(), key]));
const STANDALONE = new Set(STANDALONE_KEYS.map((key) => key.toLowerCase()));
/** Single characters Electron maps to a key code ('+' is the separator, so it is spelled "Plus"). */
const PUNCTUATION = new Set([...')!@#$%^&*(:;=<,_->.?/~`{]}[|\\"\'']);

export type AcceleratorCheck = { ok: true; value: string } | { ok: false; reason: string };

function keySpelling(token: string): string | undefined {
  if (/^[a-z0-9]$/i.test(token)) return token.toUpperCase();
  if (token.length === 1 && PUNCTUATION.has(token)) return token;
  return KEY_SPELLINGS.get(token.toLowerCase());
}

/**
 * Validates an accelerator and returns it in one canonical spelling. Beyond Electron's own rules it
 * refuses global hotkeys that would swallow ordinary typing: a character or editing key needs a
 * modifier other than Shift (WCAG 2.1.4, character key shortcuts).
 */
export function parseAccelerator(text: string): AcceleratorCheck {
  const tokens = text.trim().split('+');
  if (tokens.some((token) => token.trim() === '')) {
    return { ok: false, reason: `"${text}" has an empty part (write the + key as "Plus")` };
  }
  const keyToken = (tokens.pop() ?? '').trim();
  const key = keySpelling(keyToken);
  if (key === undefined) {
    const hint = MODIFIERS[keyToken.toLowerCase()] ? ' (it must end with a key, not a modifier)' : '';
    return { ok: false, reason: `"${keyToken}" is not a key Electron knows${hint}` };
  }
  const seen = new Set<string>();
  const modifiers: string[] = [];
  for (const raw of tokens) {
    const modifier = MODIFIERS[raw.trim().toLowerCase()];
    if (!modifier)
      return { ok: false, reason: `"${raw.trim()}" is not a modifier (only the last part is a key)` };
    if (seen.has(modifier.meaning)) return { ok: false, reason: `"${raw.trim()}" is repeated` };
    seen.add(modifier.meaning);
    modifiers.push(modifier.spelling);
  }
  const typingModifiers = [...seen].filter((meaning) => meaning !== 'shift');
  if (typingModifiers.length === 0 && !STANDALONE.has(key.toLowerCase())) {
    return {
      ok: false,
      reason: `"${text}" would take the ${key} key from every app: add Ctrl, Alt or Command`,
    };
  }
  return { ok: true, value: [...modifiers, key].join('+') };
}

/**
 * A form in which two accelerators that Electron treats as the same combination compare equal
 * ("Ctrl+Alt+S" and "alt+control+s"), for conflict checks between Hark's own hotkeys.
 */
export function acceleratorIdentity(text: string): string | undefined {
  const parsed = parseAccelerator(text);
  if (!parsed.ok) return undefined;
  const parts = parsed.value.split('+');
  const key = parts.pop() ?? '';
  const meanings = parts.map((part) => MODIFIERS[part.toLowerCase()]?.meaning ?? part).sort();
  const canonicalKey = key === 'Enter' ? 'Return' : key === 'Esc' ? 'Escape' : key;
  return [...meanings, canonicalKey.toLowerCase()].join('+');
}
