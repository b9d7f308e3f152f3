import { LoopbackBrowser, listenOnLoopback } from '../../support/loopback-browser';
import { DEMO_CLIENT, basic, demoAuthorizePath } from '../../support/oauth';
import { sample } from '../../support/metrics';
import { expectRefusal } from '../../support/refusal';
import { useTestApp } from '../../support/use-test-app';
import { placeInWindow } from '../../support/rate-limit-window';

/** `Authorization: <scheme> base64(id:secret)` with the id and secret exactly as given. */
function rawBasic(scheme: string, id: string, secret: string): string {
  return `${scheme} ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}

describe('the per-client /token limits are keyed on the decoded client id', () => {
  const t = useTestApp({
    RATE_LIMIT_TOKEN_PER_CLIENT: '3',
    RATE_LIMIT_TOKEN_PER_IP: '100000',
    OAUTH_CLIENTS: JSON.stringify([
      {
        client_id: 'scheme-client',
        client_secret: 'scheme-secret',
        redirect_uris: ['https://app.example/cb'],
      },
    ]),
  });

  const refresh = (authorization: string) =>
    t
      .http()
      .post('/token')
      .type('form')
      .set('Authorization', authorization)
      .send({ grant_type: 'refresh_token', refresh_token: 'not-a-token' });

  it('counts a form-encoded Basic user name (RFC 6749 §2.3.1) as the same client', async () => {
    placeInWindow([t]);
    for (let i = 0; i < 3; i++) {
      expect((await refresh(basic(DEMO_CLIENT.id, DEMO_CLIENT.secret))).status).toBe(400);
    }
    // `demo%2Dclient` decodes to `demo-client`: no fresh bucket.
    const encoded = await refresh(rawBasic('Basic', 'demo%2Dclient', DEMO_CLIENT.secret));

    expectRefusal(encoded, 429, 'too_many_requests', 'Too many requests; slow down');
    expect(Number(encoded.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('counts the refusals of the limit in the token-request metrics', async () => {
    const metrics = (await t.http().get('/metrics').expect(200)).text;
    // The test above was refused once by the per-client limit.
    expect(
      sample(metrics, 'proofgate_token_requests_total', {
        grant_type: 'refresh_token',
        outcome: 'too_many_requests',
      }),
    ).toBe(1);
  });

  it('counts a request that fails authentication under its decoded claim and address only', async () => {
    placeInWindow([t]);
    for (let i = 0; i < 3; i++) {
      expect((await refresh(basic(DEMO_CLIENT.id, `wrong-${i}`))).status).toBe(401);
    }
    // Before authentication the claimed client is counted with the caller's address: the same
    // claim, form-encoded, is the same (address, client) count ...
    const encoded = await refresh(rawBasic('Basic', 'demo%2Dclient', 'wrong-3'));
    expect(encoded.status).toBe(429);
    expect(encoded.body.error_description).toBe('Too many requests; slow down');
  });

  it('treats a lower-case "basic" scheme like "Basic"', async () => {
    placeInWindow([t]);
    // The scheme is case-insensitive (RFC 9110 §11.1), for authentication and limits alike.
    expect((await refresh(rawBasic('basic', 'scheme-client', 'scheme-secret'))).status).toBe(400);
    expect((await refresh(rawBasic('Basic', 'scheme-client', 'scheme-secret'))).status).toBe(400);
    expect((await refresh(rawBasic('BASIC', 'scheme-client', 'scheme-secret'))).status).toBe(400);

    const limited = await refresh(rawBasic('basic', 'scheme-client', 'scheme-secret'));
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
  });
});

describe('GET /authorize is rate limited per IP (RATE_LIMIT_AUTHORIZE_PER_IP)', () => {
  let baseUrl: string;

  const t = useTestApp({ RATE_LIMIT_AUTHORIZE_PER_IP: '3' });
  beforeAll(async () => {
    baseUrl = await listenOnLoopback(t);
  });

  it('answers 429 with Retry-After past the limit, for that address only', async () => {
    placeInWindow([t]);
    const path = demoAuthorizePath('s');
    const busy = new LoopbackBrowser(baseUrl, '127.0.0.5');
    for (let i = 0; i < 3; i++) expect((await busy.get(path)).status).toBe(302);

    const limited = await busy.get(path, { accept: 'application/json' });
    expect(limited.status).toBe(429);
    expect(limited.json).toEqual({
      error: 'too_many_requests',
      error_description: 'Too many requests; slow down',
    });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.headers.location).toBeUndefined();

    expect((await new LoopbackBrowser(baseUrl, '127.0.0.6').get(path)).status).toBe(302);
  });

  it('counts POST /authorize (OpenID Connect Core §3.1.2.1) with GET, under the same limit', async () => {
    placeInWindow([t]);
    const path = demoAuthorizePath('s');
    const form = Object.fromEntries(new URL(path, baseUrl).searchParams);
    const busy = new LoopbackBrowser(baseUrl, '127.0.0.7');
    expect((await busy.get(path)).status).toBe(302);
    for (let i = 0; i < 2; i++) expect((await busy.postForm('/authorize', form)).status).toBe(303);
    const limited = await busy.postForm('/authorize', form, { accept: 'application/json' });
    expect(limited.status).toBe(429);
    expect((await busy.get(path)).status).toBe(429);
  });
});
