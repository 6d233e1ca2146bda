// Speakable text is made from the source text by edits (markup removed, numbers spelled out, the
// user's words said their way). An OffsetMap remembers how the two line up, so that a word timed in
// the text sent to the engine can be shown, highlighted, kept in history and resumed from at the
// characters of the source text. Maps are built from the front (streamed text appends to them), and
// they chain: a stage's map points into the text the stage was given. A stream that is never looked
// back on releases what it has passed, so that a book read from a pipe keeps memory flat.

/** Replace source[start, end) with `text`; start === end inserts. Offsets in UTF-16 units. */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

/** A run of spoken text that is either a copy of the source or stands for a source span as a whole. */
interface Segment {
  spokenStart: number;
  sourceStart: number;
  sourceLength: number;
  /** A copy maps character for character; a replacement maps only its two ends. */
  copy: boolean;
}

export class OffsetMap {
  #segments: Segment[] = [];
  /** Segments before this index were released (kept until compaction, to make release cheap). */
  #first = 0;
  #spokenLength = 0;
  #sourceLength = 0;
  readonly #parent: OffsetMap | undefined;

  /** `parent` maps this map's source on to the original text (an earlier stage). */
  constructor(parent?: OffsetMap) {
    this.#parent = parent;
  }

  get spokenLength(): number {
    return this.#spokenLength;
  }

  /** Length of the source this map has been told about (the parent stage's spoken text). */
  get sourceLength(): number {
    return this.#sourceLength;
  }

  /** The next `length` source characters are spoken as they are. */
  copy(length: number): void {
    if (length <= 0) return;
    const last = this.#segments.at(-1);
    if (last?.copy && last.spokenStart + last.sourceLength === this.#spokenLength) {
      last.sourceLength += length;
    } else {
      this.#segments.push({
        spokenStart: this.#spokenLength,
        sourceStart: this.#sourceLength,
        sourceLength: length,
        copy: true,
      });
    }
    this.#spokenLength += length;
    this.#sourceLength += length;
  }

  /** The next `sourceLength` source characters are spoken as `spokenLength` other characters. */
  replace(sourceLength: number, spokenLength: number): void {
    if (sourceLength === 0 && spokenLength === 0) return;
    this.#segments.push({
      spokenStart: this.#spokenLength,
      sourceStart: this.#sourceLength,
      sourceLength,
      copy: false,
    });
    this.#spokenLength += spokenLength;
    this.#sourceLength += sourceLength;
  }

  /**
   * Nothing before spoken `offset` will be looked up again (no start before it, no end at or before
   * it): forget how it maps, here and in the earlier stages.
   */
  release(offset: number): void {
    const segments = this.#segments;
    const index = this.#indexAt(offset);
    if (index < 0) return;
    this.#first = index;
    // The earlier stage must still map everything the kept segments point at, ends included.
    const reachable = Math.max(0, (segments[index] as Segment).sourceStart - 1);
    if (this.#first > 1024 && this.#first * 2 > segments.length) {
      this.#segments = segments.slice(this.#first);
      this.#first = 0;
    }
    this.#parent?.release(reachable);
  }

  /** Where a spoken character that begins something (a word) begins in the original text. */
  toSourceStart(offset: number): number {
    const local = this.#localStart(offset);
    return this.#parent ? this.#parent.toSourceStart(local) : local;
  }

  /** Where a spoken span that ends at `offset` (exclusive) ends in the original text. */
  toSourceEnd(offset: number): number {
    const local = this.#localEnd(offset);
    return this.#parent ? this.#parent.toSourceEnd(local) : local;
  }

  /** A spoken span [start, start + length) as a span of the original text. */
  toSourceSpan(start: number, length: number): { start: number; length: number } {
    const sourceStart = this.toSourceStart(start);
    const sourceEnd = Math.max(sourceStart, this.toSourceEnd(start + length));
    return { start: sourceStart, length: sourceEnd - sourceStart };
  }

  #localStart(offset: number): number {
    const segment = this.#segmentAt(offset);
    if (!segment) return Math.min(offset, this.#sourceLength);
    if (segment.copy)
      return segment.sourceStart + Math.min(offset - segment.spokenStart, segment.sourceLength);
    return segment.sourceStart;
  }

  #localEnd(offset: number): number {
    // The span ends inside (or at the end of) the segment that holds its last character.
    const segment = this.#segmentAt(offset - 1);
    if (!segment || offset <= 0) return Math.max(0, Math.min(offset, this.#sourceLength));
    if (segment.copy)
      return segment.sourceStart + Math.min(offset - segment.spokenStart, segment.sourceLength);
    return segment.sourceStart + segment.sourceLength;
  }

  /** The last segment starting at or before `offset` that has spoken text there. */
  #segmentAt(offset: number): Segment | undefined {
    return this.#segments[this.#indexAt(offset)];
  }

  /** Index of that segment, or -1. */
  #indexAt(offset: number): number {
    const segments = this.#segments;
    let low = this.#first;
    let high = segments.length - 1;
    if (high < low || offset < 0) return -1;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if ((segments[middle] as Segment).spokenStart <= offset) low = middle;
      else high = middle - 1;
    }
    // Several segments can start at one spoken offset (a deletion speaks nothing): take the last.
    return (segments[low] as Segment).spokenStart <= offset ? low : -1;
  }
}

/**
 * Applies edits (sorted by start, not overlapping) to `text`, appending to `map` what was done.
 * Returns the edited text. A whole text is one call; a stream calls it once per piece, in order.
 */
export function applyEdits(text: string, edits: readonly TextEdit[], map: OffsetMap): string {
  let out = '';
  let at = 0;
  for (const edit of edits) {
    if (edit.start < at || edit.end < edit.start || edit.end > text.length) {
      throw new RangeError(`edit ${edit.start}-${edit.end} overlaps an earlier one or lies outside the text`);
    }
    out += text.slice(at, edit.start);
    map.copy(edit.start - at);
    out += edit.text;
    map.replace(edit.end - edit.start, edit.text.length);
    at = edit.end;
  }
  out += text.slice(at);
  map.copy(text.length - at);
  return out;
}
