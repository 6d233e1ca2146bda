// Packs the Linux app offline and checks what went into it.
//
// This is `electron-builder --linux AppImage deb` with electronDist pointing at a stand-in Electron
// (no Electron download can be fetched here), run through electron-builder's own API. The unpacked
// app folder (release/linux-unpacked) is fully built, and its app.asar is checked. The AppImage
// target is stopped right before it would download its tools, when its launcher entry is complete.
// The deb is built for real, from electron-builder's own fpm arguments, by a stand-in fpm (fpm is a
// download too) that calls dpkg-deb; the .deb is then read with dpkg-deb, and its `hark` command
// line is run with the system Node standing in for Electron's run-as-node mode.
//
// Run: npm run package:check   (builds first)   or   npx tsx scripts/check-package.ts [--keep]
import { readFileSync, existsSync, readdirSync, statSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Arch, Platform, build } from 'electron-builder';
import { readAsar } from './packaging/asar-index';
import { checkOf, formatCheck } from './packaging/check-result';
import type { CheckResult } from './packaging/check-result';
import { readDeb, runDebCommandLine } from './packaging/deb-package';
import { checkDebPackage } from './packaging/deb-rules';
import { readManifest, splitDependencies } from './packaging/dependency-closure';
import { readFuseWire } from './packaging/fuse-wire';
import type { FuseName } from './packaging/fuse-wire';
import { LINUX_ICON_SIZES, plannedIconFiles } from './packaging/icon-files';
import { checkLauncherEntries } from './packaging/launcher-entries';
import type { CapturedLauncherEntries } from './packaging/launcher-entries';
import { checkPackagedApp } from './packaging/package-rules';
import type { PackagedApp } from './packaging/package-rules';
import { createStandInElectron, isStandInExecutable } from './packaging/stand-in-electron';

const ROOT = resolve(__dirname, '..');
const PRODUCT_NAME = 'Hark';
const EXECUTABLE_NAME = 'hark';
const DESKTOP_NAME = 'hark.desktop';
/** Where electron-builder's deb puts the app: /opt/<product name>. */
const DEB_INSTALL_DIR = `/opt/${PRODUCT_NAME}`;
const ON_PATH = `/usr/bin/${EXECUTABLE_NAME}`;

/**
 * The fuses the Linux package must have; all but runAsNode differ from Electron's default. runAsNode
 * stays on: /usr/bin/hark runs the command line with ELECTRON_RUN_AS_NODE (it is off on macOS, see
 * scripts/packaging/electron-fuses.cjs, which flips them).
 */
const REQUIRED_FUSES: Partial<Record<FuseName, boolean>> = {
  runAsNode: true,
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true,
  enableCookieEncryption: true,
};

/**
 * Saves the launcher entries the installer targets computed. The AppImage stops there (its tools
 * are downloads); the deb goes on to the stand-in fpm.
 */
function launcherEntryCatcher(captured: CapturedLauncherEntries): (options: unknown) => Promise<boolean> {
  return async (options) => {
    if (Array.isArray(options)) {
      // deb (fpm): [arguments, path of the desktop file it wrote]
      const [fpmArgs, desktopFile] = options as [string[], string];
      captured.deb = { fpmArgs: [...fpmArgs], text: await readFile(desktopFile, 'utf8') };
      return false;
    }
    if (options && typeof options === 'object' && 'desktop' in options) {
      const appImage = options as { desktop: string; desktopFileName: string };
      captured.appImage = { fileName: appImage.desktopFileName, text: appImage.desktop };
    }
    return true;
  };
}

/** An `fpm` that electron-builder can run (CUSTOM_FPM_PATH): scripts/packaging/fpm-stand-in.ts. */
async function createFpmStandIn(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, 'fpm');
  const quote = (value: string): string => `'${value.replace(/'/g, "'\\''")}'`;
  const loader = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
  const script = join(ROOT, 'scripts', 'packaging', 'fpm-stand-in.ts');
  await writeFile(
    path,
    `#!/bin/sh\nexec ${quote(process.execPath)} --import ${quote(loader)} ${quote(script)} "$@"\n`,
  );
  await chmod(path, 0o755);
  return path;
}

async function pack(work: string, standIn: string): Promise<CapturedLauncherEntries> {
  const captured: CapturedLauncherEntries = {};
  process.env.CUSTOM_FPM_PATH = await createFpmStandIn(join(work, 'fpm-stand-in'));
  await build({
    projectDir: ROOT,
    targets: Platform.LINUX.createTarget(['AppImage', 'deb'], Arch.x64),
    publish: 'never',
    config: {
      electronDist: standIn,
      // Rebuilding keytar for Electron needs Electron's headers from the network; keytar is N-API,
      // so the addon npm built for Node is what gets packaged in this run.
      npmRebuild: false,
      directories: { output: join(work, 'release') },
    },
    effectiveOptionComputed: launcherEntryCatcher(captured),
  });
  return captured;
}

function filesUnder(dir: string): Set<string> {
  const found = new Set<string>();
  const walk = (current: string): void => {
    for (const name of readdirSync(current)) {
      const path = join(current, name);
      if (statSync(path).isDirectory()) walk(path);
      else found.add(relative(dir, path).split(sep).join('/'));
    }
  };
  if (existsSync(dir)) walk(dir);
  return found;
}

function packagedApp(resourcesDir: string): PackagedApp {
  const archive = readAsar(join(resourcesDir, 'app.asar'));
  const unpackedDir = join(resourcesDir, 'app.asar.unpacked');
  const unpackedOnDisk = filesUnder(unpackedDir);
  return {
    files: archive.files,
    unpackedOnDisk,
    readText: (path) =>
      unpackedOnDisk.has(path)
        ? readFileSync(join(unpackedDir, path), 'utf8')
        : archive.read(path).toString('utf8'),
  };
}

function checkAppFolder(appDir: string): CheckResult {
  const problems: string[] = [];
  const executable = join(appDir, EXECUTABLE_NAME);
  if (!existsSync(executable)) problems.push(`no executable ${EXECUTABLE_NAME}`);
  else if (!isStandInExecutable(readFileSync(executable)))
    problems.push(`${EXECUTABLE_NAME} is not the stand-in`);
  if (!existsSync(join(appDir, 'resources', 'app.asar'))) problems.push('no resources/app.asar');
  return checkOf(
    'app folder',
    problems,
    `${EXECUTABLE_NAME} (the STAND-IN, not Electron) and resources/app.asar`,
  );
}

function checkFuses(appDir: string): CheckResult {
  const name = 'Electron fuses flipped';
  let states;
  try {
    states = readFuseWire(readFileSync(join(appDir, EXECUTABLE_NAME)));
  } catch (error) {
    return checkOf(name, [String(error)], '');
  }
  const required = Object.entries(REQUIRED_FUSES) as Array<[FuseName, boolean]>;
  const problems = required
    .filter(([fuse, wanted]) => states[fuse] !== wanted)
    .map(([fuse, wanted]) => `${fuse} is ${states[fuse] ? 'on' : 'off'}, expected ${wanted ? 'on' : 'off'}`);
  const summary = required.map(([fuse, wanted]) => `${fuse}=${wanted ? 'on' : 'off'}`).join(', ');
  return checkOf(name, problems, `${summary} (read back from the stand-in's fuse wire)`);
}

function trayAndWindowIcons(): string[] {
  return plannedIconFiles()
    .map((file) => file.path)
    .filter((path) => path.startsWith('resources/'));
}

function debFile(releaseDir: string): string | undefined {
  const name = readdirSync(releaseDir).find((file) => file.endsWith('.deb'));
  return name === undefined ? undefined : join(releaseDir, name);
}

async function debChecks(releaseDir: string, work: string): Promise<CheckResult[]> {
  const deb = debFile(releaseDir);
  if (!deb) return [{ name: 'deb built', ok: false, details: [`no .deb in ${releaseDir}`] }];
  const root = join(work, 'deb-root');
  const snapshot = readDeb(deb, root, [ON_PATH]);
  const version = (readManifest(ROOT) as { version?: string }).version ?? '';
  return [
    { name: 'deb built', ok: true, details: [`${relative(work, deb)} (by the fpm STAND-IN, dpkg-deb)`] },
    ...checkDebPackage(snapshot, {
      packageName: EXECUTABLE_NAME,
      executableName: EXECUTABLE_NAME,
      installDir: DEB_INSTALL_DIR,
      recommends: ['wl-clipboard'],
      launcherSource: readFileSync(join(ROOT, 'build', 'linux', EXECUTABLE_NAME), 'utf8'),
      cliEntry: 'bin/hark.js',
    }),
    await runDebCommandLine(root, { installDir: DEB_INSTALL_DIR, executableName: EXECUTABLE_NAME, version }),
  ];
}

function runChecks(appDir: string, captured: CapturedLauncherEntries): CheckResult[] {
  const dependencies = splitDependencies(ROOT);
  return [
    checkAppFolder(appDir),
    checkFuses(appDir),
    ...checkPackagedApp(packagedApp(join(appDir, 'resources')), {
      desktopName: DESKTOP_NAME,
      productionPackages: dependencies.production,
      developmentOnlyPackages: dependencies.developmentOnly,
      resources: trayAndWindowIcons(),
    }),
    ...checkLauncherEntries(captured, {
      desktopName: DESKTOP_NAME,
      productName: PRODUCT_NAME,
      executableName: EXECUTABLE_NAME,
      categories: ['Utility', 'Accessibility', 'AudioVideo'],
      iconSizes: LINUX_ICON_SIZES,
      iconSourceDir: join(ROOT, 'build', 'icons'),
    }),
  ];
}

function printReport(results: CheckResult[], appDir: string): void {
  console.log('\n== Packaging check ==');
  for (const result of results) console.log(formatCheck(result));
  console.log(
    [
      '',
      `NOTE: ${join(appDir, EXECUTABLE_NAME)} is a STAND-IN for the Electron binary (a shell script that`,
      '      refuses to run), so this package cannot be started. No Electron could be downloaded here.',
      "NOTE: the fuses were flipped by electron-builder on the stand-in's copy of Electron's fuse wire,",
      '      not on a real Electron binary.',
      'NOTE: the AppImage was not written (its tools are downloads); its launcher entry, computed by',
      '      electron-builder, was checked instead. The .deb was written by a STAND-IN for fpm (dpkg-deb',
      "      fed with electron-builder's own fpm arguments), not by fpm itself.",
      `NOTE: the deb's command line ran with the system Node as a STAND-IN for Electron's run-as-node`,
      '      mode, on an unpacked copy of app.asar (plain Node cannot read asar archives).',
      'NOTE: keytar was not rebuilt for Electron in this run (npmRebuild off); the packaged keytar.node',
      "      is npm's build for Node (keytar uses N-API). Installers are built on each platform's CI.",
    ].join('\n'),
  );
  const failed = results.filter((result) => !result.ok).length;
  console.log(`\n${results.length - failed} checks passed, ${failed} failed`);
}

async function main(): Promise<void> {
  const keep = process.argv.includes('--keep');
  const work = await mkdtemp(join(tmpdir(), 'hark-package-check-'));
  try {
    const standIn = join(work, 'electron-stand-in');
    const electronVersion = readManifest(join(ROOT, 'node_modules', 'electron')) as { version?: string };
    await createStandInElectron(standIn, electronVersion.version ?? '0.0.0');
    console.log(`Packing with a STAND-IN Electron (${standIn}); the result cannot run.`);
    const captured = await pack(work, standIn);
    const appDir = join(work, 'release', 'linux-unpacked');
    const results = [...runChecks(appDir, captured), ...(await debChecks(join(work, 'release'), work))];
    printReport(results, appDir);
    if (results.some((result) => !result.ok)) process.exitCode = 1;
  } finally {
    if (keep) console.log(`Kept ${work}`);
    else await rm(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
