// What a command may touch. main() passes the real process; tests may pass their own streams.
export interface CliContext {
  readonly env: NodeJS.ProcessEnv;
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  /** Aborted on SIGINT/SIGTERM; the reason is the signal's name. */
  readonly signal: AbortSignal;
  readonly platform: NodeJS.Platform;
}
