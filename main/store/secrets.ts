// The API key lives in the OS keychain (macOS Keychain, Windows Credential Manager, the Secret Service
// on Linux) through keytar. This is the ONLY file that touches keytar. keytar is loaded on first use,
// so a missing native module or libsecret becomes a status the user can read, not a crash at start.
// When no keychain can be reached, the key can be kept in memory for this process only: there is
// deliberately no plain-text file fallback.
import { redactSecrets } from './redact';

export const KEYCHAIN_SERVICE = 'Hark';
export const KEYCHAIN_ACCOUNT = 'elevenlabs-api-key';

/** The part of keytar Hark uses; also what a test or another platform adapter can provide. */
export interface KeychainBackend {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

export type SecretStatus =
  | { state: 'stored' }
  | { state: 'absent' }
  | { state: 'session-only'; message: string }
  | { state: 'unavailable'; message: string };

/** Why the keychain could not be used; decides the message and whether a retry can help. */
export type KeychainProblem =
  | 'module-missing'
  | 'no-session-bus'
  | 'no-secret-service'
  | 'no-default-keyring'
  | 'locked'
  | 'access-denied'
  | 'other';

export type SecretStoreErrorCode = 'invalid_key' | 'keychain_unavailable';

export class SecretStoreError extends Error {
  override readonly name = 'SecretStoreError';
  constructor(
    readonly code: SecretStoreErrorCode,
    message: string,
    readonly problem?: KeychainProblem,
  ) {
    super(message);
  }
}

export interface SecretStore {
  status(): Promise<SecretStatus>;
  /** The key for this session: the session-only copy if there is one, else the keychain's. */
  getKey(): Promise<string | undefined>;
  /** Validates and stores the key in the keychain; rejects SecretStoreError. */
  setKey(key: string): Promise<void>;
  /** Forgets the key everywhere; rejects only if a reachable keychain refuses to delete it. */
  clearKey(): Promise<void>;
  /** Keeps the key in memory until the process exits (when the keychain is unavailable). */
  keepForSessionOnly(key: string): void;
  /** Every key this store has seen in this process, for the log redactor. */
  knownSecrets(): string[];
}

export interface SecretStoreOptions {
  /** Defaults to keytar, loaded lazily. */
  backend?: KeychainBackend;
}

// ---------------------------------------------------------------------------------------------
// Key shape

export const MIN_KEY_LENGTH = 16;
export const MAX_KEY_LENGTH = 512;

export type KeyCheck = { ok: true; key: string } | { ok: false; message: string };

/**
 * Trims what a paste adds around a key, then checks its shape. A key must be sendable as an HTTP
 * header, so only printable ASCII without spaces is accepted. Messages never echo the key.
 */
export function checkApiKey(raw: string): KeyCheck {
  const key = raw.trim();
  if (key.length === 0)
    return { ok: false, message: 'The API key is empty. Paste the key from your ElevenLabs profile.' };
  if (!/^[\x21-\x7e]+$/.test(key)) {
    return {
      ok: false,
      message:
        'The API key contains spaces, line breaks or characters that cannot be part of a key. Paste it again, on its own.',
    };
  }
  if (key.length < MIN_KEY_LENGTH) {
    return {
      ok: false,
      message: `The API key is too short (under ${MIN_KEY_LENGTH} characters). Was it cut off?`,
    };
  }
  if (key.length > MAX_KEY_LENGTH) {
    return {
      ok: false,
      message: `The API key is too long (over ${MAX_KEY_LENGTH} characters). Was more than the key pasted?`,
    };
  }
  return { ok: true, key };
}

function validKeyOrThrow(raw: string): string {
  const check = checkApiKey(raw);
  if (!check.ok) throw new SecretStoreError('invalid_key', check.message);
  return check.key;
}

// ---------------------------------------------------------------------------------------------
// Error classification

const MESSAGES: Record<KeychainProblem, string> = {
  'module-missing':
    'The keychain module could not be loaded. On Linux, install libsecret (package libsecret-1-0); otherwise reinstall Hark.',
  'no-session-bus':
    'No D-Bus session is running, so the system keychain (Secret Service) cannot be reached. Start Hark from your desktop session, or run it under "dbus-run-session".',
  'no-secret-service':
    'No Secret Service provider is running. Install and start one, such as gnome-keyring or KWallet (with its Secret Service support) or KeePassXC.',
  'no-default-keyring':
    'The keychain has no default ("login") keyring and cannot create one without a prompt. Create or unlock it with your keyring manager (for example Passwords and Keys), then try again.',
  locked:
    'The keyring is locked. Unlock it (log in to your desktop or open your keyring manager), then try again.',
  'access-denied':
    'Access to the system keychain was denied. Allow Hark to use the keychain, then try again.',
  other: 'The system keychain reported an error.',
};

/** Problems that mean no keychain exists here at all, so nothing can be stored in (or deleted from) it. */
const NO_KEYCHAIN: ReadonlySet<KeychainProblem> = new Set([
  'module-missing',
  'no-session-bus',
  'no-secret-service',
]);

const CLASSIFIERS: readonly [RegExp, KeychainProblem][] = [
  [
    /cannot find (module|package)|ERR_MODULE_NOT_FOUND|libsecret|NODE_MODULE_VERSION|was compiled against|cannot open shared object|ERR_DLOPEN_FAILED/i,
    'module-missing',
  ],
  [
    /autolaunch D-?Bus|DBUS_SESSION_BUS_ADDRESS|Unable to autolaunch|Could not connect: |Failed to connect to socket/i,
    'no-session-bus',
  ],
  [
    /org\.freedesktop\.secrets was not provided|ServiceUnknown|no such (name|interface).*secrets/i,
    'no-secret-service',
  ],
  [/does not exist at path .*collection|No such object path .*collection/i, 'no-default-keyring'],
  [/locked|unlock prompt/i, 'locked'],
  [
    /access denied|denied|not allowed|user canceled|user cancelled|interaction is not allowed/i,
    'access-denied',
  ],
];

export interface ClassifiedProblem {
  problem: KeychainProblem;
  message: string;
}

/** Turns what keytar threw into a message that says what is missing and how to fix it. */
export function classifyKeychainError(cause: unknown, secrets: readonly string[] = []): ClassifiedProblem {
  const raw =
    cause instanceof Error ? `${cause.message} ${(cause as { code?: unknown }).code ?? ''}` : String(cause);
  const problem = CLASSIFIERS.find(([pattern]) => pattern.test(raw))?.[1] ?? 'other';
  if (problem !== 'other') return { problem, message: MESSAGES[problem] };
  // An unknown failure keeps the platform's own words (which never carry the key; redacted anyway).
  const detail = redactSecrets(cause instanceof Error ? cause.message : String(cause), secrets).trim();
  return { problem, message: detail ? `${MESSAGES.other} ${detail}` : MESSAGES.other };
}

// ---------------------------------------------------------------------------------------------
// keytar, loaded on first use

type KeytarModule = KeychainBackend & { default?: KeychainBackend };

/** Wraps keytar so the native module is only loaded (and can only fail) when a method is called. */
function lazyKeytarBackend(): KeychainBackend {
  let loading: Promise<KeychainBackend> | undefined;
  const load = (): Promise<KeychainBackend> => {
    loading ??= import('keytar').then((module: KeytarModule) => module.default ?? module);
    // A failed load is retried next time (the user may install libsecret meanwhile).
    loading.catch(() => (loading = undefined));
    return loading;
  };
  return {
    getPassword: async (service, account) => (await load()).getPassword(service, account),
    setPassword: async (service, account, password) => (await load()).setPassword(service, account, password),
    deletePassword: async (service, account) => (await load()).deletePassword(service, account),
  };
}

// ---------------------------------------------------------------------------------------------
// The store

const SESSION_ONLY_MESSAGE =
  'The API key is kept in memory for this session only and will be forgotten when Hark quits.';

export function createSecretStore(options: SecretStoreOptions = {}): SecretStore {
  const backend = options.backend ?? lazyKeytarBackend();
  let sessionKey: string | undefined;
  const seen = new Set<string>();

  const remember = (key: string): string => {
    seen.add(key);
    return key;
  };
  const classify = (cause: unknown): ClassifiedProblem => classifyKeychainError(cause, [...seen]);

  /** Reads the keychain, classifying a failure instead of throwing. */
  async function readKeychain(): Promise<
    { ok: true; key: string | undefined } | { ok: false; problem: ClassifiedProblem }
  > {
    try {
      const value = await backend.getPassword(KEYCHAIN_SERVICE, KEYCHAIN_ACCOUNT);
      return { ok: true, key: value ? remember(value) : undefined };
    } catch (cause) {
      return { ok: false, problem: classify(cause) };
    }
  }

  return {
    async status() {
      if (sessionKey !== undefined) return { state: 'session-only', message: SESSION_ONLY_MESSAGE };
      const read = await readKeychain();
      if (!read.ok) return { state: 'unavailable', message: read.problem.message };
      return { state: read.key === undefined ? 'absent' : 'stored' };
    },

    async getKey() {
      if (sessionKey !== undefined) return sessionKey;
      const read = await readKeychain();
      return read.ok ? read.key : undefined;
    },

    async setKey(raw) {
      const key = remember(validKeyOrThrow(raw));
      try {
        await backend.setPassword(KEYCHAIN_SERVICE, KEYCHAIN_ACCOUNT, key);
      } catch (cause) {
        const { problem, message } = classify(cause);
        throw new SecretStoreError('keychain_unavailable', message, problem);
      }
      sessionKey = undefined;
    },

    async clearKey() {
      sessionKey = undefined;
      try {
        await backend.deletePassword(KEYCHAIN_SERVICE, KEYCHAIN_ACCOUNT);
      } catch (cause) {
        const { problem, message } = classify(cause);
        if (NO_KEYCHAIN.has(problem)) return; // Nothing can be stored where no keychain exists.
        throw new SecretStoreError('keychain_unavailable', message, problem);
      }
    },

    keepForSessionOnly(raw) {
      sessionKey = remember(validKeyOrThrow(raw));
    },

    knownSecrets() {
      return [...seen];
    },
  };
}

/**
 * The key, or undefined when there is none or the keychain does not answer within `timeoutMs`: a
 * locked keychain may wait for an unlock prompt forever, and a reading or a command must not.
 */
export async function getKeyWithin(store: SecretStore, timeoutMs: number): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), timeoutMs);
  });
  try {
    return await Promise.race([store.getKey().catch(() => undefined), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
