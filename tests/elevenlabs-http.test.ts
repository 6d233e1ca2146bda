// The ElevenLabs HTTP client against a real HTTP server on 127.0.0.1 that answers like the API
// (payload fields from protocol.md §5), and misbehaves on demand: 401, quota, 500, bad JSON, a
// redirect, a server that never answers, a body that never ends, and nothing listening at all.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_OFFLINE_VOICE_ID } from '../main/engine/offline-voice';
import { startStreamServer } from '../main/engine/stream-server';
import { createHttpClient, type HttpClientConfig } from '../main/elevenlabs/http-client';
import { listModels, pickerModels } from '../main/elevenlabs/models';
import { getSubscription } from '../main/elevenlabs/subscription';
import { listVoices } from '../main/elevenlabs/voices';
import { SpeechError } from '../shared/speech-errors';

const KEY = 'sk_5d1c0a9e4b7f2e8c3a6d9b0f1e4c7a2d5b8e1f4a7c0d3e6b';

// ---------------------------------------------------------------------------------------------
// Payloads shaped like the real API's (field names from the OpenAPI schema), with extra fields the
// client must ignore.

const VOICES_BODY = {
  voices: [
    {
      voice_id: 'JBFqnCBsd6RMkjVDRZzb',
      name: 'George',
      samples: null,
      category: 'premade',
      fine_tuning: { is_allowed_to_fine_tune: true, state: {}, verification_failures: [] },
      labels: {
        accent: 'british',
        description: 'warm',
        age: 'middle aged',
        gender: 'male',
        use_case: 'narration',
      },
      description: 'Warm resonance that instantly captivates listeners.',
      preview_url: 'https://storage.googleapis.com/eleven-public-prod/premade/voices/george/preview.mp3',
      available_for_tiers: [],
      settings: null,
      sharing: null,
      high_quality_base_model_ids: ['eleven_turbo_v2', 'eleven_multilingual_v2'],
      verified_languages: [
        {
          language: 'en',
          model_id: 'eleven_multilingual_v2',
          accent: 'british',
          locale: 'en-GB',
          preview_url: null,
        },
      ],
      is_owner: false,
      is_legacy: false,
      is_mixed: false,
      created_at_unix: null,
    },
    {
      voice_id: 'cloned-voice-1',
      name: 'My narrator',
      category: 'cloned',
      labels: {},
      preview_url: null,
      available_for_tiers: [],
      high_quality_base_model_ids: [],
      is_owner: true,
    },
  ],
};

const MODELS_BODY = [
  {
    model_id: 'eleven_multilingual_v2',
    name: 'Eleven Multilingual v2',
    can_be_finetuned: true,
    can_do_text_to_speech: true,
    can_do_voice_conversion: false,
    can_use_style: true,
    can_use_speaker_boost: true,
    serves_pro_voices: false,
    token_cost_factor: 1,
    description: 'Our most life-like, emotionally rich mode.',
    requires_alpha_access: false,
    max_characters_request_free_user: 2500,
    max_characters_request_subscribed_user: 10000,
    maximum_text_length_per_request: 10000,
    languages: [
      { language_id: 'en', name: 'English' },
      { language_id: 'de', name: 'German' },
    ],
    model_rates: { character_cost_multiplier: 1 },
    concurrency_group: 'standard',
  },
  {
    model_id: 'eleven_v3',
    name: 'Eleven v3',
    can_do_text_to_speech: true,
    languages: [{ language_id: 'en', name: 'English' }],
    concurrency_group: 'standard',
  },
  {
    model_id: 'eleven_multilingual_sts_v2',
    name: 'Eleven Multilingual v2 (speech to speech)',
    can_do_text_to_speech: false,
    can_do_voice_conversion: true,
    languages: [],
  },
];

const SUBSCRIPTION_BODY = {
  tier: 'creator',
  character_count: 23456,
  character_limit: 100000,
  max_character_limit_extension: null,
  can_extend_character_limit: true,
  allowed_to_extend_character_limit: false,
  next_character_count_reset_unix: 1767225600,
  voice_slots_used: 2,
  professional_voice_slots_used: 0,
  voice_limit: 30,
  voice_add_edit_counter: 4,
  professional_voice_limit: 1,
  can_extend_voice_limit: false,
  can_use_instant_voice_cloning: true,
  can_use_professional_voice_cloning: true,
  currency: 'usd',
  status: 'active',
  billing_period: 'monthly_period',
  character_refresh_period: 'monthly_period',
  has_open_invoices: false,
};

// ---------------------------------------------------------------------------------------------
// A loopback server whose answer each test chooses.

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
}

interface TestServer {
  baseUrl: string;
  requests: RecordedRequest[];
  handle(handler: Handler): void;
  close(): Promise<void>;
}

const servers: TestServer[] = [];

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** Answers like the API: the key must be in the header, routes by path. */
const apiHandler: Handler = (req, res) => {
  if (req.headers['xi-api-key'] !== KEY) {
    json(res, 401, { detail: { status: 'invalid_api_key', message: 'Invalid API key' } });
    return;
  }
  const path = new URL(req.url ?? '/', 'http://x').pathname.replace(/^\/proxy/, '');
  if (path === '/v1/voices') json(res, 200, VOICES_BODY);
  else if (path === '/v1/models') json(res, 200, MODELS_BODY);
  else if (path === '/v1/user/subscription') json(res, 200, SUBSCRIPTION_BODY);
  else json(res, 404, { detail: 'Not Found' });
};

async function startServer(): Promise<TestServer> {
  let handler: Handler = apiHandler;
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const testServer: TestServer = {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    handle: (next) => (handler = next),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections(); // the client's keep-alive sockets and any hanging request
      }),
  };
  servers.push(testServer);
  return testServer;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

function client(
  server: TestServer,
  config: Partial<HttpClientConfig> = {},
): ReturnType<typeof createHttpClient> {
  return createHttpClient({ baseUrl: server.baseUrl, apiKey: KEY, ...config });
}

async function failure(promise: Promise<unknown>): Promise<SpeechError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SpeechError);
  const speechError = error as SpeechError;
  expect(`${speechError.message} ${speechError.stack}`).not.toContain(KEY);
  return speechError;
}

/** The key travels in the xi-api-key header and nowhere else: not in the URL, not in another header. */
function expectKeyOnlyInHeader(requests: RecordedRequest[]): void {
  expect(requests.length).toBeGreaterThan(0);
  for (const request of requests) {
    expect(request.method).toBe('GET');
    expect(request.headers['xi-api-key']).toBe(KEY);
    expect(decodeURIComponent(request.url)).not.toContain(KEY);
    const others = Object.entries(request.headers).filter(([name]) => name !== 'xi-api-key');
    expect(JSON.stringify(others)).not.toContain(KEY);
  }
}

// ---------------------------------------------------------------------------------------------

describe('ElevenLabs HTTP API on a loopback server', () => {
  it('lists voices with what the picker shows', async () => {
    const server = await startServer();
    const voices = await listVoices(client(server));
    expect(voices).toEqual([
      {
        voiceId: 'JBFqnCBsd6RMkjVDRZzb',
        name: 'George',
        category: 'premade',
        labels: {
          accent: 'british',
          description: 'warm',
          age: 'middle aged',
          gender: 'male',
          use_case: 'narration',
        },
        previewUrl: 'https://storage.googleapis.com/eleven-public-prod/premade/voices/george/preview.mp3',
        language: 'en',
      },
      { voiceId: 'cloned-voice-1', name: 'My narrator', category: 'cloned', labels: {} },
    ]);
    expect(server.requests[0]?.url).toBe('/v1/voices');
    expectKeyOnlyInHeader(server.requests);
  });

  it('passes show_legacy as a query parameter', async () => {
    const server = await startServer();
    await listVoices(client(server), { showLegacy: true });
    expect(server.requests[0]?.url).toBe('/v1/voices?show_legacy=true');
  });

  it('lists models, and the picker keeps only stream-input speech models', async () => {
    const server = await startServer();
    const models = await listModels(client(server));
    expect(models.map((m) => m.modelId)).toEqual([
      'eleven_multilingual_v2',
      'eleven_v3',
      'eleven_multilingual_sts_v2',
    ]);
    expect(models[0]).toEqual({
      modelId: 'eleven_multilingual_v2',
      name: 'Eleven Multilingual v2',
      canDoTextToSpeech: true,
      languages: [
        { languageId: 'en', name: 'English' },
        { languageId: 'de', name: 'German' },
      ],
      maxCharacters: 10000,
    });
    expect(pickerModels(models).map((m) => m.modelId)).toEqual(['eleven_multilingual_v2']);
    expectKeyOnlyInHeader(server.requests);
  });

  it('reads the subscription and computes the remaining characters', async () => {
    const server = await startServer();
    expect(await getSubscription(client(server))).toEqual({
      tier: 'creator',
      characterCount: 23456,
      characterLimit: 100000,
      remaining: 76544,
      nextResetUnix: 1767225600,
    });
    expectKeyOnlyInHeader(server.requests);
  });

  it('works behind a path prefix and with a ws:// base (the socket base URL)', async () => {
    const server = await startServer();
    const wsBase = `${server.baseUrl.replace('http:', 'ws:')}/proxy/`;
    expect(await listModels(createHttpClient({ baseUrl: wsBase, apiKey: KEY }))).toHaveLength(3);
    expect(server.requests[0]?.url).toBe('/proxy/v1/models');
  });
});

describe('ElevenLabs HTTP errors', () => {
  it('a wrong key is invalid_api_key (401), and the wrong key is not echoed', async () => {
    const server = await startServer();
    const wrong = 'sk_wrong0000000000000000000000000000000000000000';
    const error = await failure(listVoices(createHttpClient({ baseUrl: server.baseUrl, apiKey: wrong })));
    expect(error.code).toBe('invalid_api_key');
    expect(error.status).toBe(401);
    expect(error.message).not.toContain(wrong);
  });

  it('no key at all is authentication_required', async () => {
    const server = await startServer();
    server.handle((_req, res) => json(res, 401, { detail: 'Unauthorized' }));
    const error = await failure(listVoices(createHttpClient({ baseUrl: server.baseUrl })));
    expect(error.code).toBe('authentication_required');
    expect(server.requests[0]?.headers['xi-api-key']).toBeUndefined();
  });

  it('detail.status quota_exceeded and voice_not_found keep their codes', async () => {
    const server = await startServer();
    server.handle((_req, res) =>
      json(res, 401, {
        detail: {
          status: 'quota_exceeded',
          message: 'This request exceeds your quota of 10000. You have 0 credits.',
        },
      }),
    );
    expect((await failure(getSubscription(client(server)))).code).toBe('quota_exceeded');
    server.handle((_req, res) =>
      json(res, 400, {
        detail: { status: 'voice_not_found', message: 'A voice with that ID was not found.' },
      }),
    );
    const notFound = await failure(listVoices(client(server)));
    expect(notFound.code).toBe('voice_not_found');
    expect(notFound.status).toBe(400);
  });

  it('a 500 is server_error with the status and the server message', async () => {
    const server = await startServer();
    server.handle((_req, res) =>
      json(res, 500, { detail: { status: 'internal_error', message: 'Database is down' } }),
    );
    const error = await failure(listModels(client(server)));
    expect(error.code).toBe('server_error');
    expect(error.status).toBe(500);
    expect(error.message).toMatch(/HTTP 500 for GET \/v1\/models\. Database is down/);
  });

  it('a 502 HTML page from a proxy is still a server_error', async () => {
    const server = await startServer();
    server.handle((_req, res) =>
      res.writeHead(502, { 'content-type': 'text/html' }).end('<html>Bad Gateway</html>'),
    );
    const error = await failure(listModels(client(server)));
    expect(error).toMatchObject({ code: 'server_error', status: 502 });
  });

  it('invalid JSON is malformed_frame', async () => {
    const server = await startServer();
    server.handle((_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"voices": [ {"voi'),
    );
    const error = await failure(listVoices(client(server)));
    expect(error.code).toBe('malformed_frame');
    expect(error.message).toMatch(/GET \/v1\/voices is not valid JSON/);
  });

  it('valid JSON of the wrong shape is malformed_frame naming the field', async () => {
    const server = await startServer();
    server.handle((_req, res) => json(res, 200, { voices: [{ voice_id: 42, name: 'x' }] }));
    const error = await failure(listVoices(client(server)));
    expect(error.code).toBe('malformed_frame');
    expect(error.message).toMatch(/voices\[0\]\.voice_id/);
  });

  it('a redirect is not followed, so the key never reaches the other address', async () => {
    const elsewhere = await startServer();
    const server = await startServer();
    server.handle((_req, res) => res.writeHead(302, { location: `${elsewhere.baseUrl}/v1/voices` }).end());
    const error = await failure(listVoices(client(server)));
    expect(error).toMatchObject({ code: 'server_error', status: 302 });
    expect(error.message).toMatch(/redirects are not followed/);
    expect(elsewhere.requests).toHaveLength(0);
  });

  it('a server that never answers is connect_timeout after the configured time', async () => {
    const server = await startServer();
    server.handle(() => undefined); // accepts the request, never responds
    const started = Date.now();
    const error = await failure(listVoices(client(server, { timeoutMs: 300 })));
    expect(error.code).toBe('connect_timeout');
    expect(error.message).toMatch(/did not answer GET \/v1\/voices within 0\.3 s/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('a body that stops halfway also times out', async () => {
    const server = await startServer();
    server.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"voices": [');
    });
    expect((await failure(listVoices(client(server, { timeoutMs: 300 })))).code).toBe('connect_timeout');
  });

  it('the default timeout is 10 s', async () => {
    const server = await startServer();
    server.handle(() => undefined);
    const started = Date.now();
    const error = await failure(getSubscription(client(server)));
    expect(error.code).toBe('connect_timeout');
    expect(error.message).toMatch(/within 10 s/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(9_500);
  }, 20_000);

  it("the caller's signal cancels a request as aborted, not as a timeout", async () => {
    const server = await startServer();
    server.handle(() => undefined);
    const controller = new AbortController();
    const pending = listVoices(client(server), { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    expect((await failure(pending)).code).toBe('aborted');
  });

  it('nothing listening is a network error that says so', async () => {
    const server = await startServer();
    const baseUrl = server.baseUrl;
    await server.close();
    servers.splice(servers.indexOf(server), 1);
    const error = await failure(listVoices(createHttpClient({ baseUrl, apiKey: KEY })));
    expect(error.code).toBe('network');
    expect(error.message).toMatch(/Nothing is listening at that address/);
  });
});

describe("Hark's offline server through the same client", () => {
  it('lists its voices and its model with the server token as the key', async () => {
    const server = await startStreamServer();
    try {
      const offline = createHttpClient({ baseUrl: server.url, apiKey: server.token });
      const voices = await listVoices(offline);
      expect(voices.length).toBeGreaterThan(0);
      const english = voices.find((voice) => voice.voiceId === DEFAULT_OFFLINE_VOICE_ID);
      expect(english).toMatchObject({ voiceId: DEFAULT_OFFLINE_VOICE_ID, category: 'premade' });
      expect(english?.language).toBeTruthy();
      expect(english?.previewUrl).toBeUndefined();

      const models = await listModels(offline);
      expect(models).toHaveLength(1);
      expect(models[0]).toMatchObject({ canDoTextToSpeech: true });
      expect(models[0]?.languages.length).toBeGreaterThan(0);
      expect(pickerModels(models)).toEqual(models);

      // No subscription route offline: a clear server_error, not a crash.
      expect(await failure(getSubscription(offline))).toMatchObject({ code: 'server_error', status: 404 });
    } finally {
      await server.close();
    }
  });

  it('refuses a wrong token as invalid_api_key and a missing one as authentication_required', async () => {
    const server = await startStreamServer({ token: 'the-right-token-for-this-test' });
    try {
      const wrong = createHttpClient({ baseUrl: server.url, apiKey: 'a-wrong-token-for-this-test' });
      expect(await failure(listVoices(wrong))).toMatchObject({ code: 'invalid_api_key', status: 401 });
      const none = createHttpClient({ baseUrl: server.url });
      expect(await failure(listModels(none))).toMatchObject({ code: 'authentication_required', status: 401 });
    } finally {
      await server.close();
    }
  });
});
