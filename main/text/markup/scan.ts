// What the line driver (cleaner.ts) and the scans of a line's content (inline.ts, table-row.ts) share:
// how a scanned range ends, what a scan carries past a cut, and where its edits go.

import type { MarkupOptions } from '../markup';
import type { TextEdit } from '../offset-map';
import { SENTENCE_CLOSERS, SENTENCE_ENDS } from './characters';
import type { Words } from './words';

/** The text ran out inside something that more text could still complete. */
export const STOP = -1;
/** What was tried is not there. */
export const NONE = 0;

/** The HTML a scan is inside: comments and raw text (script, style) may run over lines. */
export type HtmlState = 'none' | 'comment' | 'script' | 'style';

/** How a scanned range ends: the rest may still come ('open'), a table cell or the line ends, or a forced cut. */
export type RangeEnd = 'open' | 'cell' | 'line' | 'forced';

/** What a line's scan carries past a cut: its last spoken characters and the HTML it is inside. */
export interface Carry {
  last: number;
  beforeLast: number;
  /** Nothing has been said since the line began or since the last HTML block tag. */
  atBreak: boolean;
  html: HtmlState;
  cellHasContent: boolean;
}

/** A line's carry before anything on it is said. */
export function freshCarry(html: HtmlState): Carry {
  return { last: 0, beforeLast: 0, atBreak: true, html, cellHasContent: false };
}

export function endsSentence(carry: Carry): boolean {
  const last = SENTENCE_CLOSERS.has(carry.last) ? carry.beforeLast : carry.last;
  return SENTENCE_ENDS.has(last);
}

export interface Cut {
  at: number;
  carry: Carry;
}

export interface ScanEnvironment {
  readonly src: string;
  readonly options: MarkupOptions;
  readonly words: Words;
  readonly edits: TextEdit[];
  /** The furthest end of those edits: spaces before a table pipe are only taken back to here. */
  editsEnd: number;
  /** The last place (before a space) where the text may be cut: nothing is open there. */
  cut: Cut | undefined;
}

export interface ScanOutcome {
  carry: Carry;
  /** Where a heading's closing #s or a table row's last pipe begin: a sentence end goes before it. */
  suffixStart: number | undefined;
}

export function pushEdit(env: ScanEnvironment, edit: TextEdit): void {
  env.edits.push(edit);
  if (edit.end > env.editsEnd) env.editsEnd = edit.end;
}
