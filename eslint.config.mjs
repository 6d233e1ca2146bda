import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

/** What shared/ may not import: anything but its own files (./x) and the given packages. */
function sharedImports(packages) {
  // Relative paths, node: and electron have messages of their own.
  const notPackages = [String.raw`\.`, 'node:', 'electron$', ...packages.map((name) => `${name}$`)];
  return {
    paths: [{ name: 'electron', message: 'shared/ runs in the renderer too: no Electron.' }],
    patterns: [
      { regex: '^node:', message: 'shared/ runs in the renderer too: no Node modules.' },
      {
        regex: String.raw`^\.\./`,
        message: 'shared/ imports only its own files (./x), never main/, renderer/ or preload/.',
      },
      {
        regex: `^(?!${notPackages.join('|')})`,
        message: 'shared/ takes no packages: it goes into every bundle as it is.',
      },
    ],
  };
}

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'release/**', 'node_modules/**', 'coverage/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    files: ['main/cli.ts', 'main/cli/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser }, globals: { ...globals.browser } },
  },
  {
    // Only the desktop adapters and the boot file may touch Electron; everything else is plain Node.
    files: ['main/**/*.ts'],
    ignores: ['main/desktop/**', 'main/index.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              message: 'Plain Node code: inject Electron objects from main/desktop instead.',
            },
          ],
        },
      ],
    },
  },
  {
    // shared/ is the code both processes run (the IPC contract and the pure modules behind it): it
    // goes into the main bundle, the preload script and the renderer's page alike, so it depends on
    // nothing but itself.
    files: ['shared/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', sharedImports([])] },
  },
  {
    files: ['shared/**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', sharedImports(['vitest', 'fast-check'])] },
  },
  {
    // Renderer code runs in a sandboxed page: no Node modules, no Electron, and nothing of main's; it
    // reaches main only through the contract in shared/. (Its tests run in Node and may start the
    // real services, so they are exempt.)
    files: ['renderer/src/**/*.ts', 'renderer/src/**/*.svelte'],
    ignores: ['renderer/src/**/*.test.ts', 'renderer/src/**/*.testing.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'Renderers reach main only through the HarkApi.' }],
          patterns: [
            { group: ['node:*'], message: 'Renderer code runs in a page, not in Node.' },
            {
              regex: '(^|/)(main|preload)/',
              message:
                'Renderers import only shared/ (the contract and its pure modules), never main/ or preload/.',
            },
          ],
        },
      ],
    },
  },
  {
    // The preload script runs in the sandboxed page's isolated world: Electron's renderer API and the
    // contract, nothing else.
    files: ['preload/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: String.raw`^(?!electron$|\.\./shared/|\./)`,
              message: 'The preload script imports only electron and shared/, never main/ or Node modules.',
            },
          ],
        },
      ],
    },
  },
);
