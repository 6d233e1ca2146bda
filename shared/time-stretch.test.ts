import { describe, expect, it } from 'vitest';
import { MAX_SPEED, MIN_SPEED, SPEED_STEP, TimeStretch, normaliseSpeed } from './time-stretch';

const RATE = 16000;
const FUNDAMENTAL_HZ = 150;

/** A voiced-speech stand-in: 150 Hz and eight harmonics (1/k), loudness drifting at 0.7 Hz. */
function harmonicSignal(seconds: number, sampleRate = RATE): Float32Array {
  return Float32Array.from({ length: Math.round(seconds * sampleRate) }, (_, i) => {
    const t = i / sampleRate;
    let sample = 0;
    for (let k = 1; k <= 8; k++) sample += Math.sin(2 * Math.PI * FUNDAMENTAL_HZ * k * t) / k;
    return 0.3 * sample * (0.6 + 0.4 * Math.sin(2 * Math.PI * 0.7 * t));
  });
}

/** Chunk sizes from 137 to 4096 samples, uneven, the same every run. */
function unevenChunks(total: number): number[] {
  const sizes: number[] = [];
  for (let done = 0, size = 137; done < total; size = ((size * 7) % 3960) + 137) {
    const next = Math.min(size, total - done);
    sizes.push(next);
    done += next;
  }
  return sizes;
}

function concat(parts: readonly Float32Array[]): Float32Array {
  const joined = new Float32Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return joined;
}

/** Streams `input` through `stretch` in uneven chunks, calling `between` before each chunk. */
function streamThrough(
  stretch: TimeStretch,
  input: Float32Array,
  between: (sourceDone: number) => void = () => {},
): Float32Array {
  const parts: Float32Array[] = [];
  let done = 0;
  for (const size of unevenChunks(input.length)) {
    between(done);
    parts.push(stretch.process(input.subarray(done, done + size)));
    done += size;
  }
  parts.push(stretch.flush());
  return concat(parts);
}

/**
 * Fundamental by normalised autocorrelation over 60-400 Hz: the shortest lag scoring within 10 % of
 * the best (a multiple of the period scores as well as the period itself), refined by a parabola.
 */
function fundamentalHz(signal: Float32Array, sampleRate = RATE): number {
  const frame = signal.subarray(Math.floor(signal.length / 3), Math.floor(signal.length / 3) + 4096);
  const minLag = Math.floor(sampleRate / 400);
  const maxLag = Math.ceil(sampleRate / 60);
  const scores = Array.from({ length: maxLag + 2 }, (_, lag) => {
    let dot = 0;
    let energyA = 0;
    let energyB = 0;
    for (let i = 0; i + lag < frame.length; i++) {
      const [a, b] = [frame[i] ?? 0, frame[i + lag] ?? 0];
      dot += a * b;
      energyA += a * a;
      energyB += b * b;
    }
    return lag < minLag ? 0 : dot / Math.sqrt(energyA * energyB || 1);
  });
  const bestScore = Math.max(...scores.slice(minLag, maxLag + 1));
  let lag = minLag;
  while (
    lag < maxLag &&
    ((scores[lag] ?? 0) < 0.9 * bestScore || (scores[lag + 1] ?? 0) > (scores[lag] ?? 0))
  )
    lag++;
  const [before, at, after] = [scores[lag - 1] ?? 0, scores[lag] ?? 0, scores[lag + 1] ?? 0];
  const shift = (before - after) / (2 * (before - 2 * at + after) || 1);
  return sampleRate / (lag + shift);
}

function peak(signal: Float32Array): number {
  return signal.reduce((max, sample) => Math.max(max, Math.abs(sample)), 0);
}

describe('normaliseSpeed', () => {
  it('rounds to the 0.1 grid', () => {
    expect(normaliseSpeed(1.04)).toBe(1);
    expect(normaliseSpeed(1.05)).toBe(1.1);
    expect(normaliseSpeed(1.26)).toBe(1.3);
    expect(normaliseSpeed(2.5)).toBe(2.5);
  });
  it('clamps into [MIN_SPEED, MAX_SPEED]', () => {
    expect(normaliseSpeed(0.1)).toBe(MIN_SPEED);
    expect(normaliseSpeed(0)).toBe(MIN_SPEED);
    expect(normaliseSpeed(-2)).toBe(MIN_SPEED);
    expect(normaliseSpeed(3.04)).toBe(MAX_SPEED);
    expect(normaliseSpeed(10)).toBe(MAX_SPEED);
    expect(normaliseSpeed(Infinity)).toBe(MAX_SPEED);
    expect(normaliseSpeed(-Infinity)).toBe(MIN_SPEED);
  });
  it('treats NaN as 1', () => {
    expect(normaliseSpeed(Number.NaN)).toBe(1);
  });
  it('gives every grid value exactly as its decimal literal', () => {
    const grid = Array.from({ length: 26 }, (_, i) => Number((MIN_SPEED + i * SPEED_STEP).toFixed(1)));
    expect(grid.map((speed) => normaliseSpeed(speed + 0.01))).toEqual(grid);
  });
});

describe('TimeStretch', () => {
  it('rejects a sample rate that is not positive', () => {
    expect(() => new TimeStretch(0)).toThrow(RangeError);
    expect(() => new TimeStretch(Number.NaN)).toThrow(RangeError);
  });

  it('normalises the speed it is given', () => {
    expect(new TimeStretch(RATE, 1.94).speed).toBe(1.9);
    expect(new TimeStretch(RATE).speed).toBe(1);
  });

  it.each([0.5, 1.5, 2, 3])(
    'at %sx, streamed in uneven chunks, lasts input / speed (±3 per cent)',
    (speed) => {
      const input = harmonicSignal(4);
      const output = streamThrough(new TimeStretch(RATE, speed), input);
      expect(output.length / (input.length / speed)).toBeGreaterThan(0.97);
      expect(output.length / (input.length / speed)).toBeLessThan(1.03);
    },
  );

  it('passes samples through bit-exact at 1x, with no latency', () => {
    const input = harmonicSignal(1);
    const stretch = new TimeStretch(RATE, 1);
    const first = stretch.process(input.subarray(0, 300));
    expect(first).toEqual(input.subarray(0, 300));
    const rest = streamThrough(stretch, input.subarray(300));
    expect(concat([first, rest])).toEqual(input);
  });

  it.each([2, 0.5, 3])('keeps the pitch at %sx (fundamental within 3 per cent)', (speed) => {
    const input = harmonicSignal(3);
    const output = streamThrough(new TimeStretch(RATE, speed), input);
    const ratio = fundamentalHz(output) / fundamentalHz(input);
    expect(ratio).toBeGreaterThan(0.97);
    expect(ratio).toBeLessThan(1.03);
  });

  it('keeps the pitch at 2x at 44.1 kHz too', () => {
    const input = harmonicSignal(2, 44100);
    const output = streamThrough(new TimeStretch(44100, 2), input);
    expect(fundamentalHz(output, 44100) / fundamentalHz(input, 44100)).toBeCloseTo(1, 1);
  });

  it('changes the rate of the rest of the stream when the speed changes mid-stream', () => {
    const input = harmonicSignal(4);
    const half = input.length / 2;
    const stretch = new TimeStretch(RATE, 1);
    let outputAtSwitch = 0;
    const parts: Float32Array[] = [];
    let done = 0;
    for (const size of unevenChunks(input.length)) {
      if (done >= half && stretch.speed === 1) {
        stretch.setSpeed(2);
        outputAtSwitch = parts.reduce((sum, part) => sum + part.length, 0);
      }
      parts.push(stretch.process(input.subarray(done, done + size)));
      done += size;
    }
    parts.push(stretch.flush());
    const total = parts.reduce((sum, part) => sum + part.length, 0);
    // The first half passed through at 1x; what was left of the source came out at 2x.
    const rest = input.length - outputAtSwitch;
    expect((total - outputAtSwitch) / (rest / 2)).toBeCloseTo(1, 1);
    expect(stretch.sourcePosition(outputAtSwitch)).toBeCloseTo(outputAtSwitch, 0);
    expect(stretch.sourcePosition(total)).toBeCloseTo(input.length, -2);
  });

  it('splices without a click when switching to and from 1x', () => {
    const input = harmonicSignal(3);
    const speeds = [1.5, 1, 2.5, 1, 0.7, 3];
    const stretch = new TimeStretch(RATE, 3);
    let chunks = 0;
    // A speed change every few chunks, between process() calls as a player would make it.
    const output = streamThrough(stretch, input, () => {
      if (chunks++ % 4 === 3) stretch.setSpeed(speeds[(chunks >> 2) % speeds.length] ?? 1);
    });
    const largestStep = (signal: Float32Array): number =>
      signal.reduce((max, sample, i) => Math.max(max, Math.abs(sample - (signal[i - 1] ?? sample))), 0);
    // A click is a jump between neighbouring samples far larger than any the input has.
    expect(largestStep(output)).toBeLessThan(1.5 * largestStep(input));
  });

  it('makes the same output again after reset()', () => {
    const input = harmonicSignal(2);
    const stretch = new TimeStretch(RATE, 1.7);
    const first = streamThrough(stretch, input);
    stretch.process(harmonicSignal(0.5).map((sample) => -sample));
    stretch.reset();
    expect(stretch.sourcePosition(0)).toBe(0);
    expect(streamThrough(stretch, input)).toEqual(first);
  });

  it('starts afresh when fed after flush()', () => {
    const input = harmonicSignal(1);
    const stretch = new TimeStretch(RATE, 2);
    const first = streamThrough(stretch, input);
    expect(streamThrough(stretch, input)).toEqual(first);
  });

  it.each([0.5, 1, 1.5, 3])('at %sx maps the end of the output to the input consumed', (speed) => {
    const input = harmonicSignal(2);
    const stretch = new TimeStretch(RATE, speed);
    const output = streamThrough(stretch, input);
    expect(Math.abs(stretch.sourcePosition(output.length) - input.length)).toBeLessThan(RATE * 0.01);
    expect(stretch.sourcePosition(output.length / 2)).toBeCloseTo((output.length / 2) * speed, -1);
  });

  it('maps output to source piecewise over speed changes, and keeps few anchors', () => {
    const stretch = new TimeStretch(RATE, 2);
    const chunk = harmonicSignal(0.1);
    let produced = 0;
    for (let i = 0; i < 2000; i++) {
      produced += stretch.process(chunk).length;
      stretch.setSpeed(i % 2 === 0 ? 1.5 : 2);
    }
    // Half the chunks at 2x, half at 1.5x: 2000 * 1600 source samples.
    expect(stretch.sourcePosition(produced) / (2000 * chunk.length)).toBeCloseTo(1, 2);
    const anchors = (stretch as unknown as { anchors: unknown[] }).anchors;
    expect(anchors.length).toBeLessThanOrEqual(64);
  });

  it('keeps memory bounded on a long stream', () => {
    const stretch = new TimeStretch(RATE, 0.5);
    const chunk = harmonicSignal(0.25);
    for (let i = 0; i < 400; i++) stretch.process(chunk);
    const input = (stretch as unknown as { input: { view(): Float32Array } }).input;
    expect(input.view().length).toBeLessThan(RATE * 0.5);
  });

  it('never produces NaN or a peak above the input peak', () => {
    const input = harmonicSignal(2);
    for (const speed of [0.5, 0.8, 1.3, 2, 3]) {
      const output = streamThrough(new TimeStretch(RATE, speed), input);
      expect(output.some(Number.isNaN)).toBe(false);
      expect(peak(output)).toBeLessThanOrEqual(peak(input) * 1.0001);
    }
  });

  it('copes with silence, tiny chunks and empty input', () => {
    const stretch = new TimeStretch(RATE, 2);
    expect(stretch.process(new Float32Array(0))).toHaveLength(0);
    const parts: Float32Array[] = [];
    for (let i = 0; i < 4000; i++) parts.push(stretch.process(new Float32Array(3)));
    parts.push(stretch.flush());
    const output = concat(parts);
    expect(output.length).toBeCloseTo(6000, -2);
    expect(peak(output)).toBe(0);
  });
});
