// Narration carrying on over new connections after a failure, against the fault server (a real
// WebSocket server on loopback that speaks in a code the tests can read back from the audio).
import { afterEach, describe, expect, it } from 'vitest';
import {
  CollectingSink,
  expectContinuous,
  expectHeardExactly,
  expectWordsMatchAudio,
  expectHeardStart,
} from '../../tests/helpers/coded-sink';
import { CODED_OUTPUT_FORMAT, startFaultServer } from '../../tests/helpers/fault-server';
import type { ConnectionPlan, FaultServer } from '../../tests/helpers/fault-server';
import { liveHandles } from '../../tests/helpers/scripted-server';
import { Narration } from './narration';
import type { NarrationOptions, NarrationState, WordBoundary } from './narration';

const TEXT =
  'Hark reads the selected text aloud. It keeps going when the connection drops. ' +
  'Every word is heard once, none twice and none missing.';
const FAST = [10, 20, 40];

let server: FaultServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

interface Run {
  narration: Narration;
  sink: CollectingSink;
  states: NarrationState[];
  words: WordBoundary[];
}

async function reading(
  plans: ConnectionPlan[],
  options: Partial<NarrationOptions> = {},
  text = TEXT,
): Promise<Run> {
  server = await startFaultServer(plans);
  const sink = new CollectingSink();
  const narration = new Narration({
    session: {
      baseUrl: server.url,
      voiceId: 'coded',
      query: { output_format: CODED_OUTPUT_FORMAT },
      timeouts: { firstAudioMs: 1000, silenceMs: 1000 },
    },
    source: { kind: 'text', text },
    sink,
    pollMs: 20,
    resume: { delaysMs: FAST },
    ...options,
  });
  const states: NarrationState[] = [];
  const words: WordBoundary[] = [];
  narration.on('state', (state) => states.push(state));
  narration.on('word', (word) => words.push(word));
  return { narration, sink, states, words };
}

function liveTimers(): number {
  return process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
}

describe('Narration: resuming after a dropped connection', () => {
  it('a drop mid-word carries on from that word: nothing heard twice, nothing missing', async () => {
    const run = await reading([{ after: 20, then: { kind: 'drop' } }]);
    const result = await run.narration.run();

    expect(server!.connections).toHaveLength(2);
    // The first connection's audio stopped inside "selected"...
    expect(server!.voiced[0]).toBe('Hark reads the selec');
    // ...so the second starts at "selected", the first word whose audio had not all arrived.
    expect(server!.voiced[1]!.startsWith('selected text aloud.')).toBe(true);
    expectHeardExactly(TEXT, run.sink, run.words);
    // The whole (short) text was sent at once, so the first connection was already finishing.
    expect(run.states.map((s) => s.kind)).toEqual([
      'connecting',
      'speaking',
      'finishing',
      'reconnecting',
      'speaking',
      'finishing',
      'done',
    ]);
    expect(run.states[3]).toMatchObject({ kind: 'reconnecting', attempt: 1, error: { code: 'network' } });
    // Billing counts both connections; the repeated part is the unheard word only.
    const sent = server!.connections.flatMap((c) =>
      (c.messages.slice(1) as { text: string }[]).map((m) => m.text).filter((t) => t.trim()),
    );
    expect(result.charactersSent).toBe(sent.join('').length);
    expect(result.audioMs).toBe(run.sink.playedMs());
  });

  it('resumes after a drop between words, and after several drops in one reading', async () => {
    const run = await reading([
      { after: 11, then: { kind: 'drop' } },
      { after: 30, then: { kind: 'close', code: 1011, reason: 'internal error' } },
      { after: 17, then: { kind: 'drop' } },
    ]);
    await run.narration.run();
    expect(server!.connections).toHaveLength(4);
    expectHeardExactly(TEXT, run.sink, run.words);
    // Each drop after progress starts the count afresh: always the first attempt.
    const attempts = run.states.flatMap((s) => (s.kind === 'reconnecting' ? [s.attempt] : []));
    expect(attempts).toEqual([1, 1, 1]);
  });

  it('a server gone silent is replaced, and so is one that never says it is done', async () => {
    const run = await reading([{ after: 40, then: { kind: 'stall' } }, { neverFinal: true }]);
    await run.narration.run();
    expect(
      run.states
        .filter((s) => s.kind === 'reconnecting')
        .map((s) => (s as { error: { code: string } }).error.code),
    ).toEqual(['silence_timeout']);
    // The second connection voiced everything but never ended: every word was heard, so that is done.
    expect(server!.connections).toHaveLength(2);
    expectHeardExactly(TEXT, run.sink, run.words);
  });

  it('a server that stops part-way through a long text is noticed once the listener runs out', async () => {
    const long = Array.from({ length: 30 }, (_, i) => `Sentence number ${i + 1} goes on for a while.`).join(
      ' ',
    );
    // The pacing holds the rest back while the server owes this much: only the listener running out
    // of audio can tell that the server has stopped.
    const run = await reading([{ after: 90, then: { kind: 'stall' } }], {}, long);
    await run.narration.run();
    expect(run.states.filter((s) => s.kind === 'reconnecting')).toMatchObject([
      { attempt: 1, error: { code: 'silence_timeout' } },
    ]);
    expectHeardExactly(long, run.sink, run.words);
  });

  it('gives up after three attempts that bring nothing, saying so, and keeps what was heard', async () => {
    const run = await reading([
      { after: 40, then: { kind: 'drop' } },
      { after: 0, then: { kind: 'drop' } },
      { after: 0, then: { kind: 'close', code: 1011 } },
      { after: 0, then: { kind: 'drop' } },
    ]);
    const error = await run.narration.run().catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'SpeechError', code: 'network' });
    expect((error as Error).message).toMatch(
      /^Could not reach the speech server\..*tried to reconnect 3 times/,
    );
    expect(server!.connections).toHaveLength(4);
    expect(run.states.flatMap((s) => (s.kind === 'reconnecting' ? [s.attempt] : []))).toEqual([1, 2, 3]);
    expect(run.states.at(-1)).toMatchObject({ kind: 'failed', error });
    // What was heard is whole words, and says where another voice would carry on.
    expectHeardStart(TEXT, run.sink, run.words);
    expect(run.words).toHaveLength(7);
    expect(run.narration.resumePoint).toEqual({
      textOffset: TEXT.indexOf('keeps'),
      wordIndex: 7,
      audioMs: run.sink.playedMs(),
    });
  });

  it('does not retry a refused key or quota part-way, and says where it stopped', async () => {
    const run = await reading([
      { after: 40, then: { kind: 'error', error: 'quota_exceeded', message: 'Quota exceeded.', code: 1008 } },
    ]);
    await expect(run.narration.run()).rejects.toMatchObject({ code: 'quota_exceeded' });
    expect(server!.connections).toHaveLength(1);
    expect(run.narration.resumePoint?.wordIndex).toBe(run.words.length);
    expectWordsMatchAudio(TEXT.slice(0, run.narration.resumePoint!.textOffset), run.words, run.sink.audio);
  });

  it('carries on after ElevenLabs\' 1008 "something went wrong", as after a drop', async () => {
    const reason = 'We are sorry, something went wrong. You are not charged for this request.';
    const run = await reading([{ after: 30, then: { kind: 'close', code: 1008, reason } }], {
      resume: undefined,
    });
    await run.narration.run();
    expect(server!.connections).toHaveLength(2);
    expect(run.states.find((s) => s.kind === 'reconnecting')).toMatchObject({
      error: { code: 'server_error', status: 1008 },
    });
    expectHeardExactly(TEXT, run.sink, run.words);
  });

  it('a 1008 close for a refused key, a quota or a policy stays final', async () => {
    for (const [reason, code] of [
      ['Invalid API key', 'invalid_api_key'],
      ['Quota exceeded', 'quota_exceeded'],
      ['Policy violation', 'server_closed'],
    ] as const) {
      const run = await reading([{ after: 30, then: { kind: 'close', code: 1008, reason } }]);
      await expect(run.narration.run()).rejects.toMatchObject({ code, status: 1008 });
      expect(server!.connections, reason).toHaveLength(1);
      await server!.close();
      server = undefined;
    }
  });

  it('a first connection that fails is reported at once, without retries', async () => {
    const run = await reading([{ refuse: 500 }]);
    await expect(run.narration.run()).rejects.toMatchObject({ code: 'handshake_refused', status: 500 });
    expect(server!.connections).toHaveLength(1);
    expect(run.states.map((s) => s.kind)).toEqual(['connecting', 'failed']);
  });

  it('a cancel while waiting to reconnect stops at once and leaves nothing running', async () => {
    const before = { ...liveHandles(), timers: liveTimers() };
    const run = await reading([{ after: 20, then: { kind: 'drop' } }], { resume: { delaysMs: [60_000] } });
    const running = run.narration.run();
    running.catch(() => undefined);
    await new Promise<void>((resolve) => {
      run.narration.on('state', (state) => {
        if (state.kind === 'reconnecting') resolve();
      });
    });
    run.narration.cancel();
    await expect(running).rejects.toMatchObject({ code: 'aborted' });
    expect(run.narration.state.kind).toBe('cancelled');
    await server!.close();
    server = undefined;
    expect(liveTimers()).toBeLessThanOrEqual(before.timers);
    expect(liveHandles().sockets).toBeLessThanOrEqual(before.sockets);
  });

  it('an abort of the session signal while waiting to reconnect stops too', async () => {
    const stop = new AbortController();
    const run = await reading([{ after: 20, then: { kind: 'drop' } }], { resume: { delaysMs: [60_000] } });
    const narration = new Narration({
      session: {
        baseUrl: server!.url,
        voiceId: 'coded',
        query: { output_format: CODED_OUTPUT_FORMAT },
        signal: stop.signal,
      },
      source: { kind: 'text', text: TEXT },
      sink: run.sink,
      resume: { delaysMs: [60_000] },
    });
    const running = narration.run();
    running.catch(() => undefined);
    await new Promise<void>((resolve) =>
      narration.on('state', (s) => s.kind === 'reconnecting' && resolve()),
    );
    stop.abort();
    await expect(running).rejects.toMatchObject({ code: 'aborted' });
  });

  it('continues a reading another voice began: words and audio placed after it', async () => {
    const start = { textOffset: TEXT.indexOf('It keeps'), wordIndex: 6, audioMs: 5000 };
    const run = await reading([], { startAt: start });
    const result = await run.narration.run();
    expect(server!.voiced[0]!.startsWith('It keeps going')).toBe(true);
    expectContinuous(run.sink.chunks, 5000);
    const shifted = run.words.map((w) => ({ ...w, startMs: w.startMs - 5000 }));
    expectWordsMatchAudio(TEXT, shifted, run.sink.audio, 6);
    expect(result.audioMs).toBe(run.sink.playedMs());
  });

  it('resumes streamed text too, from the first word not heard', async () => {
    async function* tokens(): AsyncGenerator<string> {
      for (const token of TEXT.match(/\S+|\s+/g) ?? []) {
        await new Promise((resolve) => setTimeout(resolve, 2));
        yield token;
      }
    }
    const run = await reading([{ after: 25, then: { kind: 'drop' } }], {
      source: { kind: 'stream', chunks: tokens() },
    });
    await run.narration.run();
    expect(server!.connections.length).toBeGreaterThanOrEqual(2);
    expectHeardExactly(TEXT, run.sink, run.words);
  });

  it('resumes with the default policy when the caller says nothing about resuming', async () => {
    // The default waits 250 ms before the first new connection: slower, but what every caller gets.
    const run = await reading([{ after: 20, then: { kind: 'drop' } }], { resume: undefined });
    await run.narration.run();
    expect(server!.connections.length).toBeGreaterThanOrEqual(2);
    expectHeardExactly(TEXT, run.sink, run.words);
  });

  it("with resume: 'off' a drop fails the reading", async () => {
    const run = await reading([{ after: 20, then: { kind: 'drop' } }], { resume: 'off' });
    await expect(run.narration.run()).rejects.toMatchObject({ code: 'network' });
    expect(server!.connections).toHaveLength(1);
  });

  it('refuses an empty list of waits instead of reading it as "off"', async () => {
    await expect(reading([], { resume: { delaysMs: [] } })).rejects.toThrow(/resume: 'off'/);
  });
});
