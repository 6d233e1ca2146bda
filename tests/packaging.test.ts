// Packaging: the real offline package check (electron-builder with a stand-in Electron, see
// scripts/check-package.ts), and the rules it applies, each shown to catch what it is meant to catch.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { flipFuses, FuseV1Options, FuseVersion } from '@electron/fuses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAsar } from '../scripts/packaging/asar-index';
import type { AsarFile } from '../scripts/packaging/asar-index';
import type { CheckResult } from '../scripts/packaging/check-result';
import { splitDependencies } from '../scripts/packaging/dependency-closure';
import {
  ELECTRON_DEFAULT_FUSES,
  FUSE_SENTINEL,
  fuseWireBytes,
  readFuseWire,
} from '../scripts/packaging/fuse-wire';
import { readDeb } from '../scripts/packaging/deb-package';
import {
  checkDebPackage,
  launcherAppDir,
  parseContents,
  parseControlFields,
} from '../scripts/packaging/deb-rules';
import type { DebExpectations, DebSnapshot } from '../scripts/packaging/deb-rules';
import { fuseConfigFor, fusesFor } from '../scripts/packaging/electron-fuses.cjs';
import { buildDeb, controlFile, parseFpmArgs } from '../scripts/packaging/fpm-stand-in';
import { checkLauncherEntries } from '../scripts/packaging/launcher-entries';
import type { CapturedLauncherEntries, LauncherExpectations } from '../scripts/packaging/launcher-entries';
import { bareImports, checkPackagedApp, packagedPackageNames } from '../scripts/packaging/package-rules';
import type { PackageExpectations, PackagedApp } from '../scripts/packaging/package-rules';
import { isStandInExecutable, standInExecutable } from '../scripts/packaging/stand-in-electron';

const CHECK_TIMEOUT_MS = 180_000;

function failuresOf(results: CheckResult[]): Record<string, string[]> {
  return Object.fromEntries(
    results.filter((result) => !result.ok).map((result) => [result.name, result.details]),
  );
}

describe('npm run package:check (electron-builder with a stand-in Electron)', () => {
  it(
    'packs the Linux app and passes every check, saying plainly that Electron is a stand-in',
    async () => {
      const { code, output } = await new Promise<{ code: number | null; output: string }>((done) => {
        execFile(
          process.execPath,
          ['--import', 'tsx', resolve('scripts/check-package.ts')],
          { timeout: CHECK_TIMEOUT_MS - 10_000, maxBuffer: 16 * 1024 * 1024 },
          (error, stdout, stderr) =>
            done({ code: error ? (error.code as number | null) : 0, output: stdout + stderr }),
        );
      });
      expect(output, output).toMatch(/\n\d+ checks passed, 0 failed\n/);
      expect(code).toBe(0);
      for (const name of [
        'app folder',
        'Electron fuses flipped',
        'app entry points',
        'package.json',
        'offline voice worker unpacked',
        'offline voice data unpacked',
        'native addons unpacked',
        'production dependencies',
        'no development packages',
        'no sources or tests',
        'no secrets',
        'tray and window icons',
        'AppImage launcher entry',
        'deb launcher entry',
        'deb icons',
        'deb built',
        'deb control',
        'hark on the PATH',
        'deb maintainer scripts',
        'hark command from the deb',
      ]) {
        expect(output).toContain(`ok    ${name}:`);
      }
      expect(output).toContain('keytar.node');
      expect(output).toContain('/usr/share/applications/hark.desktop');
      expect(output).toMatch(/is a STAND-IN for the Electron binary/);
      expect(output).toContain('Recommends: libappindicator3-1, wl-clipboard');
      expect(output).toMatch(
        /--version prints "hark \d+\.\d+\.\d+", --help the usage, speak --engine offline --out wrote \d+ bytes of WAV/,
      );
      expect(output).toMatch(/system Node as a STAND-IN for Electron's run-as-node/);
      expect(output).not.toContain('FAIL');
    },
    CHECK_TIMEOUT_MS,
  );
});

// ---- The rules on a made-up package ----

const EXPECTED: PackageExpectations = {
  desktopName: 'hark.desktop',
  productionPackages: new Set(['ws', 'keytar', '@echogarden/espeak-ng-emscripten']),
  developmentOnlyPackages: new Set(['vitest', 'electron', '@types/node']),
  resources: ['resources/tray/idle.png', 'resources/tray/idleTemplate.png'],
};

interface FakeFile {
  text?: string;
  unpacked?: boolean;
}

function goodPackage(): Record<string, FakeFile> {
  return {
    'package.json': {
      text: JSON.stringify({ name: 'hark', main: 'out/main/index.js', desktopName: 'hark.desktop' }),
    },
    'out/main/index.js': { text: 'require("electron");' },
    'out/main/cli.js': { text: 'const key = process.env.ELEVENLABS_API_KEY; require("ws");' },
    'bin/hark.js': { text: 'require("../out/main/cli.js").main(process.argv.slice(2));' },
    'out/main/espeak-worker.js': {
      text: 'require("node:worker_threads"); import("@echogarden/espeak-ng-emscripten");',
      unpacked: true,
    },
    'out/preload/index.js': { text: '' },
    'out/renderer/index.html': { text: '<!doctype html>' },
    'out/renderer/assets/index-1.js': { text: '' },
    'resources/tray/idle.png': {},
    'resources/tray/idleTemplate.png': {},
    'node_modules/ws/package.json': { text: '{}' },
    'node_modules/keytar/package.json': { text: '{}', unpacked: true },
    'node_modules/keytar/build/Release/keytar.node': { unpacked: true },
    'node_modules/@echogarden/espeak-ng-emscripten/package.json': { text: '{}', unpacked: true },
    'node_modules/@echogarden/espeak-ng-emscripten/espeak-ng.data': { unpacked: true },
  };
}

function fakeApp(files: Record<string, FakeFile>, notOnDisk: string[] = []): PackagedApp {
  const list: AsarFile[] = Object.entries(files).map(([path, file]) => ({
    path,
    size: file.text?.length ?? 1,
    unpacked: file.unpacked === true,
  }));
  return {
    files: list,
    unpackedOnDisk: new Set(
      list.filter((file) => file.unpacked && !notOnDisk.includes(file.path)).map((f) => f.path),
    ),
    readText: (path) => files[path]?.text ?? '',
  };
}

function failuresFor(files: Record<string, FakeFile>, notOnDisk: string[] = []): Record<string, string[]> {
  return failuresOf(checkPackagedApp(fakeApp(files, notOnDisk), EXPECTED));
}

describe('package rules', () => {
  it('pass a package that has everything in the right place', () => {
    expect(failuresFor(goodPackage())).toEqual({});
  });

  it('catch a missing entry point, preload or renderer', () => {
    const files = goodPackage();
    delete files['out/main/cli.js'];
    delete files['bin/hark.js'];
    delete files['out/preload/index.js'];
    expect(failuresFor(files)['app entry points']).toEqual([
      'missing out/main/cli.js',
      'missing bin/hark.js',
      'missing out/preload/*.js',
    ]);
  });

  it('catch a package.json without desktopName, with scripts left in, or whose main is not packaged', () => {
    const files = goodPackage();
    files['package.json'] = { text: JSON.stringify({ main: 'dist/main.js', scripts: { test: 'vitest' } }) };
    expect(failuresFor(files)['package.json']).toEqual([
      '"main" (dist/main.js) is not packaged',
      '"desktopName" is undefined, expected "hark.desktop"',
      '"scripts" should have been removed',
    ]);
  });

  it('catch a packed worker, and a worker loading a package that is only inside the archive', () => {
    const packedWorker = goodPackage();
    packedWorker['out/main/espeak-worker.js'] = { text: '' };
    expect(failuresFor(packedWorker)['offline voice worker unpacked']).toEqual([
      'out/main/espeak-worker.js is not in app.asar.unpacked',
    ]);
    const workerNeedsWs = goodPackage();
    workerNeedsWs['out/main/espeak-worker.js'] = { text: 'require("ws/lib/sender")', unpacked: true };
    expect(failuresFor(workerNeedsWs)['offline voice worker unpacked']).toEqual([
      'out/main/espeak-worker.js loads ws, which is not in app.asar.unpacked',
    ]);
  });

  it('catch voice data or a native addon left inside the archive, or flagged unpacked but absent', () => {
    const files = goodPackage();
    files['node_modules/@echogarden/espeak-ng-emscripten/espeak-ng.data'] = {};
    expect(failuresFor(files)['offline voice data unpacked']).toEqual([
      'node_modules/@echogarden/espeak-ng-emscripten/espeak-ng.data is packed',
    ]);
    expect(failuresFor(goodPackage(), ['node_modules/keytar/build/Release/keytar.node'])).toEqual({
      'native addons unpacked': ['node_modules/keytar/build/Release/keytar.node is packed'],
    });
    const noKeytar = goodPackage();
    delete noKeytar['node_modules/keytar/build/Release/keytar.node'];
    expect(failuresFor(noKeytar)['native addons unpacked']).toEqual([
      'no keytar native addon (.node) packaged',
    ]);
  });

  it('catch a missing production package and a packaged development package', () => {
    const files = goodPackage();
    delete files['node_modules/ws/package.json'];
    files['node_modules/vitest/package.json'] = { text: '{}' };
    files['node_modules/foo/node_modules/@types/node/package.json'] = { text: '{}' };
    const failures = failuresFor(files);
    expect(failures['production dependencies']).toEqual(['missing node_modules/ws']);
    expect(failures['no development packages']).toEqual([
      'node_modules/vitest is only needed by development tools',
      'node_modules/@types/node is only needed by development tools',
    ]);
  });

  it('catch sources, project files and tests', () => {
    const files = goodPackage();
    files['main/index.ts'] = { text: '' };
    files['out/main/index.js.map'] = { text: '{}' };
    files['out/main/session.test.js'] = { text: '' };
    files['node_modules/ws/__tests__/a.js'] = { text: '' };
    files['tsconfig.json'] = { text: '{}' };
    files['bin/dev-tool.js'] = { text: '' };
    files['out/playwright/a-failed-test/error-context.md'] = { text: '' };
    expect(failuresFor(files)['no sources or tests']).toEqual([
      'main/index.ts is not part of the built app',
      'out/main/index.js.map is a source file',
      'out/main/session.test.js is a test file',
      'node_modules/ws/__tests__/a.js is a test file',
      'tsconfig.json is not part of the built app',
      'bin/dev-tool.js is not part of the built app',
      'out/playwright/a-failed-test/error-context.md is test output',
    ]);
  });

  it('catch key files and keys written into the built code', () => {
    const files = goodPackage();
    files['resources/.env'] = { text: 'X=1' };
    files['node_modules/ws/server.pem'] = { text: '' };
    files['out/main/cli.js'] = { text: `const k = "sk_${'ab12'.repeat(12)}";` };
    files['out/renderer/assets/index-1.js'] = { text: '-----BEGIN RSA PRIVATE KEY-----' };
    expect(failuresFor(files)['no secrets']).toEqual([
      'resources/.env looks like a secrets file',
      'node_modules/ws/server.pem looks like a secrets file',
      'out/main/cli.js contains an ElevenLabs API key',
      'out/renderer/assets/index-1.js contains a private key',
    ]);
  });

  it('catch a missing tray icon', () => {
    const files = goodPackage();
    delete files['resources/tray/idleTemplate.png'];
    expect(failuresFor(files)['tray and window icons']).toEqual(['missing resources/tray/idleTemplate.png']);
  });

  it('find the packages a script loads, without built-ins or relative files', () => {
    const source = `require("node:fs"); require('path'); require("./local"); import("@scope/pkg/sub");
      const x = require("ws/lib/x"); import a from "lodash";`;
    expect([...bareImports(source)].sort()).toEqual(['@scope/pkg', 'lodash', 'ws']);
    expect([
      ...packagedPackageNames([
        { path: 'node_modules/@scope/pkg/package.json', size: 1, unpacked: false },
        { path: 'node_modules/a/node_modules/b/package.json', size: 1, unpacked: false },
        { path: 'node_modules/a/lib/package.json', size: 1, unpacked: false },
      ]),
    ]).toEqual(['@scope/pkg', 'b']);
  });
});

describe('dependency split of this project', () => {
  it('puts the app runtime in production and the tools in development only, with no overlap', () => {
    const { production, developmentOnly } = splitDependencies(resolve('.'));
    for (const name of ['ws', 'keytar', '@echogarden/espeak-ng-emscripten', 'prebuild-install']) {
      expect(production.has(name), name).toBe(true);
    }
    for (const name of ['electron', 'electron-builder', 'vitest', 'typescript', 'svelte', 'esbuild']) {
      expect(developmentOnly.has(name), name).toBe(true);
    }
    expect([...production].filter((name) => developmentOnly.has(name))).toEqual([]);
  });
});

// ---- asar reading, fuse wire, launcher entries ----

/** Writes an asar archive the way the asar tool lays it out: size pickle, header pickle, data. */
async function writeAsar(
  path: string,
  files: Record<string, { data?: string; unpacked?: boolean }>,
): Promise<void> {
  const tree: { files: Record<string, unknown> } = { files: {} };
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const [filePath, file] of Object.entries(files)) {
    const parts = filePath.split('/');
    let folder = tree;
    for (const part of parts.slice(0, -1)) {
      folder.files[part] ??= { files: {} };
      folder = folder.files[part] as typeof tree;
    }
    const data = Buffer.from(file.data ?? '');
    folder.files[parts.at(-1) ?? ''] = file.unpacked
      ? { size: data.length, unpacked: true }
      : { size: data.length, offset: String(offset) };
    if (!file.unpacked) {
      chunks.push(data);
      offset += data.length;
    }
  }
  const json = Buffer.from(JSON.stringify(tree));
  const padding = (4 - (json.length % 4)) % 4;
  const headerPickle = Buffer.alloc(8 + json.length + padding);
  headerPickle.writeUInt32LE(4 + json.length + padding, 0);
  headerPickle.writeUInt32LE(json.length, 4);
  json.copy(headerPickle, 8);
  const sizePickle = Buffer.alloc(8);
  sizePickle.writeUInt32LE(4, 0);
  sizePickle.writeUInt32LE(headerPickle.length, 4);
  await writeFile(path, Buffer.concat([sizePickle, headerPickle, ...chunks]));
}

describe('asar reader', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hark-asar-test-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('lists nested files with their unpacked flags and reads packed files', async () => {
    const archive = join(dir, 'app.asar');
    await writeAsar(archive, {
      'package.json': { data: '{"main":"out/main/index.js"}' },
      'out/main/index.js': { data: 'console.log(1)' },
      'out/main/espeak-worker.js': { unpacked: true },
      'node_modules/@scope/pkg/a.txt': { data: 'héllo' },
    });
    const asar = readAsar(archive);
    expect(asar.files).toEqual([
      { path: 'package.json', size: 28, unpacked: false },
      { path: 'out/main/index.js', size: 14, unpacked: false },
      { path: 'out/main/espeak-worker.js', size: 0, unpacked: true },
      { path: 'node_modules/@scope/pkg/a.txt', size: 6, unpacked: false },
    ]);
    expect(asar.read('out/main/index.js').toString()).toBe('console.log(1)');
    expect(asar.read('node_modules/@scope/pkg/a.txt').toString()).toBe('héllo');
    expect(() => asar.read('out/main/espeak-worker.js')).toThrow(/unpacked/);
    expect(() => asar.read('nope.js')).toThrow(/no file/);
  });
});

describe('fuse wire and stand-in Electron', () => {
  it('reads back the states it writes, and refuses a binary without a wire or with a removed fuse', () => {
    const flipped = { ...ELECTRON_DEFAULT_FUSES, runAsNode: false, onlyLoadAppFromAsar: true };
    const binary = Buffer.concat([Buffer.from('\x7fELF...'), fuseWireBytes(flipped), Buffer.from('...')]);
    expect(readFuseWire(binary)).toEqual(flipped);
    expect(() => readFuseWire(Buffer.from('no wire here'))).toThrow(/sentinel/);
    const removed = Buffer.from(fuseWireBytes(ELECTRON_DEFAULT_FUSES));
    removed[FUSE_SENTINEL.length + 2] = 'r'.charCodeAt(0);
    expect(() => readFuseWire(removed)).toThrow(/runAsNode is missing or removed/);
  });

  it('makes a stand-in that carries Electron’s default fuses and is recognisable as a stand-in', () => {
    const stub = standInExecutable();
    expect(stub.subarray(0, 2).toString()).toBe('#!');
    expect(readFuseWire(stub)).toEqual(ELECTRON_DEFAULT_FUSES);
    expect(isStandInExecutable(stub)).toBe(true);
    expect(isStandInExecutable(Buffer.from('#!/bin/sh\nexec electron\n'))).toBe(false);
  });
});

const LAUNCHER: LauncherExpectations = {
  desktopName: 'hark.desktop',
  productName: 'Hark',
  executableName: 'hark',
  categories: ['Utility', 'Accessibility', 'AudioVideo'],
  iconSizes: [16, 32],
  iconSourceDir: '/p/build/icons',
};

const ENTRY = [
  '[Desktop Entry]',
  'Name=Hark',
  'Type=Application',
  'Icon=hark',
  'StartupWMClass=hark',
  'Comment=Reads text aloud',
  'Categories=Utility;Accessibility;AudioVideo;',
];

function goodLaunchers(): CapturedLauncherEntries {
  return {
    appImage: { fileName: 'hark.desktop', text: [...ENTRY, 'Exec=AppRun --no-sandbox %U'].join('\n') },
    deb: {
      fpmArgs: [
        '--name',
        'hark',
        '/tmp/x/4-hark.desktop=/usr/share/applications/hark.desktop',
        '/p/build/icons/16x16.png=/usr/share/icons/hicolor/16x16/apps/hark.png',
        '/p/build/icons/32x32.png=/usr/share/icons/hicolor/32x32/apps/hark.png',
      ],
      text: [
        ...ENTRY,
        'Exec=/opt/Hark/hark %U',
        'Actions=Stop;',
        '',
        '[Desktop Action Stop]',
        'Name=Stop Reading',
        'Exec=hark --stop',
      ].join('\n'),
    },
  };
}

describe('launcher entry rules', () => {
  it('pass entries named after desktopName with matching window class, icons from build/icons', () => {
    expect(failuresOf(checkLauncherEntries(goodLaunchers(), LAUNCHER))).toEqual({});
  });

  it('catch a desktop file not named after desktopName and a window class that does not match it', () => {
    const captured = goodLaunchers();
    captured.appImage = {
      fileName: 'Hark.desktop',
      text: ENTRY.join('\n').replace('StartupWMClass=hark', 'StartupWMClass=Hark') + '\nActions=Stop;',
    };
    expect(failuresOf(checkLauncherEntries(captured, LAUNCHER))['AppImage launcher entry']).toEqual([
      'StartupWMClass=Hark, expected hark',
      'named Hark.desktop, expected hark.desktop',
      'has Actions, which cannot reach an AppImage',
    ]);
  });

  it('catch a deb entry installed under another name, a bad action and the default Electron icon', () => {
    const captured = goodLaunchers();
    const deb = captured.deb;
    if (!deb) throw new Error('no deb');
    deb.fpmArgs = [
      '/tmp/x/4-Hark.desktop=/usr/share/applications/Hark.desktop',
      '/nm/app-builder-lib/templates/icons/electron-linux/16x16.png=/usr/share/icons/hicolor/16x16/apps/hark.png',
    ];
    deb.text = deb.text
      .replace('Exec=hark --stop', 'Exec=/opt/Hark/hark --stop')
      .replace('Categories=Utility;', 'Categories=');
    const failures = failuresOf(checkLauncherEntries(captured, LAUNCHER));
    expect(failures['deb launcher entry']).toEqual([
      'Categories lacks Utility',
      'action Stop does not run "hark --..."',
      'not installed as /usr/share/applications/hark.desktop',
    ]);
    expect(failures['deb icons']).toEqual([
      '/usr/share/icons/hicolor/16x16/apps/hark.png comes from /nm/app-builder-lib/templates/icons/electron-linux/16x16.png',
      'no /usr/share/icons/hicolor/32x32/apps/hark.png',
    ]);
  });

  it('fail when electron-builder produced no entries at all', () => {
    expect(Object.keys(failuresOf(checkLauncherEntries({}, LAUNCHER)))).toEqual([
      'AppImage launcher entry',
      'deb launcher entry',
      'deb icons',
    ]);
  });
});

// ---- The deb: its rules, the stand-in fpm, the fuses per platform ----

const LAUNCHER_SOURCE = readFileSync(resolve('build/linux/hark'), 'utf8');

const DEB: DebExpectations = {
  packageName: 'hark',
  executableName: 'hark',
  installDir: '/opt/Hark',
  recommends: ['wl-clipboard'],
  launcherSource: LAUNCHER_SOURCE,
  cliEntry: 'bin/hark.js',
};

function goodDeb(): DebSnapshot {
  return {
    fields: {
      Package: 'hark',
      Depends: 'libgtk-3-0, libnss3',
      Recommends: 'libappindicator3-1, wl-clipboard | xclip',
    },
    entries: [
      { path: '/opt/Hark/hark', mode: '-rwxr-xr-x' },
      { path: '/opt/Hark/resources/app.asar', mode: '-rw-r--r--' },
      { path: '/usr/bin/hark', mode: '-rwxr-xr-x' },
    ],
    texts: { '/usr/bin/hark': LAUNCHER_SOURCE },
    postinst:
      '#!/bin/bash\n# not /usr/bin/hark: a file of the package\nchmod 0755 /opt/Hark/chrome-sandbox\n',
    postrm: '#!/bin/bash\nrm -f /etc/apparmor.d/hark\n',
  };
}

describe('deb rules', () => {
  it('pass a deb with the launcher on the PATH, wl-clipboard recommended and scripts that leave it alone', () => {
    expect(failuresOf(checkDebPackage(goodDeb(), DEB))).toEqual({});
    expect(launcherAppDir(LAUNCHER_SOURCE, '/usr/bin/hark')).toBe('/opt/Hark');
  });

  it('catch electron-builder’s default: /usr/bin/hark linked to the Electron binary by the postinst', () => {
    const deb = goodDeb();
    deb.entries = deb.entries.filter((entry) => entry.path !== '/usr/bin/hark');
    deb.texts = {};
    deb.postinst = "#!/bin/bash\nupdate-alternatives --install '/usr/bin/hark' 'hark' '/opt/Hark/hark' 100\n";
    deb.postrm = "#!/bin/bash\nupdate-alternatives --remove 'hark' '/opt/Hark/hark'\n";
    const failures = failuresOf(checkDebPackage(deb, DEB));
    expect(failures['hark on the PATH']).toEqual(['no /usr/bin/hark']);
    expect(failures['deb maintainer scripts']).toEqual([
      'postinst changes /usr/bin/hark, which is a file of the package',
      'postrm changes /usr/bin/hark, which is a file of the package',
    ]);
  });

  it('catch a link, a launcher looking for the app elsewhere, and no wl-clipboard', () => {
    const deb = goodDeb();
    deb.fields.Recommends = 'libappindicator3-1';
    deb.entries[2] = { path: '/usr/bin/hark', mode: 'lrwxrwxrwx', linkTarget: '/opt/Hark/hark' };
    deb.texts['/usr/bin/hark'] = LAUNCHER_SOURCE.replace('../../opt/Hark', '../lib/hark');
    const failures = failuresOf(checkDebPackage(deb, DEB));
    expect(failures['deb control']).toEqual(['Recommends lacks wl-clipboard']);
    expect(failures['hark on the PATH']).toEqual([
      '/usr/bin/hark is lrwxrwxrwx -> /opt/Hark/hark, expected an executable file',
      '/usr/bin/hark is not build/linux/hark',
      '/usr/bin/hark looks for the app in /usr/lib/hark, it is installed in /opt/Hark',
    ]);
  });

  it('read dpkg-deb’s field and content listings', () => {
    expect(parseControlFields('Package: hark\nDescription: Reads\n more text\nRecommends: a, b\n')).toEqual({
      Package: 'hark',
      Description: 'Reads\n more text',
      Recommends: 'a, b',
    });
    expect(
      parseContents(
        [
          'drwxr-xr-x root/root         0 2026-12-07 16:22 ./usr/bin/',
          '-rwxr-xr-x root/root       935 2026-12-07 16:17 ./usr/bin/hark',
          'lrwxrwxrwx root/root         0 2026-12-07 16:17 ./usr/bin/x -> ../lib/x',
        ].join('\n'),
      ),
    ).toEqual([
      { path: '/usr/bin', mode: 'drwxr-xr-x' },
      { path: '/usr/bin/hark', mode: '-rwxr-xr-x' },
      { path: '/usr/bin/x', mode: 'lrwxrwxrwx', linkTarget: '../lib/x' },
    ]);
  });
});

describe('fpm stand-in', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hark-fpm-test-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses options electron-builder does not pass, and other package types', () => {
    expect(() => parseFpmArgs(['-s', 'dir', '-t', 'deb', '--deb-suggests', 'x'])).toThrow(
      /unsupported option --deb-suggests/,
    );
    expect(() => parseFpmArgs(['-s', 'dir', '-t', 'rpm'])).toThrow(/only -s dir -t deb/);
    expect(() => parseFpmArgs(['-s', 'dir', '-t', 'deb', 'no-target'])).toThrow(/source=\/target/);
  });

  it('writes the control fields, with the long description indented', () => {
    const request = parseFpmArgs([
      ...['-s', 'dir', '-t', 'deb', '-d', 'libnss3', '-d', 'xdg-utils', '--deb-recommends', 'wl-clipboard'],
      ...['--architecture', 'amd64', '--version', '1.2.3', '--name', 'hark', '--maintainer', 'M <m@x>'],
      ...['--description', 'Reads aloud\n Reads text.\n\nMore.', '--package', 'x.deb'],
    ]);
    expect(controlFile(request, 42)).toBe(
      [
        'Package: hark',
        'Version: 1.2.3',
        'Architecture: amd64',
        'Maintainer: M <m@x>',
        'Installed-Size: 42',
        'Depends: libnss3, xdg-utils',
        'Recommends: wl-clipboard',
        'Description: Reads aloud',
        ' Reads text.',
        ' .',
        ' More.',
        '',
      ].join('\n'),
    );
  });

  it('builds a real .deb that dpkg-deb reads back: mapped files with their modes, scripts as postinst/postrm', async () => {
    const app = join(dir, 'app');
    await mkdir(join(app, 'resources'), { recursive: true });
    await writeFile(join(app, 'hark'), '#!/bin/sh\n');
    await chmod(join(app, 'hark'), 0o755);
    await writeFile(join(app, 'resources', 'app.asar'), 'x');
    await copyFile(resolve('build/linux/hark'), join(dir, 'launcher'));
    await chmod(join(dir, 'launcher'), 0o755);
    await writeFile(join(dir, 'postinst'), '#!/bin/bash\nexit 0\n');
    await writeFile(join(dir, 'postrm'), '#!/bin/bash\nexit 0\n');
    const deb = join(dir, 'hark_1.0.0_amd64.deb');
    buildDeb(
      parseFpmArgs([
        ...['-s', 'dir', '--force', '-t', 'deb', '-d', 'libnss3', '--deb-recommends', 'wl-clipboard'],
        ...['--deb-compression', 'gzip', '--architecture', 'amd64', '--after-install', join(dir, 'postinst')],
        ...[
          '--after-remove',
          join(dir, 'postrm'),
          '--description',
          'Reads aloud\n Long.',
          '--version',
          '1.0.0',
        ],
        ...['--package', deb, '--name', 'hark', '--maintainer', 'M <m@x>', '--url', 'https://hark.invalid'],
        `${join(dir, 'launcher')}=/usr/bin/hark`,
        `${app}/=/opt/Hark`,
      ]),
    );
    const root = join(dir, 'root');
    const snapshot = readDeb(deb, root, ['/usr/bin/hark']);
    expect(failuresOf(checkDebPackage(snapshot, DEB))).toEqual({});
    expect(snapshot.fields.Homepage).toBe('https://hark.invalid');
    expect(snapshot.postinst).toBe('#!/bin/bash\nexit 0\n');
    expect(await readFile(join(root, 'opt', 'Hark', 'resources', 'app.asar'), 'utf8')).toBe('x');
  });
});

describe('Electron fuses per platform (scripts/packaging/electron-fuses.cjs)', () => {
  it('keep runAsNode for the Linux and Windows launchers only, and harden the rest everywhere', () => {
    expect(fusesFor('linux').runAsNode).toBe(true);
    expect(fusesFor('win32').runAsNode).toBe(true);
    expect(fusesFor('darwin').runAsNode).toBe(false);
    expect(fusesFor('mas').runAsNode).toBe(false);
    for (const platform of ['linux', 'win32', 'darwin']) {
      expect(fusesFor(platform)).toMatchObject({
        enableNodeOptionsEnvironmentVariable: false,
        enableNodeCliInspectArguments: false,
        onlyLoadAppFromAsar: true,
        enableEmbeddedAsarIntegrityValidation: true,
        enableCookieEncryption: true,
      });
    }
  });

  it('flip a binary’s wire with @electron/fuses as the macOS package needs it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hark-fuses-test-'));
    try {
      const binary = join(dir, 'Hark');
      await writeFile(binary, standInExecutable());
      const config = fuseConfigFor('darwin', { FuseV1Options, FuseVersion });
      expect(config.resetAdHocDarwinSignature).toBe(true);
      // No codesign here: only the wire is checked.
      await flipFuses(binary, { ...config, resetAdHocDarwinSignature: false } as Parameters<
        typeof flipFuses
      >[1]);
      expect(readFuseWire(await readFile(binary))).toEqual({
        ...ELECTRON_DEFAULT_FUSES,
        runAsNode: false,
        enableCookieEncryption: true,
        enableNodeOptionsEnvironmentVariable: false,
        enableNodeCliInspectArguments: false,
        enableEmbeddedAsarIntegrityValidation: true,
        onlyLoadAppFromAsar: true,
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
