// One Hark per user. A second launch hands its command to the running instance through Electron's
// single-instance lock and quits: `hark --read-selection | --read-clipboard | --stop |
// --toggle-pause` is how desktop shortcuts reach Hark where global hotkeys do not fire (Wayland),
// with no network port involved. The command travels twice: in additionalData (exact) and in argv
// (which Chromium may reorder and extend with its own switches); additionalData wins.
import type { HotkeyAction } from '../../shared/settings-schema';

export const INSTANCE_COMMANDS = [
  'read-selection',
  'read-clipboard',
  'stop',
  'toggle-pause',
  'previous-sentence',
  'next-sentence',
  'speed-up',
  'speed-down',
] as const;
export type InstanceCommand = (typeof INSTANCE_COMMANDS)[number];

/** Each command does what the hotkey (and tray item) of the same name does. */
const COMMAND_ACTIONS: Readonly<Record<InstanceCommand, HotkeyAction>> = {
  'read-selection': 'readSelection',
  'read-clipboard': 'readClipboard',
  'toggle-pause': 'pauseResume',
  stop: 'stop',
  'previous-sentence': 'previousSentence',
  'next-sentence': 'nextSentence',
  'speed-up': 'speedUp',
  'speed-down': 'speedDown',
};

export function actionForCommand(command: InstanceCommand): HotkeyAction {
  return COMMAND_ACTIONS[command];
}

/** What the running instance is asked to do. 'activate': Hark was launched again without a command. */
export type InstanceRequest = { kind: 'command'; command: InstanceCommand } | { kind: 'activate' };

/**
 * When one launch carries several commands, the most cautious wins (argv order is not reliable):
 * stopping beats pausing beats starting to read.
 */
const PRIORITY: readonly InstanceCommand[] = [
  'stop',
  'toggle-pause',
  'previous-sentence',
  'next-sentence',
  'speed-down',
  'speed-up',
  'read-clipboard',
  'read-selection',
];

/** The command among `argv`; every other argument (executable, app path, Chromium switches) is ignored. */
export function parseInstanceCommand(argv: readonly string[]): InstanceCommand | undefined {
  // Chromium treats switch names case-insensitively on Windows; so do we, everywhere.
  const given = new Set(argv.map((arg) => arg.trim().toLowerCase()));
  return PRIORITY.find((command) => given.has(`--${command}`));
}

function isInstanceCommand(value: unknown): value is InstanceCommand {
  return typeof value === 'string' && (INSTANCE_COMMANDS as readonly string[]).includes(value);
}

/** The command a second instance put in its additionalData, checked as untrusted input. */
export function commandFromAdditionalData(data: unknown): InstanceCommand | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const command = (data as { command?: unknown }).command;
  return isInstanceCommand(command) ? command : undefined;
}

export function requestFor(command: InstanceCommand | undefined): InstanceRequest {
  return command ? { kind: 'command', command } : { kind: 'activate' };
}

/** The slice of Electron's app the lock needs. */
export interface SingleInstanceAppLike {
  requestSingleInstanceLock(additionalData?: Record<string, unknown>): boolean;
  on(
    event: 'second-instance',
    listener: (event: unknown, argv: string[], workingDirectory: string, additionalData: unknown) => void,
  ): unknown;
}

export interface SingleInstance {
  /** false: another Hark is running and has been handed this launch's command; quit now. */
  readonly primary: boolean;
  /**
   * Receives the requests: first the command this instance was started with (if any), then one per
   * later launch. Requests that arrive before a handler is set wait for it (they can come in while
   * the app is still setting up).
   */
  onRequest(handler: (request: InstanceRequest) => void): void;
}

/** Takes the lock, or hands this launch's command to the instance that holds it. */
export function claimSingleInstance(app: SingleInstanceAppLike, argv: readonly string[]): SingleInstance {
  const startupCommand = parseInstanceCommand(argv);
  const primary = app.requestSingleInstanceLock(startupCommand ? { command: startupCommand } : {});
  const waiting: InstanceRequest[] = startupCommand ? [requestFor(startupCommand)] : [];
  let handler: ((request: InstanceRequest) => void) | undefined;

  const deliver = (request: InstanceRequest): void => {
    if (handler) handler(request);
    else waiting.push(request);
  };

  if (primary) {
    app.on('second-instance', (_event, secondArgv, _cwd, additionalData) => {
      deliver(requestFor(commandFromAdditionalData(additionalData) ?? parseInstanceCommand(secondArgv)));
    });
  }

  return {
    primary,
    onRequest(next) {
      handler = next;
      for (const request of waiting.splice(0)) next(request);
    },
  };
}
