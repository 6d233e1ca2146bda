import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clipboardTools, readClipboard } from './clipboard';
import { findExecutable } from './executables';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hark-clipboard-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A stand-in clipboard program: a real executable on a private PATH. */
async function tool(name: string, script: string): Promise<void> {
  const path = join(dir, name);
  await writeFile(path, `#!/bin/sh\n${script}\n`);
  await chmod(path, 0o755);
}

const signal = new AbortController().signal;

describe.runIf(process.platform !== 'win32')('readClipboard', () => {
  it('reads the text from the first tool found, arguments included', async () => {
    await tool('xsel', 'printf "from xsel %s %s" "$1" "$2"');
    expect(await readClipboard({ PATH: dir }, signal, 'linux')).toBe('from xsel --clipboard --output');
  });

  it('prefers wl-paste on Wayland and xclip on X11', async () => {
    await tool('wl-paste', 'printf wayland');
    await tool('xclip', 'printf x11');
    expect(await readClipboard({ PATH: dir, WAYLAND_DISPLAY: 'wayland-0' }, signal, 'linux')).toBe('wayland');
    expect(await readClipboard({ PATH: dir, DISPLAY: ':0' }, signal, 'linux')).toBe('x11');
  });

  it('says the clipboard is empty', async () => {
    await tool('xclip', 'printf "  "');
    await expect(readClipboard({ PATH: dir }, signal, 'linux')).rejects.toThrow('the clipboard is empty');
  });

  it('passes the tool complaint on when it fails', async () => {
    await tool('xclip', 'echo "Error: target STRING not available" >&2; exit 1');
    await expect(readClipboard({ PATH: dir }, signal, 'linux')).rejects.toThrow(
      /holds no text \(xclip: Error: target STRING not available\)/,
    );
  });

  it('names the tools it looked for when none exists', async () => {
    await expect(readClipboard({ PATH: dir }, signal, 'linux')).rejects.toThrow(
      /none of xclip, xsel, wl-paste was found on PATH/,
    );
    await expect(readClipboard({ PATH: dir }, signal, 'darwin')).rejects.toThrow(/none of pbpaste/);
  });
});

describe('clipboardTools', () => {
  it('uses PowerShell on Windows and pbpaste on macOS', () => {
    expect(clipboardTools('win32', {}).map((t) => t.program)).toEqual(['powershell', 'pwsh']);
    expect(clipboardTools('darwin', {}).map((t) => t.program)).toEqual(['pbpaste']);
  });
});

describe.runIf(process.platform !== 'win32')('findExecutable', () => {
  it('finds only executable files', async () => {
    await tool('runnable', 'true');
    await writeFile(join(dir, 'plain'), 'not a program');
    expect(findExecutable('runnable', { PATH: `/nonexistent:${dir}` })).toBe(join(dir, 'runnable'));
    expect(findExecutable('plain', { PATH: dir })).toBeUndefined();
    expect(findExecutable('runnable', {})).toBeUndefined();
  });
});
