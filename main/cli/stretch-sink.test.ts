import { describe, expect, it } from 'vitest';
import type { AudioChunk } from '../speech/session';
import type { CliSink } from './sink';
import { PcmStretch, StretchingSink, floatToInt16, int16ToPcm, pcmToFloat } from './stretch-sink';

const RATE = 16000;

/** A 200 Hz tone, `ms` long, as S16LE. */
function tone(ms: number): Uint8Array {
  const samples = Float32Array.from(
    { length: (RATE * ms) / 1000 },
    (_, i) => Math.sin((2 * Math.PI * 200 * i) / RATE) * 0.5,
  );
  return int16ToPcm(floatToInt16(samples));
}

class CountingSink implements CliSink {
  bytes = 0;
  writtenMs = 0;
  write(chunk: AudioChunk): void {
    this.bytes += chunk.audio.length;
    this.writtenMs += chunk.durationMs;
  }
  playedMs(): number {
    return this.writtenMs;
  }
  end(): Promise<void> {
    return Promise.resolve();
  }
  stop(): Promise<void> {
    return Promise.resolve();
  }
}

describe('PCM conversion', () => {
  it('round-trips S16LE through floats, clipping what is out of range', () => {
    const pcm = Int16Array.from([0, 1, -1, 32767, -32768, 1234]);
    expect([...floatToInt16(pcmToFloat(int16ToPcm(pcm)))]).toEqual([...pcm]);
    expect([...floatToInt16(Float32Array.from([2, -2]))]).toEqual([32767, -32768]);
  });
});

describe('PcmStretch', () => {
  it('keeps a sample split across two chunks', () => {
    const stretch = new PcmStretch(RATE, 1);
    const bytes = tone(10);
    const out = [...stretch.process(bytes.subarray(0, 5)), ...stretch.process(bytes.subarray(5))];
    expect(out).toHaveLength(bytes.length / 2);
  });
});

describe('StretchingSink', () => {
  it('at 2× writes half the audio and counts it as the full source time', async () => {
    const inner = new CountingSink();
    const sink = new StretchingSink(inner, RATE, 2);
    for (let i = 0; i < 10; i += 1)
      sink.write({ audio: tone(200), startMs: i * 200, durationMs: 200, chars: [] });
    await sink.end();
    expect(inner.writtenMs).toBeGreaterThan(950);
    expect(inner.writtenMs).toBeLessThan(1050);
    expect(inner.bytes).toBe(Math.round((inner.writtenMs * RATE) / 1000) * 2);
    expect(sink.playedMs()).toBeGreaterThan(1900);
    expect(sink.playedMs()).toBeLessThan(2100);
  });
});
