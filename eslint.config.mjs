// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'packages/*/dist/**',
      'dist-bench/**',
      'coverage/**',
      'node_modules/**',
      'eslint.config.mjs',
      'jest.config.js',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  prettier,
  {
    languageOptions: {
      globals: { ...globals.node, ...globals.jest },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // The dApp-kit adapters are linted in the root program (tsconfig.json, where their e2e spec
    // imports them and test/support/dapp-kits.d.ts stands in for the kits), with or without the
    // kits installed; their own tsconfig.json, which needs examples/dapp-kits' install, is for
    // `npm run typecheck:examples`.
    files: ['examples/dapp-kits/**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: false, project: './tsconfig.json' },
    },
  },
  {
    files: ['test/**/*.ts', 'src/**/*.spec.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    files: ['**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { ...globals.node },
      parserOptions: { projectService: false },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // ES modules run as their own processes by the benchmark (bench/oidc-provider, bench/floor).
    files: ['**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      sourceType: 'module',
      globals: { ...globals.node },
      parserOptions: { projectService: false },
    },
  },
  {
    // Small browser scripts served from /static (no modules, no bundler).
    files: ['src/public/**/*.js'],
    languageOptions: { sourceType: 'script', globals: { ...globals.browser } },
  },
  {
    // The SPA example's module script, loaded by the browser as is (no bundler).
    files: ['examples/spa/**/*.js'],
    languageOptions: { sourceType: 'module', globals: { ...globals.browser } },
  },
);
