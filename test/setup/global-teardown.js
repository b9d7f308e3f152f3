'use strict';

module.exports = async function globalTeardown() {
  await globalThis.__PROOFGATE_TEST_DB__?.stop();
};
