// One stream's playback, two ways: samples scheduled on the audio clock (PCM, μ-law, A-law decoded
// here, MP3 decoded by WebCodecs), or, where WebCodecs cannot decode MP3, its bytes fed to a
// MediaSource on an <audio> element whose output is routed into the same graph. The player drives
// either through the same small interface.
//
// Speed (pitch kept): scheduled samples go through a WSOLA time-stretch (shared/time-stretch.ts)
// and the element uses its own pitch-preserving playbackRate. Positions stay in the audio's own time,
// so main's pacing and the captions need not know the speed. A change applies at once: what was
// scheduled ahead is taken back and stretched again from the sample being heard.
import { TimeStretch } from '../../../../shared/time-stretch';
import type { SampleDecoder } from './codecs';
import { ArrivalPace } from './lead';
import type { LeadRule } from './lead';
import { PlaybackSchedule } from './schedule';

export interface StreamSink {
  write(bytes: Uint8Array): void;
  /** No more bytes will come. */
  end(): void;
  playedMs(): number;
  /** True once end() was called and everything written has been heard. */
  finished(): boolean;
  pause(): void;
  resume(): void;
  /** 0.5 to 3, pitch kept; playedMs() stays in the audio's own time. */
  setSpeed(speed: number): void;
  /** Silences it now and lets go of its nodes. */
  stop(): void;
  /** Times the audio ran dry while more was still to come (a stutter the listener heard). */
  readonly underruns: number;
}

/** Samples a decoder hands out, now or later. */
export type SamplesOut = (samples: Float32Array, sampleRate: number) => void;

/** A stream's bytes in, samples out through the SamplesOut it was made with. */
export interface SampleSource {
  write(bytes: Uint8Array): void;
  /** Resolves once the samples of everything written have come out. */
  flush(): Promise<void>;
  /** Seconds of audio the bytes written so far carry, whether or not their samples came out yet. */
  readonly writtenS: number;
  /** The most audio (seconds) it may keep back until more bytes come; absent when none. */
  readonly holdS?: number;
  close(): void;
}

export type SampleSourceFactory = (out: SamplesOut, fail: (message: string) => void) => SampleSource;

/** The raw codecs: decoded at once, at the rate the stream was opened with. */
export function rawSource(decoder: SampleDecoder, sampleRate: number): SampleSourceFactory {
  return (out) => {
    let samplesOut = 0;
    return {
      write(bytes) {
        const samples = decoder.decode(bytes);
        samplesOut += samples.length;
        if (samples.length > 0) out(samples, sampleRate);
      },
      flush: () => Promise.resolve(),
      close() {},
      get writtenS() {
        return samplesOut / sampleRate;
      },
    };
  };
}

export interface SinkTarget {
  context: AudioContext;
  output: AudioNode;
  /** Called when playback moved on (a chunk finished): the player reports at once. */
  onProgress(): void;
  onError(message: string): void;
}

/** A buffer on the audio clock, and the stretch of the stream's own time it plays. */
interface Placed {
  source: AudioBufferSourceNode;
  startAt: number;
  durationS: number;
  fromS: number;
  toS: number;
}

/** Decoded samples kept until heard, so a speed change can stretch them again. */
interface Received {
  fromS: number;
  samples: Float32Array;
  sampleRate: number;
}

export class ScheduledSink implements StreamSink {
  #schedule: PlaybackSchedule;
  readonly #lead: LeadRule;
  /** Measured in the time the listener hears: a new pace begins at each speed change. */
  #pace = new ArrivalPace();
  readonly #placed: Placed[] = [];
  readonly #received: Received[] = [];
  readonly #input: SampleSource;
  #receivedS = 0;
  /** Stream time heard up to the start of the first buffer still placed. */
  #heardS = 0;
  #speed = 1;
  #stretch: { stretcher: TimeStretch; sampleRate: number; baseS: number; outSamples: number } | undefined;
  #earlierUnderruns = 0;
  #endRequested = false;
  #flushed = false;
  #ending = false;
  #stopped = false;

  constructor(
    private readonly target: SinkTarget,
    input: SampleSourceFactory,
    lead: LeadRule,
  ) {
    this.#lead = lead;
    this.#schedule = new PlaybackSchedule(lead);
    this.#input = input(
      (samples, sampleRate) => this.#receive(samples, sampleRate),
      (message) => this.#fail(message),
    );
  }

  get underruns(): number {
    return this.#earlierUnderruns + this.#schedule.underruns;
  }

  write(bytes: Uint8Array): void {
    if (this.#stopped) return;
    const arrivedAt = this.target.context.currentTime;
    const before = this.#input.writtenS;
    try {
      this.#input.write(bytes);
    } catch (error) {
      this.#fail(error instanceof Error ? error.message : String(error));
      return;
    }
    // The lead rule learns from every chunk that carries audio (a tag or header alone says nothing).
    const audioS = (this.#input.writtenS - before) / this.#speed;
    if (audioS > 0) this.#lead.arrived(this.#pace.arrive(arrivedAt, audioS), audioS);
  }

  // Finished only once the decoder has handed out the last samples and they were placed.
  end(): void {
    if (this.#endRequested || this.#stopped) return;
    this.#endRequested = true;
    this.#input.flush().then(
      () => {
        if (this.#stopped) return;
        this.#flushed = true;
        this.#flushStretch();
        this.#ending = true;
        this.target.onProgress();
      },
      (error: unknown) => this.#fail(error instanceof Error ? error.message : String(error)),
    );
  }

  playedMs(): number {
    return Math.round(this.#heardAt(this.target.context.currentTime) * 1000);
  }

  finished(): boolean {
    const nothingPlaced = this.#schedule.endsAt === undefined;
    return this.#ending && (nothingPlaced || this.#schedule.drained(this.target.context.currentTime));
  }

  // The player suspends the whole context, which freezes this sink's clock too.
  pause(): void {}
  resume(): void {}

  setSpeed(speed: number): void {
    if (speed === this.#speed || this.#stopped) return;
    this.#speed = speed;
    const heardS = this.#heardAt(this.target.context.currentTime);
    // Take back everything not yet heard, and place it again, stretched from where the ear is.
    for (const placed of this.#placed.splice(0)) this.#silence(placed.source);
    this.#heardS = heardS;
    this.#earlierUnderruns += this.#schedule.underruns;
    this.#schedule = new PlaybackSchedule(this.#lead);
    this.#pace = new ArrivalPace();
    this.#stretch = undefined;
    for (const block of this.#received) {
      const skip = Math.max(0, Math.round((heardS - block.fromS) * block.sampleRate));
      if (skip >= block.samples.length) continue;
      this.#place(block.samples.subarray(skip), block.sampleRate, block.fromS + skip / block.sampleRate);
    }
    if (this.#flushed) this.#flushStretch();
  }

  stop(): void {
    this.#stopped = true;
    this.#input.close();
    for (const placed of this.#placed.splice(0)) this.#silence(placed.source);
    this.#received.length = 0;
  }

  #receive(samples: Float32Array, sampleRate: number): void {
    if (this.#stopped) return;
    const fromS = this.#receivedS;
    this.#receivedS += samples.length / sampleRate;
    this.#received.push({ fromS, samples, sampleRate });
    this.#place(samples, sampleRate, fromS);
  }

  /** Schedules samples of the stream from `fromS` on, through the stretcher unless at 1×. */
  #place(samples: Float32Array, sampleRate: number, fromS: number): void {
    if (this.#speed === 1 && !this.#stretch) {
      this.#play(samples, sampleRate, fromS, fromS + samples.length / sampleRate);
      return;
    }
    if (this.#stretch?.sampleRate !== sampleRate) {
      this.#stretch = {
        stretcher: new TimeStretch(sampleRate, this.#speed),
        sampleRate,
        baseS: fromS,
        outSamples: 0,
      };
    }
    this.#playStretched(this.#stretch.stretcher.process(samples));
  }

  #flushStretch(): void {
    if (this.#stretch) this.#playStretched(this.#stretch.stretcher.flush());
  }

  #playStretched(out: Float32Array): void {
    const stretch = this.#stretch;
    if (!stretch || out.length === 0) return;
    const { stretcher, sampleRate, baseS } = stretch;
    const fromS = baseS + stretcher.sourcePosition(stretch.outSamples) / sampleRate;
    stretch.outSamples += out.length;
    const toS = baseS + stretcher.sourcePosition(stretch.outSamples) / sampleRate;
    this.#play(out, sampleRate, fromS, toS);
  }

  #play(samples: Float32Array, sampleRate: number, fromS: number, toS: number): void {
    if (this.#stopped || samples.length === 0) return;
    const { context, output } = this.target;
    const buffer = context.createBuffer(1, samples.length, sampleRate);
    buffer.getChannelData(0).set(samples);
    const source = context.createBufferSource();
    source.buffer = buffer;
    source.connect(output);
    const holdS = (this.#input.holdS ?? 0) / this.#speed;
    const { startAt } = this.#schedule.place(context.currentTime, buffer.duration, holdS);
    this.#placed.push({ source, startAt, durationS: buffer.duration, fromS, toS });
    source.onended = () => {
      source.disconnect();
      this.target.onProgress();
    };
    source.start(startAt);
  }

  #silence(source: AudioBufferSourceNode): void {
    source.onended = null;
    source.stop();
    source.disconnect();
  }

  /** The stream time heard by `now`: buffers that have played are let go, with the samples behind them. */
  #heardAt(now: number): number {
    while (this.#placed.length > 0) {
      const first = this.#placed[0] as Placed;
      if (first.startAt + first.durationS > now) break;
      this.#heardS = first.toS;
      this.#placed.shift();
    }
    while (this.#received.length > 1) {
      const first = this.#received[0] as Received;
      if (first.fromS + first.samples.length / first.sampleRate > this.#heardS) break;
      this.#received.shift();
    }
    const current = this.#placed[0];
    if (!current || now <= current.startAt) return this.#heardS;
    const share = Math.min(1, (now - current.startAt) / current.durationS);
    return current.fromS + share * (current.toS - current.fromS);
  }

  #fail(message: string): void {
    if (!this.#stopped) this.target.onError(message);
  }
}

/** MP3 through Media Source Extensions (where WebCodecs cannot decode it): the element buffers before it plays. */
export class MediaSourceSink implements StreamSink {
  readonly #audio = new Audio();
  readonly #mediaSource = new MediaSource();
  readonly #node: MediaElementAudioSourceNode;
  readonly #url: string;
  readonly #queue: Uint8Array<ArrayBuffer>[] = [];
  #buffer: SourceBuffer | undefined;
  #ending = false;
  #started = false;
  #paused = false;
  #stopped = false;
  #underruns = 0;

  constructor(
    private readonly target: SinkTarget,
    mimeType: string,
  ) {
    this.#url = URL.createObjectURL(this.#mediaSource);
    this.#audio.src = this.#url;
    this.#node = target.context.createMediaElementSource(this.#audio);
    this.#node.connect(target.output);
    this.#audio.onended = () => target.onProgress();
    // After it started playing, the element waits only when it has played all it was given.
    this.#audio.onwaiting = () => {
      if (this.#audio.currentTime > 0 && !this.#stopped) this.#underruns += 1;
    };
    this.#audio.onerror = () => target.onError(this.#audio.error?.message || 'the audio element failed');
    this.#mediaSource.addEventListener('sourceopen', () => {
      try {
        this.#buffer = this.#mediaSource.addSourceBuffer(mimeType);
        this.#buffer.mode = 'sequence';
        this.#buffer.addEventListener('updateend', () => this.#pump());
        this.#pump();
      } catch (error) {
        target.onError(error instanceof Error ? error.message : String(error));
      }
    });
  }

  get underruns(): number {
    return this.#underruns;
  }

  write(bytes: Uint8Array): void {
    if (this.#stopped || bytes.length === 0) return;
    this.#queue.push(new Uint8Array(bytes));
    this.#pump();
  }

  end(): void {
    this.#ending = true;
    this.#pump();
  }

  playedMs(): number {
    return Math.round(this.#audio.currentTime * 1000);
  }

  finished(): boolean {
    return this.#ending && (this.#audio.ended || (!this.#started && this.#queue.length === 0));
  }

  pause(): void {
    this.#paused = true;
    this.#audio.pause();
  }

  resume(): void {
    this.#paused = false;
    if (this.#started) this.#play();
  }

  // The element's own time-stretch keeps the pitch; currentTime stays in the audio's time.
  setSpeed(speed: number): void {
    this.#audio.preservesPitch = true;
    this.#audio.playbackRate = speed;
  }

  stop(): void {
    this.#stopped = true;
    this.#queue.length = 0;
    this.#audio.pause();
    this.#audio.onended = null;
    this.#audio.onerror = null;
    this.#audio.onwaiting = null;
    this.#node.disconnect();
    URL.revokeObjectURL(this.#url);
  }

  #pump(): void {
    const buffer = this.#buffer;
    if (this.#stopped || !buffer || buffer.updating) return;
    const next = this.#queue.shift();
    try {
      if (next) {
        buffer.appendBuffer(next);
        if (!this.#started) {
          this.#started = true;
          if (!this.#paused) this.#play();
        }
      } else if (this.#ending && this.#mediaSource.readyState === 'open') {
        this.#mediaSource.endOfStream();
      }
    } catch (error) {
      this.target.onError(error instanceof Error ? error.message : String(error));
    }
  }

  #play(): void {
    this.#audio.play().catch((error: unknown) => {
      if (!this.#stopped) this.target.onError(error instanceof Error ? error.message : String(error));
    });
  }
}
