// Plays a reading through the system's own audio player, feeding it audio as it arrives.
//
// Pacing: the narration asks playedMs() how much the listener has heard, to send text only a little
// ahead of the voice. A pipe cannot tell us what the player has played, so playedMs() is the wall time
// since the first chunk was written, bounded by the audio written so far. It ignores the player's own
// start-up latency and any underrun, which makes it a slight over-estimate: harmless for pacing.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AudioChunk } from '../speech/session';
import type { AudioCodec, FormatInfo } from '../../shared/protocol';
import { CliError } from './errors';
import { findExecutable } from './executables';
import { AudioFileWriter } from './file-sink';
import type { CliSink } from './sink';
import { childEnv } from '../store/child-env';

export type PlayerName = 'paplay' | 'aplay' | 'ffplay' | 'afplay';

export interface PlayerSpec {
  readonly name: PlayerName;
  /** False for players that only open files: audio is collected in a temporary file and played at the end. */
  readonly readsStdin: boolean;
  readonly codecs: readonly AudioCodec[];
  /** Command-line arguments; `file` is given to players that do not read stdin. */
  args(format: FormatInfo, file?: string): string[];
}

const PAPLAY_FORMATS: Partial<Record<AudioCodec, string>> = { pcm: 's16le', ulaw: 'ulaw', alaw: 'alaw' };
const APLAY_FORMATS: Partial<Record<AudioCodec, string>> = { pcm: 'S16_LE', ulaw: 'MU_LAW', alaw: 'A_LAW' };
const FFPLAY_FORMATS: Partial<Record<AudioCodec, string>> = {
  pcm: 's16le',
  ulaw: 'mulaw',
  alaw: 'alaw',
  mp3: 'mp3',
};

/** Players in order of preference: the first one found on PATH is used. */
export const PLAYERS: readonly PlayerSpec[] = [
  {
    name: 'paplay',
    readsStdin: true,
    codecs: ['pcm', 'ulaw', 'alaw'],
    args: (format) => [
      '--raw',
      `--format=${PAPLAY_FORMATS[format.codec]}`,
      `--rate=${format.sampleRate}`,
      '--channels=1',
      '--client-name=Hark',
    ],
  },
  {
    name: 'aplay',
    readsStdin: true,
    codecs: ['pcm', 'ulaw', 'alaw'],
    args: (format) => [
      '-q',
      '-t',
      'raw',
      '-f',
      APLAY_FORMATS[format.codec] ?? '',
      '-r',
      String(format.sampleRate),
      '-c',
      '1',
      '-',
    ],
  },
  {
    name: 'ffplay',
    readsStdin: true,
    codecs: ['pcm', 'ulaw', 'alaw', 'mp3'],
    args: (format) => [
      '-nodisp',
      '-autoexit',
      '-loglevel',
      'error',
      '-fflags',
      'nobuffer',
      '-f',
      FFPLAY_FORMATS[format.codec] ?? '',
      // Raw formats carry no header: the rate must be given (mono is the demuxer's default).
      ...(format.codec === 'mp3' ? [] : ['-ar', String(format.sampleRate), '-probesize', '32']),
      '-',
    ],
  },
  {
    // macOS's player opens files only, never a pipe.
    name: 'afplay',
    readsStdin: false,
    codecs: ['pcm', 'ulaw', 'alaw', 'mp3'],
    args: (_format, file) => [file ?? ''],
  },
];

export interface FoundPlayer {
  spec: PlayerSpec;
  path: string;
}

/** Every player on PATH, best first. Throws CliError (naming those looked for) when there is none. */
export function findPlayers(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
): FoundPlayer[] {
  const found = PLAYERS.flatMap((spec) => {
    const path = findExecutable(spec.name, env, platform);
    return path ? [{ spec, path }] : [];
  });
  if (found.length > 0) return found;
  const names = PLAYERS.map((spec) => spec.name).join(', ');
  throw new CliError(
    `no audio player found (looked for ${names} on PATH); install one, or write a file with --out reading.wav`,
  );
}

/** Margin for the player to drain its buffers and exit after the last sample. */
const PLAYER_EXIT_GRACE_MS = 10_000;
const STDERR_KEEP_CHARS = 2_000;

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Runs a player process and turns its fate into one promise plus a readable failure message. */
class PlayerProcess {
  readonly exited: Promise<Exit>;
  private readonly child: ChildProcess;
  private stderr = '';
  private spawnError: Error | undefined;

  constructor(
    private readonly player: FoundPlayer,
    args: string[],
    env: NodeJS.ProcessEnv,
    stdin: 'pipe' | 'ignore',
  ) {
    this.child = spawn(player.path, args, { env: childEnv(env), stdio: [stdin, 'ignore', 'pipe'] });
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (text: string) => {
      this.stderr = (this.stderr + text).slice(-STDERR_KEEP_CHARS);
    });
    // EPIPE when the player dies mid-stream: the exit handler reports it.
    this.child.stdin?.on('error', () => undefined);
    this.exited = new Promise((resolve) => {
      this.child.once('error', (error) => {
        this.spawnError = error;
        resolve({ code: null, signal: null });
      });
      this.child.once('close', (code, signal) => resolve({ code, signal }));
    });
  }

  get input(): NodeJS.WritableStream | null {
    return this.child.stdin;
  }

  /** The one line shown when the player failed. */
  failureMessage(exit: Exit, early: boolean): string {
    const name = this.player.spec.name;
    if (this.spawnError) return `could not start ${name} (${this.spawnError.message})`;
    const lastLine = this.stderr.trim().split('\n').pop()?.trim();
    const status = exit.signal ? `signal ${exit.signal}` : `exit ${exit.code}`;
    const when = early ? 'stopped before the reading ended' : 'failed';
    return `${name} ${when} (${status}${lastLine ? `: ${lastLine}` : ''})`;
  }

  isSuccess(exit: Exit): boolean {
    return !this.spawnError && exit.code === 0;
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
  }

  /** Waits for the exit; kills the player after `timeoutMs`. */
  async waitForExit(timeoutMs: number): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const result = await Promise.race([this.exited, timeout]);
    clearTimeout(timer);
    if (result === 'timeout') {
      this.kill();
      throw new CliError(`${this.player.spec.name} did not finish playing in time`);
    }
    return result;
  }
}

/**
 * What a listener has heard of a stream handed to a player that cannot say: wall time since the
 * first chunk was written, never more than the audio written.
 */
export class PlaybackClock {
  private firstWriteAt: number | undefined;
  private writtenMs = 0;

  constructor(private readonly clock: () => number = Date.now) {}

  noteWritten(durationMs: number): void {
    this.firstWriteAt ??= this.clock();
    this.writtenMs += durationMs;
  }

  get audioWrittenMs(): number {
    return this.writtenMs;
  }

  playedMs(): number {
    if (this.firstWriteAt === undefined) return 0;
    return Math.min(this.clock() - this.firstWriteAt, this.writtenMs);
  }
}

/** A player that has played this long without failing is trusted: its audio is no longer kept for a retry. */
const PROBATION_MS = 1_500;

/**
 * Streams audio into a player's stdin (paplay, aplay, ffplay). When a player fails at the start
 * (paplay with no sound server, aplay with no sound card), the next one found takes over and gets the
 * audio written so far, so a machine with a broken first choice still speaks.
 */
export class StreamingPlayerSink implements CliSink {
  private readonly remaining: FoundPlayer[];
  private process!: PlayerProcess;
  private current!: FoundPlayer;
  private clock = new PlaybackClock();
  /** Audio written to the current player while it is on probation; undefined once it is trusted. */
  private retained: { audio: Uint8Array; durationMs: number }[] | undefined = [];
  private readonly failures: string[] = [];
  private state: 'playing' | 'ending' | 'stopped' = 'playing';
  private ending: Promise<void> | undefined;

  /** `onFailure` fires when every player has died before end() was called, so the reading stops at once. */
  constructor(
    players: readonly FoundPlayer[],
    private readonly format: FormatInfo,
    private readonly env: NodeJS.ProcessEnv,
    private readonly onFailure: (error: CliError) => void,
  ) {
    const [first, ...rest] = players;
    if (!first) throw new CliError('no audio player found; write a file with --out reading.wav');
    this.remaining = rest;
    this.startPlayer(first);
  }

  write(chunk: AudioChunk): void {
    if (this.state !== 'playing' || chunk.audio.byteLength === 0) return;
    this.clock.noteWritten(chunk.durationMs);
    if (this.retained && this.clock.playedMs() >= PROBATION_MS) this.retained = undefined;
    this.retained?.push({ audio: chunk.audio, durationMs: chunk.durationMs });
    this.process.input?.write(chunk.audio);
  }

  playedMs(): number {
    return this.clock.playedMs();
  }

  /** Closes the player's input and waits until it has played everything. */
  end(): Promise<void> {
    this.ending ??= this.finish();
    return this.ending;
  }

  async stop(): Promise<void> {
    this.state = 'stopped';
    this.process.kill();
    await this.process.waitForExit(PLAYER_EXIT_GRACE_MS).catch(() => undefined);
  }

  /** The player in use first, then those not tried yet: where a restarted stream should begin. */
  get players(): FoundPlayer[] {
    return [this.current, ...this.remaining];
  }

  private startPlayer(player: FoundPlayer): void {
    this.current = player;
    const process = new PlayerProcess(player, player.spec.args(this.format), this.env, 'pipe');
    this.process = process;
    void process.exited.then((exit) => {
      if (this.process !== process || this.state !== 'playing') return;
      if (!this.switchAfterFailure(process.failureMessage(exit, true))) {
        this.onFailure(new CliError(this.failureSummary()));
      }
    });
  }

  /** Hands the retained audio to the next player; false when there is none (or audio was lost). */
  private switchAfterFailure(failure: string): boolean {
    this.failures.push(failure);
    const next = this.remaining.shift();
    if (!next || !this.retained) return false;
    const replay = this.retained;
    this.clock = new PlaybackClock();
    this.retained = [];
    this.startPlayer(next);
    for (const chunk of replay) {
      this.clock.noteWritten(chunk.durationMs);
      this.retained.push(chunk);
      this.process.input?.write(chunk.audio);
    }
    return true;
  }

  /** A method, so TypeScript re-reads the state after an await. */
  private isStopped(): boolean {
    return this.state === 'stopped';
  }

  private failureSummary(): string {
    return `${this.failures.join('; then ')}; try --out reading.wav`;
  }

  private async finish(): Promise<void> {
    for (;;) {
      if (this.isStopped()) return;
      this.state = 'ending';
      this.process.input?.end();
      const remainingMs = Math.max(0, this.clock.audioWrittenMs - this.clock.playedMs());
      const exit = await this.process.waitForExit(remainingMs + PLAYER_EXIT_GRACE_MS);
      if (this.process.isSuccess(exit) || this.isStopped()) return;
      // A player that fails on a short reading still on probation: the next one plays it all.
      this.state = 'playing';
      if (!this.switchAfterFailure(this.process.failureMessage(exit, false))) {
        this.state = 'ending';
        throw new CliError(this.failureSummary());
      }
    }
  }
}

/**
 * For players that cannot read a pipe (afplay): the audio is collected in a temporary file and
 * played when the reading has been fully received. Nothing is paced: playedMs() counts all audio.
 */
export class FilePlayerSink implements CliSink {
  private audioMs = 0;
  private process: PlayerProcess | undefined;
  private stopped = false;
  private ending: Promise<void> | undefined;

  private constructor(
    private readonly player: FoundPlayer,
    private readonly format: FormatInfo,
    private readonly env: NodeJS.ProcessEnv,
    private readonly dir: string,
    private readonly writer: AudioFileWriter,
  ) {}

  static async create(
    player: FoundPlayer,
    format: FormatInfo,
    env: NodeJS.ProcessEnv,
  ): Promise<FilePlayerSink> {
    const dir = await mkdtemp(join(tmpdir(), 'hark-'));
    const container = format.codec === 'mp3' ? 'mp3' : 'wav';
    const writer = await AudioFileWriter.open(join(dir, `reading.${container}`), container, format);
    return new FilePlayerSink(player, format, env, dir, writer);
  }

  write(chunk: AudioChunk): void {
    this.writer.write(chunk.audio);
    this.audioMs += chunk.durationMs;
  }

  playedMs(): number {
    return this.audioMs;
  }

  end(): Promise<void> {
    this.ending ??= this.playFile();
    return this.ending;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.process?.kill();
    await this.writer.discard();
    await rm(this.dir, { recursive: true, force: true });
  }

  private async playFile(): Promise<void> {
    try {
      await this.writer.finish();
      if (this.stopped) return;
      const args = this.player.spec.args(this.format, this.writer.path);
      this.process = new PlayerProcess(this.player, args, this.env, 'ignore');
      const exit = await this.process.waitForExit(this.audioMs + PLAYER_EXIT_GRACE_MS);
      if (!this.stopped && !this.process.isSuccess(exit)) {
        throw new CliError(this.process.failureMessage(exit, false));
      }
    } finally {
      await rm(this.dir, { recursive: true, force: true });
    }
  }
}

/**
 * The sink for the players found that can play `format`: streaming players (with fallback from one to
 * the next), or the first file-only player. Throws CliError when none can play the format.
 */
export async function openPlayerSink(
  players: readonly FoundPlayer[],
  format: FormatInfo,
  env: NodeJS.ProcessEnv,
  onFailure: (error: CliError) => void,
): Promise<CliSink> {
  const able = playersFor(players, format);
  const streaming = able.filter((player) => player.spec.readsStdin);
  if (streaming.length > 0) return new StreamingPlayerSink(streaming, format, env, onFailure);
  return FilePlayerSink.create(able[0] as FoundPlayer, format, env);
}

/** The players that can play `format`, best first; throws CliError when there is none. */
export function playersFor(players: readonly FoundPlayer[], format: FormatInfo): FoundPlayer[] {
  const able = players.filter((player) => player.spec.codecs.includes(format.codec));
  if (able.length === 0) {
    const names = players.map((player) => player.spec.name).join(', ');
    throw new CliError(`${names} cannot play ${format.format}; use a pcm_* format, or --out FILE`);
  }
  return able;
}

/**
 * Opens a new streaming player each time it is called, for a steered reading, whose jumps, pauses and
 * speed changes kill the old process and start another (see steered-player.ts). Later players begin
 * with the one that worked. Undefined when no player found can stream `format` (afplay only).
 */
export function streamingPlayers(
  players: readonly FoundPlayer[],
  format: FormatInfo,
  env: NodeJS.ProcessEnv,
  onFailure: (error: CliError) => void,
): (() => CliSink) | undefined {
  let able = playersFor(players, format).filter((player) => player.spec.readsStdin);
  if (able.length === 0) return undefined;
  let last: StreamingPlayerSink | undefined;
  return () => {
    if (last) able = last.players;
    last = new StreamingPlayerSink(able, format, env, onFailure);
    return last;
  };
}
