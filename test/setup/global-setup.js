'use strict';
// Starts one test database server for the whole run, unless MONGODB_URI points at one already
// (e.g. a real MongoDB). Test files each get their own database (see database-per-file.js).
// Files the tests write for the service to read (a setting's path) go in a folder of the run's
// own, which global-teardown.js removes.
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { startMongoServer } = require('../../tools/mongo-server/launch');

module.exports = async function globalSetup() {
  process.env.NODE_ENV = 'test';
  process.env.PROOFGATE_TEST_TMPDIR = mkdtempSync(join(tmpdir(), 'proofgate-test-run-'));
  if (process.env.MONGODB_URI) {
    process.env.PROOFGATE_TEST_MONGODB_BASE = process.env.MONGODB_URI;
    return;
  }
  const server = await startMongoServer();
  globalThis.__PROOFGATE_TEST_DB__ = server;
  process.env.PROOFGATE_TEST_MONGODB_BASE = server.uri;
};
