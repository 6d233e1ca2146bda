// The real renderer, served by Vite the way `npm run dev:web` serves it, with the loopback bridge
// proxied on the page's own origin; started inside the test process so a test can reach the services.
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { BRIDGE_PATH } from '../../shared/contract';
import type { Logger } from 'vite';
import type { RunningBridge } from '../../main/app/bridge-server';

const ROOT = resolve(__dirname, '../..');

export interface RendererServer {
  /** 'http://127.0.0.1:PORT' */
  origin: string;
  /** The page for a view, with the bridge token in the fragment (it never reaches a server). */
  pageUrl(view: string): string;
  close(): Promise<void>;
}

/** A page that goes away resets its bridge socket under the proxy: that is no error. */
function quietAboutClosedPages(logger: Logger): Logger {
  const error = logger.error.bind(logger);
  logger.error = (message, options) => {
    if ((options?.error as { code?: unknown } | undefined)?.code !== 'ECONNRESET') error(message, options);
  };
  return logger;
}

export async function startRendererServer(bridge: RunningBridge): Promise<RendererServer> {
  // ESM-only packages: loaded with import() from this CommonJS project.
  const { createLogger, createServer } = await import('vite');
  const { svelte } = await import('@sveltejs/vite-plugin-svelte');
  const server = await createServer({
    configFile: false,
    root: join(ROOT, 'renderer'),
    plugins: [svelte({ configFile: join(ROOT, 'svelte.config.mjs') })],
    clearScreen: false,
    customLogger: quietAboutClosedPages(createLogger('warn')),
    server: {
      host: '127.0.0.1',
      port: 0,
      hmr: false,
      proxy: { [BRIDGE_PATH]: { target: `ws://127.0.0.1:${bridge.port}`, ws: true, changeOrigin: true } },
    },
  });
  await server.listen();
  const address = server.httpServer?.address() as AddressInfo | null;
  if (!address) throw new Error('Vite did not start listening.');
  const origin = `http://127.0.0.1:${address.port}`;
  bridge.allowOrigin(origin);
  return {
    origin,
    pageUrl: (view) => `${origin}/?view=${view}#token=${encodeURIComponent(bridge.token)}`,
    close: () => server.close(),
  };
}
