// Property-based fuzzing of the pure parts every reading goes through: the protocol's frame and
// message validators, the sentence splitter, the text pacer, and the assembly of per-frame alignment
// into one timeline (through the real StreamSession on loopback, from frames cut the way the offline
// server cuts them). Examples live next to the code; these look for the inputs nobody thought of.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generationFrames, planFrames } from '../main/engine/audio-frames';
import type { GenerationAudio } from '../main/engine/audio-frames';
import { startStreamServer } from '../main/engine/stream-server';
import type { RunningStreamServer } from '../main/engine/stream-server';
import { decodeServerFrame, parseClientMessage, parseServerFrame } from '../shared/protocol';
import type { Alignment, ParsedClientMessage, ServerFrame } from '../shared/protocol';
import { sentenceEnds, splitSentences } from '../main/speech/sentences';
import { StreamSession } from '../main/speech/session';
import type { AudioChunk, TimedChar } from '../main/speech/session';
import { TextPacer } from '../main/speech/text-pacer';
import type { PlaybackProgress } from '../main/speech/text-pacer';
import { base64Audio, serverFrameLike } from './helpers/fuzz-frames';
import { startScriptedServer } from './helpers/scripted-server';
import type { ScriptedServer } from './helpers/scripted-server';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

// ---------------------------------------------------------------------------------------------
// Generators

const finiteTime = fc.double({ min: 0, max: 1e6, noNaN: true, noDefaultInfinity: true });

function alignmentOf(length: fc.Arbitrary<number>): fc.Arbitrary<Alignment> {
  return length.chain((n) =>
    fc.record({
      chars: fc.array(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }), {
        minLength: n,
        maxLength: n,
      }),
      charStartTimesMs: fc.array(finiteTime, { minLength: n, maxLength: n }),
      charDurationsMs: fc.array(finiteTime, { minLength: n, maxLength: n }),
    }),
  );
}
const validAlignment = alignmentOf(fc.nat(8));

const frameLike = serverFrameLike;

/** Anything at all: JSON, and also values JSON never produces (maps, boxed values, sparse arrays...). */
const anyValue = fc.oneof(
  fc.jsonValue(),
  frameLike,
  fc.anything({
    withBoxedValues: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withSparseArray: true,
    withTypedArray: true,
    withBigInt: true,
    withDate: true,
  }),
);

function expectValidAlignment(alignment: Alignment | null): void {
  if (alignment === null) return;
  const { chars, charStartTimesMs: starts, charDurationsMs: durations } = alignment;
  expect(chars.every((c) => typeof c === 'string')).toBe(true);
  expect(starts).toHaveLength(chars.length);
  expect(durations).toHaveLength(chars.length);
  for (const n of [...starts, ...durations]) expect(Number.isFinite(n) && n >= 0).toBe(true);
}

/** What an accepted frame must look like: the types the client then relies on without checking. */
function expectWellTyped(frame: ServerFrame): void {
  switch (frame.kind) {
    case 'final':
      return;
    case 'unknown':
      // Names only, short: it goes into a log line.
      expect(frame.shape.length).toBeLessThanOrEqual(400);
      return;
    case 'error':
      expect(typeof frame.error).toBe('string');
      expect(typeof frame.message).toBe('string');
      expect(frame.code === null || Number.isInteger(frame.code)).toBe(true);
      return;
    case 'audio':
      if (frame.audio !== null) {
        expect(frame.audio.length % 4).toBe(0);
        expect(frame.audio).toMatch(BASE64);
      }
      expectValidAlignment(frame.alignment);
      expectValidAlignment(frame.normalizedAlignment);
      return;
    default:
      throw new Error(`unknown frame kind ${JSON.stringify(frame)}`);
  }
}

// ---------------------------------------------------------------------------------------------

describe('server frame validation', () => {
  it('any value is a well-typed frame or a rejection with a reason, never a throw', () => {
    fc.assert(
      fc.property(anyValue, (value) => {
        const parsed = parseServerFrame(value);
        if (parsed.ok) expectWellTyped(parsed.value);
        else expect(parsed.reason).toMatch(/\S/);
      }),
      { numRuns: 2000 },
    );
  });

  it('any text frame (JSON or not) decodes or is rejected, never a throw', () => {
    const raw = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.json(),
      frameLike.map((frame) => JSON.stringify(frame)),
      // Cut-off JSON, as from a frame split or truncated on the way.
      frameLike.chain((frame) => {
        const text = JSON.stringify(frame);
        return fc.nat(text.length).map((cut) => text.slice(0, cut));
      }),
    );
    fc.assert(
      fc.property(raw, (text) => {
        const parsed = decodeServerFrame(text);
        if (parsed.ok) expectWellTyped(parsed.value);
        else expect(parsed.reason).toMatch(/\S/);
      }),
      { numRuns: 2000 },
    );
  });

  it('valid frames round-trip, in every spelling the wire has used', () => {
    const snake = (a: Alignment, durationsKey: string) => ({
      chars: a.chars,
      char_start_times_ms: a.charStartTimesMs,
      [durationsKey]: a.charDurationsMs,
    });
    const spelled = (a: Alignment | null, style: number): unknown => {
      if (a === null) return null;
      if (style === 0) return a;
      if (style === 1)
        return { chars: a.chars, charStartTimesMs: a.charStartTimesMs, charsDurationsMs: a.charDurationsMs };
      return snake(a, style === 2 ? 'chars_durations_ms' : 'char_durations_ms');
    };
    const audioFrame = fc
      .record({
        audio: fc.option(base64Audio),
        alignment: fc.option(validAlignment),
        normalizedAlignment: fc.option(validAlignment),
        style: fc.nat(3),
        snakeNormalized: fc.boolean(),
        isFinal: fc.constantFrom(null, false, undefined),
      })
      .map(({ audio, alignment, normalizedAlignment, style, snakeNormalized, isFinal }) => {
        const wire: Record<string, unknown> = {
          audio,
          alignment: spelled(alignment, style),
          [snakeNormalized ? 'normalized_alignment' : 'normalizedAlignment']: spelled(
            normalizedAlignment,
            style,
          ),
        };
        if (isFinal !== undefined) wire.isFinal = isFinal;
        const expected: ServerFrame = { kind: 'audio', audio, alignment, normalizedAlignment };
        return { wire, expected };
      });
    const errorFrame = fc
      .record({
        error: fc.string(),
        message: fc.string(),
        code: fc.option(fc.integer({ min: 1000, max: 4999 })),
      })
      .map(({ error, message, code }) => ({
        wire: { message, error, code },
        expected: { kind: 'error', message, error, code } as ServerFrame,
      }));
    const finalFrame = fc.constant({
      wire: { audio: null, isFinal: true, normalizedAlignment: null, alignment: null },
      expected: { kind: 'final' } as ServerFrame,
    });
    fc.assert(
      fc.property(fc.oneof(audioFrame, errorFrame, finalFrame), ({ wire, expected }) => {
        expect(decodeServerFrame(JSON.stringify(wire))).toEqual({ ok: true, value: expected });
      }),
      { numRuns: 1000 },
    );
  });
});

describe('client message validation (the offline server)', () => {
  it('any value is a message or a rejection with a reason, never a throw', () => {
    const messageLike = fc.record(
      {
        text: fc.oneof(fc.string(), fc.jsonValue()),
        flush: fc.oneof(fc.boolean(), fc.jsonValue()),
        try_trigger_generation: fc.oneof(fc.boolean(), fc.jsonValue()),
        voice_settings: fc.oneof(
          fc.record(
            { stability: fc.jsonValue(), speed: fc.double(), use_speaker_boost: fc.jsonValue() },
            { requiredKeys: [] },
          ),
          fc.jsonValue(),
        ),
        generation_config: fc.oneof(
          fc.record({ chunk_length_schedule: fc.oneof(fc.array(fc.double()), fc.jsonValue()) }),
          fc.jsonValue(),
        ),
        chunk_length_schedule: fc.jsonValue(),
        xi_api_key: fc.oneof(fc.string(), fc.jsonValue()),
        authorization: fc.oneof(fc.string(), fc.jsonValue()),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(anyValue, messageLike), (value) => {
        const parsed = parseClientMessage(value);
        if (!parsed.ok) {
          expect(parsed.reason).toMatch(/\S/);
          return;
        }
        const message = parsed.value;
        expect(typeof message.text).toBe('string');
        expect(typeof message.flush).toBe('boolean');
        expect(typeof message.tryTriggerGeneration).toBe('boolean');
        for (const n of message.chunkLengthSchedule ?? []) expect(n >= 50 && n <= 500).toBe(true);
        for (const n of Object.values(message.voiceSettings ?? {})) {
          expect(typeof n === 'boolean' || Number.isFinite(n)).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('valid messages round-trip', () => {
    const settings = fc.record(
      {
        stability: fc.double({ min: 0, max: 1, noNaN: true }),
        similarity_boost: fc.double({ min: 0, max: 1, noNaN: true }),
        style: fc.double({ min: 0, max: 1, noNaN: true }),
        speed: fc.double({ min: 0.7, max: 1.2, noNaN: true }),
        use_speaker_boost: fc.boolean(),
      },
      { requiredKeys: [] },
    );
    const message = fc.record({
      text: fc.string({ unit: 'binary' }),
      flush: fc.boolean(),
      tryTriggerGeneration: fc.boolean(),
      voiceSettings: fc.option(settings, { nil: undefined }),
      chunkLengthSchedule: fc.option(
        fc.array(fc.integer({ min: 50, max: 500 }), { minLength: 1, maxLength: 4 }),
        {
          nil: undefined,
        },
      ),
      apiKey: fc.option(fc.string(), { nil: undefined }),
    });
    fc.assert(
      fc.property(message, (m) => {
        const wire = {
          text: m.text,
          flush: m.flush,
          try_trigger_generation: m.tryTriggerGeneration,
          ...(m.voiceSettings !== undefined ? { voice_settings: m.voiceSettings } : {}),
          ...(m.chunkLengthSchedule
            ? { generation_config: { chunk_length_schedule: m.chunkLengthSchedule } }
            : {}),
          ...(m.apiKey !== undefined ? { xi_api_key: m.apiKey } : {}),
        };
        const expected: ParsedClientMessage = {
          text: m.text,
          flush: m.flush,
          tryTriggerGeneration: m.tryTriggerGeneration,
        };
        if (m.voiceSettings !== undefined) expected.voiceSettings = m.voiceSettings;
        if (m.chunkLengthSchedule) expected.chunkLengthSchedule = m.chunkLengthSchedule;
        if (m.apiKey !== undefined) expected.apiKey = m.apiKey;
        expect(parseClientMessage(JSON.parse(JSON.stringify(wire)))).toEqual({ ok: true, value: expected });
      }),
      { numRuns: 1000 },
    );
  });
});

// ---------------------------------------------------------------------------------------------

const prose = fc.oneof(
  fc
    .array(
      fc.constantFrom(
        'Mr.',
        'e.g.',
        'U.S.',
        '3.5',
        'word',
        'Word',
        '😀',
        'שלום',
        'مرحبا',
        '漢字',
        ' ',
        '\n',
        '\u0000',
        '\u001b[0m',
        '\ud800',
        '.',
        '...',
        '!',
        '?',
        '。',
        '，',
        ',',
        '"',
        ')',
      ),
      { maxLength: 300 },
    )
    .map((parts) => parts.join('')),
  fc.string({ unit: 'grapheme', maxLength: 500 }),
  fc.string({ unit: 'binary', maxLength: 500 }),
);

describe('sentence splitting', () => {
  it('reproduces the text, with ends in range, no empty sentence, and is idempotent', () => {
    fc.assert(
      fc.property(prose, fc.integer({ min: 2, max: 400 }), (text, max) => {
        const ends = sentenceEnds(text);
        for (let i = 0; i < ends.length; i++) {
          expect(ends[i]).toBeGreaterThan(i === 0 ? 0 : (ends[i - 1] as number));
          expect(ends[i]).toBeLessThan(text.length);
        }
        const pieces = splitSentences(text, max);
        expect(pieces.join('')).toBe(text);
        let offset = 0;
        for (const piece of pieces) {
          expect(piece.length).toBeGreaterThan(0);
          expect(text.slice(offset, offset + piece.length)).toBe(piece);
          offset += piece.length;
          // Splitting a sentence again finds nothing more to split.
          expect(splitSentences(piece, max)).toEqual([piece]);
        }
        expect(offset).toBe(text.length);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('text pacing', () => {
  it('hands out the whole text once, in order, whatever the listener does', () => {
    const listener = fc.array(
      fc.record({
        playedMs: fc.nat(100_000),
        receivedAudioMs: fc.nat(100_000),
        voicedChars: fc.nat(5000),
        voicedAudioMs: fc.nat(100_000),
      }),
      { minLength: 1, maxLength: 50 },
    );
    fc.assert(
      fc.property(prose, listener, fc.integer({ min: 0, max: 20_000 }), (text, steps, leadMs) => {
        const pacer = new TextPacer(text, { leadMs });
        const batches: string[] = [];
        for (let step = 0; !pacer.finished; step++) {
          // Past the scripted steps the listener has heard everything: the pacer must then finish.
          const progress: PlaybackProgress = steps[step] ?? {
            playedMs: 1e9,
            receivedAudioMs: 1e9,
            voicedChars: text.length,
            voicedAudioMs: 1e9,
          };
          const before = pacer.sentChars;
          const batch = pacer.next(progress);
          if (batch !== undefined) {
            expect(batch).toMatch(/\S/);
            batches.push(batch);
          }
          expect(pacer.sentChars).toBeGreaterThanOrEqual(before);
          expect(step).toBeLessThan(steps.length + text.length + 2);
        }
        expect(pacer.sentChars).toBe(text.length);
        // Whitespace-only batches are skipped; nothing else is lost or repeated.
        const words = (s: string) => s.replace(/\s/gu, '');
        expect(words(batches.join(''))).toBe(words(text));
      }),
      { numRuns: 500 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Alignment assembly: frames cut by the server's own generationFrames, sent by a real loopback
// server, assembled by the real StreamSession.

const SAMPLE_RATE = 16_000;

/** One generation: characters timed one after another, and PCM that lasts at least as long. */
const generation = fc
  .record({
    extraSamples: fc.integer({ min: 0, max: SAMPLE_RATE }),
    chars: fc.array(
      fc.record({ char: fc.string({ minLength: 1, maxLength: 1 }), gap: fc.nat(40), length: fc.nat(200) }),
      { maxLength: 20 },
    ),
  })
  .map(({ extraSamples, chars }): GenerationAudio => {
    const alignment: Alignment = { chars: [], charStartTimesMs: [], charDurationsMs: [] };
    let clock = 0;
    for (const { char, gap, length } of chars) {
      clock += gap;
      alignment.chars.push(char);
      alignment.charStartTimesMs.push(clock);
      alignment.charDurationsMs.push(length);
      clock += length;
    }
    const samples = Math.ceil((clock * SAMPLE_RATE) / 1000) + extraSamples;
    const pcm = new Int16Array(samples);
    for (let i = 0; i < samples; i++) pcm[i] = (i * 7919) % 2000;
    return { pcm, sampleRate: SAMPLE_RATE, alignment };
  });

/**
 * An encoder that, like LAME, sometimes holds audio back and hands it out with a later call of the
 * same generation. (LAME also carries up to a frame and its look-ahead over into the next generation,
 * which shifts that generation's timing by as much, some tens of milliseconds; that is MP3's, not
 * the assembly's, and the offline-server test below covers real output.)
 */
function holdingEncoder(holds: readonly boolean[], calls: number): (pcm: Int16Array) => Uint8Array {
  let held: Uint8Array[] = [];
  let call = 0;
  return (pcm) => {
    held.push(new Uint8Array(pcm.buffer.slice(pcm.byteOffset, pcm.byteOffset + pcm.byteLength)));
    const isLast = call === calls - 1;
    if (!isLast && holds[call++ % Math.max(1, holds.length)]) return new Uint8Array(0);
    const out = new Uint8Array(Buffer.concat(held));
    held = [];
    return out;
  };
}

interface WireFrame {
  audio: Uint8Array;
  alignment: Alignment | null;
}

/** The frames of several generations, as the offline server cuts them. */
function serverFrames(
  generations: readonly GenerationAudio[],
  holds: readonly boolean[],
  sync: boolean,
): WireFrame[] {
  return generations.flatMap((audio) => {
    const calls = planFrames(audio.pcm.length, audio.sampleRate).length;
    return [...generationFrames(audio, holdingEncoder(holds, calls), sync)];
  });
}

/** Where each character lies in the stream: its generation's start plus its offset. */
function expectedChars(generations: readonly GenerationAudio[]): TimedChar[] {
  const chars: TimedChar[] = [];
  let generationStartMs = 0;
  for (const { pcm, alignment } of generations) {
    alignment.chars.forEach((char, i) => {
      chars.push({
        char,
        startMs: generationStartMs + (alignment.charStartTimesMs[i] as number),
        durationMs: alignment.charDurationsMs[i] as number,
      });
    });
    generationStartMs += (pcm.length / SAMPLE_RATE) * 1000;
  }
  return chars;
}

describe('alignment assembly through StreamSession', () => {
  let frames: WireFrame[] = [];
  let server: ScriptedServer;

  beforeAll(async () => {
    server = await startScriptedServer(async (c) => {
      const toSend = frames;
      await c.accept();
      await c.nextMessage(); // BOS
      await c.waitForEndOfInput();
      for (const frame of toSend)
        c.sendAudio(frame.audio, { alignment: frame.alignment, normalizedAlignment: frame.alignment });
      c.sendFinal();
      c.close(1000);
    });
  });

  afterAll(() => server.close());

  async function assemble(wire: WireFrame[]): Promise<{ chunks: AudioChunk[]; chars: TimedChar[] }> {
    frames = wire;
    const session = new StreamSession({
      baseUrl: server.url,
      voiceId: 'v',
      apiKey: 'k',
      query: { output_format: `pcm_${SAMPLE_RATE}` as 'pcm_16000' },
    });
    const chunks: AudioChunk[] = [];
    session.on('audio', (chunk) => chunks.push(chunk));
    await session.connect();
    session.send('text', { flush: true });
    session.end();
    await session.finished();
    return { chunks, chars: chunks.flatMap((chunk) => chunk.chars) };
  }

  it('places every character once, in order, at generation start + offset, with or without sync_alignment', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(generation, { minLength: 1, maxLength: 4 }),
        fc.array(fc.boolean(), { maxLength: 8 }),
        async (generations, holds) => {
          const expected = expectedChars(generations);
          const firstFrameOnly = await assemble(serverFrames(generations, holds, false));
          const everyFrame = await assemble(serverFrames(generations, holds, true));
          for (const { chunks, chars } of [firstFrameOnly, everyFrame]) {
            // The chunks tile the audio timeline without a gap.
            let clock = 0;
            for (const chunk of chunks) {
              expect(chunk.startMs).toBeCloseTo(clock, 6);
              clock += chunk.durationMs;
            }
            expect(clock).toBeCloseTo(
              (generations.reduce((n, g) => n + g.pcm.length, 0) / SAMPLE_RATE) * 1000,
              6,
            );
            expect(chars.map((c) => c.char)).toEqual(expected.map((c) => c.char));
            chars.forEach((c, i) => {
              if (i > 0) expect(c.startMs).toBeGreaterThanOrEqual((chars[i - 1] as TimedChar).startMs);
              // Frame starts are whole milliseconds on the wire: within a millisecond of exact.
              expect(Math.abs(c.startMs - (expected[i] as TimedChar).startMs)).toBeLessThanOrEqual(1);
              expect(Math.abs(c.durationMs - (expected[i] as TimedChar).durationMs)).toBeLessThanOrEqual(1);
            });
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('alignment from the real offline server', () => {
  let offline: RunningStreamServer;

  beforeAll(async () => {
    offline = await startStreamServer();
  }, 60_000);

  afterAll(() => offline.close());

  async function timedChars(syncAlignment: boolean): Promise<TimedChar[]> {
    const session = new StreamSession({
      baseUrl: offline.url,
      apiKey: offline.token,
      voiceId: 'en-us',
      query: { output_format: 'pcm_22050', sync_alignment: syncAlignment },
    });
    const chars: TimedChar[] = [];
    session.on('audio', (chunk) => chars.push(...chunk.chars));
    await session.connect();
    session.send('The first sentence is here, and it goes on a while. ', { flush: true });
    session.send('A second one follows it! ', { flush: true });
    session.end();
    await session.finished();
    return chars;
  }

  it('gives the same timeline whether only a generation’s first frame or every frame carries alignment', async () => {
    const firstFrameOnly = await timedChars(false);
    const everyFrame = await timedChars(true);
    expect(firstFrameOnly.length).toBeGreaterThan(40);
    expect(everyFrame.map((c) => c.char)).toEqual(firstFrameOnly.map((c) => c.char));
    // The engine's output varies by a few milliseconds from one synthesis to the next (the same text
    // twice gives a few hundred samples more or less), so "the same" is within that; an offset
    // assembled wrongly (frame-relative taken as absolute, a frame counted twice) is off by 60 ms or
    // more, the length of the shortest frame.
    everyFrame.forEach((c, i) => {
      expect(Math.abs(c.startMs - (firstFrameOnly[i] as TimedChar).startMs)).toBeLessThanOrEqual(30);
    });
  });
});
