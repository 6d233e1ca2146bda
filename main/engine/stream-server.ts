// The offline voice behind an ElevenLabs-compatible `stream-input` WebSocket server (`hark serve`, and
// the app's offline engine). Loopback only, token required, browser origins refused.
//
// Where this server differs from (or pins down) the ElevenLabs behaviour, on purpose:
// - Handshakes are refused with HTTP 403 when they carry an `Origin` header (web pages), and with 404
//   for any other path. Everything else is answered in-band after the handshake, as ElevenLabs does:
//   `{"message","error","code"}` then a close with that code and the message (cut to 123 bytes).
// - Authentication: `xi-api-key` or `authorization: Bearer` header (or `authorization` query), else
//   the first message's `xi_api_key` / `xi-api-key` / `authorization`. Checked before anything else.
// - Until authenticated: a frame over 64 KiB -> 1009; no token within 10 s -> `authentication_required`
//   + 1008 (an HTTP request not complete by then -> 408). More than 32 open sockets -> HTTP 503.
// - An unknown voice id is accepted at the handshake and then answered with ElevenLabs' socket code
//   `voice_id_does_not_exist` + 1008 once the first message arrives (the same in-band path as a bad key).
// - Unsupported `output_format` (Opus) -> `unsupported_format` + 1008; malformed query values ->
//   `invalid_request` + 1008; an engine failure -> `engine_failed` + 1011 (an internal error).
// - `normalizedAlignment` equals `alignment`: the offline voice speaks the text as written.
// - Alignment covers exactly the text sent, whitespace included, except the BOS/keep-alive `" "`
//   messages and whitespace still buffered at the end of input (nothing to speak).
// - The inactivity timer runs only while the server waits for text, not while it is generating.
// - Later `generation_config` values are ignored (the first message's schedule holds); voice
//   settings other than `speed` (clamped to 0.7-1.2) have no effect on the offline voice.
// - Generation rules (schedule, flush, try_trigger_generation, auto_mode): see generation-buffer.ts.
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { FormatInfo } from '../../shared/protocol';
import {
  DEFAULT_AUTH_TIMEOUT_MS,
  DEFAULT_MAX_CONNECTIONS,
  PRE_AUTH_MAX_FRAME_BYTES,
  httpServerLimits,
  refuseOverCapacity,
  refuseUpgrade,
  tcpConnectionLimit,
} from './connection-guard';
import { EncoderPool } from './encoders';
import { OFFLINE_SAMPLE_RATE, OfflineVoice } from './offline-voice';
import { credentialFromRequest, generateToken, isBrowserRequest } from './server-auth';
import { handleHttpRequest } from './server-http';
import { StreamConnection } from './stream-connection';
import { matchStreamPath, parseStreamQuery } from './stream-request';
import { listen } from './listen';

export interface StreamServerOptions {
  /** Loopback only: '127.0.0.1' (default), '::1' or 'localhost'; anything else throws. */
  host?: string;
  /** 0 = any free port (default). */
  port?: number;
  /** Generated (random, URL-safe) when absent. */
  token?: string;
  /** Shared engine; created (and closed with the server) when absent. */
  voice?: OfflineVoice;
  /**
   * When given, the server resolves only once the engine is loaded and an encoder for each of these
   * formats is compiled and ready, so no client waits for start-up (`hark serve` uses this).
   */
  warmUpFormats?: readonly FormatInfo[];
  /** A caller that has not presented the token by then is cut off (1008, or 408 mid-request). 10 s. */
  authTimeoutMs?: number;
  /** Open WebSockets at once; one more handshake is refused with 503. Default 32. */
  maxConnections?: number;
}

export interface RunningStreamServer {
  /** 'http://127.0.0.1:PORT': the base URL a client is given. */
  readonly url: string;
  readonly port: number;
  /** Presented as the API key: `xi-api-key` header or the first message's `xi_api_key`. */
  readonly token: string;
  /** Closes every socket and the engine it owns. */
  close(): Promise<void>;
}

/**
 * Larger WebSocket messages from an authenticated client are refused with close code 1009 (clients
 * send text a little at a time). Before authentication the limit is PRE_AUTH_MAX_FRAME_BYTES.
 */
export const MAX_MESSAGE_BYTES = 1024 * 1024;
/** How long close() waits for clients to answer the closing handshake before cutting them off. */
const CLOSE_GRACE_MS = 1000;

const LOOPBACK_HOSTS: Record<string, { listen: string; urlHost: string }> = {
  '127.0.0.1': { listen: '127.0.0.1', urlHost: '127.0.0.1' },
  localhost: { listen: '127.0.0.1', urlHost: '127.0.0.1' },
  '::1': { listen: '::1', urlHost: '[::1]' },
  '[::1]': { listen: '::1', urlHost: '[::1]' },
};

function loopbackHost(host: string): { listen: string; urlHost: string } {
  const known = LOOPBACK_HOSTS[host];
  if (!known) {
    throw new Error(
      `The offline server only listens on loopback (127.0.0.1, ::1 or localhost), not on "${host}": it speaks for anyone who can reach it.`,
    );
  }
  return known;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

export async function startStreamServer(options: StreamServerOptions = {}): Promise<RunningStreamServer> {
  const host = loopbackHost(options.host ?? '127.0.0.1');
  const token = options.token ?? generateToken();
  const ownsVoice = options.voice === undefined;
  const voice = options.voice ?? new OfflineVoice();
  const encoders = new EncoderPool(OFFLINE_SAMPLE_RATE);
  const connections = new Set<StreamConnection>();
  const authTimeoutMs = options.authTimeoutMs ?? DEFAULT_AUTH_TIMEOUT_MS;
  const maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  // Every socket starts with the small limit; a connection raises its own once authenticated.
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: PRE_AUTH_MAX_FRAME_BYTES,
    perMessageDeflate: false,
    clientTracking: false,
  });

  const server = createServer(
    httpServerLimits(authTimeoutMs),
    (req, res) => void handleHttpRequest(req, res, { token, voice }),
  );
  server.maxConnections = tcpConnectionLimit(maxConnections);
  let stopping = false;
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    if (stopping) return refuseUpgrade(socket, 503, 'Service Unavailable', 'The server is shutting down.');
    if (connections.size >= maxConnections) return refuseOverCapacity(socket, maxConnections);
    if (isBrowserRequest(req.headers)) {
      return refuseUpgrade(
        socket,
        403,
        'Forbidden',
        'Connections from web pages are not accepted by this server.',
      );
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const voiceId = matchStreamPath(url.pathname);
    if (voiceId === undefined) {
      return refuseUpgrade(
        socket,
        404,
        'Not Found',
        `No WebSocket endpoint at ${url.pathname}; use /v1/text-to-speech/{voice_id}/stream-input.`,
      );
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const connection = new StreamConnection({
        socket: ws,
        voice,
        encoders,
        voiceId,
        token,
        query: parseStreamQuery(url.searchParams),
        headerCredential: credentialFromRequest(req.headers, url.searchParams),
        authTimeoutMs,
        maxMessageBytes: MAX_MESSAGE_BYTES,
      });
      connections.add(connection);
      void connection.whenClosed().then(() => connections.delete(connection));
    });
  });

  let port: number;
  try {
    port = await listen(server, options.port ?? 0, host.listen);
  } catch (error) {
    if (ownsVoice) await voice.close();
    throw error;
  }
  // After listen() succeeded, socket-level errors are per connection; none may crash the process.
  server.on('error', () => undefined);
  // The engine takes a moment to load; start it now so the first request speaks at once.
  if (options.warmUpFormats) {
    await Promise.all([
      voice.warmUp(),
      ...options.warmUpFormats.map((format) => encoders.prepare(format)),
    ]).catch(async (error: unknown) => {
      encoders.close();
      await closeServer(server);
      if (ownsVoice) await voice.close();
      throw error;
    });
  } else if (ownsVoice) voice.warmUp().catch(() => undefined);

  let closing: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    stopping = true;
    const httpClosed = closeServer(server);
    const open = [...connections];
    for (const connection of open) connection.shutDown();
    const grace = setTimeout(() => open.forEach((connection) => connection.terminate()), CLOSE_GRACE_MS);
    await Promise.all(open.map((connection) => connection.whenClosed()));
    clearTimeout(grace);
    server.closeAllConnections();
    await httpClosed;
    wss.close();
    encoders.close();
    if (ownsVoice) await voice.close();
  };

  return {
    url: `http://${host.urlHost}:${port}`,
    port,
    token,
    close: () => (closing ??= close()),
  };
}
