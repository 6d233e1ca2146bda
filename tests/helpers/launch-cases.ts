// Which launches of Hark are the command line and which the tray app: one table for the executable's
// own rule (main/desktop/cli-dispatch.ts) and the deb's /usr/bin/hark launcher (build/linux/hark).
export type LaunchKind = 'cli' | 'app';

export const LAUNCH_CASES: ReadonlyArray<{ args: string[]; kind: LaunchKind }> = [
  { args: [], kind: 'app' },
  { args: ['speak', 'Hello'], kind: 'cli' },
  { args: ['speak', '--engine', 'offline', '--out', 'x.wav', 'Hello'], kind: 'cli' },
  { args: ['speak', '-'], kind: 'cli' },
  { args: ['voices', '--json'], kind: 'cli' },
  { args: ['serve', '--port', '0'], kind: 'cli' },
  { args: ['help', 'speak'], kind: 'cli' },
  { args: ['--help'], kind: 'cli' },
  { args: ['-h'], kind: 'cli' },
  { args: ['--version'], kind: 'cli' },
  { args: ['-V'], kind: 'cli' },
  { args: ['--log-path'], kind: 'cli' },
  // A mistyped command goes to the CLI, which says what the commands are.
  { args: ['spek', 'Hello'], kind: 'cli' },
  // The desktop flags reach the running Hark through the single-instance lock.
  { args: ['--read-selection'], kind: 'app' },
  { args: ['--stop'], kind: 'app' },
  { args: ['--toggle-pause'], kind: 'app' },
  // A command line that mentions a desktop flag is still a command line, never handed over.
  { args: ['speak', '--stop'], kind: 'cli' },
  { args: ['speak', '--', '--read-selection'], kind: 'cli' },
  // Switches the platform or Chromium put on a launch.
  { args: ['-psn_0_12345'], kind: 'app' },
  { args: ['--enable-logging'], kind: 'app' },
  { args: [''], kind: 'app' },
];
