// Lexicon files: the user's own words ("my words") as a file to import or export. The settings window
// and `hark speak --lexicon` read files with this one parser; applying the rules to text is
// main/text/lexicon.ts.
import { MAX_PRONUNCIATION_RULES, pronunciationProblem } from './settings-schema';
import type { PronunciationRule } from './settings-schema';

export type LexiconFileResult = { ok: true; rules: PronunciationRule[] } | { ok: false; message: string };

const failed = (message: string): { ok: false; message: string } => ({ ok: false, message });

/**
 * Reads a lexicon file: JSON `{ "pronunciations": [ {match, say, regex?, matchCase?} ] }` or a bare
 * array of such rules, or text with one `match = say` per line (the first "=" divides them; blank
 * lines and lines starting with # are skipped; `/pattern/ = say` is a pattern rule that matches case,
 * `/pattern/i = say` one that ignores it). Plain words in the text format ignore case. A file that
 * starts with "{" or "[" is read as JSON. The error names the line or rule that is wrong.
 */
export function parseLexiconFile(content: string): LexiconFileResult {
  const text = content.replace(/^\uFEFF/, '');
  const trimmed = text.trimStart();
  const result =
    trimmed.startsWith('{') || trimmed.startsWith('[') ? parseJsonFile(text) : parseTextFile(text);
  if (result.ok && result.rules.length > MAX_PRONUNCIATION_RULES) {
    return failed(
      `The file has ${result.rules.length} words; Hark keeps at most ${MAX_PRONUNCIATION_RULES}.`,
    );
  }
  return result;
}

/** The JSON file an export writes, which parseLexiconFile reads back as the same rules. */
export function formatLexiconFile(rules: readonly PronunciationRule[]): string {
  const pronunciations = rules.map(({ match, say, regex, matchCase }) => ({ match, say, regex, matchCase }));
  return `${JSON.stringify({ pronunciations }, null, 2)}\n`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function quoted(text: string): string {
  return `“${text.length > 40 ? `${text.slice(0, 40)}…` : text}”`;
}

function parseJsonFile(text: string): LexiconFileResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return failed(`The file is not valid JSON (${error instanceof Error ? error.message : String(error)}).`);
  }
  const list = isRecord(parsed) ? parsed.pronunciations : parsed;
  if (!Array.isArray(list)) {
    return failed('The file must hold a list of words, or an object with a "pronunciations" list.');
  }
  if (list.length > MAX_PRONUNCIATION_RULES) {
    return failed(`The file has ${list.length} words; Hark keeps at most ${MAX_PRONUNCIATION_RULES}.`);
  }
  const rules: PronunciationRule[] = [];
  for (const [position, item] of list.entries()) {
    const rule = jsonRule(item, `Rule ${position + 1}`);
    if (!rule.ok) return rule;
    rules.push(rule.rule);
  }
  return { ok: true, rules };
}

function jsonRule(
  item: unknown,
  name: string,
): { ok: true; rule: PronunciationRule } | { ok: false; message: string } {
  if (!isRecord(item) || typeof item.match !== 'string' || typeof item.say !== 'string') {
    return failed(`${name} needs a "match" text and a "say" text.`);
  }
  for (const flag of ['regex', 'matchCase'] as const) {
    if (item[flag] !== undefined && typeof item[flag] !== 'boolean') {
      return failed(`${name}: "${flag}" must be true or false.`);
    }
  }
  return checked(
    { match: item.match, say: item.say, regex: item.regex === true, matchCase: item.matchCase === true },
    name,
  );
}

function checked(
  rule: PronunciationRule,
  name: string,
): { ok: true; rule: PronunciationRule } | { ok: false; message: string } {
  const problem = pronunciationProblem(rule);
  return problem === undefined ? { ok: true, rule } : failed(`${name} (${quoted(rule.match)}): ${problem}.`);
}

function parseTextFile(text: string): LexiconFileResult {
  const rules: PronunciationRule[] = [];
  for (const [position, line] of text.split(/\r\n|\r|\n/).entries()) {
    const content = line.trim();
    if (content === '' || content.startsWith('#')) continue;
    const name = `Line ${position + 1}`;
    const rule = content.startsWith('/') ? patternLine(content, name) : wordLine(content, name);
    if (!rule.ok) return rule;
    rules.push(rule.rule);
  }
  return { ok: true, rules };
}

function wordLine(
  line: string,
  name: string,
): { ok: true; rule: PronunciationRule } | { ok: false; message: string } {
  const equals = line.indexOf('=');
  if (equals < 0) return failed(`${name} has no “=” between the word and what to say.`);
  const match = line.slice(0, equals).trim();
  const say = line.slice(equals + 1).trim();
  return checked({ match, say, regex: false, matchCase: false }, name);
}

/** Where the pattern of `/pattern/flags` ends: the first "/" not escaped and not in a [class]. */
function patternEnd(line: string): number {
  let inClass = false;
  for (let i = 1; i < line.length; i++) {
    const character = line[i];
    if (character === '\\') i++;
    else if (character === '[') inClass = true;
    else if (character === ']') inClass = false;
    else if (character === '/' && !inClass) return i;
  }
  return -1;
}

function patternLine(
  line: string,
  name: string,
): { ok: true; rule: PronunciationRule } | { ok: false; message: string } {
  const end = patternEnd(line);
  if (end < 0) return failed(`${name}: the pattern has no closing “/”.`);
  const rest = /^([A-Za-z]*)\s*=\s*(.*)$/.exec(line.slice(end + 1));
  if (!rest) return failed(`${name} has no “=” after the pattern.`);
  const flags = rest[1] ?? '';
  if (!/^i?$/.test(flags))
    return failed(`${name}: the only flag a pattern may have is i (ignore case), not “${flags}”.`);
  return checked(
    { match: line.slice(1, end), say: rest[2] ?? '', regex: true, matchCase: flags === '' },
    name,
  );
}
