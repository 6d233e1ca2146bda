// Steering a reading by sentence against the fault server (a real stream-input server on loopback
// that voices each character as a code, so the audio itself says which text it is) and a player on
// the wall clock: what is heard after a jump, how many connections and characters it took.
import { afterEach, describe, expect, it } from 'vitest';
import { parseOutputFormat } from '../../shared/protocol';
import type { FormatInfo } from '../../shared/protocol';
import { CODED_OUTPUT_FORMAT, decodeCodedAudio, startFaultServer } from '../../tests/helpers/fault-server';
import type { ConnectionPlan, FaultServer } from '../../tests/helpers/fault-server';
import { RecordingPlayer } from '../../tests/helpers/recording-player';
import type { Playback } from '../../tests/helpers/recording-player';
import { until } from '../../tests/helpers/until';
import { SentenceReading } from './sentence-reading';
import type { SentenceReadingOptions } from './sentence-reading';
import { startNarration } from './start-narration';

const FORMAT = parseOutputFormat(CODED_OUTPUT_FORMAT) as FormatInfo;
const SENTENCES = [
  'Alpha one is first. ',
  'Bravo two comes next. ',
  'Charlie three is here. ',
  'Delta four follows on. ',
  'Echo five is the end.',
];
const TEXT = SENTENCES.join('');

let server: FaultServer | undefined;
let reading: SentenceReading | undefined;

afterEach(async () => {
  reading?.close();
  reading = undefined;
  await server?.close();
  server = undefined;
});

interface Fixture {
  reading: SentenceReading;
  player: RecordingPlayer;
  server: FaultServer;
  done: Promise<void>;
}

async function start(
  options: {
    leadMs?: number;
    rate?: number;
    plans?: ConnectionPlan[];
  } & Partial<SentenceReadingOptions> = {},
): Promise<Fixture> {
  const text = options.text ?? TEXT;
  server = await startFaultServer(options.plans ?? []);
  const player = new RecordingPlayer(options.rate ?? 1);
  const url = server.url;
  reading = new SentenceReading({
    text,
    format: FORMAT,
    generate: (from, sink, until) =>
      startNarration({
        target: {
          baseUrl: url,
          apiKey: 'k',
          parameters: { voiceId: 'coded', query: { output_format: CODED_OUTPUT_FORMAT } },
        },
        source: { kind: 'text', text: text.slice(0, until) },
        sink,
        startAt: from,
        tuning: { leadMs: options.leadMs ?? 60_000 },
      }),
    openPlayer: () => player.open(FORMAT),
    pollMs: 20,
    ...(options.onFailure ? { onFailure: options.onFailure } : {}),
    ...(options.keptAudio ? { keptAudio: options.keptAudio } : {}),
    ...(options.voiceChanges ? { voiceChanges: options.voiceChanges } : {}),
  });
  const done = reading.run();
  done.catch(() => undefined);
  return { reading, player, server, done };
}

function heard(playback: Playback | undefined): string {
  return decodeCodedAudio(Buffer.concat((playback?.chunks ?? []).map((chunk) => chunk.audio)));
}

function charactersSent(server: FaultServer): number {
  return server.voiced.reduce((sum, text) => sum + (text?.length ?? 0), 0);
}

describe('SentenceReading', () => {
  it('reads the whole text once, in order, over one connection', async () => {
    const { player, server, done } = await start({ rate: 8 });
    await done;
    expect(heard(player.current).replace(/\s+/g, ' ').trim()).toBe(TEXT.replace(/\s+/g, ' ').trim());
    expect(server.connections).toHaveLength(1);
    expect(player.playbacks).toHaveLength(1);
  });

  it('goes back a sentence from the kept audio: no new connection, no new character', async () => {
    const { reading, player, server } = await start();
    // Everything is generated quickly (a long lead); wait until the third sentence is being heard.
    await until(() => reading.currentSentence === 2, 10_000, 'third sentence heard');
    await until(() => server.voiced[0]?.includes('Echo') ?? false, 10_000, 'all generated');
    const sentBefore = charactersSent(server);
    // More than 2 s into a sentence restarts it; within 2 s goes to the one before.
    reading.previous();
    await until(() => heard(player.current).length >= 12, 5000, 'audio after previous');
    expect(player.playbacks).toHaveLength(2);
    expect(heard(player.current).startsWith('Bravo two')).toBe(true);
    expect(server.connections).toHaveLength(1);
    expect(charactersSent(server)).toBe(sentBefore);
  });

  it('goes back to audio that had moved out of memory to the temporary file', async () => {
    const { reading, player, server } = await start({ keptAudio: { memoryBytes: 2000 } });
    await until(() => reading.currentSentence === 2, 10_000, 'third sentence heard');
    await until(() => server.voiced[0]?.includes('Echo') ?? false, 10_000, 'all generated');
    const kept = reading.keptBytes();
    expect(kept.memory).toBeLessThanOrEqual(2000);
    expect(kept.file).toBeGreaterThan(2000);
    reading.previous();
    await until(() => heard(player.current).length >= 12, 5000, 'audio after previous');
    expect(heard(player.current).startsWith('Bravo two')).toBe(true);
    expect(server.connections).toHaveLength(1);
  });

  it('previous late in a sentence restarts that sentence', async () => {
    // 2.5 s of coded audio in the second sentence, played 4 times faster than real time.
    const long = `Start here. Then ${'word '.repeat(50)}end. Last one.`;
    const { reading, player } = await start({ text: long, rate: 4 });
    await until(
      () => reading.currentSentence === 1 && reading.place().elapsedMs > 110 + 2200,
      10_000,
      'late in 2',
    );
    reading.previous();
    await until(() => heard(player.current).length >= 10, 5000, 'audio after previous');
    expect(heard(player.current).startsWith('Then word')).toBe(true);
  });

  it('previous early in a sentence goes to the one before', async () => {
    const long = `Start here. Then ${'word '.repeat(50)}end. Last one.`;
    const { reading, player } = await start({ text: long, rate: 1 });
    await until(
      () => reading.currentSentence === 1 && reading.place().elapsedMs > 110 + 300,
      10_000,
      'early in 2',
    );
    reading.previous();
    await until(() => heard(player.current).length >= 10, 5000, 'audio after previous');
    expect(heard(player.current).startsWith('Start here')).toBe(true);
  });

  it('jumps past what was generated: the pending generation is cancelled and a new one starts there', async () => {
    // A short lead: only the first sentence or so is generated ahead.
    const many = Array.from({ length: 40 }, (_, i) => `Sentence number ${i} is spoken here. `).join('');
    const { reading, player, server } = await start({ text: many, leadMs: 500 });
    await until(() => heard(player.current).length > 5, 10_000, 'first audio');
    reading.jumpTo(30);
    await until(() => heard(player.current).length >= 20, 10_000, 'audio after jump');
    expect(heard(player.current).startsWith('Sentence number 30 ')).toBe(true);
    expect(server.connections).toHaveLength(2);
    expect(server.voiced[1]?.startsWith('Sentence number 30 ')).toBe(true);
    // The first connection was stopped early: it never voiced the sentences in between.
    expect(server.voiced[0]).not.toContain('number 20 ');
  });

  it('next moves to the following sentence and the reading still ends', async () => {
    const { reading, player, done } = await start({ rate: 4 });
    await until(() => heard(player.current).length > 3, 10_000, 'first audio');
    reading.next();
    await until(() => heard(player.current).length >= 8, 10_000, 'audio after next');
    expect(heard(player.current).startsWith('Bravo two')).toBe(true);
    await done;
    expect(heard(player.current).trim().endsWith('is the end.')).toBe(true);
  });

  it('keeps the history audio in text order after going back', async () => {
    const { reading, done } = await start({ rate: 8 });
    await until(() => reading.currentSentence === 2, 10_000, 'third sentence');
    reading.jumpTo(0);
    await done;
    const recording = reading.recording();
    expect(recording).toBeDefined();
    const audio = Buffer.concat(recording!.chunks.map((chunk) => chunk.audio));
    expect(decodeCodedAudio(audio).replace(/\s+/g, ' ').trim()).toBe(TEXT.replace(/\s+/g, ' ').trim());
    expect(recording!.textStart).toBe(0);
    expect(recording!.textEnd).toBe(TEXT.length);
  });

  it('carries on with the next generation after a failure the owner continues', async () => {
    const failures: string[] = [];
    const { player, server, done } = await start({
      rate: 8,
      plans: [{ after: 30, then: { kind: 'close', code: 1008, reason: 'quota_exceeded' } }],
      onFailure: (error) => {
        failures.push(error.code);
        return 'continue';
      },
    });
    await done;
    expect(failures).toHaveLength(1);
    expect(server.connections).toHaveLength(2);
    expect(heard(player.current).replace(/\s+/g, ' ').trim()).toBe(TEXT.replace(/\s+/g, ' ').trim());
  });

  it('reads each voice part over its own connection, one after the other, in one passage', async () => {
    const { player, server, done, reading } = await start({ rate: 8, voiceChanges: [2, 4] });
    await done;
    expect(server.voiced.map((text) => text.replace(/\s+/g, ' ').trim())).toEqual([
      'Alpha one is first. Bravo two comes next.',
      'Charlie three is here. Delta four follows on.',
      'Echo five is the end.',
    ]);
    // The next voice was ready before the listener got there: no new player stream, nothing missed.
    expect(player.playbacks).toHaveLength(1);
    expect(heard(player.current).replace(/\s+/g, ' ').trim()).toBe(TEXT.replace(/\s+/g, ' ').trim());
    const recording = reading.recording();
    expect(recording?.textEnd).toBe(TEXT.length);
  });

  it('a jump into a later voice part reads only that part and what follows it', async () => {
    const { reading, player, server, done } = await start({ rate: 4, voiceChanges: [3] });
    await until(() => heard(player.current).length > 3, 10_000, 'first audio');
    reading.jumpTo(3);
    await done;
    expect(heard(player.current).replace(/\s+/g, ' ').trim()).toBe(
      'Delta four follows on. Echo five is the end.',
    );
    expect(server.voiced.at(-1)?.replace(/\s+/g, ' ').trim()).toBe(
      'Delta four follows on. Echo five is the end.',
    );
  });
});
