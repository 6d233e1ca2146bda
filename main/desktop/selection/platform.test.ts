import { access, chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MUTTER_LIKE_GLOBALS, startRegistryServer } from '../../../tests/helpers/wayland-registry-server';
import type { RegistryServer } from '../../../tests/helpers/wayland-registry-server';
import type { ClipboardLike } from './clipboard-snapshot';
import { createSelectionStrategy, usesSimulatedCopy } from './platform';
import { PrimarySelectionStrategy } from './primary';
import { SimulatedCopyStrategy } from './simulated-copy';

const emptyClipboard: ClipboardLike = {
  read: () => Promise.resolve([]),
  write: () => Promise.resolve(),
  readText: () => Promise.resolve(''),
  clear: () => undefined,
};

describe('createSelectionStrategy', () => {
  it('Linux reads PRIMARY; Windows and macOS copy', () => {
    expect(usesSimulatedCopy('linux')).toBe(false);
    expect(usesSimulatedCopy('freebsd')).toBe(false);
    const linux = createSelectionStrategy({
      platform: 'linux',
      clipboard: emptyClipboard,
      readPrimary: () => Promise.resolve('x'),
      env: {},
    });
    expect(linux).toBeInstanceOf(PrimarySelectionStrategy);
    for (const platform of ['win32', 'darwin'] as const) {
      const strategy = createSelectionStrategy({
        platform,
        clipboard: emptyClipboard,
        sendCopyKeystroke: () => Promise.resolve(),
      });
      expect(strategy).toBeInstanceOf(SimulatedCopyStrategy);
    }
  });

  it('Linux without a PRIMARY reader reports an empty selection', async () => {
    const strategy = createSelectionStrategy({ platform: 'linux', clipboard: emptyClipboard, env: {} });
    expect(await strategy.read()).toMatchObject({ kind: 'empty' });
  });

  it('macOS asks for the Accessibility permission before copying', async () => {
    let keystrokes = 0;
    const strategy = createSelectionStrategy({
      platform: 'darwin',
      clipboard: emptyClipboard,
      systemPreferences: { isTrustedAccessibilityClient: () => false },
      sendCopyKeystroke: () => {
        keystrokes++;
        return Promise.resolve();
      },
    });
    expect(await strategy.read()).toMatchObject({ kind: 'unavailable', problem: 'accessibility-required' });
    expect(keystrokes).toBe(0);
  });
});

/** Where the real wl-paste lives on this machine's PATH. */
async function realWlPaste(): Promise<string> {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'wl-paste');
    if (
      await access(candidate).then(
        () => true,
        () => false,
      )
    )
      return candidate;
  }
  throw new Error('wl-paste is not installed (apt-get install wl-clipboard)');
}

// The Wayland choice, where Hark cannot read the selection through wl-paste. The compositor with
// data-control (wl-paste used) is tested for real under Sway in tests/selection-wayland.test.ts.
describe('createSelectionStrategy on a Wayland session', () => {
  let binDir: string;
  let callLog: string;
  let compositor: RegistryServer | undefined;
  const warnings: string[] = [];
  /** Stands in for Electron's clipboard.selection.readText(), which cannot run here. */
  const electronPrimary = () => Promise.resolve('read by Electron');

  beforeEach(async () => {
    binDir = await mkdtemp(join(tmpdir(), 'hark-bin-'));
    callLog = join(binDir, 'calls.log');
    await writeFile(callLog, '');
    warnings.length = 0;
  });

  afterEach(async () => {
    await compositor?.close();
    compositor = undefined;
    await rm(binDir, { recursive: true, force: true });
  });

  /** Puts a wl-paste on PATH that logs its arguments, then runs the real one. */
  async function installLoggingWlPaste(): Promise<void> {
    const script = join(binDir, 'wl-paste');
    await writeFile(script, `#!/bin/sh\necho "$*" >> '${callLog}'\nexec '${await realWlPaste()}' "$@"\n`);
    await chmod(script, 0o755);
  }

  async function wlPasteCalls(): Promise<string[]> {
    return (await readFile(callLog, 'utf8')).split('\n').filter(Boolean);
  }

  function waylandStrategy(env: NodeJS.ProcessEnv) {
    return createSelectionStrategy({
      platform: 'linux',
      clipboard: emptyClipboard,
      readPrimary: electronPrimary,
      env,
      onWarning: (message) => warnings.push(message),
    });
  }

  it('without wl-paste, reads through Electron and says once what to install', async () => {
    compositor = await startRegistryServer([{ interface: 'zwlr_data_control_manager_v1', version: 2 }]);
    const strategy = waylandStrategy({ ...compositor.env, PATH: binDir });

    expect(await strategy.read()).toEqual({ kind: 'text', text: 'read by Electron' });
    expect(await strategy.read()).toEqual({ kind: 'text', text: 'read by Electron' });
    expect(warnings).toEqual(['Install wl-clipboard so Hark can read the selection on Wayland']);

    // The answer is remembered: wl-paste appearing later is not looked for on every hotkey.
    await installLoggingWlPaste();
    expect(await strategy.read()).toEqual({ kind: 'text', text: 'read by Electron' });
    expect(await wlPasteCalls()).toEqual([]);
    expect(compositor.connections()).toBe(0);
    expect(warnings).toHaveLength(1);
  });

  it('on a compositor without data-control (GNOME), never runs wl-paste to read and stays quiet', async () => {
    await installLoggingWlPaste();
    compositor = await startRegistryServer(MUTTER_LIKE_GLOBALS);
    const strategy = waylandStrategy({
      ...compositor.env,
      PATH: `${binDir}${delimiter}${process.env.PATH ?? ''}`,
    });

    expect(await strategy.read()).toEqual({ kind: 'text', text: 'read by Electron' });
    expect(await strategy.read()).toEqual({ kind: 'text', text: 'read by Electron' });
    // One probe (--version, one registry query), remembered; no read that would pop up a window.
    expect(await wlPasteCalls()).toEqual(['--version']);
    expect(compositor.connections()).toBe(1);
    expect(warnings).toEqual([]);
  });

  it('asks again on the next hotkey when the compositor could not be reached', async () => {
    await installLoggingWlPaste();
    const strategy = waylandStrategy({
      PATH: `${binDir}${delimiter}${process.env.PATH ?? ''}`,
      WAYLAND_DISPLAY: 'wayland-404',
      XDG_RUNTIME_DIR: binDir,
    });

    expect(await strategy.read()).toEqual({ kind: 'text', text: 'read by Electron' });
    expect(await strategy.read()).toEqual({ kind: 'text', text: 'read by Electron' });
    expect(await wlPasteCalls()).toEqual(['--version', '--version']);
    expect(warnings).toEqual([]);
  });

  it('an X11 session ignores wl-paste entirely', async () => {
    await installLoggingWlPaste();
    const strategy = waylandStrategy({ PATH: binDir, DISPLAY: ':0' });
    expect(await strategy.read()).toEqual({ kind: 'text', text: 'read by Electron' });
    expect(await wlPasteCalls()).toEqual([]);
  });
});
