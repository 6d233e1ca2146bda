import { describe, expect, it } from 'vitest';
import { parseOutputFormat } from '../../shared/protocol';
import { RecordingPlayer } from '../../tests/helpers/recording-player';
import { PlayerLease } from './player-lease';
import type { PlayerPort } from './reading-types';

const PCM = parseOutputFormat('pcm_16000')!;

describe('PlayerLease', () => {
  it('a pause before the playback opens applies as it opens; resume undoes it', () => {
    const player = new RecordingPlayer();
    const lease = new PlayerLease(player, () => undefined);
    lease.pause();
    expect(player.calls).toEqual([]);
    lease.open(PCM);
    expect(player.calls).toEqual(['open', 'pause']);
    lease.pause(); // already paused: nothing more
    lease.resume();
    lease.resume();
    expect(player.calls).toEqual(['open', 'pause', 'resume']);
  });

  it('once released it never touches the player again', () => {
    const player = new RecordingPlayer();
    const old = new PlayerLease(player, () => undefined);
    old.open(PCM);
    old.release(true);
    expect(player.calls).toEqual(['open', 'stop']);

    const next = new PlayerLease(player, () => undefined);
    next.open(PCM);
    old.pause();
    old.resume();
    old.release(true);
    expect(() => old.open(PCM)).toThrow(/no longer owns/);
    expect(player.calls).toEqual(['open', 'stop', 'open']);
    expect(next.released).toBe(false);
  });

  it('release without stopping lets the last audio play out; nothing to stop if never opened', () => {
    const player = new RecordingPlayer();
    const done = new PlayerLease(player, () => undefined);
    done.open(PCM);
    done.release(false);
    new PlayerLease(player, () => undefined).release(true);
    expect(player.calls).toEqual(['open']);
  });

  it('a player that throws on pause, resume or stop is reported, not thrown', () => {
    const errors: unknown[] = [];
    const broken: PlayerPort = {
      open: (format) => new RecordingPlayer().open(format),
      setSpeed: () => undefined,
      pause: () => {
        throw new Error('pause failed');
      },
      resume: () => {
        throw new Error('resume failed');
      },
      stop: () => {
        throw new Error('stop failed');
      },
      onProgress: () => () => undefined,
    };
    const lease = new PlayerLease(broken, (error) => errors.push(error));
    lease.open(PCM);
    lease.pause();
    lease.resume();
    lease.release(true);
    expect(errors.map((e) => (e as Error).message)).toEqual(['pause failed', 'resume failed', 'stop failed']);
  });
});
