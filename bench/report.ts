// Turns the measurements into markdown and writes them into bench/README.md between two markers.
import { readFile, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { format, resolveConfig } from 'prettier';
import { CLIENT_LABELS, CLIENTS, FIRST_AUDIO_CLIENTS } from './clients';
import type { ClientName } from './clients';
import type { CharactersRow, FirstAudioRow, TotalsRow } from './comparison';
import type { EngineResult } from './engine';
import { formatMs, formatRatio } from './stats';

export const TARGETS = {
  engineFirstAudioMs: 50,
  engineRealTimeFactor: 0.05,
  charactersShare: 0.1,
};

export interface BenchResults {
  engine: EngineResult;
  firstAudio: FirstAudioRow[];
  totals: TotalsRow[];
  characters: CharactersRow[];
  charactersTextLength: number;
  stopAfterMs: number;
  elapsedMs: number;
  /** One-minute load average when the bench started: other work on the machine skews every figure. */
  loadAtStart: number;
}

const START = '<!-- results:start -->';
const END = '<!-- results:end -->';

const yesNo = (ok: boolean): string => (ok ? 'yes' : '**no**');

function engineTable(engine: EngineResult): string {
  return [
    '| Offline engine | Median | Runs | Target | Met |',
    '|---|---|---|---|---|',
    `| Warm time to first audio, short sentence | ${formatMs(engine.firstAudioMs)} | ${engine.firstAudioRuns} | ≤ ${TARGETS.engineFirstAudioMs} ms | ${yesNo(engine.firstAudioMs <= TARGETS.engineFirstAudioMs)} |`,
    `| Real-time factor, long text (${(engine.longAudioMs / 1000).toFixed(1)} s of audio) | ${engine.realTimeFactor.toFixed(4)} | ${engine.realTimeRuns} | ≤ ${TARGETS.engineRealTimeFactor} | ${yesNo(engine.realTimeFactor <= TARGETS.engineRealTimeFactor)} |`,
  ].join('\n');
}

function firstAudioTable(rows: FirstAudioRow[], from: 'handshake' | 'launch'): string {
  const title = from === 'handshake' ? 'From the handshake' : 'From launching the client';
  const header = [
    `| ${title} | ${FIRST_AUDIO_CLIENTS.map((c) => CLIENT_LABELS[c]).join(' | ')} | Seed ÷ Hark | Docs ÷ Hark | Hark first |`,
    `|---|${FIRST_AUDIO_CLIENTS.map(() => '---').join('|')}|---|---|---|`,
  ];
  const lines = rows.map((row) => {
    const medians = from === 'handshake' ? row.medians : row.launchMedians;
    const { hark, seed, docs } = medians;
    const first = hark < seed && hark < docs;
    return `| ${row.label} (${row.characters} chars, ${row.runs} runs) | ${FIRST_AUDIO_CLIENTS.map((c) => formatMs(medians[c])).join(' | ')} | ${formatRatio(seed / hark)} | ${formatRatio(docs / hark)} | ${yesNo(first)} |`;
  });
  return [...header, ...lines].join('\n');
}

function charactersTable(rows: CharactersRow[], textLength: number, stopAfterMs: number): string {
  const header = [
    `| Client (stopped after ${stopAfterMs / 1000} s of a ${textLength.toLocaleString('en-US')}-character text) | Characters sent | Share of the text | Target |`,
    '|---|---|---|---|',
  ];
  const lines = rows.map((row) => {
    const target =
      row.client === 'hark'
        ? `≤ ${TARGETS.charactersShare * 100} %: ${row.share <= TARGETS.charactersShare ? 'met' : '**missed**'}`
        : '—';
    return `| ${CLIENT_LABELS[row.client]} | ${Math.round(row.charactersSent).toLocaleString('en-US')} | ${(row.share * 100).toFixed(1)} % | ${target} |`;
  });
  return [...header, ...lines].join('\n');
}

interface Column {
  title: string;
  /** Lower is better for every column. */
  value: (client: ClientName) => number;
  format: (value: number) => string;
}

function byClient<T extends { client: ClientName }>(rows: readonly T[], pick: (row: T) => number) {
  return (client: ClientName): number => {
    const row = rows.find((r) => r.client === client);
    return row ? pick(row) : NaN;
  };
}

/** The comparison in one table: a row per client, a column per measure, and whether Hark leads each. */
function comparisonTable(results: BenchResults): string {
  const [short, long] = results.firstAudio;
  const megabytes = (mb: number): string => (Number.isFinite(mb) ? `${mb.toFixed(1)} MB` : 'n/a');
  const count = (n: number): string => Math.round(n).toLocaleString('en-US');
  const columns: Column[] = [
    {
      title: `First audio, short text (${short?.characters ?? 0} chars)`,
      value: (c) => short?.medians[c] ?? NaN,
      format: formatMs,
    },
    {
      title: `First audio, long text (${long?.characters ?? 0} chars)`,
      value: (c) => long?.medians[c] ?? NaN,
      format: formatMs,
    },
    { title: 'Total time, long text', value: byClient(results.totals, (r) => r.wallMs), format: formatMs },
    {
      title: `Characters sent before a stop at ${results.stopAfterMs / 1000} s`,
      value: byClient(results.characters, (r) => r.charactersSent),
      format: count,
    },
    { title: 'Client CPU time', value: byClient(results.totals, (r) => r.cpuMs), format: formatMs },
    { title: 'Peak memory', value: byClient(results.totals, (r) => r.peakMb), format: megabytes },
  ];
  const rows = CLIENTS.map(
    (client) =>
      `| ${CLIENT_LABELS[client]} | ${columns.map((column) => column.format(column.value(client))).join(' | ')} |`,
  );
  const leads = columns.map((column) => {
    const hark = column.value('hark');
    return yesNo(CLIENTS.every((client) => client === 'hark' || hark < column.value(client)));
  });
  return [
    `| Client | ${columns.map((column) => column.title).join(' | ')} |`,
    `|---|${columns.map(() => '---').join('|')}|`,
    ...rows,
    `| Hark leads | ${leads.join(' | ')} |`,
  ].join('\n');
}

function machine(): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `${cpu}, ${cpus().length} cores, Node ${process.version}, ${process.platform}`;
}

export function renderResults(results: BenchResults): string {
  return [
    `Last run: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine()}; load average ${results.loadAtStart.toFixed(1)} at the start; the whole bench took ${(results.elapsedMs / 1000).toFixed(0)} s.`,
    '',
    engineTable(results.engine),
    '',
    comparisonTable(results),
    '',
    firstAudioTable(results.firstAudio, 'handshake'),
    '',
    firstAudioTable(results.firstAudio, 'launch'),
    '',
    charactersTable(results.characters, results.charactersTextLength, results.stopAfterMs),
  ].join('\n');
}

/** Replaces what lies between two markers in a README with `markdown`, formatted like the repo. */
export async function writeMarkedSection(
  readmePath: string,
  markers: { start: string; end: string },
  markdown: string,
): Promise<void> {
  const readme = await readFile(readmePath, 'utf8');
  const start = readme.indexOf(markers.start);
  const end = readme.indexOf(markers.end);
  if (start === -1 || end === -1 || end < start) {
    throw new Error(`${readmePath} lacks the ${markers.start} … ${markers.end} markers`);
  }
  const updated = `${readme.slice(0, start + markers.start.length)}\n${markdown}\n${readme.slice(end)}`;
  // Tables padded like every other file in the repository, so `prettier --check` passes.
  const options = (await resolveConfig(readmePath)) ?? {};
  await writeFile(readmePath, await format(updated, { ...options, filepath: readmePath }));
}

/** Replaces the results section of the README with `markdown`. */
export function writeResultsSection(readmePath: string, markdown: string): Promise<void> {
  return writeMarkedSection(readmePath, { start: START, end: END }, markdown);
}
