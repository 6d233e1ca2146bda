// Block structure: what kind of line this is (heading, list item, table row, code fence, quote, rule…),
// told from its start and the lines before it, and what its prefix (quote marks, list marker…) becomes.
// A stream may hold only part of a line: the classifier then says when it cannot tell yet.

import {
  BACKSLASH,
  BACKTICK,
  CARET,
  CARRIAGE_RETURN,
  CLOSE_BRACKET,
  CLOSE_PAREN,
  COLON,
  DASH,
  DOT,
  EQUALS,
  GREATER,
  HASH,
  OPEN_BRACKET,
  PIPE,
  PLUS,
  SPACE,
  STAR,
  TAB,
  TILDE,
  UNDERSCORE,
  isBlank,
  isDigit,
  isSpace,
} from './characters';
import { LINK_LABEL_LIMIT } from './links';
import type { HtmlState } from './scan';
import type { Words } from './words';

export type LineKind =
  | 'blank'
  | 'paragraph'
  | 'continuation'
  | 'listItem'
  | 'heading'
  | 'tableRow'
  | 'footnote'
  | 'html'
  | 'fenceOpen'
  | 'fenceClose'
  | 'code'
  | 'indentedCode'
  | 'rule'
  | 'setext'
  | 'tableSeparator'
  | 'referenceDefinition';

/** Lines whose text is read (after their prefix); the others are removed or replaced as a whole. */
export const CONTENT_KINDS: ReadonlySet<LineKind> = new Set<LineKind>([
  'paragraph',
  'continuation',
  'listItem',
  'heading',
  'tableRow',
  'footnote',
  'html',
]);
/** Kinds that end a paragraph right above them: it gets a full stop if it has none. */
export const PARAGRAPH_ENDERS: ReadonlySet<LineKind> = new Set<LineKind>([
  'fenceOpen',
  'heading',
  'tableRow',
  'tableSeparator',
  'listItem',
  'rule',
]);
/** Kinds that keep a list open (a blank line or a code block inside an item does not end it). */
export const LIST_KEEPERS: ReadonlySet<LineKind> = new Set<LineKind>([
  'listItem',
  'continuation',
  'blank',
  'fenceOpen',
  'fenceClose',
  'code',
]);

export interface Fence {
  char: number;
  length: number;
}

export interface LineDecision {
  kind: LineKind;
  /** [line start, contentStart) is the line's prefix (quote marks, list marker…), replaced by prefixText. */
  contentStart: number;
  prefixText: string;
  /** Only quote marks precede the content (kept indentation is read as it is). */
  quoted: boolean;
  fence?: Fence;
  /** An indented code block starts here (a fence's opening line always opens one). */
  announce: boolean;
}

export interface BlockState {
  fence: Fence | undefined;
  indentedCode: boolean;
  prevBlank: boolean;
  listOpen: boolean;
  prevKind: LineKind | undefined;
  /** The paragraph line just above: where it ends and whether it would need a full stop. */
  prevParagraph: { end: number; needsDot: boolean } | undefined;
  /** A list item's full stop, placed once the next line shows the item does not go on. */
  pendingItem: { at: number; needsDot: boolean } | undefined;
  html: HtmlState;
}

/** Before the first line: as if after a blank line, with nothing open. */
export function startingBlockState(): BlockState {
  return {
    fence: undefined,
    indentedCode: false,
    prevBlank: true,
    listOpen: false,
    prevKind: undefined,
    prevParagraph: undefined,
    pendingItem: undefined,
    html: 'none',
  };
}

/** Reads a line's start; undefined when more of the line is needed to tell (never when `complete`). */
export class LineClassifier {
  readonly #src: string;
  readonly #start: number;
  readonly #end: number;
  readonly #complete: boolean;
  readonly #block: BlockState;
  readonly #words: Words;
  #quoted = false;
  #afterQuotes: number;

  constructor(src: string, start: number, end: number, complete: boolean, block: BlockState, words: Words) {
    this.#src = src;
    this.#start = start;
    // A CR before the line feed is not part of the line's content.
    this.#end = end > start && src.charCodeAt(end - 1) === CARRIAGE_RETURN ? end - 1 : end;
    this.#complete = complete;
    this.#block = block;
    this.#words = words;
    this.#afterQuotes = start;
  }

  classify(): LineDecision | undefined {
    if (this.#block.html !== 'none') return this.#content('html', this.#start);
    if (!this.#stripQuotes()) return undefined;
    if (this.#block.fence) return this.#fenced(this.#block.fence);
    let at = this.#afterQuotes;
    let indent = 0;
    while (at < this.#end && isBlank(this.#src.charCodeAt(at))) {
      indent += this.#src.charCodeAt(at) === TAB ? 4 - (indent % 4) : 1;
      at += 1;
    }
    if (at >= this.#end) return this.#complete ? this.#whole('blank') : undefined;
    const block = this.#block;
    if (indent >= 4 && !block.listOpen && (block.indentedCode || block.prevBlank)) {
      return { ...this.#whole('indentedCode'), announce: !block.indentedCode };
    }
    const mayBeBlock = indent <= 3 || block.listOpen;
    const code = this.#src.charCodeAt(at);
    const paragraph = (): LineDecision =>
      this.#content(
        block.listOpen && indent >= 2 ? 'continuation' : 'paragraph',
        this.#afterQuotes,
        '',
        true,
      );
    switch (code) {
      case HASH:
        return mayBeBlock ? this.#heading(at, paragraph) : paragraph();
      case BACKTICK:
      case TILDE:
        return mayBeBlock ? this.#fenceOpen(at, code, paragraph) : paragraph();
      case DASH:
      case STAR:
      case UNDERSCORE:
      case PLUS:
        return this.#ruleOrBullet(at, code, mayBeBlock && indent <= 3, paragraph);
      case PIPE:
        return mayBeBlock ? this.#tableRow(at) : paragraph();
      case OPEN_BRACKET:
        return mayBeBlock ? this.#definition(at, paragraph) : paragraph();
      case EQUALS:
        return indent <= 3 && block.prevParagraph ? this.#setextEquals(at, paragraph) : paragraph();
    }
    if (isDigit(code)) return this.#ordered(at, paragraph);
    return paragraph();
  }

  /** Skips `>` marks (any depth, spaced or not); false when the line may still hold more of them. */
  #stripQuotes(): boolean {
    const src = this.#src;
    let at = this.#start;
    for (;;) {
      let next = at;
      while (next < this.#end && isBlank(src.charCodeAt(next))) next += 1;
      if (next >= this.#end) {
        if (!this.#complete) return false;
        break;
      }
      if (src.charCodeAt(next) !== GREATER) break;
      this.#quoted = true;
      at = next + 1;
      if (at < this.#end && src.charCodeAt(at) === SPACE) at += 1;
    }
    this.#afterQuotes = at;
    return true;
  }

  #content(kind: LineKind, contentStart: number, prefixText = '', onlyQuotes = false): LineDecision {
    return { kind, contentStart, prefixText, quoted: onlyQuotes, announce: false };
  }

  #whole(kind: LineKind): LineDecision {
    return { kind, contentStart: this.#start, prefixText: '', quoted: this.#quoted, announce: false };
  }

  #restIsSpace(from: number): boolean {
    for (let at = from; at < this.#end; at += 1) if (!isSpace(this.#src.charCodeAt(at))) return false;
    return true;
  }

  /** Skips spaces after a marker; undefined when the line may still be nothing but them. */
  #contentAfter(at: number): number | undefined {
    let index = at;
    while (index < this.#end && isBlank(this.#src.charCodeAt(index))) index += 1;
    if (index >= this.#end && !this.#complete) return undefined;
    return index;
  }

  #fenced(fence: Fence): LineDecision | undefined {
    if (!this.#complete) return undefined;
    const src = this.#src;
    let at = this.#afterQuotes;
    while (at < this.#end && isBlank(src.charCodeAt(at))) at += 1;
    let runEnd = at;
    while (runEnd < this.#end && src.charCodeAt(runEnd) === fence.char) runEnd += 1;
    const closes = runEnd - at >= fence.length && this.#restIsSpace(runEnd);
    return this.#whole(closes ? 'fenceClose' : 'code');
  }

  #heading(at: number, paragraph: () => LineDecision): LineDecision | undefined {
    let runEnd = at;
    while (runEnd < this.#end && this.#src.charCodeAt(runEnd) === HASH) runEnd += 1;
    if (runEnd >= this.#end && !this.#complete) return undefined;
    if (runEnd - at > 6 || (runEnd < this.#end && !isBlank(this.#src.charCodeAt(runEnd)))) return paragraph();
    const contentStart = this.#contentAfter(runEnd);
    return contentStart === undefined ? undefined : this.#content('heading', contentStart);
  }

  #fenceOpen(at: number, char: number, paragraph: () => LineDecision): LineDecision | undefined {
    let runEnd = at;
    while (runEnd < this.#end && this.#src.charCodeAt(runEnd) === char) runEnd += 1;
    if (runEnd >= this.#end && !this.#complete) return undefined;
    if (runEnd - at < 3) return paragraph();
    if (!this.#complete) return undefined;
    if (char === BACKTICK && this.#src.slice(runEnd, this.#end).includes('`')) return paragraph();
    return { ...this.#whole('fenceOpen'), fence: { char, length: runEnd - at } };
  }

  /** `---`, `***`, `___` (rules or setext underlines) and `-`, `*`, `+` bullets. */
  #ruleOrBullet(
    at: number,
    char: number,
    mayBeRule: boolean,
    paragraph: () => LineDecision,
  ): LineDecision | undefined {
    const src = this.#src;
    let count = 0;
    let gap = false;
    let spaced = false;
    let other = false;
    for (let index = at; index < this.#end; index += 1) {
      const code = src.charCodeAt(index);
      if (code === char) {
        count += 1;
        if (gap) spaced = true;
      } else if (isSpace(code)) {
        gap = true;
      } else {
        other = true;
        break;
      }
    }
    const bullet = char !== UNDERSCORE && (at + 1 >= this.#end || isBlank(src.charCodeAt(at + 1)));
    if (!other) {
      if (!this.#complete) return undefined;
      if (char === DASH && mayBeRule && !spaced && this.#block.prevParagraph) return this.#whole('setext');
      if (count >= 3 && char !== PLUS && mayBeRule) return this.#whole('rule');
    }
    if (!bullet) return paragraph();
    return this.#listItem(at + 1);
  }

  #ordered(at: number, paragraph: () => LineDecision): LineDecision | undefined {
    const src = this.#src;
    let index = at;
    while (index < this.#end && isDigit(src.charCodeAt(index)) && index - at < 10) index += 1;
    if (index >= this.#end) return this.#complete ? paragraph() : undefined;
    const delimiter = src.charCodeAt(index);
    if (index - at > 9 || (delimiter !== DOT && delimiter !== CLOSE_PAREN)) return paragraph();
    const after = index + 1;
    if (after >= this.#end) return this.#complete ? this.#listItem(after) : undefined;
    return isBlank(src.charCodeAt(after)) ? this.#listItem(after) : paragraph();
  }

  /** The item's text starts after the marker's spaces and a task box (`[ ]`, `[x]`). */
  #listItem(afterMarker: number): LineDecision | undefined {
    const src = this.#src;
    const start = this.#contentAfter(afterMarker);
    if (start === undefined) return undefined;
    let contentStart = start;
    if (src.charCodeAt(start) === OPEN_BRACKET) {
      if (start + 3 > this.#end) {
        if (!this.#complete) return undefined;
      } else {
        const mark = src.charCodeAt(start + 1);
        const box =
          (mark === SPACE || mark === 0x78 || mark === 0x58) && src.charCodeAt(start + 2) === CLOSE_BRACKET;
        if (box && start + 3 >= this.#end && !this.#complete) return undefined;
        if (box && (start + 3 >= this.#end || isBlank(src.charCodeAt(start + 3)))) {
          const afterBox = this.#contentAfter(start + 3);
          if (afterBox === undefined) return undefined;
          contentStart = afterBox;
        }
      }
    }
    return this.#content('listItem', contentStart);
  }

  #tableRow(at: number): LineDecision | undefined {
    const src = this.#src;
    let other = false;
    for (let index = at; index < this.#end; index += 1) {
      const code = src.charCodeAt(index);
      if (code !== PIPE && code !== COLON && code !== DASH && !isSpace(code)) {
        other = true;
        break;
      }
    }
    if (!other) {
      if (!this.#complete) return undefined;
      if (isTableSeparator(src, at, this.#end)) return this.#whole('tableSeparator');
    }
    const contentStart = this.#contentAfter(at + 1) ?? this.#end;
    const first = this.#block.prevKind !== 'tableRow' && this.#block.prevKind !== 'tableSeparator';
    return this.#content('tableRow', contentStart, first ? `${this.#words.table} ` : '');
  }

  /** `[label]: destination` (removed) and `[^note]: text` (its text is read). */
  #definition(at: number, paragraph: () => LineDecision): LineDecision | undefined {
    const src = this.#src;
    const footnote = at + 1 < this.#end && src.charCodeAt(at + 1) === CARET;
    let index = at + 1;
    while (index < this.#end && src.charCodeAt(index) !== CLOSE_BRACKET) {
      const code = src.charCodeAt(index);
      if (code === OPEN_BRACKET || index - at > LINK_LABEL_LIMIT || (footnote && isSpace(code)))
        return paragraph();
      index += code === BACKSLASH ? 2 : 1;
    }
    if (index + 1 >= this.#end) return this.#complete ? paragraph() : undefined;
    if (src.charCodeAt(index + 1) !== COLON || index === at + 1) return paragraph();
    if (!footnote) return this.#whole('referenceDefinition');
    const contentStart = this.#contentAfter(index + 2);
    return contentStart === undefined ? undefined : this.#content('footnote', contentStart);
  }

  #setextEquals(at: number, paragraph: () => LineDecision): LineDecision | undefined {
    let index = at;
    while (index < this.#end && this.#src.charCodeAt(index) === EQUALS) index += 1;
    if (!this.#restIsSpace(index)) return paragraph();
    return this.#complete ? this.#whole('setext') : undefined;
  }
}

/** `| --- | :---: |`: cells of dashes with optional colons, at least one of them. */
function isTableSeparator(src: string, start: number, end: number): boolean {
  let cells = 0;
  let index = start;
  while (index < end) {
    while (index < end && (isSpace(src.charCodeAt(index)) || src.charCodeAt(index) === PIPE)) index += 1;
    if (index >= end) break;
    if (src.charCodeAt(index) === COLON) index += 1;
    const dashes = index;
    while (index < end && src.charCodeAt(index) === DASH) index += 1;
    if (index === dashes) return false;
    if (index < end && src.charCodeAt(index) === COLON) index += 1;
    while (index < end && isSpace(src.charCodeAt(index))) index += 1;
    if (index < end && src.charCodeAt(index) !== PIPE) return false;
    cells += 1;
  }
  return cells > 0;
}
