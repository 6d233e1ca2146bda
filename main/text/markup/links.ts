// Markdown links and footnote references: how far what follows a link's `]` reaches, either
// `(destination "title")` or `[label]`, and how far a `[^note]` reference reaches. The link's text is
// read; the readers here find what is removed.
//
// Like the other readers, they take src[at, to) and `more` (text may still come after `to`) and answer
// with an end, NONE when it is not there, or STOP when more text could still complete it.

import {
  APOSTROPHE,
  BACKSLASH,
  CLOSE_BRACKET,
  CLOSE_PAREN,
  GREATER,
  LESS,
  OPEN_BRACKET,
  OPEN_PAREN,
  QUOTE,
  SPACE,
  isSpace,
  skipSpaces,
} from './characters';
import { NONE, STOP } from './scan';

export const LINK_DESTINATION_LIMIT = 2048;
/** Also bounds a reference definition's label (blocks.ts). */
export const LINK_LABEL_LIMIT = 999;
const LINK_TITLE_LIMIT = 1024;
const FOOTNOTE_LABEL_LIMIT = 100;

/** Right after a link text's `]`: the end of `(destination "title")` or `[label]`. */
export function linkTailEnd(src: string, at: number, to: number, more: boolean): number {
  if (at >= to) return more ? STOP : NONE;
  const code = src.charCodeAt(at);
  if (code === OPEN_PAREN) return inlineLinkEnd(src, at, to, more);
  if (code === OPEN_BRACKET) return labelEnd(src, at, to, more);
  return NONE;
}

function inlineLinkEnd(src: string, open: number, to: number, more: boolean): number {
  const ranOut = more ? STOP : NONE;
  let index = skipSpaces(src, open + 1, to);
  if (index >= to) return ranOut;
  if (src.charCodeAt(index) === CLOSE_PAREN) return index + 1;
  if (src.charCodeAt(index) === LESS) {
    index += 1;
    while (index < to && src.charCodeAt(index) !== GREATER) {
      const code = src.charCodeAt(index);
      if (code === LESS || index - open > LINK_DESTINATION_LIMIT) return NONE;
      index += code === BACKSLASH ? 2 : 1;
    }
    if (index >= to) return ranOut;
    index += 1;
  } else {
    let depth = 0;
    while (index < to) {
      const code = src.charCodeAt(index);
      if (isSpace(code)) break;
      if (code < SPACE || index - open > LINK_DESTINATION_LIMIT) return NONE;
      if (code === OPEN_PAREN) depth += 1;
      if (code === CLOSE_PAREN) {
        if (depth === 0) break;
        depth -= 1;
      }
      index += code === BACKSLASH ? 2 : 1;
    }
    if (index >= to) return ranOut;
  }
  const afterDestination = index;
  index = skipSpaces(src, index, to);
  if (index >= to) return ranOut;
  if (src.charCodeAt(index) === CLOSE_PAREN) return index + 1;
  if (index === afterDestination) return NONE;
  const quote = src.charCodeAt(index);
  if (quote !== QUOTE && quote !== APOSTROPHE && quote !== OPEN_PAREN) return NONE;
  const closer = quote === OPEN_PAREN ? CLOSE_PAREN : quote;
  const titleStart = index;
  index += 1;
  while (index < to && src.charCodeAt(index) !== closer) {
    if (index - titleStart > LINK_TITLE_LIMIT) return NONE;
    index += src.charCodeAt(index) === BACKSLASH ? 2 : 1;
  }
  if (index >= to) return ranOut;
  index = skipSpaces(src, index + 1, to);
  if (index >= to) return ranOut;
  return src.charCodeAt(index) === CLOSE_PAREN ? index + 1 : NONE;
}

function labelEnd(src: string, open: number, to: number, more: boolean): number {
  let index = open + 1;
  while (index < to && src.charCodeAt(index) !== CLOSE_BRACKET) {
    const code = src.charCodeAt(index);
    if (code === OPEN_BRACKET || index - open > LINK_LABEL_LIMIT) return NONE;
    index += code === BACKSLASH ? 2 : 1;
  }
  if (index >= to) return more ? STOP : NONE;
  return index + 1;
}

/** `[^label]` starting at `at` (its `[^` already seen): a label without spaces or brackets. */
export function footnoteReferenceEnd(src: string, at: number, to: number, more: boolean): number {
  let index = at + 2;
  while (index < to && index - at <= FOOTNOTE_LABEL_LIMIT) {
    const code = src.charCodeAt(index);
    if (code === CLOSE_BRACKET) break;
    if (isSpace(code) || code === OPEN_BRACKET) return NONE;
    index += 1;
  }
  if (index >= to) return more ? STOP : NONE;
  if (src.charCodeAt(index) !== CLOSE_BRACKET || index === at + 2) return NONE;
  return index + 1;
}
