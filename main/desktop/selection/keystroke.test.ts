import { describe, expect, it } from 'vitest';
import { copyKeystrokeCommand, createCopyKeystroke, runCommand } from './keystroke';
import type { CommandSpec } from './keystroke';

describe('copy keystroke', () => {
  it('Windows: PowerShell waits for released modifiers, then SendKeys Ctrl+C', () => {
    const command = copyKeystrokeCommand('win32');
    expect(command?.program).toBe('powershell.exe');
    const script = command?.args.at(-1) ?? '';
    expect(script.indexOf('ModifierKeys')).toBeGreaterThan(-1);
    expect(script.indexOf('ModifierKeys')).toBeLessThan(script.indexOf("SendWait('^c')"));
  });

  it('macOS: osascript (JavaScript) waits for released modifiers, then presses Cmd+C', () => {
    const command = copyKeystrokeCommand('darwin');
    expect(command?.program).toBe('/usr/bin/osascript');
    expect(command?.args.slice(0, 2)).toEqual(['-l', 'JavaScript']);
    const script = command?.args.at(-1) ?? '';
    expect(script.indexOf('modifierFlags')).toBeLessThan(
      script.indexOf("keystroke('c', { using: 'command down' })"),
    );
  });

  it('Linux has no copy keystroke (PRIMARY is read instead)', () => {
    expect(copyKeystrokeCommand('linux')).toBeUndefined();
    expect(createCopyKeystroke('linux')).toBeUndefined();
  });

  it('the sender runs the platform command', async () => {
    const ran: CommandSpec[] = [];
    const send = createCopyKeystroke('darwin', (command) => {
      ran.push(command);
      return Promise.resolve();
    });
    await send?.();
    expect(ran).toEqual([copyKeystrokeCommand('darwin')]);
  });
});

describe('runCommand', () => {
  it('resolves when the program succeeds', async () => {
    await expect(
      runCommand({ program: process.execPath, args: ['-e', 'process.exit(0)'] }),
    ).resolves.toBeUndefined();
  });

  it('rejects with the first line the program wrote to stderr', async () => {
    const failing = {
      program: process.execPath,
      args: ['-e', 'console.error("no access\\nmore"); process.exit(3)'],
    };
    await expect(runCommand(failing)).rejects.toThrow(`${process.execPath}: no access`);
  });

  it('rejects when the program does not exist', async () => {
    await expect(runCommand({ program: 'hark-no-such-program', args: [] })).rejects.toThrow(
      /hark-no-such-program/,
    );
  });
});
