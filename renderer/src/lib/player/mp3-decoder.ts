// MP3 decoded in the page with WebCodecs: whole frames (mp3-frames.ts) go to an AudioDecoder and its
// samples come out for the same scheduled playback as raw PCM, so MP3 starts as soon as its first
// frame is decoded instead of after a media element's buffering.
import { Mp3FrameSplitter } from './mp3-frames';
import type { Mp3Frame, Mp3Gapless } from './mp3-frames';
import type { SampleSource, SamplesOut } from './sinks';

/** An MP3 decoder's own delay (samples) on top of the encoder's, as LAME counts it. */
const DECODER_DELAY = 529;
const PROBE = { codec: 'mp3', sampleRate: 44_100, numberOfChannels: 1 } as const;

let support: Promise<boolean> | undefined;
let supportKnown: boolean | undefined;

/** Whether this page can decode MP3 with WebCodecs (asked once, then remembered). */
export function probeMp3Decoding(): Promise<boolean> {
  support ??= (async () => {
    if (typeof AudioDecoder === 'undefined' || typeof EncodedAudioChunk === 'undefined') return false;
    try {
      return (await AudioDecoder.isConfigSupported(PROBE)).supported === true;
    } catch {
      return false;
    }
  })().then((supported) => (supportKnown = supported));
  return support;
}

/** The probe's answer if it has come in (undefined before). */
export function mp3DecodingKnown(): boolean | undefined {
  return supportKnown;
}

/** The first channel of one plane's bytes in any WebCodecs sample format, as floats in -1..1. */
export function firstChannel(
  format: AudioSampleFormat,
  plane: ArrayBuffer,
  frames: number,
  channels: number,
): Float32Array {
  const planar = format.endsWith('-planar');
  const stride = planar ? 1 : channels;
  const read = sampleReader(format, plane);
  const samples = new Float32Array(frames);
  for (let i = 0; i < frames; i++) samples[i] = read(i * stride);
  return samples;
}

function sampleReader(format: AudioSampleFormat, plane: ArrayBuffer): (index: number) => number {
  switch (format.replace('-planar', '')) {
    case 'f32': {
      const values = new Float32Array(plane);
      return (i) => values[i] ?? 0;
    }
    case 's16': {
      const values = new Int16Array(plane);
      return (i) => (values[i] ?? 0) / 32_768;
    }
    case 's32': {
      const values = new Int32Array(plane);
      return (i) => (values[i] ?? 0) / 2_147_483_648;
    }
    default: {
      const values = new Uint8Array(plane);
      return (i) => ((values[i] ?? 128) - 128) / 128;
    }
  }
}

/**
 * Drops the encoder's and decoder's delay from the front and, when the stream's length is known, the
 * padding from the end. Without a LAME tag nothing is trimmed.
 */
export class GaplessTrim {
  /** Samples dropped from the front in all. */
  readonly leading: number;
  #skip: number;
  #remaining: number;

  constructor(gapless: Mp3Gapless | undefined, samplesPerFrame: number) {
    this.leading = gapless ? gapless.encoderDelay + DECODER_DELAY : 0;
    this.#skip = this.leading;
    const frames = gapless?.frames;
    this.#remaining =
      gapless && frames !== undefined && gapless.encoderDelay > 0
        ? Math.max(0, frames * samplesPerFrame - gapless.encoderDelay - gapless.padding)
        : Infinity;
  }

  apply(samples: Float32Array): Float32Array {
    const skipped = Math.min(this.#skip, samples.length);
    this.#skip -= skipped;
    const kept = Math.min(samples.length - skipped, this.#remaining);
    this.#remaining -= kept;
    return skipped === 0 && kept === samples.length ? samples : samples.subarray(skipped, skipped + kept);
  }
}

export class Mp3DecoderSource implements SampleSource {
  readonly #frames = new Mp3FrameSplitter();
  readonly #decoder: AudioDecoder;
  #trim: GaplessTrim | undefined;
  /** The last audio frame's length, and its length per byte (for the bytes of a frame not yet whole). */
  #frameS = 0;
  #sampleRate = 1;
  #secondsPerByte = 0;
  #framesS = 0;

  constructor(
    private readonly out: SamplesOut,
    private readonly fail: (message: string) => void,
  ) {
    this.#decoder = new AudioDecoder({
      output: (data) => this.#output(data),
      error: (error) => this.fail(`the MP3 decoder failed: ${error.message}`),
    });
  }

  write(bytes: Uint8Array): void {
    this.#decode(this.#frames.push(bytes));
  }

  async flush(): Promise<void> {
    this.#decode(this.#frames.end());
    if (this.#decoder.state === 'configured') await this.#decoder.flush();
  }

  close(): void {
    if (this.#decoder.state !== 'closed') this.#decoder.close();
  }

  /** One frame: a chunk that ends inside a frame leaves it to be decoded with the next chunk. */
  get holdS(): number {
    return this.#frameS;
  }

  /** Whole frames split off so far and the part of the next one that has come, less the trimmed delay. */
  get writtenS(): number {
    const trimmedS = this.#trim ? this.#trim.leading / this.#sampleRate : 0;
    return Math.max(0, this.#framesS + this.#frames.pendingBytes * this.#secondsPerByte - trimmedS);
  }

  #decode(frames: readonly Mp3Frame[]): void {
    for (const frame of frames) {
      const { samplesPerFrame, sampleRate } = frame.header;
      this.#frameS = samplesPerFrame / sampleRate;
      this.#sampleRate = sampleRate;
      this.#secondsPerByte = this.#frameS / frame.bytes.length;
      this.#framesS += this.#frameS;
      if (this.#decoder.state === 'closed') return;
      if (this.#decoder.state === 'unconfigured') this.#configure(frame);
      const chunk = new EncodedAudioChunk({ type: 'key', timestamp: frame.timestampUs, data: frame.bytes });
      this.#decoder.decode(chunk);
    }
  }

  // The first audio frame says what the stream is; an Info frame before it has been read by then.
  #configure(frame: Mp3Frame): void {
    const { sampleRate, channels, samplesPerFrame } = frame.header;
    this.#decoder.configure({ codec: 'mp3', sampleRate, numberOfChannels: channels });
    this.#trim = new GaplessTrim(this.#frames.gapless, samplesPerFrame);
  }

  #output(data: AudioData): void {
    try {
      const { format, numberOfFrames, numberOfChannels, sampleRate } = data;
      if (!format) throw new Error('the MP3 decoder gave audio in no known sample format');
      const plane = new ArrayBuffer(data.allocationSize({ planeIndex: 0 }));
      data.copyTo(plane, { planeIndex: 0 });
      const samples = firstChannel(format, plane, numberOfFrames, numberOfChannels);
      const kept = this.#trim ? this.#trim.apply(samples) : samples;
      if (kept.length > 0) this.out(kept, sampleRate);
    } catch (error) {
      this.fail(error instanceof Error ? error.message : String(error));
    } finally {
      data.close();
    }
  }
}
