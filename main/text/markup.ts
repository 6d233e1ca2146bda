// Markup → prose, as edits on the source text. Captured selections, clipboards and piped LLM answers are
// often Markdown, HTML pasted as text or quoted e-mail, and hold bare URLs and emoji; read as they are,
// a voice says "asterisk asterisk", spells URLs and reads code. This module finds that markup and
// returns small edits (delete a marker, replace a URL by "a link to host") so the caller's offset map
// still leads every spoken word back to its source characters.
//
// The text is read line by line. Each line's block kind (heading, list item, table row, code, quote,
// rule…) is told from its start and the lines before it; its inline markup is then scanned left to
// right (emphasis as in CommonMark's delimiter runs, links, code spans, tags, entities, URLs, e-mail
// addresses, emoji). Inline markup does not run across lines. A stream is cleaned with the same code:
// it releases text up to a point after which nothing can change what came before (a space with no
// construct open before it, once the line's kind is known), so its edits are exactly those of the
// whole text, unless a line holds more than HOLD_LIMIT (cleaner.ts) characters with nothing safe to
// cut at, where it cuts anyway. A line's break is held until the next line's kind is known: an
// underline, a list item's continuation or a code fence below can still put a full stop before it.
//
// Deliberately simple, where speech does not need more: tables need a leading pipe; shortcut reference
// links ("[text]" alone) stay as they are; emphasis has no "rule of three"; a `*` between two digits is
// a multiplication, not emphasis; `~~` (not a single `~`, which prose uses for "about") strikes out.
// E-mail addresses are read as said: "anna dot berg at example dot com". As in CommonMark, a line
// indented by four spaces after a blank line is code, so indented plain-text paragraphs are skipped.
// Text without spaces (Chinese, Japanese) streams in HOLD_LIMIT pieces.
//
// The parts, under markup/: cleaner.ts drives the lines and the stream; blocks.ts tells a line's kind;
// inline.ts scans a line's content (table-row.ts a table row's cells), asking links.ts, html.ts and
// urls.ts how far a construct reaches; scan.ts holds what those share, characters.ts the character
// classes, words.ts the words added in each language.

import type { CodeBlockMode, EmojiMode } from '../../shared/settings-schema';
import type { TextEdit } from './offset-map';
import { MarkupCleaner } from './markup/cleaner';

export interface MarkupOptions {
  codeBlocks: CodeBlockMode;
  emoji: EmojiMode;
  /** ISO 639-1 language for the few words this module adds ("code block", "a link to", "table", emoji names); unknown → English. */
  language?: string;
}

export interface MarkupUnit {
  text: string;
  edits: TextEdit[];
}

/** Edits that turn Markdown / HTML-as-text / e-mail quoting / URLs / emoji in a whole text into plain speakable prose. */
export function markupEdits(text: string, options: MarkupOptions): TextEdit[] {
  const cleaner = new MarkupCleaner(options, false);
  cleaner.append(text);
  cleaner.drain(true);
  return cleaner.allEdits();
}

/** The same cleaning for text that arrives in pieces (a stream on stdin), across piece boundaries. */
export class MarkupStream {
  readonly #cleaner: MarkupCleaner;

  constructor(options: MarkupOptions) {
    this.#cleaner = new MarkupCleaner(options, true);
  }

  /** Takes the next piece; returns the source text that can now be cleaned, in units, each with its edits (relative to that unit's own text). */
  push(chunk: string): MarkupUnit[] {
    if (chunk.length === 0) return [];
    this.#cleaner.append(chunk);
    return this.#cleaner.drain(false);
  }

  /** The input ended: everything still held. */
  end(): MarkupUnit[] {
    return this.#cleaner.drain(true);
  }
}
