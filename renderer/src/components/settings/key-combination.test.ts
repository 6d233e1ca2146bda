import { describe, expect, it } from 'vitest';
import { parseAccelerator } from '../../../../shared/accelerator';
import { acceleratorKey, captureKey, displayAccelerator, isMacPlatform } from './key-combination';
import type { KeyPress } from './key-combination';

function press(key: string, code: string, held: Partial<KeyPress> = {}): KeyPress {
  return { key, code, ctrlKey: false, altKey: false, shiftKey: false, metaKey: false, ...held };
}

const CTRL_ALT_SHIFT = { ctrlKey: true, altKey: true, shiftKey: true };

describe('captureKey', () => {
  it('turns Ctrl+Alt+Shift+R into the accelerator the settings schema stores', () => {
    expect(captureKey(press('R', 'KeyR', CTRL_ALT_SHIFT))).toEqual({
      kind: 'combination',
      accelerator: 'CommandOrControl+Alt+Shift+R',
    });
  });

  it('uses Command for CommandOrControl on a Mac, and Control as itself', () => {
    expect(captureKey(press('r', 'KeyR', { metaKey: true, altKey: true }), true)).toEqual({
      kind: 'combination',
      accelerator: 'CommandOrControl+Alt+R',
    });
    expect(captureKey(press('r', 'KeyR', { ctrlKey: true, altKey: true }), true)).toEqual({
      kind: 'combination',
      accelerator: 'Control+Alt+R',
    });
    expect(captureKey(press('r', 'KeyR', { metaKey: true, altKey: true }), false)).toEqual({
      kind: 'combination',
      accelerator: 'Super+Alt+R',
    });
  });

  it('reads the key Shift or Alt would change by its position', () => {
    expect(captureKey(press('!', 'Digit1', { ctrlKey: true, shiftKey: true }))).toEqual({
      kind: 'combination',
      accelerator: 'CommandOrControl+Shift+1',
    });
    // Option+R types ® on a Mac; the hotkey is still R.
    expect(captureKey(press('®', 'KeyR', { metaKey: true, altKey: true }), true)).toEqual({
      kind: 'combination',
      accelerator: 'CommandOrControl+Alt+R',
    });
    expect(captureKey(press('ArrowUp', 'ArrowUp', { ctrlKey: true }))).toEqual({
      kind: 'combination',
      accelerator: 'CommandOrControl+Up',
    });
    expect(captureKey(press('Enter', 'NumpadEnter', { altKey: true }))).toEqual({
      kind: 'combination',
      accelerator: 'Alt+Return',
    });
  });

  it('lets function and media keys stand alone', () => {
    expect(captureKey(press('F9', 'F9'))).toEqual({ kind: 'combination', accelerator: 'F9' });
    expect(captureKey(press('MediaPlayPause', ''))).toEqual({
      kind: 'combination',
      accelerator: 'MediaPlayPause',
    });
  });

  it('refuses a key that would be taken from every program, with the schema’s reason', () => {
    const capture = captureKey(press('r', 'KeyR'));
    expect(capture.kind).toBe('refused');
    expect(capture.kind === 'refused' && capture.reason).toMatch(/would take the R key from every app/);
    expect(captureKey(press('r', 'KeyR', { shiftKey: true })).kind).toBe('refused');
  });

  it('waits while only modifiers are held', () => {
    expect(captureKey(press('Alt', 'AltLeft', { ctrlKey: true, altKey: true }))).toEqual({
      kind: 'partial',
      modifiers: ['CommandOrControl', 'Alt'],
    });
  });

  it('cancels on Escape, clears on Backspace or Delete, and lets Tab move focus', () => {
    expect(captureKey(press('Escape', 'Escape'))).toEqual({ kind: 'cancel' });
    expect(captureKey(press('Backspace', 'Backspace'))).toEqual({ kind: 'clear' });
    expect(captureKey(press('Delete', 'Delete'))).toEqual({ kind: 'clear' });
    expect(captureKey(press('Tab', 'Tab'))).toEqual({ kind: 'pass' });
    expect(captureKey(press('Tab', 'Tab', { shiftKey: true }))).toEqual({ kind: 'pass' });
    // With a modifier they are combinations like any other.
    expect(captureKey(press('Backspace', 'Backspace', { ctrlKey: true, altKey: true }))).toEqual({
      kind: 'combination',
      accelerator: 'CommandOrControl+Alt+Backspace',
    });
  });

  it('refuses keys Electron cannot bind', () => {
    expect(captureKey(press('Dead', 'IntlRo', { ctrlKey: true })).kind).toBe('refused');
  });
});

describe('acceleratorKey', () => {
  it('only produces keys the accelerator parser accepts', () => {
    const codes = [
      ['a', 'KeyA'],
      ['5', 'Digit5'],
      ['5', 'Numpad5'],
      ['-', 'Minus'],
      ['=', 'Equal'],
      ['[', 'BracketLeft'],
      ["'", 'Quote'],
      ['`', 'Backquote'],
      ['\\', 'Backslash'],
      ['/', 'Slash'],
      ['+', 'NumpadAdd'],
      ['.', 'NumpadDecimal'],
      [' ', 'Space'],
      ['PageDown', 'PageDown'],
      ['Insert', 'Insert'],
      ['PrintScreen', 'PrintScreen'],
      ['F24', 'F24'],
      ['AudioVolumeUp', 'AudioVolumeUp'],
    ] as const;
    for (const [key, code] of codes) {
      const name = acceleratorKey(key, code);
      expect(name, `${key} ${code}`).toBeDefined();
      expect(parseAccelerator(`Ctrl+Alt+${name}`).ok, `${key} ${code} → ${name}`).toBe(true);
    }
  });
});

describe('displayAccelerator', () => {
  it('writes CommandOrControl as the key a person presses', () => {
    expect(displayAccelerator('CommandOrControl+Alt+Shift+S')).toBe('Ctrl+Alt+Shift+S');
    expect(displayAccelerator('CommandOrControl+Alt+Shift+S', true)).toBe('Cmd+Option+Shift+S');
    expect(displayAccelerator('Super+num5')).toBe('Super+Num 5');
    expect(displayAccelerator('')).toBe('');
  });
});

describe('isMacPlatform', () => {
  it('recognises macOS from the user agent', () => {
    expect(isMacPlatform('Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) Chrome/140')).toBe(true);
    expect(isMacPlatform('Mozilla/5.0 (X11; Linux x86_64) Chrome/140')).toBe(false);
  });
});
