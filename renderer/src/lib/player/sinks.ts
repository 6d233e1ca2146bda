// One stream's playback, two ways: samples scheduled on the audio clock (PCM, μ-law, A-law decoded
// here, MP3 decoded by WebCodecs), or, where WebCodecs cannot decode MP3, its bytes fed to a
// MediaSource on an <audio> element whose output is routed into the same graph. The player drives
// either through the same small interface.
import type { SampleDecoder } from './codecs';
import { PlaybackSchedule } from './schedule';
import type { LeadPolicy } from './schedule';

export interface StreamSink {
  write(bytes: Uint8Array): void;
  /** No more bytes will come. */
  end(): void;
  playedMs(): number;
  /** True once end() was called and everything written has been heard. */
  finished(): boolean;
  pause(): void;
  resume(): void;
  /** Silences it now and lets go of its nodes. */
  stop(): void;
  /** Times the audio ran dry while more was still to come (a stutter the listener heard). */
  readonly underruns: number;
  /** The jitter-buffer lead now, for sinks that schedule on the audio clock. */
  readonly leadS?: number;
}

/** Samples a decoder hands out, now or later. */
export type SamplesOut = (samples: Float32Array, sampleRate: number) => void;

/** A stream's bytes in, samples out through the SamplesOut it was made with. */
export interface SampleSource {
  write(bytes: Uint8Array): void;
  /** Resolves once the samples of everything written have come out. */
  flush(): Promise<void>;
  close(): void;
}

export type SampleSourceFactory = (out: SamplesOut, fail: (message: string) => void) => SampleSource;

/** The raw codecs: decoded at once, at the rate the stream was opened with. */
export function rawSource(decoder: SampleDecoder, sampleRate: number): SampleSourceFactory {
  return (out) => ({
    write(bytes) {
      const samples = decoder.decode(bytes);
      if (samples.length > 0) out(samples, sampleRate);
    },
    flush: () => Promise.resolve(),
    close() {},
  });
}

export interface SinkTarget {
  context: AudioContext;
  output: AudioNode;
  /** Called when playback moved on (a chunk finished): the player reports at once. */
  onProgress(): void;
  onError(message: string): void;
}

export class ScheduledSink implements StreamSink {
  readonly #schedule: PlaybackSchedule;
  readonly #sources = new Set<AudioBufferSourceNode>();
  readonly #input: SampleSource;
  #endRequested = false;
  #ending = false;
  #stopped = false;

  constructor(
    private readonly target: SinkTarget,
    input: SampleSourceFactory,
    lead: LeadPolicy,
    leadS: number,
  ) {
    this.#schedule = new PlaybackSchedule(lead, leadS);
    this.#input = input(
      (samples, sampleRate) => this.#play(samples, sampleRate),
      (message) => this.#fail(message),
    );
  }

  get leadS(): number {
    return this.#schedule.leadS;
  }

  get underruns(): number {
    return this.#schedule.underruns;
  }

  write(bytes: Uint8Array): void {
    if (this.#stopped) return;
    try {
      this.#input.write(bytes);
    } catch (error) {
      this.#fail(error instanceof Error ? error.message : String(error));
    }
  }

  // Finished only once the decoder has handed out the last samples and they were placed.
  end(): void {
    if (this.#endRequested || this.#stopped) return;
    this.#endRequested = true;
    this.#input.flush().then(
      () => {
        if (this.#stopped) return;
        this.#ending = true;
        this.target.onProgress();
      },
      (error: unknown) => this.#fail(error instanceof Error ? error.message : String(error)),
    );
  }

  playedMs(): number {
    return Math.round(this.#schedule.playedS(this.target.context.currentTime) * 1000);
  }

  finished(): boolean {
    const nothingPlaced = this.#schedule.endsAt === undefined;
    return this.#ending && (nothingPlaced || this.#schedule.drained(this.target.context.currentTime));
  }

  // The player suspends the whole context, which freezes this sink's clock too.
  pause(): void {}
  resume(): void {}

  stop(): void {
    this.#stopped = true;
    this.#input.close();
    for (const source of this.#sources) {
      source.onended = null;
      source.stop();
      source.disconnect();
    }
    this.#sources.clear();
  }

  #play(samples: Float32Array, sampleRate: number): void {
    if (this.#stopped) return;
    const { context, output } = this.target;
    const buffer = context.createBuffer(1, samples.length, sampleRate);
    buffer.getChannelData(0).set(samples);
    const source = context.createBufferSource();
    source.buffer = buffer;
    source.connect(output);
    const { startAt } = this.#schedule.place(context.currentTime, buffer.duration);
    this.#sources.add(source);
    source.onended = () => {
      this.#sources.delete(source);
      source.disconnect();
      this.target.onProgress();
    };
    source.start(startAt);
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
