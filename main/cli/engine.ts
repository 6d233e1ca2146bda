// Which speech engine a command uses, and how to reach it. Both engines are reached the same way, over
// the stream-input protocol: the offline voice by starting the local server in this process.
import { isTrustedHost, keyOrigin } from '../elevenlabs/trusted-hosts';
import { DEFAULT_BASE_URL } from '../../shared/protocol';
import { createSecretStore, getKeyWithin } from '../store/secrets';
import type { SecretStore } from '../store/secrets';
import { validateBaseUrl } from './args';
import type { EngineName, EngineOptions } from './args';
import { CliError } from './errors';

/** "Rachel", a premade voice every ElevenLabs account has; the one the API documentation uses. */
export const DEFAULT_ELEVENLABS_VOICE_ID = '21m00Tcm4TlvDq8ikWAM';

export type EngineChoice =
  | { kind: 'offline' }
  | { kind: 'elevenlabs'; apiKey: string; baseUrl: string; keySource: 'environment' | 'keychain' };

/** A reachable stream-input server. */
export interface EngineConnection {
  readonly baseUrl: string;
  readonly apiKey: string;
  close(): Promise<void>;
}

/** A locked keychain may wait for an unlock prompt forever; the command line waits this long. */
const KEYCHAIN_TIMEOUT_MS = 2000;

/** Every key this process has read, so failure messages can be redacted. */
const keysRead = new Set<string>();

export function keysInUse(env: NodeJS.ProcessEnv): string[] {
  const fromEnv = env.ELEVENLABS_API_KEY?.trim();
  return [...keysRead, ...(fromEnv ? [fromEnv] : [])];
}

/**
 * The API key the desktop app saved in the OS keychain; undefined when there is none, the keychain
 * cannot be reached in time, or HARK_KEYCHAIN=off (scripts and tests that must not see a user's key).
 */
export async function readStoredApiKey(
  env: NodeJS.ProcessEnv,
  store: () => SecretStore = createSecretStore,
  timeoutMs = KEYCHAIN_TIMEOUT_MS,
): Promise<string | undefined> {
  if (env.HARK_KEYCHAIN === 'off') return undefined;
  const key = await getKeyWithin(store(), timeoutMs);
  if (key) keysRead.add(key);
  return key;
}

async function configuredKey(
  env: NodeJS.ProcessEnv,
  readStored: () => Promise<string | undefined>,
): Promise<{ apiKey: string; keySource: 'environment' | 'keychain' } | undefined> {
  const fromEnv = env.ELEVENLABS_API_KEY?.trim();
  if (fromEnv) return { apiKey: fromEnv, keySource: 'environment' };
  const stored = await readStored();
  return stored ? { apiKey: stored, keySource: 'keychain' } : undefined;
}

/**
 * Picks the engine: --engine when given, else ElevenLabs when a key is configured (environment, then
 * the keychain), else the offline voice (so `hark speak "Hello"` works on a fresh machine).
 */
export async function chooseEngine(
  options: EngineOptions,
  env: NodeJS.ProcessEnv,
  readStored: () => Promise<string | undefined> = () => readStoredApiKey(env),
): Promise<EngineChoice> {
  const key = options.engine === 'offline' ? undefined : await configuredKey(env, readStored);
  const engine: EngineName = options.engine ?? (key ? 'elevenlabs' : 'offline');
  if (engine === 'offline') {
    if (options.baseUrl !== undefined) {
      throw new CliError('--base-url is for --engine elevenlabs; the offline voice runs inside hark');
    }
    return { kind: 'offline' };
  }
  if (!key) {
    throw new CliError(
      'no ElevenLabs API key: set ELEVENLABS_API_KEY or save one in the app, or use --engine offline',
    );
  }
  const fromEnv = env.ELEVENLABS_BASE_URL?.trim();
  const baseUrl =
    options.baseUrl ?? (fromEnv ? validateBaseUrl(fromEnv, 'ELEVENLABS_BASE_URL') : DEFAULT_BASE_URL);
  if (!options.trustBaseUrl && !isTrustedHost(baseUrl, [])) {
    const named = options.baseUrl !== undefined ? '--base-url' : 'ELEVENLABS_BASE_URL';
    throw new CliError(
      `${named} ${keyOrigin(baseUrl) ?? baseUrl} is not an ElevenLabs server; add --trust-base-url to send your API key there`,
    );
  }
  return { kind: 'elevenlabs', baseUrl, ...key };
}

/** Starts the offline server on loopback when needed; ElevenLabs needs nothing started. */
export async function connectEngine(choice: EngineChoice): Promise<EngineConnection> {
  if (choice.kind === 'elevenlabs') {
    return { baseUrl: choice.baseUrl, apiKey: choice.apiKey, close: async () => undefined };
  }
  // Loaded only here: talking to ElevenLabs (or `hark serve`) needs none of the engine's code.
  const { startStreamServer } = await import('../engine/stream-server');
  const server = await startStreamServer({ host: '127.0.0.1', port: 0 });
  return { baseUrl: server.url, apiKey: server.token, close: () => server.close() };
}
