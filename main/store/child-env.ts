// The environment Hark gives the programs it starts (audio players, clipboard and selection tools,
// the copy keystroke). Hark's own environment may hold ELEVENLABS_API_KEY or other secrets, and a
// child needs none of them, so children get an allowlist: what finds programs and libraries, reaches
// the user's display, sound server and session bus, and sets the language. Anything not named here is
// left out, whatever it is called.

/** Variables passed on by exact name (compared without case: Windows spells PATH as "Path"). */
const NAMES: ReadonlySet<string> = new Set(
  [
    // Finding programs, the user's files and temporary space.
    'PATH',
    'PATHEXT',
    'HOME',
    'USER',
    'LOGNAME',
    'TMPDIR',
    'TMP',
    'TEMP',
    'TZ',
    'LANG',
    'LANGUAGE',
    // The display and the session (X11, Wayland, D-Bus).
    'DISPLAY',
    'XAUTHORITY',
    'WAYLAND_DISPLAY',
    'XDG_RUNTIME_DIR',
    'XDG_SESSION_TYPE',
    'XDG_CURRENT_DESKTOP',
    'XDG_CONFIG_HOME',
    'XDG_CONFIG_DIRS',
    'XDG_DATA_HOME',
    'XDG_DATA_DIRS',
    'XDG_CACHE_HOME',
    'DBUS_SESSION_BUS_ADDRESS',
    // Sound: OSS/sndio device names.
    'AUDIODEV',
    // Windows: the system folders, the user's profile and PowerShell's modules (Get-Clipboard).
    'SYSTEMROOT',
    'SYSTEMDRIVE',
    'WINDIR',
    'COMSPEC',
    'USERPROFILE',
    'USERNAME',
    'USERDOMAIN',
    'HOMEDRIVE',
    'HOMEPATH',
    'APPDATA',
    'LOCALAPPDATA',
    'PROGRAMDATA',
    'PROGRAMFILES',
    'PROGRAMFILES(X86)',
    'PROGRAMW6432',
    'COMMONPROGRAMFILES',
    'COMMONPROGRAMFILES(X86)',
    'PSMODULEPATH',
    'NUMBER_OF_PROCESSORS',
    'PROCESSOR_ARCHITECTURE',
    'OS',
    // macOS: the text encoding CoreFoundation programs (osascript, pbpaste) expect.
    '__CF_USER_TEXT_ENCODING',
  ].map((name) => name.toUpperCase()),
);

/** Families passed on by prefix: locale categories and the sound stacks' own settings. */
const PREFIXES: readonly string[] = ['LC_', 'PULSE_', 'PIPEWIRE_', 'ALSA_', 'SDL_'];

/** True when a child process may see the variable `name`. */
export function isPassedToChildren(name: string): boolean {
  const upper = name.toUpperCase();
  return NAMES.has(upper) || PREFIXES.some((prefix) => upper.startsWith(prefix));
}

/** The part of `env` a child process gets. A new object: `env` is left as it is. */
export function childEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const kept: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && isPassedToChildren(name)) kept[name] = value;
  }
  return kept;
}
