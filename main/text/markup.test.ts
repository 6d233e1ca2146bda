import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MarkupStream, markupEdits } from './markup';
import type { MarkupOptions, MarkupUnit } from './markup';
import { OffsetMap, applyEdits } from './offset-map';
import type { TextEdit } from './offset-map';

const ENGLISH: MarkupOptions = { codeBlocks: 'announce', emoji: 'names', language: 'en' };

function spoken(text: string, options: MarkupOptions = ENGLISH): string {
  return applyEdits(text, markupEdits(text, options), new OffsetMap());
}

/** Feeds `chunks` to a stream; returns its units and the text they speak. */
function streamed(
  chunks: readonly string[],
  options: MarkupOptions = ENGLISH,
): { units: MarkupUnit[]; said: string } {
  const stream = new MarkupStream(options);
  const units: MarkupUnit[] = [];
  for (const chunk of chunks) units.push(...stream.push(chunk));
  units.push(...stream.end());
  return { units, said: units.map((unit) => applyEdits(unit.text, unit.edits, new OffsetMap())).join('') };
}

function releasedBy(stream: MarkupStream, chunk: string): string {
  return stream
    .push(chunk)
    .map((unit) => unit.text)
    .join('');
}

/** Edits sorted by start, not overlapping, inside [0, length]. (A plain loop: 2 MB make many edits.) */
function expectWellFormed(edits: readonly TextEdit[], length: number): void {
  let at = 0;
  const bad = edits.find((edit) => {
    const wrong = edit.start < at || edit.end < edit.start || edit.end > length;
    at = edit.end;
    return wrong;
  });
  expect(bad).toBeUndefined();
}

describe('markupEdits: Markdown blocks', () => {
  it('reads ATX headings as sentences', () => {
    expect(spoken('## Getting started\n\nInstall it.')).toBe('Getting started.\n\nInstall it.');
    expect(spoken('# Done!\n### Why?')).toBe('Done!\nWhy?');
    expect(spoken('# Title ##')).toBe('Title.');
  });

  it('leaves hashtags and seven hashes alone', () => {
    expect(markupEdits('#hashtag is not a heading', ENGLISH)).toEqual([]);
    expect(markupEdits('####### seven', ENGLISH)).toEqual([]);
  });

  it('removes setext underlines and ends the heading above them', () => {
    expect(spoken('Title\n=====\nBody.')).toBe('Title.\nBody.');
    expect(spoken('Subtitle\n---\nBody.')).toBe('Subtitle.\nBody.');
    expect(spoken('Asked?\n===\nYes.')).toBe('Asked?\nYes.');
  });

  it('removes horizontal rules', () => {
    expect(spoken('Above.\n\n***\n\nBelow.\n\n- - -\n\n___')).toBe('Above.\n\n\n\nBelow.\n\n\n\n');
  });

  it('announces fenced code blocks, or skips them', () => {
    const text = 'Run this:\n```bash\nnpm install\nnpm test\n```\nThen wait.';
    expect(spoken(text)).toBe('Run this:\nCode block.\n\n\n\nThen wait.');
    expect(spoken(text, { ...ENGLISH, codeBlocks: 'skip' })).toBe('Run this:\n\n\n\n\nThen wait.');
    expect(spoken('~~~\ncode\n~~~\nAfter.')).toBe('Code block.\n\n\nAfter.');
  });

  it('ends the sentence before a code block, and runs an unclosed fence to the end', () => {
    expect(spoken('Run this\n```\nls\n```')).toBe('Run this.\nCode block.\n\n');
    expect(spoken('Text.\n````\nnever closed\n```\nstill code')).toBe('Text.\nCode block.\n\n\n');
  });

  it('announces indented code after a blank line', () => {
    expect(spoken('Example.\n\n    let x = 1;\n    x += 1;\n\nAfter.')).toBe(
      'Example.\n\nCode block.\n\n\nAfter.',
    );
  });

  it('reads list items as sentences without their markers', () => {
    expect(spoken('- one\n* two\n+ three\n1. four\n2) five')).toBe('one.\ntwo.\nthree.\nfour.\nfive.');
    expect(spoken('- Done!\n- Next:\n- last,')).toBe('Done!\nNext:\nlast,');
  });

  it('removes task boxes and reads nested items', () => {
    expect(spoken('- [ ] write tests\n- [x] ship it\n  - sub item')).toBe(
      'write tests.\nship it.\nsub item.',
    );
  });

  it('puts an item’s full stop after its indented continuation', () => {
    expect(spoken('- first line\n  goes on\n- second')).toBe('first line\n  goes on.\nsecond.');
  });

  it('ends the paragraph that introduces a list', () => {
    expect(spoken('You can choose\n- tea\n- coffee')).toBe('You can choose.\ntea.\ncoffee.');
  });

  it('removes block quote marks at any depth', () => {
    expect(spoken('> a\n> > b\n>> c\n>\n> d')).toBe('a\nb\nc\n\nd');
  });

  it('reads tables row by row, cells separated by commas', () => {
    const table = '| Name | Age |\n|------|:---:|\n| Anna | 30 |\n| Ben | 25! |\n';
    expect(spoken(table)).toBe('Table. Name, Age.\n\nAnna, 30.\nBen, 25!\n');
    expect(spoken('| a | | c |\n| - | - | - |\n| 1 | 2 | 3 |')).toBe('Table. a, c.\n\n1, 2, 3.');
  });

  it('removes footnote markers and reads footnote text', () => {
    expect(spoken('A claim[^1].\n\n[^1]: The source.')).toBe('A claim.\n\nThe source.');
  });

  it('removes reference definitions', () => {
    expect(spoken('See [the guide][guide].\n\n[guide]: https://example.com/guide "Guide"')).toBe(
      'See the guide.\n\n',
    );
  });
});

describe('markupEdits: inline Markdown', () => {
  it('removes emphasis, strong and strikethrough markers', () => {
    expect(spoken('*a* _b_ **c** __d__ ~~e~~ ***f*** **g *h* i**')).toBe('a b c d e f g h i');
  });

  it('keeps underscores inside words, and asterisks used as arithmetic', () => {
    expect(markupEdits('Call snake_case_name with a_b, then 5 * 3 and 2*3*4.', ENGLISH)).toEqual([]);
  });

  it('makes small edits: only the markers go', () => {
    expect(markupEdits('Some **bold** text', ENGLISH)).toEqual([
      { start: 5, end: 7, text: '' },
      { start: 11, end: 13, text: '' },
    ]);
  });

  it('reads inline code without its backticks', () => {
    expect(spoken('Run `npm install` and ``a`b``.')).toBe('Run npm install and a`b.');
    expect(spoken('Pass `--force_all` here')).toBe('Pass --force_all here');
  });

  it('reads links by their text', () => {
    expect(spoken('Read [the docs](https://example.com/docs "Docs") first.')).toBe('Read the docs first.');
    expect(spoken('[**Bold** link](<a b>) and [x](u (t))')).toBe('Bold link and x');
    expect(spoken('[text][ref] and [short][]')).toBe('text and short');
  });

  it('leaves brackets that are no links as they are', () => {
    expect(markupEdits('He said [sic] and cited [1].', ENGLISH)).toEqual([]);
  });

  it('reads images by their alt text, or not at all', () => {
    expect(spoken('![A cat](cat.png) sat.')).toBe('A cat sat.');
    expect(spoken('Logo: ![](logo.png)')).toBe('Logo: ');
  });

  it('reads autolinks', () => {
    expect(spoken('<https://example.com/a?b=c> and <mailto:anna@example.org>')).toBe(
      'a link to example.com and anna at example dot org',
    );
  });

  it('removes backslash escapes but keeps the escaped character', () => {
    expect(spoken('A \\*literal\\* star, C:\\Users stays.')).toBe('A *literal* star, C:\\Users stays.');
  });

  it('removes HTML comments, also over several lines', () => {
    expect(spoken('a <!-- hidden --> b')).toBe('a  b');
    expect(spoken('before <!-- one\ntwo\nthree --> after')).toBe('before \n\n after');
  });
});

describe('markupEdits: HTML pasted as text', () => {
  it('reads a fragment as paragraphs and sentences', () => {
    const html = '<div><h2>Welcome</h2><p>Hello &amp; welcome.</p><ul><li>One</li><li>Two</li></ul></div>';
    expect(spoken(html)).toBe('Welcome.\n\nHello & welcome.\n\nOne.\n\nTwo.\n\n');
  });

  it('removes inline tags and breaks lines at <br>', () => {
    expect(spoken('Line <b>one</b><br>line <a href="/x" title="t">two</a><br/>end')).toBe(
      'Line one\nline two\nend',
    );
  });

  it('reads HTML tables with commas between cells', () => {
    expect(spoken('<table><tr><th>Name</th><th>Age</th></tr><tr><td>Anna</td><td>30</td></tr></table>')).toBe(
      'Name, Age.\n\nAnna, 30.\n\n',
    );
  });

  it('drops script and style contents', () => {
    expect(spoken('a<script type="x">let x = "<b>";</script>b<style>p { color: red }</style>c')).toBe('abc');
  });

  it('decodes entities', () => {
    expect(spoken('&amp; &lt; &gt; &quot;x&quot; &#39;y&#39; a&nbsp;b &mdash; &#8212; &#x2014;')).toBe(
      '& < > "x" \'y\' a b — — —',
    );
    expect(markupEdits('AT&T and Q&A; &unknown;', ENGLISH)).toEqual([]);
  });

  it('reads images by their alt text', () => {
    expect(spoken('<img src="a.png" alt="A chart">')).toBe('A chart');
  });

  it('does not take comparisons or generic types for tags', () => {
    expect(markupEdits('a < b and c > d, Vec<String>, x<y, <unknown> and <3', ENGLISH)).toEqual([]);
  });
});

describe('markupEdits: URLs and e-mail addresses', () => {
  it('says where a bare URL leads', () => {
    expect(spoken('See https://www.github.com/owner/repo.')).toBe('See a link to github.com.');
    expect(spoken('Or www.example.org, or ftp://files.example.net/a!')).toBe(
      'Or a link to example.org, or a link to files.example.net!',
    );
    expect(spoken('(see https://en.wikipedia.org/wiki/Foo_(bar))')).toBe('(see a link to en.wikipedia.org)');
    expect(spoken('**https://example.com/x**')).toBe('a link to example.com');
  });

  it('says it in the module’s language', () => {
    const url = 'https://example.com/a';
    expect(spoken(url, { ...ENGLISH, language: 'de' })).toBe('ein Link zu example.com');
    expect(spoken(url, { ...ENGLISH, language: 'fr' })).toBe('un lien vers example.com');
    expect(spoken(url, { ...ENGLISH, language: 'es' })).toBe('un enlace a example.com');
    expect(spoken(url, { ...ENGLISH, language: 'tlh' })).toBe('a link to example.com');
  });

  it('reads a link whose text is its URL once', () => {
    expect(spoken('[https://example.com/a](https://example.com/a)')).toBe('a link to example.com');
  });

  it('reads e-mail addresses as they are said', () => {
    expect(spoken('Write to anna.berg@mail.example.com today.')).toBe(
      'Write to anna dot berg at mail dot example dot com today.',
    );
    expect(spoken('Schreib an anna@example.de', { ...ENGLISH, language: 'de' })).toBe(
      'Schreib an anna at example Punkt de',
    );
  });

  it('leaves at signs that are no addresses', () => {
    expect(markupEdits('Meet @ 5, ask @anna, or user@localhost.', ENGLISH)).toEqual([]);
  });
});

describe('markupEdits: e-mail replies', () => {
  it('removes quote marks and keeps the attribution as prose', () => {
    const reply = [
      'Sounds good, see you then.',
      '',
      'On Mon, 3 Mar 2025, Anna wrote:',
      '> Can we meet on Friday?',
      '>> Earlier: how about next week?',
      '>',
      '> Best,',
      '> Anna',
    ].join('\n');
    expect(spoken(reply)).toBe(
      [
        'Sounds good, see you then.',
        '',
        'On Mon, 3 Mar 2025, Anna wrote:',
        'Can we meet on Friday?',
        'Earlier: how about next week?',
        '',
        'Best,',
        'Anna',
      ].join('\n'),
    );
  });
});

describe('markupEdits: emoji', () => {
  it('names emoji as separate words', () => {
    expect(spoken('Great job👍 and 👍🏽!')).toBe('Great job thumbs up and thumbs up, medium skin tone!');
    expect(spoken('🇩🇪 and 👨‍👩‍👧')).toBe('flag, Germany and family, man, woman, girl');
  });

  it('names emoji in the language', () => {
    expect(spoken('Gut 👍', { ...ENGLISH, language: 'de' })).toBe('Gut Daumen hoch');
    expect(spoken('Bien 👍', { ...ENGLISH, language: 'fr' })).toBe('Bien pouce vers le haut');
  });

  it('skips emoji without joining the words around them', () => {
    const skip: MarkupOptions = { ...ENGLISH, emoji: 'skip' };
    expect(spoken('Done ✅', skip)).toBe('Done ');
    expect(spoken('yes👍👍no', skip)).toBe('yes no');
  });

  it('leaves text-style symbols alone', () => {
    expect(markupEdits('© 2025, ™, → next, ☺', ENGLISH)).toEqual([]);
  });
});

describe('markupEdits: plain prose', () => {
  it('makes no edits to English prose', () => {
    const prose = [
      'The committee met on Tuesday. It agreed that 5 * 3 is 15, that a_b is a name, and that 2 < 3.',
      'Nobody objected (not even the chair); the minutes were approved — unanimously, at 10:30.',
      '',
      'It\'s "fine", she said. Costs rose by ~5% to $40 & more, e.g. for rent [sic]!',
    ].join('\n');
    expect(markupEdits(prose, ENGLISH)).toEqual([]);
  });

  it('makes no edits to German prose', () => {
    const prose = [
      'Die Sitzung begann um 9 Uhr. Über „Größe“ und Maße, z. B. 3 * 4 Meter, wurde lange gesprochen.',
      'Straße_Nord ist ein Dateiname; 2 < 3 gilt immer, und 7 > 6 auch.',
      '',
      'Äußerst wichtig: Öffnungszeiten ändern sich ab März.',
    ].join('\n');
    expect(markupEdits(prose, { ...ENGLISH, language: 'de' })).toEqual([]);
  });
});

describe('markupEdits: whole documents', () => {
  it('cleans an LLM answer', () => {
    const answer = [
      '## Summary',
      '',
      'Here is what **matters** most:',
      '',
      '- Use `git rebase` for a *clean* history',
      '- Read [the guide](https://git-scm.com/book)',
      '',
      '```sh',
      'git rebase -i HEAD~3',
      '```',
      '',
      '| Command | Effect |',
      '|---|---|',
      '| `git log` | shows history |',
    ].join('\n');
    expect(spoken(answer)).toBe(
      [
        'Summary.',
        '',
        'Here is what matters most:',
        '',
        'Use git rebase for a clean history.',
        'Read the guide.',
        '',
        'Code block.',
        '',
        '',
        '',
        'Table. Command, Effect.',
        '',
        'git log, shows history.',
      ].join('\n'),
    );
  });

  it('never returns overlapping or unsorted edits, and handles CRLF lines', () => {
    const text =
      '# Title\r\n\r\n- **item** with `code`\r\n| a | b |\r\n|---|---|\r\n> quote 👍 https://x.org\r\n';
    const edits = markupEdits(text, ENGLISH);
    expectWellFormed(edits, text.length);
    expect(applyEdits(text, edits, new OffsetMap())).toBe(
      'Title.\r\n\r\nitem with code.\r\nTable. a, b.\r\n\r\nquote thumbs up a link to x.org\r\n',
    );
  });

  it('cleans a 2 MB document', () => {
    const section =
      '## Part\n\nSome **bold** text, a [link](https://example.com) and `code`.\n\n- item\n- item two\n\n' +
      '| a | b |\n|---|---|\n| 1 | 2 |\n\n```\ncode\n```\n\n> quote &amp; <b>tag</b> 👍\n\n';
    const text = section.repeat(Math.ceil(2_000_000 / section.length));
    const edits = markupEdits(text, ENGLISH);
    expectWellFormed(edits, text.length);
    const said = applyEdits(text, edits, new OffsetMap());
    expect(said).not.toContain('**');
    expect(said.startsWith('Part.\n\nSome bold text, a link and code.')).toBe(true);
  });

  it('stays linear on pathological input', () => {
    for (const piece of ['[', '](', '`', '<a title="', '_a', '&#', '**x ']) {
      const text = piece.repeat(50_000);
      expectWellFormed(markupEdits(text, ENGLISH), text.length);
    }
  });
});

describe('MarkupStream', () => {
  it('releases words of a line as soon as they are safe', () => {
    const stream = new MarkupStream(ENGLISH);
    expect(releasedBy(stream, 'Hello wor')).toBe('Hello');
    expect(releasedBy(stream, 'ld, this is')).toBe(' world, this');
    expect(releasedBy(stream, ' a test.\nNext')).toBe(' is a test.');
    expect(stream.end().map((unit) => unit.text)).toEqual(['\nNext']);
  });

  it('holds text while emphasis or a link is open', () => {
    const stream = new MarkupStream(ENGLISH);
    expect(releasedBy(stream, 'Some **bo')).toBe('Some');
    expect(releasedBy(stream, 'ld and more')).toBe('');
    expect(releasedBy(stream, '** text [the ')).toBe(' **bold and more** text');
    expect(releasedBy(stream, 'docs](https://exa')).toBe('');
    expect(releasedBy(stream, 'mple.com) now')).toBe(' [the docs](https://example.com)');
  });

  it('waits until a line start shows what the line is', () => {
    const stream = new MarkupStream(ENGLISH);
    expect(releasedBy(stream, '## ')).toBe('');
    expect(releasedBy(stream, 'Title is ')).toBe('## Title is');
    const fence = new MarkupStream(ENGLISH);
    expect(releasedBy(fence, '``')).toBe('');
    expect(releasedBy(fence, '`js and ')).toBe('');
    expect(releasedBy(fence, 'more\n')).toBe('```js and more');
  });

  it('bounds what it holds when nothing is safe to cut at', () => {
    const stream = new MarkupStream(ENGLISH);
    const released = releasedBy(stream, `[unclosed ${'word '.repeat(600)}`);
    expect(released.length).toBeGreaterThan(0);
    expect(released.startsWith('[unclosed word')).toBe(true);
    const rest = stream.end();
    expect(released + rest.map((unit) => unit.text).join('')).toBe(`[unclosed ${'word '.repeat(600)}`);
  });

  it('gives each unit its own sorted, non-overlapping edits', () => {
    const { units } = streamed(['## Head', 'ing\n- **a', '** b\n| x | y |\n', '> quote 👍', ' done']);
    for (const unit of units) expectWellFormed(unit.edits, unit.text.length);
    expect(units.map((unit) => unit.text).join('')).toBe('## Heading\n- **a** b\n| x | y |\n> quote 👍 done');
  });

  it('speaks a `**` split over two chunks, a fence split mid-line and a link split in its URL as a whole text', () => {
    const cases: [string[], string][] = [
      [['Some *', '*bold** text'], 'Some bold text'],
      [['Intro:\n``', '`py', 'thon\nprint(1)\n`', '``\nAfter.'], 'Intro:\nCode block.\n\n\nAfter.'],
      [['See [docs](https://exa', 'mple.com/a "T', 'itle") now'], 'See docs now'],
    ];
    for (const [chunks, expected] of cases) {
      expect(spoken(chunks.join(''))).toBe(expected);
      expect(streamed(chunks).said).toBe(expected);
    }
  });

  it('speaks what markupEdits speaks, however the text is split', () => {
    // prettier-ignore
    const pieces = [
      '**', '*', '_', '__', '~~', '`', '```', '~~~', '[', ']', '(', ')', '](', '![', '<', '>', '<b>', '</b>',
      '<br>', '</li>', '<a href="x">', '&amp;', '&#x2014;', '&', ';', '#', '## ', '- ', '* ', '1. ', '> ',
      '>', '| ', ' | ', '|', '---', '===', '\n', '\n', '\n\n', ' ', ' ', '    ', 'word', 'Word', 'snake_case',
      'https://x.com/a', 'www.ex.org', 'a.b@c.de', '@', '.', '!', ':', '👍', '🏽', '\u200d', '🇩', '🇪', '❤',
      '\ufe0f', '[^1]', '[^1]: ', '[r]: ', '[x]', '[ ]', '\\', '\\*', '<!--', '-->', '<script>', '</script>',
      'h', 'w', '"', '\t', '\r\n', '5', 'é',
    ];
    const markdownish = fc
      .array(fc.constantFrom(...pieces), { maxLength: 50 })
      .map((parts) => parts.join(''));
    const options = fc.record({
      codeBlocks: fc.constantFrom<MarkupOptions['codeBlocks'][]>('announce', 'skip'),
      emoji: fc.constantFrom<MarkupOptions['emoji'][]>('names', 'skip'),
      language: fc.constantFrom('en', 'de'),
    });
    fc.assert(
      fc.property(markdownish, fc.array(fc.nat(), { maxLength: 12 }), options, (text, cutSeeds, chosen) => {
        const cuts = [...new Set(cutSeeds.map((seed) => seed % (text.length + 1)))].sort((a, b) => a - b);
        const chunks = [...cuts, text.length].map((cut, index, all) =>
          text.slice(index === 0 ? 0 : all[index - 1], cut),
        );
        const { units, said } = streamed(chunks, chosen);
        expect(units.map((unit) => unit.text).join('')).toBe(text);
        for (const unit of units) expectWellFormed(unit.edits, unit.text.length);
        expect(said).toBe(spoken(text, chosen));
      }),
      { numRuns: 600 },
    );
  });

  it('speaks the same when fed one character at a time', () => {
    const text =
      '# Plan\n\nFirst **do** this:\n\n1. Open [it](https://x.org/a_b)\n2. Run `make`\n\n| k | v |\n|---|---|\n| a | 👍🏽 |\n';
    expect(streamed([...text]).said).toBe(spoken(text));
    expect(streamed([...text]).said).toBe(
      'Plan.\n\nFirst do this:\n\nOpen it.\nRun make.\n\nTable. k, v.\n\na, thumbs up, medium skin tone.\n',
    );
  });
});
