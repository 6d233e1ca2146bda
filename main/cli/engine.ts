// Which speech engine a command uses, and how to reach it. Both engines are reached the same way, over
// the stream-input protocol: the offline voice by starting the local server in this process.
import { startStreamServer } from '../engine/stream-server';
import { DEFAULT_BASE_URL } from '../speech/protocol';
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

/**
 * The API key saved by the desktop app in the OS keychain. The keychain adapter arrives with the
 * desktop shell; until then the command line only knows ELEVENLABS_API_KEY, so this returns undefined.
 */
export function readStoredApiKey(): string | undefined {
  return undefined;
}

function configuredKey(
  env: NodeJS.ProcessEnv,
): { apiKey: string; keySource: 'environment' | 'keychain' } | undefined {
  const fromEnv = env.ELEVENLABS_API_KEY?.trim();
  if (fromEnv) return { apiKey: fromEnv, keySource: 'environment' };
  const stored = readStoredApiKey();
  return stored ? { apiKey: stored, keySource: 'keychain' } : undefined;
}

/**
 * Picks the engine: --engine when given, else ElevenLabs when a key is configured, else the offline
 * voice (so `hark speak "Hello"` works on a fresh machine).
 */
export function chooseEngine(options: EngineOptions, env: NodeJS.ProcessEnv): EngineChoice {
  const key = configuredKey(env);
  const engine: EngineName = options.engine ?? (key ? 'elevenlabs' : 'offline');
  if (engine === 'offline') {
    if (options.baseUrl !== undefined) {
      throw new CliError('--base-url is for --engine elevenlabs; the offline voice runs inside hark');
    }
    return { kind: 'offline' };
  }
  if (!key) {
    throw new CliError(
      'no ElevenLabs API key: set ELEVENLABS_API_KEY, or use the offline voice with --engine offline',
    );
  }
  const fromEnv = env.ELEVENLABS_BASE_URL?.trim();
  const baseUrl =
    options.baseUrl ?? (fromEnv ? validateBaseUrl(fromEnv, 'ELEVENLABS_BASE_URL') : DEFAULT_BASE_URL);
  return { kind: 'elevenlabs', baseUrl, ...key };
}

/** Starts the offline server on loopback when needed; ElevenLabs needs nothing started. */
export async function connectEngine(choice: EngineChoice): Promise<EngineConnection> {
  if (choice.kind === 'elevenlabs') {
    return { baseUrl: choice.baseUrl, apiKey: choice.apiKey, close: async () => undefined };
  }
  const server = await startStreamServer({ host: '127.0.0.1', port: 0 });
  return { baseUrl: server.url, apiKey: server.token, close: () => server.close() };
}
