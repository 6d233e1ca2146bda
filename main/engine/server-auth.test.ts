import { describe, expect, it } from 'vitest';
import {
  bearerToken,
  credentialFromMessage,
  credentialFromRequest,
  generateToken,
  isBrowserRequest,
  tokensEqual,
} from './server-auth';

describe('tokens', () => {
  it('are random and URL-safe', () => {
    const a = generateToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(generateToken()).not.toBe(a);
  });

  it('compare equal only when identical, whatever the lengths', () => {
    expect(tokensEqual('abc', 'abc')).toBe(true);
    expect(tokensEqual('abd', 'abc')).toBe(false);
    expect(tokensEqual('abcd', 'abc')).toBe(false);
    expect(tokensEqual('', 'abc')).toBe(false);
  });
});

describe('credentials', () => {
  it('prefer the xi-api-key header, then authorization (header, then query)', () => {
    expect(credentialFromRequest({ 'xi-api-key': 'k', authorization: 'Bearer b' })).toBe('k');
    expect(credentialFromRequest({ authorization: 'Bearer b' })).toBe('b');
    expect(credentialFromRequest({}, new URLSearchParams('authorization=Bearer%20q'))).toBe('q');
    expect(credentialFromRequest({})).toBeUndefined();
    expect(credentialFromRequest({ 'xi-api-key': '' })).toBeUndefined();
  });

  it('come from either spelling of the BOS key, else its authorization', () => {
    expect(credentialFromMessage({ apiKey: 'k', authorization: 'Bearer b' })).toBe('k');
    expect(credentialFromMessage({ authorization: 'bearer   b ' })).toBe('b');
    expect(credentialFromMessage({})).toBeUndefined();
  });

  it('bearerToken takes a bare token as is', () => {
    expect(bearerToken('Bearer xyz')).toBe('xyz');
    expect(bearerToken('xyz')).toBe('xyz');
  });

  it('bearerToken drops the scheme in any case, with any whitespace around it', () => {
    expect(bearerToken(' \tBEARER\t xyz \r\n')).toBe('xyz');
    expect(bearerToken('Bearer a b')).toBe('a b');
    // No space after the scheme: the whole value is the token; the scheme alone is taken as is.
    expect(bearerToken('Bearerxyz')).toBe('Bearerxyz');
    expect(bearerToken('Bearer   ')).toBe('Bearer');
    expect(bearerToken('   ')).toBe('');
  });

  it('bearerToken takes time in proportion to its input, however it is padded', () => {
    // Spaces between two token characters made the old lazy pattern quadratic: 15,000 took ~300 ms.
    const padded = (spaces: number): string => `Bearer a${' '.repeat(spaces)}b`;
    const started = performance.now();
    expect(bearerToken(padded(1_000_000))).toBe(`a${' '.repeat(1_000_000)}b`);
    expect(bearerToken(' '.repeat(2_000_000))).toBe('');
    expect(performance.now() - started).toBeLessThan(200);
  });
});

describe('isBrowserRequest', () => {
  it('is true whenever an Origin header is present', () => {
    expect(isBrowserRequest({ origin: 'https://example.com' })).toBe(true);
    expect(isBrowserRequest({ origin: 'null' })).toBe(true);
    expect(isBrowserRequest({ host: '127.0.0.1' })).toBe(false);
  });
});
