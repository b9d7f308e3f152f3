'use strict';
// In a whole run (`npm test`, `npm run test:unit`) the unit specs run as a few suites rather than
// one each: each jest suite loads what its spec imports into a fresh module registry, and the
// unit specs import much the same modules (Nest, viem, jose, the wallet verifiers). Run as one
// suite each, src/'s 124 spec files took 99 s of CPU; bundled, 64 s (docs/DEVELOPMENT.md#test-time).
// Each bundle is test/unit/<name>.unit-suite.ts; each spec file keeps its describe and hooks
// (test/support/unit-suite.ts). A spec path or pattern named on the command line runs the spec
// files as suites of their own (jest.config.js), as does UNIT_EACH_FILE=1.
//
// A spec goes to the first bundle naming a prefix of its path (from the repository's root):
// `service` takes whatever src/ spec the bundles before it leave, `packages` the workspace packages'
// (packages/<name>/src/), `tooling` every spec in test/.
const { readdirSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..', '..');

const BUNDLES = {
  wallet: ['src/wallet/', 'src/passkeys/'],
  protocol: ['src/oauth/', 'src/oid4vp/', 'src/tokens/', 'src/clients/', 'src/protocol-rules/'],
  service: ['src/'],
  packages: ['packages/'],
  tooling: ['test/'],
};

/**
 * Every unit spec (`*.spec.ts` under src/ and test/, and the workspace packages' under
 * packages/<name>/src/, as jest.config.js matches them), sorted.
 */
function unitSpecs() {
  const packages = readdirSync(join(ROOT, 'packages')).map((name) => `packages/${name}/src`);
  return ['src', 'test', ...packages]
    .flatMap((top) =>
      readdirSync(join(ROOT, top), { recursive: true })
        .filter((path) => path.endsWith('.spec.ts'))
        .map((path) => `${top}/${path.split('\\').join('/')}`),
    )
    .sort();
}

/** The bundle a spec file (its path from the repository's root) runs in. */
function bundleOf(spec) {
  const name = Object.keys(BUNDLES).find((key) =>
    BUNDLES[key].some((prefix) => spec.startsWith(prefix)),
  );
  if (!name) throw new Error(`no unit bundle for ${spec} (test/setup/unit-bundles.js)`);
  return name;
}

/** The spec files of one bundle, paths from the repository's root. */
function bundleSpecs(name) {
  if (!BUNDLES[name]) throw new Error(`no unit bundle ${name} in test/setup/unit-bundles.js`);
  return unitSpecs().filter((spec) => bundleOf(spec) === name);
}

module.exports = { BUNDLES, ROOT, unitSpecs, bundleOf, bundleSpecs };
