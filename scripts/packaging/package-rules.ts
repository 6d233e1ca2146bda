// What must and must not be inside the packaged app (app.asar plus app.asar.unpacked). Pure
// functions over a snapshot of the archive, so each rule can be tested on a made-up package too.
import { builtinModules } from 'node:module';
import type { AsarFile } from './asar-index';
import { checkOf } from './check-result';
import type { CheckResult } from './check-result';

export interface PackagedApp {
  /** Every file the archive lists, packed or unpacked. */
  files: readonly AsarFile[];
  /** Paths (relative, forward slashes) that really exist in app.asar.unpacked. */
  unpackedOnDisk: ReadonlySet<string>;
  /** Text of a packed or unpacked file. */
  readText(path: string): string;
}

export interface PackageExpectations {
  desktopName: string;
  productionPackages: ReadonlySet<string>;
  developmentOnlyPackages: ReadonlySet<string>;
  /** Runtime assets (tray and window icons) that must be packaged. */
  resources: readonly string[];
}

export const WORKER_PATH = 'out/main/espeak-worker.js';
export const OFFLINE_VOICE_PACKAGE = '@echogarden/espeak-ng-emscripten';
const NATIVE_KEYCHAIN_PACKAGE = 'keytar';

const REQUIRED_ENTRY_FILES = [
  'out/main/index.js',
  'out/main/cli.js',
  // The command line's entry, which the `hark` launchers run as plain Node.
  'bin/hark.js',
  'out/renderer/index.html',
  'package.json',
];
/** Outside node_modules, only the built app, its runtime assets, its CLI entry and its manifest belong. */
const ALLOWED_APP_PATH = /^(out\/|resources\/|package\.json$|bin\/hark\.js$)/;
const SOURCE_FILE = /\.(ts|tsx|mts|cts|svelte|map)$/;
const TEST_FILE = /(^|\/)__tests__\/|\.(test|spec)\.[cm]?[jt]sx?$/;
const APP_TEST_FOLDER = /(^|\/)tests?\//;
/** What test runners leave behind (Playwright's output folder, reports, coverage). */
const TEST_OUTPUT = /^out\/(playwright|test-results|playwright-report|coverage)\//;
const SECRET_FILE_NAME =
  /(^|\/)(\.env(\..*)?|\.npmrc|\.netrc|id_rsa|id_ed25519|[^/]*\.(pem|key|p12|pfx|keystore|jks))$/;
const SECRET_CONTENT: ReadonlyArray<{ what: string; pattern: RegExp }> = [
  { what: 'an ElevenLabs API key', pattern: /\bsk_[0-9a-f]{40,}\b/ },
  { what: 'a private key', pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
  { what: 'an assigned API key', pattern: /ELEVENLABS_API_KEY\s*[:=]\s*['"`]?[A-Za-z0-9_-]{16,}/ },
];

function isInNodeModules(path: string): boolean {
  return path.startsWith('node_modules/') || path.includes('/node_modules/');
}

/** Package names that have a package.json at a node_modules/<name>/ root in the archive. */
export function packagedPackageNames(files: readonly AsarFile[]): Set<string> {
  const names = new Set<string>();
  for (const file of files) {
    const match = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\/package\.json$/.exec(file.path);
    if (match?.[1]) names.add(match[1]);
  }
  return names;
}

function isReallyUnpacked(app: PackagedApp, file: AsarFile): boolean {
  return file.unpacked && app.unpackedOnDisk.has(file.path);
}

function checkEntryFiles(app: PackagedApp): CheckResult {
  const paths = new Set(app.files.map((file) => file.path));
  const problems = REQUIRED_ENTRY_FILES.filter((path) => !paths.has(path)).map((path) => `missing ${path}`);
  if (!app.files.some((file) => /^out\/preload\/[^/]+\.[cm]?js$/.test(file.path)))
    problems.push('missing out/preload/*.js');
  if (!app.files.some((file) => file.path.startsWith('out/renderer/assets/')))
    problems.push('missing out/renderer/assets/');
  return checkOf(
    'app entry points',
    problems,
    `${REQUIRED_ENTRY_FILES.join(', ')}, out/preload, out/renderer`,
  );
}

function checkManifest(app: PackagedApp, expected: PackageExpectations): CheckResult {
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(app.readText('package.json')) as Record<string, unknown>;
  } catch (error) {
    return checkOf('package.json', [`unreadable: ${String(error)}`], '');
  }
  const problems: string[] = [];
  const main = typeof manifest.main === 'string' ? manifest.main.replace(/^\.\//, '') : '';
  if (!app.files.some((file) => file.path === main))
    problems.push(`"main" (${String(manifest.main)}) is not packaged`);
  if (manifest.desktopName !== expected.desktopName) {
    problems.push(
      `"desktopName" is ${JSON.stringify(manifest.desktopName)}, expected "${expected.desktopName}"`,
    );
  }
  for (const key of ['scripts', 'devDependencies']) {
    if (key in manifest) problems.push(`"${key}" should have been removed`);
  }
  return checkOf('package.json', problems, `main=${main}, desktopName=${String(manifest.desktopName)}`);
}

/** Packages a script loads with require()/import, by name (not Node built-ins or relative files). */
export function bareImports(source: string): Set<string> {
  const names = new Set<string>();
  const specifiers = /\b(?:require|import)\s*\(\s*["'`]([^"'`]+)["'`]\s*\)|\bfrom\s*["']([^"']+)["']/g;
  for (const match of source.matchAll(specifiers)) {
    const specifier = match[1] ?? match[2] ?? '';
    if (/^(\.|\/|node:)/.test(specifier) || builtinModules.includes(specifier)) continue;
    const parts = specifier.split('/');
    names.add(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier));
  }
  return names;
}

/** The worker thread runs from app.asar.unpacked, so it can only load packages that are there too. */
function checkWorker(app: PackagedApp): CheckResult {
  const worker = app.files.find((file) => file.path === WORKER_PATH);
  if (!worker) return checkOf('offline voice worker unpacked', [`missing ${WORKER_PATH}`], '');
  if (!isReallyUnpacked(app, worker)) {
    return checkOf('offline voice worker unpacked', [`${WORKER_PATH} is not in app.asar.unpacked`], '');
  }
  const imports = [...bareImports(app.readText(WORKER_PATH))];
  const problems = imports
    .filter((name) => !app.unpackedOnDisk.has(`node_modules/${name}/package.json`))
    .map((name) => `${WORKER_PATH} loads ${name}, which is not in app.asar.unpacked`);
  return checkOf(
    'offline voice worker unpacked',
    problems,
    `${WORKER_PATH}; its packages (${imports.join(', ')}) too`,
  );
}

function checkOfflineVoiceData(app: PackagedApp): CheckResult {
  const prefix = `node_modules/${OFFLINE_VOICE_PACKAGE}/`;
  const files = app.files.filter((file) => file.path.startsWith(prefix));
  const problems = files
    .filter((file) => !isReallyUnpacked(app, file))
    .map((file) => `${file.path} is packed`);
  if (!files.some((file) => file.path.endsWith('.data'))) problems.push(`no voice data file under ${prefix}`);
  const listed = files.map((file) => file.path.slice(prefix.length)).join(', ');
  return checkOf(
    'offline voice data unpacked',
    problems,
    `${files.length} files of ${OFFLINE_VOICE_PACKAGE} (${listed})`,
  );
}

function checkNativeAddons(app: PackagedApp): CheckResult {
  const addons = app.files.filter((file) => file.path.endsWith('.node'));
  const problems = addons
    .filter((file) => !isReallyUnpacked(app, file))
    .map((file) => `${file.path} is packed`);
  if (!addons.some((file) => file.path.startsWith(`node_modules/${NATIVE_KEYCHAIN_PACKAGE}/`))) {
    problems.push(`no ${NATIVE_KEYCHAIN_PACKAGE} native addon (.node) packaged`);
  }
  return checkOf('native addons unpacked', problems, addons.map((file) => file.path).join(', '));
}

function checkDependencies(app: PackagedApp, expected: PackageExpectations): CheckResult {
  const packaged = packagedPackageNames(app.files);
  const missing = [...expected.productionPackages].filter((name) => !packaged.has(name));
  return checkOf(
    'production dependencies',
    missing.map((name) => `missing node_modules/${name}`),
    `all ${expected.productionPackages.size} packages the app's dependencies need (ws, keytar, ...)`,
  );
}

function checkNoDevelopmentPackages(app: PackagedApp, expected: PackageExpectations): CheckResult {
  const packaged = packagedPackageNames(app.files);
  const leaked = [...expected.developmentOnlyPackages].filter((name) => packaged.has(name));
  return checkOf(
    'no development packages',
    leaked.map((name) => `node_modules/${name} is only needed by development tools`),
    `none of the ${expected.developmentOnlyPackages.size} development-only packages`,
  );
}

function checkNoSourcesOrTests(app: PackagedApp): CheckResult {
  const problems: string[] = [];
  for (const { path } of app.files) {
    const ours = !isInNodeModules(path);
    if (ours && !ALLOWED_APP_PATH.test(path)) problems.push(`${path} is not part of the built app`);
    else if (ours && SOURCE_FILE.test(path)) problems.push(`${path} is a source file`);
    else if (TEST_OUTPUT.test(path)) problems.push(`${path} is test output`);
    if (TEST_FILE.test(path) || (ours && APP_TEST_FOLDER.test(path))) problems.push(`${path} is a test file`);
  }
  return checkOf(
    'no sources or tests',
    problems,
    'only out/, resources/, bin/hark.js and package.json besides node_modules',
  );
}

function checkNoSecrets(app: PackagedApp): CheckResult {
  const problems = app.files
    .filter((file) => SECRET_FILE_NAME.test(file.path))
    .map((file) => `${file.path} looks like a secrets file`);
  const scanned = app.files.filter(
    (file) => !isInNodeModules(file.path) && /\.(js|cjs|mjs|json|html)$/.test(file.path),
  );
  for (const file of scanned) {
    const text = app.readText(file.path);
    for (const { what, pattern } of SECRET_CONTENT) {
      if (pattern.test(text)) problems.push(`${file.path} contains ${what}`);
    }
  }
  return checkOf('no secrets', problems, `no key files; ${scanned.length} app files scanned for keys`);
}

function checkResources(app: PackagedApp, expected: PackageExpectations): CheckResult {
  const paths = new Set(app.files.map((file) => file.path));
  const missing = expected.resources.filter((path) => !paths.has(path));
  return checkOf(
    'tray and window icons',
    missing.map((path) => `missing ${path}`),
    `${expected.resources.length} files under resources/`,
  );
}

export function checkPackagedApp(app: PackagedApp, expected: PackageExpectations): CheckResult[] {
  return [
    checkEntryFiles(app),
    checkManifest(app, expected),
    checkWorker(app),
    checkOfflineVoiceData(app),
    checkNativeAddons(app),
    checkDependencies(app, expected),
    checkNoDevelopmentPackages(app, expected),
    checkNoSourcesOrTests(app),
    checkNoSecrets(app),
    checkResources(app, expected),
  ];
}
