import { describe, expect, it } from 'vitest';
import { formatLexiconFile, parseLexiconFile } from './lexicon-file';
import { MAX_PRONUNCIATION_RULES } from './settings-schema';
import type { PronunciationRule } from './settings-schema';

function word(match: string, say: string, options: Partial<PronunciationRule> = {}): PronunciationRule {
  return { match, say, regex: false, matchCase: false, ...options };
}

function pattern(match: string, say: string, matchCase = false): PronunciationRule {
  return { match, say, regex: true, matchCase };
}

describe('parseLexiconFile', () => {
  it('reads the JSON object, filling in missing flags', () => {
    const file = JSON.stringify({
      pronunciations: [
        { match: 'Hark', say: 'Haahrk' },
        { match: '(\\d+)%', say: '$1 percent', regex: true, matchCase: true },
      ],
    });
    expect(parseLexiconFile(file)).toEqual({
      ok: true,
      rules: [word('Hark', 'Haahrk'), pattern('(\\d+)%', '$1 percent', true)],
    });
  });

  it('reads a bare JSON array, with a byte order mark', () => {
    expect(parseLexiconFile('\uFEFF[{"match":"SQL","say":"sequel","matchCase":true}]')).toEqual({
      ok: true,
      rules: [word('SQL', 'sequel', { matchCase: true })],
    });
  });

  it('reads the text format: comments, words, patterns with and without i', () => {
    const file = [
      '# My words',
      '',
      'Hark = Haahrk',
      '  nginx=engine x  ',
      'a = b = c',
      '/(\\d+) ?km\\/h/ = $1 kilometres per hour',
      '/[/=]x/i = slash',
      '/e\\.g\\./i=for example',
      '   # indented comment',
    ].join('\r\n');
    expect(parseLexiconFile(file)).toEqual({
      ok: true,
      rules: [
        word('Hark', 'Haahrk'),
        word('nginx', 'engine x'),
        word('a', 'b = c'),
        pattern('(\\d+) ?km\\/h', '$1 kilometres per hour', true),
        pattern('[/=]x', 'slash'),
        pattern('e\\.g\\.', 'for example'),
      ],
    });
    expect(parseLexiconFile('')).toEqual({ ok: true, rules: [] });
  });

  it('names what is wrong in a JSON file', () => {
    expect(parseLexiconFile('{"pronunciations": [')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^The file is not valid JSON \(.+\)\.$/),
    });
    expect(parseLexiconFile('{"words": []}')).toEqual({
      ok: false,
      message: 'The file must hold a list of words, or an object with a "pronunciations" list.',
    });
    expect(parseLexiconFile('[{"match":"a","say":"b"},{"match":"c"}]')).toEqual({
      ok: false,
      message: 'Rule 2 needs a "match" text and a "say" text.',
    });
    expect(parseLexiconFile('[{"match":"a","say":"b","regex":"yes"}]')).toEqual({
      ok: false,
      message: 'Rule 1: "regex" must be true or false.',
    });
    expect(parseLexiconFile('[{"match":"  ","say":"b"}]')).toEqual({
      ok: false,
      message: 'Rule 1 (“  ”): the word to match is empty.',
    });
    const invalid = parseLexiconFile('[{"match":"a","say":"b"},{"match":"(ab","say":"x","regex":true}]');
    expect(invalid).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^Rule 2 \(“\(ab”\): the pattern is not valid \(/),
    });
  });

  it('names the line that is wrong in a text file', () => {
    expect(parseLexiconFile('a = b\nno separator here')).toEqual({
      ok: false,
      message: 'Line 2 has no “=” between the word and what to say.',
    });
    expect(parseLexiconFile('# c\n = nothing')).toEqual({
      ok: false,
      message: 'Line 2 (“”): the word to match is empty.',
    });
    expect(parseLexiconFile('/(ab/ = x')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^Line 1 \(“\(ab”\): the pattern is not valid \(/),
    });
    expect(parseLexiconFile('/a*/ = x')).toEqual({
      ok: false,
      message: 'Line 1 (“a*”): the pattern matches empty text.',
    });
    expect(parseLexiconFile('/ab/g = x')).toEqual({
      ok: false,
      message: 'Line 1: the only flag a pattern may have is i (ignore case), not “g”.',
    });
    expect(parseLexiconFile('/ab = x')).toEqual({
      ok: false,
      message: 'Line 1: the pattern has no closing “/”.',
    });
    expect(parseLexiconFile('/ab/ x')).toEqual({
      ok: false,
      message: 'Line 1 has no “=” after the pattern.',
    });
  });

  it('refuses more rules than the settings keep', () => {
    const many = Array.from({ length: MAX_PRONUNCIATION_RULES + 1 }, (_, i) => `w${i} = x`).join('\n');
    const expected = {
      ok: false,
      message: `The file has ${MAX_PRONUNCIATION_RULES + 1} words; Hark keeps at most ${MAX_PRONUNCIATION_RULES}.`,
    };
    expect(parseLexiconFile(many)).toEqual(expected);
    const json = JSON.stringify(
      Array.from({ length: MAX_PRONUNCIATION_RULES + 1 }, () => ({ match: 'a', say: 'b' })),
    );
    expect(parseLexiconFile(json)).toEqual(expected);
  });
});

describe('formatLexiconFile', () => {
  it('writes pretty JSON that reads back as the same rules', () => {
    const rules = [
      word('Hark', 'Haahrk', { matchCase: true }),
      pattern('(\\d+)%', '$1 percent'),
      word('Straße', 'Strasse'),
      word('"quoted" = x', 'say\nthis'),
    ];
    const file = formatLexiconFile(rules);
    expect(file.startsWith('{\n  "pronunciations": [\n    {\n      "match": "Hark",')).toBe(true);
    expect(file.endsWith('}\n')).toBe(true);
    expect(parseLexiconFile(file)).toEqual({ ok: true, rules });
    expect(parseLexiconFile(formatLexiconFile([]))).toEqual({ ok: true, rules: [] });
  });

  it('writes only the rule fields', () => {
    const extra = { ...word('a', 'b'), note: 'kept elsewhere' } as PronunciationRule;
    expect(JSON.parse(formatLexiconFile([extra]))).toEqual({
      pronunciations: [{ match: 'a', say: 'b', regex: false, matchCase: false }],
    });
  });
});
