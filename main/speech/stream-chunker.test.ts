import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TextSend } from './stream-chunker';
import { feedStream, MAX_WORD_LENGTH, StreamChunker } from './stream-chunker';
import type { FeedTarget } from './text-pacer';

function chunkAll(chunks: string[]): TextSend[] {
  const chunker = new StreamChunker();
  return [...chunks.flatMap((c) => chunker.push(c)), ...chunker.finish()];
}

function recorder(): FeedTarget & { sends: TextSend[]; ended: number } {
  const target = {
    sends: [] as TextSend[],
    ended: 0,
    send(text: string, options: { flush: boolean }) {
      target.sends.push({ text, flush: options.flush });
    },
    end() {
      target.ended++;
    },
  };
  return target;
}

async function* fromArray(chunks: string[]): AsyncGenerator<string> {
  for (const chunk of chunks) {
    await new Promise((resolve) => setImmediate(resolve));
    yield chunk;
  }
}

describe('StreamChunker', () => {
  it('sends whole words only, each send ending with a space', () => {
    const chunker = new StreamChunker();
    expect(chunker.push('Hel')).toEqual([]);
    expect(chunker.push('lo wo')).toEqual([{ text: 'Hello ', flush: false }]);
    expect(chunker.push('rld and')).toEqual([{ text: 'world ', flush: false }]);
    expect(chunker.push(' more  ')).toEqual([{ text: 'and more  ', flush: false }]);
    expect(chunker.finish()).toEqual([]);
  });

  it('flushes at sentence ends so speech starts promptly', () => {
    expect(chunkAll(['Hello', ' world', '.', ' How', ' are', ' you', '?', ' Fine'])).toEqual([
      { text: 'Hello ', flush: false },
      { text: 'world. ', flush: true },
      { text: 'How ', flush: false },
      { text: 'are ', flush: false },
      { text: 'you? ', flush: true },
      { text: 'Fine', flush: true },
    ]);
  });

  it('flushes a sentence end as soon as the space after it arrives, but not after an abbreviation', () => {
    const chunker = new StreamChunker();
    expect(chunker.push('It ended. ')).toEqual([{ text: 'It ended. ', flush: true }]);
    expect(chunker.push('Ask Dr. ')).toEqual([{ text: 'Ask Dr. ', flush: false }]);
    expect(chunker.push('Who. ')).toEqual([{ text: 'Who. ', flush: true }]);
  });

  it('splits a big chunk into its sentences, each flushed, holding the unfinished word', () => {
    expect(new StreamChunker().push('One. Two three! Fo')).toEqual([
      { text: 'One. ', flush: true },
      { text: 'Two three! ', flush: true },
    ]);
  });

  it('keeps a lone line break or leading whitespace with the words that follow', () => {
    expect(chunkAll(['\n', '  ', 'Title\n', '\nBody text'])).toEqual([
      { text: '\n  Title\n', flush: true },
      { text: '\nBody ', flush: false },
      { text: 'text', flush: true },
    ]);
  });

  it('does not wait for spaces in CJK text', () => {
    expect(chunkAll(['今日', 'は晴れ', 'です。明', '日'])).toEqual([
      { text: '今日', flush: false },
      { text: 'は晴れ', flush: false },
      { text: 'です。', flush: true },
      { text: '明', flush: false },
      // Already a whole word: end of input (EOS) makes the server generate it.
      { text: '日', flush: false },
    ]);
  });

  it('sends an endless "word" once it exceeds the maximum', () => {
    const chunker = new StreamChunker();
    expect(chunker.push('x'.repeat(MAX_WORD_LENGTH))).toEqual([]);
    expect(chunker.push('yy')).toEqual([{ text: `${'x'.repeat(MAX_WORD_LENGTH)}yy`, flush: false }]);
  });

  it('sends nothing for empty or whitespace-only input', () => {
    expect(chunkAll([])).toEqual([]);
    expect(chunkAll(['', '  ', '\n'])).toEqual([]);
  });

  it('never splits a word and loses nothing but whitespace at the end, however the input is chunked', () => {
    const word = fc.constantFrom('alpha', 'beta.', 'Mr.', '3.5', 'x', 'Hello,', 'end?', '漢字。', '😀');
    const space = fc.constantFrom(' ', '  ', '\n', '\n\n', '\t');
    const words = fc.array(fc.tuple(word, space), { maxLength: 60 });
    const cuts = fc.array(fc.nat(), { maxLength: 20 });
    fc.assert(
      fc.property(words, cuts, (pairs, cutPoints) => {
        const text = pairs.map(([w, s]) => w + s).join('');
        const points = [...new Set(cutPoints.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        const chunks = [0, ...points, text.length]
          .slice(1)
          .map((end, i, ends) => text.slice(i === 0 ? 0 : ends[i - 1], end));
        const sends = chunkAll(chunks);
        const sent = sends.map((s) => s.text).join('');
        expect(text.startsWith(sent)).toBe(true);
        expect(sent.trimEnd()).toBe(text.trimEnd());
        for (const send of sends.slice(0, -1)) {
          expect(send.text.trim()).not.toBe('');
          // Ends at a space or after a CJK char: the next send starts a new word.
          expect(/[\s\p{Script=Han}\u3000-\u303f]$/u.test(send.text)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('feedStream', () => {
  it('sends the words of an async source, flushes the last and ends', async () => {
    const target = recorder();
    await feedStream(fromArray(['Hi there', '. Bye']), target);
    expect(target.sends).toEqual([
      { text: 'Hi ', flush: false },
      { text: 'there. ', flush: true },
      { text: 'Bye', flush: true },
    ]);
    expect(target.ended).toBe(1);
  });

  it('ends cleanly on empty input', async () => {
    const target = recorder();
    await feedStream(fromArray([]), target);
    expect(target.sends).toEqual([]);
    expect(target.ended).toBe(1);
  });

  it('on abort stops waiting for a stalled source, closes it and does not end the target', async () => {
    const target = recorder();
    let closed = false;
    let release: () => void = () => undefined;
    const stalled: AsyncIterable<string> = {
      [Symbol.asyncIterator]: () => ({
        next: async () => {
          if (target.sends.length === 0) return { done: false, value: 'first words ' };
          await new Promise<void>((resolve) => (release = resolve));
          throw new Error('source broke after the abort');
        },
        return: async () => {
          closed = true;
          return { done: true, value: undefined };
        },
      }),
    };
    const controller = new AbortController();
    const feeding = feedStream(stalled, target, controller.signal);
    await new Promise((resolve) => setTimeout(resolve, 20));
    controller.abort();
    await feeding;
    release();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(target.sends).toEqual([{ text: 'first words ', flush: false }]);
    expect(target.ended).toBe(0);
    expect(closed).toBe(true);
  });

  it('rejects when the source fails, without ending the target', async () => {
    const target = recorder();
    async function* failing(): AsyncGenerator<string> {
      yield 'some words ';
      throw new Error('stdin broke');
    }
    await expect(feedStream(failing(), target)).rejects.toThrow('stdin broke');
    expect(target.ended).toBe(0);
  });
});
