import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createAutostart,
  desktopEntry,
  escapeExecArgument,
  launchCommand,
  linuxAutostartPath,
} from './autostart';
import type { LoginItemsLike } from './autostart';

let home: string;

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'hark-autostart-'));
});

afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

describe('linuxAutostartPath', () => {
  it('uses ~/.config, or an absolute XDG_CONFIG_HOME', () => {
    expect(linuxAutostartPath({}, '/home/ann')).toBe('/home/ann/.config/autostart/hark.desktop');
    expect(linuxAutostartPath({ XDG_CONFIG_HOME: '/cfg' }, '/home/ann')).toBe('/cfg/autostart/hark.desktop');
    expect(linuxAutostartPath({ XDG_CONFIG_HOME: 'relative' }, '/home/ann')).toBe(
      '/home/ann/.config/autostart/hark.desktop',
    );
  });
});

describe('launchCommand', () => {
  it('starts the AppImage file, the packaged binary, or electron with the app folder', () => {
    const base = { execPath: '/tmp/.mount_Hark/hark', appPath: '/src/hark' };
    expect(
      launchCommand({ ...base, isPackaged: true, env: { APPIMAGE: '/home/ann/Apps/Hark.AppImage' } }),
    ).toEqual(['/home/ann/Apps/Hark.AppImage']);
    expect(launchCommand({ ...base, isPackaged: true, env: {} })).toEqual(['/tmp/.mount_Hark/hark']);
    expect(launchCommand({ ...base, isPackaged: false, env: {} })).toEqual([
      '/tmp/.mount_Hark/hark',
      '/src/hark',
    ]);
  });
});

describe('escapeExecArgument', () => {
  it('leaves plain paths alone and quotes and escapes the rest per the Desktop Entry spec', () => {
    expect(escapeExecArgument('/usr/bin/hark')).toBe('/usr/bin/hark');
    expect(escapeExecArgument('/home/ann/My Apps/Hark.AppImage')).toBe('"/home/ann/My Apps/Hark.AppImage"');
    expect(escapeExecArgument('/opt/a$b')).toBe('"/opt/a\\\\$b"');
    expect(escapeExecArgument('/opt/100%/hark')).toBe('/opt/100%%/hark');
    expect(escapeExecArgument('say "hi"')).toBe('"say \\\\"hi\\\\""');
    expect(escapeExecArgument('')).toBe('""');
    expect(() => escapeExecArgument('a\nb')).toThrow(/line break/);
  });
});

describe('desktopEntry', () => {
  it('is a launchable application entry', () => {
    const entry = desktopEntry(['/home/ann/My Apps/Hark.AppImage']);
    expect(entry.split('\n')).toEqual(
      expect.arrayContaining([
        '[Desktop Entry]',
        'Type=Application',
        'Name=Hark',
        'Exec="/home/ann/My Apps/Hark.AppImage"',
        'Terminal=false',
      ]),
    );
    expect(entry.endsWith('\n')).toBe(true);
  });
});

describe('Linux autostart on a real (temporary) home', () => {
  const command = ['/opt/Hark/hark'];

  it('writes the entry, reports it, and removes it', async () => {
    const autostart = createAutostart({ platform: 'linux', env: {}, homeDir: home, command });
    const path = join(home, '.config', 'autostart', 'hark.desktop');
    expect(await autostart.isEnabled()).toBe(false);

    await autostart.setEnabled(true);
    expect(await readFile(path, 'utf8')).toBe(desktopEntry(command));
    expect(await autostart.isEnabled()).toBe(true);
    // Enabling again is harmless and leaves no temporary files behind.
    await autostart.setEnabled(true);
    expect(await readdir(join(home, '.config', 'autostart'))).toEqual(['hark.desktop']);

    await autostart.setEnabled(false);
    expect(await exists(path)).toBe(false);
    expect(await autostart.isEnabled()).toBe(false);
    await autostart.setEnabled(false);
  });

  it('honours XDG_CONFIG_HOME', async () => {
    const configHome = join(home, 'elsewhere');
    const autostart = createAutostart({
      platform: 'linux',
      env: { XDG_CONFIG_HOME: configHome },
      homeDir: home,
      command,
    });
    await autostart.setEnabled(true);
    expect(await exists(join(configHome, 'autostart', 'hark.desktop'))).toBe(true);
    expect(await exists(join(home, '.config'))).toBe(false);
  });

  it('rewrites an outdated entry (the app moved) and treats Hidden=true as off', async () => {
    const path = join(home, '.config', 'autostart', 'hark.desktop');
    const old = createAutostart({ platform: 'linux', env: {}, homeDir: home, command: ['/old/hark'] });
    await old.setEnabled(true);
    const moved = createAutostart({ platform: 'linux', env: {}, homeDir: home, command });
    await moved.setEnabled(true);
    expect(await readFile(path, 'utf8')).toContain('Exec=/opt/Hark/hark\n');

    await writeFile(path, `${desktopEntry(command)}Hidden=true\n`);
    expect(await moved.isEnabled()).toBe(false);
    await moved.setEnabled(true);
    expect(await moved.isEnabled()).toBe(true);
  });
});

describe('macOS and Windows autostart', () => {
  function loginItems() {
    const calls: Parameters<LoginItemsLike['setLoginItemSettings']>[0][] = [];
    let openAtLogin = false;
    const items: LoginItemsLike = {
      setLoginItemSettings(settings) {
        calls.push(settings);
        openAtLogin = settings.openAtLogin;
      },
      getLoginItemSettings: () => ({ openAtLogin }),
    };
    return { items, calls };
  }

  it('Windows registers the executable and its arguments', async () => {
    const { items, calls } = loginItems();
    const autostart = createAutostart({
      platform: 'win32',
      env: {},
      homeDir: home,
      command: ['C:\\dev\\electron.exe', 'C:\\dev\\hark'],
      loginItems: items,
    });
    await autostart.setEnabled(true);
    expect(await autostart.isEnabled()).toBe(true);
    await autostart.setEnabled(false);
    expect(calls).toEqual([
      { openAtLogin: true, path: 'C:\\dev\\electron.exe', args: ['C:\\dev\\hark'] },
      { openAtLogin: false, path: 'C:\\dev\\electron.exe', args: ['C:\\dev\\hark'] },
    ]);
    expect(await exists(join(home, '.config'))).toBe(false);
  });

  it('macOS only switches the login item', async () => {
    const { items, calls } = loginItems();
    const autostart = createAutostart({
      platform: 'darwin',
      env: {},
      homeDir: home,
      command: ['/Applications/Hark.app'],
      loginItems: items,
    });
    await autostart.setEnabled(true);
    expect(calls).toEqual([{ openAtLogin: true }]);
    expect(await autostart.isEnabled()).toBe(true);
  });

  it('refuses to pretend without login items', () => {
    expect(() => createAutostart({ platform: 'darwin', env: {}, homeDir: home, command: ['x'] })).toThrow(
      /login items/,
    );
  });
});
