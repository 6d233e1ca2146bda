// Which servers may receive the ElevenLabs API key. The key belongs to ElevenLabs: it goes without
// asking only to ElevenLabs' own API hosts (over https, on the standard port) and to this machine
// (loopback: `hark serve`, a local proxy). Any other server must have been confirmed by the user,
// through something only the main process can show (a native dialog, a command-line flag); a page
// that can change the settings cannot confirm a server by itself.
import { API_REGIONS } from './http-client';

/** The stable code of a reading or request refused because its server was never confirmed. */
export const HOST_NOT_CONFIRMED = 'host_not_confirmed';

/** The hosts of API_REGIONS (api.elevenlabs.io, api.us.elevenlabs.io, ...residency.elevenlabs.io). */
const ELEVENLABS_HOSTS: ReadonlySet<string> = new Set(
  Object.values(API_REGIONS).map((region) => new URL(region.baseUrl).hostname),
);

/** `new URL` has already normalized the address (127.1 is 127.0.0.1, IPv6 is bracketed). */
function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/**
 * The origin the key would be sent to, the same for the HTTP API and its socket (ws: is counted as
 * http:, wss: as https:); undefined when `baseUrl` is not an http(s) or ws(s) URL.
 */
export function keyOrigin(baseUrl: string): string | undefined {
  let url: URL;
  try {
    url = new URL(baseUrl.trim());
  } catch {
    return undefined;
  }
  if (url.protocol === 'ws:') url.protocol = 'http:';
  else if (url.protocol === 'wss:') url.protocol = 'https:';
  else if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  return url.origin;
}

/**
 * True when the key may be sent to `baseUrl`: one of ElevenLabs' API hosts over https, loopback, or
 * an origin in `confirmedHosts` (origins as keyOrigin gives them). Pure. An address that cannot be
 * parsed is never trusted.
 */
export function isTrustedHost(baseUrl: string, confirmedHosts: Iterable<string>): boolean {
  const origin = keyOrigin(baseUrl);
  if (origin === undefined) return false;
  const url = new URL(origin);
  if (isLoopbackHost(url.hostname)) return true;
  if (url.protocol === 'https:' && url.port === '' && ELEVENLABS_HOSTS.has(url.hostname)) return true;
  for (const confirmed of confirmedHosts) if (confirmed === origin) return true;
  return false;
}

/** What a reading or request refused for an unconfirmed server says. */
export function hostNotConfirmedMessage(baseUrl: string): string {
  const origin = keyOrigin(baseUrl) ?? baseUrl;
  return (
    `The server address ${origin} is not one of ElevenLabs' own, and nobody confirmed that your ` +
    `API key may be sent there, so Hark did not connect. Choose the server again in Settings to ` +
    `confirm it, or pick an ElevenLabs region.`
  );
}
