// The app's lazily started offline server, with the real stream server and the real voice engine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listVoices } from '../elevenlabs/voices';
import { createHttpClient } from '../elevenlabs/http-client';
import { OfflineVoice } from '../engine/offline-voice';
import { startStreamServer } from '../engine/stream-server';
import type { RunningStreamServer, StreamServerOptions } from '../engine/stream-server';
import { SpeechError } from '../../shared/speech-errors';
import { createOfflineEngine } from './offline-engine';

let voice: OfflineVoice;

beforeAll(() => {
  voice = new OfflineVoice();
});

afterAll(async () => {
  await voice.close();
});

/** startStreamServer with the shared voice, counting starts; `failFirst` rejects the first start. */
function countingStart(failFirst = false) {
  const started: RunningStreamServer[] = [];
  let attempts = 0;
  const start = async (options: StreamServerOptions): Promise<RunningStreamServer> => {
    attempts += 1;
    if (failFirst && attempts === 1) throw new Error('port in use');
    const server = await startStreamServer({ ...options, voice });
    started.push(server);
    return server;
  };
  return { start, started, attempts: () => attempts };
}

async function isListening(url: string): Promise<boolean> {
  try {
    await fetch(`${url}/v1/models`, { signal: AbortSignal.timeout(2000) });
    return true;
  } catch {
    return false;
  }
}

describe('createOfflineEngine', () => {
  it('starts the server on first use only, once for callers at the same moment', async () => {
    const counting = countingStart();
    const engine = createOfflineEngine({ start: counting.start });
    expect(engine.running).toBe(false);
    expect(counting.attempts()).toBe(0);

    const [a, b] = await Promise.all([engine.endpoint(), engine.endpoint()]);
    expect(counting.attempts()).toBe(1);
    expect(a).toEqual(b);
    expect(engine.running).toBe(true);
    expect(await engine.endpoint()).toEqual(a);
    expect(counting.attempts()).toBe(1);

    // The endpoint really serves, with its token as the key.
    const voices = await listVoices(createHttpClient({ baseUrl: a.url, apiKey: a.token }));
    expect(voices.map((v) => v.voiceId)).toContain('en-us');

    await engine.close();
    expect(engine.running).toBe(false);
    expect(await isListening(a.url)).toBe(false);
    await expect(engine.endpoint()).rejects.toMatchObject({ name: 'SpeechError', code: 'engine_failed' });
    // close() twice is fine.
    await engine.close();
  });

  it('a failed start is reported as engine_failed and retried by the next call', async () => {
    const counting = countingStart(true);
    const engine = createOfflineEngine({ start: counting.start });
    const failure = await engine.endpoint().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SpeechError);
    expect(failure).toMatchObject({
      code: 'engine_failed',
      message: 'The offline voice could not be started (port in use).',
    });
    expect(engine.running).toBe(false);

    const endpoint = await engine.endpoint();
    expect(counting.attempts()).toBe(2);
    expect(await isListening(endpoint.url)).toBe(true);
    await engine.close();
  });

  it('close() during a start waits for it and stops the server it produced', async () => {
    const counting = countingStart();
    const engine = createOfflineEngine({ start: counting.start });
    const pending = engine.endpoint();
    pending.catch(() => undefined);
    await engine.close();
    await expect(pending).rejects.toMatchObject({ code: 'engine_failed' });
    expect(counting.started).toHaveLength(1);
    expect(await isListening(counting.started[0]!.url)).toBe(false);
  });

  it('uses startStreamServer with the given options by default', async () => {
    const engine = createOfflineEngine({ server: { voice, token: 'a-fixed-token-for-this-test' } });
    const endpoint = await engine.endpoint();
    expect(endpoint.token).toBe('a-fixed-token-for-this-test');
    expect(endpoint.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await engine.close();
  });
});
