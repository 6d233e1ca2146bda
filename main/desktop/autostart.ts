// Launch at login (settings.launchAtLogin). Electron's setLoginItemSettings covers macOS and
// Windows only; on Linux Hark writes an XDG autostart entry, ~/.config/autostart/hark.desktop
// ($XDG_CONFIG_HOME honoured), and removes it when the setting is turned off.
import { promises as fs } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { readFileIfExists, writeFileAtomic } from '../store/atomic-file';

/** Same name as the installed launcher (desktopName), as the XDG autostart convention expects. */
export const AUTOSTART_FILE_NAME = 'hark.desktop';

export function linuxAutostartPath(env: NodeJS.ProcessEnv, homeDir: string): string {
  const configHome = env.XDG_CONFIG_HOME;
  // The XDG spec says a relative XDG_CONFIG_HOME is invalid and must be ignored.
  const base = configHome && isAbsolute(configHome) ? configHome : join(homeDir, '.config');
  return join(base, 'autostart', AUTOSTART_FILE_NAME);
}

/** The command that starts this Hark: the AppImage file (not its temporary mount), the binary, or electron + app folder in development. */
export function launchCommand(info: {
  isPackaged: boolean;
  execPath: string;
  appPath: string;
  env: NodeJS.ProcessEnv;
}): string[] {
  if (!info.isPackaged) return [info.execPath, info.appPath];
  return [info.env.APPIMAGE || info.execPath];
}

// Characters that make the Desktop Entry spec require quoting an Exec argument.
const NEEDS_QUOTES = /[\s"'\\><~|&;$*?#()`]/;

/**
 * One Exec argument per the Desktop Entry spec: quoted when needed (", `, $ and \ escaped inside),
 * % doubled, and then the value-level escaping of backslashes every string key gets.
 */
export function escapeExecArgument(arg: string): string {
  if (/[\n\r]/.test(arg)) throw new Error('A launch argument cannot contain a line break.');
  if (arg === '') return '""';
  const quoted = NEEDS_QUOTES.test(arg) ? `"${arg.replace(/(["`$\\])/g, '\\$1')}"` : arg;
  return quoted.replace(/%/g, '%%').replace(/\\/g, '\\\\');
}

export function desktopEntry(command: readonly string[]): string {
  if (command.length === 0) throw new Error('The launch command is empty.');
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Hark',
    'Comment=Reads selected text aloud',
    `Exec=${command.map(escapeExecArgument).join(' ')}`,
    'Icon=hark',
    'Terminal=false',
    // A tray app shows no window at start; a launch spinner would spin until it times out.
    'StartupNotify=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/** An entry the user (or a desktop's settings panel) switched off with Hidden=true counts as off. */
function entryIsActive(text: string): boolean {
  return !/^\s*Hidden\s*=\s*true\s*$/im.test(text);
}

/** Electron's login-item API (macOS, Windows). */
export interface LoginItemsLike {
  setLoginItemSettings(settings: { openAtLogin: boolean; path?: string; args?: string[] }): void;
  getLoginItemSettings(options?: { path?: string; args?: string[] }): { openAtLogin: boolean };
}

export interface Autostart {
  setEnabled(enabled: boolean): Promise<void>;
  isEnabled(): Promise<boolean>;
}

export interface AutostartDeps {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  homeDir: string;
  /** launchCommand(...) */
  command: readonly string[];
  /** Required on macOS and Windows. */
  loginItems?: LoginItemsLike;
}

function linuxAutostart(path: string, command: readonly string[]): Autostart {
  return {
    async setEnabled(enabled) {
      if (!enabled) {
        await fs.rm(path, { force: true });
        return;
      }
      const entry = desktopEntry(command);
      const existing = await readFileIfExists(path);
      if (existing?.toString('utf8') !== entry) await writeFileAtomic(path, entry);
    },
    async isEnabled() {
      const existing = await readFileIfExists(path);
      return existing !== undefined && entryIsActive(existing.toString('utf8'));
    },
  };
}

function loginItemAutostart(
  loginItems: LoginItemsLike,
  platform: NodeJS.Platform,
  command: readonly string[],
): Autostart {
  // Windows identifies the entry by executable + arguments (they matter in development, where the
  // executable is electron.exe); macOS by the app bundle, and ignores both.
  const [path, ...args] = command;
  const target = platform === 'win32' && path ? { path, args } : {};
  return {
    setEnabled(enabled) {
      loginItems.setLoginItemSettings({ openAtLogin: enabled, ...target });
      return Promise.resolve();
    },
    isEnabled() {
      return Promise.resolve(loginItems.getLoginItemSettings(target).openAtLogin);
    },
  };
}

export function createAutostart(deps: AutostartDeps): Autostart {
  if (deps.platform === 'darwin' || deps.platform === 'win32') {
    if (!deps.loginItems) throw new Error('Launch at login needs Electron login items on this system.');
    return loginItemAutostart(deps.loginItems, deps.platform, deps.command);
  }
  return linuxAutostart(linuxAutostartPath(deps.env, deps.homeDir), deps.command);
}
