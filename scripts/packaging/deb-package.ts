// Reads a built .deb with dpkg-deb, and runs its `hark` command line. Electron cannot run here, so
// the deb's executable is replaced, in an extracted copy, by a STAND-IN: a shell script that runs
// the system's Node when started with ELECTRON_RUN_AS_NODE=1 (as Electron does) and otherwise only
// reports that the app would have started. Plain Node cannot read inside app.asar, so the copy's
// archive is unpacked into a folder of the same name first. What runs is the deb's own launcher
// and the CLI, worker and packages as they were packaged.
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readAsar } from './asar-index';
import { checkOf } from './check-result';
import type { CheckResult } from './check-result';
import { parseContents, parseControlFields } from './deb-rules';
import type { DebSnapshot } from './deb-rules';
import { readFuseWire } from './fuse-wire';

export const APP_LAUNCH_EXIT = 3;
const RUN_TIMEOUT_MS = 60_000;

function dpkgDeb(args: string[]): string {
  return execFileSync('dpkg-deb', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

/** Extracts `deb` into `root` and reads what the rules need. */
export function readDeb(deb: string, root: string, textPaths: readonly string[]): DebSnapshot {
  dpkgDeb(['-x', deb, root]);
  const control = join(root, 'DEBIAN');
  dpkgDeb(['-e', deb, control]);
  const optional = (path: string): string | undefined =>
    existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  const texts: Record<string, string> = {};
  for (const path of textPaths) {
    const text = optional(join(root, path));
    if (text !== undefined) texts[path] = text;
  }
  const snapshot: DebSnapshot = {
    fields: parseControlFields(dpkgDeb(['-f', deb])),
    entries: parseContents(dpkgDeb(['-c', deb])),
    texts,
  };
  const postinst = optional(join(control, 'postinst'));
  const postrm = optional(join(control, 'postrm'));
  if (postinst !== undefined) snapshot.postinst = postinst;
  if (postrm !== undefined) snapshot.postrm = postrm;
  return snapshot;
}

/** The stand-in: Node for ELECTRON_RUN_AS_NODE=1, else a note that the app was launched. */
export function nodeStandIn(nodePath: string): string {
  return [
    '#!/bin/sh',
    "# STAND-IN for Hark's Electron executable (made by scripts/check-package.ts): Electron's",
    '# run-as-node mode is played by the system Node; the app itself cannot start here.',
    'if [ "${ELECTRON_RUN_AS_NODE:-}" = 1 ]; then',
    `  exec '${nodePath.replace(/'/g, "'\\''")}' "$@"`,
    'fi',
    'echo "STAND-IN app launch:$(printf \' %s\' "$@")" >&2',
    `exit ${APP_LAUNCH_EXIT}`,
    '',
  ].join('\n');
}

/** Replaces resources/app.asar by a folder holding its files (packed and unpacked). */
function unpackArchive(resources: string): void {
  const archivePath = join(resources, 'app.asar');
  const unpacked = join(resources, 'app.asar.unpacked');
  const folder = join(resources, 'app.asar.folder');
  const archive = readAsar(archivePath);
  for (const file of archive.files) {
    if (file.unpacked) continue;
    const target = join(folder, file.path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, archive.read(file.path));
  }
  if (existsSync(unpacked)) execFileSync('cp', ['-a', `${unpacked}/.`, folder]);
  rmSync(archivePath);
  renameSync(folder, archivePath);
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<Run> {
  return new Promise((done) => {
    execFile(command, args, { env, cwd, timeout: RUN_TIMEOUT_MS }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      done({ code, stdout, stderr });
    });
  });
}

function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HARK_KEYCHAIN: 'off' };
  for (const name of ['ELEVENLABS_API_KEY', 'ELEVENLABS_BASE_URL', 'ELECTRON_RUN_AS_NODE', 'HARK_DEBUG'])
    delete env[name];
  return env;
}

function describeRun(result: Run): string {
  return `exit ${result.code}; stderr: ${result.stderr.trim().slice(0, 300) || '(empty)'}`;
}

/**
 * Runs the extracted deb's /usr/bin/<executable>: --version, --help and speak (as Node, through the
 * launcher), and a desktop flag (to the app). `root` is where readDeb extracted it.
 */
export async function runDebCommandLine(
  root: string,
  options: { installDir: string; executableName: string; version: string },
): Promise<CheckResult> {
  const name = 'hark command from the deb';
  const appDir = join(root, options.installDir);
  const executable = join(appDir, options.executableName);
  const launcher = join(root, 'usr', 'bin', options.executableName);
  let runAsNode: boolean;
  try {
    runAsNode = readFuseWire(readFileSync(executable)).runAsNode;
  } catch (error) {
    return checkOf(
      name,
      [`cannot read the fuses of ${options.installDir}/${options.executableName}: ${String(error)}`],
      '',
    );
  }
  if (!runAsNode) {
    return checkOf(
      name,
      [
        `the runAsNode fuse is off in ${options.installDir}/${options.executableName}, so /usr/bin/${options.executableName} cannot run the command line`,
      ],
      '',
    );
  }
  writeFileSync(executable, nodeStandIn(process.execPath));
  chmodSync(executable, 0o755);
  unpackArchive(join(appDir, 'resources'));

  const problems: string[] = [];
  const env = cleanEnv();
  const version = await run(launcher, ['--version'], env, root);
  if (version.code !== 0 || version.stdout !== `hark ${options.version}\n`)
    problems.push(`hark --version: ${JSON.stringify(version.stdout)}, ${describeRun(version)}`);

  const help = await run(launcher, ['--help'], env, root);
  if (help.code !== 0 || !/^Usage:\n {2}hark speak /m.test(help.stdout))
    problems.push(`hark --help: ${JSON.stringify(help.stdout.slice(0, 200))}, ${describeRun(help)}`);

  const wav = join(root, 'hello.wav');
  const speak = await run(
    launcher,
    ['speak', '--engine', 'offline', '--out', wav, 'Hello from the package'],
    env,
    root,
  );
  const audio = existsSync(wav) ? readFileSync(wav) : Buffer.alloc(0);
  const isWav = audio.subarray(0, 4).toString() === 'RIFF' && audio.subarray(8, 12).toString() === 'WAVE';
  if (speak.code !== 0 || !isWav || audio.length < 8_000)
    problems.push(`hark speak --out: ${audio.length} bytes${isWav ? ' of WAV' : ''}, ${describeRun(speak)}`);

  const desktop = await run(launcher, ['--read-selection'], env, root);
  if (desktop.code !== APP_LAUNCH_EXIT || !desktop.stderr.includes('STAND-IN app launch: --read-selection'))
    problems.push(`hark --read-selection did not start the app with its flag: ${describeRun(desktop)}`);

  return checkOf(
    name,
    problems,
    `runAsNode fuse on; through /usr/bin/${options.executableName} with the Node STAND-IN: --version prints "hark ${options.version}", --help the usage, ` +
      `speak --engine offline --out wrote ${audio.length} bytes of WAV, --read-selection went to the app`,
  );
}
