import { describe, expect, it } from 'vitest';
import {
  audioFileName,
  encodeIndex,
  encodeLine,
  isValidEntryId,
  parseEntry,
  replayIndex,
} from './history-index';
import type { HistoryEntry } from './history-index';

function entry(id: string, overrides: Partial<HistoryEntry> = {}): HistoryEntry {
  return {
    id,
    createdAt: '2025-05-01T10:00:00.000Z',
    text: `Text of ${id}.\nSecond line with "quotes" and \u2028 a separator.`,
    voiceId: 'en-us',
    voiceName: 'English (US)',
    modelId: 'offline',
    engine: 'offline',
    outputFormat: 'pcm_22050',
    durationMs: 1234.5,
    charactersBilled: 42,
    audioFile: `${id}.pcm`,
    audioBytes: 100,
    ...overrides,
  };
}

describe('entries', () => {
  it('round-trip through a line, including newlines and quotes in the text', () => {
    const original = entry('a1');
    const replayed = replayIndex(encodeLine({ op: 'add', entry: original }));
    expect([...replayed.entries.values()]).toEqual([original]);
  });

  it('name the audio file after id and codec', () => {
    expect(audioFileName('x1', 'mp3_44100_128')).toBe('x1.mp3');
    expect(audioFileName('x1', 'mp3_44100')).toBe('x1.mp3');
    expect(audioFileName('x1', 'ulaw_8000')).toBe('x1.ulaw');
    expect(audioFileName('x1', 'opus_48000_64')).toBe('x1.opus');
  });

  it('refuse ids and file names that could escape the audio folder', () => {
    expect(isValidEntryId('m5abc-0f0f')).toBe(true);
    for (const bad of ['', '../x', 'a/b', 'A', 'x'.repeat(65), 'a.b', 5])
      expect(isValidEntryId(bad)).toBe(false);
    expect(parseEntry({ ...entry('a1'), audioFile: '../../etc/passwd' })).toBeUndefined();
    expect(parseEntry({ ...entry('a1'), audioFile: 'a1.mp3' })).toBeUndefined();
  });

  it('refuse missing or mistyped fields', () => {
    expect(parseEntry(entry('ok1'))).toEqual(entry('ok1'));
    for (const broken of [
      { engine: 'azure' },
      { outputFormat: 'wav_1' },
      { createdAt: 'yesterday' },
      { durationMs: -1 },
      { charactersBilled: 1.5 },
      { audioBytes: '100' },
      { text: null },
    ]) {
      expect(parseEntry({ ...entry('a1'), ...broken })).toBeUndefined();
    }
    expect(parseEntry(null)).toBeUndefined();
  });
});

describe('replayIndex', () => {
  it('applies tombstones and counts dead lines', () => {
    const text =
      encodeLine({ op: 'add', entry: entry('a1') }) +
      encodeLine({ op: 'add', entry: entry('b2') }) +
      encodeLine({ op: 'delete', id: 'a1' }) +
      encodeLine({ op: 'delete', id: 'zz' }) +
      encodeLine({ op: 'add', entry: entry('c3') });
    const result = replayIndex(text);
    expect([...result.entries.keys()]).toEqual(['b2', 'c3']);
    expect(result).toMatchObject({ deadLines: 3, badLines: 0, partialTail: false });
  });

  it('ignores a partial last line left by an interrupted append', () => {
    const full = encodeLine({ op: 'add', entry: entry('a1') });
    const next = encodeLine({ op: 'add', entry: entry('b2') });
    for (let cut = 1; cut < next.length - 1; cut++) {
      const result = replayIndex(full + next.slice(0, cut));
      expect([...result.entries.keys()]).toEqual(['a1']);
      expect(result.partialTail).toBe(true);
      expect(result.badLines).toBe(0);
    }
    // Complete JSON without its newline still counts as unfinished: the append had not completed.
    expect(replayIndex(full + next.slice(0, -1)).partialTail).toBe(true);
  });

  it('skips damaged and duplicate lines in the middle, keeping the rest', () => {
    const text =
      encodeLine({ op: 'add', entry: entry('a1') }) +
      '{"op":"add","entry":{"id":"b2"}}\n' +
      'not json at all\n' +
      encodeLine({ op: 'add', entry: entry('a1', { text: 'impostor' }) }) +
      '\n' +
      encodeLine({ op: 'add', entry: entry('c3') });
    const result = replayIndex(text);
    expect([...result.entries.keys()]).toEqual(['a1', 'c3']);
    expect(result.entries.get('a1')?.text).not.toBe('impostor');
    expect(result).toMatchObject({ badLines: 3, deadLines: 3, partialTail: false });
  });

  it('reads an empty index and writes one back for a set of entries', () => {
    expect(replayIndex('')).toEqual({
      entries: new Map(),
      deadLines: 0,
      badLines: 0,
      partialTail: false,
      version: 1,
      foreignLines: 0,
    });
    const entries = [entry('a1'), entry('b2')];
    expect([...replayIndex(encodeIndex(entries)).entries.values()]).toEqual(entries);
  });
});
