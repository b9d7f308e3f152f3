/**
 * /metrics and /docs are operator views. Outside production they are served to anyone; in
 * production they are off unless METRICS_ENABLED / DOCS_ENABLED say so, and an operator reads
 * them with `Authorization: Bearer <ADMIN_TOKEN>`. Without an ADMIN_TOKEN they are not served.
 */
import { TestApp, createTestApp } from '../../support/test-app';
import { expectRefusal } from '../../support/refusal';

const ADMIN_TOKEN = 'a'.repeat(40);
const PRODUCTION = {
  NODE_ENV: 'production',
  KEY_ENCRYPTION_SECRET: 'k'.repeat(40),
  ISSUER: 'https://auth.example.test',
  LOG_LEVEL: 'silent',
};
const VIEWS = ['/metrics', '/docs-json', '/docs/'] as const;

async function withApp(env: Record<string, string>, run: (t: TestApp) => Promise<void>) {
  const t = await createTestApp(env);
  try {
    await run(t);
  } finally {
    await t.close();
  }
}

describe('/metrics and /docs', () => {
  it('are served to anyone outside production', () =>
    withApp({}, async (t) => {
      for (const path of VIEWS) await t.http().get(path).expect(200);
    }));

  it('in production, by default, need the admin token (401 invalid_token without it)', () =>
    withApp({ ...PRODUCTION, ADMIN_TOKEN }, async (t) => {
      for (const path of VIEWS) {
        for (const authorization of [undefined, 'Bearer wrong', `Basic ${ADMIN_TOKEN}`]) {
          const req = t.http().get(path);
          if (authorization) req.set('Authorization', authorization);
          const res = await req;
          expectRefusal(
            res,
            401,
            'invalid_token',
            'An admin token is required for this operator view',
          );
          expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="proofgate"/);
        }
      }

      const bearer = `Bearer ${ADMIN_TOKEN}`;
      const metrics = await t.http().get('/metrics').set('Authorization', bearer).expect(200);
      expect(metrics.text).toContain('# TYPE proofgate_');
      const docs = await t.http().get('/docs-json').set('Authorization', bearer).expect(200);
      expect(docs.body).toMatchObject({ openapi: expect.stringMatching(/^3\./) as string });
      await t.http().get('/docs/').set('Authorization', bearer).expect(200);
    }));

  it('in production without an ADMIN_TOKEN are not served at all', () =>
    withApp(PRODUCTION, async (t) => {
      for (const path of VIEWS) {
        const res = await t.http().get(path).set('Authorization', 'Bearer anything').expect(404);
        expect(res.body.error).toBe('not_found');
      }
    }));

  it('in production are served to anyone when METRICS_ENABLED / DOCS_ENABLED are true', () =>
    withApp({ ...PRODUCTION, METRICS_ENABLED: 'true', DOCS_ENABLED: 'true' }, async (t) => {
      for (const path of VIEWS) await t.http().get(path).expect(200);
    }));

  it('can be switched off outside production, each on its own', () =>
    withApp({ METRICS_ENABLED: 'false' }, async (t) => {
      await t.http().get('/metrics').expect(404);
      await t.http().get('/docs-json').expect(200);
    }));

  it('in production take the admin token with the Bearer scheme in any case (RFC 7235 §2.1), /challenge-models/live too', () =>
    withApp({ ...PRODUCTION, ADMIN_TOKEN }, async (t) => {
      // One admin-token check serves every view: the same answers for the same headers.
      for (const path of ['/metrics', '/docs-json', '/challenge-models/live']) {
        for (const scheme of ['Bearer', 'bearer', 'BEARER', 'bEaReR']) {
          await t.http().get(path).set('Authorization', `${scheme} ${ADMIN_TOKEN}`).expect(200);
        }
        for (const authorization of [
          `Bearer ${ADMIN_TOKEN.slice(1)}`,
          `Bearer ${ADMIN_TOKEN}x`,
          `Basic ${ADMIN_TOKEN}`,
          `Bearer${ADMIN_TOKEN}`,
          ADMIN_TOKEN,
        ]) {
          const res = await t.http().get(path).set('Authorization', authorization).expect(401);
          expect(res.body.error).toBe('invalid_token');
        }
      }
    }));
});
