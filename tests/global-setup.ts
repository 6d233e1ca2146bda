// Integration tests run the built worker thread and CLI, so build once before any test starts.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

export default function setup(): void {
  if (process.env.HARK_SKIP_BUILD === '1') return;
  execFileSync(process.execPath, [resolve('node_modules/electron-vite/bin/electron-vite.js'), 'build'], {
    stdio: 'ignore',
  });
}
