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

/** One statement of an `update` command, as the counting database reads it. */
interface CounterStatement {
  q: { _id: string; count: { $lte: number } };
  u: { $inc: { count: number } };
}

/**
 * A database that counts as MongoDB does the moment a command arrives (an upsert inserts a new
 * counter; one with no room is a duplicate key), and answers the first `held` commands only when
 * the test says: `answer(i)` the i-th, `answerAll()` every one held. Later commands are answered
 * at once.
 */
function countingDatabase(held: number, counts: Record<string, number> = {}) {
  const count = new Map(Object.entries(counts));
  const answers: (() => void)[] = [];
  let commands = 0;
  const db = {
    command: (command: mongo.Document) => {
      const writeErrors: { index: number; code: number; errmsg: string }[] = [];
      (command.updates as CounterStatement[]).forEach(({ q, u }, index) => {
        const now = count.get(q._id);
        if (now === undefined) count.set(q._id, u.$inc.count);
        else if (now <= q.count.$lte) count.set(q._id, now + u.$inc.count);
        else writeErrors.push({ index, code: 11000, errmsg: 'duplicate key' });
      });
      const reply = { ok: 1, ...(writeErrors.length > 0 ? { writeErrors } : {}) };
      commands += 1;
      if (commands > held) return Promise.resolve(reply);
      return new Promise((resolve) => answers.push(() => resolve(reply)));
    },
  };
  const model = { db: { db } } as unknown as Model<RateLimitCounterRecord>;
  return {
    store: new MongoRateLimitStore(model, { lease: 16 } as RateLimitConfig),
    count,
    commands: () => commands,
    answer: (i: number) => answers[i](),
    answerAll: () => answers.forEach((answer) => answer()),
  };
}

/** Lets the batcher send what was asked in this turn. */
const nextTurn = () => new Promise(setImmediate);

describe('MongoRateLimitStore leases under way', () => {
  it('asks for one lease of a counter at a time: 40 batches under way together all fit under 300', async () => {
    const { store, count, answerAll } = countingDatabase(40);
    const ip = counter('ip', 300);
    const hits: Promise<boolean>[] = [];
    for (let i = 0; i < 40; i++) {
      hits.push(store.hit([ip]));
      await nextTurn();
    }
    // A lease each would have asked 40 times 15 of a counter of 300.
    expect(count.get('ip')).toBe(15 + 39);
    answerAll();
    await expect(Promise.all(hits)).resolves.toEqual(hits.map(() => true));
    // The first write's lease serves the next 14 requests without a write.
    const next = Array.from({ length: 14 }, () => store.hit([ip]));
    await expect(Promise.all(next)).resolves.toEqual(next.map(() => true));
    expect(count.get('ip')).toBe(54);
  });

  it('asks for a lease again once the write that took one is answered, or has failed', async () => {
    let fail!: (error: Error) => void;
    const sent: mongo.Document[] = [];
    const db = {
      command: (command: mongo.Document) => {
        sent.push(command);
        return sent.length === 1
          ? new Promise((_, reject) => (fail = reject))
          : Promise.resolve({ ok: 1 });
      },
    };
    const model = { db: { db } } as unknown as Model<RateLimitCounterRecord>;
    const store = new MongoRateLimitStore(model, { lease: 16 } as RateLimitConfig);
    const ip = counter('ip', 300);
    const first = store.hit([ip]);
    await nextTurn();
    await expect(store.hit([ip])).resolves.toBe(true);
    fail(new Error('connection reset'));
    await expect(first).rejects.toThrow('connection reset');
    await expect(store.hit([ip])).resolves.toBe(true);
    const increments = sent.map((c) => (c.updates as CounterStatement[])[0].u.$inc.count);
    expect(increments).toEqual([15, 1, 15]);
  });

  /**
   * 285 counted of 300: a write takes the last 15 (one request and its lease), and a request sent
   * while it is under way, alone, finds no room. Neither is answered yet.
   */
  async function leaseAndLateRequest() {
    const database = countingDatabase(2, { ip: 285 });
    const ip = counter('ip', 300);
    const leasing = database.store.hit([ip]);
    await nextTurn();
    const late = database.store.hit([ip]);
    await nextTurn();
    return { ...database, ip, leasing, late };
  }

  // Whichever write is answered first, the instance lets through the 15 counts it took: the late
  // request gets one if the lease is kept before it is refused, and the lease is given out after,
  // though the counter was found full.
  it.each([
    ['the lease', [0, 1], true],
    ['the late request', [1, 0], false],
  ] as const)(
    'lets through every count it leased when %s is answered first',
    async (_, order, lateAllowed) => {
      const { store, ip, count, answer, leasing, late } = await leaseAndLateRequest();
      const outcomes = [leasing, late];
      for (const i of order) {
        answer(i);
        await outcomes[i];
      }
      await expect(leasing).resolves.toBe(true);
      await expect(late).resolves.toBe(lateAllowed);
      expect(count.get('ip')).toBe(300);
      const rest = await Promise.all(Array.from({ length: 15 }, () => store.hit([ip])));
      expect(rest.filter(Boolean)).toHaveLength(lateAllowed ? 13 : 14);
    },
  );
});
