import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readTextChunks, requireText } from './stdin';

describe('readTextChunks', () => {
  it('yields text as it arrives, before the end of input', async () => {
    const input = new PassThrough();
    const chunks = readTextChunks(input, new AbortController().signal);
    input.write('First sentence. ');
    expect(await chunks.next()).toEqual({ done: false, value: 'First sentence. ' });
    input.write('Second.');
    expect(await chunks.next()).toEqual({ done: false, value: 'Second.' });
    input.end();
    expect((await chunks.next()).done).toBe(true);
  });

  it('never splits a UTF-8 character across chunks', async () => {
    const input = new PassThrough();
    const bytes = Buffer.from('Grüße 👋');
    const received: string[] = [];
    const reading = (async () => {
      for await (const text of readTextChunks(input, new AbortController().signal)) received.push(text);
    })();
    for (const byte of bytes) {
      input.write(Buffer.from([byte]));
      await new Promise((resolve) => setImmediate(resolve));
    }
    input.end();
    await reading;
    expect(received.join('')).toBe('Grüße 👋');
    expect(received.every((piece) => !piece.includes('\uFFFD'))).toBe(true);
  });

  it('ends at once when aborted, releasing the input', async () => {
    const input = new PassThrough();
    const stop = new AbortController();
    const chunks = readTextChunks(input, stop.signal);
    input.write('partial ');
    expect((await chunks.next()).value).toBe('partial ');
    const pending = chunks.next();
    stop.abort();
    expect((await pending).done).toBe(true);
    expect(input.destroyed).toBe(true);
  });
});

describe('requireText', () => {
  async function collect(chunks: string[]): Promise<string> {
    let text = '';
    for await (const chunk of requireText(
      (async function* () {
        yield* chunks;
      })(),
      'stdin',
    )) {
      text += chunk;
    }
    return text;
  }

  it('passes text through unchanged', async () => {
    expect(await collect([' ', 'Hello', ' there'])).toBe(' Hello there');
  });

  it('fails at the end when nothing but blanks arrived', async () => {
    await expect(collect([])).rejects.toThrow('nothing to read: stdin was empty');
    await expect(collect([' ', '\n'])).rejects.toThrow('nothing to read: stdin was empty');
  });
});
