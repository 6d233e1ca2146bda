// Selection capture against a real Wayland compositor: a headless Sway (wlroots, with data-control)
// holds the selections, `wl-copy --foreground` owns them the way an application does when the user
// highlights or copies text, and Hark's Linux strategy reads PRIMARY through wl-paste. Electron's own
// PRIMARY reader cannot run here; a stand-in shows when the strategy falls back to it.
//
// Sway refuses to run as root, so when these tests run as root (containers) Sway runs as `nobody`;
// root's clients may still connect to its socket.
import { execFile, execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmod, chown, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSelectionCapture } from '../main/desktop/selection/capture';
import type { ClipboardLike } from '../main/desktop/selection/clipboard-snapshot';
import { createSelectionStrategy } from '../main/desktop/selection/platform';
import type { PlatformCaptureDeps } from '../main/desktop/selection/platform';
import { listWaylandGlobals, offersPrimaryDataControl } from '../main/desktop/selection/wayland-registry';

type WaylandSelection = 'primary' | 'clipboard';

let sway: ChildProcess;
let swayLog = '';
let runtimeDir: string;
let env: NodeJS.ProcessEnv;
/** The wl-copy process owning each selection (it serves the text until killed or replaced). */
const owners = new Map<WaylandSelection, ChildProcess>();

function exited(child: ChildProcess): Promise<unknown> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : once(child, 'exit');
}

async function waitUntil(check: () => Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Sway as an unprivileged user when we are root (it will not start as root). */
function unprivilegedIds(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'nobody'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/** Starts a headless Sway with a private runtime directory and waits until it answers. */
async function startSway(): Promise<void> {
  runtimeDir = await mkdtemp(join(tmpdir(), 'hark-sway-'));
  const config = join(runtimeDir, 'config');
  // No Xwayland (not installed, not needed); everything else is Sway's default.
  await writeFile(config, 'xwayland disable\n');
  await chmod(runtimeDir, 0o700);
  const ids = unprivilegedIds();
  if (ids) {
    await chown(runtimeDir, ids.uid, ids.gid);
    await chown(config, ids.uid, ids.gid);
  }
  sway = spawn('sway', ['-c', config], {
    env: {
      PATH: process.env.PATH,
      HOME: runtimeDir,
      XDG_RUNTIME_DIR: runtimeDir,
      WLR_BACKENDS: 'headless',
      WLR_LIBINPUT_NO_DEVICES: '1',
      WLR_RENDERER: 'pixman',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
    ...(ids ?? {}),
  });
  sway.stderr?.on('data', (chunk: Buffer) => {
    swayLog = (swayLog + chunk.toString('utf8')).slice(-4_000);
  });
  const failed = new Promise<never>((_, reject) => {
    sway.once('error', (error) => reject(new Error(`sway could not start: ${error.message}`)));
    sway.once('exit', (code, signal) =>
      reject(new Error(`sway exited (${signal ?? code}) before its socket answered:\n${swayLog}`)),
    );
  });
  const ready = waitUntil(async () => {
    const socket = (await readdir(runtimeDir)).find((name) => /^wayland-\d+$/.test(name));
    if (!socket) return false;
    env = { PATH: process.env.PATH, XDG_RUNTIME_DIR: runtimeDir, WAYLAND_DISPLAY: socket };
    return listWaylandGlobals(env).then(
      () => true,
      () => false,
    );
  }, 'sway to answer on its Wayland socket');
  await Promise.race([ready, failed]);
  failed.catch(() => undefined);
}

/** Reads a selection like a client would; '' when nothing is selected. */
function readW(selection: WaylandSelection, readEnv = env): Promise<string> {
  const args = ['--no-newline', '--type', 'text', ...(selection === 'primary' ? ['--primary'] : [])];
  return new Promise((resolve, reject) => {
    execFile(
      'wl-paste',
      args,
      { env: readEnv, timeout: 5_000, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        if (/No selection|Nothing is copied/.test(stderr)) return resolve('');
        reject(new Error(`wl-paste: ${stderr.trim() || error.message}`));
      },
    );
  });
}

function copyArgs(selection: WaylandSelection): string[] {
  return selection === 'primary' ? ['--primary'] : [];
}

/** Makes a fresh wl-copy process the owner of `selection` with `text`, as highlighting/copying does. */
async function own(selection: WaylandSelection, text: string): Promise<ChildProcess> {
  const previous = owners.get(selection);
  // --foreground keeps wl-copy in this process (no forked daemon), so it is the owner we can kill.
  const owner = spawn(
    'wl-copy',
    [...copyArgs(selection), '--foreground', '--type', 'text/plain;charset=utf-8'],
    {
      env,
      stdio: ['pipe', 'ignore', 'ignore'],
    },
  );
  owners.set(selection, owner);
  owner.stdin?.end(text);
  await waitUntil(async () => (await readW(selection)) === text, `wl-copy to own ${selection}`);
  // The previous owner lost the selection and exits on its own.
  if (previous) await exited(previous);
  return owner;
}

/** Leaves `selection` without an owner (the selecting app went away). */
async function disown(selection: WaylandSelection): Promise<void> {
  const owner = owners.get(selection);
  owners.delete(selection);
  if (!owner) return;
  owner.kill('SIGKILL');
  await exited(owner);
  await waitUntil(async () => (await readW(selection)) === '', `${selection} to lose its owner`);
}

/** `wl-copy --clear`: the selection is set to nothing, as when an app deselects explicitly. */
async function clear(selection: WaylandSelection): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    execFile('wl-copy', [...copyArgs(selection), '--clear'], { env, timeout: 5_000 }, (error) =>
      error ? reject(error) : resolve(),
    );
  });
  const previous = owners.get(selection);
  owners.delete(selection);
  if (previous) await exited(previous);
  await waitUntil(async () => (await readW(selection)) === '', `${selection} to be cleared`);
}

/** wl-paste processes (and their `cat`) still running against this Sway. */
async function leftoverReaders(): Promise<string[]> {
  const found: string[] = [];
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const comm = (await readFile(`/proc/${pid}/comm`, 'utf8')).trim();
      if (comm !== 'wl-paste' && comm !== 'cat') continue;
      const environ = (await readFile(`/proc/${pid}/environ`, 'utf8')).split('\0');
      if (environ.includes(`XDG_RUNTIME_DIR=${runtimeDir}`)) found.push(`${pid} ${comm}`);
    } catch {
      // Gone while we looked.
    }
  }
  return found;
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

/** Electron's clipboard.selection.readText() stand-in: must stay unused while wl-paste works. */
const electronPrimaryUnused = () => Promise.reject(new Error("Electron's PRIMARY reader was used"));

const warnings: string[] = [];

function waylandStrategy(options: Partial<PlatformCaptureDeps> & { now?: () => number } = {}) {
  const { now = () => 1_000_000, ...deps } = options;
  return createSelectionStrategy({
    platform: 'linux',
    clipboard: untouchableClipboard,
    readPrimary: electronPrimaryUnused,
    env,
    onWarning: (message) => warnings.push(message),
    primary: { staleAfterMs: 30_000, now },
    ...deps,
  });
}

function waylandCapture(options: { fallback: () => boolean; now: () => number }) {
  return createSelectionCapture({
    strategy: waylandStrategy({ now: options.now }),
    readClipboardText: () => readW('clipboard'),
    clipboardFallback: options.fallback,
  });
}

beforeAll(async () => {
  await startSway();
});

afterEach(async () => {
  await disown('primary');
  await disown('clipboard');
  expect(warnings.splice(0)).toEqual([]);
});

afterAll(async () => {
  for (const owner of owners.values()) owner.kill('SIGKILL');
  await Promise.all([...owners.values()].map(exited));
  sway?.kill();
  if (sway) await exited(sway);
  await rm(runtimeDir, { recursive: true, force: true });
});

describe('selection capture on a real Wayland compositor (headless Sway)', () => {
  it('Sway offers data-control with the primary selection', async () => {
    expect(offersPrimaryDataControl(await listWaylandGlobals(env))).toBe(true);
  });

  it('reads a fresh PRIMARY selection through wl-paste, then each new one, unicode intact', async () => {
    let now = 1_000_000;
    const capture = waylandCapture({ fallback: () => true, now: () => now });

    await own('primary', 'The quick brown fox.');
    expect(await capture()).toEqual({ text: 'The quick brown fox.', source: 'selection' });

    const unicode = 'Zwölf Boxkämpfer — 東京の空 — שלום — e\u0301 — 👩‍🔬 and a\ttab\nnext line\n';
    now += 5_000;
    await own('primary', unicode);
    expect(await capture()).toEqual({ text: unicode, source: 'selection' });
  });

  it('an unchanged PRIMARY is re-read within the window and treated as stale after it', async () => {
    let now = 1_000_000;
    const capture = waylandCapture({ fallback: () => true, now: () => now });
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

    await own('primary', 'a new highlight');
    expect(await capture()).toEqual({ text: 'a new highlight', source: 'selection' });
  });

  it('a cleared PRIMARY is nothing selected: the clipboard, or none without the fallback', async () => {
    let fallback = true;
    const capture = waylandCapture({ fallback: () => fallback, now: () => 1_000_000 });
    await own('primary', 'about to be cleared');
    await own('clipboard', 'Only on the clipboard.');
    await clear('primary');

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

  it('a PRIMARY whose owner went away is empty, not the text it used to hold', async () => {
    const capture = waylandCapture({ fallback: () => false, now: () => 1_000_000 });
    await own('primary', 'soon gone');
    expect((await capture()).text).toBe('soon gone');
    await disown('primary');
    expect(await capture()).toMatchObject({ source: 'none', problem: 'nothing-selected' });
  });

  it('reads a 5 MB selection whole, and cuts one above the cap at a character boundary', async () => {
    const sentence = 'Zwölf Boxkämpfer jagen Viktor quer über den großen Sylter Deich. ';
    const big = sentence.repeat(Math.ceil((5 * 1024 * 1024) / Buffer.byteLength(sentence)));
    expect(Buffer.byteLength(big)).toBeGreaterThanOrEqual(5 * 1024 * 1024);
    // Generous timeouts: this is about size, not speed, on a busy machine.
    const slow = { timeoutMs: 30_000 };
    await own('primary', big);
    const whole = await waylandStrategy({ primary: slow, wlPaste: slow }).read();
    expect(whole.kind === 'text' && whole.text.length).toBe(big.length);
    expect(whole.kind === 'text' && whole.text === big).toBe(true);

    // 'a' then two-byte characters: a 1 MiB cap falls in the middle of one, which is left out.
    await own('primary', `a${'ö'.repeat(3 * 1024 * 1024)}`);
    const capped = await waylandStrategy({
      primary: slow,
      wlPaste: { ...slow, maxBytes: 1024 * 1024 },
    }).read();
    const expected = `a${'ö'.repeat((1024 * 1024 - 1 - 1) / 2)}`;
    expect(capped.kind === 'text' && capped.text.length).toBe(expected.length);
    expect(capped.kind === 'text' && capped.text === expected).toBe(true);
    await expect.poll(leftoverReaders).toEqual([]);
  });

  it('a hung selection owner times out, and wl-paste and its helper are killed', async () => {
    const owner = await own('primary', 'never delivered');
    owner.kill('SIGSTOP');
    try {
      const strategy = waylandStrategy({ primary: { timeoutMs: 20_000 }, wlPaste: { timeoutMs: 500 } });
      expect(await strategy.read()).toEqual({
        kind: 'unavailable',
        problem: 'capture-failed',
        detail: 'wl-paste did not answer within 500 ms (the app holding the selection may be hung)',
      });
      await expect.poll(leftoverReaders).toEqual([]);
    } finally {
      owner.kill('SIGKILL');
      await exited(owner);
    }
  });

  it("without wl-paste, falls back to Electron's reader and says once what to install", async () => {
    const emptyBin = await mkdtemp(join(tmpdir(), 'hark-no-wl-paste-'));
    try {
      await own('primary', 'selected in a Wayland app');
      let electronReads = 0;
      const strategy = waylandStrategy({
        env: { ...env, PATH: emptyBin },
        readPrimary: () => {
          electronReads++;
          return Promise.resolve('what Electron saw');
        },
      });
      expect(await strategy.read()).toEqual({ kind: 'text', text: 'what Electron saw' });
      expect(await strategy.read()).toEqual({ kind: 'text', text: 'what Electron saw' });
      expect(electronReads).toBe(2);
      expect(warnings.splice(0)).toEqual(['Install wl-clipboard so Hark can read the selection on Wayland']);
    } finally {
      await rm(emptyBin, { recursive: true, force: true });
    }
  });
});
