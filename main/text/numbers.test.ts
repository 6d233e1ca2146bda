import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NUMBER_LANGUAGES, integerWords, numberEdits } from './numbers';
import { OffsetMap, applyEdits } from './offset-map';
import type { TextEdit } from './offset-map';

type Table = readonly (readonly [source: string, spoken: string])[];

function spoken(text: string, language: string): string {
  return applyEdits(text, numberEdits(text, language), new OffsetMap());
}

function expectReadings(language: string, table: Table): void {
  for (const [source, expected] of table) expect(spoken(source, language), source).toBe(expected);
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

function splitsSurrogatePair(text: string, offset: number): boolean {
  return (
    offset > 0 && isHighSurrogate(text.charCodeAt(offset - 1)) && isLowSurrogate(text.charCodeAt(offset))
  );
}

const WORD = /[\p{L}\p{N}]/u;

/** The promises numberEdits makes about its edits, whatever the text. */
function expectWellFormed(text: string, edits: readonly TextEdit[]): void {
  let at = 0;
  let previous: TextEdit | undefined;
  for (const edit of edits) {
    expect(edit.start).toBeGreaterThanOrEqual(at);
    expect(edit.end).toBeGreaterThanOrEqual(edit.start);
    expect(edit.end).toBeLessThanOrEqual(text.length);
    expect(splitsSurrogatePair(text, edit.start)).toBe(false);
    expect(splitsSurrogatePair(text, edit.end)).toBe(false);
    // Spoken words never run into the letters before them.
    const before = previous?.end === edit.start ? previous.text.slice(-1) : text.charAt(edit.start - 1);
    expect(WORD.test(before) && WORD.test(edit.text.charAt(0))).toBe(false);
    at = edit.end;
    previous = edit;
  }
  expect(() => applyEdits(text, edits, new OffsetMap())).not.toThrow();
}

describe('integerWords', () => {
  it('says integers in each language, up to and beyond 10^15', () => {
    const table: readonly (readonly [bigint | number, Record<string, string>])[] = [
      [0, { en: 'zero', de: 'null', fr: 'zéro', es: 'cero' }],
      [1, { en: 'one', de: 'eins', fr: 'un', es: 'uno' }],
      [21, { en: 'twenty-one', de: 'einundzwanzig', fr: 'vingt et un', es: 'veintiuno' }],
      [71, { en: 'seventy-one', de: 'einundsiebzig', fr: 'soixante et onze', es: 'setenta y uno' }],
      [80, { en: 'eighty', de: 'achtzig', fr: 'quatre-vingts', es: 'ochenta' }],
      [91, { en: 'ninety-one', de: 'einundneunzig', fr: 'quatre-vingt-onze', es: 'noventa y uno' }],
      [100, { en: 'one hundred', de: 'einhundert', fr: 'cent', es: 'cien' }],
      [101, { en: 'one hundred one', de: 'einhunderteins', fr: 'cent un', es: 'ciento uno' }],
      [200, { en: 'two hundred', de: 'zweihundert', fr: 'deux cents', es: 'doscientos' }],
      [1000, { en: 'one thousand', de: 'eintausend', fr: 'mille', es: 'mil' }],
      [
        2025,
        {
          en: 'two thousand twenty-five',
          de: 'zweitausendfünfundzwanzig',
          fr: 'deux mille vingt-cinq',
          es: 'dos mil veinticinco',
        },
      ],
      [80_000, { en: 'eighty thousand', de: 'achtzigtausend', fr: 'quatre-vingt mille', es: 'ochenta mil' }],
      [
        21_000,
        {
          en: 'twenty-one thousand',
          de: 'einundzwanzigtausend',
          fr: 'vingt et un mille',
          es: 'veintiún mil',
        },
      ],
      [1_000_000, { en: 'one million', de: 'eine Million', fr: 'un million', es: 'un millón' }],
      [
        2_500_000,
        {
          en: 'two million five hundred thousand',
          de: 'zwei Millionen fünfhunderttausend',
          fr: 'deux millions cinq cent mille',
          es: 'dos millones quinientos mil',
        },
      ],
      [
        200_000_000,
        {
          en: 'two hundred million',
          de: 'zweihundert Millionen',
          fr: 'deux cents millions',
          es: 'doscientos millones',
        },
      ],
      [1_000_000_000, { en: 'one billion', de: 'eine Milliarde', fr: 'un milliard', es: 'mil millones' }],
      [10n ** 15n, { en: 'one quadrillion', de: 'eine Billiarde', fr: 'un billiard', es: 'mil billones' }],
      [-5, { en: 'minus five', de: 'minus fünf', fr: 'moins cinq', es: 'menos cinco' }],
    ];
    for (const [value, words] of table) {
      for (const language of NUMBER_LANGUAGES)
        expect(integerWords(value, language), `${value} ${language}`).toBe(words[language]);
    }
  });

  it('reads integers too long for scale words digit by digit, and refuses fractions', () => {
    expect(integerWords(10n ** 30n, 'en')).toBe(`one ${'zero '.repeat(29)}zero`);
    expect(() => integerWords(1.5, 'en')).toThrow(RangeError);
  });
});

describe('numberEdits in English', () => {
  it('reads integers, decimals, negatives and identifiers', () => {
    expectReadings('en', [
      ['Room 5 is free.', 'Room five is free.'],
      ['1,000,000.5', 'one million point five'],
      ['3.14', 'three point one four'],
      ['0.5', 'zero point five'],
      [
        '123456789012345',
        'one hundred twenty-three trillion four hundred fifty-six billion seven hundred eighty-nine million twelve thousand three hundred forty-five',
      ],
      ['1,000,000,000,000,000', 'one quadrillion'],
      ['-5 and (−3)', 'minus five and (minus three)'],
      ['5 - 3', 'five - three'],
      ['a 19-year-old', 'a nineteen-year-old'],
      ['pages 10-20', 'pages ten to twenty'],
      ['007', 'zero zero seven'],
      ['1234567890123456', 'one two three four five six seven eight nine zero one two three four five six'],
      ['4111 1111 1111 1111', 'four one one one, one one one one, one one one one, one one one one'],
      ['555-123-4567', 'five five five, one two three, four five six seven'],
      ['+1 555 123 4567', 'plus one, five five five, one two three, four five six seven'],
      ['020 7946 0958', 'zero two zero, seven nine four six, zero nine five eight'],
      ['Tel. 555-1234', 'telephone five five five, one two three four'],
      ['phone 25 people', 'phone twenty-five people'],
    ]);
  });

  it('reads money with symbols before or after, codes, cents and magnitudes', () => {
    expectReadings('en', [
      ['$1,000,000', 'one million dollars'],
      ['$1', 'one dollar'],
      ['$3.50', 'three dollars and fifty cents'],
      ['$0.01', 'one cent'],
      ['$1.00', 'one dollar'],
      ['$3.5', 'three point five dollars'],
      ['€5 / 5 € / 5€', 'five euros / five euros / five euros'],
      ['£5.99', 'five pounds and ninety-nine pence'],
      ['¥500', 'five hundred yen'],
      ['5 USD, 100 GBP, 2 EUR', 'five dollars, one hundred pounds, two euros'],
      ['$5k', 'five thousand dollars'],
      ['$2.5M', 'two point five million dollars'],
      ['$3bn', 'three billion dollars'],
      ['$1.2 billion', 'one point two billion dollars'],
      ['$5-10', 'five to ten dollars'],
      ['-$5 and $-5', 'minus five dollars and minus five dollars'],
      ['US$5', 'US five dollars'],
    ]);
  });

  it('reads percentages', () => {
    expectReadings('en', [
      ['50%', 'fifty percent'],
      ['2.5 %', 'two point five percent'],
      ['-1%', 'minus one percent'],
      ['10-20%', 'ten to twenty percent'],
      ['50%+3%', 'fifty percent plus three percent'],
    ]);
  });

  it('reads ordinals and decades', () => {
    expectReadings('en', [
      ['1st 2nd 3rd 4th', 'first second third fourth'],
      [
        '21st, 101st, 12th, 20th, 1,000th',
        'twenty-first, one hundred first, twelfth, twentieth, one thousandth',
      ],
      ['the 1990s', 'the nineteen nineties'],
      ["in the '80s", 'in the eighties'],
      ['the 90s, 30s', 'the nineties, thirty seconds'],
    ]);
  });

  it('reads dates, day first, month first and ISO', () => {
    expectReadings('en', [
      ['on 3 March 2025', 'on the third of March twenty twenty-five'],
      ['March 3, 2025', 'March third, twenty twenty-five'],
      ['2025-03-03', 'the third of March twenty twenty-five'],
      ['the 3rd of March', 'the third of March'],
      ['1st Jan 2000', 'the first of January two thousand'],
      ['Mar. 21, 1999', 'March twenty-first, nineteen ninety-nine'],
      ['May 2025', 'May twenty twenty-five'],
      // Ambiguous between US and other English: left as written.
      ['03/04/2025', '03/04/2025'],
    ]);
  });

  it('reads years only where they are years', () => {
    expectReadings('en', [
      ['in 1999', 'in nineteen ninety-nine'],
      ['since 2005', 'since two thousand five'],
      ['by 2025', 'by twenty twenty-five'],
      ['of 1100', 'of eleven hundred'],
      ['in 1905', 'in nineteen oh five'],
      ['from 1990 to 2025', 'from nineteen ninety to twenty twenty-five'],
      ['1990-2000', 'nineteen ninety to two thousand'],
      ['the 2023-24 season', 'the twenty twenty-three to twenty-four season'],
      ['in Q3 2024', 'in Q3 twenty twenty-four'],
      ['in 1999, 2005 and 2025', 'in nineteen ninety-nine, two thousand five and twenty twenty-five'],
      ['2025 people', 'two thousand twenty-five people'],
      ['in 2100', 'in two thousand one hundred'],
    ]);
  });

  it('reads times', () => {
    expectReadings('en', [
      ['14:30', 'fourteen thirty'],
      ['3:05 pm', 'three oh five p m'],
      ['9 am', 'nine a m'],
      ['9am and 10PM', 'nine a m and ten p m'],
      ['9:00', "nine o'clock"],
      ['18:00', 'eighteen hundred'],
      ['12:00 pm', 'twelve p m'],
      ['Meet at 3 p.m. Then go.', 'Meet at three p m. Then go.'],
      ['at 4 a.m. sharp', 'at four a m sharp'],
    ]);
  });

  it('reads units after numbers, singular and plural', () => {
    expectReadings('en', [
      ['1 km', 'one kilometer'],
      ['5kg', 'five kilograms'],
      ['1.5 kg', 'one point five kilograms'],
      [
        '3 mm, 2 cm, 5 m, 3 g, 10 mg',
        'three millimeters, two centimeters, five meters, three grams, ten milligrams',
      ],
      ['2 l, 5 L, 250 ml', 'two liters, five liters, two hundred fifty milliliters'],
      [
        '100 km/h, 60 mph, 5 m/s',
        'one hundred kilometers per hour, sixty miles per hour, five meters per second',
      ],
      [
        '20°C, -5 °C, 98.6 °F, 20°',
        'twenty degrees Celsius, minus five degrees Celsius, ninety-eight point six degrees Fahrenheit, twenty degrees',
      ],
      ['1 GB, 100 MB, 5 kB, 2 TB', 'one gigabyte, one hundred megabytes, five kilobytes, two terabytes'],
      ['10 ms, 1 s, 5 min, 2 h', 'ten milliseconds, one second, five minutes, two hours'],
      ['5 men and 3 girls', 'five men and three girls'],
      ['It weighs 3 g.', 'It weighs three grams.'],
    ]);
  });

  it('reads symbols between and next to numbers', () => {
    expectReadings('en', [
      ['Tom & Jerry, R&D', 'Tom and Jerry, R and D'],
      ['2+2=4', 'two plus two equals four'],
      ['x = 5', 'x equals five'],
      ['~5 people', 'about five people'],
      ['3x4, 3 x 4, 3 × 4', 'three by four, three by four, three times four'],
      ['2x faster', 'two times faster'],
      ['&amp; a == b, C++', '&amp; a == b, C++'],
    ]);
  });

  it('expands abbreviations as whole tokens, keeping a sentence-ending period', () => {
    expectReadings('en', [
      ['e.g. this, i.e. that', 'for example this, that is that'],
      ['E.g. this', 'For example this'],
      ['apples, pears, etc. The end', 'apples, pears, et cetera. The end'],
      ['apples, pears, etc.', 'apples, pears, et cetera.'],
      ['apples etc. and pears', 'apples et cetera and pears'],
      ['cats vs. dogs, cats vs dogs', 'cats versus dogs, cats versus dogs'],
      ['approx. 5', 'approximately five'],
      ['No. 5, No.6', 'number five, number six'],
      ['Say no. Then', 'Say no. Then'],
      ['Dr. Smith, Mr Jones, Mrs. Brown', 'Doctor Smith, Mister Jones, Missus Brown'],
      ['St. Louis, Prof. Plum', 'Saint Louis, Professor Plum'],
      ['the Dr. said', 'the Dr. said'],
      ['veg.g. etc.x', 'veg.g. etc.x'],
    ]);
  });

  it('leaves versions, addresses, codes, URLs, e-mail and hashtags alone', () => {
    expectReadings('en', [
      ['v1.2.3 and 1.2.3', 'v1.2.3 and 1.2.3'],
      ['192.168.0.1', '192.168.0.1'],
      ['MP3 H2O COVID-19 A4 3D 0x1F', 'MP3 H2O COVID-19 A4 3D 0x1F'],
      [
        'https://example.com/2025/03?id=5 and www.x.org/1',
        'https://example.com/2025/03?id=5 and www.x.org/1',
      ],
      ['mail jo.2025+tag@example.com now', 'mail jo.2025+tag@example.com now'],
      ['#2025 @user42', '#2025 @user42'],
      ['24/7', '24/7'],
    ]);
  });

  it('reads a whole sentence with money and a date, ending it with its period', () => {
    const result = spoken('It costs $1,000,000 on 3 March 2025.', 'en');
    expect(result).toContain('one million dollars');
    expect(result).toContain('the third of March twenty twenty-five');
    expect(result).toBe('It costs one million dollars on the third of March twenty twenty-five.');
  });

  it('makes small edits that touch only what changes', () => {
    expect(numberEdits('Room 5 is free.', 'en')).toEqual([{ start: 5, end: 6, text: 'five' }]);
    expect(numberEdits('5 kg', 'en')).toEqual([
      { start: 0, end: 1, text: 'five' },
      { start: 2, end: 4, text: 'kilograms' },
    ]);
    expect(numberEdits('3 March 2025', 'en')).toEqual([
      { start: 0, end: 1, text: 'the third of' },
      { start: 8, end: 12, text: 'twenty twenty-five' },
    ]);
  });
});

describe('numberEdits in German', () => {
  it('reads numbers with German grouping and decimals', () => {
    expectReadings('de', [
      ['1.000.000,5', 'eine Million Komma fünf'],
      ['3,14', 'drei Komma eins vier'],
      ['1\u00a0000', 'eintausend'],
      ['-5', 'minus fünf'],
      ['2x, 1x', 'zweimal, einmal'],
      ['3 x 4', 'drei mal vier'],
      ['10-20', 'zehn bis zwanzig'],
      ['Er wurde 3. Dann', 'Er wurde drei. Dann'],
      ['192.168.100.200 und 1.2.3', '192.168.100.200 und 1.2.3'],
    ]);
  });

  it('reads money, percentages and units', () => {
    expectReadings('de', [
      ['12,50 €', 'zwölf Euro fünfzig'],
      ['1 €', 'ein Euro'],
      ['0,50 €', 'fünfzig Cent'],
      ['5 EUR', 'fünf Euro'],
      ['2,5 Mio. €', 'zwei Komma fünf Millionen Euro'],
      ['1 Mio. Einwohner', 'eine Million Einwohner'],
      ['50 %', 'fünfzig Prozent'],
      ['1 %', 'ein Prozent'],
      ['1 km, 5 kg, 1 h, 3 min', 'ein Kilometer, fünf Kilogramm, eine Stunde, drei Minuten'],
      ['-5 °C', 'minus fünf Grad Celsius'],
    ]);
  });

  it('reads dates with ordinals, inflected after "am"', () => {
    expectReadings('de', [
      ['3. März 2025', 'dritter März zweitausendfünfundzwanzig'],
      ['am 3. März', 'am dritten März'],
      ['03.03.2025', 'dritter März zweitausendfünfundzwanzig'],
      ['am 1.5.1999', 'am ersten Mai neunzehnhundertneunundneunzig'],
      ['2025-03-03', 'dritter März zweitausendfünfundzwanzig'],
      ['03/03/2025', 'dritter März zweitausendfünfundzwanzig'],
      ['im Jahr 1999', 'im Jahr neunzehnhundertneunundneunzig'],
    ]);
  });

  it('reads times', () => {
    expectReadings('de', [
      ['14:30 Uhr', 'vierzehn Uhr dreißig'],
      ['14:30', 'vierzehn Uhr dreißig'],
      ['14.05 Uhr', 'vierzehn Uhr fünf'],
      ['14 Uhr', 'vierzehn Uhr'],
      ['1 Uhr', 'ein Uhr'],
      ['9:00', 'neun Uhr'],
    ]);
  });

  it('expands abbreviations', () => {
    expectReadings('de', [
      ['z. B. und z.B.', 'zum Beispiel und zum Beispiel'],
      ['Äpfel usw. Dann', 'Äpfel und so weiter. Dann'],
      ['d. h. bzw. ca. 5', 'das heißt beziehungsweise circa fünf'],
      ['Nr. 5', 'Nummer fünf'],
      ['Z. B. so', 'Zum Beispiel so'],
      ['Dr. Müller', 'Doktor Müller'],
      ['Tel. 030 1234567', 'Telefon null drei null, eins zwei drei vier fünf sechs sieben'],
    ]);
  });

  it('reads a receipt line', () => {
    expect(spoken('Summe: 12,50 € am 03.03.2025 um 14:30 Uhr', 'de')).toBe(
      'Summe: zwölf Euro fünfzig am dritten März zweitausendfünfundzwanzig um vierzehn Uhr dreißig',
    );
  });
});

describe('numberEdits in French', () => {
  it('reads numbers grouped with spaces, no-break spaces and narrow no-break spaces', () => {
    expectReadings('fr', [
      ['1 000 000,5', 'un million virgule cinq'],
      ['1\u00a0000', 'mille'],
      ['1\u202f000', 'mille'],
      ['3,14', 'trois virgule quatorze'],
      ['0,05', 'zéro virgule zéro cinq'],
      ['80', 'quatre-vingts'],
      ['-5', 'moins cinq'],
      ['10-20', 'dix à vingt'],
      ['06 12 34 56 78', 'zéro six, un deux, trois quatre, cinq six, sept huit'],
    ]);
  });

  it('reads money, percentages and units', () => {
    expectReadings('fr', [
      ['5 €', 'cinq euros'],
      ['1 €', 'un euro'],
      ['1 £', 'une livre'],
      ['1,50 €', 'un euro cinquante'],
      ['0,50 €', 'cinquante centimes'],
      ['1 000 000 €', "un million d'euros"],
      ['1 000 000 $', 'un million de dollars'],
      ['2,5 M€', "deux virgule cinq millions d'euros"],
      ['15 %', 'quinze pour cent'],
      ['1,5 km', 'un virgule cinq kilomètre'],
      ['80 km, 1 h, 5 Go', 'quatre-vingts kilomètres, une heure, cinq gigaoctets'],
    ]);
  });

  it('reads ordinals', () => {
    expectReadings('fr', [
      ['1er, 1re, 1ère', 'premier, première, première'],
      ['2e, 3ème, 5e, 9e, 21e', 'deuxième, troisième, cinquième, neuvième, vingt et unième'],
      ['11e, 80e, 100e, 1000e', 'onzième, quatre-vingtième, centième, millième'],
      ['2nd, 2nde, 2de, 1ers', 'second, seconde, seconde, premiers'],
    ]);
  });

  it('reads dates with cardinals except "premier"', () => {
    expectReadings('fr', [
      ['3 mars 2025', 'trois mars deux mille vingt-cinq'],
      ['le 1er mars', 'le premier mars'],
      ['le 1 mai', 'le premier mai'],
      ['03/03/2025', 'trois mars deux mille vingt-cinq'],
      ['2025-03-01', 'premier mars deux mille vingt-cinq'],
    ]);
  });

  it('reads times', () => {
    expectReadings('fr', [
      ['14h30', 'quatorze heures trente'],
      ['14 h 05', 'quatorze heures cinq'],
      ['14:30', 'quatorze heures trente'],
      ['à 1 h', 'à une heure'],
      ['21h', 'vingt et une heures'],
    ]);
  });

  it('expands abbreviations', () => {
    expectReadings('fr', [
      ['p. ex. ceci', 'par exemple ceci'],
      ['pommes, etc. Fin', 'pommes, et cetera. Fin'],
      ['M. Dupont et Mme Curie', 'Monsieur Dupont et Madame Curie'],
      ['n° 5', 'numéro cinq'],
      ['R&D', 'R et D'],
    ]);
  });

  it('reads a ticket price', () => {
    expect(spoken('Le billet coûte 1 250,50 € (soit 15 %).', 'fr')).toBe(
      'Le billet coûte mille deux cent cinquante euros cinquante (soit quinze pour cent).',
    );
  });
});

describe('numberEdits in Spanish', () => {
  it('reads numbers with Spanish grouping and decimals', () => {
    expectReadings('es', [
      ['1.000.000,5', 'un millón coma cinco'],
      ['3,14', 'tres coma catorce'],
      ['21', 'veintiuno'],
      ['-5', 'menos cinco'],
      ['2x', 'dos veces'],
      ['1\u00a0000', 'mil'],
      ['Tel. 912 345 678', 'teléfono nueve uno dos, tres cuatro cinco, seis siete ocho'],
    ]);
  });

  it('reads money, percentages and units', () => {
    expectReadings('es', [
      ['5 €', 'cinco euros'],
      ['1 €', 'un euro'],
      ['21 €', 'veintiún euros'],
      ['12,50 €', 'doce euros con cincuenta'],
      ['0,50 €', 'cincuenta céntimos'],
      ['1 £', 'una libra'],
      ['1.000.000 €', 'un millón de euros'],
      ['2,5 M€', 'dos coma cinco millones de euros'],
      ['50 %', 'cincuenta por ciento'],
      ['1 h, 21 h, 5 km', 'una hora, veintiuna horas, cinco kilómetros'],
    ]);
  });

  it('reads ordinals', () => {
    expectReadings('es', [
      ['1º, 1ª, 1.º', 'primero, primera, primero'],
      ['3er piso, 1er día', 'tercer piso, primer día'],
      ['21º, 13ª, 100º', 'vigésimo primero, decimotercera, centésimo'],
    ]);
  });

  it('reads dates and times', () => {
    expectReadings('es', [
      ['3 de marzo de 2025', 'tres de marzo de dos mil veinticinco'],
      ['03/03/2025', 'tres de marzo de dos mil veinticinco'],
      ['14:30', 'catorce treinta'],
      ['1:30', 'una treinta'],
      ['9:05', 'nueve cero cinco'],
      ['14:00 h', 'catorce horas'],
    ]);
  });

  it('expands abbreviations', () => {
    expectReadings('es', [
      ['p. ej. esto', 'por ejemplo esto'],
      ['el Sr. García y la Sra. López', 'el señor García y la señora López'],
      ['manzanas, etc. Fin', 'manzanas, etcétera. Fin'],
      ['Tom & Jerry', 'Tom y Jerry'],
    ]);
  });
});

describe('numberEdits on what receipts, timetables and statements write', () => {
  it('reads a dash between two times as a range, in each language', () => {
    expectReadings('en', [
      ['Open 7:00-21:00 daily.', "Open seven o'clock to twenty-one hundred daily."],
      ['From 9am–5pm.', 'From nine a m to five p m.'],
      ['Meet 10:30 - 11:15.', 'Meet ten thirty to eleven fifteen.'],
      // Not two times: left as written rather than read as a time and a negative number.
      ['At 7:00-8 it rained.', 'At 7:00-8 it rained.'],
    ]);
    expectReadings('de', [['Geöffnet 7:00-21:00 Uhr.', 'Geöffnet sieben Uhr bis einundzwanzig Uhr.']]);
    expectReadings('fr', [['Ouvert 7h-21h.', 'Ouvert sept heures à vingt et une heures.']]);
    expectReadings('es', [['Abierto 7:00-21:00 h.', 'Abierto siete a veintiuna horas.']]);
  });

  it('reads "/kg" and "/month" after an amount as "per", in each language', () => {
    expectReadings('en', [
      ['Apples @ $3.20/kg', 'Apples @ three dollars and twenty cents per kilogram'],
      ['$20/night', 'twenty dollars per night'],
      ['0.5 kg/day', 'zero point five kilograms per day'],
      // Only after an amount: words and fractions keep their slash.
      ['and/or 3/4 cup', 'and/or 3/4 cup'],
    ]);
    expectReadings('de', [['20 €/Std. Danach', 'zwanzig Euro pro Stunde. Danach']]);
    expectReadings('fr', [['80 €/nuit', 'quatre-vingts euros par nuit']]);
    expectReadings('es', [['3,20 €/kg', 'tres euros con veinte por kilogramo']]);
  });

  it('reads an English slashed date only when its numbers tell the order', () => {
    expectReadings('en', [
      ['on 14/03/2025', 'on the fourteenth of March twenty twenty-five'],
      ['on 03/14/2025', 'on the fourteenth of March twenty twenty-five'],
      ['on 12/12/2024', 'on the twelfth of December twenty twenty-four'],
      ['on 03/04/2025', 'on 03/04/2025'],
    ]);
  });

  it('reads the digits of a masked card or account number, not the mask', () => {
    expectReadings('en', [
      ['Card **** **** **** 1234 charged.', 'Card ending in one two three four charged.'],
      ['Card ending ****1234.', 'Card ending one two three four.'],
      ['Rated *** stars', 'Rated *** stars'],
    ]);
    expectReadings('de', [['Karte •••• 5678', 'Karte endend auf fünf sechs sieben acht']]);
  });
});

describe('numberEdits in general', () => {
  it('gives no edits to languages it does not cover, and accepts region tags for those it does', () => {
    for (const language of ['it', 'xx', '', 'nl-NL'])
      expect(numberEdits('It costs $5 on 3 March.', language)).toEqual([]);
    expect(spoken('$5', 'en-US')).toBe('five dollars');
    expect(spoken('5 €', 'de_DE')).toBe('fünf Euro');
  });

  it('gives no edits to text without digits, symbols or abbreviations', () => {
    const prose =
      'The quick brown fox jumps over the lazy dog, doesn’t it? Yes: well-known (and “quoted”) words.';
    for (const language of NUMBER_LANGUAGES) expect(numberEdits(prose, language)).toEqual([]);
    expect(numberEdits('', 'en')).toEqual([]);
  });

  it('keeps emoji whole next to numbers', () => {
    expect(spoken('😀5 kg😀', 'en')).toBe('😀five kilograms😀');
    expect(spoken('5😀', 'en')).toBe('five😀');
  });

  it('returns sorted, separate, in-bounds edits that never split a surrogate pair (property)', () => {
    const pieces = fc.constantFrom(
      ...[
        '1',
        '05',
        '12',
        '1999',
        '2025',
        '1,000',
        '1.000',
        '1 000',
        '3,14',
        '3.14',
        '-',
        '–',
        '−',
        ' ',
        '\u00a0',
      ],
      ...[
        '\u202f',
        '$',
        '€',
        '£',
        '¥',
        '%',
        'x',
        '×',
        ':',
        '/',
        '.',
        ',',
        '+',
        '=',
        '~',
        '&',
        '°',
        'º',
        'ª',
        "'",
      ],
      ...[
        'e.g.',
        'etc.',
        'z. B.',
        'p. ex.',
        'Sr.',
        'Dr. ',
        'No.',
        'M. ',
        'March',
        'März',
        'mars',
        'de marzo',
      ],
      ...['Uhr', 'h', 'am', 'pm', 'p.m.', 'k', 'M', 'bn', 'Mio.', 'km', 'kg', 'st', 'er', 'e', 'USD', 'in '],
      ...['https://', 'www.', '@', '#', 'a', 'Z', '😀', '\ud83d', '\ude00', '\n', 'é'],
    );
    const texts = fc.oneof(
      fc.array(pieces, { maxLength: 40 }).map((parts) => parts.join('')),
      fc.string({ unit: 'grapheme', maxLength: 60 }),
      fc.string({ unit: 'binary', maxLength: 60 }),
    );
    fc.assert(
      fc.property(texts, fc.constantFrom(...NUMBER_LANGUAGES), (text, language) => {
        expectWellFormed(text, numberEdits(text, language));
      }),
      { numRuns: 1500 },
    );
  });

  it('stays linear on a megabyte of digits and symbols (a guard against runaway patterns, not a benchmark)', () => {
    const pieces = ['1', '12', '1,000', '1 000', '.', ',', '-', '–', ' ', '$', '€', '%', 'x', ':', '/', '+'];
    let seed = 7;
    const parts: string[] = [];
    let length = 0;
    while (length < 1_000_000) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      const piece = pieces[seed % pieces.length] ?? '';
      parts.push(piece);
      length += piece.length;
    }
    const text = parts.join('');
    for (const language of NUMBER_LANGUAGES) {
      const started = performance.now();
      const edits = numberEdits(text, language);
      // Linear work takes well under a second here; a quadratic pattern would take many minutes.
      expect(performance.now() - started).toBeLessThan(15_000);
      expect(edits.length).toBeGreaterThan(0);
    }
  });
});
