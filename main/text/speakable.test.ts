import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tokenizeWords } from '../speech/word-tracker';
import { Lexicon } from './lexicon';
import { SpeakableStream, makeSpeakable } from './speakable';
import type { SpeakableOptions } from './speakable';

const OPTIONS: SpeakableOptions = {
  codeBlocks: 'announce',
  emoji: 'names',
  language: 'en',
  detectLanguage: false,
  expandNumbers: true,
};

const VOCABULARY = ['apple', 'river', 'stone', 'garden', 'window', 'silver', 'morning', 'paper'];

/** A word wrapped the ways Markdown and HTML wrap words. */
const decoratedWord = fc.tuple(
  fc.constantFrom(...VOCABULARY),
  fc.constantFrom(
    (w: string) => w,
    (w: string) => `**${w}**`,
    (w: string) => `_${w}_`,
    (w: string) => `\`${w}\``,
    (w: string) => `[${w}](https://example.com/${w})`,
    (w: string) => `<b>${w}</b>`,
    (w: string) => `~~${w}~~`,
  ),
);

const line = fc
  .tuple(
    fc.constantFrom('', '# ', '## ', '- ', '1. ', '> ', '>> '),
    fc.array(decoratedWord, { minLength: 1, maxLength: 6 }),
    fc.constantFrom('', '.', '!', ' costs $5.', ' on 3 March 2025.'),
  )
  .map(([prefix, words, end]) => ({
    text: `${prefix}${words.map(([word, wrap]) => wrap(word)).join(' ')}${end}`,
    words: words.map(([word]) => word),
  }));

const documents = fc
  .array(fc.tuple(line, fc.constantFrom('\n', '\n\n')), { minLength: 1, maxLength: 8 })
  .map((lines) => ({
    text: lines.map(([{ text }, separator]) => text + separator).join(''),
    words: lines.flatMap(([{ words }]) => words),
  }));

describe('makeSpeakable', () => {
  it('every word highlighted lands on that word in the original Markdown, in order', () => {
    fc.assert(
      fc.property(documents, ({ text: source, words }) => {
        const { text, map } = makeSpeakable(source, OPTIONS);
        const found: string[] = [];
        let previousEnd = 0;
        for (const word of tokenizeWords(text)) {
          const spoken = text.slice(word.offset, word.end);
          const core = spoken.replace(/[^a-z]/gi, '');
          if (!VOCABULARY.includes(core)) continue;
          const span = map.toSourceSpan(word.offset, word.end - word.offset);
          expect(source.slice(span.start, span.start + span.length)).toContain(core);
          expect(span.start).toBeGreaterThanOrEqual(previousEnd);
          previousEnd = span.start + span.length;
          found.push(core);
        }
        // Every word of the document was sent, and once.
        expect(found).toEqual(words);
      }),
      { numRuns: 300 },
    );
  });

  it('sends no Markdown syntax and no link address for any of those documents', () => {
    fc.assert(
      fc.property(documents, ({ text: source }) => {
        const { text } = makeSpeakable(source, OPTIONS);
        expect(text).not.toMatch(/[*`#[\]<>~]|https?:|\$\d/);
      }),
      { numRuns: 300 },
    );
  });

  it('streamed in random pieces, says exactly what the whole text says', () => {
    fc.assert(
      fc.property(documents, fc.array(fc.nat(), { maxLength: 6 }), ({ text: source }, cuts) => {
        const points = [...new Set(cuts.map((cut) => cut % (source.length + 1)))].sort((a, b) => a - b);
        const stream = new SpeakableStream(OPTIONS);
        let spoken = '';
        let at = 0;
        for (const point of [...points, source.length]) {
          spoken += stream.push(source.slice(at, point));
          at = point;
        }
        spoken += stream.end();
        // A sentence end reached mid-line is sent with a space (the source's own comes later and is
        // dropped), so the two may differ in the kind of whitespace only.
        const whitespace = (text: string) => text.replace(/\s+/g, ' ');
        expect(whitespace(spoken)).toBe(whitespace(makeSpeakable(source, OPTIONS).text));
        for (const word of tokenizeWords(spoken)) {
          const span = stream.map.toSourceSpan(word.offset, word.end - word.offset);
          const core = spoken.slice(word.offset, word.end).replace(/[^a-z]/gi, '');
          if (VOCABULARY.includes(core))
            expect(source.slice(span.start, span.start + span.length)).toContain(core);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("applies the user's words before numbers, and numbers only where no word of theirs is", () => {
    const lexicon = new Lexicon([
      { match: 'v2', say: 'version two', regex: false, matchCase: false },
      { match: 'Hark', say: 'harrk', regex: false, matchCase: true },
    ]);
    const { text } = makeSpeakable('Hark v2 costs $5 and 3 kg.', { ...OPTIONS, lexicon });
    expect(text).toBe('harrk version two costs five dollars and three kilograms.');
  });

  it('tells the language of each paragraph, and leaves a short text to the voice', () => {
    const german =
      'Die Sitzung wurde um zehn Uhr eröffnet. Der Vorsitzende begrüßte alle Anwesenden und stellte die Tagesordnung vor.';
    const detected = makeSpeakable(`Hi there.\n\n${german}`, { ...OPTIONS, detectLanguage: true });
    expect(detected.runs.map((run) => run.language)).toEqual([undefined, 'de']);
    expect(makeSpeakable(german, OPTIONS).runs.map((run) => run.language)).toEqual([undefined]);
  });
});
