/**
 * A push receiver that is down for a long while (issue #80: "a receiver that is down gets every SET
 * when it comes back, in order per subject, until the stream's retention"), against the real
 * service and database. The outage lasts 23 minutes and more than an hour of the service's clock
 * (the test clock, frozen, moved on between two attempts, as the logout outbox's give-up test
 * moves it), not of the test's: the push poller's schedule is read from the outbox's rows after
 * each attempt, and the clock moved to the next one.
 */
import { cliCall } from '../../../src/admin/io/cli-call';
import { UserAdministration } from '../../../src/admin/users/user-administration.service';
import { SSF_EVENT_COLLECTION } from '../../../src/signals/outbox/persistence/ssf-event.schema';
import { SSF_STREAM_COLLECTION } from '../../../src/signals/streams/persistence/stream.schema';
import {
  PUSH,
  RISC,
  SetReceiver,
  SignalsReceiver,
  receiverEntry,
  verifiedSet,
} from '../../support/shared-signals';
import { useTestApp } from '../../support/use-test-app';

const RECEIVER = { id: 'ssf-outage-receiver', secret: 'ssf-outage-receiver-secret-1234' };
const FIRST_RETRY_MS = 1_000;
/** MAX_RETRY_DELAY_MS of the push poller, as docs/SHARED-SIGNALS.md states it. */
const CAP_MS = 5 * 60 * 1000;
const RETENTION_SECONDS = 3_600;
const DISABLED = `${RISC}account-disabled`;
const ENABLED = `${RISC}account-enabled`;

interface Row {
  _id: string;
  streamId: string;
  status: string;
  order: number;
  attempts: number;
  nextAttemptAt: Date;
  leaseUntil: Date;
  createdAt: Date;
  giveUpAt: Date;
}

describe('a push receiver that is down for long (issue #80)', () => {
  const t = useTestApp({
    SSF_STREAM_CHECK_CACHE_MS: '0',
    SSF_POLL_INTERVAL_MS: '50',
    SSF_FIRST_RETRY_MS: String(FIRST_RETRY_MS),
    SSF_RETENTION_SECONDS: String(RETENTION_SECONDS),
    OAUTH_CLIENTS: JSON.stringify([receiverEntry(RECEIVER)]),
  });
  const users = () => t.app.get(UserAdministration, { strict: false });
  const rows = () => t.connection.collection<Row>(SSF_EVENT_COLLECTION);
  const streams = () =>
    t.connection.collection<{ _id: string; pushOwner?: string }>(SSF_STREAM_COLLECTION);

  // A token of the receiver's when it calls: the clock moves past an access token's lifetime.
  const receiver = () => SignalsReceiver.of(t, RECEIVER);
  const endpoint = new SetReceiver();
  beforeAll(async () => {
    await endpoint.start();
    // A third subject, made before any stream exists (its creation is told to none).
    await users().add('ada', 'a long passphrase of ada', cliCall());
    // The clock moves only when a test moves it: each wait below is the schedule's, to the ms.
    t.clock.freeze();
  });
  afterAll(() => endpoint.close());

  /**
   * The stream's head once its `attempts`-th attempt is recorded and the stream is free again
   * (no attempt under way that moving the clock could overtake).
   */
  async function headAfter(streamId: string, attempts: number): Promise<Row> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const [head] = await rows()
        .find({ streamId, status: 'pending' })
        .sort({ order: 1 })
        .limit(1)
        .toArray();
      const stream = await streams().findOne({ _id: streamId });
      if (
        head?.attempts === attempts &&
        head.leaseUntil.getTime() === head.nextAttemptAt.getTime() &&
        stream?.pushOwner === undefined
      ) {
        return head;
      }
      if (Date.now() > deadline) {
        throw new Error(`no head after attempt ${attempts}: ${JSON.stringify(head)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** The wait the schedule put before the head's next attempt; the clock moved to it. */
  function waitOut(head: Row): number {
    const wait = head.nextAttemptAt.getTime() - t.clock.now().getTime();
    t.clock.advance(wait / 1000);
    return wait;
  }

  const statuses = async (streamId: string) =>
    (await rows().find({ streamId }).toArray()).map((row) => row.status);

  async function pushStream(): Promise<string> {
    return (await receiver()).createStream({
      delivery: { method: PUSH, endpoint_url: endpoint.url },
      events_requested: [DISABLED, ENABLED],
    });
  }

  it('pushes every SET once, in order per subject, to a receiver back after 23 minutes of 503 and refused connections; the retries back off to 5 minutes and give nothing up', async () => {
    endpoint.down = true;
    const id = await pushStream();
    const told: [string, string][] = [];
    const disable = async (who: string) => {
      await users().disable(who, cliCall());
      told.push([who, DISABLED]);
    };
    const enable = async (who: string) => {
      await users().enable(who, cliCall());
      told.push([who, ENABLED]);
    };
    // Causes before the first attempt, and more while the receiver stays down.
    await disable('user0');
    await disable('user1');
    await disable('ada');
    const during: Record<number, () => Promise<void>> = {
      4: async () => {
        await enable('user0');
        await enable('ada');
      },
      8: async () => {
        // From here on the receiver's address refuses connections.
        await endpoint.refuse();
        await disable('user0');
        await enable('user1');
      },
      11: () => enable('user0'),
    };

    const waits: number[] = [];
    for (let attempt = 1; attempt <= 12; attempt++) {
      let head = await headAfter(id, attempt);
      const cause = during[attempt];
      if (cause) {
        await cause();
        head = await headAfter(id, attempt);
      }
      expect(await statuses(id)).not.toContain('failed');
      if (attempt === 12) {
        // Back, as the 13th attempt comes: the head, then every SET after it.
        await endpoint.resume();
        endpoint.down = false;
      }
      waits.push(waitOut(head));
    }
    // 1 s doubling to 256 s, then the 5-minute cap, held: 1,411 s down, no attempt dropped.
    const doubling = Array.from({ length: 9 }, (_, i) => FIRST_RETRY_MS * 2 ** i);
    expect(waits).toEqual([...doubling, CAP_MS, CAP_MS, CAP_MS]);
    expect(waits.reduce((sum, wait) => sum + wait, 0)).toBe(1_411_000);

    await endpoint.waitFor(told.length);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(endpoint.received).toHaveLength(told.length);

    const sets = await Promise.all(endpoint.received.map(({ set }) => verifiedSet(t, set)));
    expect(new Set(sets.map((set) => set.jti)).size).toBe(told.length);
    const bySubject = (pairs: [string, string][]) => {
      const seen: Record<string, string[]> = {};
      for (const [sub, event] of pairs) (seen[sub] ??= []).push(event);
      return seen;
    };
    const received = sets.map((set): [string, string] => [
      (set.sub_id as { sub: string }).sub,
      Object.keys(set.events as object)[0],
    ]);
    expect(bySubject(received)).toEqual(bySubject(told));
    expect(bySubject(received)).toEqual({
      user0: [DISABLED, ENABLED, DISABLED, ENABLED],
      user1: [DISABLED, ENABLED],
      ada: [DISABLED, ENABLED],
    });
    expect(await statuses(id)).toEqual(told.map(() => 'delivered'));
    const first = await rows().find({ streamId: id }).sort({ order: 1 }).limit(1).next();
    expect(first?.attempts).toBe(13);
    endpoint.received.length = 0;
    await (await receiver()).deleteStream(id);
  }, 60_000);

  it('keeps retrying until SSF_RETENTION_SECONDS, the last attempt at the retention, then gives the SETs up; the stream goes on', async () => {
    endpoint.down = true;
    const id = await pushStream();
    await users().disable('user1', cliCall());
    await users().enable('user1', cliCall());
    const [head] = await rows().find({ streamId: id }).sort({ order: 1 }).limit(1).toArray();
    // Kept SSF_RETENTION_SECONDS from its cause (the clock stands still: both SETs alike).
    expect(head.giveUpAt.getTime() - head.createdAt.getTime()).toBe(RETENTION_SECONDS * 1000);
    const retention = head.giveUpAt.getTime();

    const waits: number[] = [];
    let attempt = 1;
    for (;;) {
      const settled = await headAfter(id, attempt);
      if (settled.nextAttemptAt.getTime() === retention) break;
      expect(await statuses(id)).toEqual(['pending', 'pending']);
      waits.push(waitOut(settled));
      attempt += 1;
    }
    // 511 s doubling, ten 5-minute waits, then the rest to the retention: never a longer wait.
    expect(waits.slice(9)).toEqual(Array.from({ length: waits.length - 9 }, () => CAP_MS));
    expect(retention - t.clock.now().getTime()).toBe(
      RETENTION_SECONDS * 1000 - 511_000 - 10 * CAP_MS,
    );
    // At the retention, the last attempt fails: both SETs given up, none sent after.
    waitOut(await headAfter(id, attempt));
    const deadline = Date.now() + 10_000;
    while ((await statuses(id)).some((status) => status === 'pending')) {
      if (Date.now() > deadline) throw new Error('the SETs were not given up at the retention');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await statuses(id)).toEqual(['failed', 'failed']);
    endpoint.down = false;
    t.clock.advance(CAP_MS / 1000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(endpoint.received).toEqual([]);

    // What happens after is told as ever.
    await users().disable('user1', cliCall());
    await endpoint.waitFor(1);
    const [after] = await Promise.all(endpoint.received.map(({ set }) => verifiedSet(t, set)));
    expect(after.events).toMatchObject({ [DISABLED]: {} });
    await (await receiver()).deleteStream(id);
  }, 60_000);
});
