import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  GenerationBuffer,
  MAX_GENERATION_CHARS,
  endsWithCompleteSentence,
  scheduleCut,
  splitLongGeneration,
} from './generation-buffer';

const WORDS = 'the quick brown fox jumps over a lazy dog while reading aloud some text'.split(' ');

/** Words separated by single spaces, with a trailing space, about `length` characters long. */
function words(length: number, seed = 0): string {
  let text = '';
  for (let i = seed; text.length < length; i++) text += `${WORDS[i % WORDS.length]} `;
  return text;
}

/** Sends `text` one word at a time and records every generation. */
function streamWords(buffer: GenerationBuffer, text: string): string[] {
  const generations: string[] = [];
  for (const word of text.match(/\S+\s*/g) ?? []) generations.push(...buffer.add(word));
  return generations;
}

describe('GenerationBuffer with the default schedule', () => {
  it('generates nothing below 120 characters', () => {
    const buffer = new GenerationBuffer();
    expect(buffer.add(words(110))).toEqual([]);
    expect(buffer.buffered.length).toBeGreaterThanOrEqual(110);
  });

  it('generates at 120, then 160, 250 and 290 characters, cutting between words', () => {
    const buffer = new GenerationBuffer();
    const text = words(2000);
    const generations = streamWords(buffer, text);
    expect(generations.length).toBeGreaterThanOrEqual(6);
    const lengths = generations.map((generation) => generation.length);
    // Each generation fills its threshold up to the last complete word: at most the threshold and
    // at most one word short of it.
    const thresholds = [120, 160, 250, 290, 290, 290];
    thresholds.forEach((threshold, i) => {
      expect(lengths[i]).toBeLessThanOrEqual(threshold);
      expect(lengths[i]).toBeGreaterThan(threshold - 10);
    });
    for (const generation of generations) expect(generation).toMatch(/\S $/);
    expect(generations.join('') + buffer.buffered).toBe(text);
  });

  it('leaves the rest of a 200-character message buffered until the next threshold', () => {
    const buffer = new GenerationBuffer();
    const text = words(200);
    const generations = buffer.add(text);
    expect(generations).toHaveLength(1);
    expect(generations[0]!.length).toBeLessThanOrEqual(120);
    expect(buffer.buffered).toBe(text.slice(generations[0]!.length));
    expect(buffer.nextThreshold).toBe(160);
  });

  it('prefers a sentence end below the threshold to a word boundary', () => {
    const first = `${words(80)}ends here. `;
    const buffer = new GenerationBuffer();
    const generations = buffer.add(`${first}Then ${words(60, 3)}`);
    expect(generations[0]).toBe(first);
  });

  it('honours a custom schedule', () => {
    const buffer = new GenerationBuffer({ schedule: [50] });
    const generations = streamWords(buffer, words(300));
    expect(generations.length).toBeGreaterThanOrEqual(5);
    for (const generation of generations) expect(generation.length).toBeLessThanOrEqual(50);
  });

  it('cuts text without spaces (Chinese) at the threshold', () => {
    const text = '我'.repeat(130);
    const buffer = new GenerationBuffer();
    expect(buffer.add(text)).toEqual(['我'.repeat(120)]);
  });

  it('cuts Chinese at a sentence end', () => {
    const text = `${'我'.repeat(100)}。${'你'.repeat(30)}`;
    expect(new GenerationBuffer().add(text)).toEqual([`${'我'.repeat(100)}。`]);
  });
});

describe('flush, try_trigger_generation and end of input', () => {
  it('flush generates everything buffered, even a word in progress', () => {
    const buffer = new GenerationBuffer();
    buffer.add('Hello wor');
    expect(buffer.add('ld', { flush: true })).toEqual(['Hello world']);
    expect(buffer.buffered).toBe('');
  });

  it('flush with only whitespace buffered generates nothing and keeps it for the next text', () => {
    const buffer = new GenerationBuffer();
    expect(buffer.add('  ', { flush: true })).toEqual([]);
    expect(buffer.add('Hi', { flush: true })).toEqual(['  Hi']);
  });

  it('try_trigger_generation generates complete words once more than 50 characters are buffered', () => {
    const buffer = new GenerationBuffer();
    expect(buffer.add(words(40), { tryTrigger: true })).toEqual([]);
    const text = words(40);
    const generations = buffer.add(`${text}unfinis`, { tryTrigger: true });
    expect(generations).toEqual([words(40) + text]);
    expect(buffer.buffered).toBe('unfinis');
  });

  it('end of input returns the rest and drops trailing whitespace alone', () => {
    const buffer = new GenerationBuffer();
    buffer.add('Short text.');
    expect(buffer.end()).toEqual(['Short text.']);
    buffer.add('   ');
    expect(buffer.end()).toEqual([]);
  });

  it('splits a long flush into sentence groups of at most 300 characters', () => {
    const sentence = 'This sentence is here to make the text long enough. ';
    const text = sentence.repeat(20);
    const generations = new GenerationBuffer().add(text, { flush: true });
    expect(generations.length).toBeGreaterThan(3);
    expect(generations.join('')).toBe(text);
    for (const generation of generations) {
      expect(generation.length).toBeLessThanOrEqual(MAX_GENERATION_CHARS);
      expect(generation.endsWith('. ')).toBe(true);
    }
  });
});

describe('auto_mode', () => {
  it('generates at every sentence end without waiting for the schedule', () => {
    const buffer = new GenerationBuffer({ autoMode: true });
    expect(buffer.add('Hi. ')).toEqual(['Hi. ']);
    expect(buffer.add('How are')).toEqual([]);
    expect(buffer.add(' you? Fine')).toEqual(['How are you? ']);
    expect(buffer.buffered).toBe('Fine');
  });

  it('waits after an abbreviation or a number that may go on', () => {
    const buffer = new GenerationBuffer({ autoMode: true });
    expect(buffer.add('I met Dr. ')).toEqual([]);
    expect(buffer.add('Smith. It cost 3.')).toEqual(['I met Dr. Smith. ']);
    expect(buffer.add('5 euros. ')).toEqual(['It cost 3.5 euros. ']);
  });

  it('still generates unpunctuated text at a word boundary past the largest threshold', () => {
    const buffer = new GenerationBuffer({ autoMode: true });
    const generations = streamWords(buffer, words(400));
    expect(generations.length).toBeGreaterThanOrEqual(1);
    expect(generations[0]!.length).toBeLessThanOrEqual(290);
  });
});

describe('helpers', () => {
  it('endsWithCompleteSentence needs whitespace after a western terminator', () => {
    expect(endsWithCompleteSentence('Hello. ')).toBe(true);
    expect(endsWithCompleteSentence('Hello.')).toBe(false);
    expect(endsWithCompleteSentence('Hello')).toBe(false);
    expect(endsWithCompleteSentence('你好。')).toBe(true);
    expect(endsWithCompleteSentence('e.g. ')).toBe(false);
  });

  it('scheduleCut falls back to the first word end for one very long word', () => {
    const text = `${'x'.repeat(150)} tail`;
    expect(scheduleCut(text, 120)).toBe(151);
  });

  it('splitLongGeneration leaves short text alone', () => {
    expect(splitLongGeneration('Short.')).toEqual(['Short.']);
  });
});

describe('properties', () => {
  const message = fc.record({
    text: fc.string({
      unit: fc.constantFrom('a', 'b', ' ', '.', '!', 'Z', '\n', '我', '😀', ','),
      maxLength: 80,
    }),
    flush: fc.boolean(),
    tryTrigger: fc.boolean(),
  });

  it('every character comes out exactly once, in order, in non-empty generations', () => {
    fc.assert(
      fc.property(fc.array(message, { maxLength: 40 }), fc.boolean(), (messages, autoMode) => {
        const buffer = new GenerationBuffer({ autoMode });
        const generations: string[] = [];
        for (const { text, flush, tryTrigger } of messages) {
          generations.push(...buffer.add(text, { flush, tryTrigger }));
        }
        const sent = messages.map((m) => m.text).join('');
        const leftover = buffer.buffered;
        expect(generations.join('') + leftover).toBe(sent);
        const rest = buffer.end();
        for (const generation of [...generations, ...rest]) {
          expect(generation.trim()).not.toBe('');
          expect(generation.length).toBeLessThanOrEqual(MAX_GENERATION_CHARS);
        }
        const spoken = leftover.trim() === '' ? sent.slice(0, sent.length - leftover.length) : sent;
        expect(generations.join('') + rest.join('')).toBe(spoken);
      }),
    );
  });
});
