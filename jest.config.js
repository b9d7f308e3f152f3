// Test files run as CommonJS, compiled by SWC (@swc/jest), file by file as tsconfig.jest.json's
// isolatedModules allows: Nest's legacy decorators with their design-type metadata, class fields
// defined as ES2022 defines them (tsconfig.json's target). Type checking is `npm run typecheck`'s
// job. ESM-only dependencies (jose 6, oauth4webapi, openid-client 6) are compiled to CommonJS too.
// @modelcontextprotocol/sdk needs no entry: its exports map gives `require` a CommonJS build
// (dist/cjs); the one ESM-only package it loads, jose (lazily, for private_key_jwt), is above.
// @wagmi/core (the dApp-kit adapters' e2e drives a real wagmi config) is ESM-only too.
// FormatJS (@formatjs/*, intl-messageformat: the pages' catalogues) is ESM-only too. The kits
// themselves are examples/dapp-kits' own dependencies, not the root's: RainbowKit's and Reown's
// packages are imported by the adapters as types only (erased here), and the one value the
// RainbowKit adapter imports, `wagmi/actions`, is wagmi's re-export of `@wagmi/core/actions`,
// which answers for it (wagmi itself would install React and every wallet SDK, ~800 MB).
// @fastify/static 10 loads content-disposition 3, ESM-only, from its own node_modules (the
// root's is Express's CommonJS 1.x): transformed wherever it is, both copies.
const { swcCompilerOptions } = require('./tools/swc-options');

const esmOnly = [
  '@formatjs',
  'intl-messageformat',
  'jose',
  'oauth4webapi',
  'openid-client',
  '@wagmi/core',
  'content-disposition',
  '@openid4vc',
  'dcql',
];

/** @swc/jest for TypeScript or JavaScript sources, with what tsconfig.json asks of the emit. */
function swc(syntax) {
  return [
    '@swc/jest',
    {
      jsc: swcCompilerOptions(syntax),
      // Stack traces point into the sources.
      sourceMaps: 'inline',
    },
  ];
}

const common = {
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  testEnvironment: 'node',
  // SWC rather than ts-jest: ts-jest loads the TypeScript compiler into every worker and
  // compiles each file with it; a fresh clone (no transform cache) compiles all of src/ and
  // test/ (docs/DEVELOPMENT.md#test-time).
  // `.mjs`: the ESM-only packages that ship no `.js` (dcql, @openid4vc/*).
  transform: {
    '^.+\\.ts$': swc('typescript'),
    '^.+\\.js$': swc('ecmascript'),
    '^.+\\.mjs$': swc('ecmascript'),
  },
  transformIgnorePatterns: [
    `/node_modules/(?!(${esmOnly.join('|')})/)(?!@fastify/static/node_modules/content-disposition/)`,
  ],
  setupFiles: ['<rootDir>/test/setup/quiet-nest-logger.js'],
  // PROOFGATE_TEST_CPU_LOG=<file>: each suite's CPU, and each e2e spec file's (nothing when unset).
  // suite-observers: the process observers a suite starts stop when it ends.
  setupFilesAfterEnv: [
    '<rootDir>/test/setup/cpu-log.js',
    '<rootDir>/test/setup/suite-observers.js',
  ],
  // A dynamic import() in src/ names the compiled file (`./x.js`, as module node20 requires);
  // under jest the TypeScript source answers for it.
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    // The workspace packages by their names, from their sources (as tsconfig.json's `paths`).
    '^@proofgate/resource-server$': '<rootDir>/packages/resource-server/src/index.ts',
    '^@proofgate/resource-server/nest$': '<rootDir>/packages/resource-server/src/nest.ts',
    '^@proofgate/resource-server/acr$': '<rootDir>/packages/resource-server/src/acr.ts',
    '^@proofgate/resource-server/public-key-rules$':
      '<rootDir>/packages/resource-server/src/public-key-rules.ts',
    '^@proofgate/resource-server/proof-keys$':
      '<rootDir>/packages/resource-server/src/proof-keys.ts',
    '^@proofgate/resource-server/low-s$': '<rootDir>/packages/resource-server/src/low-s.ts',
    '^@proofgate/resource-server/json-names$':
      '<rootDir>/packages/resource-server/src/json-names.ts',
    '^wagmi/actions$': '@wagmi/core/actions',
  },
  // The kits' own install (`npm ci --prefix examples/dapp-kits`) is invisible to the tests: they
  // run on the root's install alone, as on a fresh clone.
  modulePathIgnorePatterns: [
    '<rootDir>/examples/dapp-kits/node_modules/',
    '<rootDir>/packages/[^/]+/dist/',
  ],
};

// What the command line names to run: jest's positional arguments and --testPathPattern's values.
// What follows an option that takes a value is that value (an array option's, every value up to
// the next option), not a path.
const VALUE_OPTIONS = new Set([
  ...['c', 'config', 't', 'testNamePattern', 'w', 'maxWorkers', 'maxConcurrency', 'outputFile'],
  ...['shard', 'seed', 'testTimeout', 'coverageDirectory', 'cacheDirectory', 'rootDir'],
  ...['changedSince', 'testEnvironment', 'testRunner', 'testSequencer', 'workerIdleMemoryLimit'],
]);
const ARRAY_OPTIONS = new Set([
  ...['selectProjects', 'ignoreProjects', 'reporters', 'coverageReporters', 'roots'],
  ...['testPathIgnorePatterns', 'testMatch', 'collectCoverageFrom'],
]);
const PATTERN_OPTIONS = new Set(['testPathPattern', 'testPathPatterns']);
function commandLinePatterns(argv) {
  const patterns = [];
  let taking = 'none';
  for (const arg of argv) {
    if (arg.startsWith('-')) {
      const name = arg.replace(/^--?/, '').split('=')[0];
      const inline = arg.includes('=');
      if (PATTERN_OPTIONS.has(name)) {
        if (inline) patterns.push(arg.slice(arg.indexOf('=') + 1));
        taking = inline ? 'none' : 'patterns';
      } else if (ARRAY_OPTIONS.has(name)) taking = inline ? 'none' : 'values';
      else taking = VALUE_OPTIONS.has(name) && !inline ? 'one' : 'none';
    } else if (taking === 'one') taking = 'none';
    else if (taking !== 'values') patterns.push(arg);
  }
  return patterns;
}
// argv[0] is node, argv[1] jest's script.
const patterns = commandLinePatterns(process.argv.slice(2));

/** Whether the command line asks for one worker: -i (--runInBand), -w 1, --maxWorkers=1. */
function oneWorker(argv) {
  return argv.some(
    (arg, i) =>
      /^(-i|--runInBand|--run-in-band|-w=?1|--maxWorkers=1|--max-workers=1)$/.test(arg) ||
      (['-w', '--maxWorkers', '--max-workers'].includes(arg) && argv[i + 1] === '1'),
  );
}
// A run of everything, in workers: the one that replaces a worker grown large (see
// workerIdleMemoryLimit below). Jest would then use workers even for -i or a single spec file,
// where it otherwise runs the tests in its own process, in reach of a debugger or a profiler
// attached to it (`node --inspect-brk node_modules/.bin/jest -i <file>`).
const wholeRunInWorkers = patterns.length === 0 && !oneWorker(process.argv.slice(2));

// The unit specs run in a few bundles (test/setup/unit-bundles.js: what they import loads once per
// bundle), unless the command line names what to run: then each spec file is a suite of its own,
// which a path or a pattern matches as before (or UNIT_EACH_FILE=1).
const unitEachFile =
  process.env.UNIT_EACH_FILE === '1' ||
  patterns.some((pattern) => !/test\/(e2e|acceptance)\/|e2e-(suite|spec)|unit-suite/.test(pattern));

// Each folder of test/e2e runs as one suite (its folder.e2e-suite.ts, see test/support/folder-suite.ts):
// the app's modules load once per folder rather than once per file, ~40 % of the e2e tests' CPU.
// A spec file named on the command line (or E2E_EACH_FILE=1) runs as a suite of its own.
const eachFile =
  process.env.E2E_EACH_FILE === '1' || process.argv.some((arg) => arg.endsWith('.e2e-spec.ts'));
// In a whole run the small folders run in bundles (test/setup/e2e-bundles.js: the app's modules
// load once per bundle), their own folder suites left out. A path under test/e2e named on the
// command line (a folder, its folder.e2e-suite.ts) runs the folder suites instead, and a bundle's
// suite only when it is the one named.
const named = process.argv.filter((arg) => arg.includes('test/e2e/'));
const bundledFolders = Object.values(require('./test/setup/e2e-bundles')).flat();
const e2eIgnored =
  named.length === 0
    ? bundledFolders.map((folder) => `<rootDir>/test/e2e/${folder}/folder\\.e2e-suite\\.ts$`)
    : named.some((arg) => /test\/e2e\/[^/]+\.e2e-suite\.ts$/.test(arg))
      ? []
      : ['<rootDir>/test/e2e/[^/]+\\.e2e-suite\\.ts$'];

/** @type {import('jest').Config} */
module.exports = {
  // One worker more than the cores: an e2e suite spends part of its time waiting on the database
  // server (a JVM), on the processes it starts and on real clocks, which another worker fills
  // (docs/DEVELOPMENT.md#test-time, on 2 cores: one worker 887 s, two 754 s (2026-11-23); three
  // won each of three pairs of whole runs against two by 5 to 9 % (2026-11-26)).
  maxWorkers: require('node:os').availableParallelism() + 1,
  // In a whole run, a worker whose heap has grown past this after a suite is replaced by a fresh
  // one (a run of some specs, or in one worker, keeps jest's choice of its own process). Without it,
  // the workers ended a whole run with 0.56 to 0.83 GB of heap in use (0.87 to 1.42 GB resident),
  // and ending a process that size took 0.39 to 0.51 s from jest's end message: past the 0.5 s
  // jest allows, it kills the worker and prints "A worker process has failed to exit gracefully"
  // (half the whole runs of 2026-11-27), blaming leaked handles, of which there were none
  // (docs/DEVELOPMENT.md#test-time).
  ...(wholeRunInWorkers ? { workerIdleMemoryLimit: '512MB' } : {}),
  testSequencer: '<rootDir>/test/setup/sequencer.js',
  globalSetup: '<rootDir>/test/setup/global-setup.js',
  globalTeardown: '<rootDir>/test/setup/global-teardown.js',
  testTimeout: 30_000,
  collectCoverageFrom: [
    'src/**/*.ts',
    'packages/*/src/**/*.ts',
    '!src/main.ts',
    '!src/**/*.spec.ts',
    '!packages/*/src/**/*.spec.ts',
  ],
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: unitEachFile
        ? [
            '<rootDir>/src/**/*.spec.ts',
            '<rootDir>/test/**/*.spec.ts',
            '<rootDir>/packages/*/src/**/*.spec.ts',
          ]
        : ['<rootDir>/test/unit/*.unit-suite.ts'],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: eachFile
        ? ['<rootDir>/test/**/*.e2e-spec.ts']
        : [
            '<rootDir>/test/e2e/**/*.e2e-suite.ts',
            '<rootDir>/test/tooling/**/*.e2e-spec.ts',
            // The black-box acceptance suite: one service process for the folder (test/acceptance).
            '<rootDir>/test/acceptance/folder.e2e-suite.ts',
          ],
      testPathIgnorePatterns: ['/node_modules/', ...(eachFile ? [] : e2eIgnored)],
      setupFiles: [...common.setupFiles, '<rootDir>/test/setup/database-per-file.js'],
      setupFilesAfterEnv: [
        ...common.setupFilesAfterEnv,
        '<rootDir>/test/setup/remembered-scrypt.js',
      ],
    },
  ],
};
