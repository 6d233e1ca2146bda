import { describe, expect, it } from 'vitest';
import {
  API_REGIONS,
  buildApiUrl,
  createHttpClient,
  errorFromHttpStatus,
  readErrorDetail,
} from './http-client';
import { SpeechError } from '../../shared/speech-errors';

const CONTEXT = { request: 'GET /v1/voices', keySent: true };

describe('buildApiUrl', () => {
  it('joins the path under the base, keeping a proxy prefix and dropping a stray query', () => {
    expect(buildApiUrl('https://api.elevenlabs.io', '/v1/voices').href).toBe(
      'https://api.elevenlabs.io/v1/voices',
    );
    expect(buildApiUrl('https://proxy.example/eleven/?x=1', 'v1/models').href).toBe(
      'https://proxy.example/eleven/v1/models',
    );
  });

  it('maps ws(s) bases to http(s), so one base URL serves the socket and the HTTP API', () => {
    expect(buildApiUrl('ws://127.0.0.1:8123', '/v1/models').href).toBe('http://127.0.0.1:8123/v1/models');
    expect(buildApiUrl('wss://api.eu.residency.elevenlabs.io', '/v1/models').protocol).toBe('https:');
  });

  it('adds defined query values only', () => {
    const url = buildApiUrl('https://api.elevenlabs.io', '/v1/voices', {
      show_legacy: true,
      page: undefined,
    });
    expect(url.search).toBe('?show_legacy=true');
  });

  it('refuses other schemes', () => {
    expect(() => buildApiUrl('file:///etc', '/v1/voices')).toThrow(/Unsupported base URL scheme/);
  });

  it('has a preset for every documented region, all https', () => {
    expect(Object.keys(API_REGIONS).sort()).toEqual(['eu', 'global', 'in', 'sg', 'us']);
    for (const region of Object.values(API_REGIONS)) expect(new URL(region.baseUrl).protocol).toBe('https:');
  });
});

describe('readErrorDetail', () => {
  it('reads the three shapes of `detail`', () => {
    expect(readErrorDetail({ detail: { status: 'quota_exceeded', message: 'used up' } })).toEqual({
      status: 'quota_exceeded',
      message: 'used up',
    });
    expect(readErrorDetail({ detail: 'Not Found' })).toEqual({ message: 'Not Found' });
    expect(readErrorDetail({ detail: [{ loc: ['query'], msg: 'bad value', type: 'x' }] })).toEqual({
      message: 'bad value',
    });
    expect(readErrorDetail('<html>')).toEqual({});
  });
});

describe('errorFromHttpStatus', () => {
  it('uses detail.status codes whatever the HTTP status', () => {
    for (const status of ['quota_exceeded', 'voice_not_found', 'invalid_api_key'] as const) {
      const error = errorFromHttpStatus(400, { detail: { status, message: 'x' } }, CONTEXT);
      expect(error.code).toBe(status);
      expect(error.status).toBe(400);
    }
  });

  it('401 is a rejected key, or a missing one when no key was sent', () => {
    expect(errorFromHttpStatus(401, undefined, CONTEXT).code).toBe('invalid_api_key');
    expect(errorFromHttpStatus(401, undefined, { ...CONTEXT, keySent: false }).code).toBe(
      'authentication_required',
    );
    const invalidButNoKey = { detail: { status: 'invalid_api_key', message: 'Invalid API key' } };
    expect(errorFromHttpStatus(401, invalidButNoKey, { ...CONTEXT, keySent: false }).code).toBe(
      'authentication_required',
    );
  });

  it('explains a key that lacks a permission, in the server words', () => {
    const error = errorFromHttpStatus(
      401,
      {
        detail: {
          status: 'missing_permissions',
          message: 'The API key is missing the permission user_read.',
        },
      },
      CONTEXT,
    );
    expect(error.code).toBe('invalid_api_key');
    expect(error.message).toMatch(/lacks a permission.*user_read/);
  });

  it('anything else is a server error naming the status, the request and the server message', () => {
    const error = errorFromHttpStatus(
      503,
      { detail: { status: 'system_busy', message: 'Try later' } },
      CONTEXT,
    );
    expect(error.code).toBe('server_error');
    expect(error.status).toBe(503);
    expect(error.message).toMatch(/HTTP 503 for GET \/v1\/voices\. Try later/);
  });

  it('clips a long server message', () => {
    const error = errorFromHttpStatus(500, { detail: 'x'.repeat(5000) }, CONTEXT);
    expect(error.message.length).toBeLessThan(500);
  });
});

describe('createHttpClient (no network needed)', () => {
  it('rejects an unusable key before sending, without echoing it', async () => {
    const client = createHttpClient({ baseUrl: 'http://127.0.0.1:9', apiKey: 'sk_abc def\u00e9' });
    const error = await client.getJson('/v1/voices').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SpeechError);
    expect((error as SpeechError).code).toBe('invalid_api_key');
    expect((error as SpeechError).message).not.toContain('abc def');
  });

  it('rejects a base URL that is not a URL with a SpeechError', async () => {
    const client = createHttpClient({ baseUrl: 'not a url' });
    await expect(client.getJson('/v1/voices')).rejects.toMatchObject({ code: 'network' });
  });

  it('rejects at once when the caller signal is already aborted', async () => {
    const client = createHttpClient({ baseUrl: 'http://127.0.0.1:9' });
    await expect(client.getJson('/v1/voices', { signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: 'aborted',
    });
  });
});
