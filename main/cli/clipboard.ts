// Reads the system clipboard through the platform's own tool. The desktop app uses Electron's
// clipboard instead; the command line has no Electron, so it asks these programs.
import { execFile } from 'node:child_process';
import { childEnv } from '../store/child-env';
import { CliError } from './errors';
import { findExecutable } from './executables';

interface ClipboardTool {
  program: string;
  args: string[];
}

const CLIPBOARD_TIMEOUT_MS = 5_000;
const MAX_CLIPBOARD_BYTES = 64 * 1024 * 1024;

const WAYLAND: ClipboardTool = { program: 'wl-paste', args: ['--no-newline'] };
const XCLIP: ClipboardTool = { program: 'xclip', args: ['-selection', 'clipboard', '-o'] };
const XSEL: ClipboardTool = { program: 'xsel', args: ['--clipboard', '--output'] };

/** The tools to try, best first, for this platform and session. */
export function clipboardTools(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): ClipboardTool[] {
  if (platform === 'darwin') return [{ program: 'pbpaste', args: [] }];
  if (platform === 'win32') {
    const args = ['-NoProfile', '-NonInteractive', '-Command', 'Get-Clipboard -Raw'];
    return [
      { program: 'powershell', args },
      { program: 'pwsh', args },
    ];
  }
  return env.WAYLAND_DISPLAY ? [WAYLAND, XCLIP, XSEL] : [XCLIP, XSEL, WAYLAND];
}

function run(
  path: string,
  tool: ClipboardTool,
  env: NodeJS.ProcessEnv,
  signal: AbortSignal,
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      path,
      tool.args,
      {
        env: childEnv(env),
        signal,
        timeout: CLIPBOARD_TIMEOUT_MS,
        maxBuffer: MAX_CLIPBOARD_BYTES,
        encoding: 'utf8',
      },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        if (signal.aborted) return reject(new CliError('stopped while reading the clipboard'));
        if (error.killed) {
          return reject(
            new CliError(`${tool.program} did not answer within ${CLIPBOARD_TIMEOUT_MS / 1000} s`),
          );
        }
        const detail = stderr.trim().split('\n')[0] || error.message;
        // xclip and wl-paste exit non-zero when the clipboard holds no text.
        reject(new CliError(`the clipboard is empty or holds no text (${tool.program}: ${detail})`));
      },
    );
  });
}

/** The clipboard's text. Throws CliError when no tool exists, the tool fails, or the clipboard is empty. */
export async function readClipboard(
  env: NodeJS.ProcessEnv,
  signal: AbortSignal,
  platform: NodeJS.Platform = process.platform,
): Promise<string> {
  const tools = clipboardTools(platform, env);
  for (const tool of tools) {
    const path = findExecutable(tool.program, env, platform);
    if (!path) continue;
    const text = await run(path, tool, env, signal);
    // PowerShell ends its output with a newline that was not on the clipboard.
    const cleaned = platform === 'win32' ? text.replace(/\r?\n$/, '') : text;
    if (cleaned.trim() === '') throw new CliError('the clipboard is empty');
    return cleaned;
  }
  const names = tools.map((tool) => tool.program).join(', ');
  throw new CliError(
    `cannot read the clipboard: none of ${names} was found on PATH (install one, or pass the text as an argument or on stdin with -)`,
  );
}
