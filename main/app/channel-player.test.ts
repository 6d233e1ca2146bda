import { describe, expect, it } from 'vitest';
import type { MainToPlayer, PlayerChannel, PlayerToMain, Unsubscribe } from '../../shared/contract';
import { SpeechError } from '../../shared/speech-errors';
import { parseOutputFormat } from '../../shared/protocol';
import type { FormatInfo } from '../../shared/protocol';
import type { AudioChunk } from '../speech/session';
import { ChannelPlayer } from './channel-player';

const PCM = parseOutputFormat('pcm_16000') as FormatInfo;

/** The page end of a PlayerChannel, in memory: what main posted, and a way to answer. */
class PageEnd implements PlayerChannel {
  readonly posted: MainToPlayer[] = [];
  private readonly messageListeners = new Set<(message: PlayerToMain) => void>();
  private readonly closeListeners = new Set<() => void>();
  private open = true;
  closedByMain = false;

  get connected(): boolean {
    return this.open;
  }
  post(message: MainToPlayer): void {
    if (this.open) this.posted.push(message);
  }
  onMessage(listener: (message: PlayerToMain) => void): Unsubscribe {
    this.messageListeners.add(listener);
    return () => this.messageListeners.delete(listener);
  }
  onClose(listener: () => void): Unsubscribe {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }
  close(): void {
    this.closedByMain = true;
    this.open = false;
  }
  say(message: PlayerToMain): void {
    for (const listener of [...this.messageListeners]) listener(message);
  }
  goAway(): void {
    this.open = false;
    for (const listener of [...this.closeListeners]) listener();
  }
  types(): string[] {
    return this.posted.map((message) => message.type);
  }
}

function chunk(bytes: number[], startMs: number, durationMs = 10): AudioChunk {
  // A view into a larger buffer, as the session hands them out.
  const backing = new Uint8Array([99, ...bytes, 99]);
  return { audio: backing.subarray(1, 1 + bytes.length), startMs, durationMs, chars: [] };
}

function player(): { player: ChannelPlayer; page: PageEnd; warnings: string[] } {
  const warnings: string[] = [];
  const result = new ChannelPlayer({ warn: (message: string) => warnings.push(message) });
  const page = new PageEnd();
  result.attach(page);
  return { player: result, page, warnings };
}

describe('ChannelPlayer', () => {
  it('refuses to open without a player page', () => {
    const lonely = new ChannelPlayer({ warn: () => undefined });
    expect(() => lonely.open(PCM)).toThrow(SpeechError);
    expect(() => lonely.open(PCM)).toThrow('not running');
  });

  it('streams exactly the chunk bytes, paces by the page’s position and ends when the page says so', async () => {
    const { player: p, page } = player();
    const sink = p.open(PCM);
    sink.write(chunk([1, 2, 3], 0));
    sink.write(chunk([4, 5], 10));
    expect(page.posted[0]).toEqual({
      type: 'open',
      streamId: 1,
      format: 'pcm_16000',
      codec: 'pcm',
      sampleRate: 16000,
    });
    const first = page.posted[1];
    if (first?.type !== 'chunk') throw new Error('expected a chunk');
    expect([...new Uint8Array(first.audio)]).toEqual([1, 2, 3]);
    expect(sink.playedMs()).toBe(0);
    page.say({ type: 'position', streamId: 1, playedMs: 12 });
    page.say({ type: 'position', streamId: 1, playedMs: 8 }); // late report: never goes back
    expect(sink.playedMs()).toBe(12);

    let ended = false;
    const done = sink.end().then(() => (ended = true));
    expect(page.types().at(-1)).toBe('end');
    await Promise.resolve();
    expect(ended).toBe(false);
    page.say({ type: 'ended', streamId: 1 });
    await done;
    expect(ended).toBe(true);
  });

  it('ignores reports about an older stream and resolves the old end() when a new one opens', async () => {
    const { player: p, page } = player();
    const old = p.open(PCM);
    const oldEnd = old.end();
    const current = p.open(PCM);
    await oldEnd;
    page.say({ type: 'position', streamId: 1, playedMs: 500 });
    page.say({ type: 'ended', streamId: 1 });
    expect(current.playedMs()).toBe(0);
    let ended = false;
    void current.end().then(() => (ended = true));
    await Promise.resolve();
    expect(ended).toBe(false);
  });

  it('stop silences the page, resolves end() and drops later writes', async () => {
    const { player: p, page } = player();
    const sink = p.open(PCM);
    const end = sink.end();
    p.stop();
    await end;
    const count = page.posted.length;
    sink.write(chunk([7], 0));
    expect(page.posted.length).toBe(count);
    expect(page.types()).toContain('stop');
  });

  it('passes pause, resume and volume through, and gives a new page the volume', () => {
    const { player: p, page } = player();
    p.pause();
    p.resume();
    p.setVolume(1.7);
    expect(page.posted).toEqual([{ type: 'pause' }, { type: 'resume' }, { type: 'volume', value: 1 }]);
    const reloaded = new PageEnd();
    p.attach(reloaded);
    expect(page.closedByMain).toBe(true);
    expect(reloaded.posted).toEqual([{ type: 'volume', value: 1 }]);
  });

  it('announces the current stream’s position as it moves, never an older or stopped one', () => {
    const { player: p, page } = player();
    const heard: number[] = [];
    const unsubscribe = p.onProgress((playedMs) => heard.push(playedMs));
    p.open(PCM);
    page.say({ type: 'position', streamId: 1, playedMs: 40 });
    page.say({ type: 'position', streamId: 1, playedMs: 40 }); // repeated: nothing new
    page.say({ type: 'position', streamId: 1, playedMs: 30 }); // late: never goes back
    page.say({ type: 'position', streamId: 1, playedMs: 90 });
    p.open(PCM);
    page.say({ type: 'position', streamId: 1, playedMs: 500 }); // the replaced stream
    page.say({ type: 'position', streamId: 2, playedMs: 20 });
    p.stop();
    page.say({ type: 'position', streamId: 2, playedMs: 60 }); // after stop
    unsubscribe();
    p.open(PCM);
    page.say({ type: 'position', streamId: 3, playedMs: 10 });
    expect(heard).toEqual([40, 90, 20]);
  });

  it('a throwing progress listener is logged and the others still hear', () => {
    const { player: p, page, warnings } = player();
    const heard: number[] = [];
    p.onProgress(() => {
      throw new Error('broken caption');
    });
    p.onProgress((playedMs) => heard.push(playedMs));
    p.open(PCM);
    page.say({ type: 'position', streamId: 1, playedMs: 25 });
    expect(heard).toEqual([25]);
    expect(warnings).toEqual(['A playback progress listener failed:']);
  });

  it('fails the reading when the page reports an error or goes away mid-stream', async () => {
    const { player: p, page, warnings } = player();
    const sink = p.open(PCM);
    page.say({ type: 'error', streamId: 1, code: 'decode_failed', message: 'bad mp3' });
    await expect(sink.end()).rejects.toMatchObject({ code: 'io_failed' });
    expect(() => sink.write(chunk([1], 0))).toThrow(SpeechError);
    expect(warnings).toHaveLength(1);

    const next = p.open(PCM);
    const ending = next.end();
    page.goAway();
    await expect(ending).rejects.toThrow('closed');
    expect(p.connected).toBe(false);
    expect(() => p.open(PCM)).toThrow('not running');
  });
});
