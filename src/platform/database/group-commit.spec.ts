import { mongo } from 'mongoose';
import { GroupCommit } from './group-commit';

type Doc = { _id: string; n?: number };

/** A collection whose bulkWrite answers with the next scripted outcome. */
function collectionAnswering(outcomes: ((writes: unknown[]) => Promise<unknown>)[]) {
  const sent: { writes: unknown[]; options: mongo.BulkWriteOptions }[] = [];
  const collection = {
    bulkWrite: (writes: unknown[], options: mongo.BulkWriteOptions) => {
      sent.push({ writes, options });
      const next = outcomes.shift();
      if (!next) throw new Error('no outcome scripted');
      return next(writes);
    },
  } as unknown as mongo.Collection<Doc>;
  return { collection, sent };
}

const upsert = (id: string): mongo.AnyBulkWriteOperation<Doc> => ({
  updateOne: { filter: { _id: id }, update: { $set: { n: 1 } }, upsert: true },
});

/** A bulk error as the driver throws it for per-write failures. */
function bulkError(
  writeErrors: { index: number; code: number; errmsg: string }[],
  writeConcernError?: { code: number; errmsg: string },
): mongo.MongoBulkWriteError {
  const result = {
    getWriteConcernError: () => writeConcernError,
  } as unknown as mongo.BulkWriteResult;
  return new mongo.MongoBulkWriteError(
    { message: writeErrors[0].errmsg, code: writeErrors[0].code, writeErrors } as never,
    result,
  );
}

describe('GroupCommit', () => {
  it('sends the writes of one turn in one unordered bulk with the write concern', async () => {
    const { collection, sent } = collectionAnswering([() => Promise.resolve({})]);
    const group = new GroupCommit(collection, { writeConcern: { w: 'majority' } });
    await Promise.all([group.write(upsert('a')), group.write(upsert('b'))]);
    expect(sent).toHaveLength(1);
    expect(sent[0].writes).toEqual([upsert('a'), upsert('b')]);
    expect(sent[0].options).toEqual({ writeConcern: { w: 'majority' }, ordered: false });
  });

  it('sends the writes of a later turn at once, without waiting for an earlier bulk', async () => {
    const { collection, sent } = collectionAnswering([
      () => new Promise(() => undefined), // never acknowledged: a dead connection, say
      () => Promise.resolve({}),
    ]);
    const group = new GroupCommit(collection, {});
    void group.write(upsert('a')).catch(() => undefined);
    await new Promise(setImmediate);
    const later = [group.write(upsert('b')), group.write(upsert('c'))];
    await Promise.all(later);
    expect(sent.map((s) => s.writes.length)).toEqual([1, 2]);
  });

  it('rejects only the write that failed, with its own error', async () => {
    const { collection } = collectionAnswering([
      () => Promise.reject(bulkError([{ index: 1, code: 11000, errmsg: 'E11000 duplicate key' }])),
    ]);
    const group = new GroupCommit(collection, {});
    const outcomes = await Promise.allSettled([
      group.write(upsert('a')),
      group.write(upsert('b')),
      group.write(upsert('c')),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({ code: 11000 });
  });

  it('rejects every write when the write concern failed, or the command did', async () => {
    const { collection } = collectionAnswering([
      () =>
        Promise.reject(
          bulkError([{ index: 0, code: 11000, errmsg: 'E11000' }], {
            code: 64,
            errmsg: 'wtimeout',
          }),
        ),
      () => Promise.reject(new mongo.MongoNetworkError('connection reset')),
      () => Promise.resolve({}),
    ]);
    const group = new GroupCommit(collection, {});
    const concern = await Promise.allSettled([group.write(upsert('a')), group.write(upsert('b'))]);
    expect(concern.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    const network = await Promise.allSettled([group.write(upsert('c'))]);
    expect((network[0] as PromiseRejectedResult).reason).toBeInstanceOf(mongo.MongoNetworkError);
    // And the next batch goes out as usual.
    await expect(group.write(upsert('d'))).resolves.toBeUndefined();
  });

  it('hands back an outage the driver wrapped in a bulk error as the network error it was', async () => {
    const result = { getWriteConcernError: () => undefined } as unknown as mongo.BulkWriteResult;
    const wrap = (cause: Error) => new mongo.MongoBulkWriteError(cause, result);
    const { collection } = collectionAnswering([
      () => Promise.reject(wrap(new mongo.MongoNetworkError('connection 7 closed'))),
      () =>
        Promise.reject(
          wrap(new mongo.MongoServerError({ code: 13, errmsg: 'not authorized on proofgate' })),
        ),
    ]);
    const group = new GroupCommit(collection, {});
    const outage = group.write(upsert('a'));
    await expect(outage).rejects.toBeInstanceOf(mongo.MongoNetworkError);
    await expect(outage).rejects.toThrow('connection 7 closed');
    // A server error keeps its code (and stays a 500 for the error filter).
    const refused = group.write(upsert('b'));
    await expect(refused).rejects.not.toBeInstanceOf(mongo.MongoNetworkError);
    await expect(refused).rejects.toMatchObject({ code: 13 });
  });
});
