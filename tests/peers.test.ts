// Clients we did not write against our own client code: a Python client in the style of the
// original ElevenLabs example (websockets 10.4 legacy asyncio API, key in the BOS message) and a
// Node client in the style of the docs' TypeScript example (`ws`, `xi-api-key` header). Both must get
// audio and the final frame from the offline server.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStreamServer } from '../main/engine/stream-server';
import type { RunningStreamServer } from '../main/engine/stream-server';

const TEXT =
  'Hello from a client that knows nothing about Hark. It sends its text in small pieces, asks for ' +
  'generation as it goes, and ends with an empty message, just as the first example on the page did.';

/** A Python 3 that has the `websockets` module (Debian's python3-websockets); HARK_PYTHON overrides. */
function findPython(): string {
  const candidates = [process.env.HARK_PYTHON, 'python3', '/usr/bin/python3'].filter(
    (candidate): candidate is string => Boolean(candidate),
  );
  for (const candidate of candidates) {
    try {
      execFileSync(candidate, ['-c', 'import websockets'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // try the next one
    }
  }
  throw new Error(
    'No python3 with the websockets module found (install python3-websockets or set HARK_PYTHON).',
  );
}

function run(command: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolvePromise) => {
    execFile(command, args, { timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolvePromise({ code, stdout, stderr });
    });
  });
}

let server: RunningStreamServer;
let dir: string;

beforeAll(async () => {
  server = await startStreamServer();
  dir = mkdtempSync(join(tmpdir(), 'hark-peers-'));
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('real peers against startStreamServer()', () => {
  it('the seed-style Python client (websockets legacy API, xi_api_key in BOS) gets audio and isFinal', async () => {
    const output = join(dir, 'seed.mp3');
    const script = resolve('tests/peers/seed_client.py');
    const result = await run(findPython(), [script, server.url, 'en-us', server.token, TEXT, output]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as {
      audio_frames: number;
      audio_bytes: number;
      is_final: boolean;
      alignment_chars: string;
      close_code: number;
      error: string | null;
    };
    expect(summary.error).toBeNull();
    expect(summary.is_final).toBe(true);
    expect(summary.close_code).toBe(1000);
    expect(summary.audio_frames).toBeGreaterThan(3);
    const audio = readFileSync(output);
    expect(audio.length).toBe(summary.audio_bytes);
    expect(audio[0]).toBe(0xff); // an MP3 frame header: the default output format
    // The client adds a space after every chunk; apart from whitespace, every character was aligned.
    expect(summary.alignment_chars.replace(/\s+/g, ' ').trim()).toBe(TEXT);
  });

  it('the docs-style Node client (ws, xi-api-key header, ends on close) gets audio and isFinal', async () => {
    const output = join(dir, 'docs.mp3');
    const script = resolve('tests/peers/docs-example-client.mjs');
    const result = await run(process.execPath, [script, server.url, 'en-us', server.token, TEXT, output]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as {
      audioFrames: number;
      audioBytes: number;
      sawFinal: boolean;
      closeCode: number;
      error: string | null;
    };
    expect(summary).toMatchObject({ sawFinal: true, closeCode: 1000, error: null });
    expect(summary.audioFrames).toBeGreaterThan(3);
    const audio = readFileSync(output);
    expect(audio.length).toBe(summary.audioBytes);
    expect(audio[0]).toBe(0xff);
  });

  it('the Python client with a wrong key gets invalid_api_key and 1008', async () => {
    const output = join(dir, 'refused.mp3');
    const script = resolve('tests/peers/seed_client.py');
    const result = await run(findPython(), [script, server.url, 'en-us', 'not-the-token', TEXT, output]);
    expect(result.code).toBe(1);
    const summary = JSON.parse(result.stdout) as { error: string; close_code: number; audio_bytes: number };
    expect(summary).toMatchObject({ error: 'invalid_api_key', close_code: 1008, audio_bytes: 0 });
  });
});
