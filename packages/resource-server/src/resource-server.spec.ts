import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  SignJWT,
  calculateJwkThumbprint,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  type CryptoKey,
  type JWK,
} from 'jose';
import { P256_ORDER, P256_SCALAR_BYTES, hasLowS } from './low-s';
import type { RefusalEvent } from './refusal';
import type { ReplayStore } from './replay-cache';
import {
  type ProtectedRequest,
  ResourceServer,
  type ResourceServerOptions,
} from './resource-server';

/**
 * The core against an issuer of the spec's own: a local HTTP server publishing RFC 8414 metadata
 * and a JWKS, whose keys sign the tokens. No mocked fetch: the core reads both over HTTP.
 */
describe('ResourceServer (the core both faces share)', () => {
  let server: Server;
  let issuer: string;
  let signing: { privateKey: CryptoKey; kid: string };
  const published: JWK[] = [];
  let jwksFetches = 0;
  let jwksUp = true;
  const resource = 'https://api.example/notes';

  beforeAll(async () => {
    signing = await newKey('k1');
    server = createServer((req, res) => {
      if (req.url === '/.well-known/oauth-authorization-server') {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks.json` }));
      } else if (req.url === '/jwks.json' && jwksUp) {
        jwksFetches += 1;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ keys: published }));
      } else {
        res.statusCode = 404;
        res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function newKey(kid: string) {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    published.push({ ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' });
    return { privateKey, kid };
  }

  /** An access token signed as Proofgate signs: ES256 with the low s (`high` gives the other). */
  async function token(
    claims: Record<string, unknown> = {},
    typ = 'at+jwt',
    key = signing,
    { high = false } = {},
  ) {
    const signed = await unnormalised(claims, typ, key);
    return hasLowS(signed) === high ? otherS(signed) : signed;
  }

  function unnormalised(claims: Record<string, unknown>, typ: string, key: typeof signing) {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      iss: issuer,
      sub: 'user1',
      aud: resource,
      client_id: 'notes-app',
      scope: 'notes:read',
      iat: now,
      exp: now + 300,
      jti: randomUUID(),
      ...claims,
    })
      .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ })
      .sign(key.privateKey);
  }

  /** SEC 1 §4.1.4: the same ES256 signature with s replaced by n - s, which verifies as well. */
  function otherS(jws: string): string {
    const dot = jws.lastIndexOf('.');
    const signature = Buffer.from(jws.slice(dot + 1), 'base64url');
    const s = BigInt(`0x${signature.subarray(P256_SCALAR_BYTES).toString('hex')}`);
    const flipped = Buffer.from(
      (P256_ORDER - s).toString(16).padStart(2 * P256_SCALAR_BYTES, '0'),
      'hex',
    );
    const other = Buffer.concat([signature.subarray(0, P256_SCALAR_BYTES), flipped]);
    return `${jws.slice(0, dot)}.${other.toString('base64url')}`;
  }

  const core = (options: Partial<ResourceServerOptions> = {}) =>
    new ResourceServer({ issuer, resource, jwks: { cooldownMs: 0 }, ...options });
  const get = (authorization?: string, headers: Record<string, string> = {}) => ({
    method: 'GET',
    url: '/notes/1?x=y',
    headers: { ...(authorization ? { authorization } : {}), ...headers },
  });

  it('admits a good token and hands the handler its claims, CIBA approval and details included', async () => {
    const approval = { method: 'passkey', hash: 'h', time: 1 };
    const details = [{ type: 'payment_initiation', amount: '10' }];
    const verdict = await core({ scopes: ['notes:read'] }).authenticate(
      get(`Bearer ${await token({ approval, authorization_details: details, acr: 'phr' })}`),
    );
    expect(verdict).toMatchObject({
      ok: true,
      claims: {
        sub: 'user1',
        client_id: 'notes-app',
        scopes: ['notes:read'],
        acr: 'phr',
        approval,
        authorization_details: details,
      },
    });
  });

  it('refuses a JWT that is not an access token (typ)', async () => {
    const verdict = await core().authenticate(get(`Bearer ${await token({}, 'JWT')}`));
    expect(verdict).toMatchObject({ ok: false, status: 401, body: { error: 'invalid_token' } });
  });

  it('refuses a token from another issuer and one signed by an unpublished key', async () => {
    const other = await core().authenticate(get(`Bearer ${await token({ iss: 'https://evil' })}`));
    expect(other).toMatchObject({
      status: 401,
      body: { error_description: 'The access token is from another issuer' },
    });
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await core().authenticate(
      get(`Bearer ${await token({}, 'at+jwt', { privateKey, kid: 'k1' })}`),
    );
    expect(forged).toMatchObject({
      status: 401,
      body: { error_description: 'The access token is invalid' },
    });
  });

  it('allows the configured skew on exp, and no more', async () => {
    const now = Math.floor(Date.now() / 1000);
    const justExpired = await token({ exp: now - 3 });
    await expect(core().authenticate(get(`Bearer ${justExpired}`))).resolves.toMatchObject({
      ok: true,
    });
    await expect(
      core({ clockToleranceSeconds: 0 }).authenticate(get(`Bearer ${justExpired}`)),
    ).resolves.toMatchObject({ body: { error_description: 'The access token expired' } });
  });

  it('asks for a recent sign-in when auth_time is older than maxAge (RFC 9470 max_age)', async () => {
    const old = await token({ auth_time: Math.floor(Date.now() / 1000) - 3600 });
    const verdict = await core({ maxAge: 600 }).authenticate(get(`Bearer ${old}`));
    expect(verdict).toMatchObject({
      status: 401,
      body: { error: 'insufficient_user_authentication' },
    });
    expect(!verdict.ok && verdict.headers['WWW-Authenticate']).toContain('max_age="600"');
    const fresh = await token({ auth_time: Math.floor(Date.now() / 1000) - 60 });
    await expect(core({ maxAge: 600 }).authenticate(get(`Bearer ${fresh}`))).resolves.toMatchObject(
      { ok: true },
    );
  });

  it('refuses a route’s acr it does not know, at once', () => {
    expect(() => core({ acr: 'gold' })).toThrow('acr gold is not one of');
  });

  it('fetches a rotated key when a token names a kid it has not seen', async () => {
    const checker = core();
    await expect(checker.authenticate(get(`Bearer ${await token()}`))).resolves.toMatchObject({
      ok: true,
    });
    const before = jwksFetches;
    const rotated = await newKey('k2');
    await expect(
      checker.authenticate(get(`Bearer ${await token({}, 'at+jwt', rotated)}`)),
    ).resolves.toMatchObject({ ok: true });
    expect(jwksFetches).toBe(before + 1);
  });

  it('answers 503, not a refusal of the token, when the issuer’s keys cannot be read', async () => {
    jwksUp = false;
    try {
      const verdict = await core().authenticate(get(`Bearer ${await token()}`));
      expect(verdict).toMatchObject({
        ok: false,
        status: 503,
        body: { error: 'temporarily_unavailable' },
      });
    } finally {
      jwksUp = true;
    }
  });

  it('throws, naming both, when the issuer option is not the issuer its metadata names (no retry mends it)', async () => {
    const checker = new ResourceServer({ issuer: `${issuer}/`, resource });
    await expect(checker.authenticate(get(`Bearer ${await token()}`))).rejects.toThrow(
      `names the issuer "${issuer}", not "${issuer}/": set the option issuer to the issuer exactly`,
    );
  });

  /** A DPoP key of the client's, a token bound to it, and proofs of it for GET /notes/1. */
  async function boundClient() {
    const dpop = await generateKeyPair('ES256', { extractable: true });
    const jwk = await exportJWK(dpop.publicKey);
    const bound = await token({ cnf: { jkt: await calculateJwkThumbprint(jwk) } });
    const proof = (nonce?: string) =>
      new SignJWT({
        htm: 'GET',
        htu: 'https://api.example/notes/1',
        iat: Math.floor(Date.now() / 1000),
        jti: randomUUID(),
        ath: createHash('sha256').update(bound).digest('base64url'),
        ...(nonce ? { nonce } : {}),
      })
        .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
        .sign(dpop.privateKey);
    return { bound, proof };
  }

  describe('DPoP nonces (RFC 9449 §9)', () => {
    it('asks for a nonce, then accepts the proof that carries it', async () => {
      const { bound, proof } = await boundClient();
      const checker = core({ dpop: { nonces: true } });
      const first = await checker.authenticate(get(`DPoP ${bound}`, { dpop: await proof() }));
      expect(first).toMatchObject({ ok: false, status: 401, body: { error: 'use_dpop_nonce' } });
      const nonce = !first.ok ? first.headers['DPoP-Nonce'] : '';
      expect(!first.ok && first.headers['WWW-Authenticate']).toMatch(
        /^DPoP error="use_dpop_nonce", .*algs="ES256 EdDSA Ed25519 RS256 PS256"/,
      );
      await expect(
        checker.authenticate(get(`DPoP ${bound}`, { dpop: await proof(nonce) })),
      ).resolves.toMatchObject({ ok: true, claims: { sub: 'user1' } });
    });

    it("takes the API's own nonces (a DpopNonceSource) when given one", async () => {
      const { bound, proof } = await boundClient();
      const checker = core({
        dpop: {
          nonces: {
            current: () => 'api-nonce-7',
            check: (nonce) => (nonce === 'api-nonce-7' ? 'current' : 'invalid'),
          },
        },
      });
      const first = await checker.authenticate(get(`DPoP ${bound}`, { dpop: await proof('x') }));
      expect(first).toMatchObject({
        ok: false,
        body: { error: 'use_dpop_nonce' },
        headers: { 'DPoP-Nonce': 'api-nonce-7' },
      });
      await expect(
        checker.authenticate(get(`DPoP ${bound}`, { dpop: await proof('api-nonce-7') })),
      ).resolves.toMatchObject({ ok: true });
    });
  });

  describe('what an API injects', () => {
    it('verifies with a key resolver of its own, never reading discovery or the JWKS', async () => {
      const before = jwksFetches;
      const checker = new ResourceServer({
        issuer,
        resource,
        keys: createLocalJWKSet({ keys: published }),
      });
      await expect(checker.authenticate(get(`Bearer ${await token()}`))).resolves.toMatchObject({
        ok: true,
      });
      expect(jwksFetches).toBe(before);
    });

    it('answers 503 when its key resolver fails, and invalid_token when it knows no such key', async () => {
      const failing = new ResourceServer({
        issuer,
        resource,
        keys: () => Promise.reject(new Error('keyset not loaded')),
      });
      await expect(failing.authenticate(get(`Bearer ${await token()}`))).resolves.toMatchObject({
        status: 503,
      });
      const empty = new ResourceServer({ issuer, resource, keys: createLocalJWKSet({ keys: [] }) });
      await expect(empty.authenticate(get(`Bearer ${await token()}`))).resolves.toMatchObject({
        status: 401,
        body: { error: 'invalid_token' },
      });
    });

    it('records DPoP jtis in a store the instances share: a proof replayed at another instance is refused', async () => {
      const recorded = new Map<string, number>();
      const shared: ReplayStore = {
        // As a database's unique insert would answer: asynchronously, once per key.
        recordOnce: async (key, nowMs, lifetimeMs) => {
          await new Promise((resolve) => setImmediate(resolve));
          if ((recorded.get(key) ?? 0) > nowMs) return false;
          recorded.set(key, nowMs + lifetimeMs);
          return true;
        },
      };
      const [one, two] = [core({ dpop: { replays: shared } }), core({ dpop: { replays: shared } })];
      const { bound, proof } = await boundClient();
      const request = get(`DPoP ${bound}`, { dpop: await proof() });
      await expect(one.authenticate(request)).resolves.toMatchObject({ ok: true });
      await expect(two.authenticate(request)).resolves.toMatchObject({
        ok: false,
        status: 401,
        body: {
          error: 'invalid_dpop_proof',
          error_description: 'The DPoP proof was already used (jti replay)',
        },
      });
      expect(recorded.size).toBe(1);
    });

    it("refuses by the API's own check after verification, in the scheme the token calls for", async () => {
      const seen: string[] = [];
      const checker = core({
        scopes: ['notes:write'],
        check: (claims) => {
          seen.push(claims.sub);
          return claims.payload.gid === 'revoked'
            ? { error: 'invalid_token', description: 'The access token has been revoked' }
            : undefined;
        },
      });
      const revoked = await checker.authenticate(get(`Bearer ${await token({ gid: 'revoked' })}`));
      // Before the route's requirements: the token lacks notes:write, but is refused as revoked.
      expect(revoked).toEqual({
        ok: false,
        status: 401,
        headers: {
          'WWW-Authenticate': `Bearer error="invalid_token", error_description="The access token has been revoked", resource_metadata="https://api.example/.well-known/oauth-protected-resource/notes"`,
          'Cache-Control': 'no-store',
        },
        body: { error: 'invalid_token', error_description: 'The access token has been revoked' },
      });
      const live = await checker.authenticate(get(`Bearer ${await token({ gid: 'live' })}`));
      expect(live).toMatchObject({ status: 403, body: { error: 'insufficient_scope' } });
      expect(seen).toEqual(['user1', 'user1']);
    });

    it('answers a DPoP-bound token refused by the check in the DPoP scheme, with its auth-params', async () => {
      const { bound, proof } = await boundClient();
      const checker = core({
        check: () => ({
          error: 'insufficient_user_authentication',
          description: 'A passkey sign-in is needed',
          acr_values: 'phr',
        }),
      });
      const verdict = await checker.authenticate(get(`DPoP ${bound}`, { dpop: await proof() }));
      expect(verdict).toMatchObject({ ok: false, status: 401 });
      expect(!verdict.ok && verdict.headers['WWW-Authenticate']).toBe(
        'DPoP error="insufficient_user_authentication", error_description="A passkey sign-in is needed", acr_values="phr", algs="ES256 EdDSA Ed25519 RS256 PS256", resource_metadata="https://api.example/.well-known/oauth-protected-resource/notes"',
      );
    });
  });

  it('refuses the high-s twin of an ES256 token unless told the issuer does not normalise', async () => {
    const events: RefusalEvent[] = [];
    const high = await token({}, 'at+jwt', signing, { high: true });
    await expect(
      core({ onRefusal: (event) => events.push(event) }).authenticate(get(`Bearer ${high}`)),
    ).resolves.toMatchObject({
      status: 401,
      body: { error: 'invalid_token', error_description: 'The access token is invalid' },
    });
    expect(events).toEqual([
      { status: 401, error: 'invalid_token', reason: 'high_s', scheme: 'Bearer' },
    ]);
    await expect(
      core({ requireLowS: false }).authenticate(get(`Bearer ${high}`)),
    ).resolves.toMatchObject({ ok: true });
    await expect(core().authenticate(get(`Bearer ${otherS(high)}`))).resolves.toMatchObject({
      ok: true,
    });
  });

  describe('what an API adds to the DPoP rules', () => {
    it("narrows a token's proof algorithms by the API's rule, asked with the proof's alg", async () => {
      const { bound, proof } = await boundClient();
      const asked: string[] = [];
      const checker = (allowed: readonly string[] | undefined) =>
        core({
          dpop: {
            allowedAlgs: (claims, alg) => {
              asked.push(`${claims.client_id} ${alg}`);
              return allowed;
            },
          },
        });
      await expect(
        checker(['PS256', 'EdDSA']).authenticate(get(`DPoP ${bound}`, { dpop: await proof() })),
      ).resolves.toMatchObject({
        status: 401,
        body: {
          error: 'invalid_dpop_proof',
          error_description:
            'The DPoP proof must be signed with PS256, EdDSA for this client, not ES256',
        },
      });
      await expect(
        checker(undefined).authenticate(get(`DPoP ${bound}`, { dpop: await proof() })),
      ).resolves.toMatchObject({ ok: true });
      expect(asked).toEqual(['notes-app ES256', 'notes-app ES256']);
    });

    it('tells onRefusal each refusal by a bounded reason, nothing of the token or proof', async () => {
      const events: RefusalEvent[] = [];
      const checker = core({ onRefusal: (event) => events.push(event) });
      const { bound, proof } = await boundClient();
      const once = await proof();
      await checker.authenticate(get());
      await checker.authenticate(get(`DPoP ${bound}`, { dpop: once }));
      await checker.authenticate(get(`DPoP ${bound}`, { dpop: once }));
      await checker.authenticate({ ...get(`DPoP ${bound}`, { dpop: await proof() }), url: '/x' });
      await checker.authenticate(get(`Bearer ${bound}`));
      expect(events).toEqual([
        { status: 401, error: 'invalid_request', reason: 'no_token', scheme: 'Bearer' },
        { status: 401, error: 'invalid_dpop_proof', reason: 'replay', scheme: 'DPoP' },
        { status: 401, error: 'invalid_dpop_proof', reason: 'htu_mismatch', scheme: 'DPoP' },
        { status: 401, error: 'invalid_token', reason: 'bound_as_bearer', scheme: 'DPoP' },
      ]);
    });

    it('reads the Authorization header as RFC 6750 §3.1 says: malformed 400, another scheme bare, twice 400', async () => {
      const events: RefusalEvent[] = [];
      const checker = core({ onRefusal: (event) => events.push(event) });
      const malformed = await checker.authenticate(get('Bearer a b'));
      expect(malformed).toMatchObject({
        ok: false,
        status: 400,
        body: { error: 'invalid_request' },
      });
      expect(malformed.headers['WWW-Authenticate']).toMatch(/^Bearer error="invalid_request"/);
      const basic = await checker.authenticate(get('Basic dXNlcjpwYXNz'));
      expect(basic).toEqual(await core().authenticate(get()));
      const { bound, proof } = await boundClient();
      const good = `DPoP ${bound}`;
      const dpop = await proof();
      // An adapter that keeps every line hands an array; Node keeps the first and the raw lines.
      const asArray = {
        ...get(undefined, { dpop }),
        headers: { authorization: [good, 'Bearer x'], dpop },
      };
      const asRaw = {
        ...get(good, { dpop }),
        rawHeaders: ['Authorization', good, 'authorization', 'Bearer x', 'DPoP', dpop],
      };
      for (const request of [asArray, asRaw]) {
        await expect(checker.authenticate(request as ProtectedRequest)).resolves.toMatchObject({
          status: 400,
          body: {
            error: 'invalid_request',
            error_description: 'The request has more than one Authorization header: send one',
          },
        });
      }
      expect(events.map((event) => `${event.status} ${event.reason}`)).toEqual([
        '400 malformed_authorization',
        '401 other_scheme',
        '400 repeated_authorization',
        '400 repeated_authorization',
      ]);
      // The proof was not spent by the refused requests.
      await expect(checker.authenticate(get(good, { dpop }))).resolves.toMatchObject({ ok: true });
    });

    it('refuses the DPoP scheme without a proof before it reads the token', async () => {
      const verdict = await core().authenticate(get('DPoP not-even-a-jwt'));
      expect(verdict).toMatchObject({
        status: 401,
        body: {
          error: 'invalid_dpop_proof',
          error_description: 'A DPoP proof is required with the DPoP scheme',
        },
      });
      expect(!verdict.ok && verdict.headers['WWW-Authenticate']).toMatch(/^DPoP error=/);
    });

    it('with requireNonce false, accepts a proof without a nonce and checks one that is sent', async () => {
      const { bound, proof } = await boundClient();
      const checker = core({ dpop: { nonces: true, requireNonce: false } });
      await expect(
        checker.authenticate(get(`DPoP ${bound}`, { dpop: await proof() })),
      ).resolves.toMatchObject({ ok: true });
      await expect(
        checker.authenticate(
          get(`DPoP ${bound}`, { dpop: await proof('0.stale-nonce-of-22-chars') }),
        ),
      ).resolves.toMatchObject({
        status: 401,
        body: {
          error: 'use_dpop_nonce',
          error_description: 'The DPoP nonce is stale or unknown: retry with the one in DPoP-Nonce',
        },
      });
    });

    it('accepts a proof from up to proofFutureSeconds ahead, and says its window when refused', async () => {
      const { bound, proof } = await boundClient();
      const ahead = Date.now() - 8_000;
      const checker = (proofFutureSeconds?: number) =>
        core({ now: () => ahead, clockToleranceSeconds: 30, dpop: { proofFutureSeconds } });
      await expect(
        checker(10).authenticate(get(`DPoP ${bound}`, { dpop: await proof() })),
      ).resolves.toMatchObject({ ok: true });
      await expect(
        checker(5).authenticate(get(`DPoP ${bound}`, { dpop: await proof() })),
      ).resolves.toMatchObject({
        body: {
          error_description:
            "The DPoP proof iat must be at most 60 seconds before and 5 seconds after the server's time",
        },
      });
    });

    it("runs the API's check beside the proof's single use, and tells a replay first", async () => {
      const { bound, proof } = await boundClient();
      let checks = 0;
      const checker = core({
        check: async () => {
          checks += 1;
          await new Promise((resolve) => setImmediate(resolve));
          return checks > 1
            ? { error: 'invalid_token', description: 'The access token has been revoked' }
            : undefined;
        },
      });
      const once = await proof();
      await expect(
        checker.authenticate(get(`DPoP ${bound}`, { dpop: once })),
      ).resolves.toMatchObject({ ok: true });
      await expect(
        checker.authenticate(get(`DPoP ${bound}`, { dpop: once })),
      ).resolves.toMatchObject({
        body: {
          error: 'invalid_dpop_proof',
          error_description: 'The DPoP proof was already used (jti replay)',
        },
      });
      await expect(
        checker.authenticate(get(`DPoP ${bound}`, { dpop: await proof() })),
      ).resolves.toMatchObject({
        body: { error_description: 'The access token has been revoked' },
      });
    });
  });
});
