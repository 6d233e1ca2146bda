// Reads what can still be read from a damaged JSON object: a file cut off by a full disk or a crash
// on a file system without atomic renames, garbage written over its end, an editor's stray bytes.

/** How many cut points are tried before giving up (each try parses the text once). */
const MAX_ATTEMPTS = 64;

function tryParseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Where the top-level object's members end: every comma between two members, and the closing brace
 * if the object is complete. A scan that keeps track of strings (and their escapes) and nesting.
 */
function memberEnds(text: string, open: number): { commas: number[]; close: number | undefined } {
  const commas: number[] = [];
  let depth = 0;
  let inString = false;
  for (let index = open; index < text.length; index++) {
    const char = text[index];
    if (inString) {
      if (char === '\\') index++;
      else if (char === '"') inString = false;
    } else if (char === '"') {
      inString = true;
    } else if (char === '{' || char === '[') {
      depth++;
    } else if (char === '}' || char === ']') {
      depth--;
      if (depth === 0) return { commas, close: index };
      if (depth < 0) break;
    } else if (char === ',' && depth === 1) {
      commas.push(index);
    }
  }
  return { commas, close: undefined };
}

/**
 * The complete members of the JSON object `text` starts with: for `{"a":1,"b":{"c":2},"d":[1,` that
 * is {a: 1, b: {c: 2}}; for an intact object followed by garbage, the object. Undefined when the
 * text does not start with an object or not a single member survived.
 */
export function salvageJsonObject(text: string): Record<string, unknown> | undefined {
  const open = text.search(/\S/);
  if (open === -1 || text[open] !== '{') return undefined;
  const { commas, close } = memberEnds(text, open);
  if (close !== undefined) {
    const whole = tryParseObject(text.slice(open, close + 1));
    if (whole) return whole;
  }
  // Cut after the last member that still parses, trying later cuts first.
  for (const comma of commas.reverse().slice(0, MAX_ATTEMPTS)) {
    const head = tryParseObject(`${text.slice(open, comma)}}`);
    if (head) return head;
  }
  return undefined;
}
