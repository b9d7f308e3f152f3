import type { mongo } from 'mongoose';
import { idLookups } from './id-lookups';

interface Row {
  readonly _id: string;
  readonly n: number;
}

/** A collection of `rows` that records each command it is sent (`findOne a`, `find a,b`). */
function collectionOf(rows: readonly Row[]) {
  const sent: string[] = [];
  const byId = new Map(rows.map((row) => [row._id, row]));
  const collection = {
    findOne: (filter: { _id: string }) => {
      sent.push(`findOne ${filter._id}`);
      return Promise.resolve(byId.get(filter._id) ?? null);
    },
    find: (filter: { _id: { $in: string[] } }) => {
      sent.push(`find ${filter._id.$in.join(',')}`);
      const found = filter._id.$in.flatMap((id) => byId.get(id) ?? []);
      return { toArray: () => Promise.resolve(found) };
    },
  };
  return { collection: collection as unknown as mongo.Collection<Row>, sent };
}

describe('idLookups', () => {
  it('reads a lone id with one findOne', async () => {
    const { collection, sent } = collectionOf([{ _id: 'a', n: 1 }]);
    await expect(idLookups(collection).add('a')).resolves.toEqual({ _id: 'a', n: 1 });
    expect(sent).toEqual(['findOne a']);
  });

  it('reads the ids of one turn with one find, each id once, each caller its own record or null', async () => {
    const { collection, sent } = collectionOf([
      { _id: 'a', n: 1 },
      { _id: 'b', n: 2 },
    ]);
    const lookups = idLookups(collection);
    await expect(
      Promise.all(['a', 'b', 'a', 'missing'].map((id) => lookups.add(id))),
    ).resolves.toEqual([{ _id: 'a', n: 1 }, { _id: 'b', n: 2 }, { _id: 'a', n: 1 }, null]);
    expect(sent).toEqual(['find a,b,missing']);
    // The next turn reads again: nothing is remembered.
    await lookups.add('a');
    expect(sent).toEqual(['find a,b,missing', 'findOne a']);
  });
});
