// `hark speak`: text (argument, stdin stream or clipboard) → a narration started like the app's
// (app/start-narration.ts) → player or file.
import { prepareText } from '../app/reading-text';
import { startNarration } from '../app/start-narration';
import { DEFAULT_OFFLINE_VOICE_ID } from '../engine/offline-voice';
import { SpeechError } from '../speech/errors';
import type { NarrationSource } from '../speech/narration';
import type { FormatInfo } from '../speech/protocol';
import type { EngineName, SpeakOptions, TextSource } from './args';
import { readClipboard } from './clipboard';
import type { CliContext } from './context';
import { chooseEngine, connectEngine, DEFAULT_ELEVENLABS_VOICE_ID } from './engine';
import type { EngineChoice, EngineConnection } from './engine';
import { CliError, EXIT_INTERRUPTED, EXIT_OK } from './errors';
import { FileSink } from './file-sink';
import { chooseFileTarget, defaultPcmFormat } from './formats';
import { findPlayers, openPlayerSink, playersFor } from './player';
import type { FoundPlayer } from './player';
import type { CliSink } from './sink';
import { readTextChunks, requireText } from './stdin';

/**
 * A file has no listener who might stop early, so the server is kept well supplied (it never waits for
 * the next sentence) but still bounded: a book is read into the file at the writer's pace, with flat
 * memory on both sides, instead of all at once.
 */
export const FILE_LEAD_MS = 120_000;

interface OutputPlan {
  format: FormatInfo;
  /** How far text may be sent ahead of what was heard (a player) or written (a file). */
  leadMs?: number;
  open(onFailure: (error: CliError) => void): Promise<CliSink>;
  /** Said once on stderr before the reading starts. */
  note?: string;
}

/** Decided before anything starts, so a missing player or a bad extension fails at once. */
function planOutput(options: SpeakOptions, engine: EngineName, ctx: CliContext): OutputPlan {
  if (options.out !== undefined) {
    const target = chooseFileTarget(options.out, options.format, engine);
    return {
      format: target.format,
      leadMs: FILE_LEAD_MS,
      open: () => FileSink.create(target.path, target.container, target.format),
    };
  }
  const players = findPlayers(ctx.env, ctx.platform);
  const format = options.format ?? defaultPcmFormat(engine);
  const first = playersFor(players, format)[0] as FoundPlayer;
  const plan: OutputPlan = {
    format,
    open: (onFailure) => openPlayerSink(players, format, ctx.env, onFailure),
  };
  if (!first.spec.readsStdin) {
    plan.note = `${first.spec.name} cannot play a stream, so playback starts once all audio has arrived (install ffplay to stream)`;
  }
  return plan;
}

/** A whole text is read up to MAX_READ_CHARS, like in the app; stdin is streamed and has no limit. */
function wholeText(text: string, ctx: CliContext): NarrationSource {
  const prepared = prepareText(text);
  if (!prepared.ok) {
    throw new CliError(
      prepared.code === 'empty_text' ? 'nothing to read: the text is empty' : prepared.message,
    );
  }
  if (prepared.truncated) {
    ctx.stderr.write(
      `hark: note: the text is very long (${text.length.toLocaleString('en')} characters), so only its first ${prepared.text.length.toLocaleString('en')} are read\n`,
    );
  }
  return { kind: 'text', text: prepared.text };
}

async function narrationSource(
  source: TextSource,
  ctx: CliContext,
  signal: AbortSignal,
): Promise<NarrationSource> {
  switch (source.kind) {
    case 'text':
      return wholeText(source.text, ctx);
    case 'clipboard':
      return wholeText(await readClipboard(ctx.env, signal, ctx.platform), ctx);
    case 'stdin':
      if (ctx.stdin.isTTY) ctx.stderr.write('(reading from the terminal: type the text, then Ctrl-D)\n');
      return { kind: 'stream', chunks: requireText(readTextChunks(ctx.stdin, signal), 'stdin') };
  }
}

function defaultVoice(engine: EngineChoice): string {
  return engine.kind === 'offline' ? DEFAULT_OFFLINE_VOICE_ID : DEFAULT_ELEVENLABS_VOICE_ID;
}

/**
 * The clearest one-line reason: our own message when the text source or the sink failed (the
 * narration wraps those as io_failed), and the voice the user asked for when it does not exist.
 */
function explain(error: unknown, voiceId: string): unknown {
  const cause = (error as { cause?: unknown } | null)?.cause;
  if (error instanceof SpeechError && error.code === 'io_failed' && cause instanceof CliError) return cause;
  if (error instanceof SpeechError && error.code === 'voice_not_found') {
    return new SpeechError(
      error.code,
      `${error.message} (voice "${voiceId}"; hark voices lists them)`,
      error.status,
    );
  }
  return error;
}

function exitCodeFor(signal: AbortSignal): number {
  // 128 + signal number, as shells report it.
  return signal.reason === 'SIGTERM' ? 143 : EXIT_INTERRUPTED;
}

export async function speakCommand(options: SpeakOptions, ctx: CliContext): Promise<number> {
  const engine = await chooseEngine(options, ctx.env);
  const voiceId = options.voice ?? defaultVoice(engine);
  const output = planOutput(options, engine.kind, ctx);
  // Aborted by Ctrl-C, or by the player dying mid-reading.
  const stop = new AbortController();
  const onInterrupt = (): void => stop.abort();
  ctx.signal.addEventListener('abort', onInterrupt, { once: true });
  if (ctx.signal.aborted) stop.abort();
  let sinkFailure: CliError | undefined;
  let sink: CliSink | undefined;
  let connection: EngineConnection | undefined;
  try {
    const source = await narrationSource(options.source, ctx, stop.signal);
    if (output.note) ctx.stderr.write(`hark: note: ${output.note}\n`);
    sink = await output.open((error) => {
      sinkFailure ??= error;
      stop.abort();
    });
    connection = await connectEngine(engine);
    if (stop.signal.aborted) throw new SpeechError('aborted', 'stopped');
    const narration = startNarration({
      target: {
        baseUrl: connection.baseUrl,
        apiKey: connection.apiKey,
        parameters: { voiceId, query: { output_format: output.format.format, model_id: options.model } },
      },
      source,
      sink,
      ...(output.leadMs !== undefined ? { tuning: { leadMs: output.leadMs } } : {}),
      signal: stop.signal,
    });
    stop.signal.addEventListener('abort', () => narration.cancel(), { once: true });
    // run() resolves once the sink has finished playing or writing.
    await narration.run();
    return EXIT_OK;
  } catch (error) {
    await sink?.stop();
    if (sinkFailure) throw sinkFailure;
    if (ctx.signal.aborted) return exitCodeFor(ctx.signal);
    throw explain(error, voiceId);
  } finally {
    ctx.signal.removeEventListener('abort', onInterrupt);
    await connection?.close();
  }
}
