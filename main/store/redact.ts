// Every log line goes through here, so an API key can never reach a log file or a terminal, even
// when it sneaks in through an error message, a URL or a serialised object.
import { formatWithOptions } from 'node:util';
import { escapeRegExp } from '../text/escape-regexp';

export const REDACTED = '[redacted]';

/**
 * Values that look like credentials whatever the known secrets are: the `xi-api-key` header, the
 * `xi_api_key` JSON field / query parameter, bearer tokens, and ElevenLabs-shaped keys (`sk_` + hex).
 */
const CREDENTIAL_PATTERNS: readonly RegExp[] = [
  /(xi[-_]api[-_]key["']?\s*[:=]\s*["']?)[^\s"'&,;}]+/gi,
  /(authorization["']?\s*[:=]\s*["']?(?:bearer\s+)?)[^\s"'&,;}]+/gi,
  /(single_use_token=)[^\s"'&,;}]+/gi,
  /()\bsk_[0-9a-f]{24,}\b/gi,
];

/** Forms a secret can take once it has been put into a URL or a JSON string. */
function variantsOf(secret: string): string[] {
  const variants = new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)]);
  return [...variants];
}

/** Replaces every occurrence of each secret (and of anything shaped like a credential) in `text`. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  const known = secrets
    .filter((secret) => secret.length > 0)
    .flatMap(variantsOf)
    // Longest first, so a secret that contains another is replaced whole.
    .sort((a, b) => b.length - a.length);
  let result = text;
  if (known.length > 0) {
    result = result.replace(new RegExp(known.map(escapeRegExp).join('|'), 'g'), REDACTED);
  }
  for (const pattern of CREDENTIAL_PATTERNS) {
    result = result.replace(pattern, (match, prefix: string) =>
      match.endsWith(REDACTED) ? match : `${prefix}${REDACTED}`,
    );
  }
  return result;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Where finished (already redacted) log lines go: console, a file, a test array. */
export type LogSink = (level: LogLevel, line: string) => void;

export interface Logger {
  debug(message: string, ...details: unknown[]): void;
  info(message: string, ...details: unknown[]): void;
  warn(message: string, ...details: unknown[]): void;
  error(message: string, ...details: unknown[]): void;
}

/**
 * A logger that formats its arguments (errors with their stacks, objects in full depth) and then
 * redacts the WHOLE line, so secrets nested in objects or error causes are caught too. `getSecrets`
 * is asked on every line, so a key entered after start-up is covered from then on.
 */
export function createRedactingLogger(sink: LogSink, getSecrets: () => readonly string[]): Logger {
  const emit =
    (level: LogLevel) =>
    (message: string, ...details: unknown[]): void => {
      const line = formatWithOptions({ depth: 6, colors: false, breakLength: Infinity }, message, ...details);
      sink(level, redactSecrets(line, getSecrets()));
    };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}
