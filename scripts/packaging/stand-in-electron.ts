// A stand-in for an unpacked Electron download, for packaging offline: electron-builder copies any
// folder given as `electronDist` as if it were Electron. Ours holds a shell script that refuses to
// run, a `version` file, and a fuse wire in Electron's format set to Electron's defaults, so that
// electron-builder's fuse flip has something real to flip.
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ELECTRON_DEFAULT_FUSES, fuseWireBytes } from './fuse-wire';

export const STAND_IN_NOTICE =
  'Stand-in Electron made by scripts/check-package.ts to check packaging offline; it cannot run the app.';

export function standInExecutable(): Buffer {
  const script = [
    '#!/bin/sh',
    `echo '${STAND_IN_NOTICE}' >&2`,
    'exit 1',
    // Never reached by the shell; @electron/fuses finds the wire by its sentinel.
    '# fuse wire: ',
  ].join('\n');
  return Buffer.concat([
    Buffer.from(script, 'utf8'),
    fuseWireBytes(ELECTRON_DEFAULT_FUSES),
    Buffer.from('\n'),
  ]);
}

/** Creates the stand-in in `dir` (which must exist) for Electron `version`. */
export async function createStandInElectron(dir: string, version: string): Promise<void> {
  await mkdir(join(dir, 'resources'), { recursive: true });
  await writeFile(join(dir, 'electron'), standInExecutable());
  await chmod(join(dir, 'electron'), 0o755);
  await writeFile(join(dir, 'version'), `${version}\n`);
}

export function isStandInExecutable(bytes: Buffer): boolean {
  return bytes.includes(STAND_IN_NOTICE);
}
