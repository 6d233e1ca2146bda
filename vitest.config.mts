import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';
import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  // Component tests (renderer/**/*.test.ts with a `@vitest-environment jsdom` docblock) compile
  // .svelte files for the browser; svelteTesting() picks Svelte's browser build and cleans up.
  plugins: [svelte({ configFile: './svelte.config.mjs' }), svelteTesting()],
  // The real services run inside those tests too: they need ws's Node build, not its browser stub.
  resolve: { alias: [{ find: /^ws$/, replacement: require.resolve('ws') }] },
  test: {
    include: ['main/**/*.test.ts', 'shared/**/*.test.ts', 'renderer/src/**/*.test.ts', 'tests/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['tests/global-setup.ts'],
    reporters: ['default', './tests/summary-reporter.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // The offline engine and the speech recogniser are CPU-heavy; two cores are all we have.
    maxWorkers: 2,
  },
});
