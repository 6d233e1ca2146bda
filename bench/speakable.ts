// The speakable-text pipeline (main/text/speakable.ts, through main/app/speakable-reading.ts, which the
// app and `hark speak` call when a reading starts): how long it holds up the first audio of a
// 1,000-character text of four kinds, for the offline voice and ElevenLabs Flash v2.5 with the default
// settings; whether it stays linear from 10 kB to 5 MB, whole and streamed in 4 kB pieces as stdin
// goes; which stage the time goes to; and the memory a 5 MB text leaves behind. Needs no build.
//
//   node --import tsx bench/speakable.ts   # prints the tables and rewrites its section of bench/README.md
//   (npm run bench runs it too.)
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { MAX_READ_CHARS } from '../main/app/reading-text';
import { speakableOptions, speakableReading } from '../main/app/speakable-reading';
import type { ReadingVoice, SpeakableRequest } from '../main/app/speakable-reading';
import { defaultSettings } from '../main/store/settings-schema';
import { languageRuns } from '../main/text/language';
import { markupEdits } from '../main/text/markup';
import { numberEdits } from '../main/text/numbers';
import { OffsetMap, applyEdits } from '../main/text/offset-map';
import { SpeakableStream, makeSpeakable } from '../main/text/speakable';
import type { SpeakableOptions } from '../main/text/speakable';
import { writeMarkedSection } from './report';
import { median, now } from './stats';
import { LONG_TEXT, textOfLength } from './texts';

const SHORT_LENGTH = 1000;
const SHORT_WARM_UP = 50;
const SHORT_RUNS = 200;
const TARGET_MS = 2;
/** Characters of each long text, and how many times each is measured (the median is reported). */
const SIZES: readonly { chars: number; label: string; runs: number }[] = [
  { chars: 10_000, label: '10 kB', runs: 20 },
  { chars: 100_000, label: '100 kB', runs: 9 },
  { chars: 1_000_000, label: '1 MB', runs: 5 },
  { chars: 5_000_000, label: '5 MB', runs: 3 },
];
const LONG_WARM_UP = 5;
/** What a pipe hands `hark speak -` at a time. */
const PIECE_LENGTH = 4096;
const MARKERS = { start: '<!-- speakable:start -->', end: '<!-- speakable:end -->' };

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

/** A full collection: node's own with --expose-gc, else one made available now. */
function collector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

const gc = collector();

function timed(work: () => unknown): number {
  const started = now();
  work();
  return now() - started;
}

function percentile(values: readonly number[], share: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * share) - 1)] ?? NaN;
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
}

/** Every text with every voice, taking turns, so that neither warm-up nor a busy moment favours one. */
function benchShort(): ShortRow[] {
  const cases = SHORT_TEXTS.flatMap(({ label, text }) =>
    VOICES.map(({ label: voice, voice: asked }) => ({
      label,
      text,
      voice,
      asked: request(asked),
      times: [] as number[],
    })),
  );
  for (let round = -SHORT_WARM_UP; round < SHORT_RUNS; round++) {
    for (const entry of cases) {
      const elapsed = timed(() => speakableReading(entry.text, entry.asked));
      if (round >= 0) entry.times.push(elapsed);
    }
  }
  return cases.map(({ label, text, voice, times }) => ({
    text: label,
    chars: text.length,
    voice,
    medianMs: median(times),
    p95Ms: percentile(times, 0.95),
  }));
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

/** The whole text through a stream; returns the stream (its offset map) once the input has ended. */
function streamInPieces(text: string, options: SpeakableOptions, length: number): SpeakableStream {
  const stream = new SpeakableStream(options);
  for (const piece of pieces(text, length)) stream.push(piece);
  stream.end();
  return stream;
}

interface Stages {
  cleaned: string;
  runs: ReturnType<typeof languageRuns>;
}

function markupStage(source: string, options: SpeakableOptions): string {
  const markup = { codeBlocks: options.codeBlocks, emoji: options.emoji, language: options.language };
  return applyEdits(source, markupEdits(source, markup), new OffsetMap());
}

/** Numbers spelled out run by run in the run's language, as makeSpeakable does. */
function numberStage({ cleaned, runs }: Stages): number {
  const map = new OffsetMap();
  let spoken = 0;
  for (const run of runs) {
    const piece = cleaned.slice(run.start, run.end);
    spoken += applyEdits(piece, numberEdits(piece, run.language), map).length;
  }
  return spoken;
}

/** Median milliseconds of each measure, run in turn `runs` times after a collection each. */
type LongTimes = Record<'reading' | 'noDetection' | 'stream' | 'markup' | 'languages' | 'numbers', number>;

interface LongRow {
  label: string;
  chars: number;
  runs: number;
  times: LongTimes;
}

function benchLong(): LongRow[] {
  const options = speakableOptions(OFFLINE_REQUEST);
  const withoutDetection: SpeakableOptions = { ...options, detectLanguage: false };
  return SIZES.map(({ chars, label, runs }, index) => {
    const source = mixedText(chars);
    const cleaned = markupStage(source, options);
    const stages: Stages = { cleaned, runs: languageRuns(cleaned, options.language) };
    const measures: Record<keyof LongTimes, () => unknown> = {
      reading: () => speakableReading(source, OFFLINE_REQUEST),
      noDetection: () => makeSpeakable(source, withoutDetection),
      stream: () => streamInPieces(source, options, PIECE_LENGTH),
      markup: () => markupStage(source, options),
      languages: () => languageRuns(cleaned, options.language),
      numbers: () => numberStage(stages),
    };
    const samples = new Map<keyof LongTimes, number[]>();
    // Uncounted rounds on the smallest text let V8 optimise the stages. No collection is forced
    // between runs: the run after a forced one took up to twice as long.
    for (let run = index === 0 ? -LONG_WARM_UP : 0; run < runs; run++) {
      for (const [name, work] of Object.entries(measures) as [keyof LongTimes, () => unknown][]) {
        const elapsed = timed(work);
        if (run >= 0) samples.set(name, [...(samples.get(name) ?? []), elapsed]);
      }
    }
    const times = Object.fromEntries(
      [...samples].map(([name, values]) => [name, median(values)]),
    ) as LongTimes;
    return { label, chars: source.length, runs, times };
  });
}

interface MemoryRow {
  what: string;
  /** Heap still used after a full collection, with the result held. */
  retainedBytes: number;
  /** Resident memory after the work, less before it: the garbage it made, until collected. */
  rssGrowthBytes: number;
}

function memoryOf(what: string, work: () => unknown): MemoryRow {
  gc();
  const before = process.memoryUsage();
  const result = work();
  const rssAfter = process.memoryUsage.rss();
  gc();
  const retainedBytes = process.memoryUsage().heapUsed - before.heapUsed;
  // Held until measured, so that the collection above cannot take it.
  if (result === undefined) throw new Error(`${what} returned nothing`);
  return { what, retainedBytes, rssGrowthBytes: rssAfter - before.rss };
}

/** The stream first: it needs less, so the whole text's growth is not hidden by memory it left reserved. */
function benchMemory(source: string): MemoryRow[] {
  const options = speakableOptions(OFFLINE_REQUEST);
  return [
    memoryOf(`SpeakableStream, ${PIECE_LENGTH / 1024} kB pieces (output sent on, not kept)`, () =>
      streamInPieces(source, options, PIECE_LENGTH),
    ),
    memoryOf('speakableReading, whole text', () => speakableReading(source, OFFLINE_REQUEST)),
  ];
}

const ms = (value: number): string =>
  Number.isFinite(value) ? `${value.toFixed(value < 10 ? 2 : 0)} ms` : 'n/a';
const perMb = (value: number, chars: number): string => `${((value * 1e6) / chars).toFixed(0)} ms`;
const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;
const count = (n: number): string => n.toLocaleString('en-US');

function shortTable(rows: readonly ShortRow[]): string {
  return [
    `| Text (characters) | Voice | Median | p95 | Runs | Target (p95) | Met |`,
    '|---|---|---|---|---|---|---|',
    ...rows.map(
      (row) =>
        `| ${row.text} (${count(row.chars)}) | ${row.voice} | ${ms(row.medianMs)} | ${ms(row.p95Ms)} | ${SHORT_RUNS} | ≤ ${TARGET_MS} ms | ${row.p95Ms <= TARGET_MS ? 'yes' : '**no**'} |`,
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
  return [
    '| Mixed text | Markup (markupEdits + applyEdits) | Per MB | languageRuns | Per MB | Numbers (numberEdits + applyEdits) | Per MB | Whole text, language detection off | Per MB |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      ({ label, chars, times }) =>
        `| ${label} | ${ms(times.markup)} | ${perMb(times.markup, chars)} | ${ms(times.languages)} | ${perMb(times.languages, chars)} | ${ms(times.numbers)} | ${perMb(times.numbers, chars)} | ${ms(times.noDetection)} | ${perMb(times.noDetection, chars)} |`,
    ),
  ].join('\n');
}

function memoryTable(rows: readonly MemoryRow[], chars: number): string {
  return [
    `| ${count(chars)} characters of mixed text | Heap kept (after a full collection) | Resident memory growth |`,
    '|---|---|---|',
    ...rows.map((row) => `| ${row.what} | ${mb(row.retainedBytes)} | ${mb(row.rssGrowthBytes)} |`),
  ].join('\n');
}

/** How many times the per-MB cost at the largest size is that at 100 kB: 1 is linear. */
function growth(rows: readonly LongRow[], measure: keyof LongTimes): string {
  const perChar = (row: LongRow | undefined): number => (row ? row.times[measure] / row.chars : NaN);
  const ratio = perChar(rows.at(-1)) / perChar(rows.find((row) => row.chars === MAX_READ_CHARS));
  return `${ratio.toFixed(2)}×`;
}

function render(
  short: ShortRow[],
  long: LongRow[],
  memory: MemoryRow[],
  loadAtStart: number,
  elapsedMs: number,
): string {
  const cpu = cpus()[0]?.model.split(' ').slice(0, 2).join(' ') ?? 'unknown CPU';
  const largest = long.at(-1);
  return [
    `Last run: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${cpu}, ${cpus().length} cores, ` +
      `Node ${process.version}; load average ${loadAtStart.toFixed(1)} at the start; took ${(elapsedMs / 1000).toFixed(0)} s. ` +
      `Default text settings; ${SHORT_WARM_UP} warm-up runs before the ${SHORT_RUNS} counted.`,
    '',
    shortTable(short),
    '',
    `Long texts (offline voice, default settings; the median of the runs). ` +
      `Per MB: milliseconds per million characters; per MB at ${largest?.label ?? ''} ÷ per MB at ` +
      `${count(MAX_READ_CHARS)} characters (the most the app reads of a selection): ` +
      `${growth(long, 'reading')} whole, ${growth(long, 'stream')} streamed.`,
    '',
    linearityTable(long),
    '',
    stagesTable(long),
    '',
    memoryTable(memory, largest?.chars ?? 0),
  ].join('\n');
}

/** What `npm run bench` calls: measure, rewrite the section, and return its markdown. */
export async function benchSpeakable(readmePath?: string): Promise<string> {
  const started = now();
  const loadAtStart = loadavg()[0] ?? 0;
  // Memory first, while the heap is still small, so that resident memory grows with the work measured.
  const memory = benchMemory(mixedText(SIZES.at(-1)?.chars ?? 0));
  const short = benchShort();
  const long = benchLong();
  const markdown = render(short, long, memory, loadAtStart, now() - started);
  if (readmePath) await writeMarkedSection(readmePath, MARKERS, markdown);
  return markdown;
}

if (require.main === module) {
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
