// Steering a reading (`npm run bench`, or `node --import tsx bench/steering.ts` after a build): how
// long after "previous sentence", "next sentence" or a jump the new audio reaches the player, what it
// costs in connections and characters (counted by the measuring proxy between reading and server),
// for the offline voice and for a stand-in server whose first audio takes a known time.
//
// The clock stops when the first audio of the new sentence is handed to the player's stream: the
// player's own start-up (bench/player.ts: the lead of its jitter buffer) comes on top.
import { resolve } from 'node:path';
import { DEFAULT_KEPT_AUDIO_MEMORY_BYTES } from '../main/app/kept-audio';
import type { KeptAudioOptions } from '../main/app/kept-audio';
import { SentenceReading } from '../main/app/sentence-reading';
import { startNarration } from '../main/app/start-narration';
import { startStreamServer } from '../main/engine/stream-server';
import type { AudioSink } from '../main/speech/narration';
import { parseOutputFormat } from '../shared/protocol';
import type { FormatInfo } from '../shared/protocol';
import type { AudioChunk } from '../main/speech/session';
import { startScriptedServer } from '../tests/helpers/scripted-server';
import type { ScriptedConnection } from '../tests/helpers/scripted-server';
import { startMeasuringProxy } from './measuring-proxy';
import type { MeasuringProxy, RunMeasurement } from './measuring-proxy';
import { writeMarkedSection } from './report';
import { formatMs, median, now, percentile } from './stats';

const REPETITIONS = 9;
const FORMAT_NAME = 'pcm_16000';
const FORMAT = parseOutputFormat(FORMAT_NAME) as FormatInfo;
const STAND_IN_FIRST_CHUNK_MS = 100;
const STAND_IN_MS_PER_CHAR = 40;
const TWO_HOURS_CHARS = 100_000;
const MARKERS = { start: '<!-- steering:start -->', end: '<!-- steering:end -->' };

/** A player stand-in on the wall clock: it notes when each stream got its first audio. */
class ClockPlayer {
  streams: { openedAt: number; firstAudioAt?: number; sink: AudioSink }[] = [];

  open(): AudioSink {
    const openedAt = now();
    let received = 0;
    let startedAt: number | undefined;
    const entry: ClockPlayer['streams'][number] = {
      openedAt,
      sink: {
        write: (chunk: AudioChunk) => {
          entry.firstAudioAt ??= now();
          startedAt ??= now();
          received += chunk.durationMs;
        },
        playedMs: () => (startedAt === undefined ? 0 : Math.min(received, now() - startedAt)),
        end: () => Promise.resolve(),
      },
    };
    this.streams.push(entry);
    return entry.sink;
  }

  get current(): ClockPlayer['streams'][number] | undefined {
    return this.streams.at(-1);
  }
}

function sentences(count: number): string {
  const words = ['quiet', 'rivers', 'carry', 'bright', 'stones', 'toward', 'the', 'open', 'sea'];
  return Array.from({ length: count }, (_, i) => {
    const body = Array.from({ length: 9 }, (_, j) => words[(i + j) % words.length]).join(' ');
    return `Sentence ${i + 1}, ${body}. `;
  }).join('');
}

function textOfLength(chars: number): string {
  let text = '';
  for (let count = 50; text.length < chars; count *= 2) text = sentences(count);
  return text.slice(0, text.lastIndexOf('. ', chars) + 2).trim();
}

interface Steered {
  reading: SentenceReading;
  player: ClockPlayer;
  done: Promise<void>;
}

/** A listener who hears everything at once: the reading goes as fast as the voice generates. */
function instantSink(): AudioSink & { heardMs: number } {
  const sink = {
    heardMs: 0,
    write: (chunk: AudioChunk) => void (sink.heardMs += chunk.durationMs),
    playedMs: () => sink.heardMs,
    end: () => Promise.resolve(),
  };
  return sink;
}

function startReading(
  text: string,
  proxy: MeasuringProxy,
  token: string,
  options: { openPlayer?: () => AudioSink; keptAudio?: KeptAudioOptions } = {},
): Steered {
  const player = new ClockPlayer();
  const reading = new SentenceReading({
    text,
    format: FORMAT,
    generate: (from, sink) =>
      startNarration({
        target: {
          baseUrl: proxy.url,
          apiKey: token,
          parameters: { voiceId: 'en-us', query: { output_format: FORMAT_NAME } },
        },
        source: { kind: 'text', text },
        sink,
        startAt: from,
      }),
    openPlayer: options.openPlayer ?? (() => player.open()),
    pollMs: 20,
    ...(options.keptAudio ? { keptAudio: options.keptAudio } : {}),
  });
  const done = reading.run();
  done.catch(() => undefined);
  return { reading, player, done };
}

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = now() + timeoutMs;
  while (!condition()) {
    if (now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Time from the command to the new stream's first audio, and what the command cost. */
async function measureCommand(steered: Steered, proxy: MeasuringProxy, command: () => void): Promise<Sample> {
  const run: RunMeasurement = proxy.beginRun();
  const streamsBefore = steered.player.streams.length;
  const startedAt = now();
  command();
  await until(
    () => steered.player.streams.length > streamsBefore && steered.player.current?.firstAudioAt !== undefined,
    10_000,
    'audio after the command',
  );
  const latencyMs = (steered.player.current?.firstAudioAt ?? Infinity) - startedAt;
  return { latencyMs, connections: run.connectedAt === undefined ? 0 : 1, characters: run.charactersSent };
}

interface Sample {
  latencyMs: number;
  connections: number;
  characters: number;
}

interface Row {
  what: string;
  samples: Sample[];
  target: string;
}

async function previousSentence(proxy: MeasuringProxy, token: string): Promise<Sample[]> {
  const samples: Sample[] = [];
  for (let i = 0; i < REPETITIONS; i++) {
    const steered = startReading(sentences(12), proxy, token);
    await until(() => steered.reading.currentSentence >= 2, 30_000, 'the third sentence heard');
    samples.push(await measureCommand(steered, proxy, () => steered.reading.previous()));
    steered.reading.cancel();
  }
  return samples;
}

/** Jumps well past what has been generated (the pacing keeps about 8 s ahead). */
async function jumpAhead(
  proxy: MeasuringProxy,
  token: string,
  text: string,
  count: number,
): Promise<Sample[]> {
  const samples: Sample[] = [];
  const steered = startReading(text, proxy, token);
  const total = steered.reading.sentences.count;
  await until(() => steered.player.current?.firstAudioAt !== undefined, 30_000, 'first audio');
  for (let i = 0; i < count; i++) {
    // Spread over the whole text, far from the sentence playing now.
    const target = Math.floor(((i + 0.5) / count) * total + total / 3) % total;
    samples.push(await measureCommand(steered, proxy, () => steered.reading.jumpTo(target)));
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  steered.reading.cancel();
  return samples;
}

interface MemoryRow {
  what: string;
  audioMs: number;
  peakMemoryBytes: number;
  fileBytes: number;
  peakRssGrowthBytes: number;
}

/** A 2-hour text listened through: the kept audio's memory, its file, and the process's RSS growth. */
async function keptAudioOfTwoHours(
  proxy: MeasuringProxy,
  token: string,
  what: string,
  keptAudio: KeptAudioOptions,
): Promise<MemoryRow> {
  const sink = instantSink();
  const rssBefore = process.memoryUsage.rss();
  const steered = startReading(textOfLength(TWO_HOURS_CHARS), proxy, token, {
    openPlayer: () => sink,
    keptAudio,
  });
  let peakMemoryBytes = 0;
  let peakRss = rssBefore;
  const sampler = setInterval(() => {
    peakMemoryBytes = Math.max(peakMemoryBytes, steered.reading.keptBytes().memory);
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 100);
  await steered.done;
  clearInterval(sampler);
  const { memory, file } = steered.reading.keptBytes();
  steered.reading.close();
  return {
    what,
    audioMs: sink.heardMs,
    peakMemoryBytes: Math.max(peakMemoryBytes, memory),
    fileBytes: file,
    peakRssGrowthBytes: peakRss - rssBefore,
  };
}

function renderMemory(rows: readonly MemoryRow[]): string {
  const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  const audio = rows[0] ? `${(rows[0].audioMs / 3_600_000).toFixed(2)} h of ${FORMAT_NAME}` : '';
  const lines = [
    `The kept audio of a ${TWO_HOURS_CHARS.toLocaleString('en')}-character text (${audio}, offline voice) listened through at the speed the voice generates, one after the other in this run:`,
    '',
    '| Kept audio | In memory (peak) | In the temporary file | Process RSS growth (peak) |',
    '| --- | --- | --- | --- |',
  ];
  for (const row of rows) {
    lines.push(
      `| ${row.what} | ${mb(row.peakMemoryBytes)} | ${mb(row.fileBytes)} | ${mb(row.peakRssGrowthBytes)} |`,
    );
  }
  return lines.join('\n');
}

/** A stand-in for ElevenLabs: its first audio comes STAND_IN_FIRST_CHUNK_MS after the first text. */
async function standInServer(): Promise<{ url: string; close(): Promise<void> }> {
  return startScriptedServer(async (connection: ScriptedConnection) => {
    await connection.accept();
    await connection.nextMessage();
    let first = true;
    for (;;) {
      const message = (await connection.nextMessage(60_000).catch(() => ({ text: '' }))) as { text?: string };
      const text = message.text ?? '';
      if (text === '') break;
      if (!text.trim()) continue;
      if (first) await connection.sleep(STAND_IN_FIRST_CHUNK_MS);
      first = false;
      const chars = Array.from(text);
      const samples = new Uint8Array(chars.length * STAND_IN_MS_PER_CHAR * 32);
      connection.sendAudio(samples, {
        alignment: {
          chars,
          charStartTimesMs: chars.map((_, i) => i * STAND_IN_MS_PER_CHAR),
          charDurationsMs: chars.map(() => STAND_IN_MS_PER_CHAR),
        },
      });
    }
    connection.sendFinal();
    connection.close(1000);
  });
}

function renderRows(rows: readonly Row[], elapsedS: number): string {
  const lines = [
    `Steering, ${REPETITIONS} times each unless said (${elapsedS.toFixed(0)} s in all). Latency: from the command to the new sentence's first audio handed to the player; connections and characters: what the command itself cost, counted by the proxy.`,
    '',
    '| Command | Median | p95 | New connections | New characters | Target |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const row of rows) {
    const latencies = row.samples.map((sample) => sample.latencyMs);
    const connections = row.samples.reduce((sum, sample) => sum + sample.connections, 0);
    const characters = row.samples.reduce((sum, sample) => sum + sample.characters, 0);
    lines.push(
      `| ${row.what} | ${formatMs(median(latencies))} | ${formatMs(percentile(latencies, 0.95))} | ${connections} in ${row.samples.length} | ${characters} | ${row.target} |`,
    );
  }
  return lines.join('\n');
}

export async function benchSteering(readmePath?: string): Promise<string> {
  const started = now();
  const offline = await startStreamServer();
  const offlineProxy = await startMeasuringProxy(offline.url);
  const standIn = await standInServer();
  const standInProxy = await startMeasuringProxy(standIn.url);
  try {
    const rows: Row[] = [
      {
        what: 'Previous sentence (offline voice, kept audio)',
        samples: await previousSentence(offlineProxy, offline.token),
        target: '≤ 60 ms, 0, 0',
      },
      {
        what: 'Jump past what was generated (offline voice)',
        samples: await jumpAhead(offlineProxy, offline.token, sentences(200), REPETITIONS),
        target: '≤ 150 ms',
      },
      {
        what: `Jump past what was generated (stand-in, first audio after ${STAND_IN_FIRST_CHUNK_MS} ms)`,
        samples: await jumpAhead(standInProxy, 'k', sentences(200), REPETITIONS),
        target: `≤ ${STAND_IN_FIRST_CHUNK_MS} + 1 round trip + 60 ms`,
      },
      {
        what: `Seek anywhere in a 2-hour text (${TWO_HOURS_CHARS.toLocaleString('en')} characters, offline voice, 20 seeks)`,
        samples: await jumpAhead(offlineProxy, offline.token, textOfLength(TWO_HOURS_CHARS), 20),
        target: '≤ 150 ms',
      },
    ];
    const memory = [
      await keptAudioOfTwoHours(
        offlineProxy,
        offline.token,
        `Beyond ${DEFAULT_KEPT_AUDIO_MEMORY_BYTES / 1024 / 1024} MB to a temporary file (the default)`,
        {},
      ),
      await keptAudioOfTwoHours(offlineProxy, offline.token, 'All in memory (for comparison)', {
        memoryBytes: Infinity,
      }),
    ];
    const markdown = `${renderRows(rows, (now() - started) / 1000)}\n\n${renderMemory(memory)}`;
    if (readmePath) await writeMarkedSection(readmePath, MARKERS, markdown);
    return markdown;
  } finally {
    await offlineProxy.close();
    await standInProxy.close();
    await standIn.close();
    await offline.close();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve('bench/steering.ts')) {
  benchSteering(resolve('bench/README.md')).then(
    (markdown) => process.stdout.write(`${markdown}\n`),
    (error: unknown) => {
      process.stderr.write(
        `bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exitCode = 1;
    },
  );
}
