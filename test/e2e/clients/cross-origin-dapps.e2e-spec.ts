/**
 * CORS for dApps and first-party apps on their own origins (issue #31, item 2): the wallet
 * sign-in endpoints answer the origins of registered clients' redirect URIs, the passkey sign-in
 * endpoints those of first-party public clients only; never `*`, never credentials, and any other
 * origin gets no `Access-Control-Allow-Origin`. The browser itself is in
 * browser-dapp-origin.e2e-spec.ts.
 */
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { adminCli } from '../../support/admin-cli';
import { preflight } from '../../support/cors';
import { DEMO_CLIENT, DEMO_SPA } from '../../support/oauth';
import { register } from '../../support/registration';
import { useTestApp } from '../../support/use-test-app';

/** A third-party public client (not first-party) whose dApp runs on its own origin. */
const DAPP = { id: 'cors-dapp', redirectUri: 'https://dapp.example/signed-in' };
const DAPP_ORIGIN = 'https://dapp.example';
/** First-party, public (a seeded demo client). */
const SPA_ORIGIN = new URL(DEMO_SPA.redirectUri).origin;
/** First-party, confidential (a seeded demo client). */
const CONFIDENTIAL_ORIGIN = new URL(DEMO_CLIENT.redirectUri).origin;
const OTHER_ORIGIN = 'https://evil.example';
const CACHE_TTL_SECONDS = 10;

const WALLET_PATHS = ['/wallet/nonce', '/wallet/verify'];
const PASSKEY_PATHS = ['/passkeys/authentication/options', '/passkeys/authentication/verify'];

/** The CORS headers of an answer, for one `toEqual` (absent ones are undefined). */
function corsHeaders(headers: Record<string, string | undefined>) {
  return {
    allowOrigin: headers['access-control-allow-origin'],
    allowMethods: headers['access-control-allow-methods'],
    allowHeaders: headers['access-control-allow-headers'],
    maxAge: headers['access-control-max-age'],
    allowCredentials: headers['access-control-allow-credentials'],
    vary: headers.vary,
  };
}

const ALLOWED_PREFLIGHT = (origin: string) => ({
  allowOrigin: origin,
  allowMethods: 'POST',
  allowHeaders: 'Content-Type',
  maxAge: '600',
  allowCredentials: undefined,
  vary: 'Origin',
});
const REFUSED_PREFLIGHT = {
  allowOrigin: undefined,
  allowMethods: undefined,
  allowHeaders: undefined,
  maxAge: undefined,
  allowCredentials: undefined,
  vary: 'Origin',
};

describe('CORS for dApps: /wallet/nonce, /wallet/verify, /passkeys/authentication/*', () => {
  const t = useTestApp({
    CLIENT_CACHE_TTL_SECONDS: String(CACHE_TTL_SECONDS),
    OAUTH_CLIENTS: JSON.stringify([
      { client_id: DAPP.id, name: 'A dApp', redirect_uris: [DAPP.redirectUri] },
    ]),
  });

  it.each(WALLET_PATHS)(
    'answers a preflight of %s from a registered client’s origin: POST, Content-Type, 10 minutes, no credentials',
    async (path) => {
      const res = await preflight(t, path, DAPP_ORIGIN).expect(204);
      expect(corsHeaders(res.headers)).toEqual(ALLOWED_PREFLIGHT(DAPP_ORIGIN));
    },
  );

  it.each(WALLET_PATHS)(
    'answers a preflight of %s from another origin without any allowance',
    async (path) => {
      const res = await preflight(t, path, OTHER_ORIGIN).expect(204);
      expect(corsHeaders(res.headers)).toEqual(REFUSED_PREFLIGHT);
    },
  );

  it('lets a dApp on its registered origin get a nonce and trade the signed message for tokens', async () => {
    const account = privateKeyToAccount(generatePrivateKey());
    const nonce = await t
      .http()
      .post('/wallet/nonce')
      .set('Origin', DAPP_ORIGIN)
      .send({ address: account.address, chainId: 1 })
      .expect(201);
    expect(nonce.headers['access-control-allow-origin']).toBe(DAPP_ORIGIN);
    expect(nonce.headers['access-control-allow-credentials']).toBeUndefined();
    expect(nonce.headers.vary).toMatch(/\bOrigin\b/);
    // Its 429s say when to come back: Retry-After is readable by the page.
    expect(nonce.headers['access-control-expose-headers']).toContain('Retry-After');

    const message = (nonce.body as { message: string }).message;
    const verified = await t
      .http()
      .post('/wallet/verify')
      .set('Origin', DAPP_ORIGIN)
      .send({ message, signature: await account.signMessage({ message }) })
      .expect(200);
    expect(verified.headers['access-control-allow-origin']).toBe(DAPP_ORIGIN);
    expect(verified.headers['access-control-allow-credentials']).toBeUndefined();
    expect(verified.body).toMatchObject({ token_type: 'Bearer', access_token: expect.any(String) });
  });

  it('lets the dApp read a refusal, in the error envelope', async () => {
    const res = await t
      .http()
      .post('/wallet/verify')
      .set('Origin', DAPP_ORIGIN)
      .send({ message: 'not a SIWE message', signature: '0x00' })
      .expect(400);
    expect(res.headers['access-control-allow-origin']).toBe(DAPP_ORIGIN);
    expect(res.body).toEqual({
      error: expect.any(String),
      error_description: expect.any(String),
    });
  });

  it('gives an unregistered origin’s actual request no Access-Control-Allow-Origin', async () => {
    const account = privateKeyToAccount(generatePrivateKey());
    const res = await t
      .http()
      .post('/wallet/nonce')
      .set('Origin', OTHER_ORIGIN)
      .send({ address: account.address, chainId: 1 })
      .expect(201);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers['access-control-expose-headers']).toBeUndefined();
    expect(res.headers.vary).toMatch(/\bOrigin\b/);
  });

  it.each(['null', `${DAPP_ORIGIN}/`, 'https://dapp.example:443', DAPP_ORIGIN.toUpperCase()])(
    'never echoes an Origin that is not a registered origin as browsers send it (%s)',
    async (origin) => {
      const res = await preflight(t, '/wallet/nonce', origin).expect(204);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    },
  );

  it('allows a confidential client’s origin at the wallet endpoints (any registered client)', async () => {
    const res = await preflight(t, '/wallet/nonce', CONFIDENTIAL_ORIGIN).expect(204);
    expect(res.headers['access-control-allow-origin']).toBe(CONFIDENTIAL_ORIGIN);
  });

  it('allows the origin of a client registered at POST /register (RFC 7591) at once', async () => {
    const origin = 'https://registered-dapp.example';
    // Asked first: the refusal is cached, and the registration must clear it.
    const before = await preflight(t, '/wallet/nonce', origin).expect(204);
    expect(before.headers['access-control-allow-origin']).toBeUndefined();
    await register(t, {
      redirect_uris: [`${origin}/cb`],
      token_endpoint_auth_method: 'none',
    }).expect(201);
    const after = await preflight(t, '/wallet/nonce', origin).expect(204);
    expect(corsHeaders(after.headers)).toEqual(ALLOWED_PREFLIGHT(origin));
    // A registered client is not first-party: no passkey sign-in from its origin.
    const passkeys = await preflight(t, PASSKEY_PATHS[0], origin).expect(204);
    expect(passkeys.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('allows the origin of a client the admin CLI added within CLIENT_CACHE_TTL_SECONDS, without a restart', async () => {
    const origin = 'https://operator-dapp.example';
    const before = await preflight(t, '/wallet/verify', origin).expect(204);
    expect(before.headers['access-control-allow-origin']).toBeUndefined();
    const added = await adminCli(t, [
      'clients',
      'add',
      'operator-dapp',
      '--public',
      '--redirect-uri',
      `${origin}/cb`,
    ]);
    expect(added.code).toBe(0);
    // Another process wrote it: this instance holds its cached refusal for the cache age.
    const cached = await preflight(t, '/wallet/verify', origin).expect(204);
    expect(cached.headers['access-control-allow-origin']).toBeUndefined();
    t.clock.advance(CACHE_TTL_SECONDS);
    const after = await preflight(t, '/wallet/verify', origin).expect(204);
    expect(after.headers['access-control-allow-origin']).toBe(origin);
  });

  it.each(PASSKEY_PATHS)(
    'answers a preflight of %s from a first-party public client’s origin',
    async (path) => {
      const res = await preflight(t, path, SPA_ORIGIN).expect(204);
      expect(corsHeaders(res.headers)).toEqual(ALLOWED_PREFLIGHT(SPA_ORIGIN));
    },
  );

  it.each([
    ['a third-party public client', DAPP_ORIGIN],
    ['a first-party confidential client', CONFIDENTIAL_ORIGIN],
    ['no client', OTHER_ORIGIN],
  ])('refuses passkey sign-in from the origin of %s', async (_who, origin) => {
    for (const path of PASSKEY_PATHS) {
      const res = await preflight(t, path, origin).expect(204);
      expect(corsHeaders(res.headers)).toEqual(REFUSED_PREFLIGHT);
    }
    const actual = await t
      .http()
      .post('/passkeys/authentication/options')
      .set('Origin', origin)
      .send({})
      .expect(200);
    expect(actual.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('lets a first-party app read the passkey request options from its origin', async () => {
    const res = await t
      .http()
      .post('/passkeys/authentication/options')
      .set('Origin', SPA_ORIGIN)
      .send({})
      .expect(200);
    expect(res.headers['access-control-allow-origin']).toBe(SPA_ORIGIN);
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    expect(res.body).toMatchObject({ challenge: expect.any(String) });
  });

  it('never allows passkey registration, even from a first-party origin', async () => {
    for (const path of ['/passkeys/registration/options', '/passkeys/registration/verify']) {
      // No CORS rule: the preflight reaches the router, which has no OPTIONS route (404).
      const res = await preflight(t, path, SPA_ORIGIN);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    }
  });

  it('allows a first-party public client the admin CLI added within CLIENT_CACHE_TTL_SECONDS', async () => {
    const origin = 'https://own-app.example';
    const path = PASSKEY_PATHS[1];
    expect(
      (await preflight(t, path, origin)).headers['access-control-allow-origin'],
    ).toBeUndefined();
    const added = await adminCli(t, [
      'clients',
      'add',
      'own-app',
      '--public',
      '--first-party',
      '--redirect-uri',
      `${origin}/cb`,
    ]);
    expect(added.code).toBe(0);
    t.clock.advance(CACHE_TTL_SECONDS);
    const after = await preflight(t, path, origin).expect(204);
    expect(after.headers['access-control-allow-origin']).toBe(origin);
  });
});
