// Every way a stream-input session can fail, against a real (scripted) WebSocket server: the
// SpeechError code, a message a person can read, and nothing left behind (timers, sockets).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SpeechError } from '../shared/speech-errors';
import type { SpeechErrorCode } from '../shared/speech-errors';
import { StreamSession } from '../main/speech/session';
import type { SessionConfig } from '../main/speech/session';
import {
  liveHandles,
  pcmSilence,
  startScriptedServer,
  trackTimers,
  unusedPort,
} from './helpers/scripted-server';
import type {
  ConnectionScript,
  ScriptedConnection,
  ScriptedServer,
  TimerTracker,
} from './helpers/scripted-server';

const API_KEY = 'sk_secret_0123456789abcdef';

let server: ScriptedServer | undefined;
let baseline: ReturnType<typeof liveHandles>;
let timers: TimerTracker;

beforeEach(() => {
  baseline = liveHandles();
  timers = trackTimers();
});

afterEach(async () => {
  try {
    await server?.close();
    server = undefined;
    // Sockets close asynchronously after destroy(); give them a moment, then nothing may be left.
    const deadline = Date.now() + 2000;
    while (Date.now() < deadline && (timers.pending() > 0 || !sameHandles(liveHandles(), baseline))) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(liveHandles()).toEqual(baseline);
    expect(timers.pending()).toBe(0);
  } finally {
    timers.restore();
  }
});

function sameHandles(a: ReturnType<typeof liveHandles>, b: ReturnType<typeof liveHandles>): boolean {
  return a.sockets === b.sockets && a.servers === b.servers;
}

async function serve(script: ConnectionScript): Promise<ScriptedServer> {
  server = await startScriptedServer(script);
  return server;
}

function sessionAt(baseUrl: string, config: Partial<SessionConfig> = {}): StreamSession {
  return new StreamSession({
    baseUrl,
    voiceId: 'voice-1',
    apiKey: API_KEY,
    query: { output_format: 'pcm_16000' },
    ...config,
  });
}

async function failureOf(promise: Promise<unknown>): Promise<SpeechError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(SpeechError);
    return error as SpeechError;
  }
  throw new Error('expected the promise to reject');
}

/** A message for people: a sentence, no codes or internals, and never the key. */
function expectHuman(error: SpeechError): void {
  expect(error.message).toMatch(/^[A-Z]/);
  expect(error.message).toMatch(/[.)]$/);
  expect(error.message.length).toBeGreaterThan(20);
  expect(error.message).not.toMatch(/undefined|null|\[object|Error:|\{|ECONN|ENOTFOUND|WS_ERR|\bat \S+:\d+/);
  expect(error.message).not.toContain(API_KEY);
  expect(error.message).not.toMatch(/\b[a-z]+_[a-z_]+\b/); // no snake_case error codes
}

/** Fails in the given way and checks the whole outcome: code, message, state, both promises. */
async function expectFailure(
  session: StreamSession,
  code: SpeechErrorCode,
  pending: Promise<unknown> = session.finished(),
): Promise<SpeechError> {
  const error = await failureOf(pending);
  expect(error.code).toBe(code);
  expectHuman(error);
  expect(session.state).toEqual({ kind: 'failed', error });
  expect(await failureOf(session.finished())).toBe(error);
  return error;
}

/** The client dropped its end of the connection by itself (no server.close() needed). */
async function expectClientHungUp(connection: ScriptedConnection): Promise<void> {
  await connection.socketClosed;
}

/** Accepts, reads the BOS and the first text, then runs `then`. */
function afterFirstText(then: (c: ScriptedConnection) => unknown): ConnectionScript {
  return async (c) => {
    await c.accept();
    await c.nextMessage();
    await c.nextMessage();
    await then(c);
  };
}

async function speak(session: StreamSession, text = 'Hello there.'): Promise<void> {
  await session.connect();
  session.send(text, { flush: true });
}

describe('in-band error frames', () => {
  const cases: [string, string, SpeechErrorCode][] = [
    ['invalid_api_key', 'Invalid API key', 'invalid_api_key'],
    [
      'quota_exceeded',
      'This request exceeds your quota of 10000. You have 12 credits remaining.',
      'quota_exceeded',
    ],
    [
      'input_timeout_exceeded',
      'Have not received a new text input within the timeout of 20 seconds. Streaming input terminated.',
      'input_timeout_exceeded',
    ],
    [
      'invalid_input_message',
      'Could not parse input message, make sure it is a json and follows the schema outlined in protocol.',
      'invalid_input_message',
    ],
    [
      'authentication_required',
      'None of the authentication methods (xi-api-key, authorization header, single-use token) were found.',
      'authentication_required',
    ],
    // What the service says on the socket for a deleted or unknown voice.
    ['voice_id_does_not_exist', 'A voice with voice_id voice-1 does not exist.', 'voice_not_found'],
  ];

  it.each(cases)('maps %s to its own code', async (wireError, wireMessage, code) => {
    const running = await serve(afterFirstText((c) => c.sendError(wireError, wireMessage)));
    const session = sessionAt(running.url);
    await speak(session);
    const error = await expectFailure(session, code);
    expect(error.status).toBe(1008);
    await expectClientHungUp(running.connections[0]!);
  });

  it('keeps the server words for an unknown error code', async () => {
    const words = 'We are sorry, something went wrong. You are not charged for this request.';
    const running = await serve(afterFirstText((c) => c.sendError('internal_oops', words)));
    const session = sessionAt(running.url);
    await speak(session);
    const error = await expectFailure(session, 'server_error');
    expect(error.message).toContain(words);
  });
});

describe('refused handshake', () => {
  const cases: [number, SpeechErrorCode][] = [
    [401, 'invalid_api_key'],
    [403, 'handshake_refused'],
    [404, 'voice_not_found'],
    [500, 'handshake_refused'],
  ];

  it.each(cases)('HTTP %i becomes %s', async (status, code) => {
    const running = await serve((c) => c.refuse(status));
    const session = sessionAt(running.url);
    const error = await expectFailure(session, code, session.connect());
    expect(error.status).toBe(status);
    if (code === 'handshake_refused') expect(error.message).toContain(String(status));
  });

  it("shows the server's reason for a refusal: eleven_v3 on this socket (HTTP 400)", async () => {
    const sentence =
      "Model 'eleven_v3' is not supported on the text-to-speech websocket endpoint. Use the text-to-dialogue websocket endpoint instead.";
    const body = JSON.stringify({
      detail: {
        code: 'unsupported_model',
        message: sentence,
        param: 'model_id',
        status: 'unsupported_model',
        type: 'validation_error',
      },
    });
    const running = await serve((c) => c.refuse(400, body, 'application/json'));
    const session = sessionAt(running.url, { query: { output_format: 'pcm_16000', model_id: 'eleven_v3' } });
    const error = await expectFailure(session, 'handshake_refused', session.connect());
    expect(error.status).toBe(400);
    expect(error.message).toContain('(HTTP 400)');
    expect(error.message).toContain(sentence);
    expect(error.message).toMatch(/Choose another model/);
  });

  it('shows a plain string detail or a top-level message, and never an HTML page', async () => {
    const bodies: [string, string, string | undefined][] = [
      ['{"detail":"Too many concurrent requests."}', 'application/json', 'Too many concurrent requests.'],
      ['{"message":"Service unavailable."}', 'application/json', 'Service unavailable.'],
      ['<html><body>Bad gateway</body></html>', 'text/html', undefined],
    ];
    for (const [body, type, shown] of bodies) {
      const running = await serve((c) => c.refuse(503, body, type));
      const session = sessionAt(running.url);
      const error = await failureOf(session.connect());
      expect(error).toMatchObject({ code: 'handshake_refused', status: 503 });
      if (shown) expect(error.message).toContain(shown);
      else expect(error.message).toBe('The server refused the connection. (HTTP 503).');
      await running.close();
      server = undefined;
    }
  });

  it('reads at most a few kilobytes of a huge refusal body', async () => {
    const body = JSON.stringify({ detail: { message: 'x'.repeat(2_000_000) } });
    const running = await serve((c) => c.refuse(400, body, 'application/json'));
    const session = sessionAt(running.url);
    const error = await expectFailure(session, 'handshake_refused', session.connect());
    // Cut off before the JSON closes, so there is nothing to show but the status.
    expect(error.message).toBe('The server refused the connection. (HTTP 400).');
  });
});

describe('network failures', () => {
  it('reports a refused connection', async () => {
    const session = sessionAt(`http://127.0.0.1:${await unusedPort()}`);
    const error = await expectFailure(session, 'network', session.connect());
    expect(error.message).toMatch(/Nothing is listening/);
  });

  it('reports a host name that does not resolve', async () => {
    const session = sessionAt('https://hark-test.invalid');
    const error = await expectFailure(session, 'network', session.connect());
    expect(error.message).toMatch(/could not be resolved/);
  });

  it('reports an invalid base URL as a network error, before any connection', async () => {
    const session = sessionAt('ftp://127.0.0.1');
    await expectFailure(session, 'network', session.connect());
  });

  it('times out when the server never answers the upgrade', async () => {
    const running = await serve(() => undefined); // accepts TCP, never answers
    const session = sessionAt(running.url, { timeouts: { connectMs: 300 } });
    const started = Date.now();
    await expectFailure(session, 'connect_timeout', session.connect());
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    await expectClientHungUp(running.connections[0]!);
  });

  it('reports a connection dropped mid-stream (1006)', async () => {
    const running = await serve(
      afterFirstText(async (c) => {
        c.sendAudio(pcmSilence(50, 16000));
        await c.sleep(20);
        c.drop();
      }),
    );
    const session = sessionAt(running.url);
    await speak(session);
    const error = await expectFailure(session, 'network');
    expect(error.status).toBe(1006);
  });
});

describe('timeouts while audio is expected', () => {
  it('fails when the server accepts text but sends no audio', async () => {
    const running = await serve(afterFirstText(() => undefined));
    const session = sessionAt(running.url, { timeouts: { firstAudioMs: 300 } });
    await speak(session);
    await expectFailure(session, 'first_audio_timeout');
    await expectClientHungUp(running.connections[0]!);
  });

  it('fails when audio stops mid-stream', async () => {
    const running = await serve(async (c) => {
      await c.accept();
      await c.waitForEndOfInput();
      c.sendAudio(pcmSilence(100, 16000));
      // ...and then nothing.
    });
    const session = sessionAt(running.url, { timeouts: { silenceMs: 300 } });
    let chunks = 0;
    session.on('audio', () => chunks++);
    await speak(session);
    session.end();
    await expectFailure(session, 'silence_timeout');
    expect(chunks).toBe(1);
    await expectClientHungUp(running.connections[0]!);
  });

  it('does not time out while the caller is merely quiet (nothing is owed)', async () => {
    const running = await serve(
      afterFirstText(async (c) => {
        c.sendAudio(pcmSilence(100, 16000));
        await c.waitForEndOfInput();
        c.sendFinal();
        c.close(1000);
      }),
    );
    const session = sessionAt(running.url, { timeouts: { firstAudioMs: 200, silenceMs: 200 } });
    await speak(session);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(session.state.kind).toBe('open');
    session.end();
    await session.finished();
  });
});

describe('server closes early', () => {
  it('reports close 1011', async () => {
    const running = await serve(afterFirstText((c) => c.close(1011, 'internal error')));
    const session = sessionAt(running.url);
    await speak(session);
    const error = await expectFailure(session, 'server_closed');
    expect(error.status).toBe(1011);
    expect(error.message).toContain('1011');
  });

  it('treats a 1000 close before the end of input as an early hang-up', async () => {
    const running = await serve(afterFirstText((c) => c.close(1000)));
    const session = sessionAt(running.url);
    await speak(session);
    const error = await expectFailure(session, 'server_closed');
    expect(error.status).toBe(1000);
  });
});

describe('malformed frames are fatal', () => {
  const cases: [string, (c: ScriptedConnection) => void][] = [
    ['not JSON', (c) => c.sendRaw('{"audio": "AAAA"')],
    ['invalid base64', (c) => c.send({ audio: 'not*base64', isFinal: null })],
    ['not an object', (c) => c.send(['audio', 'AAAA'])],
    ['bad alignment', (c) => c.send({ audio: 'AAAA', alignment: { chars: ['a'], charStartTimesMs: [] } })],
    ['a binary frame', (c) => c.sendRaw(Uint8Array.of(1, 2, 3), { binary: true })],
  ];

  it.each(cases)('%s', async (_name, misbehave) => {
    const running = await serve(afterFirstText(misbehave));
    const session = sessionAt(running.url);
    await speak(session);
    await expectFailure(session, 'malformed_frame');
    await expectClientHungUp(running.connections[0]!);
  });
});

describe('frames of shapes Hark does not know', () => {
  it('are ignored mid-reading and logged once, by their field names only', async () => {
    const pcm = pcmSilence(100, 16000);
    const running = await serve(async (c) => {
      await c.accept();
      await c.nextMessage(); // BOS
      await c.nextMessage(); // the text
      c.sendAudio(pcm);
      c.send({ type: 'flush_done', context_id: 'c1' });
      c.send({ is_final: true });
      c.send({ type: 'flush_done', context_id: API_KEY });
      c.sendAudio(pcm);
      await c.waitForEndOfInput();
      c.sendAudio(pcm);
      c.sendFinal();
      c.close(1000);
    });
    const lines: string[] = [];
    const session = sessionAt(running.url, { log: (line) => lines.push(line) });
    let audioMs = 0;
    session.on('audio', (chunk) => (audioMs += chunk.durationMs));
    await speak(session);
    session.end();
    await session.finished();
    expect(session.state.kind).toBe('done');
    expect(audioMs).toBeCloseTo(300, 6);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('flush_done');
    expect(lines[0]).not.toContain(API_KEY);
  });
});

describe('abort', () => {
  it('aborts while connecting', async () => {
    const running = await serve(() => undefined); // never answers the upgrade
    const controller = new AbortController();
    const session = sessionAt(running.url, { signal: controller.signal });
    const connecting = session.connect();
    await running.nextConnection();
    controller.abort();
    const error = await failureOf(connecting);
    expect(error.code).toBe('aborted');
    expectHuman(error);
    expect(session.state).toEqual({ kind: 'cancelled' });
    expect(await failureOf(session.finished())).toBe(error);
    await expectClientHungUp(running.connections[0]!);
  });

  it('aborts mid-stream and closes the socket at once', async () => {
    const running = await serve(
      afterFirstText(async (c) => {
        c.sendAudio(pcmSilence(100, 16000));
        await c.closed;
      }),
    );
    const controller = new AbortController();
    const session = sessionAt(running.url, { signal: controller.signal });
    const firstChunk = new Promise((resolve) => session.on('audio', resolve));
    await speak(session);
    await firstChunk;
    controller.abort();
    expect(session.state).toEqual({ kind: 'cancelled' });
    expect((await failureOf(session.finished())).code).toBe('aborted');
    await expectClientHungUp(running.connections[0]!);
    expect((await running.connections[0]!.closed).code).toBe(1006);
  });

  it('does not connect at all with an already aborted signal', async () => {
    const running = await serve((c) => c.accept());
    const session = sessionAt(running.url, { signal: AbortSignal.abort() });
    expect((await failureOf(session.connect())).code).toBe('aborted');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(running.connections).toHaveLength(0);
  });
});

describe('the API key', () => {
  it('travels only in the xi-api-key header', async () => {
    const running = await serve(async (c) => {
      await c.accept();
      await c.waitForEndOfInput();
      c.sendAudio(pcmSilence(50, 16000));
      c.sendFinal();
      c.close(1000);
    });
    const session = sessionAt(running.url, { query: { output_format: 'pcm_16000', inactivity_timeout: 1 } });
    await speak(session);
    await new Promise((resolve) => setTimeout(resolve, 900)); // let a keep-alive go out too
    session.end();
    await session.finished();
    const connection = running.connections[0]!;
    expect(connection.headers['xi-api-key']).toBe(API_KEY);
    expect(connection.url.toString()).not.toContain(API_KEY);
    expect(JSON.stringify(connection.messages)).not.toContain(API_KEY);
    expect(connection.messages).toContainEqual({ text: ' ' }); // the keep-alive
    const otherHeaders = Object.entries(connection.headers).filter(([name]) => name !== 'xi-api-key');
    expect(JSON.stringify(otherHeaders)).not.toContain(API_KEY);
  });

  it('is not sent at all when there is none', async () => {
    const running = await serve((c) => c.accept());
    const session = sessionAt(running.url, { apiKey: undefined });
    await session.connect();
    session.cancel();
    expect(running.connections[0]!.headers['xi-api-key']).toBeUndefined();
  });
});
