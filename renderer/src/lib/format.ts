// Pure formatting for what the renderer shows: durations, dates and counts. Every function takes the
// locale (undefined = the user's own) so tests can pin one; Intl does the language work.

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A clock-style duration: "0:05", "12:34", "1:02:03". Rounded to whole seconds. */
export function formatDuration(ms: number): string {
  const totalSeconds = Math.max(0, Math.round(Number.isFinite(ms) ? ms / SECOND : 0));
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const ss = String(seconds).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${ss}` : `${minutes}:${ss}`;
}

/** The same duration in words, for screen readers: "1 minute, 5 seconds". */
export function describeDuration(ms: number, locale?: string): string {
  const totalSeconds = Math.max(0, Math.round(Number.isFinite(ms) ? ms / SECOND : 0));
  const parts: [number, Intl.NumberFormatOptions['unit']][] = [
    [Math.floor(totalSeconds / 3600), 'hour'],
    [Math.floor((totalSeconds % 3600) / 60), 'minute'],
    [totalSeconds % 60, 'second'],
  ];
  const spoken = parts
    .filter(([value]) => value > 0)
    .map(([value, unit]) =>
      new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'long' }).format(value),
    );
  if (spoken.length === 0) {
    return new Intl.NumberFormat(locale, { style: 'unit', unit: 'second', unitDisplay: 'long' }).format(0);
  }
  return new Intl.ListFormat(locale, { style: 'short', type: 'unit' }).format(spoken);
}

/** Steps for relative dates: use the unit while the distance is below the limit. */
const RELATIVE_STEPS: [limitMs: number, unitMs: number, unit: Intl.RelativeTimeFormatUnit][] = [
  [MINUTE, SECOND, 'second'],
  [HOUR, MINUTE, 'minute'],
  [DAY, HOUR, 'hour'],
  [7 * DAY, DAY, 'day'],
  [30 * DAY, 7 * DAY, 'week'],
  [365 * DAY, 30 * DAY, 'month'],
  [Infinity, 365 * DAY, 'year'],
];

/** "5 minutes ago", "yesterday", "now": how long ago `date` was, seen from `now`. */
export function formatRelativeDate(date: Date, now: Date, locale?: string): string {
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const distance = date.getTime() - now.getTime();
  // Under ten seconds is "now": clocks of different processes are never exactly in step.
  if (Math.abs(distance) < 10 * SECOND) return format.format(0, 'second');
  const [, unitMs, unit] = RELATIVE_STEPS.find(([limit]) => Math.abs(distance) < limit) ?? RELATIVE_STEPS[6]!;
  return format.format(Math.trunc(distance / unitMs), unit);
}

/** The full date and time, for a tooltip and for screen readers. */
export function formatFullDate(date: Date, locale?: string, timeZone?: string): string {
  return new Intl.DateTimeFormat(locale, {
    dateStyle: 'full',
    timeStyle: 'short',
    ...(timeZone ? { timeZone } : {}),
  }).format(date);
}

/** "1 character", "12,345 characters". */
export function formatCharacters(count: number, locale?: string): string {
  return formatCount(count, 'character', 'characters', locale);
}

/** A whole number with its noun, grouped for the locale: "1 entry", "10,000 entries". */
export function formatCount(count: number, singular: string, plural: string, locale?: string): string {
  const rule = new Intl.PluralRules(locale).select(count);
  return `${new Intl.NumberFormat(locale).format(count)} ${rule === 'one' ? singular : plural}`;
}

/**
 * The start of a long text, enough for a few clamped lines: a row never puts a whole book into the
 * page. Whitespace runs stay as they are (the row keeps line breaks); cuts end with an ellipsis.
 */
export function textPreview(text: string, maxChars = 400): string {
  if (text.length <= maxChars) return text;
  return `${text.slice(0, maxChars).trimEnd()}…`;
}

/** The text on one line, for names and messages ("Deleted “Hello world…”"). */
export function oneLine(text: string, maxChars = 60): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= maxChars ? flat : `${flat.slice(0, maxChars - 1).trimEnd()}…`;
}
