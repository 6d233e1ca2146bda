// A STAND-IN for fpm, the tool electron-builder runs to make the .deb (it is a download, and Debian
// does not package it). scripts/check-package.ts hands it to electron-builder (CUSTOM_FPM_PATH), so
// electron-builder's own fpm arguments are turned into a real .deb by dpkg-deb: the files mapped
// `source=/installed/path`, the control fields, and the maintainer scripts as postinst and postrm
// (fpm puts them in verbatim). Only the options electron-builder passes for a deb are understood;
// any other makes it fail, so a change in electron-builder's arguments is seen, not ignored.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export interface FpmRequest {
  /** option name (without --) to its values, in order */
  options: Map<string, string[]>;
  flags: Set<string>;
  mappings: Array<{ source: string; target: string }>;
}

const VALUE_OPTIONS = new Set([
  's',
  't',
  'd',
  'log',
  'deb-recommends',
  'deb-compression',
  'deb-priority',
  'architecture',
  'after-install',
  'after-remove',
  'description',
  'version',
  'iteration',
  'package',
  'name',
  'maintainer',
  'vendor',
  'url',
  'category',
  'license',
]);
const FLAG_OPTIONS = new Set(['force', 'debug']);

export function parseFpmArgs(args: readonly string[]): FpmRequest {
  const request: FpmRequest = { options: new Map(), flags: new Set(), mappings: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg.startsWith('-')) {
      const name = arg.replace(/^--?/, '');
      if (FLAG_OPTIONS.has(name)) {
        request.flags.add(name);
        continue;
      }
      if (!VALUE_OPTIONS.has(name)) throw new Error(`fpm stand-in: unsupported option ${arg}`);
      const value = args[++i];
      if (value === undefined) throw new Error(`fpm stand-in: ${arg} needs a value`);
      request.options.set(name, [...(request.options.get(name) ?? []), value]);
      continue;
    }
    const equals = arg.indexOf('=');
    if (equals <= 0) throw new Error(`fpm stand-in: expected source=/target, got ${arg}`);
    request.mappings.push({ source: arg.slice(0, equals), target: arg.slice(equals + 1) });
  }
  if (request.options.get('s')?.[0] !== 'dir' || request.options.get('t')?.[0] !== 'deb') {
    throw new Error('fpm stand-in: only -s dir -t deb is supported');
  }
  return request;
}

function one(request: FpmRequest, name: string): string | undefined {
  return request.options.get(name)?.at(-1);
}

function required(request: FpmRequest, name: string): string {
  const value = one(request, name);
  if (value === undefined) throw new Error(`fpm stand-in: --${name} is required`);
  return value;
}

/** A deb Description: the synopsis, then the long text with every line indented, blank lines as " .". */
function descriptionField(text: string): string {
  const [synopsis = '', ...rest] = text.split('\n');
  const body = rest.map((line) => (line.trim() === '' ? ' .' : ` ${line.trim()}`));
  return [synopsis.trim(), ...body].join('\n');
}

export function controlFile(request: FpmRequest, installedKiB: number): string {
  const version = [required(request, 'version'), one(request, 'iteration')].filter(Boolean).join('-');
  const fields: Array<[string, string | undefined]> = [
    ['Package', required(request, 'name')],
    ['Version', version],
    ['License', one(request, 'license')],
    ['Vendor', one(request, 'vendor')],
    ['Architecture', required(request, 'architecture')],
    ['Maintainer', required(request, 'maintainer')],
    ['Installed-Size', String(installedKiB)],
    ['Depends', request.options.get('d')?.join(', ')],
    ['Recommends', request.options.get('deb-recommends')?.join(', ')],
    ['Section', one(request, 'category')],
    ['Priority', one(request, 'deb-priority')],
    ['Homepage', one(request, 'url')],
    ['Description', descriptionField(required(request, 'description'))],
  ];
  return (
    fields
      .filter((field): field is [string, string] => field[1] !== undefined && field[1] !== '')
      .map(([key, value]) => `${key}: ${value}`)
      .join('\n') + '\n'
  );
}

/** Copies like fpm's dir source: `folder/=target` puts the folder's contents there, modes and links kept. */
function stage(root: string, mapping: { source: string; target: string }): void {
  const source = resolve(mapping.source);
  const target = join(root, mapping.target);
  if (mapping.source.endsWith('/')) {
    mkdirSync(target, { recursive: true });
    execFileSync('cp', ['-a', `${source}/.`, target]);
  } else {
    mkdirSync(dirname(target), { recursive: true });
    execFileSync('cp', ['-a', source, target]);
  }
}

function installedSizeKiB(root: string): number {
  const output = execFileSync('du', ['-sk', '--exclude=DEBIAN', root], { encoding: 'utf8' });
  return Number.parseInt(output, 10);
}

function writeScript(root: string, name: string, from: string | undefined): void {
  if (from === undefined) return;
  const path = join(root, 'DEBIAN', name);
  copyFileSync(from, path);
  chmodSync(path, 0o755);
}

export function buildDeb(request: FpmRequest): string {
  const output = required(request, 'package');
  const root = mkdtempSync(join(tmpdir(), 'hark-fpm-stand-in-'));
  try {
    for (const mapping of request.mappings) stage(root, mapping);
    mkdirSync(join(root, 'DEBIAN'));
    writeFileSync(join(root, 'DEBIAN', 'control'), controlFile(request, installedSizeKiB(root)));
    writeScript(root, 'postinst', one(request, 'after-install'));
    writeScript(root, 'postrm', one(request, 'after-remove'));
    const compression = one(request, 'deb-compression') ?? 'xz';
    execFileSync('dpkg-deb', ['--root-owner-group', `-Z${compression}`, '--build', root, output], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    if (!statSync(output).isFile()) throw new Error(`fpm stand-in: ${output} was not written`);
    return output;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

if (require.main === module) {
  try {
    const output = buildDeb(parseFpmArgs(process.argv.slice(2)));
    console.log(`fpm STAND-IN (dpkg-deb) wrote ${output}`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
