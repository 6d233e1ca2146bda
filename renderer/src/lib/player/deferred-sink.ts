// A sink whose kind is decided a moment later (the MP3 decoder probe is asynchronous): it keeps what
// the player asks of it until the real sink exists, then hands it all over in order.
import type { StreamSink } from './sinks';

export class DeferredSink implements StreamSink {
  #sink: StreamSink | undefined;
  readonly #written: Uint8Array[] = [];
  #ended = false;
  #paused = false;
  #stopped = false;
  #speed = 1;

  constructor(
    decide: Promise<StreamSink | undefined>,
    private readonly onUnavailable: () => void,
  ) {
    void decide.then((sink) => this.#take(sink));
  }

  get underruns(): number {
    return this.#sink?.underruns ?? 0;
  }

  write(bytes: Uint8Array): void {
    if (this.#sink) this.#sink.write(bytes);
    else if (!this.#stopped) this.#written.push(new Uint8Array(bytes));
  }

  end(): void {
    this.#ended = true;
    this.#sink?.end();
  }

  playedMs(): number {
    return this.#sink?.playedMs() ?? 0;
  }

  finished(): boolean {
    return this.#sink?.finished() ?? false;
  }

  pause(): void {
    this.#paused = true;
    this.#sink?.pause();
  }

  resume(): void {
    this.#paused = false;
    this.#sink?.resume();
  }

  setSpeed(speed: number): void {
    this.#speed = speed;
    this.#sink?.setSpeed(speed);
  }

  stop(): void {
    this.#stopped = true;
    this.#written.length = 0;
    this.#sink?.stop();
  }

  #take(sink: StreamSink | undefined): void {
    if (this.#stopped) return sink?.stop();
    if (!sink) return this.onUnavailable();
    this.#sink = sink;
    if (this.#paused) sink.pause();
    if (this.#speed !== 1) sink.setSpeed(this.#speed);
    for (const bytes of this.#written.splice(0)) sink.write(bytes);
    if (this.#ended) sink.end();
  }
}
