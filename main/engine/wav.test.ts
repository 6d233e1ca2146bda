import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wavHeader } from './wav';

const run = promisify(execFile);

describe('wavHeader', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hark-wav-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('lays out a 44-byte mono PCM header', () => {
    const header = wavHeader({ sampleRate: 22050, codec: 'pcm', dataBytes: 1000 });
    const view = new DataView(header.buffer);
    const ascii = (offset: number) => String.fromCharCode(...header.subarray(offset, offset + 4));
    expect(header).toHaveLength(44);
    expect([ascii(0), ascii(8), ascii(12), ascii(36)]).toEqual(['RIFF', 'WAVE', 'fmt ', 'data']);
    expect(view.getUint32(4, true)).toBe(1036);
    expect(view.getUint16(20, true)).toBe(1);
    expect(view.getUint16(22, true)).toBe(1);
    expect(view.getUint32(24, true)).toBe(22050);
    expect(view.getUint32(28, true)).toBe(44100);
    expect(view.getUint16(32, true)).toBe(2);
    expect(view.getUint16(34, true)).toBe(16);
    expect(view.getUint32(40, true)).toBe(1000);
  });

  it('clamps sizes a RIFF field cannot hold and refuses a bad rate', () => {
    const view = new DataView(wavHeader({ sampleRate: 8000, codec: 'ulaw', dataBytes: 2 ** 40 }).buffer);
    expect(view.getUint32(4, true)).toBe(0xffffffff);
    expect(() => wavHeader({ sampleRate: 0, codec: 'pcm', dataBytes: 0 })).toThrow(RangeError);
  });

  it.each([
    ['pcm', 16000, 2, 'Signed Integer PCM'],
    ['ulaw', 8000, 1, 'u-law'],
    ['alaw', 8000, 1, 'A-law'],
  ] as const)(
    'makes %s files that sox reads with the right rate, length and encoding',
    async (codec, rate, width, encoding) => {
      const data = new Uint8Array(rate * width * 2).fill(codec === 'pcm' ? 0 : 0xd5);
      const file = join(dir, `${codec}.wav`);
      await writeFile(
        file,
        Buffer.concat([wavHeader({ sampleRate: rate, codec, dataBytes: data.length }), data]),
      );
      const soxi = async (flag: string) => (await run('soxi', [flag, file])).stdout.trim();
      expect(Number(await soxi('-r'))).toBe(rate);
      expect(Number(await soxi('-c'))).toBe(1);
      expect(Number(await soxi('-D'))).toBeCloseTo(2, 3);
      expect(await soxi('-e')).toBe(encoding);
    },
  );
});
