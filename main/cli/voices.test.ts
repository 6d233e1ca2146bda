import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStreamServer } from '../engine/stream-server';
import type { RunningStreamServer } from '../engine/stream-server';
import { formatVoices, listElevenLabsVoices } from './voices';

describe('formatVoices', () => {
  it('aligns id, name and detail in columns, one voice per line', () => {
    const text = formatVoices([
      { voiceId: 'en-us', name: 'English (America)', detail: 'en-us' },
      { voiceId: 'de', name: 'German', detail: '' },
    ]);
    expect(text).toBe('en-us  English (America)  en-us\nde     German\n');
  });
});

describe('listElevenLabsVoices', () => {
  let server: RunningStreamServer;

  beforeAll(async () => {
    server = await startStreamServer();
  });

  afterAll(async () => {
    await server.close();
  });

  it('lists the voices of a compatible server through GET /v1/voices', async () => {
    const voices = await listElevenLabsVoices(server.url, server.token, new AbortController().signal);
    expect(voices).toContainEqual(
      expect.objectContaining({ voiceId: 'en-us', detail: expect.stringMatching(/^premade/) }),
    );
  });

  it('rejects a wrong key with the invalid_api_key code', async () => {
    await expect(
      listElevenLabsVoices(server.url, 'not-the-token', new AbortController().signal),
    ).rejects.toMatchObject({ code: 'invalid_api_key' });
  });
});
