import { describe, expect, it } from 'vitest';
import { chooseEngine, readStoredApiKey } from './engine';

describe('chooseEngine', () => {
  it('uses the offline voice on a fresh machine (no key anywhere)', () => {
    expect(readStoredApiKey()).toBeUndefined();
    expect(chooseEngine({}, {})).toEqual({ kind: 'offline' });
  });

  it('uses ElevenLabs by default once a key is set, at the default address', () => {
    expect(chooseEngine({}, { ELEVENLABS_API_KEY: ' sk_test_key \n' })).toEqual({
      kind: 'elevenlabs',
      apiKey: 'sk_test_key',
      baseUrl: 'https://api.elevenlabs.io',
      keySource: 'environment',
    });
  });

  it('takes the server from --base-url first, then ELEVENLABS_BASE_URL', () => {
    const env = { ELEVENLABS_API_KEY: 'k', ELEVENLABS_BASE_URL: 'https://api.eu.residency.elevenlabs.io' };
    expect(chooseEngine({}, env)).toMatchObject({ baseUrl: 'https://api.eu.residency.elevenlabs.io' });
    expect(chooseEngine({ baseUrl: 'http://127.0.0.1:9' }, env)).toMatchObject({
      baseUrl: 'http://127.0.0.1:9',
    });
    expect(() => chooseEngine({}, { ...env, ELEVENLABS_BASE_URL: 'api.elevenlabs.io' })).toThrow(
      /ELEVENLABS_BASE_URL "api.elevenlabs.io" is not a URL/,
    );
  });

  it('lets --engine offline win over a configured key', () => {
    expect(chooseEngine({ engine: 'offline' }, { ELEVENLABS_API_KEY: 'k' })).toEqual({ kind: 'offline' });
  });

  it('explains what is missing', () => {
    expect(() => chooseEngine({ engine: 'elevenlabs' }, {})).toThrow(
      'no ElevenLabs API key: set ELEVENLABS_API_KEY, or use the offline voice with --engine offline',
    );
    expect(() => chooseEngine({ engine: 'elevenlabs' }, { ELEVENLABS_API_KEY: '   ' })).toThrow(
      /no ElevenLabs API key/,
    );
    expect(() => chooseEngine({ baseUrl: 'http://127.0.0.1:9' }, {})).toThrow(
      /--base-url is for --engine elevenlabs/,
    );
  });
});
