// Who may use the offline server: a caller that presents the server's token the way an ElevenLabs
// client presents its API key, from a program rather than a web page.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** A random, URL-safe token (192 bits). */
export function generateToken(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * Compares a presented token with the real one in constant time. Both sides are hashed first so the
 * comparison does not even reveal the token's length.
 */
export function tokensEqual(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

const BEARER = 'bearer';

/**
 * `Bearer <token>` (any case, extra spaces allowed) -> the token; anything else is taken verbatim.
 * Plain scanning, no regular expression: this runs on whatever an unauthenticated caller sends, and
 * must take time in proportion to its length, whatever spaces it is padded with.
 */
export function bearerToken(value: string): string {
  const trimmed = value.trim();
  if (trimmed.length <= BEARER.length || trimmed.slice(0, BEARER.length).toLowerCase() !== BEARER) {
    return trimmed;
  }
  const rest = trimmed.slice(BEARER.length);
  const token = rest.trimStart();
  // `Bearerxyz` (no space after the scheme) is a token of its own, not the scheme.
  return token.length < rest.length ? token : trimmed;
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The credential a request carries in its headers (`xi-api-key`, or `authorization: Bearer`), or in
 * the `authorization` query parameter the AsyncAPI spec also allows. Undefined when there is none.
 */
export function credentialFromRequest(
  headers: IncomingHttpHeaders,
  query?: URLSearchParams,
): string | undefined {
  const apiKey = firstHeader(headers['xi-api-key']);
  if (apiKey !== undefined && apiKey !== '') return apiKey;
  const authorization = firstHeader(headers.authorization) ?? query?.get('authorization') ?? undefined;
  if (authorization !== undefined && authorization !== '') return bearerToken(authorization);
  return undefined;
}

/** The credential in a first (BOS) message: `xi_api_key` / `xi-api-key`, else `authorization`. */
export function credentialFromMessage(message: {
  apiKey?: string;
  authorization?: string;
}): string | undefined {
  if (message.apiKey !== undefined && message.apiKey !== '') return message.apiKey;
  if (message.authorization !== undefined && message.authorization !== '') {
    return bearerToken(message.authorization);
  }
  return undefined;
}

/**
 * Browsers always send `Origin` on WebSocket handshakes and cross-origin requests; ElevenLabs clients
 * in Node and Python send none. Refusing it keeps web pages from talking to the local server.
 */
export function isBrowserRequest(headers: IncomingHttpHeaders): boolean {
  return headers.origin !== undefined;
}
