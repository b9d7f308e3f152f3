// Test files run as CommonJS. ESM-only dependencies (jose 6, oauth4webapi, openid-client 6) are
// transformed by ts-jest (allowJs, transpile-only); type checking is `npm run typecheck`'s job.
// @modelcontextprotocol/sdk needs no entry: its exports map gives `require` a CommonJS build
// (dist/cjs); the one ESM-only package it loads, jose (lazily, for private_key_jwt), is above.
// wagmi and @wagmi/core (the dApp-kit adapters' e2e drives a real wagmi config) are ESM-only too;
// RainbowKit's runtime is not loaded (its bundle pulls React components, CSS and a chain of
// ESM-only wallet SDKs): its adapter is typed against the package and driven as an object.
const esmOnly = ['jose', 'oauth4webapi', 'openid-client', 'wagmi', '@wagmi/core'];

const common = {
  moduleFileExtensions: ['ts', 'js', 'json'],
  testEnvironment: 'node',
  transform: { '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json' }] },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  setupFiles: ['<rootDir>/test/setup/quiet-nest-logger.js'],
  // A dynamic import() in src/ names the compiled file (`./x.js`, as module node20 requires);
  // under jest the TypeScript source answers for it.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
};

/** @type {import('jest').Config} */
module.exports = {
  globalSetup: '<rootDir>/test/setup/global-setup.js',
  globalTeardown: '<rootDir>/test/setup/global-teardown.js',
  testTimeout: 30_000,
  collectCoverageFrom: ['src/**/*.ts', '!src/main.ts', '!src/**/*.spec.ts'],
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      setupFiles: [...common.setupFiles, '<rootDir>/test/setup/database-per-file.js'],
    },
  ],
};
