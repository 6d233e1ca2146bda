// Reads the Wayland PRIMARY selection with `wl-paste` (wl-clipboard). Through the compositor's
// data-control protocol (wlroots compositors such as Sway and Hyprland, KDE Plasma) wl-paste reads the
// selection without keyboard focus, which a tray app never has at hotkey time; Electron on native
// Wayland cannot. Ask wayland-registry.ts first: without data-control, wl-paste pops up a surface to
// steal focus instead (a flashing window, or a wait that never ends).
//
// wl-paste runs without a shell, in its own process group: it hands the transfer to a `cat` child, and
// a hung selection owner leaves that child waiting forever, so a timeout kills the whole group.
import { execFile, spawn } from 'node:child_process';
import { childEnv } from '../../store/child-env';
import { DEFAULT_PRIMARY_TIMEOUT_MS } from './primary';

/** `--type text` makes wl-paste pick text/plain;charset=utf-8, then text/plain, then any text type. */
export const WL_PASTE_PRIMARY_ARGS: readonly string[] = ['--primary', '--no-newline', '--type', 'text'];
export const WL_PASTE_TIMEOUT_MS = DEFAULT_PRIMARY_TIMEOUT_MS;
/** Far more than anyone reads aloud (the reading path reads the first 100,000 characters). */
export const WL_PASTE_MAX_BYTES = 10 * 1024 * 1024;
const MAX_STDERR_BYTES = 4 * 1024;

export interface WaylandPrimaryOptions {
  /** wl-paste's environment (only what childEnv passes on): PATH, WAYLAND_DISPLAY, XDG_RUNTIME_DIR. Default: process.env. */
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** A larger selection is cut to its first `maxBytes` bytes, at a character boundary. */
  maxBytes?: number;
}

export const INSTALL_WL_CLIPBOARD = 'Install wl-clipboard so Hark can read the selection on Wayland';

/** wl-paste is not installed (or not on PATH). */
export class WlPasteMissingError extends Error {
  constructor() {
    super(`wl-paste was not found. ${INSTALL_WL_CLIPBOARD}.`);
    this.name = 'WlPasteMissingError';
  }
}

/** wl-paste ran and failed; the message is wl-paste's own. */
export class WlPasteFailedError extends Error {
  constructor(readonly reason: string) {
    super(`wl-paste: ${reason}`);
    this.name = 'WlPasteFailedError';
  }
}

// What wl-paste prints when nothing (readable) is selected: "No selection" (wl-clipboard 2.x),
// "Nothing is copied" (later releases), and "No suitable type of content copied" (only images etc.).
const NOTHING_SELECTED = /no selection|nothing is copied|no suitable type of content/i;
// What it prints when the compositor has no primary selection at all.
const NO_PRIMARY_SUPPORT = /does not seem to support primary selection|without primary selection support/i;

/** True when wl-paste says the compositor (or its build) cannot do PRIMARY: retrying will not help. */
export function isPrimaryUnsupported(error: unknown): boolean {
  return error instanceof WlPasteFailedError && NO_PRIMARY_SUPPORT.test(error.reason);
}

/** Resolves with the Wayland PRIMARY selection's text, '' when nothing is selected. */
export function readWaylandPrimary(options: WaylandPrimaryOptions = {}): Promise<string> {
  const timeoutMs = options.timeoutMs ?? WL_PASTE_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? WL_PASTE_MAX_BYTES;
  return new Promise((resolve, reject) => {
    const child = spawn('wl-paste', WL_PASTE_PRIMARY_ARGS, {
      env: childEnv(options.env ?? process.env),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let stderr = '';
    let settled = false;

    const killGroup = () => {
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.stdout.destroy();
      child.stderr.destroy();
      outcome();
    };
    const timer = setTimeout(() => {
      killGroup();
      settle(() =>
        reject(
          new Error(
            `wl-paste did not answer within ${timeoutMs} ms (the app holding the selection may be hung)`,
          ),
        ),
      );
    }, timeoutMs);

    child.stdout.on('data', (chunk: Buffer) => {
      stdout.push(chunk);
      stdoutBytes += chunk.length;
      if (stdoutBytes < maxBytes) return;
      killGroup();
      settle(() => resolve(decodeUtf8Prefix(Buffer.concat(stdout), maxBytes)));
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < MAX_STDERR_BYTES) stderr += chunk.toString('utf8');
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      settle(() => reject(error.code === 'ENOENT' ? new WlPasteMissingError() : error));
    });
    child.on('close', (code, signal) => {
      settle(() => {
        if (code === 0) return resolve(decodeUtf8Prefix(Buffer.concat(stdout), maxBytes));
        const reason = stderr.trim().split('\n')[0]?.trim() ?? '';
        if (NOTHING_SELECTED.test(reason)) return resolve('');
        reject(new WlPasteFailedError(reason || `exited with ${signal ?? `code ${code}`}`));
      });
    });
  });
}

/** The text of the first `maxBytes` bytes, leaving out a character cut in half. */
export function decodeUtf8Prefix(bytes: Buffer, maxBytes: number): string {
  const prefix = bytes.length > maxBytes ? bytes.subarray(0, maxBytes) : bytes;
  // In streaming mode the decoder holds back an incomplete trailing sequence instead of emitting U+FFFD.
  return new TextDecoder('utf-8').decode(prefix, { stream: true });
}

/** Resolves true when `wl-paste` can be run at all (it answers --version; no compositor needed). */
export function hasWlPaste(
  env: NodeJS.ProcessEnv = process.env,
  timeoutMs = WL_PASTE_TIMEOUT_MS,
): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('wl-paste', ['--version'], { env: childEnv(env), timeout: timeoutMs }, (error) =>
      resolve(error === null),
    );
  });
}
