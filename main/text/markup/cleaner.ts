// The cleaner behind markupEdits and MarkupStream: it takes lines in order, tells each line's kind
// (blocks.ts), scans the content of those whose text is read (inline.ts, table-row.ts) and gives a
// heading, list item, table row or paragraph without one the full stop a voice needs to pause there.
// Streaming, it holds the text that could still change and releases the rest in units.

import type { MarkupOptions, MarkupUnit } from '../markup';
import type { TextEdit } from '../offset-map';
import { CONTENT_KINDS, LIST_KEEPERS, LineClassifier, PARAGRAPH_ENDERS, startingBlockState } from './blocks';
import type { BlockState, LineDecision } from './blocks';
import { isSpace } from './characters';
import { RangeScanner } from './inline';
import { endsSentence, freshCarry } from './scan';
import type { Carry, Cut, RangeEnd, ScanEnvironment, ScanOutcome } from './scan';
import { scanTableRow } from './table-row';
import { wordsFor } from './words';
import type { Words } from './words';

/** More than this many held characters with no safe cut are released at the last space anyway. */
const HOLD_LIMIT = 2000;

interface OpenLine {
  decision: LineDecision;
  /** Scanning of the line's content resumes here (after a cut). */
  segmentStart: number;
  carry: Carry;
  announced: boolean;
}

/** Whole text: collects every edit for allEdits(). Streaming: drain() hands out units as they become safe. */
export class MarkupCleaner {
  readonly #options: MarkupOptions;
  readonly #words: Words;
  readonly #streaming: boolean;
  /** Held text (streaming) or the whole text; #base is the absolute offset of its first character. */
  #text = '';
  #base = 0;
  #lineStart = 0;
  #newlineFrom = 0;
  #line: OpenLine | undefined;
  #pending: TextEdit[] = [];
  #maxEditEnd = 0;
  #spaceArrived = false;
  #units: MarkupUnit[] = [];
  readonly #block: BlockState = startingBlockState();

  constructor(options: MarkupOptions, streaming: boolean) {
    this.#options = options;
    this.#words = wordsFor(options.language);
    this.#streaming = streaming;
  }

  append(chunk: string): void {
    this.#text += chunk;
    if (!this.#spaceArrived && /\s/.test(chunk)) this.#spaceArrived = true;
  }

  /** Cleans what can be cleaned; `final`: the input has ended. Returns the released units. */
  drain(final: boolean): MarkupUnit[] {
    for (;;) {
      const found = this.#text.indexOf('\n', Math.max(this.#lineStart, this.#newlineFrom) - this.#base);
      if (found >= 0) {
        const newline = found + this.#base;
        this.#completeLine(newline);
        this.#lineStart = newline + 1;
        this.#line = undefined;
        continue;
      }
      this.#newlineFrom = this.#textEnd();
      if (final) {
        if (this.#textEnd() > this.#lineStart || this.#line) this.#completeLine(this.#textEnd(), true);
        this.#finishInput();
      } else {
        this.#advanceOpenLine();
      }
      break;
    }
    this.#spaceArrived = false;
    const units = this.#units;
    this.#units = [];
    return units;
  }

  /** Whole-text mode: every edit, in order. */
  allEdits(): TextEdit[] {
    return normalizeEdits(this.#pending);
  }

  #textEnd(): number {
    return this.#base + this.#text.length;
  }

  #emit(edit: TextEdit): void {
    this.#pending.push(edit);
    if (edit.end > this.#maxEditEnd) this.#maxEditEnd = edit.end;
  }

  #insertAt(at: number, text: string): void {
    this.#emit({ start: Math.max(at, this.#base), end: Math.max(at, this.#base), text });
  }

  /** Tells the current line's kind from what has arrived of it; false when it cannot be told yet. */
  #decide(availableEnd: number, complete: boolean): boolean {
    const base = this.#base;
    const classifier = new LineClassifier(
      this.#text,
      this.#lineStart - base,
      availableEnd - base,
      complete,
      this.#block,
      this.#words,
    );
    const relative = classifier.classify();
    if (!relative) return false;
    const decision: LineDecision = { ...relative, contentStart: relative.contentStart + base };
    const block = this.#block;
    if (block.pendingItem && decision.kind !== 'continuation') {
      if (block.pendingItem.needsDot) this.#insertAt(block.pendingItem.at, '.');
      block.pendingItem = undefined;
    }
    if (block.prevParagraph?.needsDot && PARAGRAPH_ENDERS.has(decision.kind)) {
      this.#insertAt(block.prevParagraph.end, '.');
      block.prevParagraph = { ...block.prevParagraph, needsDot: false };
    }
    const content = CONTENT_KINDS.has(decision.kind);
    if (content && (decision.contentStart > this.#lineStart || decision.prefixText)) {
      this.#emit({ start: this.#lineStart, end: decision.contentStart, text: decision.prefixText });
    }
    this.#line = {
      decision,
      segmentStart: content ? decision.contentStart : this.#lineStart,
      carry: freshCarry(block.html),
      announced: false,
    };
    return true;
  }

  /** `last`: the input ended without a line feed (what is left is released with the input's end). */
  #completeLine(lineEnd: number, last = false): void {
    if (!this.#line) this.#decide(lineEnd, true);
    const line = this.#line as OpenLine;
    const { kind } = line.decision;
    let trimmedEnd = lineEnd;
    while (trimmedEnd > line.segmentStart && isSpace(this.#text.charCodeAt(trimmedEnd - 1 - this.#base)))
      trimmedEnd -= 1;
    if (CONTENT_KINDS.has(kind)) {
      const { outcome, edits } = this.#scan(line, line.segmentStart, lineEnd, 'line');
      let contentEnd = trimmedEnd;
      for (const edit of edits) {
        this.#emit(edit);
        // A sentence end goes after whatever an edit removed (an unclosed comment takes the line's end).
        if (edit.end > contentEnd) contentEnd = edit.end;
      }
      this.#finishContent(line.decision, outcome.carry, outcome.suffixStart ?? contentEnd);
      this.#block.html = outcome.carry.html;
    } else {
      this.#finishWhole(line, trimmedEnd);
    }
    this.#updateBlock(line.decision);
    if (!last) this.#release(Math.max(trimmedEnd, this.#maxEditEnd), false);
  }

  #finishContent(decision: LineDecision, carry: Carry, contentEnd: number): void {
    const block = this.#block;
    const hasContent = carry.last !== 0;
    const needsDot = hasContent && !endsSentence(carry);
    block.prevParagraph = undefined;
    switch (decision.kind) {
      case 'heading':
      case 'tableRow':
        if (needsDot) this.#insertAt(contentEnd, '.');
        break;
      case 'listItem':
      case 'continuation':
        block.pendingItem = hasContent ? { at: contentEnd, needsDot } : undefined;
        break;
      default:
        block.prevParagraph = hasContent ? { end: contentEnd, needsDot } : undefined;
    }
  }

  /** Lines removed or replaced as a whole: code, fences, rules, separators, definitions, underlines. */
  #finishWhole(line: OpenLine, trimmedEnd: number): void {
    const { kind, announce, quoted } = line.decision;
    const from = line.segmentStart;
    if (kind === 'setext') {
      const paragraph = this.#block.prevParagraph;
      const start = Math.max(paragraph?.end ?? from, this.#base);
      if (trimmedEnd > start || paragraph?.needsDot)
        this.#emit({ start, end: trimmedEnd, text: paragraph?.needsDot ? '.' : '' });
      return;
    }
    if (kind === 'blank' && !quoted) return;
    const text = this.#announcement(line, kind === 'fenceOpen' || announce);
    if (trimmedEnd > from || text) this.#emit({ start: from, end: trimmedEnd, text });
  }

  #announcement(line: OpenLine, opensCode: boolean): string {
    if (!opensCode || line.announced) return '';
    line.announced = true;
    return this.#options.codeBlocks === 'announce' ? this.#words.codeBlock : '';
  }

  #updateBlock(decision: LineDecision): void {
    const block = this.#block;
    const { kind } = decision;
    if (kind === 'fenceOpen') block.fence = decision.fence;
    if (kind === 'fenceClose') block.fence = undefined;
    block.indentedCode = kind === 'indentedCode' || (kind === 'blank' && block.indentedCode);
    if (kind === 'listItem' || kind === 'continuation') block.listOpen = true;
    else if (!LIST_KEEPERS.has(kind)) block.listOpen = false;
    if (!CONTENT_KINDS.has(kind)) block.prevParagraph = undefined;
    block.prevBlank = kind === 'blank';
    block.prevKind = kind;
  }

  #finishInput(): void {
    const item = this.#block.pendingItem;
    if (item?.needsDot) this.#insertAt(item.at, '.');
    this.#block.pendingItem = undefined;
    this.#release(this.#textEnd(), true);
  }

  /** A stream's unfinished line: release what is safe, and bound what is held. */
  #advanceOpenLine(): void {
    const end = this.#textEnd();
    const overLimit = end - this.#base > HOLD_LIMIT;
    if (!this.#line) {
      if (!this.#decide(end, false) && !(overLimit && this.#decide(end, true))) return;
      this.#spaceArrived = true;
    }
    const line = this.#line as OpenLine;
    if (CONTENT_KINDS.has(line.decision.kind) && this.#spaceArrived) {
      const { cut, edits } = this.#scan(line, line.segmentStart, end, 'open');
      if (cut && cut.at > line.segmentStart) {
        for (const edit of edits) if (edit.start < cut.at) this.#emit(edit);
        line.segmentStart = cut.at;
        line.carry = cut.carry;
        this.#release(cut.at, false);
      }
    }
    if (end - this.#base > HOLD_LIMIT) this.#forceCut(line, end);
  }

  /** Nothing safe to cut at, and too much held: cut at the last space (or the end) regardless. */
  #forceCut(line: OpenLine, end: number): void {
    const text = this.#text;
    const base = this.#base;
    let cut = -1;
    for (let index = end - 1; index > line.segmentStart; index -= 1) {
      if (isSpace(text.charCodeAt(index - base)) && !isSpace(text.charCodeAt(index - 1 - base))) {
        cut = index;
        break;
      }
    }
    if (cut < 0) {
      cut = end;
      const last = text.charCodeAt(cut - 1 - base);
      if (last >= 0xd800 && last <= 0xdbff) cut -= 1;
    }
    if (cut <= line.segmentStart) return;
    if (CONTENT_KINDS.has(line.decision.kind)) {
      const { outcome, edits } = this.#scan(line, line.segmentStart, cut, 'forced');
      for (const edit of edits) this.#emit(edit);
      line.carry = outcome.carry;
    } else if (line.decision.kind !== 'blank' && line.decision.kind !== 'setext') {
      const announcement = this.#announcement(
        line,
        line.decision.kind === 'fenceOpen' || line.decision.announce,
      );
      this.#emit({ start: line.segmentStart, end: cut, text: announcement });
    }
    line.segmentStart = cut;
    this.#release(cut, false);
  }

  /** Scans [from, to) of the open line's content; positions in and out are absolute. */
  #scan(
    line: OpenLine,
    from: number,
    to: number,
    end: RangeEnd,
  ): { outcome: ScanOutcome; edits: TextEdit[]; cut: Cut | undefined } {
    const base = this.#base;
    const env: ScanEnvironment = {
      src: this.#text,
      options: this.#options,
      words: this.#words,
      edits: [],
      editsEnd: 0,
      cut: undefined,
    };
    const carry = { ...line.carry };
    const cuts = end === 'open';
    const outcome =
      line.decision.kind === 'tableRow'
        ? scanTableRow(env, from - base, to - base, end, carry, cuts)
        : new RangeScanner(
            env,
            from - base,
            to - base,
            end,
            carry,
            cuts,
            line.decision.kind === 'heading',
          ).run();
    const edits = env.edits.map((edit) => ({
      start: edit.start + base,
      end: edit.end + base,
      text: edit.text,
    }));
    const cut = env.cut ? { at: env.cut.at + base, carry: env.cut.carry } : undefined;
    const suffixStart = outcome.suffixStart === undefined ? undefined : outcome.suffixStart + base;
    return { outcome: { carry: outcome.carry, suffixStart }, edits, cut };
  }

  /** Streaming: hands out the text before `cut` with its edits (`all`: the input ended, take every edit). */
  #release(cut: number, all: boolean): void {
    if (!this.#streaming || cut <= this.#base) return;
    const base = this.#base;
    const mine: TextEdit[] = [];
    const kept: TextEdit[] = [];
    for (const edit of this.#pending) {
      if (all || edit.start < cut)
        mine.push({ start: edit.start - base, end: edit.end - base, text: edit.text });
      else kept.push(edit);
    }
    this.#pending = kept;
    const length = cut - base;
    this.#units.push({ text: this.#text.slice(0, length), edits: normalizeEdits(mine) });
    this.#text = this.#text.slice(length);
    this.#base = cut;
  }
}

/** Sorted by start (an insertion before a replacement at the same place), touching edits merged. */
function normalizeEdits(edits: readonly TextEdit[]): TextEdit[] {
  const sorted = edits
    .map((edit, order) => ({ edit, order }))
    .sort(
      (a, b) =>
        a.edit.start - b.edit.start ||
        Number(a.edit.end > a.edit.start) - Number(b.edit.end > b.edit.start) ||
        a.order - b.order,
    );
  const merged: TextEdit[] = [];
  for (const { edit } of sorted) {
    if (edit.start === edit.end && edit.text === '') continue;
    const last = merged.at(-1);
    if (last && edit.start < last.end) continue; // never expected; an overlap would corrupt the text
    if (last && edit.start === last.end) {
      last.end = edit.end;
      last.text += edit.text;
    } else {
      merged.push({ ...edit });
    }
  }
  return merged;
}
