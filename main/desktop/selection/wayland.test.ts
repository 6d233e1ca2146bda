// wl-paste's failure paths, with the real wl-paste (wl-clipboard) and no compositor; reading a real
// selection is in tests/selection-wayland.test.ts, under a headless Sway.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodeUtf8Prefix,
  hasWlPaste,
  isPrimaryUnsupported,
  readWaylandPrimary,
  WlPasteFailedError,
} from './wayland';

let emptyDir: string;

beforeAll(async () => {
  emptyDir = await mkdtemp(join(tmpdir(), 'hark-no-wl-paste-'));
});

afterAll(async () => {
  await rm(emptyDir, { recursive: true, force: true });
});

describe('decodeUtf8Prefix', () => {
  it('cuts at the byte limit without splitting a character', () => {
    const bytes = Buffer.from('aé€😀', 'utf8'); // 1 + 2 + 3 + 4 bytes
    expect(decodeUtf8Prefix(bytes, 100)).toBe('aé€😀');
    expect(decodeUtf8Prefix(bytes, 10)).toBe('aé€😀');
    expect(decodeUtf8Prefix(bytes, 9)).toBe('aé€');
    expect(decodeUtf8Prefix(bytes, 6)).toBe('aé€');
    expect(decodeUtf8Prefix(bytes, 5)).toBe('aé');
    expect(decodeUtf8Prefix(bytes, 2)).toBe('a');
  });
});

describe('readWaylandPrimary failures', () => {
  it('says what to install when wl-paste is missing', async () => {
    const env = { PATH: emptyDir, WAYLAND_DISPLAY: 'wayland-0', XDG_RUNTIME_DIR: emptyDir };
    expect(await hasWlPaste(env)).toBe(false);
    await expect(readWaylandPrimary({ env })).rejects.toThrow(
      'wl-paste was not found. Install wl-clipboard so Hark can read the selection on Wayland.',
    );
  });

  it("passes on wl-paste's own message when it cannot reach a compositor", async () => {
    const env = { PATH: process.env.PATH, WAYLAND_DISPLAY: 'wayland-404', XDG_RUNTIME_DIR: emptyDir };
    expect(await hasWlPaste(env)).toBe(true);
    const error = await readWaylandPrimary({ env }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WlPasteFailedError);
    expect((error as Error).message).toBe('wl-paste: Failed to connect to a Wayland server');
    expect(isPrimaryUnsupported(error)).toBe(false);
  });

  it('knows which wl-paste messages mean the compositor has no PRIMARY at all', () => {
    expect(
      isPrimaryUnsupported(
        new WlPasteFailedError('The compositor does not seem to support primary selection'),
      ),
    ).toBe(true);
    expect(isPrimaryUnsupported(new Error('The compositor does not seem to support primary selection'))).toBe(
      false,
    );
    expect(isPrimaryUnsupported(new WlPasteFailedError('Missing a seat'))).toBe(false);
  });
});
