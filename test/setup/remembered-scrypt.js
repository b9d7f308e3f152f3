'use strict';
// In an e2e worker, scrypt remembers what it derived: the same password, salt, length and cost
// give the same bytes, derived once per worker instead of at every sign-in, client
// authentication or key unsealing of every app the suites boot (scrypt at N=2^15 is ~0.1 s of
// CPU; a quarter of an e2e folder's CPU went to derivations repeated with the same inputs).
// What the service computes, calls and answers is unchanged: each caller still calls scrypt and
// gets its bytes (copies) in its callback, on a later tick; a new input is derived for real.
// Unit specs (the hasher's own, the cipher's) and the processes the specs start derive every time.
const nodeCrypto = require('node:crypto');
const { runInThisContext } = require('node:vm');

const MEMO = Symbol.for('proofgate.test.derivedScryptKeys');

/** The memo key, or undefined for an input this does not remember (e.g. a TypedArray view). */
function keyOf(password, salt, keylen, options) {
  const text = (value) =>
    typeof value === 'string'
      ? `s:${value}`
      : Buffer.isBuffer(value)
        ? `b:${value.toString('base64')}`
        : undefined;
  const [p, s] = [text(password), text(salt)];
  if (p === undefined || s === undefined || typeof keylen !== 'number') return undefined;
  const { N, r, p: parallel, cost, blockSize, parallelization } = options ?? {};
  return JSON.stringify([p, s, keylen, N ?? cost, r ?? blockSize, parallel ?? parallelization]);
}

// The derived bytes outlive a suite (the worker's next suites reuse them); the patch does not:
// after the suite the worker's scrypt is node's own again, for the unit specs it may run next.
// The memo is a Map of the worker's own realm, not of the suite's: an object made in a suite's
// realm keeps that whole realm (its module registry) alive for as long as it lives.
const derived = (nodeCrypto[MEMO] ??= new (runInThisContext('Map'))());
const derive = nodeCrypto.scrypt;
nodeCrypto.scrypt = function scrypt(password, salt, keylen, options, callback) {
  if (typeof options === 'function') [options, callback] = [undefined, options];
  const key = keyOf(password, salt, keylen, options);
  const known = key === undefined ? undefined : derived.get(key);
  if (known) {
    process.nextTick(callback, null, Buffer.from(known));
    return;
  }
  const done = (error, bytes) => {
    if (!error && key !== undefined) derived.set(key, Buffer.from(bytes));
    callback(error, bytes);
  };
  if (options === undefined) derive(password, salt, keylen, done);
  else derive(password, salt, keylen, options, done);
};
afterAll(() => {
  nodeCrypto.scrypt = derive;
});
