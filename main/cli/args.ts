// Parses `hark` arguments into one explicit command. Pure: no I/O, every mistake is a CliError whose
// message says what was wrong and what to do instead.
import { parseOutputFormat, OUTPUT_FORMATS } from '../../shared/protocol';
import { MAX_SPEED, MIN_SPEED, normaliseSpeed } from '../../shared/time-stretch';
import type { FormatInfo } from '../../shared/protocol';
import { CliError } from './errors';

export type EngineName = 'offline' | 'elevenlabs';
export const ENGINE_NAMES: readonly EngineName[] = ['offline', 'elevenlabs'];

export type TextSource = { kind: 'text'; text: string } | { kind: 'stdin' } | { kind: 'clipboard' };

export interface EngineOptions {
  engine?: EngineName;
  baseUrl?: string;
  /** --trust-base-url: the API key may go to a server that is not ElevenLabs' own. */
  trustBaseUrl?: boolean;
}

export interface SpeakOptions extends EngineOptions {
  source: TextSource;
  out?: string;
  voice?: string;
  format?: FormatInfo;
  model?: string;
  /** Playback speed, pitch kept: 0.5 to 3 in steps of 0.1. */
  speed?: number;
  /** A file of the user's pronunciations (shared/lexicon-file.ts reads it). */
  lexicon?: string;
  /** Send the text exactly as given: no markup cleaning, number words or language voices. */
  verbatim?: boolean;
}

export interface ServeOptions {
  port: number;
  token?: string;
}

export interface VoicesOptions extends EngineOptions {
  json: boolean;
}

export type CommandName = 'speak' | 'serve' | 'voices';

export type Command =
  | { kind: 'speak'; options: SpeakOptions }
  | { kind: 'serve'; options: ServeOptions }
  | { kind: 'voices'; options: VoicesOptions }
  | { kind: 'help'; topic?: CommandName }
  | { kind: 'version' }
  /** Prints where the desktop app writes its log for this user. */
  | { kind: 'log-path' };

/** Options each command accepts: true = takes a value. */
const COMMAND_OPTIONS: Record<CommandName, Record<string, boolean>> = {
  speak: {
    out: true,
    voice: true,
    engine: true,
    format: true,
    model: true,
    speed: true,
    lexicon: true,
    verbatim: false,
    'base-url': true,
    'trust-base-url': false,
    clipboard: false,
    selection: false,
    help: false,
  },
  serve: { port: true, token: true, help: false },
  voices: { engine: true, 'base-url': true, 'trust-base-url': false, json: false, help: false },
};

const SHORT_OPTIONS: Record<string, string> = { o: 'out', h: 'help' };

/** Flags of the desktop app's single-instance remote control; they make no sense here. */
const DESKTOP_FLAGS = ['read-selection', 'read-clipboard', 'stop', 'toggle-pause'];

interface Tokens {
  options: Map<string, string | true>;
  positionals: string[];
}

function splitOption(token: string): { name: string; inlineValue?: string } {
  if (token.startsWith('--')) {
    const equals = token.indexOf('=');
    return equals === -1
      ? { name: token.slice(2) }
      : { name: token.slice(2, equals), inlineValue: token.slice(equals + 1) };
  }
  const short = token.slice(1);
  const name = SHORT_OPTIONS[short];
  if (!name) throw new CliError(`unknown option ${token} (see hark --help)`);
  return { name };
}

/** Splits argv into options and positionals. `--` ends the options; `-` alone is a positional (stdin). */
function tokenize(command: CommandName, args: readonly string[]): Tokens {
  const known = COMMAND_OPTIONS[command];
  const options = new Map<string, string | true>();
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const token = args[i] as string;
    if (token === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (token === '-' || !token.startsWith('-')) {
      positionals.push(token);
      continue;
    }
    const { name, inlineValue } = splitOption(token);
    const takesValue = known[name];
    if (takesValue === undefined) throw new CliError(unknownOptionMessage(command, name));
    if (!takesValue) {
      if (inlineValue !== undefined) throw new CliError(`option --${name} takes no value`);
      options.set(name, true);
      continue;
    }
    const value = inlineValue ?? args[++i];
    if (value === undefined || (inlineValue === undefined && value.startsWith('--'))) {
      throw new CliError(`option --${name} needs a value`);
    }
    options.set(name, value);
  }
  return { options, positionals };
}

function unknownOptionMessage(command: CommandName, name: string): string {
  if (DESKTOP_FLAGS.includes(name)) {
    return desktopFlagMessage(`--${name}`);
  }
  return `unknown option --${name} for hark ${command} (see hark ${command} --help)`;
}

function desktopFlagMessage(flag: string): string {
  return `${flag} belongs to the Hark desktop app (pass it to the app's executable); this command line has speak, serve and voices`;
}

function stringOption(tokens: Tokens, name: string): string | undefined {
  const value = tokens.options.get(name);
  return typeof value === 'string' ? value : undefined;
}

function parseEngine(value: string | undefined): EngineName | undefined {
  if (value === undefined) return undefined;
  if ((ENGINE_NAMES as readonly string[]).includes(value)) return value as EngineName;
  throw new CliError(`unknown engine "${value}" (use --engine offline or --engine elevenlabs)`);
}

function parseFormat(value: string | undefined): FormatInfo | undefined {
  if (value === undefined) return undefined;
  const format = parseOutputFormat(value);
  if (!format) {
    throw new CliError(`unknown format "${value}" (one of: ${OUTPUT_FORMATS.join(', ')})`);
  }
  return format;
}

/** Checks a server address given by `label` (--base-url or ELEVENLABS_BASE_URL). */
export function validateBaseUrl(value: string, label: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliError(`${label} "${value}" is not a URL (example: https://api.elevenlabs.io)`);
  }
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol)) {
    throw new CliError(`${label} must start with http://, https://, ws:// or wss:// (got "${value}")`);
  }
  return value;
}

function parseBaseUrl(value: string | undefined): string | undefined {
  return value === undefined ? undefined : validateBaseUrl(value, '--base-url');
}

function parseSpeed(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const speed = /^\d*\.?\d+$/.test(value) ? Number(value) : NaN;
  if (!(speed >= MIN_SPEED && speed <= MAX_SPEED)) {
    throw new CliError(`--speed must be a number from ${MIN_SPEED} to ${MAX_SPEED} (got "${value}")`);
  }
  return normaliseSpeed(speed);
}

function parsePort(value: string | undefined): number {
  if (value === undefined) return 0;
  const port = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (!(port >= 0 && port <= 65535))
    throw new CliError(`--port must be a number from 0 to 65535 (got "${value}")`);
  return port;
}

function nonEmpty(name: string, value: string | undefined): string | undefined {
  if (value !== undefined && value.trim() === '') throw new CliError(`--${name} must not be empty`);
  return value;
}

function parseSource(tokens: Tokens): TextSource {
  if (tokens.options.has('selection')) {
    throw new CliError(
      '--selection belongs to the desktop app (it reads the selected text of the focused window); use --clipboard, or pipe the text into "hark speak -"',
    );
  }
  const clipboard = tokens.options.has('clipboard');
  const positionals = tokens.positionals;
  if (clipboard && positionals.length > 0) {
    throw new CliError('give either the text, "-" (stdin) or --clipboard, not several');
  }
  if (clipboard) return { kind: 'clipboard' };
  if (positionals.length === 0) {
    throw new CliError('nothing to read: give the text, "-" to read stdin, or --clipboard');
  }
  if (positionals.includes('-')) {
    if (positionals.length > 1) throw new CliError('give either the text or "-" (stdin), not both');
    return { kind: 'stdin' };
  }
  // `hark speak Hello world` reads "Hello world", as the shell split it.
  return { kind: 'text', text: positionals.join(' ') };
}

function parseSpeak(tokens: Tokens): Command {
  const options: SpeakOptions = { source: parseSource(tokens) };
  const out = nonEmpty('out', stringOption(tokens, 'out'));
  const voice = nonEmpty('voice', stringOption(tokens, 'voice'));
  const engine = parseEngine(stringOption(tokens, 'engine'));
  const format = parseFormat(stringOption(tokens, 'format'));
  const model = nonEmpty('model', stringOption(tokens, 'model'));
  const baseUrl = parseBaseUrl(stringOption(tokens, 'base-url'));
  const speed = parseSpeed(stringOption(tokens, 'speed'));
  const lexicon = nonEmpty('lexicon', stringOption(tokens, 'lexicon'));
  if (lexicon !== undefined) options.lexicon = lexicon;
  if (tokens.options.has('verbatim')) options.verbatim = true;
  if (out !== undefined) options.out = out;
  if (voice !== undefined) options.voice = voice;
  if (engine !== undefined) options.engine = engine;
  if (format !== undefined) options.format = format;
  if (model !== undefined) options.model = model;
  if (baseUrl !== undefined) options.baseUrl = baseUrl;
  if (speed !== undefined) options.speed = speed;
  if (tokens.options.has('trust-base-url')) options.trustBaseUrl = true;
  return { kind: 'speak', options };
}

function rejectPositionals(command: CommandName, tokens: Tokens): void {
  const first = tokens.positionals[0];
  if (first !== undefined) throw new CliError(`hark ${command} takes no argument "${first}"`);
}

function parseServe(tokens: Tokens): Command {
  rejectPositionals('serve', tokens);
  const options: ServeOptions = { port: parsePort(stringOption(tokens, 'port')) };
  const token = nonEmpty('token', stringOption(tokens, 'token'));
  if (token !== undefined) options.token = token;
  return { kind: 'serve', options };
}

function parseVoices(tokens: Tokens): Command {
  rejectPositionals('voices', tokens);
  const options: VoicesOptions = { json: tokens.options.has('json') };
  const engine = parseEngine(stringOption(tokens, 'engine'));
  const baseUrl = parseBaseUrl(stringOption(tokens, 'base-url'));
  if (engine !== undefined) options.engine = engine;
  if (baseUrl !== undefined) options.baseUrl = baseUrl;
  if (tokens.options.has('trust-base-url')) options.trustBaseUrl = true;
  return { kind: 'voices', options };
}

function isCommandName(value: string): value is CommandName {
  return value in COMMAND_OPTIONS;
}

/** Parses everything after `hark`. Throws CliError for any mistake. */
export function parseArgs(argv: readonly string[]): Command {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h') return { kind: 'help' };
  if (first === '--version' || first === '-V') return { kind: 'version' };
  if (first === '--log-path') {
    if (rest[0] !== undefined) throw new CliError(`hark --log-path takes no argument "${rest[0]}"`);
    return { kind: 'log-path' };
  }
  if (first === 'help') {
    const topic = rest[0];
    if (topic === undefined) return { kind: 'help' };
    if (!isCommandName(topic))
      throw new CliError(`unknown command "${topic}" (commands: speak, serve, voices)`);
    return { kind: 'help', topic };
  }
  if (first.startsWith('--') && DESKTOP_FLAGS.includes(first.slice(2))) {
    throw new CliError(desktopFlagMessage(first));
  }
  if (!isCommandName(first)) {
    throw new CliError(`unknown command "${first}" (commands: speak, serve, voices; see hark --help)`);
  }
  const tokens = tokenize(first, rest);
  if (tokens.options.has('help')) return { kind: 'help', topic: first };
  switch (first) {
    case 'speak':
      return parseSpeak(tokens);
    case 'serve':
      return parseServe(tokens);
    case 'voices':
      return parseVoices(tokens);
  }
}
