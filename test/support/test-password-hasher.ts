import { PasswordHasher, type ScryptCost } from '../../src/platform/crypto/password-hasher';

/**
 * The service's hasher writing new hashes at N=2^10 where the service's take N=2^15 (32 times
 * less work: ~4 ms of CPU instead of ~130 ms here), for the apps the e2e specs boot in-process.
 * They hash client secrets at every boot (OAUTH_CLIENTS), users and registered clients: 279
 * scrypt runs in a whole run, ~35 s of CPU (2026-11-27). The code is the service's own, and a hash
 * is verified at the cost written in it, so the demo users' and clients' seeded hashes (N=2^15)
 * cost what they do in the service. src/platform/crypto/password-hasher.spec.ts holds the
 * service's cost; a spec about what scrypt costs the service boots with the service's hasher
 * (`[[PasswordHasher, new PasswordHasher()]]` among its overrides).
 */
export class TestPasswordHasher extends PasswordHasher {
  protected override readonly cost: ScryptCost = { N: 1 << 10, r: 8, p: 1 };
}
