// Pitch-preserving time-stretch for mono speech: WSOLA (waveform-similarity overlap-add).
//
// Why WSOLA: speech is one voice with a clear pitch period, which WSOLA keeps intact by copying
// whole stretches of the waveform and splicing them where they line up; it streams with ~40 ms of
// look-ahead, costs a few ms of CPU per second of audio, and fits in one small file with no
// dependency. Phase vocoders smear speech transients ("phasiness") and cost FFTs; resampling
// shifts pitch. Decisions:
// - 30 ms Hann windows at 50 % overlap: periodic Hann windows at that hop sum to exactly 1, so the
//   output never exceeds the input's peak, and two pitch periods of a low voice fit in a window.
// - Each window is chosen within ±12 ms of its nominal source position (one period of an 85 Hz
//   voice) by normalised cross-correlation with the natural continuation of the previous window,
//   searched coarsely at ~8 kHz and then refined at full rate around the best match.
// - Speed 1 bypasses WSOLA: samples pass through bit-exact with no latency. Switching into or out
//   of it splices at a window boundary (the next window is the natural continuation), so no click.
// - sourcePosition() works from anchors (output sample, source sample, speed) set at speed changes;
//   only the newest few are kept, so memory stays bounded on endless streams.
// No DOM or Node imports: the CLI runs this in Node, the player in a page.

export const MIN_SPEED = 0.5;
export const MAX_SPEED = 3;
export const SPEED_STEP = 0.1;

const WINDOW_SECONDS = 0.03;
const SEARCH_SECONDS = 0.012;
const COARSE_SEARCH_RATE = 8000;
const MAX_ANCHORS = 64;
// Silence (or near silence) has no waveform to match: keep the nominal position there.
const SILENT_ENERGY = 1e-12;

/** Rounds to the 0.1 grid and clamps into [MIN_SPEED, MAX_SPEED]; NaN -> 1. */
export function normaliseSpeed(speed: number): number {
  if (Number.isNaN(speed)) return 1;
  const steps = Math.round(speed / SPEED_STEP);
  // Dividing by 10 (not multiplying by 0.1) gives the float literal exactly: 1.5, not 1.5000000000000002.
  const rounded = steps / Math.round(1 / SPEED_STEP);
  return Math.min(MAX_SPEED, Math.max(MIN_SPEED, rounded));
}

/** A growable run of samples addressed by absolute index; the oldest can be dropped. */
class SampleBuffer {
  private data = new Float32Array(4096);
  private length = 0;
  /** Absolute index of data[0]. */
  start = 0;

  get end(): number {
    return this.start + this.length;
  }

  append(samples: Float32Array): void {
    this.reserve(this.length + samples.length);
    this.data.set(samples, this.length);
    this.length += samples.length;
  }

  appendZeros(count: number): void {
    this.reserve(this.length + count);
    this.data.fill(0, this.length, this.length + count);
    this.length += count;
  }

  /** The samples [from, to) by absolute index, copied. */
  slice(from: number, to: number): Float32Array {
    return this.data.slice(from - this.start, to - this.start);
  }

  /** A view of the stored samples: `view[i]` is absolute sample `start + i`. */
  view(): Float32Array {
    return this.data.subarray(0, this.length);
  }

  /** Forgets every sample before the absolute index `keepFrom`. */
  dropBefore(keepFrom: number): void {
    const drop = Math.min(this.length, Math.max(0, Math.floor(keepFrom) - this.start));
    if (drop === 0) return;
    this.data.copyWithin(0, drop, this.length);
    this.length -= drop;
    this.start += drop;
  }

  clear(start = 0): void {
    this.length = 0;
    this.start = start;
  }

  private reserve(capacity: number): void {
    if (capacity <= this.data.length) return;
    const grown = new Float32Array(Math.max(capacity, this.data.length * 2));
    grown.set(this.data.subarray(0, this.length));
    this.data = grown;
  }
}

/** Output sample `output` stands for source sample `source`; later ones advance by `speed`. */
interface Anchor {
  output: number;
  source: number;
  speed: number;
}

function periodicHann(length: number): Float32Array {
  return Float32Array.from({ length }, (_, n) => 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / length));
}

function concatenate(parts: readonly Float32Array[]): Float32Array {
  if (parts.length === 1 && parts[0]) return parts[0];
  const joined = new Float32Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return joined;
}

/**
 * Correlation of `target` with `source` starting at `candidate`, divided by the candidate's
 * energy's square root (the target's is the same for every candidate), every `stride`-th sample.
 */
function similarity(source: Float32Array, candidate: number, target: Float32Array, stride: number): number {
  let dot = 0;
  let energy = 0;
  for (let i = 0; i < target.length; i += stride) {
    const sample = source[candidate + i] ?? 0;
    dot += sample * (target[i] ?? 0);
    energy += sample * sample;
  }
  return energy > SILENT_ENERGY ? dot / Math.sqrt(energy) : 0;
}

export class TimeStretch {
  private readonly hop: number;
  private readonly windowLength: number;
  private readonly searchRadius: number;
  private readonly coarseStride: number;
  private readonly window: Float32Array;
  private readonly input = new SampleBuffer();
  /** The second half of the last window, to be overlapped by the next one. */
  private readonly tail: Float32Array;
  private currentSpeed: number;
  private anchors: Anchor[] = [];
  private outputCount = 0;
  private ended = false;
  // Pass-through (speed 1): the next source sample to emit.
  private passPosition = 0;
  // WSOLA: where the next window nominally starts in the source, and where the last one started.
  private nominalPosition = 0;
  private lastWindowStart: number | undefined;

  constructor(sampleRate: number, speed = 1) {
    if (!Number.isFinite(sampleRate) || sampleRate <= 0) {
      throw new RangeError(`sample rate must be a positive number, not ${sampleRate}`);
    }
    this.hop = Math.max(2, Math.round((sampleRate * WINDOW_SECONDS) / 2));
    this.windowLength = 2 * this.hop;
    this.searchRadius = Math.max(1, Math.round(sampleRate * SEARCH_SECONDS));
    this.coarseStride = Math.max(1, Math.round(sampleRate / COARSE_SEARCH_RATE));
    this.window = periodicHann(this.windowLength);
    this.tail = new Float32Array(this.hop);
    this.currentSpeed = normaliseSpeed(speed);
    this.reset();
  }

  get speed(): number {
    return this.currentSpeed;
  }

  /** Applies to the audio produced from now on (no click, no gap). */
  setSpeed(speed: number): void {
    const next = normaliseSpeed(speed);
    if (next === this.currentSpeed) return;
    const wasPassingThrough = this.passingThrough;
    this.currentSpeed = next;
    if (wasPassingThrough) {
      this.startWsolaAt(this.passPosition);
    } else if (next === 1) {
      this.startPassThroughAt(this.naturalContinuation() ?? this.nominalPosition);
    } else {
      this.addAnchor(this.nominalPosition);
    }
  }

  /** Feeds source samples; returns the stretched samples ready so far (may be empty). */
  process(input: Float32Array): Float32Array {
    // A stream fed after its end is a new stream.
    if (this.ended) this.reset();
    this.input.append(input);
    return this.emit(this.passingThrough ? this.passThrough() : this.stretchAvailable(false));
  }

  /** End of stream: returns the rest, so total output ~= total input / speed. */
  flush(): Float32Array {
    if (this.ended) return new Float32Array(0);
    this.ended = true;
    if (this.passingThrough) return this.emit(this.passThrough());
    const sourceEnd = this.input.end;
    // Silence after the end lets the last windows be taken and searched like any other.
    this.input.appendZeros(this.windowLength + this.hop + 2 * this.searchRadius);
    const parts = this.stretchAvailable(true, sourceEnd);
    return this.emit(this.trimToSource(parts, sourceEnd));
  }

  /** Drops all state (a seek): the next process() starts fresh. */
  reset(): void {
    this.input.clear();
    this.tail.fill(0);
    this.anchors = [];
    this.outputCount = 0;
    this.ended = false;
    if (this.currentSpeed === 1) this.startPassThroughAt(0);
    else this.startWsolaAt(0);
  }

  /**
   * Source samples (since the last reset) that the output produced so far stands for:
   * outputSamples -> source sample position, piecewise linear over speed changes.
   */
  sourcePosition(outputSample: number): number {
    let anchor = this.anchors[0];
    if (!anchor) return 0;
    for (const candidate of this.anchors) {
      if (candidate.output > outputSample) break;
      anchor = candidate;
    }
    return Math.max(0, anchor.source + (outputSample - anchor.output) * anchor.speed);
  }

  private get passingThrough(): boolean {
    return this.currentSpeed === 1;
  }

  private emit(parts: readonly Float32Array[]): Float32Array {
    const output = parts.length === 0 ? new Float32Array(0) : concatenate(parts);
    this.outputCount += output.length;
    return output;
  }

  private startPassThroughAt(sourcePosition: number): void {
    this.passPosition = Math.round(sourcePosition);
    this.lastWindowStart = undefined;
    this.addAnchor(this.passPosition);
  }

  private startWsolaAt(sourcePosition: number): void {
    this.nominalPosition = sourcePosition;
    this.lastWindowStart = undefined;
    this.addAnchor(sourcePosition);
  }

  private addAnchor(source: number): void {
    const anchor = { output: this.outputCount, source, speed: this.currentSpeed };
    const last = this.anchors.at(-1);
    if (last && last.output === anchor.output) this.anchors.pop();
    this.anchors.push(anchor);
    if (this.anchors.length > MAX_ANCHORS) this.anchors.shift();
  }

  private passThrough(): Float32Array[] {
    const out = this.input.slice(this.passPosition, this.input.end);
    this.passPosition = this.input.end;
    // Keep enough history that a switch to WSOLA can search behind its first window.
    this.input.dropBefore(this.passPosition - this.searchRadius);
    return out.length > 0 ? [out] : [];
  }

  /** Where the source continues seamlessly after the last window's first half. */
  private naturalContinuation(): number | undefined {
    return this.lastWindowStart === undefined ? undefined : this.lastWindowStart + this.hop;
  }

  /**
   * Overlap-adds every window whose search range the input covers (or, at the end, every window
   * that starts before `sourceEnd`), returning one hop of finished output per window.
   */
  private stretchAvailable(ending: boolean, sourceEnd = Infinity): Float32Array[] {
    const parts: Float32Array[] = [];
    while (this.canTakeWindow(ending, sourceEnd)) parts.push(this.takeWindow());
    this.input.dropBefore(this.oldestSampleNeeded());
    return parts;
  }

  private canTakeWindow(ending: boolean, sourceEnd: number): boolean {
    const nominal = Math.round(this.nominalPosition);
    if (ending) return this.nominalPosition < sourceEnd;
    const natural = this.naturalContinuation() ?? nominal;
    return Math.max(nominal + this.searchRadius, natural) + this.windowLength <= this.input.end;
  }

  private oldestSampleNeeded(): number {
    const nominal = Math.round(this.nominalPosition) - this.searchRadius;
    return Math.min(nominal, this.naturalContinuation() ?? nominal);
  }

  private takeWindow(): Float32Array {
    const start = this.chooseWindowStart();
    const samples = this.input.view();
    const offset = start - this.input.start;
    const first = this.lastWindowStart === undefined;
    const finished = new Float32Array(this.hop);
    for (let i = 0; i < this.hop; i++) {
      // The first window after a (re)start has nothing to fade in against: its first half is as is.
      const sample = samples[offset + i] ?? 0;
      finished[i] = first ? sample : (this.tail[i] ?? 0) + sample * (this.window[i] ?? 0);
    }
    for (let i = this.hop; i < this.windowLength; i++) {
      this.tail[i - this.hop] = (samples[offset + i] ?? 0) * (this.window[i] ?? 0);
    }
    this.lastWindowStart = start;
    this.nominalPosition += this.hop * this.currentSpeed;
    return finished;
  }

  /** The start, within the search range of the nominal position, that best continues the last window. */
  private chooseWindowStart(): number {
    const nominal = Math.round(this.nominalPosition);
    const natural = this.naturalContinuation();
    if (natural === undefined) return Math.max(nominal, this.input.start);
    const samples = this.input.view();
    const base = this.input.start;
    const target = samples.subarray(natural - base, natural - base + this.windowLength);
    const lowest = Math.max(base, nominal - this.searchRadius);
    const highest = Math.max(lowest, nominal + this.searchRadius);
    const coarse = this.bestMatch(
      samples,
      target,
      lowest - base,
      highest - base,
      nominal - base,
      this.coarseStride,
    );
    const refined = this.bestMatch(
      samples,
      target,
      Math.max(lowest - base, coarse - this.coarseStride),
      Math.min(highest - base, coarse + this.coarseStride),
      coarse,
      1,
    );
    return refined + base;
  }

  /** The candidate in [from, to] (buffer indices) most similar to `target`; ties keep `preferred`. */
  private bestMatch(
    samples: Float32Array,
    target: Float32Array,
    from: number,
    to: number,
    preferred: number,
    stride: number,
  ): number {
    let best = Math.min(to, Math.max(from, preferred));
    let bestScore = similarity(samples, best, target, stride);
    for (let candidate = from; candidate <= to; candidate += stride) {
      const score = similarity(samples, candidate, target, stride);
      if (score > bestScore) {
        bestScore = score;
        best = candidate;
      }
    }
    return best;
  }

  /** Cuts the last hop so the output ends where the source did (at the current speed). */
  private trimToSource(parts: Float32Array[], sourceEnd: number): Float32Array[] {
    const last = parts.at(-1);
    if (!last) return parts;
    const lastHopSource = this.nominalPosition - this.hop * this.currentSpeed;
    const keep = Math.round((sourceEnd - lastHopSource) / this.currentSpeed);
    parts[parts.length - 1] = last.subarray(0, Math.min(last.length, Math.max(0, keep)));
    return parts;
  }
}
