'use strict';
// Runs before each e2e test file: points MONGODB_URI at a database of the file's own, so files
// running in parallel never see each other's data.
const { randomBytes } = require('node:crypto');
const { testDatabaseUri } = require('./test-database-uri');

process.env.NODE_ENV = 'test';
// One secret per test file, inherited by the services and CLIs it starts, so that they open the
// signing keys its in-process apps sealed in its database (and the reverse).
process.env.KEY_ENCRYPTION_SECRET ??= randomBytes(32).toString('base64url');
process.env.MONGODB_URI = testDatabaseUri(
  process.env.PROOFGATE_TEST_MONGODB_BASE,
  `proofgate_test_${process.env.JEST_WORKER_ID ?? '0'}_${randomBytes(4).toString('hex')}`,
);
