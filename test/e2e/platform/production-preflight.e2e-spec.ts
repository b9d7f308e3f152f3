/**
 * Unsafe production settings do not start silently (issue #19, finding 7). With
 * NODE_ENV=production: an `http:` ISSUER is refused unless ALLOW_INSECURE_ISSUER=true; the lab
 * needs an ADMIN_TOKEN and every run presents it as a Bearer token; seeded demo users (published
 * passwords) are announced at level warn. The one-line refusals of a real start are in
 * test/e2e/platform/startup-failures.e2e-spec.ts.
 */
import { LogDestination } from '../../../src/platform/logging/log-destination';
import { ConfigError } from '../../../src/config/env-parsers';
import { CapturedLog } from '../../support/captured-log';
import { TestApp, createTestApp } from '../../support/test-app';
import { ipIssuer } from '../../support/ip-issuer';
import { expectRefusal } from '../../support/refusal';
import { useTestApp } from '../../support/use-test-app';

const ADMIN_TOKEN = 'a'.repeat(40);
const PRODUCTION = {
  NODE_ENV: 'production',
  KEY_ENCRYPTION_SECRET: 'k'.repeat(40),
  LOG_LEVEL: 'silent',
};
/** pino's number for `warn`. */
const WARN = 40;

async function withApp(
  env: Record<string, string>,
  run: (t: TestApp) => Promise<void> | void,
  log?: CapturedLog,
): Promise<void> {
  const t = await createTestApp(env, log ? [[LogDestination, log]] : []);
  try {
    await run(t);
  } finally {
    await t.close();
  }
}

describe('the production preflight', () => {
  it('refuses an http ISSUER, and starts with it once ALLOW_INSECURE_ISSUER=true', async () => {
    const http = { ...PRODUCTION, ISSUER: 'http://auth.example.test' };
    await expect(createTestApp(http)).rejects.toThrow(ConfigError);
    await expect(createTestApp(http)).rejects.toThrow(
      /^ISSUER must be an https URL when NODE_ENV=production, got http:\/\/auth\.example\.test .*ALLOW_INSECURE_ISSUER=true$/,
    );
    await withApp({ ...http, ALLOW_INSECURE_ISSUER: 'true' }, async (t) => {
      await t.http().get('/health/live').expect(200);
    });
  });

  it('refuses LAB_ENABLED=true without an ADMIN_TOKEN', async () => {
    await expect(
      createTestApp({ ...PRODUCTION, ISSUER: 'https://auth.example.test', LAB_ENABLED: 'true' }),
    ).rejects.toThrow(/^LAB_ENABLED=true requires ADMIN_TOKEN when NODE_ENV=production/);
  });

  it('refuses EMAIL_LOGIN=true without SMTP_URL, and starts without email when it is left unset', async () => {
    const https = { ...PRODUCTION, ISSUER: 'https://auth.example.test' };
    await expect(createTestApp({ ...https, EMAIL_LOGIN: 'true' })).rejects.toThrow(
      /^EMAIL_LOGIN=true requires SMTP_URL when NODE_ENV=production: /,
    );
    await withApp(https, async (t) => {
      expect(t.config.mail).toMatchObject({ transport: 'none', emailLogin: false });
      // No embedded catcher in production: no development mailbox either.
      await t.http().get('/dev/mailbox').expect(404);
    });
    await withApp(
      { ...https, EMAIL_LOGIN: 'true', SMTP_URL: 'smtp://mail.example.test:587' },
      (t) => {
        expect(t.config.mail).toMatchObject({ transport: 'smtp', emailLogin: true });
      },
    );
  });

  describe('a lab enabled in production', () => {
    const t = useTestApp({
      ...PRODUCTION,
      // Nothing listens there: a run that does start fails at once, reported in the stream.
      ...ipIssuer('http://127.0.0.1:9'),
      ALLOW_INSECURE_ISSUER: 'true',
      LAB_ENABLED: 'true',
      ADMIN_TOKEN,
    });

    async function labPage(): Promise<{ cookies: string; token: string; html: string }> {
      const res = await t.http().get('/lab').expect(200);
      const lines = (res.headers['set-cookie'] as unknown as string[] | undefined) ?? [];
      const token = /data-csrf-token="([^"]+)"/.exec(res.text)?.[1] ?? '';
      return { cookies: lines.map((l) => l.split(';')[0]).join('; '), token, html: res.text };
    }

    it('tells the operator on the page that a run needs the ADMIN_TOKEN', async () => {
      const { html } = await labPage();
      expect(html).toContain('<input type="password" id="admin-token"');
      expect(html).toMatch(/a run needs its <code>ADMIN_TOKEN<\/code>/);
      expect(html).not.toContain(ADMIN_TOKEN);
    });

    it('refuses a run with the page’s CSRF token but without the admin token: 401', async () => {
      const page = await labPage();
      for (const authorization of [undefined, 'Bearer wrong', `Basic ${ADMIN_TOKEN}`]) {
        const req = t.http().post('/lab/run').set('Cookie', page.cookies);
        req.set('X-CSRF-Token', page.token);
        if (authorization) req.set('Authorization', authorization);
        const res = await req;
        expectRefusal(
          res,
          401,
          'invalid_token',
          'An admin token is required for a lab run in production',
        );
        expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="proofgate"/);
      }
    });

    it('starts a run with the admin token and the CSRF token, and still wants the CSRF token', async () => {
      const page = await labPage();
      const bearer = `Bearer ${ADMIN_TOKEN}`;
      const noCsrf = await t.http().post('/lab/run').set('Authorization', bearer).expect(400);
      expect(noCsrf.body.error).toBe('invalid_request');

      const run = await t
        .http()
        .post('/lab/run')
        .set('Cookie', page.cookies)
        .set('X-CSRF-Token', page.token)
        .set('Authorization', bearer)
        .expect(200);
      expect(run.headers['content-type']).toMatch(/^application\/x-ndjson/);
      expect(run.text).toContain('"event":"failed"');
    });
  });

  it('warns at level warn that the seeded demo users have public passwords, naming them', async () => {
    const log = new CapturedLog();
    const env = {
      ...PRODUCTION,
      ISSUER: 'https://auth.example.test',
      SEED_DEMO_DATA: 'true',
      LOG_LEVEL: 'warn',
    };
    await withApp(
      env,
      () => {
        const warnings = log
          .records()
          .filter((r) => r.level === WARN && String(r.msg).startsWith('SEED_DEMO_DATA=true'));
        expect(warnings).toHaveLength(1);
        const [warning] = warnings;
        expect(warning.msg).toMatch(
          /demo users user0, user1 and the demo clients demo-client, demo-spa/,
        );
        expect(warning.msg).toMatch(/passwords and secrets published/);
        expect(JSON.stringify(warning)).not.toMatch(/password0|password1|demo-secret/);
      },
      log,
    );
  });

  it('does not warn outside production, where seeding is the default', async () => {
    const log = new CapturedLog();
    await withApp(
      { LOG_LEVEL: 'info' },
      (t) => {
        expect(t.config.oauth.seedDemoData).toBe(true);
        // The log does receive this app's start-up lines (the demo users seeded, at info) ...
        expect(log.records().some((r) => String(r.msg).startsWith('Seeded demo user'))).toBe(true);
        // ... and no warning about them.
        expect(log.records().filter((r) => String(r.msg).startsWith('SEED_DEMO_DATA'))).toEqual([]);
      },
      log,
    );
  });
});
