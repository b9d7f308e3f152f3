import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestApp } from '../../support/test-app';
import { useAppWithOwnDatabase } from '../../support/use-test-app';

async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('GET /health', () => {
  it('answers 200 with the database up, naming the release (package.json version)', async () => {
    const t = await createTestApp();
    try {
      const res = await t.http().get('/health').expect(200);
      const { version } = JSON.parse(
        readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8'),
      ) as { version: string };
      expect(version).toMatch(/^\d+\.\d+\.\d+$/);
      expect(res.body).toMatchObject({
        status: 'ok',
        checks: { database: { status: 'up' } },
        version,
      });
      expect(res.headers['cache-control']).toBe('no-store');
    } finally {
      await t.close();
    }
  });
});

describe('a database outage', () => {
  const t = useAppWithOwnDatabase('proofgate_test_outage');

  it('is answered 503 in the error envelope, and the service recovers when it returns', async () => {
    await t.http().get('/health').expect(200);

    await t.stopDatabase();
    const down = await t.http().get('/health');
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({
      error: 'temporarily_unavailable',
      error_description: 'The database is unreachable',
      checks: { database: { status: 'down' } },
      version: expect.stringMatching(/^\d+\.\d+\.\d+$/),
    });
    expect(down.headers['retry-after']).toBe('5');
    expect(JSON.stringify(down.body)).not.toMatch(/at \S+ \(|Mongo\w*Error/);

    await t.restartDatabase();
    const up = await eventually(
      () => t.http().get('/health'),
      (res) => res.status === 200,
    );
    expect(up.status).toBe(200);
  });
});
