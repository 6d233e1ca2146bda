// Worker thread that runs eSpeak NG (WebAssembly). Synthesis is synchronous and CPU-bound, so it
// lives here, off the main thread. Requests and replies are messages with an id; PCM travels back as
// a transferred buffer. OfflineVoice (offline-voice.ts) is the only client.

import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { WordTiming } from './char-alignment';

/** Marks the thread as ours, so importing this module anywhere else has no side effects. */
export const WORKER_MARKER = 'hark-espeak-worker';

export interface EngineVoice {
  voiceId: string;
  name: string;
  language: string;
}

export type WorkerRequest =
  | { id: number; kind: 'load' }
  | { id: number; kind: 'voices' }
  | {
      id: number;
      kind: 'synthesize';
      text: string;
      voiceId: string;
      /** Words per minute. */
      rate: number;
      /** One Int32 on a SharedArrayBuffer; non-zero asks the running synthesis to stop. */
      cancel: Int32Array;
    };

export type WorkerFailureCode = 'voice_not_found' | 'aborted' | 'engine_failed';

export type WorkerReply =
  | { id: number; ok: true; kind: 'loaded' }
  | { id: number; ok: true; kind: 'voices'; voices: EngineVoice[] }
  | { id: number; ok: true; kind: 'synthesis'; pcm: Int16Array<ArrayBuffer>; words: WordTiming[] }
  | { id: number; ok: false; code: WorkerFailureCode; message: string };

// ---------------------------------------------------------------------------------------------
// Text preparation (pure, exported for tests)

export interface EspeakInput {
  /** What eSpeak is given. */
  text: string;
  /** For each code point of `text`, the index of the code point of the original text it came from. */
  sourceIndex: number[];
}

// The engine parses SSML (`<`, `>` and `&` start markup and entities) and reads `[[...]]` as
// phoneme input; entities are decoded before that check, so `[` has to become another bracket.
// NUL ends a C string, other control characters are eSpeak commands, and a lone surrogate would
// reach it as garbage bytes: all of those become spaces.
const REPLACEMENTS: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '[': '(' };

function isUnsafeCodePoint(codePoint: number): boolean {
  return (
    (codePoint < 0x20 && codePoint !== 0x09 && codePoint !== 0x0a && codePoint !== 0x0d) ||
    (codePoint >= 0x7f && codePoint <= 0x9f) ||
    (codePoint >= 0xd800 && codePoint <= 0xdfff) ||
    codePoint === 0xfffe ||
    codePoint === 0xffff
  );
}

/** Makes any text safe for eSpeak while remembering where each of its characters came from. */
export function prepareEspeakText(text: string): EspeakInput {
  const parts: string[] = [];
  const sourceIndex: number[] = [];
  let index = 0;
  for (const char of text) {
    const codePoint = char.codePointAt(0) ?? 0;
    const safe = isUnsafeCodePoint(codePoint) ? ' ' : (REPLACEMENTS[char] ?? char);
    parts.push(safe);
    // Replacements are ASCII; a kept character is one code point even when it is two UTF-16 units.
    const codePoints = safe === char ? 1 : safe.length;
    for (let k = 0; k < codePoints; k++) sourceIndex.push(index);
    index++;
  }
  return { text: parts.join(''), sourceIndex };
}

// ---------------------------------------------------------------------------------------------
// Engine events → word timings

/** The fields of an eSpeak event this worker uses (positions are 1-based code points). */
export interface EspeakEvent {
  type: string;
  text_position: number;
  word_length: number;
  audio_position: number;
  id?: string | number;
}

/**
 * Collects word events and, from the phoneme stream, where the voice stops before a pause (a
 * phoneme event with an empty name), so punctuation can take the silence after a word.
 */
export class WordCollector {
  private readonly words: WordTiming[] = [];
  private current: {
    charStart: number;
    charEnd: number;
    startMs: number;
    spoke: boolean;
    endMs?: number;
  } | null = null;

  constructor(private readonly sourceIndex: readonly number[]) {}

  add(event: EspeakEvent): void {
    if (event.type === 'word') this.startWord(event);
    else if (event.type === 'phoneme' && this.current) this.notePhoneme(event);
  }

  finish(): WordTiming[] {
    this.closeWord();
    return this.words;
  }

  private startWord(event: EspeakEvent): void {
    this.closeWord();
    const last = this.sourceIndex.length - 1;
    if (last < 0) return;
    const first = Math.min(Math.max(event.text_position - 1, 0), last);
    const end = Math.min(Math.max(first + Math.max(event.word_length, 1) - 1, first), last);
    this.current = {
      charStart: this.sourceIndex[first] ?? 0,
      charEnd: (this.sourceIndex[end] ?? 0) + 1,
      startMs: event.audio_position,
      spoke: false,
    };
  }

  private notePhoneme(event: EspeakEvent): void {
    const word = this.current;
    if (!word) return;
    const isPause = typeof event.id !== 'string' || event.id.trim() === '';
    if (!isPause) {
      word.spoke = true;
      delete word.endMs;
    } else if (word.spoke && word.endMs === undefined) {
      word.endMs = event.audio_position;
    }
  }

  private closeWord(): void {
    const word = this.current;
    if (!word) return;
    const timing: WordTiming = {
      charStart: word.charStart,
      charLength: word.charEnd - word.charStart,
      startMs: word.startMs,
    };
    if (word.endMs !== undefined) timing.endMs = word.endMs;
    this.words.push(timing);
    this.current = null;
  }
}

// ---------------------------------------------------------------------------------------------
// The engine

interface EspeakVoiceEntry {
  name: string;
  identifier: string;
  languages: { priority: number; name: string }[];
}

interface EspeakWorkerInstance {
  list_voices(): EspeakVoiceEntry[];
  set_voice(name: string): number;
  set_rate(rate: number): number;
  synthesize(text: string, callback: (samples: Int16Array, events: EspeakEvent[]) => boolean): void;
}

interface EspeakModule {
  eSpeakNGWorker: new () => EspeakWorkerInstance;
}

interface Engine {
  instance: EspeakWorkerInstance;
  voices: EngineVoice[];
  /** Lower-cased voiceId or eSpeak identifier → eSpeak identifier. */
  identifiers: Map<string, string>;
  currentIdentifier: string | null;
  currentRate: number | null;
}

/**
 * Voice ids must be usable in a URL path (`/v1/text-to-speech/{voice_id}`), so each voice is named
 * by its main language tag ("en-us"); the rare duplicate falls back to its file name.
 */
function voiceTable(entries: EspeakVoiceEntry[]): Pick<Engine, 'voices' | 'identifiers'> {
  const voices: EngineVoice[] = [];
  const identifiers = new Map<string, string>();
  for (const entry of entries) {
    const language = entry.languages[0]?.name ?? entry.identifier;
    const fileName = entry.identifier.split('/').pop() ?? entry.identifier;
    let voiceId = language.toLowerCase();
    if (identifiers.has(voiceId)) voiceId = fileName.toLowerCase();
    for (let n = 2; identifiers.has(voiceId); n++) voiceId = `${fileName.toLowerCase()}-${n}`;
    identifiers.set(voiceId, entry.identifier);
    voices.push({ voiceId, name: entry.name.trim(), language });
  }
  for (const entry of entries) {
    const key = entry.identifier.toLowerCase();
    if (!identifiers.has(key)) identifiers.set(key, entry.identifier);
  }
  return { voices, identifiers };
}

async function loadEngine(): Promise<Engine> {
  // ESM-only package: a dynamic import keeps it out of the CommonJS bundle.
  const { default: initialize } = await import('@echogarden/espeak-ng-emscripten');
  const module = (await initialize()) as EspeakModule;
  const instance = new module.eSpeakNGWorker();
  return { instance, ...voiceTable(instance.list_voices()), currentIdentifier: null, currentRate: null };
}

type SynthesisRequest = Extract<WorkerRequest, { kind: 'synthesize' }>;

function concatPcm(chunks: Int16Array[], length: number): Int16Array<ArrayBuffer> {
  const pcm = new Int16Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    pcm.set(chunk, offset);
    offset += chunk.length;
  }
  return pcm;
}

function configure(engine: Engine, identifier: string, rate: number): boolean {
  if (engine.currentIdentifier !== identifier) {
    if (engine.instance.set_voice(identifier) !== 0) return false;
    engine.currentIdentifier = identifier;
  }
  if (engine.currentRate !== rate) {
    engine.instance.set_rate(rate);
    engine.currentRate = rate;
  }
  return true;
}

function synthesize(engine: Engine, request: SynthesisRequest): WorkerReply {
  const { id } = request;
  const identifier = engine.identifiers.get(request.voiceId.toLowerCase());
  if (!identifier || !configure(engine, identifier, request.rate)) {
    return { id, ok: false, code: 'voice_not_found', message: `No offline voice "${request.voiceId}".` };
  }
  if (Atomics.load(request.cancel, 0) !== 0) return { id, ok: false, code: 'aborted', message: 'Aborted.' };
  const input = prepareEspeakText(request.text);
  const collector = new WordCollector(input.sourceIndex);
  const chunks: Int16Array[] = [];
  let length = 0;
  engine.instance.synthesize(input.text, (samples, events) => {
    chunks.push(samples);
    length += samples.length;
    for (const event of events) collector.add(event);
    // Returning true tells eSpeak to stop: how an abort reaches a synthesis already running.
    return Atomics.load(request.cancel, 0) !== 0;
  });
  if (Atomics.load(request.cancel, 0) !== 0) return { id, ok: false, code: 'aborted', message: 'Aborted.' };
  return { id, ok: true, kind: 'synthesis', pcm: concatPcm(chunks, length), words: collector.finish() };
}

async function handle(engineLoad: () => Promise<Engine>, request: WorkerRequest): Promise<WorkerReply> {
  const engine = await engineLoad();
  switch (request.kind) {
    case 'load':
      return { id: request.id, ok: true, kind: 'loaded' };
    case 'voices':
      return { id: request.id, ok: true, kind: 'voices', voices: engine.voices };
    case 'synthesize':
      return synthesize(engine, request);
  }
}

function serve(port: MessagePort): void {
  let engine: Promise<Engine> | null = null;
  const engineLoad = (): Promise<Engine> => (engine ??= loadEngine());
  // Requests are handled strictly one after another (OfflineVoice sends one at a time anyway).
  let chain: Promise<void> = Promise.resolve();
  port.on('message', (request: WorkerRequest) => {
    chain = chain.then(async () => {
      const reply = await handle(engineLoad, request);
      port.postMessage(reply, reply.ok && reply.kind === 'synthesis' ? [reply.pcm.buffer] : []);
    });
    // An engine that cannot load or a failed synthesis leaves eSpeak in an unknown state: exit and
    // let OfflineVoice start a fresh thread.
    chain.catch((error: unknown) => {
      setImmediate(() => {
        throw error;
      });
    });
  });
}

if (parentPort && workerData === WORKER_MARKER) serve(parentPort);
