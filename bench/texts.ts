// Texts the benchmarks read. Written for Hark; plain prose with numbers, abbreviations and punctuation
// so that sentence splitting and the engine see ordinary reading material.

export const SHORT_TEXT = 'Hello! Your article is ready to read.';

const PARAGRAPHS = [
  'The ferry left the harbour at a quarter past seven, later than usual, because the fog had not lifted. ' +
    'Most passengers stayed inside, reading or dozing, while a few stood at the rail and watched the coast disappear. ',
  'Dr. Amsel kept a notebook of everything she saw on these crossings: the colour of the water, the number of gulls, ' +
    'the time it took the engines to settle into their steady hum. After 3.5 years she had filled eleven notebooks. ',
  'Halfway across, the fog thinned and the island came into view, low and green, with a white lighthouse at its ' +
    'northern tip. Somebody pointed; somebody else lifted a camera. The engines slowed, and the ferry began to turn. ',
  'On the quay, the harbour master checked his watch, frowned, and wrote down the minutes of delay, e.g. the twelve ' +
    'minutes lost to the fog this morning. Nobody would read his report, but he wrote it carefully all the same. ',
  'By noon the sun was warm enough to sit outside. Children ran along the sea wall, and the café by the pier ' +
    'put its chairs out, one row at a time, as if it were not quite sure the good weather would last. ',
];

/** About 1,000 characters: a few paragraphs, the kind of text a user selects and has read aloud. */
export const LONG_TEXT = PARAGRAPHS.join('');

/** Exactly `length` characters of prose (the last word may be cut). */
export function textOfLength(length: number): string {
  let text = '';
  for (let i = 0; text.length < length; i++) text += PARAGRAPHS[i % PARAGRAPHS.length];
  return text.slice(0, length);
}
