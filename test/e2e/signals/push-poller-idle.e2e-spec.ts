/**
 * The SET push poller's idle cost (issue #80 step C): while no push stream exists it sends no
 * database command but its read of whether one does, once per SSF_PUSH_CHECK_INTERVAL_MS, however
 * often it ticks; once one exists it looks at the outbox again, and a SET it was not told of (as
 * another instance or proofgate-admin queues) is pushed all the same. Counted with the driver's
 * command monitoring, as test/e2e/oauth/round-trips.e2e-spec.ts counts a request's.
 */
import type { mongo } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { SsfEventRepository } from '../../../src/signals/outbox/ssf-event.repository';
import { PUSH_DELIVERY } from '../../../src/signals/ssf-events';
import { StreamRepository } from '../../../src/signals/streams/stream.repository';
import {
  RISC,
  SetReceiver,
  SignalsReceiver,
  receiverEntry,
  verifiedSet,
} from '../../support/shared-signals';
import { useTestApp } from '../../support/use-test-app';

const RECEIVER = { id: 'ssf-idle-receiver', secret: 'ssf-idle-receiver-secret-1234' };
const CHECK_MS = 1_000;
const TICK_MS = 50;

describe('the SET push poller without push streams (command monitoring)', () => {
  const t = useTestApp({
    SSF_POLL_INTERVAL_MS: String(TICK_MS),
    SSF_PUSH_CHECK_INTERVAL_MS: String(CHECK_MS),
    SSF_STREAM_CHECK_CACHE_MS: '0',
    OAUTH_CLIENTS: JSON.stringify([receiverEntry(RECEIVER)]),
  });

  let sent: string[] | undefined;
  beforeAll(() => {
    t.connection.getClient().on('commandStarted', (event: mongo.CommandStartedEvent) => {
      const collection = String(event.command[event.commandName]);
      if (collection.startsWith('ssf_')) sent?.push(`${event.commandName} ${collection}`);
    });
  });
  /** The commands on Shared Signals' collections over `ms` in which nobody calls the service. */
  async function idleCommands(ms: number): Promise<string[]> {
    sent = [];
    await new Promise((resolve) => setTimeout(resolve, ms));
    const commands = sent;
    sent = undefined;
    return commands;
  }
  const pushCheck = 'distinct ssf_streams';

  const receiver = new SetReceiver();
  beforeAll(() => receiver.start());
  afterAll(() => receiver.close());

  it('sends no command over 50 ticks with no stream, and with a poll stream, but its one read a second', async () => {
    // 2.5 s at a 50 ms tick: 50 ticks, and two or three reads of "a push stream?".
    const idle = await idleCommands(2_500);
    expect(idle.filter((command) => command !== pushCheck)).toEqual([]);
    expect(idle.length).toBeGreaterThanOrEqual(2);
    expect(idle.length).toBeLessThanOrEqual(3);

    const signals = await SignalsReceiver.of(t, RECEIVER);
    const polled = await signals.createStream({ events_requested: [`${RISC}account-disabled`] });
    const withPollStream = await idleCommands(2_500);
    expect(withPollStream.filter((command) => command !== pushCheck)).toEqual([]);
    expect(withPollStream.length).toBeLessThanOrEqual(3);
    await signals.deleteStream(polled);
  });

  it('pushes a SET it was not told of once it reads that a push stream exists', async () => {
    // Another instance's stream and proofgate-admin's row: written past this process's services,
    // so nothing here forgets its "no push stream" or wakes the poller.
    const now = new Date();
    const streamId = `idle-${randomUUID()}`;
    await t.app.get(StreamRepository).create(
      {
        streamId,
        receiver: RECEIVER.id,
        delivery: { method: PUSH_DELIVERY, endpointUrl: receiver.url },
        eventsRequested: [`${RISC}account-disabled`],
        eventsDelivered: [`${RISC}account-disabled`],
        status: 'enabled',
        defaultSubjects: 'ALL',
        createdAt: now,
        updatedAt: now,
      },
      5,
    );
    const claims = {
      iss: t.config.server.issuer,
      aud: RECEIVER.id,
      iat: Math.floor(now.getTime() / 1000),
      sub_id: { format: 'opaque', id: 'user0' },
      events: {
        [`${RISC}account-disabled`]: { event_timestamp: Math.floor(now.getTime() / 1000) },
      },
    };
    const [jti] = await t.app
      .get(SsfEventRepository)
      .enqueue(
        [{ causeKey: `idle:${streamId}`, streamId, receiver: RECEIVER.id, mode: 'push', claims }],
        now,
        new Date(now.getTime() + 60_000),
      );

    // Its next read of "a push stream?" (within CHECK_MS) finds it; the next tick pushes.
    await receiver.waitFor(1, CHECK_MS + 3_000);
    expect(receiver.received).toHaveLength(1);
    const payload = await verifiedSet(t, receiver.received[0].set);
    expect(payload.jti).toBe(jti);
    expect(payload.events).toEqual(claims.events);
  });
});
