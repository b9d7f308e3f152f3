import { mongo, type Model } from 'mongoose';
import type { RateLimitConfig } from '../../../config/sections/rate-limits.config';
import type { WindowCounter } from '../rate-limit.store';
import { MongoRateLimitStore } from './mongo-rate-limit.store';
import type { RateLimitCounterRecord } from './rate-limit-counter.schema';

/** A store whose database answers each `update` command with the next scripted reply. */
function storeAnswering(
  replies: ((command: mongo.Document) => Promise<mongo.Document>)[],
  lease = 16,
) {
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
  const limits = { lease } as RateLimitConfig;
  return { store: new MongoRateLimitStore(model, limits), sent };
}

/** One statement of a sent `update` command, as the tests read it. */
type CounterUpdate = { u: { $inc: unknown } };

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

describe('MongoRateLimitStore leases', () => {
  const ok = () => Promise.resolve({ ok: 1 });
  const duplicate = (index: number) => ({ index, code: 11000, errmsg: 'duplicate key' });

  it('takes a lease of a twentieth of the limit in the first write and counts the next requests with it', async () => {
    const { store, sent } = storeAnswering([ok, ok]);
    const ip = counter('ip', 300);
    await expect(store.hit([ip])).resolves.toBe(true);
    expect(sent[0].updates).toEqual([
      expect.objectContaining({
        q: { _id: 'ip', count: { $lte: 285 } },
        u: expect.objectContaining({ $inc: { count: 15 } }),
      }),
    ]);
    // The 14 counts leased: no write.
    for (let i = 0; i < 14; i++) await expect(store.hit([ip])).resolves.toBe(true);
    expect(sent).toHaveLength(1);
    await expect(store.hit([ip])).resolves.toBe(true);
    expect(sent).toHaveLength(2);
  });

  it('leases no more than RATE_LIMIT_LEASE, and nothing with 1', async () => {
    const capped = storeAnswering([ok], 4);
    await capped.store.hit([counter('client', 600)]);
    expect(capped.sent[0].updates[0].u.$inc).toEqual({ count: 4 });

    const none = storeAnswering([ok, ok], 1);
    await none.store.hit([counter('client', 600)]);
    await none.store.hit([counter('client', 600)]);
    expect(none.sent.map((c) => (c.updates as CounterUpdate[])[0].u.$inc)).toEqual([
      { count: 1 },
      { count: 1 },
    ]);
  });

  it('leases nothing under a limit of 40, and never asks past the limit', async () => {
    const { store, sent } = storeAnswering([ok, ok]);
    await store.hit([counter('small', 39)]);
    expect(sent[0].updates[0].u.$inc).toEqual({ count: 1 });
    // Three requests of one turn against a limit of 45: theirs and a lease of 2 (less the one
    // the first request uses).
    await Promise.all([1, 2, 3].map(() => store.hit([counter('mid', 45)])));
    expect(sent[1].updates[0].u.$inc).toEqual({ count: 4 });
  });

  it('falls back to one request at a time when the lease does not fit, and takes no lease there', async () => {
    const { store, sent } = storeAnswering([
      () => Promise.resolve({ ok: 1, writeErrors: [duplicate(0)] }),
      ok,
      ok,
    ]);
    const ip = counter('ip', 300);
    await expect(store.hit([ip])).resolves.toBe(true);
    expect(sent[1].updates).toEqual([
      expect.objectContaining({
        q: { _id: 'ip', count: { $lte: 299 } },
        u: expect.objectContaining({ $inc: { count: 1 } }),
      }),
    ]);
    // No lease was kept: the next request writes again.
    await store.hit([ip]);
    expect(sent).toHaveLength(3);
  });

  it('refuses a counter found full for the rest of its window without a write, and still counts the others', async () => {
    const { store, sent } = storeAnswering([
      () => Promise.resolve({ ok: 1, writeErrors: [duplicate(0)] }),
      () => Promise.resolve({ ok: 1, writeErrors: [duplicate(0)] }),
      () => Promise.resolve({ ok: 1, writeErrors: [duplicate(0)] }),
      ok,
    ]);
    const ip = counter('ip', 5);
    await expect(store.hit([ip])).resolves.toBe(false);
    expect(sent).toHaveLength(3);
    await expect(store.hit([ip])).resolves.toBe(false);
    expect(sent).toHaveLength(3);
    // Its other counter is still counted.
    await expect(store.hit([ip, counter('pair', 5)])).resolves.toBe(false);
    expect(sent).toHaveLength(4);
    expect(sent[3].updates).toEqual([
      expect.objectContaining({ q: { _id: 'pair', count: { $lte: 4 } } }),
    ]);
    // The next window's counter is another id: asked again.
    const next = { ...ip, id: 'ip-next-window' };
    await expect(store.hit([next])).rejects.toThrow('no reply scripted');
  });
});
