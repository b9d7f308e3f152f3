/**
 * A database that goes mid-request, between the writes of one answer: the fault the fleet met
 * (`MongoNetworkError` 'connection closed', the answer 503) placed exactly, on the real store.
 */
import type { INestApplicationContext } from '@nestjs/common';
import { mongo } from 'mongoose';
import { ChallengeStore } from '../../src/challenges/challenge-store';
import type { ChallengeKind } from '../../src/proofs/proof-vocabulary';

/** The store's writes of one challenge (each takes the kind first). */
const WRITES = ['consume', 'update', 'redeemPeeked', 'spend'] as const;

/**
 * Cuts the store's writes of `kinds` (`consume`, `update`, `redeemPeeked`, `spend`), in whatever
 * order the code under test makes them: the first write is done and its caller gets the error of
 * a connection closed before the reply ('reply-lost'), or the first is done and the second
 * refused, not done ('second-refused'). Returns the undo.
 */
export function cutBetweenWrites(
  app: INestApplicationContext,
  kinds: readonly ChallengeKind[],
  fault: 'reply-lost' | 'second-refused',
): () => void {
  const store = app.get(ChallengeStore);
  let writes = 0;
  const closed = () => new mongo.MongoNetworkError('connection 9 to 127.0.0.1:27017 closed');
  const spies = WRITES.map((method) => {
    const original = store[method].bind(store) as (...args: unknown[]) => Promise<unknown>;
    return jest.spyOn(store, method).mockImplementation((async (
      kind: ChallengeKind,
      ...rest: unknown[]
    ) => {
      if (!kinds.includes(kind)) return original(kind, ...rest);
      writes++;
      if (fault === 'second-refused' && writes === 2) throw closed();
      const result = await original(kind, ...rest);
      if (fault === 'reply-lost' && writes === 1) throw closed();
      return result;
    }) as never);
  });
  return () => spies.forEach((spy) => spy.mockRestore());
}
