// The built `hark speak` against servers that fail part-way, and with more text on stdin than a server
// takes at once: the command line resumes and paces exactly as the app does, because both start their
// readings through the same code.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CODED_OUTPUT_FORMAT, decodeCodedAudio, startFaultServer } from './helpers/fault-server';
import type { ConnectionPlan, FaultServer } from './helpers/fault-server';

const HARK = resolve('bin/hark.js');
const WAV_HEADER_BYTES = 44;
const TEXT =
  'The first sentence is short. The second one carries on a little longer, with a comma. ' +
  'A third sentence ends the reading here.';

interface Run {
  code: number | null;
  stderr: string;
  /** Peak resident memory of the hark process, in kB (from /proc while it ran). */
  peakRssKb: number;
}

let work: string;
let server: FaultServer | undefined;

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'hark-cli-faults-'));
});

afterEach(async () => {
  await server?.close();
  server = undefined;
  await rm(work, { recursive: true, force: true });
});

function env(): NodeJS.ProcessEnv {
  const vars: NodeJS.ProcessEnv = { ...process.env, ELEVENLABS_API_KEY: 'test-key', HARK_KEYCHAIN: 'off' };
  delete vars.ELEVENLABS_BASE_URL;
  return vars;
}

async function peakRss(pid: number | undefined): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

/** Runs hark with `args`, `input` on stdin; `stopAfterMs` sends Ctrl-C (SIGINT) after that long. */
function hark(args: string[], input: string, stopAfterMs?: number): Promise<Run> {
  const child = spawn(process.execPath, [HARK, ...args], { env: env(), cwd: work });
  let stderr = '';
  let peakRssKb = 0;
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  child.stdout.resume();
  child.stdin.on('error', () => undefined); // hark may stop reading before all of a book is written
  child.stdin.end(input);
  const sample = setInterval(
    () => void peakRss(child.pid).then((kb) => (peakRssKb = Math.max(peakRssKb, kb))),
    200,
  );
  const stop = stopAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGINT'), stopAfterMs);
  return new Promise((resolvePromise) => {
    child.once('close', (code) => {
      clearInterval(sample);
      clearTimeout(stop);
      resolvePromise({ code, stderr, peakRssKb });
    });
  });
}

function elevenLabsAt(url: string, out: string): string[] {
  return ['--engine', 'elevenlabs', '--base-url', url, '--format', CODED_OUTPUT_FORMAT, '--out', out];
}

/** The letters the WAV file's coded audio voices (whitespace aside). */
async function heardInFile(path: string): Promise<string> {
  const wav = await readFile(path);
  return decodeCodedAudio(wav.subarray(WAV_HEADER_BYTES)).replace(/\s+/g, '');
}

const DROP_AFTER_TWO_FRAMES: ConnectionPlan = { frameChars: 3, after: 6, then: { kind: 'drop' } };

describe('hark speak resumes a reading whose connection fails part-way', () => {
  it('a drop (1006) after two audio frames: exit 0 with the whole text once, over a second connection', async () => {
    server = await startFaultServer([DROP_AFTER_TWO_FRAMES]);
    const out = join(work, 'x.wav');
    const run = await hark(['speak', ...elevenLabsAt(server.url, out), TEXT], '');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(server.connections.length).toBe(2);
    expect(await heardInFile(out)).toBe(TEXT.replace(/\s+/g, ''));
  });

  it('streamed stdin too: each word heard exactly once', async () => {
    server = await startFaultServer([DROP_AFTER_TWO_FRAMES, { after: 40, then: { kind: 'drop' } }]);
    const out = join(work, 'x.wav');
    const run = await hark(['speak', '-', ...elevenLabsAt(server.url, out)], TEXT);
    expect(run.code).toBe(0);
    expect(server.connections.length).toBe(3);
    expect(await heardInFile(out)).toBe(TEXT.replace(/\s+/g, ''));
  });

  it('a refused key stays final: exit 1 after one connection, no file', async () => {
    server = await startFaultServer([
      { after: 6, then: { kind: 'error', error: 'invalid_api_key', message: 'Invalid API key', code: 1008 } },
    ]);
    const out = join(work, 'x.wav');
    const run = await hark(['speak', ...elevenLabsAt(server.url, out), TEXT], '');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/API key was rejected/);
    expect(server.connections.length).toBe(1);
    await expect(stat(out)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

/** Ordinary sentences, `chars` long. */
function book(chars: number): string {
  const sentences = [
    'The river ran quietly past the old mill at the edge of the town.',
    'Nobody remembered when the wheel had last turned, or who had stopped it.',
    'Children still came on summer evenings to throw stones into the water.',
    'Their parents called them home when the lamps were lit along the lane.',
  ];
  const parts: string[] = [];
  for (let length = 0, i = 0; length < chars; i++) {
    const sentence = `${sentences[i % sentences.length]}${i % 9 === 8 ? '\n\n' : ' '}`;
    parts.push(sentence);
    length += sentence.length;
  }
  return parts.join('');
}

describe('hark speak - with a book on stdin', () => {
  it('2.6 MB to the offline voice is read, not refused: still writing after 8 s, memory bounded', async () => {
    const out = join(work, 'book.mp3');
    const run = await hark(['speak', '-', '--engine', 'offline', '--out', out], book(2_600_000), 8000);
    // 130: stopped by Ctrl-C, as asked; before pacing the server refused the text within 3 s (exit 1).
    expect(run.stderr).not.toMatch(/Too much text/);
    expect(run.code).toBe(130);
    // The whole 2.6 MB in memory as JavaScript strings and sends would alone be far more than this.
    expect(run.peakRssKb).toBeGreaterThan(0);
    expect(run.peakRssKb).toBeLessThan(400_000);
  });

  it('a 150 kB book to a file is read through to its last word, in order', async () => {
    server = await startFaultServer([]);
    const text = book(150_000);
    const out = join(work, 'book.wav');
    const run = await hark(['speak', '-', ...elevenLabsAt(server.url, out)], text);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(await heardInFile(out)).toBe(text.replace(/\s+/g, ''));
    // Paced: in batches of at most a few sentences, never the book at once.
    const sends = (server.connections[0]?.messages ?? []) as { text?: string }[];
    const longest = Math.max(...sends.map((message) => message.text?.length ?? 0));
    expect(sends.length).toBeGreaterThan(200);
    expect(longest).toBeLessThanOrEqual(2000);
  });
});
