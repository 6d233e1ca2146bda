// The player page's engine: plays one stream at a time (open, chunks, end) from main on a single
// persistent AudioContext, and reports how much has been heard. Framework-free so the hidden player
// window, the dev browser page and the Playwright test page all run the same code.
//
// Raw codecs (pcm s16le at any rate, μ-law, A-law) are decoded here and each chunk is scheduled
// gaplessly on the audio clock (schedule.ts). MP3 is decoded by WebCodecs (mp3-decoder.ts) and its
// samples take the same path; where WebCodecs cannot decode MP3 it goes through Media Source
// Extensions on an <audio> element routed into the same graph (sinks.ts). Opus gets an
// `unsupported_format` error.
import type { AudioCodec } from '../../../../shared/protocol';
import type { MainToPlayer, PlayerToMain } from '../../../../shared/contract';
import { createSampleDecoder } from './codecs';
import { DeferredSink } from './deferred-sink';
import { Mp3DecoderSource, mp3DecodingKnown, probeMp3Decoding } from './mp3-decoder';
import { AdaptiveLead } from './lead';
import type { LeadRule } from './lead';
import { MediaSourceSink, ScheduledSink, rawSource } from './sinks';
import type { SamplesOut, SinkTarget, StreamSink } from './sinks';

export interface StreamPlayerOptions {
  post(message: PlayerToMain): void;
  /** An existing context (tests insert a tap); by default the player makes its own on first use. */
  context?: AudioContext;
  /** Where the output goes; defaults to the context's destination. */
  output?: AudioNode;
  /** How far ahead the first sample is scheduled; the bench passes the old fixed rule to compare. */
  lead?: LeadRule;
  /** How often position is reported while playing; main needs at least every 250 ms. */
  reportEveryMs?: number;
}

interface Stream {
  readonly streamId: number;
  readonly sink: StreamSink;
  lastReportedMs: number;
}

type PlayerState = { kind: 'idle' } | { kind: 'streaming'; stream: Stream };

const MP3_MIME = 'audio/mpeg';

interface Graph {
  context: AudioContext;
  gain: GainNode;
}

export class StreamPlayer {
  #state: PlayerState = { kind: 'idle' };
  #graph: Graph | undefined;
  #volume = 1;
  #speed = 1;
  #paused = false;
  #timer: ReturnType<typeof setInterval> | undefined;
  #underruns = 0;
  /** One rule for the player's life: what one stream taught about the link holds for the next. */
  readonly #lead: LeadRule;

  constructor(private readonly options: StreamPlayerOptions) {
    this.#lead = options.lead ?? new AdaptiveLead();
    // Asked now so the answer is in before the first MP3 stream opens.
    void probeMp3Decoding();
  }

  /** The jitter-buffer lead the next start would use, in seconds. */
  get leadS(): number {
    return this.#lead.leadS;
  }

  /** The lead rule's arrival-jitter estimate in seconds, if it keeps one. */
  get jitterS(): number | undefined {
    return this.#lead.jitterS;
  }

  /** True while main has the playback paused (the context is suspended on purpose). */
  get paused(): boolean {
    return this.#paused;
  }

  /** Times a stream ran dry before its end, over the player's life (for the benchmark). */
  get underruns(): number {
    const current = this.#state.kind === 'streaming' ? this.#state.stream.sink.underruns : 0;
    return this.#underruns + current;
  }

  handle(message: MainToPlayer): void {
    switch (message.type) {
      case 'open':
        return this.#open(message.streamId, message.codec, message.sampleRate);
      case 'chunk':
        return this.#chunk(message.streamId, message.audio);
      case 'end':
        return this.#end(message.streamId);
      // Only a stream is paused: a paused idle player would hold the context (and its keep-alive) still.
      case 'pause':
        return this.#setPaused(this.#state.kind === 'streaming');
      case 'resume':
        return this.#setPaused(false);
      case 'stop':
        this.#drop();
        return this.#setPaused(false);
      case 'volume':
        return this.#setVolume(message.value);
      case 'speed':
        return this.#setSpeed(message.value);
    }
  }

  /** Stops everything and closes the context (page unload). */
  dispose(): void {
    this.#drop();
    const graph = this.#graph;
    this.#graph = undefined;
    if (graph && !this.options.context) void graph.context.close().catch(() => undefined);
  }

  #open(streamId: number, codec: AudioCodec, sampleRate: number): void {
    this.#drop();
    const graph = this.#ensureGraph(streamId);
    if (!graph) return;
    const sink = this.#createSink(streamId, codec, sampleRate, graph);
    if (!sink) {
      const message = `${codec} at ${sampleRate} Hz cannot be streamed by this player`;
      this.options.post({ type: 'error', streamId, code: 'unsupported_format', message });
      return;
    }
    if (this.#speed !== 1) sink.setSpeed(this.#speed);
    // A new reading plays even if the previous one was left paused.
    this.#setPaused(false);
    this.#state = { kind: 'streaming', stream: { streamId, sink, lastReportedMs: -1 } };
    this.#startTimer();
  }

  #createSink(streamId: number, codec: AudioCodec, sampleRate: number, graph: Graph): StreamSink | undefined {
    const target: SinkTarget = {
      context: graph.context,
      output: graph.gain,
      onProgress: () => this.#tick(),
      onError: (message) => this.#fail(streamId, message),
    };
    if (codec === 'mp3') return this.#createMp3Sink(streamId, target);
    const decoder = createSampleDecoder(codec);
    if (!decoder || !(sampleRate >= 3000 && sampleRate <= 768_000)) return undefined;
    return new ScheduledSink(target, rawSource(decoder, sampleRate), this.#lead);
  }

  /** WebCodecs when it decodes MP3 here, else Media Source; undefined when neither can. */
  #createMp3Sink(streamId: number, target: SinkTarget): StreamSink | undefined {
    const mediaSource = typeof MediaSource !== 'undefined' && MediaSource.isTypeSupported(MP3_MIME);
    const choose = (decodes: boolean): StreamSink | undefined => {
      if (decodes) {
        const input = (out: SamplesOut, fail: (message: string) => void) => new Mp3DecoderSource(out, fail);
        return new ScheduledSink(target, input, this.#lead);
      }
      return mediaSource ? new MediaSourceSink(target, MP3_MIME) : undefined;
    };
    const known = mp3DecodingKnown();
    if (known !== undefined) return choose(known);
    return new DeferredSink(probeMp3Decoding().then(choose), () => this.#refuseMp3(streamId));
  }

  #refuseMp3(streamId: number): void {
    if (!this.#current(streamId)) return;
    this.#drop();
    const message = 'mp3 cannot be streamed by this player';
    this.options.post({ type: 'error', streamId, code: 'unsupported_format', message });
  }

  #chunk(streamId: number, audio: ArrayBuffer): void {
    const stream = this.#current(streamId);
    if (!stream) return;
    stream.sink.write(new Uint8Array(audio));
  }

  #fail(streamId: number, message: string): void {
    if (!this.#current(streamId)) return;
    this.#drop();
    this.options.post({ type: 'error', streamId, code: 'decode_failed', message });
  }

  #end(streamId: number): void {
    const stream = this.#current(streamId);
    if (!stream) return;
    stream.sink.end();
    this.#tick();
  }

  /** Reports progress, and `ended` once the last sample has played. */
  #tick(): void {
    if (this.#state.kind !== 'streaming') return;
    const { stream } = this.#state;
    const playedMs = stream.sink.playedMs();
    if (playedMs !== stream.lastReportedMs) {
      stream.lastReportedMs = playedMs;
      this.options.post({ type: 'position', streamId: stream.streamId, playedMs });
    }
    if (stream.sink.finished()) {
      stream.sink.stop();
      this.#underruns += stream.sink.underruns;
      this.#state = { kind: 'idle' };
      this.#stopTimer();
      this.options.post({ type: 'ended', streamId: stream.streamId });
    }
  }

  #drop(): void {
    if (this.#state.kind === 'streaming') {
      this.#state.stream.sink.stop();
      this.#underruns += this.#state.stream.sink.underruns;
    }
    this.#state = { kind: 'idle' };
    this.#stopTimer();
  }

  #setPaused(paused: boolean): void {
    const context = this.#graph?.context;
    if (paused === this.#paused || !context) return;
    this.#paused = paused;
    if (this.#state.kind === 'streaming') {
      const { sink } = this.#state.stream;
      if (paused) sink.pause();
      else sink.resume();
    }
    // Suspending the context freezes its clock, so the position stops with the sound.
    const change = paused ? context.suspend() : context.resume();
    void change.catch((error: unknown) => console.warn('The audio context did not switch:', error));
  }

  #setSpeed(value: number): void {
    this.#speed = Math.min(3, Math.max(0.5, Number.isFinite(value) ? value : 1));
    if (this.#state.kind === 'streaming') this.#state.stream.sink.setSpeed(this.#speed);
  }

  #setVolume(value: number): void {
    this.#volume = Math.min(1, Math.max(0, Number.isFinite(value) ? value : 1));
    const graph = this.#graph;
    // A short ramp instead of a jump avoids a click.
    graph?.gain.gain.setTargetAtTime(this.#volume, graph.context.currentTime, 0.01);
  }

  #ensureGraph(streamId: number): Graph | undefined {
    if (this.#graph) return this.#graph;
    try {
      const context = this.options.context ?? new AudioContext({ latencyHint: 'interactive' });
      const gain = context.createGain();
      gain.gain.value = this.#volume;
      gain.connect(this.options.output ?? context.destination);
      this.#graph = { context, gain };
      return this.#graph;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.options.post({ type: 'error', streamId, code: 'audio_unavailable', message });
      return undefined;
    }
  }

  #current(streamId: number): Stream | undefined {
    const state = this.#state;
    return state.kind === 'streaming' && state.stream.streamId === streamId ? state.stream : undefined;
  }

  #startTimer(): void {
    this.#stopTimer();
    this.#timer = setInterval(() => this.#tick(), this.options.reportEveryMs ?? 100);
  }

  #stopTimer(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
