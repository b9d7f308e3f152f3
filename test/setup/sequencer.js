'use strict';
// The order the suites start in. The workers finish together only if the long suites start
// first and short ones fill the end. Jest orders by the durations it cached in earlier runs, and
// without them (a fresh clone, CI) by file size, which starts the e2e folder suites last: each is
// a four-line file standing for a whole folder, and a minutes-long folder started last left one
// worker running alone (docs/DEVELOPMENT.md#test-time).
const { readdirSync, statSync } = require('node:fs');
const { basename, dirname, join } = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;
const bundles = require('./e2e-bundles');
const unitBundles = require('./unit-bundles');

/** The bytes of the specs of one folder. */
function specBytes(dir) {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.e2e-spec.ts'))
    .reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
}

/**
 * What a suite weighs: a folder suite the bytes of its folder's specs, a bundle's suite those of
 * its folders' (test/setup/e2e-bundles.js), a unit bundle's those of its specs
 * (test/setup/unit-bundles.js), any other file its own.
 */
function bytesOf(path) {
  const name = basename(path);
  if (name.endsWith('.unit-suite.ts')) {
    return unitBundles
      .bundleSpecs(name.replace(/\.unit-suite\.ts$/, ''))
      .reduce((sum, spec) => sum + statSync(join(unitBundles.ROOT, spec)).size, 0);
  }
  if (name === 'folder.e2e-suite.ts') return specBytes(dirname(path));
  const bundle = bundles[name.replace(/\.e2e-suite\.ts$/, '')];
  if (name.endsWith('.e2e-suite.ts') && bundle) {
    return bundle.reduce((sum, folder) => sum + specBytes(join(dirname(path), folder)), 0);
  }
  return statSync(path).size;
}

class LongestFirst extends Sequencer {
  sort(tests) {
    // A rerun: every suite has a measured duration, which jest orders by (failures first).
    if (tests.every((test) => this.time(test) !== undefined)) return super.sort(tests);
    // Otherwise the e2e suites first, the heaviest first, then the unit bundles (seconds to tens
    // of seconds each), which fill the workers' ends.
    const e2e = (test) => test.context.config.displayName?.name === 'e2e';
    const weight = new Map(tests.map((test) => [test, bytesOf(test.path)]));
    return [...tests].sort((a, b) => e2e(b) - e2e(a) || weight.get(b) - weight.get(a));
  }
}

module.exports = LongestFirst;
