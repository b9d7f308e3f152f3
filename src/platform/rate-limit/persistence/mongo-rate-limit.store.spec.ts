import { mongo, type Model } from 'mongoose';
import type { WindowCounter } from '../rate-limit.store';
import { MongoRateLimitStore } from './mongo-rate-limit.store';
import type { RateLimitCounterRecord } from './rate-limit-counter.schema';

/** A store whose database answers each `update` command with the next scripted reply. */
function storeAnswering(replies: ((command: mongo.Document) => Promise<mongo.Document>)[]) {
  const sent: mongo.Document[] = [];
  const db = {
    command: (command: mongo.Document) => {
      sent.push(command);
      const reply = replies.shift();
      if (!reply) throw new Error('no reply scripted');
      return reply(command);
    },
  };
  const model = { db: { db } } as unknown as Model<RateLimitCounterRecord>;
  return { store: new MongoRateLimitStore(model), sent };
}

const counter = (id: string, limit = 10): WindowCounter => ({
  id,
  limit,
  expiresAt: new Date('2026-01-01T00:01:00Z'),
});

describe('MongoRateLimitStore batching', () => {
  it("sends each turn's requests in one command, without waiting for an earlier command", async () => {
    let release!: () => void;
    const { store, sent } = storeAnswering([
      () => new Promise((resolve) => (release = () => resolve({ ok: 1 }))),
      () => Promise.resolve({ ok: 1 }),
    ]);
    const first = store.hit([counter('ip'), counter('client-a')]);
    await new Promise(setImmediate);
    const later = [
      store.hit([counter('ip'), counter('client-a')]),
      store.hit([counter('ip'), counter('client-b')]),
    ];
    expect(sent).toHaveLength(1);
    // The second command goes out, and is answered, while the first is still under way.
    await expect(Promise.all(later)).resolves.toEqual([true, true]);
    release();
    await expect(first).resolves.toBe(true);
    expect(sent).toHaveLength(2);
    expect(sent[1].updates).toEqual([
      expect.objectContaining({
        q: { _id: 'ip', count: { $lte: 8 } },
        u: expect.objectContaining({ $inc: { count: 2 } }),
      }),
      expect.objectContaining({ q: { _id: 'client-a', count: { $lte: 9 } } }),
      expect.objectContaining({ q: { _id: 'client-b', count: { $lte: 9 } } }),
    ]);
    expect(sent[1].writeConcern).toEqual({ w: 1 });
  });

  it('rejects every request of a batch whose command fails, and counts the next batch afresh', async () => {
    let release!: () => void;
    const { store } = storeAnswering([
      () => new Promise((resolve) => (release = () => resolve({ ok: 1 }))),
      () => Promise.reject(new Error('connection refused')),
      () => Promise.resolve({ ok: 1 }),
    ]);
    const first = store.hit([counter('ip')]);
    await new Promise(setImmediate);
    const batch = [store.hit([counter('ip')]), store.hit([counter('client')])];
    release();
    await expect(first).resolves.toBe(true);
    const outcomes = await Promise.allSettled(batch);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    await expect(store.hit([counter('ip')])).resolves.toBe(true);
  });

  it('counts one at a time a counter without room for its whole batch', async () => {
    let release!: () => void;
    const duplicate = (index: number) => ({ index, code: 11000, errmsg: 'duplicate key' });
    const { store, sent } = storeAnswering([
      () => new Promise((resolve) => (release = () => resolve({ ok: 1 }))),
      // The batch of three does not fit ...
      () => Promise.resolve({ ok: 1, writeErrors: [duplicate(0)] }),
      // ... one at a time, two more fit, the third is refused twice.
      () => Promise.resolve({ ok: 1, writeErrors: [duplicate(2)] }),
      () => Promise.resolve({ ok: 1, writeErrors: [duplicate(0)] }),
    ]);
    const first = store.hit([counter('ip', 3)]);
    await new Promise(setImmediate);
    const batch = [1, 2, 3].map(() => store.hit([counter('ip', 3)]));
    release();
    await expect(first).resolves.toBe(true);
    await expect(Promise.all(batch)).resolves.toEqual([true, true, false]);
    expect(sent[2].updates).toHaveLength(3);
    expect(sent[2].updates[0]).toEqual(
      expect.objectContaining({ q: { _id: 'ip', count: { $lte: 2 } } }),
    );
    expect(sent[3].updates).toHaveLength(1);
  });

  it('counts requests made in the same turn of the event loop in one command', async () => {
    const { store, sent } = storeAnswering([() => Promise.resolve({ ok: 1 })]);
    const hits = [
      store.hit([counter('ip')]),
      store.hit([counter('ip')]),
      store.hit([counter('ip')]),
    ];
    await expect(Promise.all(hits)).resolves.toEqual([true, true, true]);
    expect(sent).toHaveLength(1);
    expect(sent[0].updates).toEqual([
      expect.objectContaining({ q: { _id: 'ip', count: { $lte: 7 } } }),
    ]);
  });
});
