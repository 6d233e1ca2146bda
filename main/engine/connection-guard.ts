// What the two loopback WebSocket servers (the offline stream server and the dev bridge) allow a
// caller that has not yet proved it holds the token: small frames, little time, and a bounded
// number of sockets. Anyone on the computer can open a socket; only the token earns more.
import type { ServerOptions } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';

/**
 * The largest frame read before the token is checked. A first message (`{"text":" ", xi_api_key…}`)
 * or a token frame is a few hundred bytes; `ws` refuses a larger frame with 1009 as soon as its
 * header announces the length, before buffering any of it.
 */
export const PRE_AUTH_MAX_FRAME_BYTES = 64 * 1024;
/** A caller that has not presented its token by then is cut off (HTTP headers included). */
export const DEFAULT_AUTH_TIMEOUT_MS = 10_000;
/** Open WebSockets per server; a handshake beyond them is refused with 503. */
export const DEFAULT_MAX_CONNECTIONS = 32;
/** Sockets still in their HTTP request count too, up to this many times the WebSocket cap. */
const TCP_HEADROOM = 2;

/**
 * Options for the HTTP server underneath: a request must arrive whole within the deadline (Node
 * answers 408 and closes), checked often enough for the deadline to hold. Upgraded sockets leave
 * these checks; their own deadline is the first-message one.
 */
export function httpServerLimits(authTimeoutMs: number): ServerOptions {
  return {
    headersTimeout: authTimeoutMs,
    requestTimeout: authTimeoutMs,
    connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(authTimeoutMs / 2))),
  };
}

/** Bounds the raw TCP sockets of a server whose WebSockets are capped at maxConnections. */
export function tcpConnectionLimit(maxConnections: number): number {
  return maxConnections * TCP_HEADROOM;
}

/** Answers a handshake that will not be upgraded with a small JSON body, then ends the socket. */
export function refuseUpgrade(socket: Duplex, status: number, statusText: string, message: string): void {
  const body = JSON.stringify({ detail: { status: statusText.toLowerCase().replace(/ /g, '_'), message } });
  socket.end(
    `HTTP/1.1 ${status} ${statusText}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** The 503 for a handshake over the cap. */
export function refuseOverCapacity(socket: Duplex, maxConnections: number): void {
  refuseUpgrade(
    socket,
    503,
    'Service Unavailable',
    `This server already has ${maxConnections} open connections; close one and try again.`,
  );
}

interface FrameReader {
  _maxPayload?: unknown;
}

/**
 * Lets an authenticated socket read frames up to maxBytes. `ws` takes its limit once per server
 * (maxPayload) and offers no per-socket setting, so this sets the one field its frame reader checks
 * on every frame header. Must run synchronously in the message handler: `ws` reads the next frame
 * header as soon as the handler returns. Should a `ws` update move the field, the socket keeps the
 * small limit (safe, and the tests reading large authenticated frames fail).
 */
export function allowLargeFrames(socket: WebSocket, maxBytes: number): void {
  const reader = (socket as unknown as { _receiver?: FrameReader })._receiver;
  if (reader !== undefined && typeof reader._maxPayload === 'number') reader._maxPayload = maxBytes;
}
