// ESLint flat config: typescript-eslint with type information, so the rules
// that catch real async bugs (a floating promise in a web trigger is an event
// silently dropped) can run. The architecture rule lives here too: the core
// never imports Forge (src/core/** talks to the platform through ports).
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');
const reactHooks = require('eslint-plugin-react-hooks');

module.exports = tseslint.config(
  {
    ignores: ['node_modules/**', 'static/*/build/**', 'build/**', '.local/**', 'coverage/**', 'test-artifacts/**', '.bench/**', '**/*.d.ts'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // First match wins: src with the strict tsconfig.json (noUncheckedIndexedAccess), then
        // tsconfig.dev.json for dev, test, scripts and bench; the admin UI has its own.
        project: ['./tsconfig.json', './tsconfig.dev.json', './static/admin/tsconfig.json'],
        tsconfigRootDir: __dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Port implementations (fakes, adapters) are async by contract even when they have nothing to await.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['static/**/*.{ts,tsx}', 'src/frontend/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    files: ['src/core/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@forge/*'],
              message: 'src/core never imports Forge: use a port from src/core/ports.ts; adapters live in src/forge/.',
            },
          ],
        },
      ],
      // Rooms a maintainer can read in one sitting (CONTRIBUTING.md "The rooms"): split by responsibility, not by size.
      'max-lines': ['error', { max: 300, skipBlankLines: false, skipComments: false }],
      'max-lines-per-function': ['error', { max: 60, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    // Tests build invalid bodies and poke at fakes: `any` and its unsafe-* cousins are allowed there, async rules are not relaxed.
    files: ['test/**', 'bench/**'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // Plain CommonJS config files and the vite config are outside every tsconfig.
    files: ['**/*.js', '**/*.cjs', '**/*.mjs', 'static/*/vite.config.ts'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      parserOptions: { project: false, program: null, projectService: false },
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly', console: 'readonly' },
    },
    rules: {
      ...tseslint.configs.disableTypeChecked.rules,
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
);
