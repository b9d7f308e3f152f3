/**
 * The software authenticator lives in the lab's client (src/lab-client/), which imports no
 * service code. Kept here for bench/lib/passkeys.ts until the bench imports it from there.
 */
export * from '../../src/lab-client/software-authenticator';
