// `npm run dev:web`: the real renderer in a browser, against the real services. Starts what the
// Electron main process would (settings, history, keychain, offline voice, reading controller), serves
// it over the loopback bridge (main/app/bridge-server.ts), and starts Vite for renderer/ with the
// bridge proxied on the page's own origin. Prints the page URL with the per-run token in the fragment.
//
//   npm run dev:web -- [--data DIR] [--port 5173]
//
// DIR holds settings.json and the history (default: a `hark-dev-web` folder in the temp directory,
// or $HARK_DATA_DIR), so a dev session never touches the installed app's data. There is no selection
// capture outside Electron: "read selection" reads the clipboard. Exports go to DIR/exports.
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BRIDGE_PATH } from '../shared/contract';
import { startBridgeServer } from '../main/app/bridge-server';
import type { RunningBridge } from '../main/app/bridge-server';
import { startHeadlessApp } from '../main/app/headless';
import { readClipboard } from '../main/cli/clipboard';
import { createRedactingLogger } from '../main/store/redact';
import type { Logger } from '../main/store/redact';
import { createSecretStore } from '../main/store/secrets';

const ROOT = resolve(__dirname, '..');
const DEFAULT_VITE_PORT = 5173;

interface DevWebOptions {
  dataDir: string;
  vitePort: number;
}

function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv): DevWebOptions {
  const options: DevWebOptions = {
    dataDir: env.HARK_DATA_DIR || join(tmpdir(), 'hark-dev-web'),
    vitePort: DEFAULT_VITE_PORT,
  };
  for (let i = 0; i < argv.length; i += 1) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === '--data' && value) options.dataDir = resolve(value);
    else if (flag === '--port' && value && /^\d+$/.test(value)) options.vitePort = Number(value);
    else throw new Error(`Unknown argument "${flag}". Usage: npm run dev:web -- [--data DIR] [--port N]`);
    i += 1;
  }
  return options;
}

interface ViteHandle {
  origin: string;
  close(): Promise<void>;
}

/** Vite for renderer/, like electron-vite's renderer build, with the bridge on the same origin. */
async function startVite(port: number, bridge: RunningBridge): Promise<ViteHandle> {
  // ESM-only packages: loaded with import() from this CommonJS project.
  const { createServer } = await import('vite');
  const { svelte } = await import('@sveltejs/vite-plugin-svelte');
  const server = await createServer({
    configFile: false,
    root: join(ROOT, 'renderer'),
    plugins: [svelte({ configFile: join(ROOT, 'svelte.config.mjs') })],
    clearScreen: false,
    // The renderer's only dependency is Svelte, which is plain ESM: serving it as it is avoids the
    // dependency optimiser, whose first run reloads every open page (a player page mid-reading too).
    optimizeDeps: { noDiscovery: true, include: [] },
    server: {
      host: '127.0.0.1',
      port,
      strictPort: false,
      // changeOrigin gives the bridge the Host it expects; the page's Origin header passes unchanged.
      proxy: { [BRIDGE_PATH]: { target: `ws://127.0.0.1:${bridge.port}`, ws: true, changeOrigin: true } },
    },
  });
  await server.listen();
  const address = server.httpServer?.address() as AddressInfo | null;
  if (!address) throw new Error('Vite did not start listening.');
  return { origin: `http://127.0.0.1:${address.port}`, close: () => server.close() };
}

function consoleLogger(secrets: () => readonly string[]): Logger {
  return createRedactingLogger((level, line) => {
    if (level === 'error' || level === 'warn') console.error(`[${level}] ${line}`);
    else console.log(`[${level}] ${line}`);
  }, secrets);
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2), process.env);
  const secrets = createSecretStore();
  const log = consoleLogger(() => secrets.knownSecrets());
  const clipboard = (): Promise<string> => readClipboard(process.env, AbortSignal.timeout(10_000));
  const app = await startHeadlessApp({ dataDir: options.dataDir, log, secrets, readClipboard: clipboard });
  const { services, player } = app;
  const bridge = await startBridgeServer({
    services,
    log,
    onPlayerConnect: (channel) => player.attach(channel),
  });
  const vite = await startVite(options.vitePort, bridge);
  bridge.allowOrigin(vite.origin);

  console.log(`\nHark in the browser: ${vite.origin}/#token=${bridge.token}`);
  console.log(`Data folder: ${options.dataDir}   (Ctrl+C to stop)\n`);

  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await vite.close();
    await bridge.close();
    await app.close();
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      stop().then(
        () => process.exit(0),
        (error: unknown) => {
          console.error('Shutting down failed:', error);
          process.exit(1);
        },
      );
    });
  }
}

main().catch((error: unknown) => {
  console.error('dev:web could not start:', error);
  process.exit(1);
});
