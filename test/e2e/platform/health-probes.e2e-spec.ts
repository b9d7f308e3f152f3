/** /health/live and /health/ready (@nestjs/terminus): liveness ignores the database, readiness pings it. */
import { sample } from '../../support/metrics';
import { waitFor } from '../../support/processes';
import { useAppWithOwnDatabase, useTestApp } from '../../support/use-test-app';

describe('GET /health/live and /health/ready with the database up', () => {
  const t = useTestApp();

  it('answers live 200 without checks', async () => {
    const res = await t.http().get('/health/live').expect(200);
    expect(res.body).toMatchObject({ status: 'ok', details: {} });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('answers ready 200 with the database up', async () => {
    const res = await t.http().get('/health/ready').expect(200);
    expect(res.body).toMatchObject({ status: 'ok', details: { database: { status: 'up' } } });
    expect(res.headers['cache-control']).toBe('no-store');
  });
});

describe('GET /health/live and /health/ready during a database outage', () => {
  const t = useAppWithOwnDatabase('proofgate_test_probes');

  it('keeps live at 200 and answers ready 503 in the error envelope', async () => {
    await t.http().get('/health/ready').expect(200);
    await t.stopDatabase();

    const ready = await t.http().get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({
      error: 'temporarily_unavailable',
      error_description: 'The database is unreachable',
      status: 'error',
      details: { database: { status: 'down' } },
    });
    expect(ready.headers['retry-after']).toBe('5');
    expect(JSON.stringify(ready.body)).not.toMatch(/at \S+ \(|Mongo\w*Error/);

    await t.http().get('/health/live').expect(200);
  });
});

describe('GET /health and /health/ready while the database hangs (its connections open, nothing answered)', () => {
  const t = useAppWithOwnDatabase('proofgate_test_hung');

  it('answer 503 "unreachable" from their own deadline, not the request deadline; database_up drops; all back once it answers', async () => {
    await t.http().get('/health').expect(200);
    await t.pauseDatabase();
    try {
      // The first check after the freeze: answered by its own deadline (the request deadline is
      // 30 s and says something else).
      const first = await waitFor(
        async () => t.http().get('/health'),
        (res) => res.status === 503,
        10_000,
      );
      expect(first.body).toMatchObject({ error_description: 'The database is unreachable' });
      // Concurrent checks share one ping; each is answered by the check's own deadline.
      const [health, ready] = await Promise.all([
        t.http().get('/health'),
        t.http().get('/health/ready'),
      ]);
      for (const res of [health, ready]) {
        expect(res.status).toBe(503);
        expect(res.body).toMatchObject({
          error: 'temporarily_unavailable',
          error_description: 'The database is unreachable',
        });
      }
      await t.http().get('/health/live').expect(200);
      // The driver's monitor waits 30 s (connectTimeoutMS) on a hung server; the watchdog tells
      // sooner: its monitor silent, a fresh client gets no answer either.
      const metric = async () =>
        sample((await t.http().get('/metrics').expect(200)).text, 'proofgate_database_up');
      expect(await waitFor(metric, (up) => up === 0, 20_000)).toBe(0);
    } finally {
      t.resumeDatabase();
    }
    const back = await waitFor(
      async () => (await t.http().get('/health/ready')).status,
      (status) => status === 200,
      30_000,
    );
    expect(back).toBe(200);
  }, 90_000);
});
