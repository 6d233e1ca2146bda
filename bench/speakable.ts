// The speakable-text pipeline (main/text/speakable.ts, through main/app/speakable-reading.ts, which the
// app and `hark speak` call when a reading starts): how long it holds up the first audio of a
// 1,000-character text of four kinds, for the offline voice and ElevenLabs Flash v2.5 with the default
// text settings, warm and on the first call in a new process; whether it stays linear from 10 kB to
// 5 MB, whole and streamed in 4 kB pieces as stdin goes; which stage the time goes to; and the memory
// a 5 MB text takes. Needs no build.
//
//   node --import tsx bench/speakable.ts   # prints the tables and rewrites its section of bench/README.md
//   (npm run bench runs it too.)
import { execFile } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { MAX_READ_CHARS } from '../main/app/reading-text';
import { speakableOptions, speakableReading, warmUpSpeakableText } from '../main/app/speakable-reading';
import type { ReadingVoice, SpeakableRequest } from '../main/app/speakable-reading';
import { defaultSettings } from '../shared/settings-schema';
import { languageRuns } from '../main/text/language';
import type { LanguageRun } from '../main/text/language';
import { markupEdits } from '../main/text/markup';
import { numberEdits } from '../main/text/numbers';
import { OffsetMap, applyEdits } from '../main/text/offset-map';
import { SpeakableStream, makeSpeakable } from '../main/text/speakable';
import type { SpeakableOptions } from '../main/text/speakable';
import { writeMarkedSection } from './report';
import { median, now, percentile } from './stats';
import { LONG_TEXT, textOfLength } from './texts';

const SHORT_LENGTH = 1000;
const SHORT_WARM_UP = 50;
const SHORT_RUNS = 200;
const COLD_PROCESSES = 5;
const TARGET_MS = 2;
/** Characters of each long text, and how many times each is measured (the median is reported). */
const SIZES: readonly { chars: number; label: string; runs: number }[] = [
  { chars: 10_000, label: '10 kB', runs: 20 },
  { chars: 100_000, label: '100 kB', runs: 9 },
  { chars: 1_000_000, label: '1 MB', runs: 5 },
  { chars: 5_000_000, label: '5 MB', runs: 3 },
];
const MEMORY_CHARS = 5_000_000;
// V8 needs seconds of this work before its code is at full speed: without these uncounted rounds
// on a 1 MB text, the first sizes measured cost up to half as much again per MB as the last.
const LONG_WARM_UP_CHARS = 1_000_000;
const LONG_WARM_UP_ROUNDS = 2;
/** What a pipe hands `hark speak -` at a time. */
const PIECE_LENGTH = 4096;
const MARKERS = { start: '<!-- speakable:start -->', end: '<!-- speakable:end -->' };
/** Runs this file in a new process for one measurement that needs a fresh heap. */
const CHILD_FLAG = '--speakable-child';

const VOICES: readonly { label: string; voice: ReadingVoice }[] = [
  { label: 'Offline', voice: { engine: 'offline', modelId: 'hark_offline_v1', voiceId: 'en-us' } },
  {
    label: 'ElevenLabs Flash v2.5',
    voice: { engine: 'elevenlabs', modelId: 'eleven_flash_v2_5', voiceId: 'x' },
  },
];

const MARKDOWN_ANSWER = `## Reading a CSV file in Python

The **simplest way** is the built-in \`csv\` module; for very large files, *pandas* is faster.

1. Open the file with \`open()\` and an explicit encoding.
2. Wrap it in a \`csv.DictReader\`.
3. Loop over the rows: each one is a **dictionary** keyed by the header.

If the file has no header row, pass \`fieldnames=[...]\` yourself, and open a file you write with
\`newline=""\`, or blank lines appear between the rows on Windows.

\`\`\`python
import csv

with open("sales.csv", encoding="utf-8") as f:
    for row in csv.DictReader(f):
        print(row["region"], float(row["total"]))
\`\`\`

| Library | Speed   | Memory |
|---------|---------|--------|
| \`csv\`   | fast    | low    |
| pandas  | faster  | high   |
| polars  | fastest | medium |

See the [official documentation](https://docs.python.org/3/library/csv.html) for dialects and quoting. 🙂

> **Note:** \`DictReader\` gives every value as a string, so convert numbers yourself.
`;

const GERMAN_PARAGRAPH =
  'Am Montag, dem 3. März, fuhr der erste Zug erst um 7:30 Uhr, weil über Nacht Schnee gefallen war und ' +
  'die Weichen am Bahnhof nicht frei waren. Die meisten Fahrgäste warteten geduldig im kleinen Wartesaal, ' +
  'tranken Kaffee aus Pappbechern und sahen zu, wie draußen zwei Männer mit Schaufeln und einem alten ' +
  'Traktor die Gleise räumten. Frau Berger, die seit über zwanzig Jahren jeden Tag dieselbe Strecke fuhr, ' +
  'hatte ein Buch dabei, las aber kaum darin. Sie kannte die Geräusche des Bahnhofs so gut, dass sie an ' +
  'jedem Quietschen hörte, ob es noch lange dauern würde. Als der Zug endlich einfuhr, war es bereits ' +
  'zwanzig nach acht, und der Schaffner entschuldigte sich bei jedem Fahrgast, als hätte er den Schnee ' +
  'selbst bestellt. Hinter dem Wald brach die Sonne durch, und auf den Feldern glitzerte der Schnee so ' +
  'hell, dass man die Augen zusammenkneifen musste. In der Stadt ging Frau Berger zuerst zum Bäcker an ' +
  'der Ecke und kaufte zwei Brötchen, die zusammen 1,20 € kosteten.\n';

const RECEIPT = `GREEN MARKET GROCERY
12 Harbour Road, Unit 4B, Tel. 020 7946 0321
Date: 14/03/2025   Time: 17:42   Receipt no. 000418-27

2 x Oat milk 1 l            @ $1.89      $3.78
1 x Sourdough loaf 800 g                 $4.25
3 x Avocado                 @ $0.95      $2.85
0.734 kg Apples             @ $3.20/kg   $2.35
1 x Coffee beans 500 g                  $11.49
6 x Eggs, free range                     $3.10
1 x Olive oil 750 ml        -15%         $7.64
2 x Dark chocolate 70%      @ $2.40      $4.80
1 x Bin bags (20 pcs)                    $2.99

Subtotal                                $43.25
Member discount 5%                      -$2.16
VAT 8.5% included                        $3.22
TOTAL                                   $41.09
Card ************4417                   $41.09
Points earned: 41      Balance: 1,287
Items: 19     You saved $3.31 today
Served by Priya, till 3, 17:43

Thank you! Returns within 30 days with this receipt.
Open Mon-Sat 7:00-21:00, Sun 9:00-18:00.
`;

export const SHORT_TEXTS: readonly { label: string; text: string }[] = [
  { label: 'English prose', text: textOfLength(SHORT_LENGTH) },
  { label: 'LLM answer in Markdown', text: MARKDOWN_ANSWER },
  { label: 'German paragraph', text: GERMAN_PARAGRAPH },
  { label: 'Receipt full of numbers', text: RECEIPT },
];

/** Exactly `chars` characters of the four kinds in turn, blank lines between, as a long mixed document. */
export function mixedText(chars: number): string {
  const blocks = [MARKDOWN_ANSWER, `${LONG_TEXT}\n`, GERMAN_PARAGRAPH, RECEIPT];
  const parts: string[] = [];
  let length = 0;
  for (let i = 0; ; i++) {
    const block = `${blocks[i % blocks.length] as string}\n`;
    if (length + block.length > chars) break;
    parts.push(block);
    length += block.length;
  }
  // Whole blocks, so no code fence is left open; prose makes up the rest.
  parts.push(textOfLength(chars - length));
  return parts.join('');
}

interface Timing {
  wallMs: number;
  cpuMs: number;
}

function timed(work: () => unknown): Timing {
  const cpu = process.cpuUsage();
  const started = now();
  work();
  const wallMs = now() - started;
  const used = process.cpuUsage(cpu);
  return { wallMs, cpuMs: (used.user + used.system) / 1000 };
}

function request(voice: ReadingVoice): SpeakableRequest {
  return { voice, text: defaultSettings().text };
}

const OFFLINE_REQUEST = request((VOICES[0] as (typeof VOICES)[number]).voice);

interface ShortRow {
  text: string;
  chars: number;
  voice: string;
  medianMs: number;
  p95Ms: number;
  cpuMedianMs: number;
  cpuP95Ms: number;
}

/** Every text with every voice, taking turns, so that neither warm-up nor a busy moment favours one. */
function benchShort(): ShortRow[] {
  const cases = SHORT_TEXTS.flatMap(({ label, text }) =>
    VOICES.map(({ label: voice, voice: asked }) => ({
      label,
      text,
      voice,
      asked: request(asked),
      timings: [] as Timing[],
    })),
  );
  for (let round = -SHORT_WARM_UP; round < SHORT_RUNS; round++) {
    for (const entry of cases) {
      const timing = timed(() => speakableReading(entry.text, entry.asked));
      if (round >= 0) entry.timings.push(timing);
    }
  }
  return cases.map(({ label, text, voice, timings }) => {
    const wall = timings.map((timing) => timing.wallMs);
    const cpu = timings.map((timing) => timing.cpuMs);
    return {
      text: label,
      chars: text.length,
      voice,
      medianMs: median(wall),
      p95Ms: percentile(wall, 0.95),
      cpuMedianMs: median(cpu),
      cpuP95Ms: percentile(cpu, 0.95),
    };
  });
}

type ChildTask = 'cold' | 'warmed' | 'memory-stream' | 'memory-whole';

/** This file run as `task` in a new node process (with a collector to call); its JSON answer. */
async function inChild<T>(task: ChildTask, argument = ''): Promise<T> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', __filename, CHILD_FLAG, task, argument],
    { cwd: resolve(__dirname, '..'), maxBuffer: 1024 * 1024 },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as T;
}

interface ColdRun {
  firstMs: number;
  secondMs: number;
  /** The first call in another new process, after the warm-up the app runs when it is idle. */
  warmedMs: number;
}

/** In a new process: the first call, as `hark speak` makes it, then the second. */
function coldChild(textIndex: number): Omit<ColdRun, 'warmedMs'> {
  const text = SHORT_TEXTS[textIndex]?.text ?? '';
  const firstMs = timed(() => speakableReading(text, OFFLINE_REQUEST)).wallMs;
  const secondMs = timed(() => speakableReading(text, OFFLINE_REQUEST)).wallMs;
  return { firstMs, secondMs };
}

/** In a new process: the app's idle warm-up, then the first reading's call. */
function warmedChild(textIndex: number): Pick<ColdRun, 'warmedMs'> {
  const text = SHORT_TEXTS[textIndex]?.text ?? '';
  warmUpSpeakableText(OFFLINE_REQUEST.text);
  return { warmedMs: timed(() => speakableReading(text, OFFLINE_REQUEST)).wallMs };
}

interface ColdRow extends ColdRun {
  text: string;
}

async function benchCold(): Promise<ColdRow[]> {
  const rows: ColdRow[] = [];
  for (const [index, { label }] of SHORT_TEXTS.entries()) {
    const runs: ColdRun[] = [];
    for (let i = 0; i < COLD_PROCESSES; i++) {
      const cold = await inChild<Omit<ColdRun, 'warmedMs'>>('cold', String(index));
      runs.push({ ...cold, ...(await inChild<Pick<ColdRun, 'warmedMs'>>('warmed', String(index))) });
    }
    rows.push({
      text: label,
      firstMs: median(runs.map((run) => run.firstMs)),
      secondMs: median(runs.map((run) => run.secondMs)),
      warmedMs: median(runs.map((run) => run.warmedMs)),
    });
  }
  return rows;
}

/** `text` in pieces of about `length`, as a pipe delivers it decoded (never half a surrogate pair). */
function* pieces(text: string, length: number): Generator<string> {
  for (let start = 0; start < text.length;) {
    let end = Math.min(text.length, start + length);
    if (/[\uDC00-\uDFFF]/u.test(text[end] ?? '')) end += 1;
    yield text.slice(start, end);
    start = end;
  }
}

/**
 * The whole text through a stream, releasing the map behind it as `hark speak -` does; returns the
 * stream once the input has ended.
 */
function streamInPieces(text: string, options: SpeakableOptions, length: number): SpeakableStream {
  const stream = new SpeakableStream(options);
  for (const piece of pieces(text, length)) {
    stream.push(piece);
    stream.release();
  }
  stream.end();
  return stream;
}

function markupStage(source: string, options: SpeakableOptions): string {
  const markup = { codeBlocks: options.codeBlocks, emoji: options.emoji, language: options.language };
  return applyEdits(source, markupEdits(source, markup), new OffsetMap());
}

/** Numbers spelled out run by run in the run's language, as makeSpeakable does. */
function numberStage(cleaned: string, runs: readonly LanguageRun[]): number {
  const map = new OffsetMap();
  let spoken = 0;
  for (const run of runs) {
    const piece = cleaned.slice(run.start, run.end);
    spoken += applyEdits(piece, numberEdits(piece, run.language), map).length;
  }
  return spoken;
}

const LONG_MEASURES = ['reading', 'noDetection', 'stream', 'markup', 'languages', 'numbers'] as const;
type LongMeasure = (typeof LONG_MEASURES)[number];

/** Each measure of a long text, as work to time. */
function longMeasures(source: string): Record<LongMeasure, () => unknown> {
  const options = speakableOptions(OFFLINE_REQUEST);
  const cleaned = markupStage(source, options);
  const runs = languageRuns(cleaned, options.language);
  return {
    reading: () => speakableReading(source, OFFLINE_REQUEST),
    noDetection: () => makeSpeakable(source, { ...options, detectLanguage: false }),
    stream: () => streamInPieces(source, options, PIECE_LENGTH),
    markup: () => markupStage(source, options),
    languages: () => languageRuns(cleaned, options.language),
    numbers: () => numberStage(cleaned, runs),
  };
}

interface LongRow {
  label: string;
  chars: number;
  runs: number;
  /** Median wall milliseconds of each measure. */
  times: Record<LongMeasure, number>;
}

function benchLong(): LongRow[] {
  const warmUp = longMeasures(mixedText(LONG_WARM_UP_CHARS));
  for (let round = 0; round < LONG_WARM_UP_ROUNDS; round++) {
    for (const measure of LONG_MEASURES) warmUp[measure]();
  }
  return SIZES.map(({ chars, label, runs }) => {
    const source = mixedText(chars);
    const measures = longMeasures(source);
    const samples = new Map<LongMeasure, number[]>(LONG_MEASURES.map((measure) => [measure, []]));
    // In turn, so that a busy moment of the machine does not fall on one measure only. No collection
    // is forced between runs: the run after a forced one took up to twice as long.
    for (let run = 0; run < runs; run++) {
      for (const measure of LONG_MEASURES) samples.get(measure)?.push(timed(measures[measure]).wallMs);
    }
    const times = Object.fromEntries(
      LONG_MEASURES.map((measure) => [measure, median(samples.get(measure) ?? [])]),
    ) as Record<LongMeasure, number>;
    return { label, chars, runs, times };
  });
}

interface MemoryResult {
  /** Heap still used after a full collection with the result held, less before the work. */
  keptBytes: number;
  /** Resident memory before the work (the text built, modules loaded) and the process's peak. */
  rssBeforeBytes: number;
  peakRssBytes: number;
}

/** In a new process, so that no other measurement's heap is counted: the 5 MB text made speakable. */
function memoryChild(task: ChildTask): MemoryResult {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('the memory measurement needs node --expose-gc');
  const source = mixedText(MEMORY_CHARS);
  const options = speakableOptions(OFFLINE_REQUEST);
  gc();
  const before = process.memoryUsage();
  const result =
    task === 'memory-stream'
      ? streamInPieces(source, options, PIECE_LENGTH)
      : speakableReading(source, OFFLINE_REQUEST);
  const peakRssBytes = process.resourceUsage().maxRSS * 1024;
  gc();
  const keptBytes = process.memoryUsage().heapUsed - before.heapUsed;
  // Used after the collection, so that it cannot have taken the result.
  if (!result) throw new Error('nothing made');
  return { keptBytes, rssBeforeBytes: before.rss, peakRssBytes };
}

interface MemoryRow extends MemoryResult {
  what: string;
}

async function benchMemory(): Promise<MemoryRow[]> {
  return [
    { what: 'speakableReading, whole text', ...(await inChild<MemoryResult>('memory-whole')) },
    {
      what: `SpeakableStream, ${PIECE_LENGTH / 1024} kB pieces (its output sent on, not kept)`,
      ...(await inChild<MemoryResult>('memory-stream')),
    },
  ];
}

const ms = (value: number): string =>
  Number.isFinite(value) ? `${value.toFixed(value < 10 ? 2 : 0)} ms` : 'n/a';
const perMb = (value: number, chars: number): string => `${((value * 1e6) / chars).toFixed(0)} ms`;
const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;
const count = (n: number): string => n.toLocaleString('en-US');
const met = (ok: boolean): string => (ok ? 'yes' : '**no**');

function shortTable(rows: readonly ShortRow[]): string {
  return [
    `| Warm, ${SHORT_RUNS} runs each (characters) | Voice | Median | p95 | CPU time, median | CPU time, p95 | Target (p95) | Met |`,
    '|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (row) =>
        `| ${row.text} (${count(row.chars)}) | ${row.voice} | ${ms(row.medianMs)} | ${ms(row.p95Ms)} | ${ms(row.cpuMedianMs)} | ${ms(row.cpuP95Ms)} | ≤ ${TARGET_MS} ms | ${met(row.p95Ms <= TARGET_MS)} |`,
    ),
  ].join('\n');
}

function coldTable(rows: readonly ColdRow[]): string {
  return [
    `| First call in a new process, median of ${COLD_PROCESSES} (offline voice) | First call | Second call | First call after the app's warm-up | Target | Met (after the warm-up) |`,
    '|---|---|---|---|---|---|',
    ...rows.map(
      (row) =>
        `| ${row.text} | ${ms(row.firstMs)} | ${ms(row.secondMs)} | ${ms(row.warmedMs)} | ≤ ${TARGET_MS} ms | ${met(row.warmedMs <= TARGET_MS)} |`,
    ),
  ].join('\n');
}

function linearityTable(rows: readonly LongRow[]): string {
  return [
    `| Mixed text (characters) | Runs | speakableReading, whole text | Per MB | SpeakableStream, ${PIECE_LENGTH / 1024} kB pieces | Per MB |`,
    '|---|---|---|---|---|---|',
    ...rows.map(
      ({ label, chars, runs, times }) =>
        `| ${label} (${count(chars)}) | ${runs} | ${ms(times.reading)} | ${perMb(times.reading, chars)} | ${ms(times.stream)} | ${perMb(times.stream, chars)} |`,
    ),
  ].join('\n');
}

function stagesTable(rows: readonly LongRow[]): string {
  const cells = (value: number, chars: number): string => `${ms(value)} | ${perMb(value, chars)}`;
  return [
    '| Mixed text | Markup (markupEdits + applyEdits) | Per MB | languageRuns | Per MB | Numbers (numberEdits + applyEdits) | Per MB | Whole text, language detection off | Per MB |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      ({ label, chars, times }) =>
        `| ${label} | ${cells(times.markup, chars)} | ${cells(times.languages, chars)} | ${cells(times.numbers, chars)} | ${cells(times.noDetection, chars)} |`,
    ),
  ].join('\n');
}

function memoryTable(rows: readonly MemoryRow[]): string {
  return [
    `| ${count(MEMORY_CHARS)} characters of mixed text, each in a new process | Heap kept by the result | Resident before | Resident at the peak |`,
    '|---|---|---|---|',
    ...rows.map(
      (row) => `| ${row.what} | ${mb(row.keptBytes)} | ${mb(row.rssBeforeBytes)} | ${mb(row.peakRssBytes)} |`,
    ),
  ].join('\n');
}

/** How many times the per-MB cost at the largest size is that at `chars`: 1 is linear. */
function growth(rows: readonly LongRow[], measure: LongMeasure, chars: number): string {
  const perChar = (row: LongRow | undefined): number => (row ? row.times[measure] / row.chars : NaN);
  return `${(perChar(rows.at(-1)) / perChar(rows.find((row) => row.chars === chars))).toFixed(2)}×`;
}

interface Results {
  short: ShortRow[];
  cold: ColdRow[];
  long: LongRow[];
  memory: MemoryRow[];
  loadAtStart: number;
  elapsedMs: number;
}

function render({ short, cold, long, memory, loadAtStart, elapsedMs }: Results): string {
  const cpu = cpus()[0]?.model.split(' ').slice(0, 2).join(' ') ?? 'unknown CPU';
  const largest = long.at(-1)?.label ?? '';
  return [
    `Last run: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${cpu}, ${cpus().length} cores, ` +
      `Node ${process.version}; load average ${loadAtStart.toFixed(1)} at the start; took ${(elapsedMs / 1000).toFixed(0)} s. ` +
      `Default text settings; warm: ${SHORT_WARM_UP} uncounted rounds first, texts and voices in turn.`,
    '',
    shortTable(short),
    '',
    coldTable(cold),
    '',
    `Long texts, offline voice (median of the runs). Per MB: per million characters. Per MB at ${largest} ` +
      `÷ per MB at ${count(MAX_READ_CHARS)} characters (the most the app reads of a selection): ` +
      `${growth(long, 'reading', MAX_READ_CHARS)} whole, ${growth(long, 'stream', MAX_READ_CHARS)} streamed.`,
    '',
    linearityTable(long),
    '',
    stagesTable(long),
    '',
    memoryTable(memory),
  ].join('\n');
}

/** What `npm run bench` calls: measure, rewrite the section, and return its markdown. */
export async function benchSpeakable(readmePath?: string): Promise<string> {
  const started = now();
  const loadAtStart = loadavg()[0] ?? 0;
  const memory = await benchMemory();
  const cold = await benchCold();
  const short = benchShort();
  const long = benchLong();
  const markdown = render({ short, cold, long, memory, loadAtStart, elapsedMs: now() - started });
  if (readmePath) await writeMarkedSection(readmePath, MARKERS, markdown);
  return markdown;
}

function runChild(task: string | undefined, argument: string | undefined): void {
  const result =
    task === 'cold'
      ? coldChild(Number(argument))
      : task === 'warmed'
        ? warmedChild(Number(argument))
        : task === 'memory-stream' || task === 'memory-whole'
          ? memoryChild(task)
          : undefined;
  if (result === undefined) throw new Error(`unknown task ${task}`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (require.main === module) {
  const childAt = process.argv.indexOf(CHILD_FLAG);
  if (childAt !== -1) {
    runChild(process.argv[childAt + 1], process.argv[childAt + 2]);
  } else {
    benchSpeakable(resolve(__dirname, 'README.md')).then(
      (markdown) => process.stdout.write(`${markdown}\n`),
      (error: unknown) => {
        process.stderr.write(
          `bench (speakable): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
        );
        process.exitCode = 1;
      },
    );
  }
}
