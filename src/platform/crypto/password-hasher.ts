import { Injectable } from '@nestjs/common';
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { BoundedWorkQueue } from '../concurrency/bounded-work-queue';

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

/**
 * scrypt derivations running at once in this process, whoever asks for them (a login, a new
 * password or client secret, a client authentication). Each one holds 128·N·r bytes (32 MiB at
 * today's cost) on a thread of libuv's pool (4 by default) while it runs: four at once added
 * 128 MiB to the peak RSS. Two keep that to 64 MiB and leave half of the pool to the rest of the
 * service (fs, dns.lookup, other crypto). The others wait their turn, in order.
 */
export const MAX_CONCURRENT_DERIVATIONS = 2;

/**
 * One for the process, as the pool and the memory are: the hasher has an instance per module.
 * No refusal: the waiting was libuv's, just as unbounded, before this; what callers can ask for
 * is bounded before it (rate limits, the login throttle, client authentication's own queue).
 */
const derivations = new BoundedWorkQueue(MAX_CONCURRENT_DERIVATIONS, Number.POSITIVE_INFINITY);

/** The process's scrypt derivations: running, and waiting for one of the two slots. */
export function scryptDerivations(): { readonly running: number; readonly waiting: number } {
  return { running: derivations.active, waiting: derivations.queued };
}

function derive(secret: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  return derivations.run(
    () =>
      new Promise<Buffer>((resolve, reject) =>
        scrypt(secret, salt, KEY_LENGTH, { ...cost, maxmem: MAX_MEMORY }, (error, key) =>
          error ? reject(error) : resolve(key),
        ),
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
