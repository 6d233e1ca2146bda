import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseOutputFormat } from '../../shared/protocol';
import type { FormatInfo } from '../../shared/protocol';
import type { AudioChunk } from '../speech/session';
import { FileSink } from './file-sink';

const PCM = parseOutputFormat('pcm_16000') as FormatInfo;
const ULAW = parseOutputFormat('ulaw_8000') as FormatInfo;

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hark-file-sink-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function chunk(bytes: number[], durationMs: number): AudioChunk {
  return { audio: Uint8Array.from(bytes), startMs: 0, durationMs, chars: [] };
}

describe('FileSink', () => {
  it('writes a WAV whose header carries the final sizes, and only appears when complete', async () => {
    const path = join(dir, 'out.wav');
    const sink = await FileSink.create(path, 'wav', PCM);
    sink.write(chunk([1, 0, 2, 0], 100));
    sink.write(chunk([3, 0], 50));
    expect(await readdir(dir)).not.toContain('out.wav');
    // Nothing listens to a file: all audio counts as heard, so the text is never held back.
    expect(sink.playedMs()).toBe(150);
    await sink.end();
    await sink.end();
    const wav = await readFile(path);
    expect(wav.length).toBe(50);
    expect(wav.readUInt32LE(4)).toBe(42);
    expect(wav.readUInt16LE(20)).toBe(1);
    expect(wav.readUInt32LE(24)).toBe(16000);
    expect(wav.readUInt32LE(40)).toBe(6);
    expect([...wav.subarray(44)]).toEqual([1, 0, 2, 0, 3, 0]);
    expect(await readdir(dir)).toEqual(['out.wav']);
  });

  it('tags μ-law audio in a WAV as such', async () => {
    const path = join(dir, 'phone.wav');
    const sink = await FileSink.create(path, 'wav', ULAW);
    sink.write(chunk([0xff, 0x7f, 0x00], 1));
    await sink.end();
    const wav = await readFile(path);
    expect(wav.readUInt16LE(20)).toBe(7);
    expect(wav.readUInt16LE(34)).toBe(8);
    expect(wav.readUInt32LE(40)).toBe(3);
  });

  it('writes raw bytes unchanged', async () => {
    const path = join(dir, 'out.mp3');
    const sink = await FileSink.create(path, 'mp3', parseOutputFormat('mp3_44100_128') as FormatInfo);
    sink.write(chunk([0xff, 0xfb, 1, 2], 26));
    await sink.end();
    expect([...(await readFile(path))]).toEqual([0xff, 0xfb, 1, 2]);
  });

  it('leaves nothing behind when stopped', async () => {
    const sink = await FileSink.create(join(dir, 'stopped.wav'), 'wav', PCM);
    sink.write(chunk([1, 0], 10));
    await sink.stop();
    expect(await readdir(dir)).toEqual([]);
  });

  it('says which file it cannot write', async () => {
    const path = join(dir, 'missing-folder', 'out.wav');
    await expect(FileSink.create(path, 'wav', PCM)).rejects.toThrow(`cannot write "${path}" (ENOENT)`);
  });
});
