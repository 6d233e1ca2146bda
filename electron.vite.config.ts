import { defineConfig } from 'electron-vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { resolve } from 'node:path';

// Main-process bundle has three entries: the Electron boot file, the `hark` command line and the
// offline engine's worker thread. Dependencies stay external (loaded from node_modules at run time),
// except franc: it is published as an ES module only, which a CommonJS bundle cannot require on
// every Node the CLI runs on, so it is bundled in.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      externalizeDeps: { exclude: ['franc'] },
      rollupOptions: {
        input: {
          index: resolve('main/index.ts'),
          cli: resolve('main/cli.ts'),
          'espeak-worker': resolve('main/engine/espeak-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: { outDir: 'out/preload', rollupOptions: { input: { index: resolve('preload/index.ts') } } },
  },
  renderer: {
    root: 'renderer',
    plugins: [svelte({ configFile: resolve('svelte.config.mjs') })],
    build: {
      outDir: resolve('out/renderer'),
      rollupOptions: { input: { index: resolve('renderer/index.html') } },
    },
  },
});
