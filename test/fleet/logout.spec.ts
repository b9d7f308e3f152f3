/**
 * The fleet's logout traffic (tools/fleet/logout.ts) arranges for the instance kill to cut a
 * logout delivery. The slow RP holds the tokens the victim sends: each for a while, then, once the
 * kill is under way, every one until the victim is gone; `deliveryInFlightFrom` tells the kill
 * when one is held. A token whose sender died before it was answered is cut, never delivered.
 */
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { LogoutTraffic, type ReceivedLogoutToken } from '../../tools/fleet/logout';
import { processGone } from '../../tools/fleet/processes';

/** The slow RP's delay and hold here (the fleet's are 4 s and 5 s). */
const SLOW_RP_MS = 500;
const HELD_MS = 1500;

describe('LogoutTraffic: the slow RP and the instance kill', () => {
  const started = Date.now();
  let logout: LogoutTraffic;
  let slowRp: string;
  /** The processes of each instance, by slot: who may send a token. */
  let senders: number[][];
  const posts: Promise<unknown>[] = [];
  const children: number[] = [];

  beforeEach(async () => {
    logout = new LogoutTraffic(() => Date.now() - started, {
      slowRpMs: SLOW_RP_MS,
      heldMs: HELD_MS,
    });
    const clients = JSON.parse(await logout.startReceivers()) as {
      name: string;
      backchannel_logout_uri: string;
    }[];
    slowRp = clients.find((client) => client.name.includes('slow'))!.backchannel_logout_uri;
    senders = [[process.pid]];
    // No loops: only the RPs.
    logout.start(0, {
      client: undefined as never,
      traffic: undefined as never,
      ledger: undefined as never,
      pids: () => senders,
    });
  });

  afterEach(async () => {
    logout.killedTarget([]);
    for (const pid of children.splice(0)) if (!processGone(pid)) process.kill(pid, 'SIGKILL');
    await Promise.allSettled(posts.splice(0));
    await logout.close();
  });

  /** The first token the RPs receive from `pid`, once they have it. */
  async function receivedFrom(pid: number): Promise<ReceivedLogoutToken> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const found = logout.received.find((r) => r.sender?.pid === pid);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no token from ${pid} within 5 s`);
      await sleep(5);
    }
  }

  /** A logout token's POST from this process (instance 0): its record, and its answer. */
  async function deliver(): Promise<{ record: ReceivedLogoutToken; answer: Promise<Response> }> {
    const before = logout.received.length;
    const answer = fetch(slowRp, { method: 'POST', body: new URLSearchParams() });
    posts.push(answer);
    const deadline = Date.now() + 5000;
    while (logout.received.length === before && Date.now() < deadline) await sleep(5);
    const record = logout.received[before];
    expect(record).toMatchObject({ sender: { slot: 0, pid: process.pid } });
    return { record, answer };
  }

  async function until(done: () => boolean): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (!done() && Date.now() < deadline) await sleep(10);
  }

  it('does not count a token the slow RP got before the victim was named, unanswered as it is', async () => {
    const { record, answer } = await deliver();
    expect(record.endedAt).toBeUndefined();
    expect(logout.deliveryInFlightFrom(0)).toBe(false);
    expect((await answer).status).toBe(200);
    expect(record.held).toBeUndefined();
  });

  it('holds a token the named victim sent for a while, then answers it: its lane is free for newer ones', async () => {
    logout.endSessionsAt(0);
    const { record, answer } = await deliver();
    expect(logout.deliveryInFlightFrom(0)).toBe(true);
    expect(logout.deliveryInFlightFrom(1)).toBe(false);
    expect((await answer).status).toBe(200);
    expect(record.held).toBe(true);
    expect(record.endedAt! - record.at).toBeGreaterThanOrEqual(HELD_MS);
    expect(logout.deliveryInFlightFrom(0)).toBe(false);
  });

  it('holds it past that, once the kill is under way, until the victim is killed', async () => {
    logout.endSessionsAt(0);
    const { record, answer } = await deliver();
    logout.holdUntilKill();
    await sleep(HELD_MS + 500);
    expect(record.endedAt).toBeUndefined();
    expect(logout.deliveryInFlightFrom(0)).toBe(true);
    logout.killedTarget([]);
    expect((await answer).status).toBe(200);
    expect(record).toMatchObject({ held: true, cut: false });
  });

  it('counts a held token whose sender died as cut, even when the hold ends before the close is seen', async () => {
    const child = spawn(process.execPath, [
      '-e',
      `fetch(${JSON.stringify(slowRp)}, { method: 'POST', body: '' }); setInterval(() => {}, 1000);`,
    ]);
    const pid = child.pid!;
    children.push(pid);
    senders = [[pid]];
    logout.endSessionsAt(0);
    const record = await receivedFrom(pid);
    expect(record.held).toBe(true);
    logout.holdUntilKill();
    await sleep(SLOW_RP_MS);
    process.kill(pid, 'SIGKILL');
    // Nothing is read from any socket meanwhile: when the hold ends, the connection's close is not
    // seen yet, and the slow RP's next look at the token (a timer, due by now) comes before it.
    const spinUntil = Date.now() + 300;
    while (!processGone(pid) || Date.now() < spinUntil);
    logout.killedTarget([pid]);
    await until(() => record.endedAt !== undefined);
    expect(record).toMatchObject({ held: true, cut: true });
    expect(record.abandoned).toBeUndefined();
  });
});
