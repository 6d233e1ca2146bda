// What the .deb must hold and say: `hark` on the PATH as the launcher (build/linux/hark) pointing at
// the installed app, wl-clipboard recommended, and maintainer scripts that leave /usr/bin/hark to
// dpkg. Pure functions over a snapshot of the package, so each rule can be tested on a made-up one.
import { posix } from 'node:path';
import { checkOf } from './check-result';
import type { CheckResult } from './check-result';

export interface DebEntry {
  /** Absolute installed path, e.g. /usr/bin/hark */
  path: string;
  /** ls-style mode, e.g. -rwxr-xr-x (l for a link, d for a folder) */
  mode: string;
  linkTarget?: string;
}

export interface DebSnapshot {
  fields: Record<string, string>;
  entries: DebEntry[];
  /** Text of the files the rules read (the launcher), by installed path. */
  texts: Record<string, string>;
  postinst?: string;
  postrm?: string;
}

export interface DebExpectations {
  packageName: string;
  executableName: string;
  /** Where electron-builder installs the app, e.g. /opt/Hark */
  installDir: string;
  recommends: readonly string[];
  /** The launcher as it is in the project (build/linux/hark). */
  launcherSource: string;
  /** The CLI entry inside app.asar that the launcher runs. */
  cliEntry: string;
}

/** `dpkg-deb -f` output: "Key: value" lines, continuation lines start with a space. */
export function parseControlFields(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  let last: string | undefined;
  for (const line of text.split('\n')) {
    if (/^\s/.test(line) && last) fields[last] += `\n${line}`;
    else {
      const match = /^([A-Za-z0-9-]+):\s?(.*)$/.exec(line);
      if (match?.[1]) {
        last = match[1];
        fields[last] = match[2] ?? '';
      }
    }
  }
  return fields;
}

/** `dpkg-deb -c` output (tar's long listing): mode, owner, size, date, time, ./path [-> target]. */
export function parseContents(text: string): DebEntry[] {
  const entries: DebEntry[] = [];
  for (const line of text.split('\n')) {
    const match = /^(\S{10})\s+\S+\s+\d+\s+\S+\s+\S+\s+\.(\/.*?)(?: -> (.*))?$/.exec(line);
    if (!match?.[1] || !match[2]) continue;
    const path = match[2].length > 1 ? match[2].replace(/\/$/, '') : '/';
    const entry: DebEntry = { path, mode: match[1] };
    if (match[3] !== undefined) entry.linkTarget = match[3];
    entries.push(entry);
  }
  return entries;
}

function listField(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function checkControl(deb: DebSnapshot, expected: DebExpectations): CheckResult {
  const problems: string[] = [];
  if (deb.fields.Package !== expected.packageName)
    problems.push(`Package is ${deb.fields.Package ?? '(none)'}, expected ${expected.packageName}`);
  const recommends = listField(deb.fields.Recommends);
  // An alternative ("a | b") counts for each of its names.
  const named = new Set(recommends.flatMap((item) => item.split('|').map((name) => name.trim())));
  for (const name of expected.recommends) {
    if (!named.has(name)) problems.push(`Recommends lacks ${name}`);
  }
  const depends = listField(deb.fields.Depends);
  if (depends.length === 0) problems.push('no Depends');
  return checkOf(
    'deb control',
    problems,
    `Package=${deb.fields.Package}, Recommends: ${recommends.join(', ')}; ${depends.length} Depends`,
  );
}

function isExecutableFile(entry: DebEntry | undefined): boolean {
  return entry !== undefined && entry.mode.startsWith('-') && /^-..x..x..x$/.test(entry.mode);
}

/** The app folder the launcher computes from its own place (`app="$here/<relative>"`). */
export function launcherAppDir(launcher: string, launcherPath: string): string | undefined {
  const match = /^app="\$here\/([^"]+)"$/m.exec(launcher);
  return match?.[1] ? posix.join(posix.dirname(launcherPath), match[1]) : undefined;
}

function checkCommandOnPath(deb: DebSnapshot, expected: DebExpectations): CheckResult {
  const onPath = `/usr/bin/${expected.executableName}`;
  const byPath = new Map(deb.entries.map((entry) => [entry.path, entry]));
  const launcher = byPath.get(onPath);
  const problems: string[] = [];
  if (!launcher) problems.push(`no ${onPath}`);
  else if (!isExecutableFile(launcher))
    problems.push(
      `${onPath} is ${launcher.mode}${launcher.linkTarget ? ` -> ${launcher.linkTarget}` : ''}, expected an executable file`,
    );
  const text = deb.texts[onPath];
  if (launcher && text !== expected.launcherSource) problems.push(`${onPath} is not build/linux/hark`);
  const appDir = text === undefined ? undefined : launcherAppDir(text, onPath);
  if (text !== undefined && appDir !== expected.installDir)
    problems.push(
      `${onPath} looks for the app in ${appDir ?? '(nowhere)'}, it is installed in ${expected.installDir}`,
    );
  if (text !== undefined && !text.includes(`resources/app.asar/${expected.cliEntry}`))
    problems.push(`${onPath} does not run resources/app.asar/${expected.cliEntry}`);
  if (text !== undefined && !text.includes('ELECTRON_RUN_AS_NODE=1'))
    problems.push(`${onPath} does not run the command line as Node (ELECTRON_RUN_AS_NODE=1)`);
  const executable = `${expected.installDir}/${expected.executableName}`;
  if (!isExecutableFile(byPath.get(executable))) problems.push(`no executable ${executable}`);
  if (!byPath.has(`${expected.installDir}/resources/app.asar`))
    problems.push(`no ${expected.installDir}/resources/app.asar`);
  return checkOf(
    'hark on the PATH',
    problems,
    `${onPath} (${launcher?.mode}) is build/linux/hark; it runs ${executable}, and as Node resources/app.asar/${expected.cliEntry}`,
  );
}

function codeLines(script: string): string {
  return script
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n');
}

function checkMaintainerScripts(deb: DebSnapshot, expected: DebExpectations): CheckResult {
  const onPath = `/usr/bin/${expected.executableName}`;
  const problems: string[] = [];
  for (const [name, script] of [
    ['postinst', deb.postinst],
    ['postrm', deb.postrm],
  ] as const) {
    if (script === undefined) {
      problems.push(`no ${name}`);
      continue;
    }
    if (!script.startsWith('#!')) problems.push(`${name} has no #! line`);
    const code = codeLines(script);
    // dpkg owns the launcher; a script that links or removes it would replace or delete it.
    if (code.includes(onPath) || /update-alternatives/.test(code))
      problems.push(`${name} changes ${onPath}, which is a file of the package`);
    if (/\$\{[A-Za-z]+\}/.test(code)) problems.push(`${name} has unfilled \${...} names`);
  }
  return checkOf('deb maintainer scripts', problems, `postinst and postrm leave ${onPath} to dpkg`);
}

export function checkDebPackage(deb: DebSnapshot, expected: DebExpectations): CheckResult[] {
  return [
    checkControl(deb, expected),
    checkCommandOnPath(deb, expected),
    checkMaintainerScripts(deb, expected),
  ];
}
