'use strict';
const { rmSync } = require('node:fs');

module.exports = async function globalTeardown() {
  const folder = process.env.PROOFGATE_TEST_TMPDIR;
  if (folder) rmSync(folder, { recursive: true, force: true });
  await globalThis.__PROOFGATE_TEST_DB__?.stop();
};
