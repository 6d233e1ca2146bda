import { describe, expect, it } from 'vitest';
import type { SecretStore } from '../store/secrets';
import { chooseEngine, keysInUse, readStoredApiKey } from './engine';

const noStoredKey = async (): Promise<undefined> => undefined;

/** A secret store whose getKey answers with `key` after `delayMs` (a keychain stand-in). */
function storeAnswering(key: string | undefined, delayMs = 0): () => SecretStore {
  return () =>
    ({
      getKey: () => new Promise((resolve) => setTimeout(() => resolve(key), delayMs).unref()),
    }) as SecretStore;
}

describe('chooseEngine', () => {
  it('uses the offline voice on a fresh machine (no key anywhere)', async () => {
    expect(await chooseEngine({}, {}, noStoredKey)).toEqual({ kind: 'offline' });
  });

  it('uses ElevenLabs by default once a key is set, at the default address', async () => {
    expect(await chooseEngine({}, { ELEVENLABS_API_KEY: ' sk_test_key \n' }, noStoredKey)).toEqual({
      kind: 'elevenlabs',
      apiKey: 'sk_test_key',
      baseUrl: 'https://api.elevenlabs.io',
      keySource: 'environment',
    });
  });

  it('uses the key saved in the keychain when the environment has none', async () => {
    expect(await chooseEngine({}, {}, async () => 'sk_saved_in_keychain')).toMatchObject({
      kind: 'elevenlabs',
      apiKey: 'sk_saved_in_keychain',
      keySource: 'keychain',
    });
  });

  it('takes the server from --base-url first, then ELEVENLABS_BASE_URL', async () => {
    const env = { ELEVENLABS_API_KEY: 'k', ELEVENLABS_BASE_URL: 'https://api.eu.residency.elevenlabs.io' };
    expect(await chooseEngine({}, env, noStoredKey)).toMatchObject({
      baseUrl: 'https://api.eu.residency.elevenlabs.io',
    });
    expect(await chooseEngine({ baseUrl: 'http://127.0.0.1:9' }, env, noStoredKey)).toMatchObject({
      baseUrl: 'http://127.0.0.1:9',
    });
    await expect(
      chooseEngine({}, { ...env, ELEVENLABS_BASE_URL: 'api.elevenlabs.io' }, noStoredKey),
    ).rejects.toThrow(/ELEVENLABS_BASE_URL "api.elevenlabs.io" is not a URL/);
  });

  it('sends the key to a server outside ElevenLabs and loopback only with --trust-base-url', async () => {
    const env = { ELEVENLABS_API_KEY: 'k', ELEVENLABS_BASE_URL: 'https://proxy.example:8443/v1' };
    await expect(chooseEngine({}, env, noStoredKey)).rejects.toThrow(
      'ELEVENLABS_BASE_URL https://proxy.example:8443 is not an ElevenLabs server; add --trust-base-url to send your API key there',
    );
    await expect(
      chooseEngine({ baseUrl: 'https://api.elevenlabs.io.example' }, env, noStoredKey),
    ).rejects.toThrow(/^--base-url https:\/\/api\.elevenlabs\.io\.example is not an ElevenLabs server/);
    expect(await chooseEngine({ trustBaseUrl: true }, env, noStoredKey)).toMatchObject({
      baseUrl: 'https://proxy.example:8443/v1',
    });
  });

  it('lets --engine offline win over a configured key, without asking the keychain', async () => {
    let asked = false;
    const readStored = async (): Promise<string> => {
      asked = true;
      return 'sk_saved_in_keychain';
    };
    expect(await chooseEngine({ engine: 'offline' }, { ELEVENLABS_API_KEY: 'k' }, readStored)).toEqual({
      kind: 'offline',
    });
    expect(asked).toBe(false);
  });

  it('explains what is missing', async () => {
    await expect(chooseEngine({ engine: 'elevenlabs' }, {}, noStoredKey)).rejects.toThrow(
      'no ElevenLabs API key: set ELEVENLABS_API_KEY or save one in the app, or use --engine offline',
    );
    await expect(
      chooseEngine({ engine: 'elevenlabs' }, { ELEVENLABS_API_KEY: '   ' }, noStoredKey),
    ).rejects.toThrow(/no ElevenLabs API key/);
    await expect(chooseEngine({ baseUrl: 'http://127.0.0.1:9' }, {}, noStoredKey)).rejects.toThrow(
      /--base-url is for --engine elevenlabs/,
    );
  });
});

describe('readStoredApiKey', () => {
  it('returns the stored key and remembers it for redaction', async () => {
    expect(await readStoredApiKey({}, storeAnswering('sk_remembered_key_123'))).toBe('sk_remembered_key_123');
    expect(keysInUse({ ELEVENLABS_API_KEY: 'sk_env' })).toEqual(['sk_remembered_key_123', 'sk_env']);
  });

  it('gives up on a keychain that does not answer in time', async () => {
    const started = Date.now();
    expect(await readStoredApiKey({}, storeAnswering('late', 5_000), 50)).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('does not look when HARK_KEYCHAIN=off', async () => {
    expect(await readStoredApiKey({ HARK_KEYCHAIN: 'off' }, storeAnswering('sk_never_read'))).toBeUndefined();
  });
});
