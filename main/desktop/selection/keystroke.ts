// The copy keystroke, sent by the operating system's own scripting tool (no native module).
// Global hotkeys fire on key press, while the user still holds the hotkey's modifiers; a copy sent
// then would arrive as Ctrl+Alt+Shift+C. Both scripts first wait (at most a second) until no
// modifier is held, then press the copy shortcut.
import { execFile } from 'node:child_process';
import { childEnv } from '../../store/child-env';

export interface CommandSpec {
  program: string;
  args: string[];
}

const WINDOWS_COPY_SCRIPT = [
  'Add-Type -AssemblyName System.Windows.Forms',
  '$deadline = (Get-Date).AddSeconds(1)',
  "while ([System.Windows.Forms.Control]::ModifierKeys -ne 'None' -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 15 }",
  "[System.Windows.Forms.SendKeys]::SendWait('^c')",
].join('; ');

// JavaScript for Automation: AppKit tells which modifiers are down; System Events sends Cmd+C.
const MAC_COPY_SCRIPT = [
  "ObjC.import('AppKit');",
  'const held = () => $.NSEvent.modifierFlags & ($.NSEventModifierFlagShift | $.NSEventModifierFlagControl | $.NSEventModifierFlagOption | $.NSEventModifierFlagCommand);',
  'for (let i = 0; i < 60 && held(); i++) delay(0.015);',
  "Application('System Events').keystroke('c', { using: 'command down' });",
].join(' ');

/** The program that presses the copy shortcut on `platform`, or undefined where Hark does not copy. */
export function copyKeystrokeCommand(platform: NodeJS.Platform): CommandSpec | undefined {
  if (platform === 'win32') {
    return {
      program: 'powershell.exe',
      args: ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-Command', WINDOWS_COPY_SCRIPT],
    };
  }
  if (platform === 'darwin') {
    return { program: '/usr/bin/osascript', args: ['-l', 'JavaScript', '-e', MAC_COPY_SCRIPT] };
  }
  return undefined;
}

export const KEYSTROKE_TIMEOUT_MS = 4_000;

export type CommandRunner = (command: CommandSpec) => Promise<void>;

/** Runs a command to completion; rejects with its first stderr line when it fails or times out. */
export const runCommand: CommandRunner = (command) =>
  new Promise((resolve, reject) => {
    execFile(
      command.program,
      command.args,
      { env: childEnv(process.env), timeout: KEYSTROKE_TIMEOUT_MS, windowsHide: true, encoding: 'utf8' },
      (error, _stdout, stderr) => {
        if (!error) return resolve();
        const detail = stderr.trim().split('\n')[0] || error.message;
        reject(new Error(`${command.program}: ${detail}`));
      },
    );
  });

/** A function that presses the copy shortcut, or undefined on platforms without one (Linux). */
export function createCopyKeystroke(
  platform: NodeJS.Platform,
  run: CommandRunner = runCommand,
): (() => Promise<void>) | undefined {
  const command = copyKeystrokeCommand(platform);
  return command ? () => run(command) : undefined;
}
