// Text meant literally inside a regular expression built at run time (secrets to redact, the user's
// words, number and unit words). Only syntax characters are escaped: with the 'u' flag, escaping any
// other character is an error.
export function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}
