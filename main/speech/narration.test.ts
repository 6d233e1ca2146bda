// Narration against a scripted stream-input server on loopback (tests/narration.test.ts runs it
// against the real offline server). The script speaks every text message at a fixed rate per
// character, in pcm_8000, with alignment, so every number here is predictable.

import { afterEach, describe, expect, it } from 'vitest';
import { liveHandles, pcmSilence, startScriptedServer } from '../../tests/helpers/scripted-server';
import type { ScriptedConnection, ScriptedServer } from '../../tests/helpers/scripted-server';
import { SpeechError } from '../../shared/speech-errors';
import { Narration } from './narration';
import type { AudioSink, NarrationOptions, NarrationState, WordBoundary } from './narration';
import type { AudioChunk } from './session';
import { tokenizeWords } from './word-tracker';
import { until } from '../../tests/helpers/until';

const MS_PER_CHAR = 60;

interface TextMessage {
  text: string;
  flush?: boolean;
}

function textMessages(connection: ScriptedConnection): TextMessage[] {
  // Skip the BOS (first message), keep-alives and the EOS.
  return (connection.messages.slice(1) as TextMessage[]).filter((m) => m.text.trim() !== '');
}

/** Speaks each text message at MS_PER_CHAR, then the final frame after the end of input. */
function speaker(connection: ScriptedConnection): Promise<void> {
  return speakAs((chars) => chars)(connection);
}

/** Like speaker, but the alignment spells the text as `respell` says (a normalising server). */
function speakAs(respell: (chars: string[]) => string[]) {
  return async (connection: ScriptedConnection): Promise<void> => {
    await connection.accept();
    await connection.nextMessage(); // BOS
    for (;;) {
      const message = (await connection.nextMessage(30_000)) as TextMessage;
      if (message.text === '') break;
      if (!message.text.trim()) continue;
      const chars = respell(Array.from(message.text));
      connection.sendAudio(pcmSilence(chars.length * MS_PER_CHAR, 8000), {
        alignment: {
          chars,
          charStartTimesMs: chars.map((_, i) => i * MS_PER_CHAR),
          charDurationsMs: chars.map(() => MS_PER_CHAR),
        },
      });
    }
    connection.sendFinal();
    connection.close(1000);
  };
}

/** A sink whose listener position the test sets; by default it has heard everything received. */
class TestSink implements AudioSink {
  readonly chunks: AudioChunk[] = [];
  played: number | 'all' = 'all';
  ends = 0;
  endResult: Promise<void> = Promise.resolve();

  write(chunk: AudioChunk): void {
    this.chunks.push(chunk);
  }

  playedMs(): number {
    if (this.played !== 'all') return this.played;
    return this.chunks.reduce((ms, c) => ms + c.durationMs, 0);
  }

  end(): Promise<void> {
    this.ends++;
    return this.endResult;
  }
}

function paragraph(chars: number): string {
  const sentences = [
    'Hark reads the selected text aloud. ',
    'It streams the audio as it is generated, so speech starts at once. ',
    'Dr. Smith said it works offline too, e.g. on a train. ',
  ];
  let text = '';
  for (let i = 0; text.length < chars; i++) text += sentences[i % sentences.length];
  return text.slice(0, chars).trimEnd();
}

async function* tokens(text: string, delayMs = 2): AsyncGenerator<string> {
  for (const token of text.match(/\S+|\s+/g) ?? []) {
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    yield token;
  }
}

/** Live setTimeout/setInterval handles (the session's timers, the pacer's poll). */
function liveTimers(): number {
  return process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
}

let server: ScriptedServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function narrate(
  source: NarrationOptions['source'],
  sink: AudioSink,
  script = speaker,
): Promise<{ narration: Narration; states: NarrationState['kind'][]; words: WordBoundary[] }> {
  server = await startScriptedServer(script);
  const narration = new Narration({
    session: { baseUrl: server.url, voiceId: 'test', query: { output_format: 'pcm_8000' } },
    source,
    sink,
    pollMs: 20,
  });
  const states: NarrationState['kind'][] = [];
  const words: WordBoundary[] = [];
  narration.on('state', (state) => states.push(state.kind));
  narration.on('word', (word) => words.push(word));
  return { narration, states, words };
}

describe('Narration with a text', () => {
  it('speaks the text: audio to the sink, words in order, result after the sink ended', async () => {
    const text = paragraph(400);
    const sink = new TestSink();
    const before = { ...liveHandles(), timers: liveTimers() };
    const { narration, states, words } = await narrate({ kind: 'text', text }, sink);
    const result = await narration.run();

    expect(states).toEqual(['connecting', 'speaking', 'finishing', 'done']);
    expect(sink.ends).toBe(1);
    expect(sink.chunks.length).toBeGreaterThan(1);
    const wordCount = tokenizeWords(text).length;
    expect(words.map((word) => word.index)).toEqual([...Array(wordCount).keys()]);
    expect(words.map((w) => text.slice(w.textOffset, w.textOffset + w.length))).toEqual(text.split(/\s+/));
    const starts = words.map((w) => w.startMs);
    expect([...starts].sort((a, b) => a - b)).toEqual(starts);
    // The session adds a trailing space to each message that lacks one.
    const sent = textMessages(server!.connections[0]!);
    expect(sent.map((m) => m.text).join('')).toBe(`${text} `);
    expect(sent.every((m) => m.flush === true)).toBe(true);
    expect(sent[0]?.text).toBe('Hark reads the selected text aloud. ');
    expect(result.charactersSent).toBe(text.length + 1);
    expect(narration.charactersSent).toBe(text.length + 1);
    expect(result.audioMs).toBe((text.length + 1) * MS_PER_CHAR);
    // Nothing of the narration is left running once the server side has closed too.
    await server!.close();
    server = undefined;
    const after = { ...liveHandles(), timers: liveTimers() };
    expect(after.timers).toBeLessThanOrEqual(before.timers);
    expect(after.sockets).toBeLessThanOrEqual(before.sockets);
  });

  it('sends no more than the lead ahead of the listener, and a cancel stops it at once', async () => {
    const text = paragraph(20_000);
    const sink = new TestSink();
    sink.played = 0;
    const { narration, states } = await narrate({ kind: 'text', text }, sink);
    const running = narration.run();
    running.catch(() => undefined);
    await until(() => sink.chunks.length > 0);
    await new Promise((resolve) => setTimeout(resolve, 500));
    // 8 s of lead at 60 ms per char is ~133 chars, plus at most one batch.
    const stalled = narration.charactersSent;
    expect(stalled).toBeGreaterThan(0);
    expect(stalled).toBeLessThan(800);

    // The listener catches up: more text follows.
    sink.played = 'all';
    await until(() => narration.charactersSent > stalled + 100);

    const connection = server!.connections[0]!;
    narration.cancel();
    await expect(running).rejects.toMatchObject({ name: 'SpeechError', code: 'aborted' });
    expect(states.at(-1)).toBe('cancelled');
    expect(narration.charactersSent).toBeLessThan(text.length / 10);
    await connection.closed;
    expect(sink.ends).toBe(0);
  });

  it('keeps feeding when the timed text does not match the source', async () => {
    const text = paragraph(2000);
    // Only the very first character matches: word tracking stalls, pacing must not.
    const respell = (chars: string[]) => chars.map((c, i) => (i === 0 || c === ' ' ? c : '#'));
    const sink = new TestSink();
    const { narration } = await narrate({ kind: 'text', text }, sink, speakAs(respell));
    const result = await narration.run();
    expect(result.charactersSent).toBeGreaterThanOrEqual(text.length);
  });

  it('cancel() before run() rejects with aborted without connecting', async () => {
    const { narration, states } = await narrate({ kind: 'text', text: 'Hello.' }, new TestSink());
    narration.cancel();
    await expect(narration.run()).rejects.toMatchObject({ code: 'aborted' });
    expect(states).toEqual(['cancelled']);
    expect(server!.connections).toHaveLength(0);
  });

  it('a cancel while the sink is still playing rejects at once', async () => {
    const sink = new TestSink();
    sink.endResult = new Promise(() => undefined);
    const { narration } = await narrate({ kind: 'text', text: 'Short text.' }, sink);
    const running = narration.run();
    running.catch(() => undefined);
    await until(() => sink.ends === 1);
    expect(narration.state.kind).toBe('finishing');
    narration.cancel();
    await expect(running).rejects.toMatchObject({ code: 'aborted' });
  });

  it('a sink that fails rejects with io_failed, keeps the cause and closes the socket', async () => {
    const sink = new TestSink();
    const broken = new Error('player went away');
    sink.write = () => {
      throw broken;
    };
    const { narration, states } = await narrate({ kind: 'text', text: paragraph(300) }, sink);
    const error = await narration.run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SpeechError);
    expect(error).toMatchObject({ code: 'io_failed', cause: broken });
    expect((error as Error).message).toContain('player went away');
    expect(states.at(-1)).toBe('failed');
    await server!.connections[0]!.closed;
  });

  it('a server error rejects with its code and the failed state carries it', async () => {
    const { narration } = await narrate({ kind: 'text', text: 'Hello there.' }, new TestSink(), async (c) => {
      await c.accept();
      await c.nextMessage();
      await c.nextMessage();
      c.sendError('quota_exceeded', 'This request exceeds your quota.');
    });
    const failed: NarrationState[] = [];
    narration.on('state', (state) => {
      if (state.kind === 'failed') failed.push(state);
    });
    await expect(narration.run()).rejects.toMatchObject({ code: 'quota_exceeded' });
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ error: { code: 'quota_exceeded' } });
  });

  it('reports progress with characters sent, audio received and audio played', async () => {
    const sink = new TestSink();
    const { narration } = await narrate({ kind: 'text', text: paragraph(200) }, sink);
    const progress: { charactersSent: number; audioMs: number; playedMs: number }[] = [];
    narration.on('progress', (p) => progress.push(p));
    const result = await narration.run();
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toEqual({
      charactersSent: result.charactersSent,
      audioMs: result.audioMs,
      playedMs: result.audioMs,
    });
  });
});

describe('Narration with a stream', () => {
  it('sends whole words as they arrive, flushes sentence ends and emits the words', async () => {
    const text = 'First sentence here. Then a second one! And the last words';
    const sink = new TestSink();
    const { narration, states, words } = await narrate({ kind: 'stream', chunks: tokens(text) }, sink);
    await narration.run();

    expect(states).toEqual(['connecting', 'speaking', 'finishing', 'done']);
    const sent = textMessages(server!.connections[0]!);
    for (const message of sent) expect(message.text.endsWith(' ')).toBe(true);
    expect(sent.map((m) => m.text.trim()).join(' ')).toBe(text);
    // Tokens arrive one by one, so each word is its own message; sentence ends and the end are flushed.
    expect(sent.filter((m) => m.flush).map((m) => m.text)).toEqual(['here. ', 'one! ', 'words ']);
    expect(words.map((w) => text.slice(w.textOffset, w.textOffset + w.length))).toEqual(text.split(' '));
    expect(sink.chunks.length).toBeGreaterThan(0);
  });

  it('ends cleanly on empty input', async () => {
    const sink = new TestSink();
    const { narration } = await narrate({ kind: 'stream', chunks: tokens('') }, sink);
    const result = await narration.run();
    expect(result).toEqual({ charactersSent: 0, audioMs: 0 });
    expect(server!.connections[0]!.messages).toEqual([{ text: ' ' }, { text: '' }]);
    expect(sink.ends).toBe(1);
  });

  it('a source that fails rejects with io_failed', async () => {
    async function* failing(): AsyncGenerator<string> {
      yield 'Some words ';
      await new Promise((resolve) => setTimeout(resolve, 20));
      throw new Error('stdin broke');
    }
    const { narration } = await narrate({ kind: 'stream', chunks: failing() }, new TestSink());
    await expect(narration.run()).rejects.toMatchObject({ code: 'io_failed' });
    await server!.connections[0]!.closed;
  });

  it('a cancel while the source is silent rejects at once and closes the source', async () => {
    let closed = false;
    let reads = 0;
    const stalled: AsyncIterable<string> = {
      [Symbol.asyncIterator]: () => ({
        next: () =>
          reads++ === 0
            ? Promise.resolve({ done: false, value: 'Hello there. ' })
            : new Promise(() => undefined),
        return: () => {
          closed = true;
          return Promise.resolve({ done: true, value: undefined });
        },
      }),
    };
    const sink = new TestSink();
    const { narration } = await narrate({ kind: 'stream', chunks: stalled }, sink);
    const running = narration.run();
    running.catch(() => undefined);
    await until(() => sink.chunks.length > 0);
    narration.cancel();
    await expect(running).rejects.toMatchObject({ code: 'aborted' });
    await server!.connections[0]!.closed;
    expect(closed).toBe(true);
  });
});
