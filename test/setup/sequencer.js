'use strict';
// The order the suites start in. The workers finish together only if the long suites start
// first and short ones fill the end. Jest orders by the durations it cached in earlier runs, and
// without them (a fresh clone, CI) by file size, which starts the e2e folder suites last: each is
// a four-line file standing for a whole folder, and a minutes-long folder started last left one
// worker running alone (docs/DEVELOPMENT.md#test-time). Without jest's cache the suites start by
// the wall each took in a measured whole run (test/setup/suite-walls.json, written by
// `node tools/test-cpu-report.js <log> --write-walls`): the platform folder holds the fleet's
// minutes of paced load, shorter than the bundles in bytes and longer in time, and started fourth
// it was the run's last suite to end. A suite the table does not know (new since) starts first,
// heaviest by bytes first: nothing says it is short.
const { readdirSync, statSync } = require('node:fs');
const { basename, dirname, join, relative } = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;
const bundles = require('./e2e-bundles');
const unitBundles = require('./unit-bundles');
const { walls } = require('./suite-walls.json');

const ROOT = join(__dirname, '..', '..');

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

/** A suite's measured wall in seconds, by its path from the repository's root; undefined if new. */
function measuredWall(path) {
  return walls[relative(ROOT, path).split('\\').join('/')];
}

/**
 * The order without jest's cached durations: suites the table does not know first, the e2e ones
 * before the unit specs (which fill the workers' ends), each by bytes (bytesOf); then the known
 * ones, longest measured wall first. `suites` are `{ path, e2e }`, sorted as a copy.
 */
function byMeasuredWall(suites) {
  const key = new Map(
    suites.map((suite) => {
      const wall = measuredWall(suite.path);
      return [
        suite,
        wall === undefined ? [1, suite.e2e ? 1 : 0, bytesOf(suite.path)] : [0, 0, wall],
      ];
    }),
  );
  const compare = (a, b) => {
    const [x, y] = [key.get(a), key.get(b)];
    return y[0] - x[0] || y[1] - x[1] || y[2] - x[2];
  };
  return [...suites].sort(compare);
}

class LongestFirst extends Sequencer {
  sort(tests) {
    // A rerun: every suite has a measured duration, which jest orders by (failures first).
    if (tests.every((test) => this.time(test) !== undefined)) return super.sort(tests);
    const suites = tests.map((test) => ({
      test,
      path: test.path,
      e2e: test.context.config.displayName?.name === 'e2e',
    }));
    return byMeasuredWall(suites).map((suite) => suite.test);
  }
}

module.exports = LongestFirst;
module.exports.byMeasuredWall = byMeasuredWall;
