import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

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
    // Renderer code runs in a sandboxed page: no Node modules, no Electron. (Its tests run in Node and
    // may start the real services, so they are exempt.)
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
              group: [
                '**/main/*/*',
                '!**/main/speech/protocol',
                '!**/main/store/settings-schema',
                '!**/main/store/accelerator',
                '!**/main/store/history-index',
                '!**/main/app/reading-types',
                '!**/main/speech/errors',
                // Pure DSP shared with the command line, so both stretch speech the same way.
                '!**/main/speech/time-stretch',
                // MP3 framing shared with the duration meter, so both read a stream the same way.
                '!**/main/speech/mp3-frames',
                // The user's words: the settings window reads and writes lexicon files with the reading's own parser.
                '!**/main/text/lexicon',
              ],
              message: 'Renderers import only the pure modules the contract names.',
            },
          ],
        },
      ],
    },
  },
);
