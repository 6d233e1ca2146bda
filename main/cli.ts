// `hark` command line: speak, voices, serve. bin/hark.js calls main(); runCli() is the same without
// the process wiring (signals, exit status), for callers that bring their own streams.
import { homedir } from 'node:os';
import { productName, version } from '../package.json';
import { parseArgs } from './cli/args';
import type { Command } from './cli/args';
import type { CliContext } from './cli/context';
import { keysInUse } from './cli/engine';
import { describeFailure, EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_OK, isExpectedFailure } from './cli/errors';
import { helpText } from './cli/help';
import { logFilePath } from './store/log-file';
import { redactSecrets } from './store/redact';
import { homeDirOf, userDataDir } from './store/user-data-dir';

/** After SIGINT, cleanup (closing sockets, killing the player) gets this long before a hard exit. */
const INTERRUPT_GRACE_MS = 3_000;
/** After the command returns, anything still holding the event loop open gets this long. */
const EXIT_GRACE_MS = 1_000;

function execute(command: Command, ctx: CliContext): Promise<number> | number {
  switch (command.kind) {
    case 'help':
      ctx.stdout.write(helpText(command.topic));
      return EXIT_OK;
    case 'version':
      ctx.stdout.write(`hark ${version}\n`);
      return EXIT_OK;
    case 'log-path':
      ctx.stdout.write(`${appLogFile(ctx)}\n`);
      return EXIT_OK;
    // Each command's code is loaded when it runs: `hark speak` starts without the offline server's.
    case 'speak':
      return import('./cli/speak').then(({ speakCommand }) => speakCommand(command.options, ctx));
    case 'serve':
      return import('./cli/serve').then(({ serveCommand }) => serveCommand(command.options, ctx));
    case 'voices':
      return import('./cli/voices').then(({ voicesCommand }) => voicesCommand(command.options, ctx));
  }
}

/** The desktop app's log file for this user: where Electron puts its user data, then logs/hark.log. */
function appLogFile(ctx: CliContext): string {
  const homeDir = homeDirOf(ctx.platform, ctx.env, homedir);
  return logFilePath(userDataDir(productName, { platform: ctx.platform, env: ctx.env, homeDir }));
}

function reportFailure(error: unknown, ctx: CliContext): void {
  const secrets = keysInUse(ctx.env);
  ctx.stderr.write(`hark: ${redactSecrets(describeFailure(error), secrets)}\n`);
  if (!isExpectedFailure(error) && ctx.env.HARK_DEBUG === '1' && error instanceof Error) {
    ctx.stderr.write(`${redactSecrets(error.stack ?? '', secrets)}\n`);
  }
}

/** Runs one command line; resolves the exit status. Never rejects. */
export async function runCli(argv: readonly string[], ctx: CliContext): Promise<number> {
  try {
    return await execute(parseArgs(argv), ctx);
  } catch (error) {
    if (ctx.signal.aborted) return EXIT_INTERRUPTED;
    reportFailure(error, ctx);
    return EXIT_FAILURE;
  }
}

/** Process entry: wires signals, stdio and the exit status, and makes sure the process ends. */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  const interrupt = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    // A second Ctrl-C means "now".
    if (interrupt.signal.aborted) process.exit(EXIT_INTERRUPTED);
    interrupt.abort(signal);
    setTimeout(() => process.exit(EXIT_INTERRUPTED), INTERRUPT_GRACE_MS).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // `hark voices | head -1` closes our stdout early: not an error worth a trace.
  process.stdout.on('error', () => undefined);
  process.on('unhandledRejection', (reason) => {
    process.stderr.write(`hark: ${describeFailure(reason)}\n`);
    process.exit(EXIT_FAILURE);
  });
  const ctx: CliContext = {
    env: process.env,
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    signal: interrupt.signal,
    platform: process.platform,
  };
  const code = await runCli(argv, ctx);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  process.exitCode = code;
  // Normally the process ends by itself here; a straggling handle must not make it hang.
  setTimeout(() => process.exit(code), EXIT_GRACE_MS).unref();
}
