import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_SENTENCE_LENGTH, sentenceEnds, splitSentences } from './sentences';

describe('splitSentences', () => {
  it('splits plain sentences and keeps the trailing spaces with each', () => {
    expect(splitSentences('Hello there. How are you? Fine!  Thanks.')).toEqual([
      'Hello there. ',
      'How are you? ',
      'Fine!  ',
      'Thanks.',
    ]);
  });

  it('returns nothing for empty text and one piece for whitespace only', () => {
    expect(splitSentences('')).toEqual([]);
    expect(splitSentences('   \n ')).toEqual(['   \n ']);
  });

  it('does not end a sentence at common abbreviations and titles', () => {
    expect(splitSentences('Mr. Smith met Dr. Jones. They talked.')).toEqual([
      'Mr. Smith met Dr. Jones. ',
      'They talked.',
    ]);
    expect(splitSentences('Bring fruit, e.g. apples, i.e. the red ones. Then go.')).toEqual([
      'Bring fruit, e.g. apples, i.e. the red ones. ',
      'Then go.',
    ]);
    expect(splitSentences('We met Prof. Adams in St. Louis at noon.')).toEqual([
      'We met Prof. Adams in St. Louis at noon.',
    ]);
  });

  it('keeps U.S., etc. and the like inside a sentence that continues in lower case', () => {
    expect(splitSentences('The U.S. economy grew. It was fast.')).toEqual([
      'The U.S. economy grew. ',
      'It was fast.',
    ]);
    expect(splitSentences('Pens, pencils, etc. are here. Paper is not.')).toEqual([
      'Pens, pencils, etc. are here. ',
      'Paper is not.',
    ]);
    expect(splitSentences('I bought pens, pencils, etc. Then I left.')).toEqual([
      'I bought pens, pencils, etc. ',
      'Then I left.',
    ]);
  });

  it('does not split decimal numbers, versions or addresses', () => {
    expect(splitSentences('It costs 3.5 dollars at example.com today. Version 2.0.1 is out.')).toEqual([
      'It costs 3.5 dollars at example.com today. ',
      'Version 2.0.1 is out.',
    ]);
  });

  it('treats single capitals as initials', () => {
    expect(splitSentences('The book is by J. R. R. Tolkien. It is long.')).toEqual([
      'The book is by J. R. R. Tolkien. ',
      'It is long.',
    ]);
  });

  it('handles ellipses: a lower-case continuation stays, a capital starts a new sentence', () => {
    expect(splitSentences('Well... maybe not. Wait… What?')).toEqual([
      'Well... maybe not. ',
      'Wait… ',
      'What?',
    ]);
  });

  it('keeps closing quotes and brackets with the sentence they close', () => {
    expect(splitSentences('He said "Stop." Then he left. (It was late.) "Why?" she asked.')).toEqual([
      'He said "Stop." ',
      'Then he left. ',
      '(It was late.) ',
      '"Why?" ',
      'she asked.',
    ]);
    expect(splitSentences('“Run!” ’Now!’ [Done.] Next')).toEqual(['“Run!” ', '’Now!’ ', '[Done.] ', 'Next']);
  });

  it('splits CJK text at full-width terminators without spaces', () => {
    expect(splitSentences('今日は晴れです。明日は雨！本当？はい')).toEqual([
      '今日は晴れです。',
      '明日は雨！',
      '本当？',
      'はい',
    ]);
    expect(splitSentences('他说：「好的。」我们走吧。')).toEqual(['他说：「好的。」', '我们走吧。']);
    expect(splitSentences('你好!我很好')).toEqual(['你好!', '我很好']);
  });

  it('ends sentences at line breaks and paragraphs', () => {
    expect(splitSentences('Title\n\nFirst line\nsecond line.\r\nEnd')).toEqual([
      'Title\n\n',
      'First line\n',
      'second line.\r\n',
      'End',
    ]);
    expect(splitSentences('Dr.\nWho')).toEqual(['Dr.\n', 'Who']);
  });

  it('cuts a 50,000-char sentence without punctuation at word boundaries under the maximum', () => {
    const words = Array.from({ length: 10_000 }, (_, i) => `w${i % 97}rd`);
    const text = words.join(' ').slice(0, 50_000);
    const pieces = splitSentences(text);
    expect(pieces.join('')).toBe(text);
    expect(pieces.length).toBeGreaterThan(50_000 / MAX_SENTENCE_LENGTH - 1);
    for (const piece of pieces.slice(0, -1)) {
      expect(piece.length).toBeLessThanOrEqual(MAX_SENTENCE_LENGTH);
      expect(piece.endsWith(' ')).toBe(true);
    }
  });

  it('prefers cutting an over-long sentence after a comma', () => {
    const first = `${'word '.repeat(40)}and more, `;
    const text = `${first}${'next '.repeat(40)}end.`;
    expect(splitSentences(text)[0]).toBe(first);
  });

  it('cuts CJK text without any punctuation anywhere, but never inside a surrogate pair', () => {
    const cjk = '漢'.repeat(700);
    expect(splitSentences(cjk).map((p) => p.length)).toEqual([300, 300, 100]);
    const emoji = '😀'.repeat(400);
    const pieces = splitSentences(emoji);
    expect(pieces.join('')).toBe(emoji);
    for (const piece of pieces) expect(piece.length % 2).toBe(0);
  });

  it('accepts a smaller maximum', () => {
    const pieces = splitSentences('one two three four five six seven', 10);
    expect(pieces).toEqual(['one two ', 'three ', 'four five ', 'six seven']);
  });
});

describe('splitSentences in scripts with terminators of their own', () => {
  it('splits Hindi at the danda, the double danda and the question mark', () => {
    expect(splitSentences('यह पहला वाक्य है। यह दूसरा वाक्य है॥ क्या यह तीसरा है?')).toEqual([
      'यह पहला वाक्य है। ',
      'यह दूसरा वाक्य है॥ ',
      'क्या यह तीसरा है?',
    ]);
  });

  it('splits Arabic at the Arabic question mark and the Latin full stop, and Urdu at its full stop', () => {
    expect(splitSentences('هذه جملة أولى. هل هذه جملة ثانية؟ نعم، هذه ثالثة.')).toEqual([
      'هذه جملة أولى. ',
      'هل هذه جملة ثانية؟ ',
      'نعم، هذه ثالثة.',
    ]);
    expect(splitSentences('یہ پہلا جملہ ہے۔ کیا یہ دوسرا ہے؟ ہاں۔')).toEqual([
      'یہ پہلا جملہ ہے۔ ',
      'کیا یہ دوسرا ہے؟ ',
      'ہاں۔',
    ]);
  });

  it('splits Armenian at its full stop but not at the question and exclamation marks inside words', () => {
    expect(splitSentences('Բարեւ։ Ո՞վ ես դու։ Ինչ՜ գեղեցիկ է։ Ես ուսանող եմ։')).toEqual([
      'Բարեւ։ ',
      'Ո՞վ ես դու։ ',
      'Ինչ՜ գեղեցիկ է։ ',
      'Ես ուսանող եմ։',
    ]);
  });

  it('splits Amharic at the Ethiopic full stop and question mark', () => {
    expect(splitSentences('ሰላም ነው። እንዴት ነህ፧ ደህና ነኝ።')).toEqual(['ሰላም ነው። ', 'እንዴት ነህ፧ ', 'ደህና ነኝ።']);
  });

  it('splits Burmese and Khmer, which put no space before the next sentence', () => {
    expect(splitSentences('မင်္ဂလာပါ။ နေကောင်းလား။')).toEqual(['မင်္ဂလာပါ။ ', 'နေကောင်းလား။']);
    expect(splitSentences('សួស្តី។ សុខសប្បាយទេ?')).toEqual(['សួស្តី។ ', 'សុខសប្បាយទេ?']);
  });

  it('keeps quotes with the sentence they close and all whitespace with the sentence before it', () => {
    expect(splitSentences('"यह है।" वह गया।')).toEqual(['"यह है।" ', 'वह गया।']);
    expect(splitSentences('क।\n\nख।  ग')).toEqual(['क।\n\n', 'ख।  ', 'ग']);
  });

  it('keeps the rules for English in the same text: abbreviations, initials, numbers and addresses', () => {
    expect(
      splitSentences('Mr. Smith met Dr. J. Jones at example.com for 3.5 hours. वह आया। Then he left.'),
    ).toEqual(['Mr. Smith met Dr. J. Jones at example.com for 3.5 hours. ', 'वह आया। ', 'Then he left.']);
  });

  it('finds every end in a long stretch that only the segmenter can split', () => {
    const word = fc.constantFrom('Բարեւ', 'Ո՞վ', 'ես', 'դու', 'ուսանող', 'Ինչ՜', 'եմ', '«այո»', '3.5');
    const sentence = fc.array(word, { minLength: 1, maxLength: 12 }).map((words) => `${words.join(' ')}։ `);
    fc.assert(
      fc.property(fc.array(sentence, { minLength: 50, maxLength: 400 }), (sentences) => {
        expect(splitSentences(sentences.join(''))).toEqual(sentences);
      }),
      { numRuns: 30 },
    );
  });

  it('does not cut a letter from its combining marks when there is nowhere else to cut', () => {
    const thai = 'กี่'.repeat(10);
    const pieces = splitSentences(thai, 10);
    expect(pieces.join('')).toBe(thai);
    expect(pieces.length).toBeGreaterThan(2);
    for (const piece of pieces) expect(piece.startsWith('ก')).toBe(true);
  });
});

describe('sentenceEnds', () => {
  it('gives the sentence boundaries without the end of the text', () => {
    expect(sentenceEnds('A b. C d. ')).toEqual([5]);
    expect(sentenceEnds('Mr. X')).toEqual([]);
  });
});

describe('splitSentences properties', () => {
  const fragment = fc.constantFrom(
    'Mr.',
    'Dr.',
    'e.g.',
    'U.S.',
    'etc.',
    '3.5',
    'J.',
    'word',
    'Word',
    'x',
    'É',
    '😀',
    '漢字',
    'かな',
    ' ',
    '  ',
    '\n',
    '\n\n',
    '\t',
    '.',
    '...',
    '…',
    '!',
    '?',
    '?!',
    '。',
    '！',
    '？',
    '，',
    '、',
    ',',
    '"',
    '”',
    ')',
    '(',
    '「',
    '」',
    'हिन्दी',
    'है',
    '।',
    '॥',
    'عربي',
    '؟',
    '۔',
    'Ո՞վ',
    'է',
    '։',
    '՜',
    'ሰላም',
    '።',
    '፧',
    '፨',
    'ไทย',
    'กี่',
    'မြန်မာ',
    '။',
    'ខ្មែរ',
    '។',
    '།',
    '\u200D',
  );
  const text = fc.oneof(
    fc.array(fragment, { maxLength: 200 }).map((parts) => parts.join('')),
    fc.string({ unit: 'grapheme', maxLength: 400 }),
    fc.string({ unit: 'binary', maxLength: 400 }),
  );
  const max = fc.integer({ min: 2, max: 400 });

  it('is lossless, never empty and never over the maximum', () => {
    fc.assert(
      fc.property(text, max, (input, maxLength) => {
        const pieces = splitSentences(input, maxLength);
        expect(pieces.join('')).toBe(input);
        for (const piece of pieces) {
          expect(piece.length).toBeGreaterThan(0);
          expect(piece.length).toBeLessThanOrEqual(maxLength);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('with the default maximum, is lossless on long inputs', () => {
    fc.assert(
      fc.property(fc.array(fragment, { minLength: 200, maxLength: 2000 }), (parts) => {
        const input = parts.join('');
        const pieces = splitSentences(input);
        expect(pieces.join('')).toBe(input);
        expect(pieces.every((p) => p.length > 0 && p.length <= MAX_SENTENCE_LENGTH)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});
