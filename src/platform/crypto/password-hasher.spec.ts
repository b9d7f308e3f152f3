import {
  MAX_CONCURRENT_DERIVATIONS,
  PasswordHasher,
  SCRYPT_COST,
  scryptDerivations,
  type ScryptCost,
} from './password-hasher';

/** A hasher writing new hashes at another cost, as a later version raising it would. */
class HasherAt extends PasswordHasher {
  constructor(protected override readonly cost: ScryptCost) {
    super();
  }
}

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher();

  it('writes new hashes at N=2^15, r=8, p=1 with a fresh 16-byte salt', async () => {
    expect(SCRYPT_COST).toEqual({ N: 32768, r: 8, p: 1 });
    const [first, second] = await Promise.all([hasher.hash('s3cret'), hasher.hash('s3cret')]);
    expect(first).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(first.split('$')[4]).not.toBe(second.split('$')[4]);
  });

  it('accepts the secret and nothing else', async () => {
    const stored = await hasher.hash('s3cret');
    await expect(hasher.verify('s3cret', stored)).resolves.toBe(true);
    await expect(hasher.verify('s3cret ', stored)).resolves.toBe(false);
    await expect(hasher.verify('', stored)).resolves.toBe(false);
  });

  it('verifies a hash at the cost written in it, whatever the cost of new hashes', async () => {
    const older = await new HasherAt({ N: 1 << 10, r: 8, p: 1 }).hash('s3cret');
    expect(older).toMatch(/^scrypt\$1024\$8\$1\$/);
    await expect(hasher.verify('s3cret', older)).resolves.toBe(true);
    await expect(hasher.verify('other', older)).resolves.toBe(false);
  });

  it('runs at most two derivations at once, whichever instance asks; the others wait in order', async () => {
    const stored = await hasher.hash('s3cret');
    const other = new PasswordHasher();

    const pending = [
      ...Array.from({ length: 3 }, (_, i) => hasher.hash(`secret ${i}`)),
      ...Array.from({ length: 3 }, () => other.verify('s3cret', stored)),
    ];
    expect(MAX_CONCURRENT_DERIVATIONS).toBe(2);
    expect(scryptDerivations()).toEqual({ running: 2, waiting: 4 });

    const results = await Promise.all(pending);
    expect(scryptDerivations()).toEqual({ running: 0, waiting: 0 });
    expect(results.slice(3)).toEqual([true, true, true]);
    await expect(hasher.verify('secret 0', results[0] as string)).resolves.toBe(true);
  });

  it.each([
    ['another scheme', 'bcrypt$10$abc'],
    ['no salt', 'scrypt$1024$8$1$$AAAA'],
    ['a cost that is not a number', 'scrypt$x$8$1$c2FsdA$AAAA'],
    ['an N that is not a power of two', 'scrypt$1000$8$1$c2FsdA$AAAA'],
    ['an N past the memory bound', 'scrypt$1048576$8$1$c2FsdA$AAAA'],
    ['nothing', ''],
  ])('answers false, never an exception, for a stored value with %s', async (_, stored) => {
    await expect(hasher.verify('s3cret', stored)).resolves.toBe(false);
  });
});
