// The app side of the time-to-sound bench (bench/time-to-sound.ts), run as its own process so that the
// bench's certificate can be trusted from the start (NODE_EXTRA_CA_CERTS is read only then). It
// starts Hark's services as main/app/headless.ts does (real settings and history in a temporary
// folder; the key in a secret store whose keychain is a map in memory), the dev bridge, and a small
// page server for the built renderer (out/renderer) with the bridge on the page's own origin, so the
// real player page in Chromium plays what the headless ChannelPlayer sends.
//
// The selection capture stands in for the desktop's: it waits CAPTURE_MS (a simulated Ctrl+C and
// clipboard read), notes when it is done, and gives the text the bench asked to be read.
//
// Commands come over the IPC channel (see TimeToSoundCommand); every time is performance.timeOrigin
// + performance.now() on this process's clock, which the bench maps onto its own.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { connect as tcpConnect } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { BRIDGE_PATH } from '../shared/contract';
import type { PlayerChannel, Result, ReadOutcome, SettingsUpdate } from '../shared/contract';
import { startBridgeServer } from '../main/app/bridge-server';
import { startHeadlessApp } from '../main/app/headless';
import type { AppState } from '../main/app/reading-types';
import { createRedactingLogger } from '../main/store/redact';
import { createSecretStore } from '../main/store/secrets';
import type { KeychainBackend } from '../main/store/secrets';

export type TimeToSoundCommand =
  | { id: number; kind: 'clock' }
  | { id: number; kind: 'settings'; patch: Record<string, unknown> }
  /** Calls services.readSelection(), as the hotkey does; the capture gives `text`. */
  | { id: number; kind: 'read'; text: string }
  /** When the last reading's first chunk went to the player page. */
  | { id: number; kind: 'timings' }
  /** Stops the reading and answers once the app is idle. */
  | { id: number; kind: 'stop' }
  /** Answers once the reading has ended by itself. */
  | { id: number; kind: 'idle' }
  | { id: number; kind: 'close' };

export interface ReadTimes {
  /** Just before services.readSelection() was called. */
  triggeredAt: number;
  /** The capture handed its text over. */
  capturedAt: number;
  result: Result<ReadOutcome>;
}

export type TimeToSoundReply =
  | { kind: 'ready'; pageUrl: string }
  | { kind: 'log'; line: string }
  | { id: number; kind: 'clock'; at: number }
  | { id: number; kind: 'settings'; result: Result<SettingsUpdate> }
  | ({ id: number; kind: 'read' } & ReadTimes)
  | { id: number; kind: 'timings'; firstChunkAt: number | undefined }
  | { id: number; kind: 'stop' | 'idle'; state: AppState['kind'] }
  | { id: number; kind: 'close' }
  | { id: number; kind: 'failed'; message: string };

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

const IDLE_TIMEOUT_MS = 25_000;

function clock(): number {
  return performance.timeOrigin + performance.now();
}

function send(reply: TimeToSoundReply): void {
  process.send?.(reply);
}

function option(name: string): string {
  const index = process.argv.indexOf(`--${name}`);
  const value = index === -1 ? undefined : process.argv[index + 1];
  if (value === undefined) throw new Error(`--${name} is required`);
  return value;
}

/** A keychain that is a map: the secret store around it is the app's own. */
function memoryKeychain(): KeychainBackend {
  const entries = new Map<string, string>();
  return {
    getPassword: async (service, account) => entries.get(`${service}/${account}`) ?? null,
    setPassword: async (service, account, password) => void entries.set(`${service}/${account}`, password),
    deletePassword: async (service, account) => entries.delete(`${service}/${account}`),
  };
}

/** The player channel as the bridge made it, noting when a reading's first chunk is posted. */
function timedChannel(channel: PlayerChannel, onChunk: () => void): PlayerChannel {
  return {
    get connected() {
      return channel.connected;
    },
    post: (message) => {
      if (message.type === 'chunk') onChunk();
      channel.post(message);
    },
    onMessage: (listener) => channel.onMessage(listener),
    onClose: (listener) => channel.onClose(listener),
    close: () => channel.close(),
  };
}

/** Serves the built renderer; only files inside `root`. */
async function serveFile(root: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  const file = normalize(join(root, path === '/' ? 'index.html' : path));
  if (!file.startsWith(root + sep)) {
    response.writeHead(404).end();
    return;
  }
  try {
    const body = await readFile(file);
    response.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' });
    response.end(body);
  } catch {
    response.writeHead(404).end();
  }
}

/** Hands a page's bridge handshake to the bridge as it came, with the Host the bridge expects. */
function forwardUpgrade(bridgePort: number, request: IncomingMessage, socket: Duplex, head: Buffer): void {
  if (!(request.url ?? '').startsWith(BRIDGE_PATH)) {
    socket.destroy();
    return;
  }
  const bridge = tcpConnect({ port: bridgePort, host: '127.0.0.1', noDelay: true }, () => {
    const lines = [`${request.method} ${request.url} HTTP/${request.httpVersion}`];
    for (let i = 0; i < request.rawHeaders.length; i += 2) {
      const name = request.rawHeaders[i] as string;
      const value = name.toLowerCase() === 'host' ? `127.0.0.1:${bridgePort}` : request.rawHeaders[i + 1];
      lines.push(`${name}: ${value}`);
    }
    bridge.write(`${lines.join('\r\n')}\r\n\r\n`);
    if (head.length > 0) bridge.write(head);
    bridge.pipe(socket);
    socket.pipe(bridge);
  });
  const destroy = (): void => {
    bridge.destroy();
    socket.destroy();
  };
  bridge.on('error', destroy);
  socket.on('error', destroy);
}

async function main(): Promise<void> {
  const dataDir = option('data');
  const rendererDir = resolve(option('renderer'));
  const captureMs = Number(option('capture-ms'));
  const key = option('key');

  const secrets = createSecretStore({ backend: memoryKeychain() });
  await secrets.setKey(key);
  const log = createRedactingLogger(
    (level, line) => {
      if (level === 'warn' || level === 'error') send({ kind: 'log', line: `[${level}] ${line}` });
    },
    () => secrets.knownSecrets(),
  );

  let nextText = '';
  let capturedAt = NaN;
  let firstChunkAt: number | undefined;
  const capture = async (): Promise<string> => {
    await new Promise((done) => setTimeout(done, captureMs));
    capturedAt = clock();
    return nextText;
  };

  const app = await startHeadlessApp({ dataDir, log, secrets, readClipboard: capture });
  const { services, player } = app;
  let state: AppState['kind'] = 'idle';
  const stateWaiters = new Set<() => void>();
  services.onState((next) => {
    state = next.kind;
    for (const waiter of [...stateWaiters]) waiter();
  });
  const idle = (): Promise<void> =>
    new Promise((done, fail) => {
      const timer = setTimeout(() => {
        stateWaiters.delete(check);
        fail(new Error(`the app did not go idle (state: ${state})`));
      }, IDLE_TIMEOUT_MS);
      const check = (): void => {
        if (state !== 'idle' && state !== 'error') return;
        clearTimeout(timer);
        stateWaiters.delete(check);
        done();
      };
      stateWaiters.add(check);
      check();
    });

  const bridge = await startBridgeServer({
    services,
    log,
    onPlayerConnect: (channel) => player.attach(timedChannel(channel, () => (firstChunkAt ??= clock()))),
  });
  const front = createServer((request, response) => void serveFile(rendererDir, request, response));
  front.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) =>
    forwardUpgrade(bridge.port, request, socket, head),
  );
  await new Promise<void>((done) => front.listen(0, '127.0.0.1', () => done()));
  const origin = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
  bridge.allowOrigin(origin);

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      front.closeAllConnections();
      await new Promise<void>((done) => front.close(() => done()));
      await bridge.close();
      await app.close();
    })());

  process.on('message', (command: TimeToSoundCommand) => {
    void (async () => {
      switch (command.kind) {
        case 'clock':
          return send({ id: command.id, kind: 'clock', at: clock() });
        case 'settings':
          return send({
            id: command.id,
            kind: 'settings',
            result: await services.updateSettings({ patch: command.patch }),
          });
        case 'read': {
          nextText = command.text;
          firstChunkAt = undefined;
          capturedAt = NaN;
          const triggeredAt = clock();
          const result = await services.readSelection();
          return send({ id: command.id, kind: 'read', triggeredAt, capturedAt, result });
        }
        case 'timings':
          return send({ id: command.id, kind: 'timings', firstChunkAt });
        case 'stop':
          await services.stop();
          await idle();
          return send({ id: command.id, kind: 'stop', state });
        case 'idle':
          await idle();
          return send({ id: command.id, kind: 'idle', state });
        case 'close':
          await close();
          send({ id: command.id, kind: 'close' });
          process.disconnect?.();
          return;
      }
    })().catch((error: unknown) => {
      send({ id: command.id, kind: 'failed', message: `${command.kind}: ${String(error)}` });
    });
  });
  // The bench going away takes this process with it.
  process.once('disconnect', () => void close().finally(() => process.exit(0)));
  send({ kind: 'ready', pageUrl: `${origin}/?view=player#token=${bridge.token}` });
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error('time-to-sound app:', error);
    process.exit(1);
  });
}
