// Selection capture against a real X server: Xvfb holds the selections, xclip owns them the way an
// application does when the user highlights or copies text, and the PRIMARY reader runs
// `xclip -o -selection primary` (standing in for Electron's clipboard.selection.readText(), which
// reads the same X selection).
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSelectionCapture } from '../main/desktop/selection/capture';
import { createSelectionStrategy } from '../main/desktop/selection/platform';
import type { ClipboardLike } from '../main/desktop/selection/clipboard-snapshot';

type XSelection = 'primary' | 'clipboard';

let xvfb: ChildProcess;
let env: NodeJS.ProcessEnv;
/** The xclip process owning each selection (it serves the text until killed or replaced). */
const owners = new Map<XSelection, ChildProcess>();

function exited(child: ChildProcess): Promise<unknown> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : once(child, 'exit');
}

/** Starts Xvfb on a display number it picks itself (-displayfd), so parallel runs never collide. */
async function startXvfb(): Promise<{ server: ChildProcess; display: string }> {
  const server = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1024x768x24', '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
  });
  const fd = server.stdio[3];
  if (!fd) throw new Error('Xvfb: no display pipe');
  const display = await new Promise<string>((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error('Xvfb did not report a display within 10 s')), 10_000);
    fd.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      if (text.includes('\n')) {
        clearTimeout(timer);
        resolve(`:${text.trim()}`);
      }
    });
    server.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    server.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Xvfb exited (${code}) before reporting a display`));
    });
  });
  fd.destroy();
  return { server, display };
}

/** Reads an X selection like a client would; '' when nobody owns it. */
function readX(selection: XSelection): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'xclip',
      ['-o', '-selection', selection],
      { env, timeout: 3_000, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        if (/not available/.test(stderr)) return resolve('');
        reject(new Error(`xclip -o: ${stderr.trim() || error.message}`));
      },
    );
  });
}

async function waitUntil(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Makes a fresh xclip process the owner of `selection` with `text`, as highlighting/copying does. */
async function own(selection: XSelection, text: string): Promise<void> {
  const previous = owners.get(selection);
  // -quiet keeps xclip in the foreground, so this process (not a forked daemon) is the owner.
  const owner = spawn('xclip', ['-quiet', '-i', '-selection', selection], {
    env,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  owners.set(selection, owner);
  owner.stdin?.end(text);
  await waitUntil(async () => (await readX(selection)) === text, `xclip to own ${selection}`);
  // The previous owner lost the selection and exits on its own.
  if (previous) await exited(previous);
}

/** Leaves `selection` without an owner (the selecting app went away). */
async function disown(selection: XSelection): Promise<void> {
  const owner = owners.get(selection);
  owners.delete(selection);
  if (!owner) return;
  owner.kill();
  await exited(owner);
  await waitUntil(async () => (await readX(selection)) === '', `${selection} to lose its owner`);
}

/** Linux capture never touches the clipboard except to read it; any write would be a bug. */
const untouchableClipboard: ClipboardLike = {
  read: () => Promise.reject(new Error('the Linux capture must not snapshot the clipboard')),
  write: () => Promise.reject(new Error('the Linux capture must not write the clipboard')),
  readText: () =>
    Promise.reject(new Error('the Linux capture reads the clipboard through readClipboardText')),
  clear: () => {
    throw new Error('the Linux capture must not clear the clipboard');
  },
};

function linuxCapture(options: { fallback: () => boolean; now: () => number }) {
  const strategy = createSelectionStrategy({
    platform: 'linux',
    clipboard: untouchableClipboard,
    readPrimary: () => readX('primary'),
    primary: { staleAfterMs: 30_000, now: options.now },
  });
  return createSelectionCapture({
    strategy,
    readClipboardText: () => readX('clipboard'),
    clipboardFallback: options.fallback,
  });
}

beforeAll(async () => {
  const started = await startXvfb();
  xvfb = started.server;
  env = { ...process.env, DISPLAY: started.display };
  delete env.XAUTHORITY;
  delete env.WAYLAND_DISPLAY;
});

afterEach(async () => {
  await disown('primary');
  await disown('clipboard');
});

afterAll(async () => {
  for (const owner of owners.values()) owner.kill();
  await Promise.all([...owners.values()].map(exited));
  xvfb.kill();
  await exited(xvfb);
  expect(xvfb.exitCode !== null || xvfb.signalCode !== null).toBe(true);
});

describe('selection capture on a real X server', () => {
  it('reads a fresh PRIMARY selection, then each new one', async () => {
    let now = 1_000_000;
    const capture = linuxCapture({ fallback: () => true, now: () => now });

    await own('primary', 'The quick brown fox.');
    expect(await capture()).toEqual({ text: 'The quick brown fox.', source: 'selection' });

    now += 5_000;
    await own('primary', 'Zwölf Boxkämpfer jagen Viktor — ünïcödé survives.');
    expect(await capture()).toEqual({
      text: 'Zwölf Boxkämpfer jagen Viktor — ünïcödé survives.',
      source: 'selection',
    });
  });

  it('an unchanged PRIMARY is re-read within the window and treated as stale after it', async () => {
    let now = 1_000_000;
    const capture = linuxCapture({ fallback: () => true, now: () => now });
    await own('primary', 'highlighted long ago');
    await own('clipboard', 'copied just now');

    expect(await capture()).toMatchObject({ text: 'highlighted long ago', source: 'selection' });
    now += 10_000;
    expect(await capture()).toMatchObject({ text: 'highlighted long ago', source: 'selection' });

    now += 30_001;
    const stale = await capture();
    expect(stale).toMatchObject({
      text: 'copied just now',
      source: 'clipboard',
      problem: 'nothing-selected',
    });
    expect(stale.detail).toMatch(/unchanged/);

    // Highlighting something new ends the stale state at once.
    await own('primary', 'a new highlight');
    expect(await capture()).toEqual({ text: 'a new highlight', source: 'selection' });
  });

  it('a stale PRIMARY without the fallback is "none"', async () => {
    let now = 1_000_000;
    let fallback = true;
    const capture = linuxCapture({ fallback: () => fallback, now: () => now });
    await own('primary', 'old');
    await own('clipboard', 'clip');
    expect((await capture()).source).toBe('selection');
    now += 60_000;
    fallback = false;
    expect(await capture()).toMatchObject({ text: '', source: 'none', problem: 'nothing-selected' });
  });

  it('an empty PRIMARY falls back to CLIPBOARD, or answers none when the fallback is off', async () => {
    let fallback = true;
    const capture = linuxCapture({ fallback: () => fallback, now: () => 1_000_000 });
    await own('clipboard', 'Only on the clipboard.');
    expect(await readX('primary')).toBe('');

    expect(await capture()).toEqual({
      text: 'Only on the clipboard.',
      source: 'clipboard',
      problem: 'nothing-selected',
      detail: 'PRIMARY selection is empty',
    });

    fallback = false;
    expect(await capture()).toEqual({
      text: '',
      source: 'none',
      problem: 'nothing-selected',
      detail: 'PRIMARY selection is empty',
    });
  });

  it('nothing selected and nothing copied is "none" even with the fallback on', async () => {
    const capture = linuxCapture({ fallback: () => true, now: () => 1_000_000 });
    expect(await capture()).toMatchObject({ text: '', source: 'none', problem: 'nothing-selected' });
  });

  it('a PRIMARY whose owner went away is empty, not the text it used to hold', async () => {
    const capture = linuxCapture({ fallback: () => false, now: () => 1_000_000 });
    await own('primary', 'soon gone');
    expect((await capture()).text).toBe('soon gone');
    await disown('primary');
    expect(await capture()).toMatchObject({ source: 'none' });
  });
});
