import { describe, expect, it } from 'vitest';
import { parseArgs } from './args';
import type { Command } from './args';
import { CliError } from './errors';

function speakOptions(argv: string[]) {
  const command = parseArgs(argv);
  if (command.kind !== 'speak') throw new Error(`expected speak, got ${command.kind}`);
  return command.options;
}

function failure(argv: string[]): string {
  try {
    parseArgs(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    return (error as CliError).message;
  }
  throw new Error(`expected ${argv.join(' ')} to fail`);
}

describe('parseArgs', () => {
  it('reads the text, joining words the shell split', () => {
    expect(speakOptions(['speak', 'Hello']).source).toEqual({ kind: 'text', text: 'Hello' });
    expect(speakOptions(['speak', 'Hello', 'world']).source).toEqual({ kind: 'text', text: 'Hello world' });
  });

  it('treats - as stdin and --clipboard as the clipboard', () => {
    expect(speakOptions(['speak', '-']).source).toEqual({ kind: 'stdin' });
    expect(speakOptions(['speak', '--clipboard']).source).toEqual({ kind: 'clipboard' });
  });

  it('lets text that starts with a dash through after --', () => {
    expect(speakOptions(['speak', '--voice', 'en-gb', '--', '-5 degrees']).source).toEqual({
      kind: 'text',
      text: '-5 degrees',
    });
  });

  it('parses every speak option, in both --name value and --name=value spellings', () => {
    const options = speakOptions([
      'speak',
      'Hi',
      '-o',
      'a.wav',
      '--voice=en-gb',
      '--engine',
      'elevenlabs',
      '--format',
      'pcm_16000',
      '--model',
      'eleven_flash_v2_5',
      '--base-url=http://127.0.0.1:9/',
    ]);
    expect(options).toEqual({
      source: { kind: 'text', text: 'Hi' },
      out: 'a.wav',
      voice: 'en-gb',
      engine: 'elevenlabs',
      format: { format: 'pcm_16000', codec: 'pcm', sampleRate: 16000 },
      model: 'eleven_flash_v2_5',
      baseUrl: 'http://127.0.0.1:9/',
    });
  });

  it('parses serve and voices', () => {
    expect(parseArgs(['serve'])).toEqual({ kind: 'serve', options: { port: 0 } });
    expect(parseArgs(['serve', '--port', '8123', '--token', 'abc'])).toEqual({
      kind: 'serve',
      options: { port: 8123, token: 'abc' },
    });
    expect(parseArgs(['voices', '--engine', 'offline', '--json'])).toEqual({
      kind: 'voices',
      options: { engine: 'offline', json: true },
    });
  });

  it('gives help and version', () => {
    const help: Command = { kind: 'help' };
    expect(parseArgs([])).toEqual(help);
    expect(parseArgs(['--help'])).toEqual(help);
    expect(parseArgs(['help', 'speak'])).toEqual({ kind: 'help', topic: 'speak' });
    expect(parseArgs(['serve', '-h'])).toEqual({ kind: 'help', topic: 'serve' });
    expect(parseArgs(['--version'])).toEqual({ kind: 'version' });
  });

  it('asks for the log path, with nothing after it', () => {
    expect(parseArgs(['--log-path'])).toEqual({ kind: 'log-path' });
    expect(failure(['--log-path', 'extra'])).toMatch(/--log-path takes no argument "extra"/);
  });

  it('explains each mistake in one sentence', () => {
    expect(failure(['shout'])).toMatch(/unknown command "shout"/);
    expect(failure(['speak', 'Hi', '--loud'])).toMatch(/unknown option --loud for hark speak/);
    expect(failure(['speak', 'Hi', '-x'])).toMatch(/unknown option -x/);
    expect(failure(['speak', 'Hi', '--engine', 'robot'])).toMatch(/unknown engine "robot"/);
    expect(failure(['speak', 'Hi', '--format', 'flac'])).toMatch(/unknown format "flac"/);
    expect(failure(['speak', 'Hi', '--voice'])).toMatch(/--voice needs a value/);
    expect(failure(['speak', 'Hi', '--voice', '--engine', 'offline'])).toMatch(/--voice needs a value/);
    expect(failure(['speak', 'Hi', '--clipboard=yes'])).toMatch(/--clipboard takes no value/);
    expect(failure(['speak', 'Hi', '--base-url', 'ftp://x'])).toMatch(/--base-url must start with http/);
    expect(failure(['speak', 'Hi', '--base-url', 'nope'])).toMatch(/is not a URL/);
    expect(failure(['speak', 'Hi', '--voice', ' '])).toMatch(/--voice must not be empty/);
    expect(failure(['serve', '--port', '70000'])).toMatch(/--port must be a number from 0 to 65535/);
    expect(failure(['serve', '--port', '-1'])).toMatch(/--port needs a value|--port must be/);
    expect(failure(['serve', 'extra'])).toMatch(/takes no argument "extra"/);
    expect(failure(['speak', '--out', 'x.wav', '--voice', 'en-us'])).toMatch(/nothing to read/);
  });

  it('refuses ambiguous sources', () => {
    expect(failure(['speak', 'Hi', '--clipboard'])).toMatch(/not several/);
    expect(failure(['speak', '-', 'Hi'])).toMatch(/not both/);
  });

  it('says that --selection and the remote-control flags belong to the desktop app', () => {
    expect(failure(['speak', '--selection'])).toMatch(/--selection belongs to the desktop app/);
    expect(failure(['--read-selection'])).toMatch(/--read-selection belongs to the Hark desktop app/);
    expect(failure(['speak', 'Hi', '--stop'])).toMatch(/--stop belongs to the Hark desktop app/);
  });
});
