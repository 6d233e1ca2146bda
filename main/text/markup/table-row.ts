// A table row's content (after its leading pipe): pipes become commas, the last pipe goes, and each
// cell is scanned for inline markup on its own.

import { BACKSLASH, PIPE, isSpace, skipSpaces } from './characters';
import { RangeScanner } from './inline';
import { pushEdit } from './scan';
import type { Carry, RangeEnd, ScanEnvironment, ScanOutcome } from './scan';

export function scanTableRow(
  env: ScanEnvironment,
  from: number,
  to: number,
  end: RangeEnd,
  carry: Carry,
  cuts: boolean,
): ScanOutcome {
  const src = env.src;
  let cellStart = from;
  let index = from;
  let current = carry;
  while (index < to) {
    const code = src.charCodeAt(index);
    if (code === BACKSLASH) {
      index += 2;
      continue;
    }
    if (code !== PIPE) {
      index += 1;
      continue;
    }
    const cell = new RangeScanner(env, cellStart, index, 'cell', current, cuts, false).run();
    current = cell.carry;
    let spaceStart = index;
    const floor = Math.max(cellStart, env.editsEnd);
    while (spaceStart > floor && isSpace(src.charCodeAt(spaceStart - 1))) spaceStart -= 1;
    const rest = skipSpaces(src, index + 1, to);
    if (rest >= to && end === 'open') return { carry: current, suffixStart: undefined };
    if (rest >= to && end === 'line') {
      pushEdit(env, { start: spaceStart, end: index + 1, text: '' });
      return { carry: current, suffixStart: spaceStart };
    }
    pushEdit(env, { start: spaceStart, end: index + 1, text: current.cellHasContent ? ',' : '' });
    current.cellHasContent = false;
    index += 1;
    cellStart = index;
  }
  const last = new RangeScanner(env, cellStart, to, end, current, cuts, false).run();
  return { carry: last.carry, suffixStart: undefined };
}
