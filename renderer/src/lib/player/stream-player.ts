// The player page's engine: plays one stream at a time (open, chunks, end) from main on a single
// persistent AudioContext, and reports how much has been heard. Framework-free so the hidden player
// window, the dev browser page and the Playwright test page all run the same code.
//
// Raw codecs (pcm s16le at any rate, μ-law, A-law) are decoded here and each chunk is scheduled
// gaplessly on the audio clock (schedule.ts). MP3 and Opus are not decoded per chunk: the desktop
// app asks the server for PCM, so those streams get an `unsupported_format` error.
import type { MainToPlayer, PlayerToMain } from '../../../../preload/api';
import { createSampleDecoder } from './codecs';
import type { SampleDecoder } from './codecs';
import { DEFAULT_LEAD, PlaybackSchedule } from './schedule';
import type { LeadPolicy } from './schedule';

export interface StreamPlayerOptions {
  post(message: PlayerToMain): void;
  /** An existing context (tests insert a tap); by default the player makes its own on first use. */
  context?: AudioContext;
  /** Where the output goes; defaults to the context's destination. */
  output?: AudioNode;
  lead?: LeadPolicy;
  /** How often position is reported while playing; main needs at least every 250 ms. */
  reportEveryMs?: number;
}

interface Stream {
  readonly streamId: number;
  readonly sampleRate: number;
  readonly decoder: SampleDecoder;
  readonly schedule: PlaybackSchedule;
  readonly sources: Set<AudioBufferSourceNode>;
  ending: boolean;
  lastReportedMs: number;
}

type PlayerState = { kind: 'idle' } | { kind: 'streaming'; stream: Stream };

interface Graph {
  context: AudioContext;
  gain: GainNode;
}

export class StreamPlayer {
  #state: PlayerState = { kind: 'idle' };
  #graph: Graph | undefined;
  #volume = 1;
  #paused = false;
  #leadS: number;
  #timer: ReturnType<typeof setInterval> | undefined;
  readonly #lead: LeadPolicy;

  constructor(private readonly options: StreamPlayerOptions) {
    this.#lead = options.lead ?? DEFAULT_LEAD;
    this.#leadS = this.#lead.initialS;
  }

  /** Current jitter-buffer lead in seconds (it grows after an underrun). */
  get leadS(): number {
    return this.#state.kind === 'streaming' ? this.#state.stream.schedule.leadS : this.#leadS;
  }

  handle(message: MainToPlayer): void {
    switch (message.type) {
      case 'open':
        return this.#open(message.streamId, message.codec, message.sampleRate);
      case 'chunk':
        return this.#chunk(message.streamId, message.audio);
      case 'end':
        return this.#end(message.streamId);
      case 'pause':
        return this.#setPaused(true);
      case 'resume':
        return this.#setPaused(false);
      case 'stop':
        return this.#drop();
      case 'volume':
        return this.#setVolume(message.value);
    }
  }

  /** Stops everything and closes the context (page unload). */
  dispose(): void {
    this.#drop();
    const graph = this.#graph;
    this.#graph = undefined;
    if (graph && !this.options.context) void graph.context.close().catch(() => undefined);
  }

  #open(streamId: number, codec: Parameters<typeof createSampleDecoder>[0], sampleRate: number) {
    this.#drop();
    const decoder = createSampleDecoder(codec);
    if (!decoder || !(sampleRate >= 3000 && sampleRate <= 768_000)) {
      const message = `${codec} at ${sampleRate} Hz cannot be streamed by this player`;
      this.options.post({ type: 'error', streamId, code: 'unsupported_format', message });
      return;
    }
    const graph = this.#ensureGraph(streamId);
    if (!graph) return;
    // A new reading plays even if the previous one was left paused.
    this.#setPaused(false);
    const schedule = new PlaybackSchedule(this.#lead, this.#leadS);
    const stream: Stream = {
      streamId,
      sampleRate,
      decoder,
      schedule,
      sources: new Set(),
      ending: false,
      lastReportedMs: -1,
    };
    this.#state = { kind: 'streaming', stream };
    this.#startTimer();
  }

  #chunk(streamId: number, audio: ArrayBuffer): void {
    const stream = this.#current(streamId);
    const graph = this.#graph;
    if (!stream || !graph || stream.ending) return;
    const samples = stream.decoder.decode(new Uint8Array(audio));
    if (samples.length === 0) return;
    const { context, gain } = graph;
    const buffer = context.createBuffer(1, samples.length, stream.sampleRate);
    buffer.getChannelData(0).set(samples);
    const source = context.createBufferSource();
    source.buffer = buffer;
    source.connect(gain);
    const { startAt } = stream.schedule.place(context.currentTime, buffer.duration);
    this.#leadS = stream.schedule.leadS;
    stream.sources.add(source);
    source.onended = () => {
      stream.sources.delete(source);
      source.disconnect();
      this.#tick();
    };
    source.start(startAt);
  }

  #end(streamId: number): void {
    const stream = this.#current(streamId);
    if (!stream) return;
    stream.ending = true;
    this.#tick();
  }

  /** Reports progress, and `ended` once the last scheduled sample has played. */
  #tick(): void {
    const graph = this.#graph;
    if (this.#state.kind !== 'streaming' || !graph) return;
    const { stream } = this.#state;
    const now = graph.context.currentTime;
    const playedMs = Math.round(stream.schedule.playedS(now) * 1000);
    if (playedMs !== stream.lastReportedMs) {
      stream.lastReportedMs = playedMs;
      this.options.post({ type: 'position', streamId: stream.streamId, playedMs });
    }
    const nothingPlaced = stream.schedule.endsAt === undefined;
    if (stream.ending && (nothingPlaced || stream.schedule.drained(now))) {
      this.#state = { kind: 'idle' };
      this.#stopTimer();
      this.options.post({ type: 'ended', streamId: stream.streamId });
    }
  }

  #drop(): void {
    if (this.#state.kind === 'streaming') {
      for (const source of this.#state.stream.sources) {
        source.onended = null;
        source.stop();
        source.disconnect();
      }
    }
    this.#state = { kind: 'idle' };
    this.#stopTimer();
  }

  #setPaused(paused: boolean): void {
    const context = this.#graph?.context;
    if (paused === this.#paused || !context) return;
    this.#paused = paused;
    // Suspending the context freezes its clock, so the position stops with the sound.
    const change = paused ? context.suspend() : context.resume();
    void change.catch((error: unknown) => console.warn('The audio context did not switch:', error));
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
