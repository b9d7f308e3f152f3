/**
 * The back-channel logout outbox's scheduling rules, on the test MongoDB server (what the claim
 * queries and the holds guarantee, however many instances claim): each lane claims only its own
 * clients' deliveries; first attempts before retries; in the self-registered lane one attempt
 * at a time per client and per host, across instances, and none at a host in backoff; the holds
 * of an instance that died run out with its lease; a self-registered client's cap drops its
 * oldest; deliveries left past their retry time are given up; rows of an older version without
 * a lane are put into theirs. Each "instance" is a lease owner of its own, with a `now` of the
 * test's choosing.
 */
import { LogoutDeliveryRepository } from '../../../../src/sessions/logout/logout-delivery.repository';
import type { NewLogoutDelivery } from '../../../../src/sessions/logout/logout-delivery';
import { LOGOUT_HOLD_COLLECTION } from '../../../../src/sessions/logout/persistence/logout-delivery-hold.schema';
import { LOGOUT_DELIVERY_COLLECTION } from '../../../../src/sessions/logout/persistence/logout-delivery.schema';
import { useTestApp } from '../../../support/use-test-app';

/** Far from the app's own clock: its poller (a tick a minute here) never finds these due. */
const T = Date.parse('2100-01-01T00:00:00Z');
const at = (ms: number) => new Date(T + ms);
const LEASE_MS = 35_000;
const HOUR = 3600_000;

const self = (name: string) => `dcr_${name}`;

function delivery(clientId: string, uri: string, sid: string): NewLogoutDelivery {
  return { clientId, uri, sub: 'user-1', sid };
}

describe('The logout outbox’s scheduling rules on the test MongoDB server', () => {
  let outbox: LogoutDeliveryRepository;

  const t = useTestApp({ BACKCHANNEL_LOGOUT_POLL_INTERVAL_MS: '60000' });
  beforeAll(() => {
    outbox = t.app.get(LogoutDeliveryRepository);
  });
  beforeEach(async () => {
    await t.connection.collection(LOGOUT_DELIVERY_COLLECTION).deleteMany({});
    await t.connection.collection(LOGOUT_HOLD_COLLECTION).deleteMany({});
  });

  const rows = () => t.connection.collection(LOGOUT_DELIVERY_COLLECTION);
  const enqueue = (deliveries: NewLogoutDelivery[], now = at(0)) =>
    outbox.enqueue(deliveries, now, new Date(now.getTime() + HOUR));
  const claim = (lane: 'operator' | 'self_registered', owner: string, now = at(0)) =>
    outbox.claimDue(lane, owner, now, new Date(now.getTime() + LEASE_MS));

  it('each lane claims only its own clients’ deliveries', async () => {
    await enqueue([
      delivery('rp-operator', 'https://rp.example/bcl', 'sid-1'),
      delivery(self('a'), 'https://self.example/bcl', 'sid-1'),
    ]);
    const operator = await claim('operator', 'instance-1');
    expect(operator).toMatchObject({ lane: 'operator', delivery: { clientId: 'rp-operator' } });
    expect(await claim('operator', 'instance-1')).toBeNull();
    const selfRegistered = await claim('self_registered', 'instance-1');
    expect(selfRegistered).toMatchObject({
      lane: 'self_registered',
      hostTimeouts: 0,
      delivery: { clientId: self('a') },
    });
    expect(await claim('self_registered', 'instance-1')).toBeNull();
  });

  it('claims a first attempt before a retry that has been due for longer', async () => {
    await enqueue([delivery('rp-operator', 'https://rp.example/bcl', 'sid-old')]);
    const first = await claim('operator', 'instance-1');
    await outbox.leases.scheduleRetry(
      first!.delivery.deliveryId,
      'instance-1',
      at(1_000),
      'HTTP 500',
    );
    await enqueue([delivery('rp-operator', 'https://rp.example/bcl', 'sid-new')], at(5_000));

    const next = await claim('operator', 'instance-1', at(10_000));
    expect(next?.delivery).toMatchObject({ sid: 'sid-new', attempts: 1 });
    const retry = await claim('operator', 'instance-1', at(10_000));
    expect(retry?.delivery).toMatchObject({ sid: 'sid-old', attempts: 2 });
  });

  it('attempts one delivery at a time per self-registered client, whichever instance claims', async () => {
    await enqueue([
      delivery(self('b'), 'https://b.example/bcl', 'sid-1'),
      delivery(self('b'), 'https://b.example/bcl', 'sid-2'),
    ]);
    const first = await claim('self_registered', 'instance-1');
    expect(first).not.toBeNull();
    // The client's other delivery is due, and another instance asks: the client is held.
    expect(await claim('self_registered', 'instance-2')).toBeNull();

    await outbox.leases.complete(first!.delivery.deliveryId, 'instance-1', at(100));
    await outbox.release(first!, 'instance-1', at(100), { timeouts: 0 });
    const second = await claim('self_registered', 'instance-2', at(100));
    expect(second?.delivery.sid).not.toBe(first!.delivery.sid);
  });

  it('attempts one delivery at a time per host, its port aside; another host is attempted meanwhile', async () => {
    await enqueue([
      delivery(self('c1'), 'https://tarpit.example/bcl', 'sid-1'),
      delivery(self('c2'), 'https://tarpit.example:8443/other', 'sid-1'),
      delivery(self('c3'), 'https://elsewhere.example/bcl', 'sid-1'),
    ]);
    const claimed = [
      await claim('self_registered', 'instance-1'),
      await claim('self_registered', 'instance-2'),
      await claim('self_registered', 'instance-3'),
    ];
    const hosts = claimed.map((one) => one && new URL(one.delivery.uri).hostname);
    expect(hosts.filter((host) => host !== null).sort()).toEqual([
      'elsewhere.example',
      'tarpit.example',
    ]);
    expect(claimed[2]).toBeNull();
  });

  it('gives one of 10 instances claiming at once the deliveries of one host, the others nothing', async () => {
    await enqueue(
      Array.from({ length: 10 }, (_, i) =>
        delivery(self(`d${i}`), `https://one-host.example/${i}`, 'sid-1'),
      ),
    );
    const claims = await Promise.all(
      Array.from({ length: 10 }, (_, i) => claim('self_registered', `instance-${i}`)),
    );
    expect(claims.filter((one) => one !== null)).toHaveLength(1);
    const leased = await rows().countDocuments({ leaseUntil: { $gt: at(0) } });
    expect(leased).toBe(1);
  });

  it('leaves a host that timed out alone for its backoff, then attempts it with its breaker state', async () => {
    await enqueue([
      delivery(self('e1'), 'https://slow.example/bcl', 'sid-1'),
      delivery(self('e2'), 'https://slow.example/bcl', 'sid-1'),
      delivery(self('e3'), 'https://fine.example/bcl', 'sid-1'),
    ]);
    const first = await claim('self_registered', 'instance-1');
    expect(new URL(first!.delivery.uri).hostname).toBe('slow.example');
    await outbox.leases.scheduleRetry(
      first!.delivery.deliveryId,
      'instance-1',
      at(2_000),
      'no answer',
    );
    await outbox.release(first!, 'instance-1', at(1_000), {
      timeouts: 1,
      backoffUntil: at(31_000),
    });

    // Both of the host's deliveries are due; only the other host's is attempted.
    const during = await claim('self_registered', 'instance-2', at(10_000));
    expect(during?.delivery.uri).toBe('https://fine.example/bcl');
    expect(await claim('self_registered', 'instance-2', at(10_000))).toBeNull();

    const after = await claim('self_registered', 'instance-2', at(31_000));
    expect(after).toMatchObject({ hostTimeouts: 1 });
    expect(new URL(after!.delivery.uri).hostname).toBe('slow.example');
    // It answered: the breaker closes.
    await outbox.leases.complete(after!.delivery.deliveryId, 'instance-2', at(31_100));
    await outbox.release(after!, 'instance-2', at(31_100), { timeouts: 0 });
    expect(await claim('self_registered', 'instance-3', at(31_200))).toMatchObject({
      hostTimeouts: 0,
    });
  });

  it('frees the client and host of an instance that died mid-attempt once its lease ran out', async () => {
    await enqueue([delivery(self('f'), 'https://f.example/bcl', 'sid-1')]);
    const lost = await claim('self_registered', 'instance-dead');
    expect(lost).not.toBeNull();
    expect(await claim('self_registered', 'instance-2', at(LEASE_MS - 1))).toBeNull();
    const again = await claim('self_registered', 'instance-2', at(LEASE_MS));
    expect(again?.delivery).toMatchObject({ deliveryId: lost!.delivery.deliveryId, attempts: 2 });
  });

  it('keeps a client’s newest waiting deliveries and drops the oldest, never to be attempted', async () => {
    for (let i = 0; i < 12; i++) {
      await enqueue([delivery(self('g'), 'https://g.example/bcl', `sid-${i}`)], at(i * 1_000));
    }
    expect(await outbox.keepNewest(self('g'), 5, at(20_000))).toBe(7);
    const kept = await rows().find({ status: 'pending' }).sort({ createdAt: 1 }).toArray();
    expect(kept.map((row) => row.sid as string)).toEqual([
      'sid-7',
      'sid-8',
      'sid-9',
      'sid-10',
      'sid-11',
    ]);
    const dropped = await rows().find({ status: 'dropped' }).toArray();
    expect(dropped).toHaveLength(7);
    expect(dropped[0].lastError).toBe('more than 5 logout tokens waiting for this client');
    expect(await outbox.keepNewest(self('g'), 5, at(20_000))).toBe(0);

    const claimed = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const one = await claim('self_registered', `instance-${i}`, at(30_000));
      if (!one) break;
      claimed.add(one.delivery.sid);
      await outbox.leases.complete(one.delivery.deliveryId, `instance-${i}`, at(30_000));
      await outbox.release(one, `instance-${i}`, at(30_000), { timeouts: 0 });
    }
    expect([...claimed].sort()).toEqual(['sid-10', 'sid-11', 'sid-7', 'sid-8', 'sid-9']);
  });

  it('gives up deliveries left unattempted past their give-up time, not one being attempted', async () => {
    await enqueue([delivery('rp-operator', 'https://rp.example/bcl', 'sid-busy')]);
    // Claimed past its give-up time (its last attempt), under way for long.
    const busy = await claim('operator', 'instance-1', at(HOUR + 1_000));
    expect(busy?.delivery.sid).toBe('sid-busy');
    await rows().updateOne(
      { _id: busy!.delivery.deliveryId as never },
      { $set: { leaseUntil: at(2 * HOUR) } },
    );
    await enqueue([
      delivery('rp-operator', 'https://rp.example/bcl', 'sid-idle'),
      delivery(self('b'), 'https://self.example/bcl', 'sid-self'),
    ]);
    const none = { operator: 0, self_registered: 0 };
    expect(await outbox.giveUpOverdue(at(HOUR - 1), at(HOUR + 2_000))).toEqual(none);
    // Counted in each one's lane: the alert watches the operator's.
    expect(await outbox.giveUpOverdue(at(HOUR), at(HOUR + 2_000))).toEqual({
      operator: 1,
      self_registered: 1,
    });
    expect(await rows().findOne({ sid: 'sid-idle' })).toMatchObject({ status: 'failed' });
    expect(await rows().findOne({ sid: 'sid-self' })).toMatchObject({ status: 'failed' });
    expect(await rows().findOne({ sid: 'sid-busy' })).toMatchObject({ status: 'pending' });
  });

  it('puts a row of an older version, without a lane, into its lane', async () => {
    const { _id, ...fields } = {
      _id: 'older-row',
      clientId: self('h'),
      uri: 'https://h.example/bcl',
      sub: 'user-1',
      sid: 'sid-1',
      status: 'pending',
      createdAt: at(0),
      giveUpAt: at(HOUR),
      nextAttemptAt: at(0),
      leaseUntil: at(0),
      attempts: 0,
      expiresAt: at(HOUR * 24 * 8),
    };
    await rows().insertOne({ _id: _id as never, ...fields });
    expect(await claim('self_registered', 'instance-1')).toBeNull();
    expect(await outbox.assignLanes(100)).toBe(1);
    expect(await rows().findOne({ _id: _id as never })).toMatchObject({
      lane: 'self_registered',
      host: 'h.example',
    });
    expect(await claim('self_registered', 'instance-1')).toMatchObject({
      delivery: { deliveryId: 'older-row' },
    });
  });
});
