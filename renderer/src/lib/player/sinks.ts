// One stream's playback, two ways: raw samples scheduled on the audio clock (PCM, μ-law, A-law), or
// compressed bytes (MP3) fed to a MediaSource on an <audio> element whose output is routed into the
// same graph. The player drives either through the same small interface.
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
  #ending = false;

  constructor(
    private readonly target: SinkTarget,
    private readonly decoder: SampleDecoder,
    private readonly sampleRate: number,
    lead: LeadPolicy,
    leadS: number,
  ) {
    this.#schedule = new PlaybackSchedule(lead, leadS);
  }

  get leadS(): number {
    return this.#schedule.leadS;
  }

  get underruns(): number {
    return this.#schedule.underruns;
  }

  write(bytes: Uint8Array): void {
    const samples = this.decoder.decode(bytes);
    if (samples.length === 0) return;
    const { context, output } = this.target;
    const buffer = context.createBuffer(1, samples.length, this.sampleRate);
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

  end(): void {
    this.#ending = true;
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
    for (const source of this.#sources) {
      source.onended = null;
      source.stop();
      source.disconnect();
    }
    this.#sources.clear();
  }
}

/** MP3 through Media Source Extensions: the browser's decoder handles frames split across chunks. */
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
