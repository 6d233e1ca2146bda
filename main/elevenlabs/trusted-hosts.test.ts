import { describe, expect, it } from 'vitest';
import { API_REGIONS } from './http-client';
import { isTrustedHost, keyOrigin } from './trusted-hosts';

describe('isTrustedHost', () => {
  it("trusts every ElevenLabs API region over https, and over wss (the socket's own scheme)", () => {
    for (const { baseUrl } of Object.values(API_REGIONS)) {
      expect(isTrustedHost(baseUrl, [])).toBe(true);
      expect(isTrustedHost(`${baseUrl}/`, [])).toBe(true);
      expect(isTrustedHost(baseUrl.replace('https:', 'wss:'), [])).toBe(true);
    }
  });

  it('trusts loopback on any port and scheme', () => {
    for (const url of [
      'http://localhost:8080',
      'ws://localhost',
      'http://127.0.0.1:9',
      'http://127.1.2.3',
      'http://127.1',
      'https://[::1]:8443/v1',
    ]) {
      expect(isTrustedHost(url, [])).toBe(true);
    }
  });

  it('does not trust look-alikes of the ElevenLabs hosts', () => {
    for (const url of [
      'https://attacker.example',
      'https://api.elevenlabs.io.attacker.example',
      'https://api.elevenlabs.io@attacker.example',
      'https://elevenlabs.io',
      'https://evil.api.elevenlabs.io',
      'https://api.elevenlabs.io.',
      'https://api.elevenlabs.io:8443',
      'http://api.elevenlabs.io',
      'ws://api.elevenlabs.io',
      'https://localhost.attacker.example',
      'https://128.0.0.1',
      'https://[::2]',
      'ftp://api.elevenlabs.io',
      'not a url',
      '',
    ]) {
      expect(isTrustedHost(url, []), url).toBe(false);
    }
  });

  it('trusts a confirmed origin exactly: scheme, host and port', () => {
    const confirmed = ['https://proxy.example:8443'];
    expect(isTrustedHost('https://proxy.example:8443/eleven', confirmed)).toBe(true);
    expect(isTrustedHost('wss://proxy.example:8443', confirmed)).toBe(true);
    expect(isTrustedHost('https://proxy.example', confirmed)).toBe(false);
    expect(isTrustedHost('https://proxy.example:8444', confirmed)).toBe(false);
    expect(isTrustedHost('https://other.proxy.example:8443', confirmed)).toBe(false);
    expect(isTrustedHost('https://proxy.example:8443', ['https://proxy.example:8443/'])).toBe(false);
  });
});

describe('keyOrigin', () => {
  it('is the origin the HTTP API and its socket share', () => {
    expect(keyOrigin('wss://Proxy.Example:443/v1/')).toBe('https://proxy.example');
    expect(keyOrigin('ws://127.0.0.1:9000/x')).toBe('http://127.0.0.1:9000');
    expect(keyOrigin('mailto:a@b')).toBeUndefined();
    expect(keyOrigin('nope')).toBeUndefined();
  });
});
