import { describe, expect, it } from 'vitest';
import { productName } from '../../package.json';
import { appDataDir, homeDirOf, userDataDir } from './user-data-dir';

describe("the desktop app's user-data folder, as Electron computes it", () => {
  it('is under $XDG_CONFIG_HOME, else ~/.config, on Linux', () => {
    expect(userDataDir('Hark', { platform: 'linux', env: {}, homeDir: '/home/ada' })).toBe(
      '/home/ada/.config/Hark',
    );
    expect(
      userDataDir('Hark', { platform: 'linux', env: { XDG_CONFIG_HOME: '/srv/conf' }, homeDir: '/home/ada' }),
    ).toBe('/srv/conf/Hark');
    // An empty variable counts as unset.
    expect(appDataDir({ platform: 'freebsd', env: { XDG_CONFIG_HOME: '' }, homeDir: '/home/ada' })).toBe(
      '/home/ada/.config',
    );
  });

  it('is under ~/Library/Application Support on macOS, whatever XDG says', () => {
    expect(
      userDataDir('Hark', { platform: 'darwin', env: { XDG_CONFIG_HOME: '/x' }, homeDir: '/Users/ada' }),
    ).toBe('/Users/ada/Library/Application Support/Hark');
  });

  it('is under %APPDATA% on Windows, else the roaming folder of the profile', () => {
    expect(
      userDataDir('Hark', {
        platform: 'win32',
        env: { APPDATA: 'D:\\Profiles\\ada\\Roaming' },
        homeDir: 'C:\\Users\\ada',
      }),
    ).toBe('D:\\Profiles\\ada\\Roaming\\Hark');
    expect(userDataDir('Hark', { platform: 'win32', env: {}, homeDir: 'C:\\Users\\ada' })).toBe(
      'C:\\Users\\ada\\AppData\\Roaming\\Hark',
    );
  });

  it('takes the home folder from the environment first, as Electron does', () => {
    const fallback = () => '/from/the/os';
    expect(homeDirOf('linux', { HOME: '/home/ada' }, fallback)).toBe('/home/ada');
    expect(homeDirOf('linux', {}, fallback)).toBe('/from/the/os');
    expect(homeDirOf('win32', { HOME: '/ignored', USERPROFILE: 'C:\\Users\\ada' }, fallback)).toBe(
      'C:\\Users\\ada',
    );
  });

  it("names the folder after the app's productName, which Electron prefers over its name", () => {
    expect(productName).toBe('Hark');
  });
});
