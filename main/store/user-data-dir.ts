// The desktop app's user-data folder (Electron's app.getPath('userData')) computed without Electron,
// so the command line can name the app's files for this user. Electron puts it in the platform's
// per-user application data folder, under the app's name (package.json "productName", else "name").
import { posix, win32 } from 'node:path';

export interface UserFolders {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  /** The user's home folder ($HOME, %USERPROFILE%). */
  homeDir: string;
}

/** Electron's app.getPath('appData'): %APPDATA%, ~/Library/Application Support, $XDG_CONFIG_HOME or ~/.config. */
export function appDataDir({ platform, env, homeDir }: UserFolders): string {
  if (platform === 'win32') return env.APPDATA || win32.join(homeDir, 'AppData', 'Roaming');
  if (platform === 'darwin') return posix.join(homeDir, 'Library', 'Application Support');
  return env.XDG_CONFIG_HOME || posix.join(homeDir, '.config');
}

export function userDataDir(appName: string, folders: UserFolders): string {
  const path = folders.platform === 'win32' ? win32 : posix;
  return path.join(appDataDir(folders), appName);
}

/** The home folder the way Electron finds it: $HOME (%USERPROFILE% on Windows), else the OS's answer. */
export function homeDirOf(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, fallback: () => string): string {
  const fromEnv = platform === 'win32' ? env.USERPROFILE : env.HOME;
  return fromEnv || fallback();
}
