'use strict';
// In a whole run (`npm test`, `npm run test:e2e`), the small in-process folders of test/e2e run
// as a few suites rather than one each: each jest suite loads the app's ~3,000 modules into a
// fresh registry (~4 s of CPU), which a folder of a few short files spent again for little work.
// Each bundle is test/e2e/<name>.e2e-suite.ts, running its folders in this order; each folder's
// files keep their describe, hooks and database (test/support/folder-suite.ts). A folder keeps its
// folder.e2e-suite.ts for running it alone: naming any path under test/e2e on the command line
// runs the folder suites, bundled or not (jest.config.js). `folders-c` holds the two OAuth folders
// and the admin CLI's, larger folders that were suites of their own, each paying a module load.
// The folders that start many processes or run long (platform, dev, pages, examples) stay suites
// of their own, which the workers share out (test/setup/sequencer.js).
module.exports = {
  'folders-a': ['accounts', 'login', 'email', 'mail', 'sessions', 'sessions/logout', 'oid4vp'],
  'folders-b': [
    'clients',
    'wallet',
    'tokens',
    'passkeys',
    'compare',
    'upstream',
    'operations',
    'challenges',
    'telemetry',
    'resource-server',
  ],
  'folders-c': ['oauth', 'oauth/ciba', 'admin'],
};
