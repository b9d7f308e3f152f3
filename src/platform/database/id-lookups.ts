import type { mongo } from 'mongoose';
import { TurnBatcher } from './turn-batcher';

/**
 * Reads of one collection by `_id`, batched per turn of the event loop (TurnBatcher): a lone id is
 * one `findOne`, the ids asked for in one turn one `find` by `$in` (each id once, the `_id` index
 * either way), and each caller gets its own record or null. Under load one command answers many
 * requests. Each is still a read made after its request arrived, so what was written a moment
 * ago on any instance is seen as with one `findOne` each; nothing is cached.
 */
export function idLookups<T extends { _id: string }>(
  collection: mongo.Collection<T>,
  options: mongo.FindOptions = {},
): TurnBatcher<string, T | null> {
  return new TurnBatcher<string, T | null>(async (ids) => {
    if (ids.length === 1) {
      const filter = { _id: ids[0] } as mongo.Filter<T>;
      return [{ value: (await collection.findOne(filter, options)) as T | null }];
    }
    const filter = { _id: { $in: [...new Set(ids)] } } as mongo.Filter<T>;
    const records = (await collection.find(filter, options).toArray()) as T[];
    const byId = new Map(records.map((record) => [record._id, record]));
    return ids.map((id) => ({ value: byId.get(id) ?? null }));
  });
}
