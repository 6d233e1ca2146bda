import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createRedactingLogger, redactSecrets, REDACTED, type LogLevel } from './redact';

const KEY = 'sk_0123456789abcdef0123456789abcdef0123456789abcdef';

describe('redactSecrets', () => {
  it('replaces every occurrence of a known secret', () => {
    const text = `key=${KEY} and again ${KEY}.`;
    expect(redactSecrets(text, [KEY])).toBe(`key=${REDACTED} and again ${REDACTED}.`);
  });

  it('catches the URL-encoded and JSON-escaped forms of a secret', () => {
    const secret = 'a/b+c"d e';
    const text = `url ?k=${encodeURIComponent(secret)} json ${JSON.stringify({ k: secret })}`;
    const out = redactSecrets(text, [secret]);
    expect(out).not.toContain(encodeURIComponent(secret));
    expect(out).not.toContain(JSON.stringify(secret).slice(1, -1));
    expect(out).toContain(REDACTED);
  });

  it('replaces the longer of two overlapping secrets whole', () => {
    expect(redactSecrets('xxabcdefxx', ['abc', 'abcdef'])).toBe(`xx${REDACTED}xx`);
  });

  it('leaves text without secrets alone and ignores empty secrets', () => {
    expect(redactSecrets('Reading 42 characters with voice en-us', ['', 'nothere'])).toBe(
      'Reading 42 characters with voice en-us',
    );
  });

  it('redacts credential-shaped values even when the secret is not known', () => {
    const lines = [
      `headers: { 'xi-api-key': 'unknown-secret-1' }`,
      `{"text":" ","xi_api_key":"unknown-secret-2"}`,
      `Authorization: Bearer unknown-secret-3`,
      `wss://host/v1/x?single_use_token=unknown-secret-4&x=1`,
      `got key sk_${'ab'.repeat(16)} from env`,
    ];
    for (const line of lines) {
      const out = redactSecrets(line, []);
      expect(out).toContain(REDACTED);
      expect(out).not.toMatch(/unknown-secret|sk_abab/);
    }
  });

  it('never leaves a known secret in any text (property)', () => {
    // Secrets and surrounding text use disjoint alphabets, so the secret cannot reappear by coincidence.
    const secretChars = fc.constantFrom(...'ABCXYZ0123/+ "%'.split(''));
    const otherChars = fc.constantFrom(...'klmnop .,'.split(''));
    fc.assert(
      fc.property(
        fc.string({ unit: secretChars, minLength: 1, maxLength: 40 }),
        fc.string({ unit: otherChars, maxLength: 40 }),
        fc.string({ unit: otherChars, maxLength: 40 }),
        (secret, before, after) => {
          const out = redactSecrets(`${before}${secret}${after}${encodeURIComponent(secret)}`, [secret]);
          expect(out.includes(secret)).toBe(false);
          expect(out.includes(encodeURIComponent(secret))).toBe(false);
        },
      ),
    );
  });
});

describe('createRedactingLogger', () => {
  function collect(): { lines: [LogLevel, string][]; sink: (level: LogLevel, line: string) => void } {
    const lines: [LogLevel, string][] = [];
    return { lines, sink: (level, line) => lines.push([level, line]) };
  }

  it('redacts secrets inside formatted objects, errors and their causes', () => {
    const { lines, sink } = collect();
    const logger = createRedactingLogger(sink, () => [KEY]);
    const error = new Error(`request failed for ${KEY}`, { cause: { apiKey: KEY } });
    logger.error('session failed', error, { nested: { deeper: { key: KEY } } });
    expect(lines).toHaveLength(1);
    const [level, line] = lines[0]!;
    expect(level).toBe('error');
    expect(line).toContain('session failed');
    expect(line).toContain('request failed for');
    expect(line).not.toContain(KEY);
  });

  it('asks for the secrets on every line, so a key set later is redacted from then on', () => {
    const { lines, sink } = collect();
    let secrets: string[] = [];
    const logger = createRedactingLogger(sink, () => secrets);
    logger.info('before %s', 'plain-value-123');
    secrets = ['plain-value-123'];
    logger.warn('after %s', 'plain-value-123');
    expect(lines).toEqual([
      ['info', 'before plain-value-123'],
      ['warn', `after ${REDACTED}`],
    ]);
  });

  it('keeps the level of each call', () => {
    const { lines, sink } = collect();
    const logger = createRedactingLogger(sink, () => []);
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect(lines.map(([level]) => level)).toEqual(['debug', 'info', 'warn', 'error']);
  });
});
