// What Hark sends is what a listener should hear. The built `hark speak` reads real-world inputs
// (tests/fixtures/speakable) to a stand-in ElevenLabs server on loopback that logs every text message
// and answers each with timed silence, so the test sees exactly what would be sent to ElevenLabs:
// no Markdown or HTML syntax, no URL, numbers spelled out for Flash v2.5, and a connection per
// language with its language_code.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pcmSilence, startScriptedServer } from './helpers/scripted-server';
import type { ScriptedConnection, ScriptedServer } from './helpers/scripted-server';

const HARK = resolve('bin/hark.js');
const FIXTURES = resolve('tests/fixtures/speakable');
const MS_PER_CHAR = 20;

let work: string;
let server: ScriptedServer | undefined;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'hark-speakable-'));
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

function textOf(message: unknown): string | undefined {
  const text = (message as { text?: unknown } | null)?.text;
  return typeof text === 'string' ? text : undefined;
}

/** Voices each text message as silence timed character by character, like ElevenLabs' alignment. */
async function standIn(connection: ScriptedConnection): Promise<void> {
  await connection.accept();
  const rate = Number(/pcm_(\d+)/.exec(connection.url.searchParams.get('output_format') ?? '')?.[1] ?? 16000);
  for (;;) {
    const text = textOf(await connection.nextMessage(30_000));
    if (text === '') break;
    if (text === undefined || text.trim() === '') continue;
    const chars = [...text];
    connection.sendAudio(pcmSilence(chars.length * MS_PER_CHAR, rate), {
      alignment: {
        chars,
        charStartTimesMs: chars.map((_, index) => index * MS_PER_CHAR),
        charDurationsMs: chars.map(() => MS_PER_CHAR),
      },
    });
  }
  connection.sendFinal();
  connection.close(1000);
}

interface Sent {
  /** Text of each connection, in order. */
  texts: string[];
  /** Query of each connection. */
  queries: URLSearchParams[];
  stderr: string;
  code: number | null;
}

async function speak(args: string[], input?: (stdin: NodeJS.WritableStream) => Promise<void>): Promise<Sent> {
  server = await startScriptedServer(standIn);
  const env: NodeJS.ProcessEnv = { ...process.env, ELEVENLABS_API_KEY: 'test-key', HARK_KEYCHAIN: 'off' };
  delete env.ELEVENLABS_BASE_URL;
  const out = join(work, `out-${Date.now()}.wav`);
  const child = spawn(
    process.execPath,
    [
      HARK,
      'speak',
      ...args,
      '--engine',
      'elevenlabs',
      '--base-url',
      server.url,
      '--out',
      out,
      '--format',
      'pcm_16000',
    ],
    { env, cwd: work },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const closed = new Promise<number | null>((resolvePromise) => child.once('close', resolvePromise));
  if (input) await input(child.stdin);
  else child.stdin.end();
  const code = await closed;
  const connections = server.connections;
  return {
    texts: connections.map((c) =>
      c.messages
        .map(textOf)
        .filter((t) => t !== undefined)
        .join(''),
    ),
    queries: connections.map((c) => c.url.searchParams),
    stderr,
    code,
  };
}

async function fixture(name: string): Promise<string> {
  return readFile(join(FIXTURES, name), 'utf8');
}

const FLASH = ['--model', 'eleven_flash_v2_5'];
/** Characters that are Markdown or HTML syntax and never prose in these fixtures. */
const SYNTAX = /[*#`|<>[\]]|&[a-z]+;|_[a-z]/i;

describe('the text sent to ElevenLabs Flash v2.5 is speakable', () => {
  it('an LLM answer in Markdown: no syntax, no code, no URL; the table read row by row', async () => {
    const sent = await speak([await fixture('llm-answer.md'), ...FLASH]);
    expect(sent.code, sent.stderr).toBe(0);
    const text = sent.texts.join('');
    expect(text).not.toMatch(SYNTAX);
    expect(text).not.toContain('http');
    expect(text).not.toContain('npm install --global');
    expect(text).toMatch(/code block/i);
    expect(text).toContain('How to install the tool');
    expect(text).toContain('guide');
    expect(text).toMatch(/twenty-five dollars/);
    expect(text).toMatch(/one hundred thousand/);
    expect(text).toMatch(/twenty percent/);
  });

  it('an e-mail reply: the quote marks go, the quoted words and amounts stay, spelled out', async () => {
    const sent = await speak([await fixture('email-reply.txt'), ...FLASH]);
    expect(sent.code, sent.stderr).toBe(0);
    const text = sent.texts.join('');
    expect(text).not.toMatch(/^\s*>/m);
    expect(text).toContain('Could you send the signed contract');
    expect(text).toMatch(/one thousand five hundred euros/);
    expect(text).toMatch(/seventh/);
  });

  it('a web page pasted as text: tags and entities gone, the link said by its host', async () => {
    const sent = await speak([await fixture('web-page.txt'), ...FLASH]);
    expect(sent.code, sent.stderr).toBe(0);
    const text = sent.texts.join('');
    expect(text).not.toMatch(SYNTAX);
    expect(text).not.toContain('http');
    expect(text).toContain('example.org');
    expect(text).toContain('Coffee and cake');
  });

  it('a receipt: prices, dates, times and units in words', async () => {
    const sent = await speak([await fixture('receipt.txt'), ...FLASH]);
    expect(sent.code, sent.stderr).toBe(0);
    const text = sent.texts.join('');
    expect(text).not.toMatch(/\$\d/);
    expect(text).toMatch(/fourteen dollars/);
    expect(text).toMatch(/March/);
    expect(text).toMatch(/twenty twenty-five/);
    expect(text).toMatch(/kilogram/);
    expect(text).toMatch(/ten percent/);
  });

  it('a German paragraph goes with language_code=de and German number words', async () => {
    const sent = await speak([await fixture('german.txt'), ...FLASH]);
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.queries.map((query) => query.get('language_code'))).toEqual(['de']);
    expect(sent.texts.join('')).toMatch(/zwei Millionen fünfhunderttausend Euro/);
  });

  it('mixed English and French: one connection per language, in order, each with its code', async () => {
    const sent = await speak([await fixture('mixed-en-fr.txt'), ...FLASH]);
    expect(sent.code, sent.stderr).toBe(0);
    // English is the voice's own language: named only where another begins.
    expect(sent.queries.map((query) => query.get('language_code'))).toEqual([null, 'fr', null]);
    expect(sent.texts[1]).toContain('La réunion commence');
    expect(sent.texts[2]).toContain('After the break');
  });
});

describe('what depends on the model and on the user', () => {
  it('Multilingual v2 normalises itself: numbers go as written, with apply_text_normalization=on', async () => {
    const sent = await speak([
      'It costs $1,000,000 on **3 March 2025**.',
      '--model',
      'eleven_multilingual_v2',
    ]);
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.texts.join('')).toContain('It costs $1,000,000 on 3 March 2025.');
    expect(sent.queries[0]?.get('apply_text_normalization')).toBe('on');
    expect(sent.queries[0]?.get('language_code')).toBeNull();
  });

  it('--lexicon: the user’s words are said their way, before any number rule', async () => {
    const lexicon = join(work, 'words.txt');
    await writeFile(lexicon, '# my words\nHark = harrk\n/\\bv(\\d+)\\b/i = version $1\n');
    const sent = await speak(['Hark v2 costs $5.', ...FLASH, '--lexicon', lexicon]);
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.texts.join('')).toMatch(/harrk version 2 costs five dollars\./);
  });

  it('a broken --lexicon file is refused in one line, before anything is sent', async () => {
    const lexicon = join(work, 'bad.json');
    await writeFile(lexicon, '{ "pronunciations": [ { "match": "(", "say": "x", "regex": true } ] }');
    const sent = await speak(['Hello.', ...FLASH, '--lexicon', lexicon]);
    expect(sent.code).toBe(1);
    expect(sent.stderr).toMatch(/^hark: --lexicon .*bad\.json: rule 1/im);
    expect(sent.texts).toEqual([]);
  });

  it('--verbatim sends the text exactly as given', async () => {
    const sent = await speak(['**Bold** costs $5.', ...FLASH, '--verbatim']);
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.texts.join('')).toContain('**Bold** costs $5.');
  });
});

describe('a Markdown stream on stdin is cleaned as it arrives', () => {
  it('a ** split over two pieces, a fence over three: none of it is sent', async () => {
    const pieces = [
      '# Title\n\nThis is *',
      '*important** and costs $',
      '5.\n\n``',
      '`js\nconst x = 1;\n``',
      '`\n\nThe end.\n',
    ];
    const sent = await speak(['-', ...FLASH], async (stdin) => {
      for (const piece of pieces) {
        stdin.write(piece);
        await new Promise((resolvePromise) => setTimeout(resolvePromise, 150));
      }
      stdin.end();
    });
    expect(sent.code, sent.stderr).toBe(0);
    const text = sent.texts.join('');
    expect(text).not.toMatch(SYNTAX);
    expect(text).not.toContain('const x');
    expect(text).toMatch(/This is important and costs five dollars\./);
    expect(text).toContain('The end.');
  });
});
