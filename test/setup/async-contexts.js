'use strict';
// Playwright keeps its "zones" in an AsyncLocalStorage of its own module and runs every API call
// in it. On Node 20, once any AsyncLocalStorage has run, the process installs promise hooks that
// every later promise pays for (the store is copied onto each one), and nothing of Playwright's
// disables it: after the first browser spec, every later spec of the jest worker (the
// database driver's and the app's promises) paid the tax, in that suite and in every later
// suite of the same worker. Here each storage that ran is remembered, and `releaseAsyncContexts`
// disables them: after each spec file of a bundle (test/support/folder-suite.ts,
// test/support/unit-suite.ts) and at the end of every suite (this file's afterAll). A storage
// used again is enabled again by its next run(). docs/DEVELOPMENT.md#test-time has the cost.
const { AsyncLocalStorage } = require('node:async_hooks');

// Once per process: jest loads this file into every suite's module registry, and the class
// (a core module's) is the process's own.
const USED = Symbol.for('proofgate.test.asyncLocalStoragesUsed');
if (!AsyncLocalStorage.prototype[USED]) {
  const used = new Set();
  Object.defineProperty(AsyncLocalStorage.prototype, USED, { value: used });
  for (const method of ['run', 'enterWith']) {
    const original = AsyncLocalStorage.prototype[method];
    AsyncLocalStorage.prototype[method] = function remembered(...args) {
      used.add(this);
      return original.apply(this, args);
    };
  }
}

/** Disables every AsyncLocalStorage that ran since the last release: no promise hooks are left. */
function releaseAsyncContexts() {
  const used = AsyncLocalStorage.prototype[USED];
  for (const storage of used) storage.disable();
  used.clear();
}

module.exports = { releaseAsyncContexts };

// As a setup file (jest.config.js's setupFilesAfterEnv, the first to load this module in a
// suite's registry, so the hook is added once): the end of the suite releases them.
if (typeof afterAll === 'function') afterAll(releaseAsyncContexts);
