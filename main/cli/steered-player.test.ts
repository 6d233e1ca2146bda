import { describe, expect, it } from 'vitest';
import { parseOutputFormat } from '../../shared/protocol';
import type { FormatInfo } from '../../shared/protocol';
import type { AudioChunk } from '../speech/session';
import type { CliSink } from './sink';
import { SteeredPlayer } from './steered-player';

const FORMAT = parseOutputFormat('pcm_8000') as FormatInfo;
const BYTES_PER_MS = 16;

/** A player process whose clock the test sets; records what it was given. */
class FakeProcess implements CliSink {
  readonly bytes: number[] = [];
  played = 0;
  stopped = false;
  ended = false;
  private finish: (() => void) | undefined;

  write(chunk: AudioChunk): void {
    this.bytes.push(...chunk.audio);
  }

  playedMs(): number {
    return this.played;
  }

  end(): Promise<void> {
    this.ended = true;
    return new Promise((resolve) => (this.finish = resolve));
  }

  stop(): Promise<void> {
    this.stopped = true;
    this.finish?.();
    return Promise.resolve();
  }

  playOut(): void {
    this.finish?.();
  }
}

/** `ms` of PCM whose every byte is `value`, so a test can see which audio a process got. */
function chunk(ms: number, value: number): AudioChunk {
  return { audio: new Uint8Array(ms * BYTES_PER_MS).fill(value), startMs: 0, durationMs: ms, chars: [] };
}

function setUp(speed = 1): { player: SteeredPlayer; processes: FakeProcess[] } {
  const processes: FakeProcess[] = [];
  const player = new SteeredPlayer(
    () => {
      const process = new FakeProcess();
      processes.push(process);
      return process;
    },
    FORMAT,
    speed,
  );
  return { player, processes };
}

describe('SteeredPlayer', () => {
  it('gives each passage its own process and kills the previous one at once', () => {
    const { player, processes } = setUp();
    player.openPassage().write(chunk(100, 1));
    player.openPassage().write(chunk(100, 2));
    expect(processes).toHaveLength(2);
    expect(processes[0]?.stopped).toBe(true);
    expect(processes[1]?.bytes.every((byte) => byte === 2)).toBe(true);
  });

  it('pauses at once, holds the place, and resumes from it in a new process', () => {
    const { player, processes } = setUp();
    const passage = player.openPassage();
    passage.write(chunk(2000, 1));
    passage.write(chunk(2000, 2));
    (processes[0] as FakeProcess).played = 2500;
    player.togglePause();
    expect(processes[0]?.stopped).toBe(true);
    expect(passage.playedMs()).toBe(2500);
    // Audio handed over while paused is kept for later, not played.
    passage.write(chunk(1000, 3));
    expect(processes).toHaveLength(1);
    player.togglePause();
    const resumed = processes[1] as FakeProcess;
    // From 2.5 s on: the rest of the second piece (1.5 s of 2s), then the third.
    expect(resumed.bytes.length).toBe(2500 * BYTES_PER_MS);
    expect(resumed.bytes[0]).toBe(2);
    expect(resumed.bytes.at(-1)).toBe(3);
    resumed.played = 100;
    expect(passage.playedMs()).toBe(2600);
  });

  it('counts played time in source time at a new speed', () => {
    const { player, processes } = setUp();
    const passage = player.openPassage();
    passage.write(chunk(3000, 1));
    player.setSpeed(2);
    expect(processes[0]?.stopped).toBe(true);
    const fast = processes[1] as FakeProcess;
    // Half the audio came out (less the stretch's look-ahead, which flush() would give).
    expect(fast.bytes.length).toBeLessThanOrEqual(1500 * BYTES_PER_MS);
    expect(fast.bytes.length).toBeGreaterThan(1400 * BYTES_PER_MS);
    fast.played = 500;
    expect(passage.playedMs()).toBeCloseTo(1000, -1);
    expect(player.speed).toBe(2);
  });

  it('keeps speed at 1 for audio it cannot stretch', () => {
    const player = new SteeredPlayer(
      () => new FakeProcess(),
      parseOutputFormat('ulaw_8000') as FormatInfo,
      2,
    );
    expect(player.canStretch).toBe(false);
    player.setSpeed(1.5);
    expect(player.speed).toBe(1);
  });

  it('ends once played out, waiting through a pause', async () => {
    const { player, processes } = setUp();
    const passage = player.openPassage();
    passage.write(chunk(500, 1));
    player.togglePause();
    let ended = false;
    const ending = passage.end().then(() => (ended = true));
    await Promise.resolve();
    expect(ended).toBe(false);
    player.togglePause();
    await new Promise((resolve) => setTimeout(resolve, 0));
    const last = processes[1] as FakeProcess;
    expect(last.ended).toBe(true);
    expect(ended).toBe(false);
    last.playOut();
    await ending;
    expect(ended).toBe(true);
  });
});
