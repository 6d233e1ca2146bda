import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromIso6393, languageRuns as runsOf, type LanguageRun } from './language';

/** The runs without their `told` flag (tested on its own below). */
function languageRuns(text: string, fallback: string): Omit<LanguageRun, 'told'>[] {
  return runsOf(text, fallback).map(({ told: _told, ...run }) => run);
}

const ENGLISH =
  'Every autumn the village holds a market in the old square. Farmers bring apples, cheese and bread, ' +
  'and children run between the stalls while their parents talk about the harvest.';
const FRENCH =
  'Chaque automne, le village organise un marché sur la vieille place. Les paysans apportent des pommes, ' +
  'du fromage et du pain, et les enfants courent entre les étals.';
const GERMAN =
  'Jeden Herbst veranstaltet das Dorf einen Markt auf dem alten Platz. Bauern bringen Äpfel, Käse und ' +
  'Brot, und die Kinder laufen zwischen den Ständen herum, während ihre Eltern über die Ernte reden.';
const DANISH =
  'Hvert efterår holder landsbyen marked på det gamle torv. Bønderne kommer med æbler, ost og brød, og ' +
  'børnene løber rundt mellem boderne, mens forældrene taler om høsten.';

const NORWEGIAN =
  'Møtet begynte klokken ti, og lederen ønsket alle velkommen. Deretter gikk han gjennom dagsordenen, ' +
  'som var sendt ut på forhånd, og spurte om noen hadde kommentarer.';

const FINNISH =
  'Kokous alkoi kello kymmenen, ja puheenjohtaja toivotti kaikki tervetulleiksi. Sen jälkeen hän kävi ' +
  'läpi esityslistan, joka oli lähetetty etukäteen, ja kysyi, oliko kenelläkään huomautettavaa.';

const SLOVAK =
  'Stretnutie sa začalo o desiatej a predseda privítal všetkých prítomných. Potom prešiel program, ' +
  'ktorý bol rozoslaný vopred, a opýtal sa, či má niekto pripomienky.';

const ICELANDIC =
  'Fundurinn hófst klukkan tíu og formaðurinn bauð alla velkomna. Síðan fór hann yfir dagskrána, ' +
  'sem hafði verið send út fyrirfram, og spurði hvort einhver hefði athugasemdir.';

/** The runs as [language, text] pairs, which say more in a failure than offsets. */
function described(text: string, runs: Omit<LanguageRun, 'told'>[]): [string, string][] {
  return runs.map((run) => [run.language, text.slice(run.start, run.end)]);
}

describe('languageRuns', () => {
  it('gives a German paragraph one German run over the whole text', () => {
    expect(languageRuns(GERMAN, 'en')).toEqual([{ start: 0, end: GERMAN.length, language: 'de' }]);
  });

  it('alternates between English and French paragraphs, each run ending where the next paragraph starts', () => {
    const text = `${ENGLISH}\n\n${FRENCH}\n\n  ${ENGLISH}\n\n${FRENCH}\n`;
    const runs = languageRuns(text, 'en');
    expect(described(text, runs)).toEqual([
      ['en', `${ENGLISH}\n\n`],
      ['fr', `${FRENCH}\n\n  `],
      ['en', `${ENGLISH}\n\n`],
      ['fr', `${FRENCH}\n`],
    ]);
    const secondStart = ENGLISH.length + 2;
    expect(runs[1]).toEqual({ start: secondStart, end: secondStart + FRENCH.length + 4, language: 'fr' });
  });

  it('joins neighbouring paragraphs of one language into one run', () => {
    const text = `${ENGLISH}\n\n${ENGLISH}\n\n${FRENCH}`;
    expect(described(text, languageRuns(text, 'en'))).toEqual([
      ['en', `${ENGLISH}\n\n${ENGLISH}\n\n`],
      ['fr', FRENCH],
    ]);
  });

  it('keeps a short line between two German paragraphs German', () => {
    const text = `${GERMAN}\n\nOkay, thanks!\n\n${GERMAN}`;
    expect(languageRuns(text, 'en')).toEqual([{ start: 0, end: text.length, language: 'de' }]);
  });

  it('gives a short text alone the fallback, by its primary language subtag', () => {
    expect(languageRuns('Hello there.', 'fr')).toEqual([{ start: 0, end: 12, language: 'fr' }]);
    expect(languageRuns('Hello there.', 'pt-BR')).toEqual([{ start: 0, end: 12, language: 'pt' }]);
    expect(languageRuns('12:45 — 3.5%', 'de')).toEqual([{ start: 0, end: 12, language: 'de' }]);
  });

  it('takes an empty fallback as no language, and names every paragraph it can tell', () => {
    const text = `Chapter 1\n\n${ENGLISH}\n\n${GERMAN}\n\n${FRENCH}`;
    expect(languageRuns(text, '').map((run) => run.language)).toEqual(['', 'en', 'de', 'fr']);
  });

  it('gives a leading short paragraph the fallback, not the language after it', () => {
    const text = `Chapter 1\n\n${FRENCH}`;
    expect(described(text, languageRuns(text, 'de'))).toEqual([
      ['de', 'Chapter 1\n\n'],
      ['fr', FRENCH],
    ]);
  });

  it('returns nothing for empty text and one fallback run for whitespace only', () => {
    expect(languageRuns('', 'en')).toEqual([]);
    expect(languageRuns(' \n\n\t', 'en')).toEqual([{ start: 0, end: 4, language: 'en' }]);
  });

  it('takes each long line as a paragraph of its own when lines are prose', () => {
    const text = `${ENGLISH}\n${FRENCH}\r\n${ENGLISH}`;
    expect(described(text, languageRuns(text, 'en'))).toEqual([
      ['en', `${ENGLISH}\n`],
      ['fr', `${FRENCH}\r\n`],
      ['en', ENGLISH],
    ]);
  });

  it('reads the lines of a hard-wrapped paragraph as one paragraph', () => {
    const wrapped = ENGLISH.replace(/(.{50}\S*) /gu, '$1\n');
    const text = `${wrapped}\nLes paysans apportent des pommes, du fromage et du pain.`;
    expect(languageRuns(text, 'en')).toEqual([{ start: 0, end: text.length, language: 'en' }]);
  });

  it('looks at the start of a paragraph only', () => {
    // A book in one paragraph: its first couple of thousand characters decide.
    const text = `${GERMAN.repeat(12)} ${ENGLISH.repeat(5000)}`;
    expect(languageRuns(text, 'en')).toEqual([{ start: 0, end: text.length, language: 'de' }]);
  });

  it('decides Japanese, Chinese, Korean, Greek and other scripts by script, however short', () => {
    const cases: [string, string][] = [
      ['はい、そうです。', 'ja'],
      ['今日は晴れです。明日は雨が降るでしょう。', 'ja'],
      ['今天天气很好。', 'zh'],
      ['안녕하세요, 반갑습니다.', 'ko'],
      ['Καλημέρα σας.', 'el'],
      ['שלום, מה שלומך?', 'he'],
      ['Բարեւ, ինչպե՞ս ես։', 'hy'],
      ['ሰላም ነው።', 'am'],
      ['გამარჯობა', 'ka'],
      ['สวัสดีครับ', 'th'],
    ];
    for (const [text, language] of cases) {
      expect(languageRuns(text, 'en'), text).toEqual([{ start: 0, end: text.length, language }]);
    }
  });

  it('does not switch to Greek for a stray symbol', () => {
    const text = `${ENGLISH}\n\nπ\n\n${ENGLISH}`;
    expect(languageRuns(text, 'en')).toEqual([{ start: 0, end: text.length, language: 'en' }]);
  });

  it('switches script-decided and trigram-decided languages in both directions', () => {
    const text = `${ENGLISH}\n\n東京は日本の首都です。人口がとても多いです。\n\n${ENGLISH}`;
    expect(languageRuns(text, 'en').map((run) => run.language)).toEqual(['en', 'ja', 'en']);
  });

  it('tells Russian, Arabic and Hindi paragraphs', () => {
    const cases: [string, string][] = [
      ['Каждую осень в деревне проходит ярмарка на старой площади, и дети бегают между прилавками.', 'ru'],
      ['ذهبنا أمس بالقطار إلى القاهرة وأمطرت السماء طوال اليوم، لكننا استمتعنا رغم ذلك.', 'ar'],
      ['कल हम ट्रेन से दिल्ली गए और पूरे दिन बारिश होती रही, लेकिन फिर भी हमें बहुत मज़ा आया।', 'hi'],
    ];
    for (const [text, language] of cases) {
      expect(languageRuns(text, 'en'), text).toEqual([{ start: 0, end: text.length, language }]);
    }
  });

  it('gives a near tie to the language already being read', () => {
    // Indonesian and Malay differ in a few words only; franc's scores for the two are all but equal.
    const indonesian =
      'Kemarin kami naik kereta ke Jakarta dan hujan turun sepanjang hari, tetapi kami tetap bersenang-senang.';
    const malay =
      'Semalam kami menaiki kereta api ke Kuala Lumpur dan hujan turun sepanjang hari, tetapi kami tetap gembira.';
    const text = `${indonesian}\n\n${malay}\n\n${indonesian}`;
    expect(languageRuns(text, 'id')).toEqual([{ start: 0, end: text.length, language: 'id' }]);
    expect(languageRuns(text, 'ms')).toEqual([{ start: 0, end: text.length, language: 'ms' }]);
  });

  it('keeps the voice language when franc cannot name it and mistakes it for a neighbour', () => {
    // Icelandic is not among the candidates; franc reads it as Danish or Norwegian.
    const text = `${ICELANDIC}\n\n${ENGLISH}\n\n${ICELANDIC}`;
    expect(languageRuns(text, 'is').map((run) => run.language)).toEqual(['is', 'en', 'is']);
    expect(languageRuns(ICELANDIC, 'en').map((run) => run.language)).not.toEqual(['is']);
  });

  it('gives a near tie to the voice language when the paragraph before was in another', () => {
    // franc ranks Danish a hair above English for this sentence; after French, English is the voice's.
    const english = 'After the break we will look at the budget and the plans for next year in some detail.';
    const text = `${ENGLISH}\n\n${FRENCH}\n\n${english}`;
    expect(languageRuns(text, 'en').map((run) => run.language)).toEqual(['en', 'fr', 'en']);
  });

  it('names Danish, Norwegian, Finnish and Slovak paragraphs in an English reading', () => {
    const text = [ENGLISH, DANISH, FINNISH, SLOVAK, NORWEGIAN].join('\n\n');
    // Danish and Norwegian Bokmål are written almost alike: after Norwegian, Danish is a tie.
    expect(languageRuns(text, 'en').map((run) => run.language)).toEqual(['en', 'da', 'fi', 'sk', 'nb']);
  });
});

describe('fromIso6393', () => {
  it('maps franc codes to ISO 639-1, individual languages to their macrolanguage', () => {
    expect(fromIso6393('deu')).toBe('de');
    expect(fromIso6393('cmn')).toBe('zh');
    expect(fromIso6393('arb')).toBe('ar');
    expect(fromIso6393('zlm')).toBe('ms');
    expect(fromIso6393('nob')).toBe('nb');
  });

  it('gives undefined for undetermined, unknown and inherited names', () => {
    expect(fromIso6393('und')).toBeUndefined();
    expect(fromIso6393('ceb')).toBeUndefined();
    expect(fromIso6393('toString')).toBeUndefined();
  });
});

describe('languageRuns properties', () => {
  const fragment = fc.constantFrom(
    ENGLISH,
    FRENCH,
    GERMAN,
    DANISH,
    'Short.',
    'はい、そうです。',
    'Καλημέρα σας.',
    'Привет!',
    'π',
    '😀',
    ' ',
    '\t',
    '\n',
    '\n\n',
    '\r\n',
    ' \n \n',
    '\u2029',
  );
  const text = fc.oneof(
    fc.array(fragment, { maxLength: 30 }).map((parts) => parts.join('')),
    fc.string({ unit: 'grapheme', maxLength: 300 }),
    fc.string({ unit: 'binary', maxLength: 300 }),
  );
  const fallback = fc.constantFrom('en', 'de', 'da', 'ja', 'en-US', '');

  it('covers the text exactly, in order, without empty runs or neighbours of one language', () => {
    fc.assert(
      fc.property(text, fallback, (input, voice) => {
        const runs = languageRuns(input, voice);
        if (input === '') {
          expect(runs).toEqual([]);
          return;
        }
        expect(runs[0]?.start).toBe(0);
        expect(runs[runs.length - 1]?.end).toBe(input.length);
        runs.forEach((run, index) => {
          expect(run.end).toBeGreaterThan(run.start);
          expect(run.language).toMatch(voice === '' ? /^(?:[a-z]{2,3})?$/u : /^[a-z]{2,3}$/u);
          const next = runs[index + 1];
          if (next !== undefined) {
            expect(next.start).toBe(run.end);
            expect(next.language).not.toBe(run.language);
          }
        });
      }),
      { numRuns: 300 },
    );
  });

  it('starts every run but the first after whitespace, at text', () => {
    fc.assert(
      fc.property(text, fallback, (input, voice) => {
        for (const run of languageRuns(input, voice).slice(1)) {
          expect(input[run.start - 1]).toMatch(/\s/u);
          expect(input[run.start]).toMatch(/\S/u);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('whether a run was told or assumed', () => {
  it('a paragraph long enough is told; a short text alone is only assumed', () => {
    const german =
      'Die Sitzung wurde um zehn Uhr eröffnet. Der Vorsitzende begrüßte alle Anwesenden und stellte die Tagesordnung vor.';
    expect(runsOf(german, 'en').map((run) => [run.language, run.told])).toEqual([['de', true]]);
    expect(runsOf('Hola, ¿qué tal?', 'en').map((run) => [run.language, run.told])).toEqual([['en', false]]);
  });

  it('a short line joins the told run before it', () => {
    const text = 'Die Sitzung wurde um zehn Uhr eröffnet und dauerte bis zum späten Nachmittag.\n\nDanke!\n';
    expect(runsOf(text, 'en').map((run) => [run.language, run.told])).toEqual([['de', true]]);
  });
});
