// Which installed packages a set of dependencies pulls in, found the way Node resolves them (the
// nearest node_modules folder upwards). The packaging check uses it to know which packages the app
// needs and which ones only the tools need.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

interface Manifest {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

export function readManifest(packageDir: string): Manifest {
  return JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as Manifest;
}

/** The folder `name` resolves to from `fromDir`, or null when it is not installed. */
function resolvePackageDir(name: string, fromDir: string, root: string): string | null {
  const top = resolve(root);
  // Looking inside a node_modules/node_modules or @scope/node_modules folder finds nothing, so
  // walking every parent is the same as Node's lookup.
  for (let dir = resolve(fromDir); ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === top || dir === dirname(dir)) return null;
  }
}

/** Names of every installed package reachable from `names` through dependencies. */
export function packageClosure(root: string, names: Iterable<string>): Set<string> {
  const found = new Set<string>();
  const visitedDirs = new Set<string>();
  const queue = [...names].map((name) => ({ name, fromDir: root }));
  while (queue.length > 0) {
    const next = queue.shift();
    if (!next) break;
    const dir = resolvePackageDir(next.name, next.fromDir, root);
    if (!dir || visitedDirs.has(dir)) continue;
    visitedDirs.add(dir);
    found.add(next.name);
    const manifest = readManifest(dir);
    for (const dependency of Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies })) {
      queue.push({ name: dependency, fromDir: dir });
    }
  }
  return found;
}

export interface DependencySplit {
  /** Everything the app's own dependencies pull in: must be packaged. */
  production: Set<string>;
  /** Packages only the development tools pull in: must not be packaged. */
  developmentOnly: Set<string>;
}

export function splitDependencies(root: string): DependencySplit {
  const manifest = readManifest(root);
  const production = packageClosure(root, Object.keys(manifest.dependencies ?? {}));
  const development = packageClosure(root, Object.keys(manifest.devDependencies ?? {}));
  const developmentOnly = new Set([...development].filter((name) => !production.has(name)));
  return { production, developmentOnly };
}
