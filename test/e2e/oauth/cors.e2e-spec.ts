import request from 'supertest';
import { DEMO_SPA, exchangeCode, obtainCode, useLoggedInApp } from '../../support/oauth';
import { preflight } from '../../support/cors';

const SPA_ORIGIN = new URL(DEMO_SPA.redirectUri).origin;
const OTHER_ORIGIN = 'https://evil.example';

/** The headers the SPA sends with its POSTs (a DPoP or bearer token beside the form). */
const SPA_HEADERS = 'content-type, authorization';

describe('CORS (RFC 9700 §2.6, browser-based apps BCP)', () => {
  const t = useLoggedInApp();

  it('demo-spa exchanges its code at /token from its own origin', async () => {
    const { code, verifier } = await obtainCode(t.agent, {
      client_id: DEMO_SPA.id,
      redirect_uri: DEMO_SPA.redirectUri,
    });
    const res = await exchangeCode(t.app.getHttpServer(), code, verifier, DEMO_SPA)
      .set('Origin', SPA_ORIGIN)
      .expect(200);
    expect(res.headers['access-control-allow-origin']).toBe(SPA_ORIGIN);
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    expect(res.headers.vary).toMatch(/Origin/);
    expect(res.body.access_token).toEqual(expect.any(String));
  });

  it('answers a preflight of /token from a registered origin with 204 and the allowances', async () => {
    const res = await preflight(t, '/token', SPA_ORIGIN, SPA_HEADERS).expect(204);
    expect(res.headers['access-control-allow-origin']).toBe(SPA_ORIGIN);
    expect(res.headers['access-control-allow-methods']).toBe('POST');
    expect(res.headers['access-control-allow-headers']).toBe('Authorization, Content-Type, DPoP');
    expect(Number(res.headers['access-control-max-age'])).toBeGreaterThan(0);
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('allows /revoke from a registered origin', async () => {
    const res = await preflight(t, '/revoke', SPA_ORIGIN, SPA_HEADERS).expect(204);
    expect(res.headers['access-control-allow-origin']).toBe(SPA_ORIGIN);
  });

  it('lets a registered origin call /api/me with its bearer token, and no other origin', async () => {
    const { code, verifier } = await obtainCode(t.agent, {
      client_id: DEMO_SPA.id,
      redirect_uri: DEMO_SPA.redirectUri,
    });
    const token = (await exchangeCode(t.app.getHttpServer(), code, verifier, DEMO_SPA)).body
      .access_token as string;
    const pre = await t
      .http()
      .options('/api/me')
      .set('Origin', SPA_ORIGIN)
      .set('Access-Control-Request-Method', 'GET')
      .set('Access-Control-Request-Headers', 'authorization')
      .expect(204);
    expect(pre.headers['access-control-allow-origin']).toBe(SPA_ORIGIN);
    expect(pre.headers['access-control-allow-methods']).toBe('GET');
    expect(pre.headers['access-control-allow-headers']).toBe('Authorization, Content-Type, DPoP');

    const me = await t
      .http()
      .get('/api/me')
      .set('Origin', SPA_ORIGIN)
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect(me.headers['access-control-allow-origin']).toBe(SPA_ORIGIN);
    expect(me.headers['access-control-allow-credentials']).toBeUndefined();
    // The page can read a 401's challenge (RFC 9728 resource_metadata).
    const refused = await t.http().get('/api/me').set('Origin', SPA_ORIGIN).expect(401);
    expect(refused.headers['access-control-expose-headers']).toContain('WWW-Authenticate');

    const other = await preflight(t, '/api/me', OTHER_ORIGIN, SPA_HEADERS).expect(204);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('gives another origin no CORS headers on /token, preflight or not', async () => {
    const pre = await preflight(t, '/token', OTHER_ORIGIN, SPA_HEADERS).expect(204);
    expect(pre.headers['access-control-allow-origin']).toBeUndefined();
    expect(pre.headers['access-control-allow-methods']).toBeUndefined();
    const res = await request(t.app.getHttpServer())
      .post('/token')
      .type('form')
      .set('Origin', OTHER_ORIGIN)
      .send({ grant_type: 'refresh_token', client_id: DEMO_SPA.id, refresh_token: 'x' })
      .expect(400);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('never allows /authorize or the login pages, even for a registered origin', async () => {
    for (const path of ['/authorize', '/login']) {
      const get = await t.http().get(path).set('Origin', SPA_ORIGIN);
      expect(get.headers['access-control-allow-origin']).toBeUndefined();
      const pre = await preflight(t, path, SPA_ORIGIN, SPA_HEADERS);
      expect(pre.headers['access-control-allow-origin']).toBeUndefined();
      expect(pre.headers['access-control-allow-methods']).toBeUndefined();
    }
  });

  it.each([
    '/.well-known/oauth-authorization-server',
    '/.well-known/oauth-protected-resource/api',
    '/jwks.json',
  ])('serves %s to any origin, without credentials', async (path) => {
    const res = await t.http().get(path).set('Origin', OTHER_ORIGIN).expect(200);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
  });
});
