// The Linux launcher entries (.desktop files) and icons that the AppImage and deb targets would
// install, as electron-builder computed them just before calling the tools it cannot fetch here.
// The desktop file's name must equal package.json `desktopName`: Electron reports that name as the
// window's app_id, and the XDG GlobalShortcuts portal identifies the app by it.
import { checkOf } from './check-result';
import type { CheckResult } from './check-result';

export interface CapturedLauncherEntries {
  appImage?: { fileName: string; text: string };
  deb?: { fpmArgs: string[]; text: string };
}

export interface LauncherExpectations {
  desktopName: string;
  productName: string;
  executableName: string;
  categories: readonly string[];
  iconSizes: readonly number[];
  /** Folder the installed icons must come from (so not electron-builder's default Electron icon). */
  iconSourceDir: string;
}

type DesktopFile = Map<string, Map<string, string>>;

export function parseDesktopFile(text: string): DesktopFile {
  const sections: DesktopFile = new Map();
  let current: Map<string, string> | undefined;
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header?.[1]) {
      current = new Map();
      sections.set(header[1], current);
      continue;
    }
    const equals = line.indexOf('=');
    if (current && equals > 0) current.set(line.slice(0, equals), line.slice(equals + 1));
  }
  return sections;
}

function listValue(value: string | undefined): string[] {
  return (value ?? '').split(';').filter((item) => item !== '');
}

function entryProblems(file: DesktopFile, expected: LauncherExpectations): string[] {
  const entry = file.get('Desktop Entry');
  if (!entry) return ['no [Desktop Entry] section'];
  const problems: string[] = [];
  const want: Record<string, string> = {
    Type: 'Application',
    Name: expected.productName,
    Icon: expected.executableName,
    StartupWMClass: expected.desktopName.replace(/\.desktop$/, ''),
  };
  for (const [key, value] of Object.entries(want)) {
    if (entry.get(key) !== value) problems.push(`${key}=${entry.get(key) ?? '(none)'}, expected ${value}`);
  }
  if (!entry.get('Comment')) problems.push('no Comment');
  const categories = listValue(entry.get('Categories'));
  for (const category of expected.categories) {
    if (!categories.includes(category)) problems.push(`Categories lacks ${category}`);
  }
  return problems;
}

function actionProblems(file: DesktopFile, executableName: string): string[] {
  const actions = listValue(file.get('Desktop Entry')?.get('Actions'));
  const problems: string[] = [];
  for (const action of actions) {
    const section = file.get(`Desktop Action ${action}`);
    if (!section?.get('Name')) problems.push(`action ${action} has no [Desktop Action ${action}] Name`);
    if (!section?.get('Exec')?.startsWith(`${executableName} --`)) {
      problems.push(`action ${action} does not run "${executableName} --..."`);
    }
  }
  return problems;
}

function checkAppImageEntry(captured: CapturedLauncherEntries, expected: LauncherExpectations): CheckResult {
  const name = 'AppImage launcher entry';
  if (!captured.appImage) return checkOf(name, ['electron-builder produced no AppImage desktop entry'], '');
  const file = parseDesktopFile(captured.appImage.text);
  const problems = entryProblems(file, expected);
  if (captured.appImage.fileName !== expected.desktopName) {
    problems.push(`named ${captured.appImage.fileName}, expected ${expected.desktopName}`);
  }
  // An AppImage has no fixed install path, so actions running "hark --..." would not work.
  if (file.get('Desktop Entry')?.has('Actions')) problems.push('has Actions, which cannot reach an AppImage');
  return checkOf(name, problems, `${captured.appImage.fileName}: ${summary(file)}`);
}

function summary(file: DesktopFile): string {
  const entry = file.get('Desktop Entry');
  return ['Name', 'StartupWMClass', 'Categories'].map((key) => `${key}=${entry?.get(key) ?? ''}`).join(', ');
}

/** fpm arguments of the form /source=/destination (files placed in the package). */
function placedFiles(fpmArgs: readonly string[]): Map<string, string> {
  const placed = new Map<string, string>();
  for (const arg of fpmArgs) {
    const match = /^(\/.+)=(\/(?:usr|opt)\/.+)$/.exec(arg);
    if (match?.[1] && match[2]) placed.set(match[2], match[1]);
  }
  return placed;
}

function checkDebEntry(captured: CapturedLauncherEntries, expected: LauncherExpectations): CheckResult {
  const name = 'deb launcher entry';
  if (!captured.deb) return checkOf(name, ['electron-builder produced no deb desktop entry'], '');
  const file = parseDesktopFile(captured.deb.text);
  const problems = [...entryProblems(file, expected), ...actionProblems(file, expected.executableName)];
  const installedAs = `/usr/share/applications/${expected.desktopName}`;
  if (!placedFiles(captured.deb.fpmArgs).has(installedAs)) problems.push(`not installed as ${installedAs}`);
  const exec = `/opt/${expected.productName}/${expected.executableName} %U`;
  if (file.get('Desktop Entry')?.get('Exec') !== exec) problems.push(`Exec is not "${exec}"`);
  const actions = listValue(file.get('Desktop Entry')?.get('Actions'));
  return checkOf(name, problems, `${installedAs}: ${summary(file)}, actions ${actions.join(', ') || 'none'}`);
}

function checkDebIcons(captured: CapturedLauncherEntries, expected: LauncherExpectations): CheckResult {
  const placed = placedFiles(captured.deb?.fpmArgs ?? []);
  const problems: string[] = [];
  for (const size of expected.iconSizes) {
    const target = `/usr/share/icons/hicolor/${size}x${size}/apps/${expected.executableName}.png`;
    const source = placed.get(target);
    if (!source) problems.push(`no ${target}`);
    else if (!source.startsWith(`${expected.iconSourceDir}/`))
      problems.push(`${target} comes from ${source}`);
  }
  return checkOf('deb icons', problems, `${expected.iconSizes.join(', ')} px from build/icons`);
}

export function checkLauncherEntries(
  captured: CapturedLauncherEntries,
  expected: LauncherExpectations,
): CheckResult[] {
  return [
    checkAppImageEntry(captured, expected),
    checkDebEntry(captured, expected),
    checkDebIcons(captured, expected),
  ];
}
