// Draws every app and tray icon from code and writes them into build/ and resources/.
// Run: npx tsx scripts/make-icons.ts   (commit the results; tests/icons.test.ts checks they match)
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { plannedIconFiles } from './packaging/icon-files';

async function main(): Promise<void> {
  const root = resolve(__dirname, '..');
  for (const file of plannedIconFiles()) {
    const target = resolve(root, file.path);
    await mkdir(dirname(target), { recursive: true });
    const bytes = file.render();
    await writeFile(target, bytes);
    console.log(`${file.path}  ${bytes.length} bytes`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
