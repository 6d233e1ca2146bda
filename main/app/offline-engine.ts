// The app's offline voice: one in-process stream-input server (main/engine/stream-server.ts), started
// the first time something needs it and shared by every reading, voice list and preview after that.
// Starting lazily keeps the app's start-up free of the engine's load time for people who only use
// ElevenLabs; the server listens on loopback with a random token, like `hark serve`.
// A crash of the engine's worker thread costs only the connection that was speaking (engine_failed,
// close 1011): the voice starts a fresh worker for the next request, and the reading carries on over
// a new connection from the first word not heard (speech/resume.ts; tests/faults.test.ts kills it).
import { startStreamServer } from '../engine/stream-server';
import type { RunningStreamServer, StreamServerOptions } from '../engine/stream-server';
import { SpeechError } from '../../shared/speech-errors';

export interface OfflineEndpoint {
  /** Base URL for the session and the HTTP client, e.g. 'http://127.0.0.1:41234'. */
  url: string;
  /** Presented as the API key. */
  token: string;
}

export interface OfflineEngine {
  /** Starts the server on first use; callers at the same moment share one start. Rejects SpeechError. */
  endpoint(): Promise<OfflineEndpoint>;
  /** True once the server runs (until close()). */
  readonly running: boolean;
  /** Stops the server (waiting for a start in progress); endpoint() rejects afterwards. */
  close(): Promise<void>;
}

export interface OfflineEngineOptions {
  /** Passed to startStreamServer (tests pass a shared voice, the app may warm formats up). */
  server?: StreamServerOptions;
  /** Replaces startStreamServer (tests count starts). */
  start?: (options: StreamServerOptions) => Promise<RunningStreamServer>;
}

type EngineState =
  | { kind: 'stopped' }
  | { kind: 'starting'; started: Promise<RunningStreamServer> }
  | { kind: 'running'; server: RunningStreamServer }
  | { kind: 'closed' };

function startFailure(cause: unknown): SpeechError {
  const detail = cause instanceof Error ? ` (${cause.message})` : '';
  return new SpeechError('engine_failed', `The offline voice could not be started${detail}.`);
}

export function createOfflineEngine(options: OfflineEngineOptions = {}): OfflineEngine {
  const start = options.start ?? startStreamServer;
  let state: EngineState = { kind: 'stopped' };
  let closing: Promise<void> | undefined;

  const isClosed = (): boolean => state.kind === 'closed';

  function begin(): Promise<RunningStreamServer> {
    const started = start(options.server ?? {});
    state = { kind: 'starting', started };
    started.then(
      (server) => {
        // close() may have been called meanwhile; it waits for this promise and stops the server.
        if (state.kind === 'starting' && state.started === started) state = { kind: 'running', server };
      },
      () => {
        // A failed start is retried by the next endpoint() call (the worker may have been killed).
        if (state.kind === 'starting' && state.started === started) state = { kind: 'stopped' };
      },
    );
    return started;
  }

  async function endpoint(): Promise<OfflineEndpoint> {
    if (state.kind === 'closed')
      throw new SpeechError('engine_failed', 'The offline voice has been shut down.');
    let server: RunningStreamServer;
    if (state.kind === 'running') server = state.server;
    else {
      try {
        server = await (state.kind === 'starting' ? state.started : begin());
      } catch (cause) {
        throw startFailure(cause);
      }
    }
    // close() may have run while we waited for the start (a method call, so TypeScript re-reads it).
    if (isClosed()) throw new SpeechError('engine_failed', 'The offline voice has been shut down.');
    return { url: server.url, token: server.token };
  }

  async function shutDown(): Promise<void> {
    const previous = state;
    state = { kind: 'closed' };
    if (previous.kind === 'running') await previous.server.close();
    if (previous.kind === 'starting') {
      const server = await previous.started.catch(() => undefined);
      await server?.close();
    }
  }

  return {
    endpoint,
    get running() {
      return state.kind === 'running';
    },
    close: () => (closing ??= shutDown()),
  };
}
