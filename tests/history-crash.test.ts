// Kills a process that is writing the history with SIGKILL at random moments, again and again, and
// checks after each kill that the history still loads, that every listed entry has its complete
// audio, that nothing is duplicated or invented, and that every acknowledged write survived.
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryStore } from '../main/store/history';
import type { HistoryEntry } from '../main/store/history';
import { AUDIO_DIR_NAME, INDEX_FILE_NAME, encodeLine } from '../shared/history-index';
import { WRITER_RETENTION, expectedAudio } from './fixtures/history-writer-data';

const WRITER = fileURLToPath(new URL('./fixtures/history-writer.ts', import.meta.url));
const ROUNDS = 9;
const CHILD_TIMEOUT_MS = 30_000;

/** What the writers acknowledged, in order, across all rounds. */
class Ledger {
  /** Acknowledged adds not known to be deleted, oldest first. */
  readonly live: string[] = [];
  readonly deleted = new Set<string>();
  /** Deletes that were started but not acknowledged: the entry may or may not be there. */
  readonly uncertain = new Set<string>();
  readonly addedPerTag = new Map<string, string[]>();

  record(tag: string, stdout: string): void {
    const added: string[] = [];
    for (const line of stdout.split('\n')) {
      const [verb, text] = line.split(' ');
      if (!text) continue;
      if (verb === 'added') {
        added.push(text);
        this.live.push(text);
      } else if (verb === 'deleting') {
        this.uncertain.add(text);
      } else if (verb === 'deleted') {
        this.uncertain.delete(text);
        this.deleted.add(text);
        // It may be an add that a kill cut short before its acknowledgement (so never in `live`).
        const index = this.live.indexOf(text);
        if (index >= 0) this.live.splice(index, 1);
      }
    }
    this.addedPerTag.set(tag, added);
  }

  /** The add a kill interrupted can be on disk without an acknowledgement: the next in its run. */
  isInFlight(text: string): boolean {
    const tag = text.slice(0, text.lastIndexOf('-'));
    const added = this.addedPerTag.get(tag) ?? [];
    return text === `${tag}-${String(added.length).padStart(5, '0')}`;
  }

  isAcknowledged(text: string): boolean {
    const tag = text.slice(0, text.lastIndexOf('-'));
    return this.addedPerTag.get(tag)?.includes(text) ?? false;
  }
}

/**
 * Kill at a random moment after start (may land inside open()), or a while after the first add.
 * The run after a torn append (see below) is kept short, so that a writer which failed to repair
 * the torn line would leave the damage in plain sight.
 */
function killPlan(round: number): { afterFirstAdd: boolean; delayMs: number } {
  if (round % 3 === 0) return { afterFirstAdd: false, delayMs: 200 + Math.random() * 1500 };
  return { afterFirstAdd: true, delayMs: Math.random() * (round % 3 === 2 ? 60 : 400) };
}

function runWriterUntilKilled(dir: string, tag: string, round: number): Promise<string> {
  const plan = killPlan(round);
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dir, tag], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let killTimer: NodeJS.Timeout | undefined;
  const kill = (): void => {
    child.kill('SIGKILL');
  };
  const scheduleKill = (): void => {
    killTimer ??= setTimeout(kill, plan.delayMs);
  };
  if (!plan.afterFirstAdd) scheduleKill();
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (plan.afterFirstAdd && stdout.includes('added ')) scheduleKill();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const safety = setTimeout(kill, CHILD_TIMEOUT_MS);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    // 'close' comes after stdout is drained, so every acknowledgement written before the kill is in.
    child.on('close', (code, signal) => {
      clearTimeout(safety);
      clearTimeout(killTimer);
      if (signal === 'SIGKILL') resolve(stdout);
      else reject(new Error(`writer ended by itself (code ${code}): ${stderr}`));
    });
  });
}

/** The raw file as the kill left it: only the very last line may be incomplete. */
async function expectAtMostOnePartialLine(dir: string): Promise<void> {
  const text = await fs.readFile(join(dir, INDEX_FILE_NAME), 'utf8').catch(() => '');
  const lines = text.split('\n');
  lines.pop(); // after the last newline: empty, or the one partial line an interrupted append left
  for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
}

/**
 * An append that dies halfway through its line, as a power cut can leave it (a SIGKILL cannot split
 * one small write): half an index line plus the audio file that was written before it.
 */
async function leaveTornAppend(dir: string, tag: string): Promise<string> {
  const text = `${tag}-torn`;
  const id = `${tag}-torn`;
  const entry: HistoryEntry = {
    id,
    createdAt: new Date().toISOString(),
    text,
    voiceId: 'en-us',
    voiceName: 'Crash Test',
    modelId: 'offline',
    engine: 'offline',
    outputFormat: 'pcm_22050',
    durationMs: 0,
    charactersBilled: text.length,
    audioFile: `${id}.pcm`,
    audioBytes: 4,
  };
  await fs.mkdir(join(dir, AUDIO_DIR_NAME), { recursive: true });
  await fs.writeFile(join(dir, AUDIO_DIR_NAME, entry.audioFile), new Uint8Array(4));
  const line = encodeLine({ op: 'add', entry });
  await fs.appendFile(join(dir, INDEX_FILE_NAME), line.slice(0, Math.floor(line.length / 2)));
  return text;
}

async function checkCopy(
  dir: string,
  copy: string,
  ledger: Ledger,
  torn: ReadonlySet<string>,
): Promise<number> {
  await fs.mkdir(dir, { recursive: true }); // a kill during start-up may come before it exists
  await fs.cp(dir, copy, { recursive: true });
  const store = await HistoryStore.open(copy);
  const { entries } = store.list({ limit: 1_000 });
  const texts = entries.map((entry) => entry.text);

  expect(new Set(entries.map((entry) => entry.id)).size).toBe(entries.length);
  expect(new Set(texts).size).toBe(texts.length);
  expect(texts).toEqual([...texts].sort().reverse());
  // Retention runs right after an add, so a kill in between can leave one entry over the limit.
  expect(entries.length).toBeLessThanOrEqual(WRITER_RETENTION.maxEntries + 1);
  for (const entry of entries) {
    const audio = await store.readAudio(entry.id);
    expect(audio.byteLength).toBe(entry.audioBytes);
    expect(Buffer.from(audio).equals(Buffer.from(expectedAudio(entry.text)))).toBe(true);
  }
  // Nothing invented or resurrected: each entry was acknowledged, or is the one add in flight.
  for (const text of texts) {
    expect(torn.has(text)).toBe(false);
    expect(ledger.deleted.has(text)).toBe(false);
    expect(ledger.isAcknowledged(text) || ledger.isInFlight(text)).toBe(true);
  }
  // Nothing acknowledged lost: the store keeps the newest maxEntries of its live entries. Places
  // among those may have gone, when older entries were evicted, to unacknowledged adds (one per
  // run at most) and to entries whose delete was cut short, even if they are gone by now.
  const certain = ledger.live.filter((text) => !ledger.uncertain.has(text));
  const slack = ledger.addedPerTag.size + ledger.uncertain.size;
  const mustKeep = certain.slice(-(WRITER_RETENTION.maxEntries - slack));
  expect(mustKeep.filter((text) => !texts.includes(text))).toEqual([]);
  // No stray files: exactly one audio file per listed entry.
  const onDisk = (await fs.readdir(join(copy, AUDIO_DIR_NAME))).sort();
  expect(onDisk).toEqual(entries.map((entry) => entry.audioFile).sort());
  await store.close();
  await fs.rm(copy, { recursive: true, force: true });
  return entries.length;
}

let root: string;

beforeAll(async () => {
  root = await fs.mkdtemp(join(tmpdir(), 'hark-history-crash-'));
});

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

describe('history under SIGKILL', () => {
  it('always loads, with audio for every entry, no duplicates, and no acknowledged write lost', async () => {
    const dir = join(root, 'history');
    const ledger = new Ledger();
    const torn = new Set<string>();

    for (let round = 0; round < ROUNDS; round++) {
      const tag = `r${String(round).padStart(2, '0')}`;
      ledger.record(tag, await runWriterUntilKilled(dir, tag, round));
      // Every third round also leaves a torn append that the next writer has to repair before it
      // appends, or its first entry would be glued to the fragment and lost.
      if (round % 3 === 1) torn.add(await leaveTornAppend(dir, tag));
      await expectAtMostOnePartialLine(dir);
      // Inspect a copy, so the next writer meets the folder exactly as the kill left it.
      const listed = await checkCopy(dir, join(root, `inspect-${round}`), ledger, torn);
      expect(listed).toBeGreaterThanOrEqual(Math.min(ledger.live.length - ledger.uncertain.size, 1));
    }

    // The runs did real work: many adds and deletes were cut off at random points.
    expect([...ledger.addedPerTag.values()].flat().length).toBeGreaterThan(ROUNDS * 2);
    expect(ledger.deleted.size).toBeGreaterThan(0);
  }, 180_000);
});
