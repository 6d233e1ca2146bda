import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseOutputFormat } from '../../shared/protocol';
import type { FormatInfo } from '../../shared/protocol';
import type { AudioChunk } from '../speech/session';
import type { CliError } from './errors';
import { findPlayers, openPlayerSink, PlaybackClock } from './player';

const PCM = parseOutputFormat('pcm_22050') as FormatInfo;
const MP3 = parseOutputFormat('mp3_44100_128') as FormatInfo;

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hark-player-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A real executable on a private PATH standing in for a system player. */
async function program(name: string, body: string): Promise<void> {
  const path = join(dir, name);
  await writeFile(path, `#!${process.execPath}\n${body}\n`);
  await chmod(path, 0o755);
}

/** Records its arguments and everything it reads into <name>.args / <name>.out. */
const RECORDER = `
const fs = require('node:fs');
const base = __filename;
fs.writeFileSync(base + '.args', JSON.stringify(process.argv.slice(2)));
const out = fs.createWriteStream(base + '.out');
process.stdin.pipe(out);
out.on('finish', () => process.exit(0));
`;

/** Fails the way paplay does with no sound server. */
const BROKEN = `process.stderr.write('pa_context_connect() failed: Connection refused\\n'); process.exit(1);`;

function chunk(bytes: number[], durationMs = 10): AudioChunk {
  return { audio: Uint8Array.from(bytes), startMs: 0, durationMs, chars: [] };
}

function failureCollector(): { failures: CliError[]; onFailure: (error: CliError) => void } {
  const failures: CliError[] = [];
  return { failures, onFailure: (error) => failures.push(error) };
}

describe.runIf(process.platform !== 'win32')('player sinks', () => {
  it('streams the audio into the first player, with the format on its command line', async () => {
    await program('paplay', RECORDER);
    const { failures, onFailure } = failureCollector();
    const sink = await openPlayerSink(findPlayers({ PATH: dir }), PCM, { PATH: dir }, onFailure);
    sink.write(chunk([1, 2, 3, 4]));
    sink.write(chunk([5, 6]));
    await sink.end();
    expect([...(await readFile(join(dir, 'paplay.out')))]).toEqual([1, 2, 3, 4, 5, 6]);
    const args = JSON.parse(await readFile(join(dir, 'paplay.args'), 'utf8')) as string[];
    expect(args).toEqual(['--raw', '--format=s16le', '--rate=22050', '--channels=1', '--client-name=Hark']);
    expect(failures).toEqual([]);
  });

  it('falls back to the next player when the first fails at the start, replaying what it missed', async () => {
    await program('paplay', BROKEN);
    await program('aplay', RECORDER);
    const { failures, onFailure } = failureCollector();
    const sink = await openPlayerSink(findPlayers({ PATH: dir }), PCM, { PATH: dir }, onFailure);
    sink.write(chunk([1, 2]));
    // Let paplay die while the reading is still going on.
    await new Promise((resolve) => setTimeout(resolve, 300));
    sink.write(chunk([3, 4]));
    await sink.end();
    expect([...(await readFile(join(dir, 'aplay.out')))]).toEqual([1, 2, 3, 4]);
    const args = JSON.parse(await readFile(join(dir, 'aplay.args'), 'utf8')) as string[];
    expect(args).toEqual(['-q', '-t', 'raw', '-f', 'S16_LE', '-r', '22050', '-c', '1', '-']);
    expect(failures).toEqual([]);
  });

  it('reports every player that failed, in one line, when none works', async () => {
    await program('paplay', BROKEN);
    await program(
      'aplay',
      `process.stderr.write('aplay: main: audio open error: No such file or directory\\n'); process.exit(1);`,
    );
    const { failures, onFailure } = failureCollector();
    const sink = await openPlayerSink(findPlayers({ PATH: dir }), PCM, { PATH: dir }, onFailure);
    sink.write(chunk([1, 2]));
    // Whether a player dies before or after end() only changes the verb.
    await expect(sink.end()).rejects.toThrow(
      /^paplay (failed|stopped before the reading ended) \(exit 1: pa_context_connect\(\) failed: Connection refused\); then aplay (failed|stopped before the reading ended) \(exit 1: aplay: main: audio open error: No such file or directory\); try --out reading\.wav$/,
    );
    expect(failures).toEqual([]);
  });

  it('calls onFailure when the last player dies mid-reading', async () => {
    await program('paplay', BROKEN);
    const { failures, onFailure } = failureCollector();
    const sink = await openPlayerSink(findPlayers({ PATH: dir }), PCM, { PATH: dir }, onFailure);
    sink.write(chunk([1, 2]));
    const deadline = Date.now() + 10_000;
    while (failures.length === 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(failures.map((error) => error.message)).toEqual([
      'paplay stopped before the reading ended (exit 1: pa_context_connect() failed: Connection refused); try --out reading.wav',
    ]);
    await sink.stop();
  });

  it('stops the player at once on stop()', async () => {
    await program('paplay', `setInterval(() => undefined, 1000); process.stdin.resume();`);
    const sink = await openPlayerSink(findPlayers({ PATH: dir }), PCM, { PATH: dir }, () => undefined);
    sink.write(chunk([1, 2]));
    const started = Date.now();
    await sink.stop();
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('gives a file-only player (afplay) a WAV file once all audio has arrived', async () => {
    await program('afplay', `require('node:fs').copyFileSync(process.argv[2], __filename + '.out');`);
    const sink = await openPlayerSink(findPlayers({ PATH: dir }), PCM, { PATH: dir }, () => undefined);
    sink.write(chunk([1, 0, 2, 0], 1000));
    // Nothing is paced for a file: everything written counts as heard.
    expect(sink.playedMs()).toBe(1000);
    await sink.end();
    const wav = await readFile(join(dir, 'afplay.out'));
    expect(wav.subarray(0, 4).toString('ascii')).toBe('RIFF');
    expect(wav.readUInt32LE(24)).toBe(22050);
    expect(wav.readUInt32LE(40)).toBe(4);
    expect([...wav.subarray(44)]).toEqual([1, 0, 2, 0]);
  });

  it('refuses a format no player found can play', async () => {
    await program('paplay', RECORDER);
    await expect(
      openPlayerSink(findPlayers({ PATH: dir }), MP3, { PATH: dir }, () => undefined),
    ).rejects.toThrow('paplay cannot play mp3_44100_128; use a pcm_* format, or --out FILE');
  });

  it('names the players it looked for when there is none', () => {
    expect(() => findPlayers({ PATH: dir })).toThrow(
      'no audio player found (looked for paplay, aplay, ffplay, afplay on PATH); install one, or write a file with --out reading.wav',
    );
  });
});

describe('PlaybackClock', () => {
  it('counts wall time since the first write, never more than the audio written', () => {
    let now = 1000;
    const clock = new PlaybackClock(() => now);
    expect(clock.playedMs()).toBe(0);
    now = 1500;
    expect(clock.playedMs()).toBe(0);
    clock.noteWritten(300);
    now = 1600;
    expect(clock.playedMs()).toBe(100);
    now = 2000;
    expect(clock.playedMs()).toBe(300);
    clock.noteWritten(1000);
    expect(clock.playedMs()).toBe(500);
    expect(clock.audioWrittenMs).toBe(1300);
  });
});
