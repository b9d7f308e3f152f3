/**
 * Documents shaped like the `challenges` collection (see ChallengeSchema) and the claim
 * MongoChallengeStore.consume runs on them, for the dev-database specs and benchmark. Talks to the
 * database with the MongoDB driver directly, so that what is measured is the database.
 */
import { randomBytes } from 'node:crypto';
import { mongo } from 'mongoose';

export interface ChallengeLike {
  _id: string;
  kind: 'authorization_code' | 'wallet_nonce';
  binding: Record<string, string>;
  payload: Record<string, unknown>;
  createdAt: Date;
  expiresAt: Date;
  spentAt: Date | null;
}

export type ChallengeCollection = mongo.Collection<ChallengeLike>;

export const CLIENT_ID = 'client-0';
const INSERT_BATCH = 1_000;

/**
 * The claim filter of MongoChallengeStore.consume: `_id` first, then kind, unclaimed, unexpired
 * and the binding. mongod answers it from the `_id` index.
 */
export function claimFilter(
  id: string,
  now: Date,
  overrides: { kind?: string; clientId?: string } = {},
): mongo.Filter<ChallengeLike> {
  return {
    _id: id,
    kind: (overrides.kind ?? 'authorization_code') as ChallengeLike['kind'],
    spentAt: null,
    expiresAt: { $gt: now },
    'binding.client_id': overrides.clientId ?? CLIENT_ID,
  };
}

/** The atomic claim: the document as it was before, or null. */
export function claim(
  collection: ChallengeCollection,
  id: string,
  now: Date,
  overrides?: { kind?: string; clientId?: string },
): Promise<ChallengeLike | null> {
  return collection.findOneAndUpdate(
    claimFilter(id, now, overrides),
    { $set: { spentAt: now } },
    { returnDocument: 'before' },
  );
}

/** The indexes ChallengeSchema declares. */
export async function createChallengeIndexes(collection: ChallengeCollection): Promise<void> {
  await collection.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 });
  await collection.createIndex({ kind: 1, createdAt: -1 });
}

function challenge(now: number, state: 'live' | 'expired' | 'consumed'): ChallengeLike {
  const createdAt = new Date(now - (state === 'expired' ? 3_600_000 : 10_000));
  return {
    _id: randomBytes(32).toString('base64url'),
    kind: 'authorization_code',
    binding: {
      client_id: CLIENT_ID,
      redirect_uri: 'http://localhost:25001/callback',
      code_challenge: randomBytes(32).toString('base64url'),
    },
    payload: { sub: 'user0', scope: 'profile', authMethod: 'password' },
    createdAt,
    expiresAt: new Date(createdAt.getTime() + 600_000),
    spentAt: state === 'consumed' ? new Date(now - 5_000) : null,
  };
}

/**
 * Fills the collection to `total` documents, in insertMany batches: one in five live (unclaimed,
 * unexpired, bound to CLIENT_ID), the others stale, expired or claimed, as a dev database
 * without a TTL monitor accumulates them. Returns the ids of the live ones.
 */
export async function seedChallenges(
  collection: ChallengeCollection,
  total: number,
): Promise<string[]> {
  const now = Date.now();
  const live: string[] = [];
  for (let inserted = 0; inserted < total; inserted += INSERT_BATCH) {
    const batch = Array.from({ length: Math.min(INSERT_BATCH, total - inserted) }, (_, i) => {
      const n = inserted + i;
      const doc = challenge(now, n % 5 === 0 ? 'live' : n % 2 === 0 ? 'expired' : 'consumed');
      if (doc.spentAt === null && doc.expiresAt.getTime() > now) live.push(doc._id);
      return doc;
    });
    await collection.insertMany(batch, { ordered: false });
  }
  return live;
}

/** Sorted copy's p-th percentile (nearest rank). */
export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
