/**
 * The fleet's logout traffic (tools/fleet/logout.ts) tells the instance kill when a logout token
 * from the victim is held at the slow RP (`deliveryInFlightFrom`), so that the kill cuts a
 * delivery: a token the slow RP received before the victim was named is answered after SLOW_RP_MS
 * all the same, and counting it let a fast machine's kill land with nothing in flight.
 */
import { LogoutTraffic } from '../../tools/fleet/logout';
import { waitFor } from '../support/processes';

describe('LogoutTraffic.deliveryInFlightFrom', () => {
  const started = Date.now();
  let logout: LogoutTraffic;
  let slowRp: string;
  const posts: Promise<Response>[] = [];

  beforeAll(async () => {
    logout = new LogoutTraffic(() => Date.now() - started);
    const clients = JSON.parse(await logout.startReceivers()) as {
      name: string;
      backchannel_logout_uri: string;
    }[];
    slowRp = clients.find((client) => client.name.includes('slow'))!.backchannel_logout_uri;
    // No loops: only the RPs, and this process as the one instance that sends to them.
    logout.start(0, {
      client: undefined as never,
      traffic: undefined as never,
      ledger: undefined as never,
      pids: () => [[process.pid]],
    });
  });

  afterAll(async () => {
    logout.killedTarget([]);
    await Promise.allSettled(posts);
    await logout.close();
  });

  /** A logout token's POST from this process (instance 0), once the RP has it. */
  async function deliver(): Promise<void> {
    const before = logout.received.length;
    posts.push(fetch(slowRp, { method: 'POST', body: new URLSearchParams() }));
    await waitFor(
      () => Promise.resolve(logout.received.length),
      (count) => count > before,
      5000,
    );
    expect(logout.received.at(-1)).toMatchObject({ sender: { slot: 0, pid: process.pid } });
  }

  it('is false for a token the slow RP got before the victim was named, unanswered as it is', async () => {
    await deliver();
    expect(logout.deliveryInFlightFrom(0)).toBe(false);
  });

  it('is true once the slow RP holds a token the named victim sent, until the victim is killed', async () => {
    logout.endSessionsAt(0);
    await deliver();
    expect(logout.deliveryInFlightFrom(0)).toBe(true);
    expect(logout.deliveryInFlightFrom(1)).toBe(false);
    logout.killedTarget([]);
    await waitFor(
      () => Promise.resolve(logout.deliveryInFlightFrom(0)),
      (inFlight) => !inFlight,
      5000,
    );
    expect((await posts.at(-1)!).status).toBe(200);
  });
});
