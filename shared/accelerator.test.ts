import { describe, expect, it } from 'vitest';
import { acceleratorIdentity, parseAccelerator } from './accelerator';

function value(text: string): string | undefined {
  const parsed = parseAccelerator(text);
  return parsed.ok ? parsed.value : undefined;
}

function reason(text: string): string | undefined {
  const parsed = parseAccelerator(text);
  return parsed.ok ? undefined : parsed.reason;
}

describe('parseAccelerator', () => {
  it('accepts Electron accelerators and spells them canonically', () => {
    expect(value('CommandOrControl+Alt+Shift+S')).toBe('CommandOrControl+Alt+Shift+S');
    expect(value('cmdorctrl+alt+s')).toBe('CmdOrCtrl+Alt+S');
    expect(value(' Ctrl + Shift + F5 ')).toBe('Ctrl+Shift+F5');
    expect(value('Super+Space')).toBe('Super+Space');
    expect(value('Alt+Plus')).toBe('Alt+Plus');
    expect(value('Ctrl+/')).toBe('Ctrl+/');
    expect(value('Option+pageup')).toBe('Option+PageUp');
    expect(value('Control+num7')).toBe('Control+num7');
  });

  it('allows keys that do not type on their own', () => {
    expect(value('F9')).toBe('F9');
    expect(value('MediaPlayPause')).toBe('MediaPlayPause');
    expect(value('Shift+F24')).toBe('Shift+F24');
  });

  it('refuses hotkeys that would swallow typing', () => {
    expect(reason('S')).toMatch(/every app/);
    expect(reason('Shift+S')).toMatch(/every app/);
    expect(reason('Space')).toMatch(/every app/);
    expect(reason('Shift+Backspace')).toMatch(/every app/);
  });

  it('refuses malformed combinations with a reason', () => {
    expect(reason('')).toMatch(/empty part/);
    expect(reason('Ctrl++')).toMatch(/Plus/);
    expect(reason('Ctrl+Alt')).toMatch(/must end with a key/);
    expect(reason('Ctrl+Hyper+S')).toMatch(/"Hyper" is not a modifier/);
    expect(reason('Ctrl+S+Alt')).toMatch(/"Alt" is not a key|must end with a key/);
    expect(reason('Ctrl+Control+S')).toMatch(/repeated/);
    expect(reason('Alt+Option+S')).toMatch(/repeated/);
    expect(reason('Ctrl+F25')).toMatch(/not a key/);
    expect(reason('Ctrl+é')).toMatch(/not a key/);
  });
});

describe('acceleratorIdentity', () => {
  it('treats aliases, order and case as the same combination', () => {
    expect(acceleratorIdentity('Ctrl+Alt+S')).toBe(acceleratorIdentity('alt+control+s'));
    expect(acceleratorIdentity('Meta+Enter')).toBe(acceleratorIdentity('Super+Return'));
    expect(acceleratorIdentity('Ctrl+Esc')).toBe(acceleratorIdentity('Control+Escape'));
  });

  it('tells different combinations apart and rejects invalid ones', () => {
    expect(acceleratorIdentity('Ctrl+Alt+S')).not.toBe(acceleratorIdentity('Ctrl+Alt+Shift+S'));
    expect(acceleratorIdentity('CmdOrCtrl+S')).not.toBe(acceleratorIdentity('Ctrl+S'));
    expect(acceleratorIdentity('Ctrl+')).toBeUndefined();
  });
});
