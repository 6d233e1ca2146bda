// Inline markup in one line's content (or one table cell), scanned left to right: escapes, code spans,
// emphasis (CommonMark's delimiter runs), links, images and footnote references, HTML tags, entities,
// URLs, e-mail addresses, emoji and a heading's closing #s. The scanner keeps what is open (emphasis
// openers, brackets) and what was last said, and emits the edits; the readers in links.ts, html.ts and
// urls.ts tell it how far each construct reaches.

import { EMOJI_NEEDS_MORE, emojiName, emojiSequenceEnd, mayStartEmoji } from '../emoji';
import {
  AMPERSAND,
  AT,
  BACKSLASH,
  BACKTICK,
  BANG,
  CARET,
  CLOSE_BRACKET,
  CLOSING_PUNCTUATION,
  DASH,
  DOT,
  HASH,
  LESS,
  OPENING_PUNCTUATION,
  OPEN_BRACKET,
  SLASH,
  SPACE,
  STAR,
  TILDE,
  UNDERSCORE,
  isAsciiLetter,
  isAsciiPunctuation,
  isDigit,
  isPunctuation,
  isSpace,
  isWordCharacter,
  skipSpaces,
} from './characters';
import { openHtmlEnd, readDeclaration, readEntity, readTag } from './html';
import type { Tag } from './html';
import { footnoteReferenceEnd, linkTailEnd } from './links';
import { NONE, STOP, endsSentence, pushEdit } from './scan';
import type { Carry, HtmlState, RangeEnd, ScanEnvironment, ScanOutcome } from './scan';
import { emailEdits, readAutolink, readBareUrl, readEmail, readEmailAutolink } from './urls';
import type { EmailAddress } from './urls';

interface Delimiter {
  char: number;
  start: number;
  end: number;
}

interface Bracket {
  start: number;
  image: boolean;
  /** Openers below this index belong outside the bracket: closers inside do not reach them. */
  floor: number;
  active: boolean;
}

/** Scans [from, to) of one line (or one table cell) for inline markup, emitting edits. */
export class RangeScanner {
  readonly #env: ScanEnvironment;
  readonly #src: string;
  readonly #from: number;
  readonly #to: number;
  readonly #more: boolean;
  readonly #end: RangeEnd;
  readonly #cuts: boolean;
  readonly #heading: boolean;
  readonly #carry: Carry;
  readonly #openers: Delimiter[] = [];
  readonly #brackets: Bracket[] = [];
  /** Edits and delimiters end here at the latest; an e-mail's local part is not sought before it. */
  #lastTokenEnd: number;
  #lastEmojiEnd = -1;
  #suffixStart: number | undefined;
  #backticks: BacktickIndex | undefined;

  constructor(
    env: ScanEnvironment,
    from: number,
    to: number,
    end: RangeEnd,
    carry: Carry,
    cuts: boolean,
    heading: boolean,
  ) {
    this.#env = env;
    this.#src = env.src;
    this.#from = from;
    this.#to = to;
    this.#end = end;
    this.#more = end === 'open';
    this.#cuts = cuts;
    this.#heading = heading;
    this.#carry = carry;
    this.#lastTokenEnd = from;
  }

  run(): ScanOutcome {
    let at = this.#from;
    while (at < this.#to) {
      const html = this.#carry.html;
      const next = html === 'none' ? this.#step(at) : this.#skipHtml(at, html);
      if (next === STOP) break;
      at = next;
    }
    return { carry: this.#carry, suffixStart: this.#suffixStart };
  }

  #step(at: number): number {
    const code = this.#src.charCodeAt(at);
    if (isSpace(code)) {
      this.#offerCut(at);
      return at + 1;
    }
    this.#carry.cellHasContent = true;
    switch (code) {
      case BACKSLASH:
        return this.#escape(at);
      case BACKTICK:
        return this.#codeSpan(at);
      case STAR:
      case UNDERSCORE:
      case TILDE:
        return this.#delimiterRun(at, code);
      case BANG:
        return this.#bang(at);
      case OPEN_BRACKET:
        return this.#openBracket(at);
      case CLOSE_BRACKET:
        return this.#closeBracket(at);
      case LESS:
        return this.#angle(at);
      case AMPERSAND:
        return this.#entity(at);
      case AT:
        return this.#email(at);
      case HASH:
        return this.#heading ? this.#closingHashes(at) : this.#keycapOrLiteral(at);
      case 0x68: // h
      case 0x48:
      case 0x77: // w
      case 0x57:
      case 0x66: // f
      case 0x46:
        return this.#bareUrl(at);
    }
    if (isDigit(code)) return this.#keycapOrLiteral(at);
    if (mayStartEmoji(code)) return this.#emoji(at);
    return this.#literal(at);
  }

  // --- bookkeeping --------------------------------------------------------------------------------

  #offerCut(at: number): void {
    if (!this.#cuts || at <= this.#from || isSpace(this.#src.charCodeAt(at - 1))) return;
    if (this.#openers.length > 0 || this.#brackets.length > 0 || this.#carry.html !== 'none') return;
    this.#env.cut = { at, carry: { ...this.#carry } };
  }

  #emit(start: number, end: number, text: string): void {
    pushEdit(this.#env, { start, end, text });
    if (end > this.#lastTokenEnd) this.#lastTokenEnd = end;
  }

  #spoke(code: number): void {
    if (isSpace(code)) return;
    this.#carry.beforeLast = this.#carry.last;
    this.#carry.last = code;
    this.#carry.atBreak = false;
  }

  #spokeText(text: string): void {
    for (let index = Math.max(0, text.length - 2); index < text.length; index += 1)
      this.#spoke(text.charCodeAt(index));
  }

  /** The last two characters of [from, to) that are not spaces count as spoken. */
  #spokeRange(from: number, to: number): void {
    let found = 0;
    let index = to - 1;
    while (index >= from && found < 2) {
      if (!isSpace(this.#src.charCodeAt(index))) found += 1;
      index -= 1;
    }
    for (let at = index + 1; at < to; at += 1) this.#spoke(this.#src.charCodeAt(at));
  }

  #literal(at: number): number {
    const code = this.#src.charCodeAt(at);
    this.#spoke(code);
    const pair = code >= 0xd800 && code <= 0xdbff && at + 1 < this.#to;
    return at + (pair ? 2 : 1);
  }

  /** What a reader's answer means here: its end, STOP, or (NONE) the character at `at` read as it is. */
  #endOr(end: number, at: number): number {
    return end === NONE ? this.#literal(at) : end;
  }

  /** The range ran out at `at`: STOP when more text may come, else `fallback`. */
  #ranOut(fallback: number): number {
    return this.#more ? STOP : fallback;
  }

  #codePointBefore(at: number): number {
    if (at <= this.#from) return SPACE;
    const low = this.#src.charCodeAt(at - 1);
    if (low >= 0xdc00 && low <= 0xdfff && at - 2 >= this.#from) {
      const high = this.#src.charCodeAt(at - 2);
      if (high >= 0xd800 && high <= 0xdbff) return (high - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000;
    }
    return low;
  }

  #codePointAt(at: number): number {
    if (at >= this.#to) return SPACE;
    return this.#src.codePointAt(at) ?? SPACE;
  }

  // --- HTML comments and raw text (script, style), which may run over lines -----------------------

  #skipHtml(at: number, html: Exclude<HtmlState, 'none'>): number {
    const end = openHtmlEnd(this.#src, at, this.#to, html);
    if (end >= 0) {
      this.#emit(at, end, '');
      this.#carry.html = 'none';
      return end;
    }
    if (this.#more) return STOP;
    this.#emit(at, this.#to, '');
    return this.#to;
  }

  // --- escapes, code spans, emphasis --------------------------------------------------------------

  #escape(at: number): number {
    if (at + 1 >= this.#to) return this.#ranOut(this.#literal(at));
    const next = this.#src.charCodeAt(at + 1);
    if (!isAsciiPunctuation(next)) return this.#literal(at);
    this.#emit(at, at + 1, '');
    this.#spoke(next);
    return at + 2;
  }

  #codeSpan(at: number): number {
    const src = this.#src;
    let runEnd = at;
    while (runEnd < this.#to && src.charCodeAt(runEnd) === BACKTICK) runEnd += 1;
    if (runEnd >= this.#to && this.#more) return STOP;
    const length = runEnd - at;
    this.#backticks ??= new BacktickIndex(src, this.#from, this.#to);
    const close = this.#backticks.closingRun(runEnd, length);
    if (close < 0 || (close + length >= this.#to && this.#more)) {
      if (this.#more) return STOP;
      this.#spoke(BACKTICK);
      return runEnd;
    }
    this.#emit(at, runEnd, '');
    this.#emit(close, close + length, '');
    this.#spokeRange(runEnd, close);
    return close + length;
  }

  #delimiterRun(at: number, char: number): number {
    const src = this.#src;
    let runEnd = at;
    while (runEnd < this.#to && src.charCodeAt(runEnd) === char) runEnd += 1;
    if (runEnd >= this.#to && this.#more) return STOP;
    const before = this.#codePointBefore(at);
    const after = this.#codePointAt(runEnd);
    const { canOpen, canClose } = flanking(char, before, after, runEnd - at);
    if (!canOpen && !canClose) {
      this.#spoke(char);
      return runEnd;
    }
    this.#lastTokenEnd = runEnd;
    const run: Delimiter = { char, start: at, end: runEnd };
    if (canClose) this.#closeEmphasis(run);
    if (canOpen && run.start < run.end) this.#openers.push(run);
    else if (run.start < run.end) this.#spoke(char);
    return runEnd;
  }

  /** Matches a closing run against the nearest openers of its character, deleting the pairs. */
  #closeEmphasis(closer: Delimiter): void {
    const floor = this.#brackets.at(-1)?.floor ?? 0;
    while (closer.start < closer.end) {
      let index = this.#openers.length - 1;
      while (index >= floor && (this.#openers[index] as Delimiter).char !== closer.char) index -= 1;
      if (index < floor) return;
      const opener = this.#openers[index] as Delimiter;
      const strong = opener.end - opener.start >= 2 && closer.end - closer.start >= 2;
      const width = strong || closer.char === TILDE ? 2 : 1;
      this.#emit(opener.end - width, opener.end, '');
      this.#emit(closer.start, closer.start + width, '');
      opener.end -= width;
      closer.start += width;
      this.#openers.length = opener.end > opener.start ? index + 1 : index;
    }
  }

  // --- links, images, footnotes -------------------------------------------------------------------

  #bang(at: number): number {
    if (at + 1 >= this.#to) return this.#ranOut(this.#literal(at));
    if (this.#src.charCodeAt(at + 1) !== OPEN_BRACKET) return this.#literal(at);
    this.#brackets.push({ start: at, image: true, floor: this.#openers.length, active: true });
    this.#lastTokenEnd = at + 2;
    return at + 2;
  }

  #openBracket(at: number): number {
    if (at + 1 >= this.#to) {
      if (this.#more) return STOP;
    } else if (this.#src.charCodeAt(at + 1) === CARET) {
      const footnote = footnoteReferenceEnd(this.#src, at, this.#to, this.#more);
      if (footnote === STOP) return STOP;
      if (footnote !== NONE) {
        this.#emit(at, footnote, '');
        return footnote;
      }
    }
    this.#brackets.push({ start: at, image: false, floor: this.#openers.length, active: true });
    this.#lastTokenEnd = at + 1;
    return at + 1;
  }

  #closeBracket(at: number): number {
    const bracket = this.#brackets.at(-1);
    if (!bracket) return this.#literal(at);
    let linkEnd = NONE;
    if (bracket.active) {
      linkEnd = linkTailEnd(this.#src, at + 1, this.#to, this.#more);
      if (linkEnd === STOP) return STOP;
    }
    this.#brackets.pop();
    if (linkEnd === NONE) return this.#literal(at);
    // Emphasis inside the link text cannot pair with delimiters outside it.
    this.#openers.length = Math.min(this.#openers.length, bracket.floor);
    this.#emit(bracket.start, bracket.start + (bracket.image ? 2 : 1), '');
    this.#emit(at, linkEnd, '');
    if (!bracket.image) for (const outer of this.#brackets) outer.active = false;
    return linkEnd;
  }

  // --- angle brackets: autolinks, HTML tags, comments; entities -----------------------------------

  #angle(at: number): number {
    if (at + 1 >= this.#to) return this.#ranOut(this.#literal(at));
    const next = this.#src.charCodeAt(at + 1);
    let end = NONE;
    if (next === BANG) end = this.#declaration(at);
    else if (isAsciiLetter(next)) {
      end = this.#autolink(at);
      if (end === NONE) end = this.#emailAutolink(at);
      if (end === NONE) end = this.#tag(at);
    } else if (next === SLASH) end = this.#tag(at);
    return this.#endOr(end, at);
  }

  #declaration(at: number): number {
    const declaration = readDeclaration(this.#src, at, this.#to, this.#more);
    if (typeof declaration === 'number') return declaration;
    this.#emit(at, declaration.end, '');
    if (declaration.opensComment) this.#carry.html = 'comment';
    return declaration.end;
  }

  #autolink(at: number): number {
    const link = readAutolink(this.#src, at, this.#to, this.#more, this.#env.words);
    if (typeof link === 'number') return link;
    const end = link.close + 1;
    if (link.spoken) {
      this.#emit(at, end, link.spoken);
      this.#spokeText(link.spoken);
      return end;
    }
    this.#emit(at, at + 1, '');
    this.#spokeRange(at + 1, link.close);
    this.#emit(link.close, end, '');
    return end;
  }

  #emailAutolink(at: number): number {
    const address = readEmailAutolink(this.#src, at, this.#to, this.#more);
    if (typeof address === 'number') return address;
    const close = address.domain.end;
    this.#emit(at, at + 1, '');
    this.#emitEmail(address);
    this.#emit(close, close + 1, '');
    return close + 1;
  }

  #tag(at: number): number {
    const tag = readTag(this.#src, at, this.#to, this.#more);
    if (typeof tag === 'number') return tag;
    this.#emitTag(at, tag);
    return tag.end;
  }

  /** What a tag becomes: nothing, a line break, a cell's comma, an image's text, or a paragraph break. */
  #emitTag(start: number, tag: Tag): void {
    const { end, kind, closing } = tag;
    const carry = this.#carry;
    switch (kind) {
      case 'inline':
        this.#emit(start, end, '');
        return;
      case 'break':
        this.#emit(start, end, '\n');
        return;
      case 'cell':
        this.#emit(start, end, closing || carry.atBreak ? '' : ', ');
        return;
      case 'image': {
        const text = tag.alt?.trim() ?? '';
        this.#emit(start, end, text);
        this.#spokeText(text);
        return;
      }
      case 'raw':
        this.#emit(start, end, '');
        if (!closing && !tag.selfClosing) carry.html = tag.name === 'script' ? 'script' : 'style';
        return;
      case 'item':
      case 'block': {
        const dot = kind === 'item' && closing && carry.last !== 0 && !carry.atBreak && !endsSentence(carry);
        this.#emit(start, end, (dot ? '.' : '') + (carry.atBreak ? '' : '\n\n'));
        if (dot) this.#spoke(DOT);
        carry.atBreak = true;
      }
    }
  }

  #entity(at: number): number {
    const entity = readEntity(this.#src, at, this.#to, this.#more);
    if (typeof entity === 'number') return this.#endOr(entity, at);
    this.#emit(at, entity.end, entity.text);
    this.#spokeText(entity.text);
    return entity.end;
  }

  // --- e-mail addresses and bare URLs -------------------------------------------------------------

  #email(at: number): number {
    const floor = Math.max(this.#from, this.#lastTokenEnd);
    const address = readEmail(this.#src, floor, at, this.#to, this.#more);
    if (typeof address === 'number') return this.#endOr(address, at);
    this.#emitEmail(address);
    return address.domain.end;
  }

  #emitEmail(address: EmailAddress): void {
    for (const edit of emailEdits(this.#src, address, this.#env.words))
      this.#emit(edit.start, edit.end, edit.text);
    this.#spokeRange(address.domain.end - 2, address.domain.end);
  }

  #bareUrl(at: number): number {
    if (at > this.#from) {
      const before = this.#codePointBefore(at);
      if (isWordCharacter(before) || before === DOT || before === SLASH || before === AT || before === DASH) {
        return this.#literal(at);
      }
    }
    const url = readBareUrl(this.#src, at, this.#to, this.#more, this.#brackets.length > 0);
    if (typeof url === 'number') return this.#endOr(url, at);
    this.#emit(at, url.end, `${this.#env.words.linkTo} ${url.host}`);
    this.#spokeText(url.host);
    return url.end;
  }

  // --- emoji, keycaps, heading ends ---------------------------------------------------------------

  #keycapOrLiteral(at: number): number {
    if (at + 1 >= this.#to) return this.#ranOut(this.#literal(at));
    const next = this.#src.charCodeAt(at + 1);
    return next === 0xfe0f || next === 0x20e3 ? this.#emoji(at) : this.#literal(at);
  }

  #emoji(at: number): number {
    const src = this.#src;
    const end = emojiSequenceEnd(src, at, this.#to, this.#more);
    if (end === EMOJI_NEEDS_MORE) return STOP;
    if (end < 0) return this.#literal(at);
    const before = src.charCodeAt(at - 1);
    const joinsBefore =
      at > this.#from && this.#lastEmojiEnd !== at && !isSpace(before) && !OPENING_PUNCTUATION.has(before);
    const joinsAfter =
      end < this.#to && !isSpace(src.charCodeAt(end)) && !CLOSING_PUNCTUATION.has(src.charCodeAt(end));
    const name =
      this.#env.options.emoji === 'names'
        ? emojiName(src.slice(at, end), this.#env.options.language)
        : undefined;
    let text: string;
    if (name) text = `${joinsBefore ? ' ' : ''}${name}${joinsAfter ? ' ' : ''}`;
    else text = joinsBefore && joinsAfter ? ' ' : '';
    this.#emit(at, end, text);
    if (name) this.#spokeText(name);
    this.#lastEmojiEnd = end;
    return end;
  }

  #closingHashes(at: number): number {
    const src = this.#src;
    let runEnd = at;
    while (runEnd < this.#to && src.charCodeAt(runEnd) === HASH) runEnd += 1;
    const literalRun = (): number => {
      this.#spoke(HASH);
      return runEnd;
    };
    if (at > this.#from && !isSpace(src.charCodeAt(at - 1))) return literalRun();
    if (skipSpaces(src, runEnd, this.#to) < this.#to) return literalRun();
    if (this.#more) return STOP;
    if (this.#end !== 'line') return literalRun();
    let spaceStart = at;
    while (spaceStart > this.#lastTokenEnd && isSpace(src.charCodeAt(spaceStart - 1))) spaceStart -= 1;
    this.#emit(spaceStart, runEnd, '');
    this.#suffixStart = spaceStart;
    return this.#to;
  }
}

/** CommonMark's left- and right-flanking rules for a run of `*`, `_` or `~`. */
function flanking(
  char: number,
  before: number,
  after: number,
  length: number,
): { canOpen: boolean; canClose: boolean } {
  const spaceBefore = isSpace(before);
  const spaceAfter = isSpace(after);
  const punctuationBefore = isPunctuation(before);
  const punctuationAfter = isPunctuation(after);
  const left = !spaceAfter && (!punctuationAfter || spaceBefore || punctuationBefore);
  const right = !spaceBefore && (!punctuationBefore || spaceAfter || punctuationAfter);
  if (char === UNDERSCORE) {
    return { canOpen: left && (!right || punctuationBefore), canClose: right && (!left || punctuationAfter) };
  }
  if (char === TILDE && length !== 2) return { canOpen: false, canClose: false };
  // 2*3*4 is arithmetic.
  if (char === STAR && isDigit(before) && isDigit(after)) return { canOpen: false, canClose: false };
  return { canOpen: left, canClose: right };
}

/** Backtick runs of a range, for finding each code span's closing run in linear time overall. */
class BacktickIndex {
  readonly #runsByLength = new Map<number, number[]>();
  readonly #next = new Map<number, number>();

  constructor(src: string, from: number, to: number) {
    let index = from;
    while (index < to) {
      if (src.charCodeAt(index) !== BACKTICK) {
        index += 1;
        continue;
      }
      const start = index;
      while (index < to && src.charCodeAt(index) === BACKTICK) index += 1;
      const length = index - start;
      let runs = this.#runsByLength.get(length);
      if (!runs) {
        runs = [];
        this.#runsByLength.set(length, runs);
      }
      runs.push(start);
    }
  }

  /** The first run of exactly `length` backticks starting at or after `from` (calls come in order). */
  closingRun(from: number, length: number): number {
    const runs = this.#runsByLength.get(length);
    if (!runs) return -1;
    let next = this.#next.get(length) ?? 0;
    while (next < runs.length && (runs[next] as number) < from) next += 1;
    this.#next.set(length, next);
    return runs[next] ?? -1;
  }
}
