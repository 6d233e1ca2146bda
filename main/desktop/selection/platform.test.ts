import { describe, expect, it } from 'vitest';
import type { ClipboardLike } from './clipboard-snapshot';
import { createSelectionStrategy, usesSimulatedCopy } from './platform';
import { PrimarySelectionStrategy } from './primary';
import { SimulatedCopyStrategy } from './simulated-copy';

const emptyClipboard: ClipboardLike = {
  read: () => Promise.resolve([]),
  write: () => Promise.resolve(),
  readText: () => Promise.resolve(''),
  clear: () => undefined,
};

describe('createSelectionStrategy', () => {
  it('Linux reads PRIMARY; Windows and macOS copy', () => {
    expect(usesSimulatedCopy('linux')).toBe(false);
    expect(usesSimulatedCopy('freebsd')).toBe(false);
    const linux = createSelectionStrategy({
      platform: 'linux',
      clipboard: emptyClipboard,
      readPrimary: () => Promise.resolve('x'),
    });
    expect(linux).toBeInstanceOf(PrimarySelectionStrategy);
    for (const platform of ['win32', 'darwin'] as const) {
      const strategy = createSelectionStrategy({
        platform,
        clipboard: emptyClipboard,
        sendCopyKeystroke: () => Promise.resolve(),
      });
      expect(strategy).toBeInstanceOf(SimulatedCopyStrategy);
    }
  });

  it('Linux without a PRIMARY reader reports an empty selection', async () => {
    const strategy = createSelectionStrategy({ platform: 'linux', clipboard: emptyClipboard });
    expect(await strategy.read()).toMatchObject({ kind: 'empty' });
  });

  it('macOS asks for the Accessibility permission before copying', async () => {
    let keystrokes = 0;
    const strategy = createSelectionStrategy({
      platform: 'darwin',
      clipboard: emptyClipboard,
      systemPreferences: { isTrustedAccessibilityClient: () => false },
      sendCopyKeystroke: () => {
        keystrokes++;
        return Promise.resolve();
      },
    });
    expect(await strategy.read()).toMatchObject({ kind: 'unavailable', problem: 'accessibility-required' });
    expect(keystrokes).toBe(0);
  });
});
