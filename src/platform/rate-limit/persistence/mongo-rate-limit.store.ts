import type { OnModuleInit } from '@nestjs/common';
import { mongo, type Model } from 'mongoose';
import { ensureIndexes } from '../../database/ensure-indexes';
import { TurnBatcher } from '../../database/turn-batcher';
import { RateLimitStore, WindowCounter } from '../rate-limit.store';
import { RATE_LIMIT_COUNTER_COLLECTION, RateLimitCounterRecord } from './rate-limit-counter.schema';
import { isDuplicateKey } from '../../database/duplicate-key';
import { isInterruptedWrite } from '../../database/failover';
import { RateLimitConfig } from '../../../config/sections/rate-limits.config';
import { CounterLeases } from './counter-leases';

/** One statement of an `update` command. */
interface CounterUpdate {
  readonly q: mongo.Document;
  readonly u: mongo.Document;
  readonly upsert: true;
}

/** The part of an `update` command's reply that says which statements failed. */
interface UpdateReply {
  readonly writeErrors?: readonly { index: number; code: number; errmsg?: string }[];
  readonly writeConcernError?: { code: number; errmsg: string };
}

/** One counter of a batch and the requests (indexes into the batch) counted against it. */
interface Tally {
  readonly counter: WindowCounter;
  readonly requests: number[];
}

/**
 * Acknowledged by the primary alone: a count that a failover rolls back lets a few more requests
 * through in one window, which is not worth a majority wait on every limited request.
 */
const COUNTER_WRITE_CONCERN = { w: 1 } as const;

/** Counts `n` requests against `counter` if all of them fit under its limit, else none. */
function increment({ id, limit, expiresAt }: WindowCounter, n: number): CounterUpdate {
  return {
    q: { _id: id, count: { $lte: limit - n } },
    u: { $inc: { count: n }, $setOnInsert: { expireAt: expiresAt } },
    upsert: true,
  };
}

/**
 * Counters in MongoDB, one document per limit, key and window, always found through `_id`.
 *
 * **One command per batch.** Requests that reach the limiter in the same turn of the event loop
 * are counted together at the end of that turn (`TurnBatcher`), in one unordered `update`
 * command with one upsert per distinct counter: `{ _id, count: { $lte: limit - n } }` with
 * `$inc: n` for the n requests of the batch counted against it (group commit). Under load one
 * turn reads many requests, so batches grow with the load; a lone request is a batch of one.
 * Under load, the hot counters (one client, one IP behind a proxy) cost one round trip per batch
 * instead of one per request.
 *
 * **Leases.** A write takes a few counts more than its batch needs (`CounterLeases`: up to
 * RATE_LIMIT_LEASE, at most a twentieth of the limit, never past it), and the instance gives them
 * to the next requests against that counter in the same window without a write: an agent polling
 * /token alone, or any steady caller, pays the limiter's write once per lease, not per request.
 * An instance asks for one lease of a counter at a time: batches that go out while its lease is
 * being taken count just their own requests, and a request refused while the instance holds
 * leased counts of the counter takes one of them instead.
 * A counter found full refuses the rest of its window without a write either. A counter only
 * ever moves by whole batches and leases that fit under its limit, so a fleet never lets more
 * than the limit through; counts one instance leased and did not use are refused to the others.
 *
 * **Refusals.** The command returns no documents, so each write carries its limit. A counter
 * without room for the whole batch (and its lease) does not match, its upsert collides with the
 * existing `_id`, and that duplicate key error, reported per write, says so. Such a counter is
 * then counted one request at a time (one statement each, `count < limit`, all in one more
 * command), so the requests that still fit get through and the others are refused; a statement
 * that fails twice is refused (once could be the race of two first upserts of one window). A
 * refused request is still counted against its other counters, as each counter is its own limit.
 * (An update pipeline that stops at the limit would keep the filter on `_id` alone, but the
 * embedded development server does not run pipelines.)
 *
 * Made by RateLimitModule's factory when RATE_LIMIT_STORE is `mongo`, not injected by class.
 */
export class MongoRateLimitStore extends RateLimitStore implements OnModuleInit {
  private readonly batches = new TurnBatcher<readonly WindowCounter[], boolean>(async (batch) =>
    (await this.count(batch)).map((value) => ({ value })),
  );

  private readonly leases: CounterLeases;

  constructor(
    private readonly model: Model<RateLimitCounterRecord>,
    rateLimits: RateLimitConfig,
  ) {
    super();
    this.leases = new CounterLeases(rateLimits.lease);
  }

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.model);
  }

  hit(counters: readonly WindowCounter[]): Promise<boolean> {
    let allowed = true;
    const unknown: WindowCounter[] = [];
    for (const counter of counters) {
      const local = this.leases.take(counter);
      if (local === 'full') allowed = false;
      else if (local === 'unknown') unknown.push(counter);
    }
    if (unknown.length === 0) return Promise.resolve(allowed);
    const counted = this.batches.add(unknown);
    return allowed ? counted : counted.then(() => false);
  }

  /** Counts a batch of requests; answers whether each is allowed. */
  private async count(batch: readonly (readonly WindowCounter[])[]): Promise<boolean[]> {
    const tallies = new Map<string, Tally>();
    batch.forEach((counters, request) => {
      for (const counter of counters) {
        const tally = tallies.get(counter.id) ?? { counter, requests: [] };
        tally.requests.push(request);
        tallies.set(counter.id, tally);
      }
    });
    // More requests than the limit cannot all fit: those are counted one at a time at once.
    const whole = [...tallies.values()].filter((t) => t.requests.length <= t.counter.limit);
    const leased = whole.map((t) => this.leases.leaseFor(t.counter, t.requests.length));
    let failed: number[] = [];
    let answered = false;
    try {
      failed = await this.duplicateKeyFailures(
        whole.map(({ counter, requests }, i) => increment(counter, requests.length + leased[i])),
      );
      answered = true;
    } finally {
      // A command that failed counted nothing this instance can rely on: its lease is not kept.
      const refusedWhole = new Set(failed);
      whole.forEach((t, i) => {
        this.leases.settle(t.counter, leased[i], answered && !refusedWhole.has(i));
      });
    }
    const allowed = batch.map(() => true);
    const one = [
      ...failed.map((i) => whole[i]),
      ...[...tallies.values()].filter((t) => t.requests.length > t.counter.limit),
    ];
    if (one.length === 0) return allowed;

    // Counters without room for their whole batch: one request at a time.
    const single = one.flatMap(({ counter, requests }) =>
      requests.map((request) => ({ counter, request })),
    );
    let refused = await this.duplicateKeyFailures(single.map((s) => increment(s.counter, 1)));
    if (refused.length > 0) {
      const again = refused.map((i) => single[i]);
      refused = (await this.duplicateKeyFailures(again.map((s) => increment(s.counter, 1)))).map(
        (i) => single.indexOf(again[i]),
      );
    }
    for (const i of refused) {
      const { counter, request } = single[i];
      // A lease this instance took while the statement was under way serves it instead.
      if (this.leases.take(counter) === 'leased') continue;
      allowed[request] = false;
      this.leases.markFull(counter);
    }
    return allowed;
  }

  /**
   * Sends the writes as one unordered `update` command; answers the indexes of those refused
   * with a duplicate key. The command itself rather than `bulkWrite`: the driver's bulk API
   * builds batches and merges results for any mix of operations, about 150 µs of CPU on every
   * limited request, for what is here always one command of upserts.
   */
  private async duplicateKeyFailures(writes: readonly CounterUpdate[]): Promise<number[]> {
    if (writes.length === 0) return [];
    const command = {
      update: RATE_LIMIT_COUNTER_COLLECTION,
      updates: writes,
      ordered: false,
      writeConcern: COUNTER_WRITE_CONCERN,
    };
    let reply: UpdateReply;
    try {
      reply = await this.database().command(command);
    } catch (error) {
      // The driver retries a bulk's upserts once after a failover (retryable writes); so does
      // this. A count the first attempt made before failing may be counted twice: a limit
      // slightly stricter for one window, never looser.
      if (!isInterruptedWrite(error)) throw error;
      reply = await this.database().command(command);
    }
    const failed = reply.writeErrors ?? [];
    if (failed.some((e) => !isDuplicateKey(e))) {
      throw new mongo.MongoServerError({ ...failed[0], errmsg: failed[0].errmsg });
    }
    if (reply.writeConcernError) {
      throw new mongo.MongoServerError({ ...reply.writeConcernError });
    }
    return failed.map((e) => e.index);
  }

  private database(): mongo.Db {
    const db = this.model.db.db;
    if (!db) throw new mongo.MongoNotConnectedError('Not connected to the database');
    return db;
  }
}
