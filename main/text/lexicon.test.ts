import { describe, expect, it } from 'vitest';
import { MAX_PRONUNCIATION_RULES } from '../store/settings-schema';
import type { PronunciationRule } from '../store/settings-schema';
import { Lexicon, formatLexiconFile, parseLexiconFile } from './lexicon';
import { OffsetMap, applyEdits } from './offset-map';

function word(match: string, say: string, options: Partial<PronunciationRule> = {}): PronunciationRule {
  return { match, say, regex: false, matchCase: false, ...options };
}

function pattern(match: string, say: string, matchCase = false): PronunciationRule {
  return { match, say, regex: true, matchCase };
}

function spoken(rules: PronunciationRule[], text: string): string {
  return applyEdits(text, new Lexicon(rules).edits(text), new OffsetMap());
}

describe('Lexicon', () => {
  it('replaces whole words only, and only the characters of the match', () => {
    const lexicon = new Lexicon([word('Hark', 'Haahrk')]);
    expect(lexicon.edits('Hark, Harken and unHark. Hark')).toEqual([
      { start: 0, end: 4, text: 'Haahrk' },
      { start: 25, end: 29, text: 'Haahrk' },
    ]);
    expect(spoken([word('Hark', 'Haahrk')], "Hark's tab")).toBe("Haahrk's tab");
    expect(spoken([word('Hark', 'Haahrk')], 'Hark2 and Hark_x')).toBe('Hark2 and Haahrk_x');
  });

  it('ignores case unless the rule matches case', () => {
    expect(spoken([word('nginx', 'engine x')], 'NGINX and Nginx')).toBe('engine x and engine x');
    expect(spoken([word('US', 'you ess', { matchCase: true })], 'us and US')).toBe('us and you ess');
  });

  it('treats letters of every script as word characters', () => {
    // With ASCII word boundaries "Stra" would be found before "ß", and "t" between two "é".
    expect(spoken([word('Stra', 'X')], 'Straße')).toBe('Straße');
    expect(spoken([word('t', 'X')], 'été')).toBe('été');
    expect(spoken([word('straße', 'Strasse')], 'Die STRAẞE, die Straße, die Straßenbahn')).toBe(
      'Die Strasse, die Strasse, die Straßenbahn',
    );
    expect(spoken([word('été', 'summer')], "L'été, les étés")).toBe("L'summer, les étés");
    // A decomposed é: the combining accent belongs to the word.
    expect(spoken([word('cafe', 'X')], 'cafe\u0301 cafe')).toBe('cafe\u0301 X');
  });

  it('matches a phrase across any white space, and words that begin or end with punctuation', () => {
    expect(spoken([word('New York', 'NYC')], 'New\n  York')).toBe('NYC');
    expect(spoken([word('C++', 'see plus plus')], 'C++, C++x and C++.')).toBe(
      'see plus plus, see plus plusx and see plus plus.',
    );
    expect(spoken([word('.NET', 'dot net')], 'ASP.NET')).toBe('ASPdot net');
    expect(spoken([word('  Hark  ', 'Haahrk')], 'Hark.')).toBe('Haahrk.');
  });

  it('prefers the longest word at one place, whatever their order', () => {
    expect(spoken([word('New', 'Nu'), word('New York', 'Nu Yawk')], 'New York and New Yorker')).toBe(
      'Nu Yawk and Nu Yorker',
    );
  });

  it('resolves overlaps in list order: the earlier rule wins', () => {
    const text = 'New York City';
    expect(spoken([word('York City', 'A'), word('New York', 'B')], text)).toBe('New A');
    expect(spoken([word('New York', 'B'), word('York City', 'A')], text)).toBe('B City');
    expect(spoken([pattern('Y\\w+', 'P'), word('New York', 'B')], text)).toBe('New P City');
    expect(spoken([word('New York', 'B'), pattern('Y\\w+', 'P')], text)).toBe('B City');
    // A rule's own matches do not overlap each other either.
    expect(spoken([word('a a', 'X')], 'a a a')).toBe('X a');
  });

  it('never returns overlapping or unsorted edits', () => {
    const rules = [pattern('\\d+', 'N'), word('one two', 'X'), word('two three', 'Y'), pattern('t\\w+', 'T')];
    const edits = new Lexicon(rules).edits('one two three 12 twelve one two');
    for (let i = 1; i < edits.length; i++) {
      expect(edits[i]!.start).toBeGreaterThanOrEqual(edits[i - 1]!.end);
    }
    expect(applyEdits('one two three 12 twelve one two', edits, new OffsetMap())).toBe('X T N T X');
  });

  it('fills in capture groups of a pattern', () => {
    const rules = [pattern('(\\d+)\\s?km/h', '$1 kilometres per hour')];
    expect(spoken(rules, 'At 50km/h or 80 km/h.')).toBe(
      'At 50 kilometres per hour or 80 kilometres per hour.',
    );
    expect(spoken([pattern('(?<first>\\w)(\\w)', '$2$<first>')], 'ab')).toBe('ba');
    expect(spoken([pattern('v(\\d)', '[$&] $$1 $10 $0')], 'v2')).toBe('[v2] $1 20 $0');
    expect(spoken([pattern('(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)', '$10-$1')], 'abcdefghij')).toBe('j-a');
  });

  it('applies matchCase to patterns and skips empty matches', () => {
    expect(spoken([pattern('gif', 'jif')], 'GIF gif')).toBe('jif jif');
    expect(spoken([pattern('gif', 'jif', true)], 'GIF gif')).toBe('GIF jif');
    // "x*" matches nothing between the letters; only real matches are replaced.
    expect(spoken([pattern('x+|(?=y)', 'Z')], 'axxbyy😀x')).toBe('aZbyy😀Z');
  });

  it('leaves out rules that are not usable and counts the rest', () => {
    const lexicon = new Lexicon([word('', 'x'), pattern('(', 'x'), pattern('a*', 'x'), word('ok', 'fine')]);
    expect(lexicon.size).toBe(1);
    expect(lexicon.edits('ok (')).toEqual([{ start: 0, end: 2, text: 'fine' }]);
    expect(new Lexicon([]).edits('anything')).toEqual([]);
  });

  it('reads a 5 MB text with 50 rules in under five seconds', () => {
    const rules = Array.from({ length: 45 }, (_, i) => word(`term${i}`, `T${i}`));
    rules.push(pattern('\\b(\\d+)%', '$1 percent'), pattern('e\\.g\\.', 'for example'));
    rules.push(
      word('Hark', 'Haahrk', { matchCase: true }),
      word('straße', 'Strasse'),
      pattern('ß', 'ss', true),
    );
    const sentence = 'Hark reads term7 and term44, e.g. 50% of the Straße text, and more words here. ';
    const text = sentence.repeat(Math.ceil(5_000_000 / sentence.length));
    const started = performance.now();
    const edits = new Lexicon(rules).edits(text);
    const elapsed = performance.now() - started;
    const repeats = Math.ceil(5_000_000 / sentence.length);
    expect(edits).toHaveLength(repeats * 6);
    expect(elapsed).toBeLessThan(5_000);
  });
});

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
