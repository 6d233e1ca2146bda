import { describe, expect, it } from 'vitest';
import type { ClipboardItemLike, ClipboardLike, ClipboardRecord } from './clipboard-snapshot';
import { AccessibilityGate, SimulatedCopyStrategy } from './simulated-copy';

/**
 * An in-memory clipboard with Electron 45's semantics: several items, each with several formats;
 * getType resolves with a Blob for every format except bookmarks, and rejects for a missing one.
 */
class MemoryClipboard implements ClipboardLike {
  items: Record<string, unknown>[] = [];
  writes = 0;
  /** Formats whose data the platform refuses to hand out (getType rejects). */
  unreadableFormats = new Set<string>();

  read(): Promise<ClipboardItemLike[]> {
    return Promise.resolve(
      this.items.map((record) => ({
        types: Object.keys(record),
        getType: (type: string) => {
          if (!(type in record) || this.unreadableFormats.has(type)) {
            return Promise.reject(new Error(`no ${type}`));
          }
          const data = record[type];
          return Promise.resolve(typeof data === 'string' ? new Blob([data], { type }) : data);
        },
      })),
    );
  }

  write(items: readonly ClipboardRecord[]): Promise<void> {
    this.writes++;
    this.items = items.map((record) => ({ ...record }));
    return Promise.resolve();
  }

  async readText(): Promise<string> {
    const data = this.items[0]?.['text/plain'];
    if (data instanceof Blob) return data.text();
    return typeof data === 'string' ? data : '';
  }

  clear(): void {
    this.items = [];
  }

  /** The clipboard as plain values, Blobs decoded, for comparisons. */
  async contents(): Promise<Record<string, unknown>[]> {
    return Promise.all(
      this.items.map(async (record) => {
        const out: Record<string, unknown> = {};
        for (const [type, data] of Object.entries(record)) {
          // A string and a Blob of the same bytes are the same clipboard data.
          if (data instanceof Blob) out[type] = Buffer.from(await data.arrayBuffer()).toString('hex');
          else out[type] = typeof data === 'string' ? Buffer.from(data).toString('hex') : data;
        }
        return out;
      }),
    );
  }
}

const PNG_BYTES = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 1, 2, 3]);

function userClipboard(): MemoryClipboard {
  const clipboard = new MemoryClipboard();
  clipboard.items = [
    {
      'text/plain': 'what the user copied',
      'text/html': '<b>what the user copied</b>',
      'text/rtf': '{\\rtf1 what the user copied}',
      'image/png': new Blob([PNG_BYTES], { type: 'image/png' }),
      'electron application/bookmark': { title: 'Docs', url: 'https://example.org/' },
    },
    { 'electron application/osclipboard;format="FileGroupDescriptorW"': new Blob([new Uint8Array([9, 9])]) },
  ];
  return clipboard;
}

/** The focused app: its copy shortcut puts its selection on the clipboard after `lagMs`. */
function focusedApp(clipboard: MemoryClipboard, selection: string, lagMs = 0) {
  let presses = 0;
  return {
    get presses() {
      return presses;
    },
    sendCopyKeystroke: async () => {
      presses++;
      // Asserts the change check's premise: the keystroke always finds an emptied clipboard.
      expect(clipboard.items).toEqual([]);
      if (selection === '') return;
      setTimeout(() => {
        clipboard.items = [{ 'text/plain': selection, 'text/html': `<p>${selection}</p>` }];
      }, lagMs);
    },
  };
}

const FAST = { copyTimeoutMs: 300, pollIntervalMs: 5 };

describe('SimulatedCopyStrategy', () => {
  it('reads the copied selection and restores every item and format of the clipboard', async () => {
    const clipboard = userClipboard();
    const before = await clipboard.contents();
    const app = focusedApp(clipboard, 'the selected sentence', 30);
    const strategy = new SimulatedCopyStrategy({ clipboard, sendCopyKeystroke: app.sendCopyKeystroke }, FAST);

    expect(await strategy.read()).toEqual({ kind: 'text', text: 'the selected sentence' });
    expect(app.presses).toBe(1);
    expect(await clipboard.contents()).toEqual(before);
    expect(before[0]?.['image/png']).toBe(Buffer.from(PNG_BYTES).toString('hex'));
  });

  it('a copy that puts nothing on the clipboard is "empty", never the old clipboard text', async () => {
    const clipboard = userClipboard();
    const before = await clipboard.contents();
    const app = focusedApp(clipboard, '');
    const strategy = new SimulatedCopyStrategy({ clipboard, sendCopyKeystroke: app.sendCopyKeystroke }, FAST);

    const attempt = await strategy.read();
    expect(attempt.kind).toBe('empty');
    expect(await clipboard.contents()).toEqual(before);
  });

  it('the same text as the old clipboard still counts as a fresh copy', async () => {
    const clipboard = userClipboard();
    const app = focusedApp(clipboard, 'what the user copied', 10);
    const strategy = new SimulatedCopyStrategy({ clipboard, sendCopyKeystroke: app.sendCopyKeystroke }, FAST);
    expect(await strategy.read()).toEqual({ kind: 'text', text: 'what the user copied' });
  });

  it('a copy slower than the timeout is "empty", and the late copy is then overwritten by the restore', async () => {
    const clipboard = userClipboard();
    const app = focusedApp(clipboard, 'too late', 10);
    const strategy = new SimulatedCopyStrategy(
      { clipboard, sendCopyKeystroke: app.sendCopyKeystroke },
      { copyTimeoutMs: 0, pollIntervalMs: 1 },
    );
    expect((await strategy.read()).kind).toBe('empty');
    await new Promise((resolve) => setTimeout(resolve, 30));
    // The late copy landed after the restore; nothing Hark can do about an app that slow, but it
    // must not have been read as the selection.
    expect(await clipboard.readText()).toBe('too late');
  });

  it('an empty clipboard stays empty after the capture', async () => {
    const clipboard = new MemoryClipboard();
    const app = focusedApp(clipboard, 'selected', 5);
    const strategy = new SimulatedCopyStrategy({ clipboard, sendCopyKeystroke: app.sendCopyKeystroke }, FAST);
    expect(await strategy.read()).toEqual({ kind: 'text', text: 'selected' });
    expect(clipboard.items).toEqual([]);
    expect(clipboard.writes).toBe(0);
  });

  it('a failing keystroke is reported and the clipboard is restored', async () => {
    const clipboard = userClipboard();
    const before = await clipboard.contents();
    const strategy = new SimulatedCopyStrategy(
      { clipboard, sendCopyKeystroke: () => Promise.reject(new Error('powershell.exe: not found')) },
      FAST,
    );
    expect(await strategy.read()).toEqual({
      kind: 'unavailable',
      problem: 'capture-failed',
      detail: 'copy failed: powershell.exe: not found',
    });
    expect(await clipboard.contents()).toEqual(before);
  });

  it('does not copy at all when the clipboard cannot be saved', async () => {
    const clipboard = userClipboard();
    clipboard.read = () => Promise.reject(new Error('clipboard busy'));
    const app = focusedApp(clipboard, 'x');
    const strategy = new SimulatedCopyStrategy({ clipboard, sendCopyKeystroke: app.sendCopyKeystroke }, FAST);
    const attempt = await strategy.read();
    expect(attempt).toMatchObject({ kind: 'unavailable', problem: 'capture-failed' });
    expect(app.presses).toBe(0);
    expect(clipboard.items).toHaveLength(2);
  });

  it('warns about formats it could not keep, and keeps the rest', async () => {
    const clipboard = userClipboard();
    clipboard.unreadableFormats.add('text/rtf');
    const warnings: string[] = [];
    const app = focusedApp(clipboard, 'sel', 1);
    const strategy = new SimulatedCopyStrategy(
      { clipboard, sendCopyKeystroke: app.sendCopyKeystroke, onWarning: (m) => warnings.push(m) },
      FAST,
    );
    expect(await strategy.read()).toEqual({ kind: 'text', text: 'sel' });
    expect(Object.keys(clipboard.items[0] ?? {})).not.toContain('text/rtf');
    expect(await clipboard.readText()).toBe('what the user copied');
    expect(warnings).toEqual(['Some clipboard formats could not be kept: text/rtf']);
  });

  it('an accessible-selection reader is asked first, and the clipboard is then left alone', async () => {
    const clipboard = userClipboard();
    const app = focusedApp(clipboard, 'copied');
    const strategy = new SimulatedCopyStrategy(
      {
        clipboard,
        sendCopyKeystroke: app.sendCopyKeystroke,
        readAccessibleSelection: () => Promise.resolve('from accessibility'),
      },
      FAST,
    );
    expect(await strategy.read()).toEqual({ kind: 'text', text: 'from accessibility' });
    expect(app.presses).toBe(0);
    expect(clipboard.writes).toBe(0);
  });

  it('falls back to the copy when the accessible reader finds nothing or fails', async () => {
    for (const reader of [() => Promise.resolve('  '), () => Promise.reject(new Error('no AX'))]) {
      const clipboard = userClipboard();
      const app = focusedApp(clipboard, 'copied', 1);
      const strategy = new SimulatedCopyStrategy(
        { clipboard, sendCopyKeystroke: app.sendCopyKeystroke, readAccessibleSelection: reader },
        FAST,
      );
      expect(await strategy.read()).toEqual({ kind: 'text', text: 'copied' });
    }
  });
});

describe('AccessibilityGate', () => {
  function preferences(trusted: boolean) {
    const calls: boolean[] = [];
    return {
      calls,
      isTrustedAccessibilityClient(prompt: boolean) {
        calls.push(prompt);
        return trusted;
      },
    };
  }

  it('prompts once per run, then only checks', () => {
    const prefs = preferences(false);
    const gate = new AccessibilityGate(prefs);
    expect(gate.isTrusted()).toBe(false);
    expect(gate.isTrusted()).toBe(false);
    expect(prefs.calls).toEqual([false, true, false]);
  });

  it('never prompts when already trusted', () => {
    const prefs = preferences(true);
    expect(new AccessibilityGate(prefs).isTrusted()).toBe(true);
    expect(prefs.calls).toEqual([false]);
  });

  it('without the permission the strategy neither copies nor touches the clipboard', async () => {
    const clipboard = userClipboard();
    const app = focusedApp(clipboard, 'sel');
    const strategy = new SimulatedCopyStrategy(
      {
        clipboard,
        sendCopyKeystroke: app.sendCopyKeystroke,
        accessibility: new AccessibilityGate(preferences(false)),
      },
      FAST,
    );
    expect(await strategy.read()).toMatchObject({ kind: 'unavailable', problem: 'accessibility-required' });
    expect(app.presses).toBe(0);
    expect(clipboard.items).toHaveLength(2);
  });
});
