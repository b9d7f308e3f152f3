import { Injectable } from '@nestjs/common';
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

const KEY_LENGTH = 32;
const MAX_MEMORY = 64 * 1024 * 1024;

/** scrypt's cost: N (CPU and memory, a power of two), r (block size), p (parallelism). */
export interface ScryptCost {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/** The cost of new hashes (N=2^15, r=8, p=1): about 32 MiB and tens of milliseconds per hash. */
export const SCRYPT_COST: ScryptCost = Object.freeze({ N: 1 << 15, r: 8, p: 1 });

function derive(secret: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(secret, salt, KEY_LENGTH, { ...cost, maxmem: MAX_MEMORY }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

/**
 * Slow, salted hashes for passwords and client secrets, stored as
 * `scrypt$<N>$<r>$<p>$<salt b64url>$<hash b64url>` so parameters can be raised later: a hash is
 * verified at the cost written in it.
 */
@Injectable()
export class PasswordHasher {
  /** The cost of new hashes. */
  protected readonly cost: ScryptCost = SCRYPT_COST;

  async hash(secret: string): Promise<string> {
    const salt = randomBytes(16);
    const { N, r, p } = this.cost;
    const key = await derive(secret, salt, { N, r, p });
    return ['scrypt', N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
  }

  /** Constant-time check; false (never an exception) for a malformed stored value. */
  async verify(secret: string, stored: string): Promise<boolean> {
    const [scheme, n, r, p, salt, hash] = stored.split('$');
    if (scheme !== 'scrypt' || !salt || !hash) return false;
    const expected = Buffer.from(hash, 'base64url');
    const cost = { N: Number(n), r: Number(r), p: Number(p) };
    if (![cost.N, cost.r, cost.p].every(Number.isSafeInteger)) return false;
    // scrypt refuses an N that is not a power of two, or one past the memory bound.
    const actual = await derive(secret, Buffer.from(salt, 'base64url'), cost).catch(() => null);
    return (
      actual !== null && actual.length === expected.length && timingSafeEqual(actual, expected)
    );
  }
}
