// `hark speak`: text (argument, stdin stream or clipboard) → a narration started like the app's
// (app/start-narration.ts) → player or file.
import { openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { ReadStream } from 'node:tty';
import { prepareText } from '../app/reading-text';
import { ReadingSentences } from '../app/reading-sentences';
import {
  modelTextHandling,
  speakableOptions,
  speakableReading,
  targetForPart,
  voiceChangeSentences,
  voicedTarget,
} from '../app/speakable-reading';
import type { ReadingVoice, SpeakableReading } from '../app/speakable-reading';
import { SentenceReading } from '../app/sentence-reading';
import { startNarration } from '../app/start-narration';
import type { NarrationTarget } from '../app/start-narration';
import { createEncoder } from '../engine/encoders';
import { DEFAULT_OFFLINE_VOICE_ID } from '../engine/offline-voice';
import { SpeechError } from '../../shared/speech-errors';
import type { AudioSink, NarrationSource } from '../speech/narration';
import { tokenizeWords } from '../speech/word-tracker';
import { defaultSettings } from '../../shared/settings-schema';
import type { TextSettings } from '../../shared/settings-schema';
import { parseLexiconFile } from '../../shared/lexicon-file';
import { SpeakableStream, speakableChunks } from '../text/speakable';
import { parseOutputFormat } from '../../shared/protocol';
import type { FormatInfo } from '../../shared/protocol';
import { SPEED_STEP } from '../../shared/time-stretch';
import type { EngineName, SpeakOptions, TextSource } from './args';
import { readClipboard } from './clipboard';
import type { CliContext } from './context';
import { chooseEngine, connectEngine, DEFAULT_ELEVENLABS_VOICE_ID } from './engine';
import type { EngineChoice, EngineConnection } from './engine';
import { CliError, EXIT_INTERRUPTED, EXIT_OK } from './errors';
import { FileSink } from './file-sink';
import { chooseFileTarget, defaultPcmFormat } from './formats';
import type { FileTarget } from './formats';
import { findPlayers, openPlayerSink, playersFor, streamingPlayers } from './player';
import type { FoundPlayer } from './player';
import type { CliSink } from './sink';
import { SteeredPlayer } from './steered-player';
import { canSteer, startSteering, terminalDraws } from './steering';
import type { SteeringKey, SteeringSession } from './steering';
import { readTextChunks, requireText } from './stdin';
import { StretchingSink } from './stretch-sink';

/**
 * A file has no listener who might stop early, so the server is kept well supplied (it never waits for
 * the next sentence) but still bounded: a book is read into the file at the writer's pace, with flat
 * memory on both sides, instead of all at once.
 */
export const FILE_LEAD_MS = 120_000;

interface OutputPlan {
  /** What the engine is asked for. */
  format: FormatInfo;
  /** How far text may be sent ahead of what was heard (a player) or written (a file). */
  leadMs?: number;
  open(onFailure: (error: CliError) => void): Promise<CliSink>;
  /** A player that can be steered: opens a new player process per call (see steered-player.ts). */
  streaming?: (onFailure: (error: CliError) => void) => () => CliSink;
  /** Said once on stderr before the reading starts. */
  note?: string;
}

function refuseSpeed(what: string): never {
  throw new CliError(`--speed needs pcm audio (${what}); use a pcm_* --format, or leave --speed out`);
}

/** The file plan; at a --speed other than 1, PCM is stretched, and MP3 is asked for as PCM and encoded. */
function planFile(target: FileTarget, speed: number): OutputPlan {
  const plain = (): Promise<CliSink> => FileSink.create(target.path, target.container, target.format);
  if (speed === 1) return { format: target.format, leadMs: FILE_LEAD_MS, open: plain };
  const { format } = target;
  if (format.codec === 'pcm') {
    const open = async (): Promise<CliSink> => new StretchingSink(await plain(), format.sampleRate, speed);
    return { format, leadMs: FILE_LEAD_MS, open };
  }
  const pcm = parseOutputFormat(`pcm_${format.sampleRate}`);
  if (format.codec !== 'mp3' || !pcm) return refuseSpeed(`not ${format.format}`);
  const open = async (): Promise<CliSink> => {
    const encoder = await createEncoder(format, pcm.sampleRate);
    return new StretchingSink(await plain(), pcm.sampleRate, speed, encoder);
  };
  return { format: pcm, leadMs: FILE_LEAD_MS, open };
}

/** Decided before anything starts, so a missing player or a bad extension fails at once. */
function planOutput(options: SpeakOptions, engine: EngineName, ctx: CliContext): OutputPlan {
  const speed = options.speed ?? 1;
  if (options.out !== undefined) {
    return planFile(chooseFileTarget(options.out, options.format, engine), speed);
  }
  const players = findPlayers(ctx.env, ctx.platform);
  const format = options.format ?? defaultPcmFormat(engine);
  if (speed !== 1 && format.codec !== 'pcm') refuseSpeed(`not ${format.format}`);
  const able = playersFor(players, format);
  const first = able[0] as FoundPlayer;
  const plan: OutputPlan = {
    format,
    open: async (onFailure) => {
      const sink = await openPlayerSink(players, format, ctx.env, onFailure);
      return speed === 1 ? sink : new StretchingSink(sink, format.sampleRate, speed);
    },
  };
  if (able.some((player) => player.spec.readsStdin)) {
    plan.streaming = (onFailure) => streamingPlayers(players, format, ctx.env, onFailure) as () => CliSink;
  }
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

/** How a steered reading was stopped from the keyboard: q is a chosen end (0), Ctrl-C an interrupt. */
type KeyStop = 'quit' | 'interrupt';

/** Where the steering keys come from, and how to let go of it. */
interface KeyInput {
  input: NodeJS.ReadableStream;
  close(): void;
}

/**
 * The keys come from stdin when it is the terminal, or, when stdin carries the text (a pipe), from
 * the controlling terminal itself, as pagers read theirs. Undefined when nobody is at a terminal:
 * stderr must be one that draws, so a pipe or a file never gets a progress line or raw mode.
 */
function keyInput(ctx: CliContext, textOnStdin: boolean): KeyInput | undefined {
  const stderr = ctx.stderr as { isTTY?: boolean };
  if (!terminalDraws(stderr, ctx.env)) return undefined;
  if (ctx.stdin.isTTY) {
    // Typed text (Ctrl-D ends it) cannot share the terminal with the keys.
    const usable = !textOnStdin && canSteer(ctx.stdin, stderr, ctx.env);
    return usable ? { input: ctx.stdin, close: () => undefined } : undefined;
  }
  try {
    const terminal = new ReadStream(openSync('/dev/tty', 'r'));
    return { input: terminal, close: () => terminal.destroy() };
  } catch {
    return undefined; // no controlling terminal (a service, a detached job) or no /dev/tty (Windows)
  }
}

interface SteeredRun {
  spoken: SpeakableReading;
  target: NarrationTarget;
  format: FormatInfo;
  openProcess: () => CliSink;
  speed: number;
  ctx: CliContext;
  keys: KeyInput | undefined;
  stop: AbortController;
  onKeyStop(how: KeyStop): void;
}

/** What the keys act on: the player always, the sentences when the whole text is known. */
interface SteeringTarget {
  player: SteeredPlayer;
  reading?: SentenceReading;
  keys: KeyInput;
  stderr: NodeJS.WritableStream;
  onKeyStop(how: KeyStop): void;
}

/** Keys and the progress line, until close(); the keys' input stays open (speakCommand closes it). */
function steerFromTerminal(target: SteeringTarget): SteeringSession {
  const { player, reading } = target;
  const actions: Record<SteeringKey, () => void> = {
    pause: () => player.togglePause(),
    previous: () => reading?.previous(),
    next: () => reading?.next(),
    faster: () => player.setSpeed(player.speed + SPEED_STEP),
    slower: () => player.setSpeed(player.speed - SPEED_STEP),
    stop: () => target.onKeyStop('quit'),
    interrupt: () => target.onKeyStop('interrupt'),
  };
  const session = startSteering({
    stdin: target.keys.input,
    stderr: target.stderr,
    onKey: (key) => {
      actions[key]();
      session.redraw();
    },
    state: () => {
      const place = reading?.place();
      return {
        ...(place
          ? {
              place: {
                sentence: place.sentence,
                sentenceCount: place.sentenceCount,
                totalMs: place.elapsedMs + place.remainingMs,
              },
            }
          : {}),
        elapsedMs: place ? place.elapsedMs : player.playedMs,
        speed: player.speed,
        paused: player.paused,
        speedAdjustable: player.canStretch,
      };
    },
  });
  return session;
}

/** A whole text to a player: read by sentence, so a terminal can pause, skip and change speed. */
async function playSteered(run: SteeredRun): Promise<void> {
  const player = new SteeredPlayer(run.openProcess, run.format, run.speed);
  const text = run.spoken.speakable.text;
  const sentences = new ReadingSentences(text);
  const reading = new SentenceReading({
    text,
    format: run.format,
    voiceChanges: voiceChangeSentences(run.spoken, sentences),
    sentences,
    generate: (from, sink, until) =>
      startNarration({
        target: targetForPart(run.target, run.spoken, from.textOffset),
        source: { kind: 'text', text: text.slice(0, until) },
        sink,
        startAt: from,
        signal: run.stop.signal,
      }),
    openPlayer: () => player.openPassage(),
  });
  run.stop.signal.addEventListener('abort', () => reading.cancel(), { once: true });
  const steering =
    run.keys &&
    steerFromTerminal({ player, reading, keys: run.keys, stderr: run.ctx.stderr, onKeyStop: run.onKeyStop });
  try {
    await reading.run();
  } finally {
    steering?.close();
    player.stop();
    reading.close();
  }
}

/** The CLI reads text as the app does by default; the pronunciations come from --lexicon. */
async function textSettings(options: SpeakOptions): Promise<TextSettings> {
  const text = defaultSettings().text;
  if (options.lexicon === undefined) return text;
  let content: string;
  try {
    content = await readFile(options.lexicon, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(error);
    throw new CliError(`--lexicon ${options.lexicon}: ${reason}`);
  }
  const parsed = parseLexiconFile(content);
  if (!parsed.ok) throw new CliError(`--lexicon ${options.lexicon}: ${parsed.message}`);
  return { ...text, pronunciations: parsed.rules };
}

/** Streamed text is made speakable as it arrives, in the chosen voice's language. */
function speakableStream(
  chunks: AsyncIterable<string>,
  voice: ReadingVoice,
  text: TextSettings,
  verbatim: boolean,
): NarrationSource {
  if (verbatim) return { kind: 'stream', chunks };
  const stream = new SpeakableStream(speakableOptions({ voice, text }));
  return { kind: 'stream', chunks: speakableChunks(chunks, stream) };
}

/**
 * A whole text that is not steered (a file, a player that cannot stream): one narration per voice
 * part, each carrying on the audio timeline where the one before ended. Only the last ends the sink.
 */
async function narrateInParts(
  spoken: SpeakableReading,
  target: NarrationTarget,
  sink: CliSink,
  leadMs: number | undefined,
  stop: AbortController,
): Promise<void> {
  const text = spoken.speakable.text;
  let audioMs = 0;
  for (const [index, part] of spoken.parts.entries()) {
    const until = spoken.parts[index + 1]?.start ?? text.length;
    const last = index === spoken.parts.length - 1;
    const partSink: AudioSink = last
      ? sink
      : { write: (c) => sink.write(c), playedMs: () => sink.playedMs(), end: () => Promise.resolve() };
    const narration = startNarration({
      target: targetForPart(target, spoken, part.start),
      source: { kind: 'text', text: text.slice(0, until) },
      sink: partSink,
      startAt: {
        textOffset: part.start,
        wordIndex: tokenizeWords(text.slice(0, part.start)).length,
        audioMs,
      },
      ...(leadMs !== undefined ? { tuning: { leadMs } } : {}),
      signal: stop.signal,
    });
    audioMs = (await narration.run()).audioMs;
  }
}

export async function speakCommand(options: SpeakOptions, ctx: CliContext): Promise<number> {
  const engine = await chooseEngine(options, ctx.env);
  const voiceId = options.voice ?? defaultVoice(engine);
  const output = planOutput(options, engine.kind, ctx);
  // Aborted by Ctrl-C, q, or the player dying mid-reading.
  const stop = new AbortController();
  const onInterrupt = (): void => stop.abort();
  ctx.signal.addEventListener('abort', onInterrupt, { once: true });
  if (ctx.signal.aborted) stop.abort();
  let sinkFailure: CliError | undefined;
  let keyStop: KeyStop | undefined;
  const onFailure = (error: CliError): void => {
    sinkFailure ??= error;
    stop.abort();
  };
  const onKeyStop = (how: KeyStop): void => {
    keyStop ??= how;
    stop.abort();
  };
  // Only a player that can be restarted is steered (see steered-player.ts); a file is not.
  const keys = output.streaming ? keyInput(ctx, options.source.kind === 'stdin') : undefined;
  let sink: CliSink | undefined;
  let connection: EngineConnection | undefined;
  try {
    const read = await narrationSource(options.source, ctx, stop.signal);
    const voice: ReadingVoice = { engine: engine.kind, modelId: options.model ?? '', voiceId };
    const text = await textSettings(options);
    const verbatim = options.verbatim === true;
    if (output.note) ctx.stderr.write(`hark: note: ${output.note}\n`);
    const connect = async (): Promise<NarrationTarget> => {
      connection = await connectEngine(engine);
      if (stop.signal.aborted) throw new SpeechError('aborted', 'stopped');
      return {
        baseUrl: connection.baseUrl,
        apiKey: connection.apiKey,
        parameters: { voiceId, query: { output_format: output.format.format, model_id: options.model } },
      };
    };
    if (read.kind === 'stream') {
      // A stream on a terminal can be paused, sped up and stopped; its sentences are not known ahead.
      const player =
        keys && output.streaming
          ? new SteeredPlayer(output.streaming(onFailure), output.format, options.speed ?? 1)
          : undefined;
      const streamSink: AudioSink = player ? player.openPassage() : (sink = await output.open(onFailure));
      const target = await connect();
      // A stream is read in the chosen voice throughout (speakable.ts).
      const streamTarget = verbatim
        ? target
        : voicedTarget(target, modelTextHandling(voice.engine, voice.modelId), { voiceId });
      const narration = startNarration({
        target: streamTarget,
        source: speakableStream(read.chunks, voice, text, verbatim),
        sink: streamSink,
        ...(output.leadMs !== undefined ? { tuning: { leadMs: output.leadMs } } : {}),
        signal: stop.signal,
      });
      stop.signal.addEventListener('abort', () => narration.cancel(), { once: true });
      const steering = player && keys && steerFromTerminal({ player, keys, stderr: ctx.stderr, onKeyStop });
      try {
        // run() resolves once the sink has finished playing or writing.
        await narration.run();
      } finally {
        steering?.close();
        player?.stop();
      }
      return EXIT_OK;
    }
    // The offline voice starts in its own thread while this one makes the text speakable.
    const connecting = connect();
    connecting.catch(() => undefined); // awaited below; a failure is reported there
    const spoken = speakableReading(read.text, { voice, text, verbatim });
    // A whole text to a streaming player is read by sentence; files and other players in one go.
    if (output.streaming) {
      const openProcess = output.streaming(onFailure);
      await playSteered({
        spoken,
        target: await connecting,
        format: output.format,
        openProcess,
        speed: options.speed ?? 1,
        ctx,
        keys,
        stop,
        onKeyStop,
      });
      return EXIT_OK;
    }
    sink = await output.open(onFailure);
    await narrateInParts(spoken, await connecting, sink, output.leadMs, stop);
    return EXIT_OK;
  } catch (error) {
    await sink?.stop();
    if (sinkFailure) throw sinkFailure;
    if (keyStop) return keyStop === 'quit' ? EXIT_OK : EXIT_INTERRUPTED;
    if (ctx.signal.aborted) return exitCodeFor(ctx.signal);
    throw explain(error, voiceId);
  } finally {
    keys?.close();
    ctx.signal.removeEventListener('abort', onInterrupt);
    await connection?.close();
  }
}
