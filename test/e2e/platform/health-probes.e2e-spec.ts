/** /health/live and /health/ready (@nestjs/terminus): liveness ignores the database, readiness pings it. */
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
