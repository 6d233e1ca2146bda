// The player side of a steered `hark speak`: each passage of a SentenceReading (a jump starts one) gets
// its own player process, and the previous process is killed at once, so a jump cuts the old audio off
// instead of waiting for the ~3 s the reading had already handed over to drain from the pipe. paplay,
// aplay and ffplay start in tens of milliseconds, so restarting is cheap.
//
// Pause and speed changes use the same move: the passage keeps its audio from a little before what
// was heard, and "restart at t" kills the process and feeds a new one (through a new stretch at the
// new speed) from t. So a pause stops the sound at once, resume carries on from the same place, and a
// new speed is heard at once rather than after the audio already queued. Times are in source time.
import { audioCutter } from '../speech/audio-hold';
import type { AudioCutter } from '../speech/audio-hold';
import type { AudioSink } from '../speech/narration';
import type { FormatInfo } from '../../shared/protocol';
import type { AudioChunk } from '../speech/session';
import { normaliseSpeed } from '../../shared/time-stretch';
import type { CliSink } from './sink';
import { StretchingSink } from './stretch-sink';

/** Audio kept from before what was heard, so the trimming never races the clock. */
const KEEP_BEHIND_MS = 1000;

interface Piece {
  audio: Uint8Array;
  /** On the passage's source timeline. */
  startMs: number;
  durationMs: number;
}

interface Output {
  sink: CliSink;
  /** Source time at which this output's audio begins. */
  anchorMs: number;
}

class PassageSink implements AudioSink {
  private pieces: Piece[] = [];
  private writtenMs = 0;
  private output: Output | undefined;
  private frozenMs = 0;
  private closed = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly player: SteeredPlayer,
    private readonly cutter: AudioCutter | undefined,
  ) {
    if (!player.paused) this.restartAt(0);
  }

  write(chunk: AudioChunk): void {
    if (this.closed || chunk.audio.length === 0) return;
    const piece = { audio: chunk.audio, startMs: this.writtenMs, durationMs: chunk.durationMs };
    this.pieces.push(piece);
    this.writtenMs += chunk.durationMs;
    this.output?.sink.write({ ...chunk, startMs: piece.startMs - this.output.anchorMs });
    this.forgetBefore(this.playedMs() - KEEP_BEHIND_MS);
  }

  playedMs(): number {
    if (!this.output) return this.frozenMs;
    return Math.min(this.writtenMs, this.output.anchorMs + this.output.sink.playedMs());
  }

  /** Resolves once the passage's audio has been played out (waiting through a pause). */
  async end(): Promise<void> {
    while (!this.closed) {
      const output = this.output;
      if (!output) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      try {
        await output.sink.end();
      } catch (error) {
        if (this.output === output) throw error;
      }
      // Replaced by a restart (pause, speed) while playing out: end the new output instead.
      if (this.output === output) return;
    }
  }

  pause(): void {
    this.frozenMs = this.playedMs();
    this.dropOutput();
  }

  /** Plays on from `sourceMs` through a new player process at the player's current speed. */
  restartAt(sourceMs: number): void {
    if (this.closed) return;
    this.dropOutput();
    this.forgetBefore(sourceMs);
    const first = this.pieces[0];
    const anchorMs = first ? first.startMs : this.writtenMs;
    const output = { sink: this.player.openOutput(), anchorMs };
    this.output = output;
    for (const piece of this.pieces) {
      output.sink.write({
        audio: piece.audio,
        startMs: piece.startMs - anchorMs,
        durationMs: piece.durationMs,
        chars: [],
      });
    }
    this.wake?.();
  }

  close(): void {
    this.closed = true;
    this.dropOutput();
    this.wake?.();
  }

  private dropOutput(): void {
    void this.output?.sink.stop();
    this.output = undefined;
  }

  /** Drops kept audio before `sourceMs`, cutting the piece that spans it where the format allows. */
  private forgetBefore(sourceMs: number): void {
    while (this.pieces.length > 0) {
      const piece = this.pieces[0] as Piece;
      if (piece.startMs + piece.durationMs > sourceMs) break;
      this.pieces.shift();
    }
    const first = this.pieces[0];
    if (!first || !this.cutter || first.startMs >= sourceMs) return;
    const head = this.cutter.prefix(first.audio, sourceMs - first.startMs);
    this.pieces[0] = {
      audio: first.audio.subarray(head.bytes),
      startMs: first.startMs + head.ms,
      durationMs: first.durationMs - head.ms,
    };
  }
}

export class SteeredPlayer {
  private passage: PassageSink | undefined;
  private currentSpeed: number;
  private isPaused = false;
  private readonly cutter: AudioCutter | undefined;

  /** `openProcess` starts a new player process; only PCM can change speed. */
  constructor(
    private readonly openProcess: () => CliSink,
    private readonly format: FormatInfo,
    speed: number,
  ) {
    this.currentSpeed = this.canStretch ? normaliseSpeed(speed) : 1;
    this.cutter = audioCutter(format);
  }

  get canStretch(): boolean {
    return this.format.codec === 'pcm';
  }

  get speed(): number {
    return this.currentSpeed;
  }

  get paused(): boolean {
    return this.isPaused;
  }

  /** How much of the current passage has been heard, in its own (1×) time. */
  get playedMs(): number {
    return this.passage?.playedMs() ?? 0;
  }

  /** SentenceReading's openPlayer: a new passage, the previous one's process killed. */
  openPassage(): AudioSink {
    this.passage?.close();
    this.passage = new PassageSink(this, this.cutter);
    return this.passage;
  }

  togglePause(): void {
    this.isPaused = !this.isPaused;
    const passage = this.passage;
    if (!passage) return;
    if (this.isPaused) passage.pause();
    else passage.restartAt(passage.playedMs());
  }

  setSpeed(speed: number): void {
    const next = this.canStretch ? normaliseSpeed(speed) : 1;
    if (next === this.currentSpeed) return;
    this.currentSpeed = next;
    const passage = this.passage;
    if (passage && !this.isPaused) passage.restartAt(passage.playedMs());
  }

  /** Kills the player (the reading was stopped or failed). */
  stop(): void {
    this.passage?.close();
  }

  /** A new process, behind a stretch unless at 1×. */
  openOutput(): CliSink {
    const process = this.openProcess();
    if (this.currentSpeed === 1) return process;
    return new StretchingSink(process, this.format.sampleRate, this.currentSpeed);
  }
}
