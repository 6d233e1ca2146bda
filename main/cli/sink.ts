import type { AudioSink } from '../speech/narration';

/** An AudioSink the command line can also abandon (failure, Ctrl-C): kills the player, drops the file. */
export interface CliSink extends AudioSink {
  stop(): Promise<void>;
}
