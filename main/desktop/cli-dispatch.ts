// Which program a launch of Hark's own executable is: the `hark` command line (speak, voices, serve,
// help, --help, --version, --log-path) or the tray app. The deb's /usr/bin/hark (build/linux/hark)
// applies the same rule itself and runs the command line as plain Node (ELECTRON_RUN_AS_NODE); this
// covers the launches that reach the executable directly: the AppImage, Hark.exe, Hark.app.
// A command-line launch runs the CLI in this process and exits: no tray, no window, and the
// single-instance lock is neither taken nor asked, so nothing is handed to a running Hark.

/** Top-level options of the command line; any other leading option belongs to the desktop app. */
export const CLI_FLAGS: readonly string[] = ['--help', '-h', '--version', '-V', '--log-path'];

/** Switches a launcher may put before the user's arguments (the AppImage's AppRun adds --no-sandbox). */
const LAUNCHER_SWITCHES: ReadonlySet<string> = new Set(['--no-sandbox']);

export type LaunchMode = { kind: 'app' } | { kind: 'cli'; args: string[] };

/** The user's arguments: packaged, argv is [executable, ...]; in development [electron, app folder, ...]. */
export function userArguments(argv: readonly string[], defaultApp: boolean): string[] {
  return argv.slice(defaultApp ? 2 : 1);
}

/**
 * A word first (`speak`, `voices`, a mistyped command, which the CLI then explains) or a top-level
 * CLI option means the command line. Nothing, or a desktop flag (--read-selection, --stop, ...),
 * or a platform's own switch (macOS's -psn_...) means the app.
 */
export function isCommandLine(first: string | undefined): boolean {
  if (first === undefined || first === '') return false;
  return CLI_FLAGS.includes(first) || !first.startsWith('-');
}

export function launchModeFor(argv: readonly string[], defaultApp: boolean): LaunchMode {
  const args = userArguments(argv, defaultApp);
  let start = 0;
  while (start < args.length && LAUNCHER_SWITCHES.has(args[start] as string)) start++;
  return isCommandLine(args[start]) ? { kind: 'cli', args: args.slice(start) } : { kind: 'app' };
}

export interface CliModule {
  /** Runs one command line and sets process.exitCode (main/cli.ts). */
  main(argv: readonly string[]): Promise<void>;
}

export interface CliInAppDeps {
  /** The slice of Electron's app needed: ending the process at once (it never ends by itself). */
  app: { exit(code: number): void };
  loadCli(): Promise<CliModule>;
  /** The process whose exit status the CLI sets and whose output is flushed before exiting. */
  process: Pick<NodeJS.Process, 'exitCode' | 'stdout' | 'stderr'>;
}

function flushed(stream: NodeJS.WritableStream): Promise<void> {
  // A zero-length write calls back once everything written before it is handed to the OS.
  return new Promise((done) => {
    try {
      stream.write('', () => done());
    } catch {
      done();
    }
  });
}

function exitStatus(code: NodeJS.Process['exitCode']): number {
  const status = Number(code ?? 0);
  return Number.isInteger(status) ? status : 1;
}

/** Runs the command line inside the app's main process, then ends the process with its status. */
export async function runCliInApp(args: readonly string[], deps: CliInAppDeps): Promise<void> {
  let status: number;
  try {
    const cli = await deps.loadCli();
    await cli.main(args);
    status = exitStatus(deps.process.exitCode);
  } catch (error) {
    deps.process.stderr.write(`hark: ${error instanceof Error ? error.message : String(error)}\n`);
    status = 1;
  }
  await Promise.all([flushed(deps.process.stdout), flushed(deps.process.stderr)]);
  deps.app.exit(status);
}
