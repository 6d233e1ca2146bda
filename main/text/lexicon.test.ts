import { describe, expect, it } from 'vitest';
import type { PronunciationRule } from '../../shared/settings-schema';
import { Lexicon } from './lexicon';
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
