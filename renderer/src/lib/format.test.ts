import { describe, expect, it } from 'vitest';
import {
  describeDuration,
  formatCharacters,
  formatCount,
  formatDuration,
  formatFullDate,
  formatRelativeDate,
  oneLine,
  textPreview,
} from './format';

describe('formatDuration', () => {
  it('writes minutes and seconds, and hours only when there are any', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(4_600)).toBe('0:05');
    expect(formatDuration(754_000)).toBe('12:34');
    expect(formatDuration(3_723_000)).toBe('1:02:03');
  });

  it('treats negative and non-finite values as zero', () => {
    expect(formatDuration(-5)).toBe('0:00');
    expect(formatDuration(Number.NaN)).toBe('0:00');
  });
});

describe('describeDuration', () => {
  it('names each unit in words', () => {
    expect(describeDuration(65_000, 'en-US')).toBe('1 minute, 5 seconds');
    expect(describeDuration(3_600_000, 'en-US')).toBe('1 hour');
    expect(describeDuration(300, 'en-US')).toBe('0 seconds');
  });

  it('speaks the locale', () => {
    expect(describeDuration(2_000, 'de-DE')).toBe('2 Sekunden');
  });
});

describe('formatRelativeDate', () => {
  const now = new Date('2025-03-10T12:00:00Z');
  const ago = (ms: number) => new Date(now.getTime() - ms);

  it('picks the largest unit that fits', () => {
    expect(formatRelativeDate(ago(3_000), now, 'en-US')).toBe('now');
    expect(formatRelativeDate(ago(42_000), now, 'en-US')).toBe('42 seconds ago');
    expect(formatRelativeDate(ago(5 * 60_000), now, 'en-US')).toBe('5 minutes ago');
    expect(formatRelativeDate(ago(3 * 3_600_000), now, 'en-US')).toBe('3 hours ago');
    expect(formatRelativeDate(ago(26 * 3_600_000), now, 'en-US')).toBe('yesterday');
    expect(formatRelativeDate(ago(15 * 86_400_000), now, 'en-US')).toBe('2 weeks ago');
    expect(formatRelativeDate(ago(70 * 86_400_000), now, 'en-US')).toBe('2 months ago');
    expect(formatRelativeDate(ago(800 * 86_400_000), now, 'en-US')).toBe('2 years ago');
  });

  it('handles a date slightly in the future (another clock) as well', () => {
    expect(formatRelativeDate(new Date(now.getTime() + 2 * 3_600_000), now, 'en-US')).toBe('in 2 hours');
  });
});

describe('formatFullDate', () => {
  it('gives the weekday, date and time', () => {
    expect(formatFullDate(new Date('2025-03-10T12:05:00Z'), 'en-US', 'UTC')).toBe(
      'Monday, March 10, 2025 at 12:05 PM',
    );
  });
});

describe('counts', () => {
  it('groups digits and picks the plural form', () => {
    expect(formatCharacters(1, 'en-US')).toBe('1 character');
    expect(formatCharacters(12_345, 'en-US')).toBe('12,345 characters');
    expect(formatCount(0, 'entry', 'entries', 'en-US')).toBe('0 entries');
    expect(formatCount(10_000, 'entry', 'entries', 'en-US')).toBe('10,000 entries');
  });
});

describe('text previews', () => {
  it('keeps short texts whole and cuts long ones with an ellipsis', () => {
    expect(textPreview('Short.\nTwo lines.')).toBe('Short.\nTwo lines.');
    const long = 'word '.repeat(200);
    const preview = textPreview(long, 100);
    expect(preview.length).toBeLessThanOrEqual(101);
    expect(preview.endsWith('word…')).toBe(true);
  });

  it('flattens whitespace for one-line names', () => {
    expect(oneLine('  Hello\n\n  world  ')).toBe('Hello world');
    expect(oneLine('a'.repeat(80), 10)).toBe(`${'a'.repeat(9)}…`);
  });
});
