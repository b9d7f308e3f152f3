/**
 * The fleet's client gives up a try that gets no complete answer within its request timeout:
 * a hung instance must not stall a fleet run or the soak. The try is recorded as timed out (a
 * failure of its own kind, for the checks) and retried at the next instance like a lost one.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FleetClient, NoAnswer } from '../../tools/fleet/client';

const TIMEOUT_MS = 300;

/** A server that answers, never answers, or sends its headers and never ends the body. */
async function server(behaviour: 'answers' | 'silent' | 'endless-body'): Promise<Server> {
  const held: ServerResponse[] = [];
  const s = createServer((_req, res) => {
    if (behaviour === 'answers') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    } else if (behaviour === 'endless-body') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"ok":');
      held.push(res);
    } else {
      held.push(res);
    }
  });
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return s;
}

const origin = (s: Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;

describe('FleetClient: a per-request timeout', () => {
  const servers: Server[] = [];
  let client: FleetClient | undefined;
  const started = performance.now();
  const elapsed = () => performance.now() - started;

  async function clientOf(...behaviours: ('answers' | 'silent' | 'endless-body')[]) {
    for (const behaviour of behaviours) servers.push(await server(behaviour));
    client = new FleetClient(servers.map(origin), 4, elapsed, 10_000, TIMEOUT_MS);
    return client;
  }

  afterEach(async () => {
    await client?.close();
    client = undefined;
    for (const s of servers.splice(0)) {
      s.closeAllConnections();
      await new Promise((resolve) => s.close(resolve));
    }
  });

  it.each([
    ['that never answers', 'silent'],
    ['that never ends its body', 'endless-body'],
  ] as const)(
    'gives up a try at an instance %s as timed out, not as lost or answered',
    async (_what, behaviour) => {
      const fleet = await clientOf(behaviour);
      const failure = await fleet
        .send('api.me', { method: 'GET', path: '/api/me' }, { retryLost: false })
        .catch((error: unknown) => error);
      expect(failure).toEqual(new NoAnswer(`api.me: no answer within ${TIMEOUT_MS} ms`));
      expect(fleet.attempts).toHaveLength(1);
      const [attempt] = fleet.attempts;
      expect(attempt).toMatchObject({ outcome: 'timed-out', cause: 'timeout', instance: 0 });
      // Cut at the limit, not by undici's own 60 s timeouts (a timer may fire 1 ms early).
      expect(attempt.endedAt - attempt.sentAt).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
      expect(attempt.endedAt - attempt.sentAt).toBeLessThan(30_000);
    },
  );

  it('retries a timed-out try at the next instance, and says the answer may not be the first', async () => {
    const fleet = await clientOf('silent', 'answers');
    const answer = await fleet.send('api.me', { method: 'GET', path: '/api/me' }, { instance: 0 });
    expect(answer).toMatchObject({ status: 200, instance: 1, lost: 1, json: { ok: true } });
    expect(answer.tries.map((t) => t.outcome)).toEqual(['timed-out', 'answered']);
  });
});
