// Unit tests of the store's logic with a small in-memory backend; the real keychain (gnome-keyring on
// a private D-Bus) is exercised in tests/keychain.test.ts.
import { describe, expect, it } from 'vitest';
import {
  checkApiKey,
  classifyKeychainError,
  createSecretStore,
  KEYCHAIN_ACCOUNT,
  KEYCHAIN_SERVICE,
  MAX_KEY_LENGTH,
  SecretStoreError,
  type KeychainBackend,
} from './secrets';

const KEY = 'sk_0123456789abcdef0123456789abcdef0123456789abcdef';

function memoryBackend(): KeychainBackend & { items: Map<string, string> } {
  const items = new Map<string, string>();
  const id = (service: string, account: string): string => `${service}/${account}`;
  return {
    items,
    getPassword: async (service, account) => items.get(id(service, account)) ?? null,
    setPassword: async (service, account, password) => void items.set(id(service, account), password),
    deletePassword: async (service, account) => items.delete(id(service, account)),
  };
}

/** A backend that fails the way keytar does, with keytar's own message. */
function failingBackend(message: string): KeychainBackend {
  const fail = async (): Promise<never> => {
    throw new Error(message);
  };
  return { getPassword: fail, setPassword: fail, deletePassword: fail };
}

async function rejection(promise: Promise<unknown>): Promise<SecretStoreError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(SecretStoreError);
    return error as SecretStoreError;
  }
  throw new Error('expected a rejection');
}

describe('checkApiKey', () => {
  it('accepts a key and trims what a paste adds around it', () => {
    expect(checkApiKey(`  ${KEY}\n`)).toEqual({ ok: true, key: KEY });
  });

  it.each([
    ['', /empty/],
    ['   \n', /empty/],
    ['sk_0123 456789abcdef0123', /spaces, line breaks/],
    ['sk_0123456789\u0000abcdef0123', /spaces, line breaks/],
    ['sk_0123456789abcdéf0123', /cannot be part of a key/],
    ['sk_3f9a2c', /too short/],
    ['k'.repeat(MAX_KEY_LENGTH + 1), /too long/],
  ])('rejects %j with a clear message that does not echo it', (raw, expected) => {
    const check = checkApiKey(raw);
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.message).toMatch(expected);
    if (raw.trim()) expect(check.message).not.toContain(raw.trim());
  });
});

describe('classifyKeychainError', () => {
  // The exact messages keytar 7.9.0 gives on Linux (reference/toolchain-notes.md, table A2).
  it.each([
    ['Cannot autolaunch D-Bus without X11 $DISPLAY', 'no-session-bus', /D-Bus session/],
    [
      'The name org.freedesktop.secrets was not provided by any .service files',
      'no-secret-service',
      /gnome-keyring/,
    ],
    [
      'Object does not exist at path “/org/freedesktop/secrets/collection/login”',
      'no-default-keyring',
      /"login"/,
    ],
    ['Cannot create an item in a locked collection', 'locked', /locked.*Unlock/],
    ["Cannot find module '../build/Release/keytar.node'", 'module-missing', /libsecret/],
    [
      'libsecret-1.so.0: cannot open shared object file: No such file or directory',
      'module-missing',
      /libsecret/,
    ],
    ["Cannot find package 'keytar' imported from /app/out/main/index.js", 'module-missing', /reinstall/],
  ] as const)('%s -> %s', (message, problem, text) => {
    const classified = classifyKeychainError(new Error(message));
    expect(classified.problem).toBe(problem);
    expect(classified.message).toMatch(text);
  });

  it('keeps the platform words of an unknown failure but redacts the key from them', () => {
    const classified = classifyKeychainError(new Error(`weird failure near ${KEY}`), [KEY]);
    expect(classified.problem).toBe('other');
    expect(classified.message).toContain('weird failure near');
    expect(classified.message).not.toContain(KEY);
  });
});

describe('createSecretStore', () => {
  it('stores, reads, reports and clears the key under the Hark service name', async () => {
    const backend = memoryBackend();
    const store = createSecretStore({ backend });
    expect(await store.status()).toEqual({ state: 'absent' });
    expect(await store.getKey()).toBeUndefined();

    await store.setKey(`${KEY}\n`);
    expect(backend.items.get(`${KEYCHAIN_SERVICE}/${KEYCHAIN_ACCOUNT}`)).toBe(KEY);
    expect(await store.status()).toEqual({ state: 'stored' });
    expect(await store.getKey()).toBe(KEY);
    expect(store.knownSecrets()).toEqual([KEY]);

    await store.clearKey();
    expect(backend.items.size).toBe(0);
    expect(await store.status()).toEqual({ state: 'absent' });
  });

  it('refuses a malformed key without touching the keychain', async () => {
    const backend = memoryBackend();
    const store = createSecretStore({ backend });
    const error = await rejection(store.setKey('has space inside the key'));
    expect(error.code).toBe('invalid_key');
    expect(error.message).not.toContain('has space');
    expect(backend.items.size).toBe(0);
    expect(() => store.keepForSessionOnly('')).toThrow(/empty/);
  });

  it('reports an unreachable keychain as a status, and keeps a key for the session only', async () => {
    const store = createSecretStore({
      backend: failingBackend('Cannot autolaunch D-Bus without X11 $DISPLAY'),
    });
    const status = await store.status();
    expect(status.state).toBe('unavailable');
    expect(status.state === 'unavailable' && status.message).toMatch(/D-Bus/);
    expect(await store.getKey()).toBeUndefined();

    const error = await rejection(store.setKey(KEY));
    expect(error.code).toBe('keychain_unavailable');
    expect(error.problem).toBe('no-session-bus');
    expect(`${error.message} ${error.stack}`).not.toContain(KEY);

    store.keepForSessionOnly(KEY);
    expect((await store.status()).state).toBe('session-only');
    expect(await store.getKey()).toBe(KEY);
    await store.clearKey(); // no keychain exists here, so clearing only forgets the session copy
    expect(await store.getKey()).toBeUndefined();
  });

  it('rejects clearKey when a keychain exists but refuses (locked)', async () => {
    const store = createSecretStore({
      backend: failingBackend('Cannot create an item in a locked collection'),
    });
    const error = await rejection(store.clearKey());
    expect(error.problem).toBe('locked');
  });

  it('a key stored in the keychain replaces a session-only one', async () => {
    const backend = memoryBackend();
    const store = createSecretStore({ backend });
    store.keepForSessionOnly(`${KEY}-session`);
    expect(await store.getKey()).toBe(`${KEY}-session`);
    await store.setKey(KEY);
    expect(await store.status()).toEqual({ state: 'stored' });
    expect(await store.getKey()).toBe(KEY);
  });
});
