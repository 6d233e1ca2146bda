// `hark serve`: the offline voice as a stream-input server on loopback, for other programs.
import { startStreamServer } from '../engine/stream-server';
import type { RunningStreamServer } from '../engine/stream-server';
import type { ServeOptions } from './args';
import type { CliContext } from './context';
import { CliError, EXIT_OK } from './errors';
import { DEFAULT_OUTPUT_FORMAT, parseOutputFormat } from '../../shared/protocol';
import type { FormatInfo } from '../../shared/protocol';

const DEFAULT_FORMAT = parseOutputFormat(DEFAULT_OUTPUT_FORMAT) as FormatInfo;

/** Open sockets get this long to close before we give up on a clean stop. */
const CLOSE_TIMEOUT_MS = 5_000;

function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

async function start(options: ServeOptions): Promise<RunningStreamServer> {
  try {
    return await startStreamServer({
      host: '127.0.0.1',
      port: options.port,
      token: options.token,
      // Other programs mostly ask for the API's default format: have it warm before saying ready.
      warmUpFormats: [DEFAULT_FORMAT],
    });
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code === 'EADDRINUSE') {
      throw new CliError(
        `port ${options.port} is already in use (pick another --port, or 0 for any free port)`,
      );
    }
    throw error;
  }
}

async function closeWithin(server: RunningStreamServer, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  await Promise.race([server.close(), timeout]);
  clearTimeout(timer);
}

/** Prints ONE JSON line when ready, then serves until SIGINT/SIGTERM, then closes every socket. */
export async function serveCommand(options: ServeOptions, ctx: CliContext): Promise<number> {
  const server = await start(options);
  try {
    if (!ctx.signal.aborted) {
      const ready = { url: server.url, token: server.token, port: server.port };
      ctx.stdout.write(`${JSON.stringify(ready)}\n`);
    }
    await untilAborted(ctx.signal);
  } finally {
    await closeWithin(server, CLOSE_TIMEOUT_MS);
  }
  return EXIT_OK;
}
