/**
 * private_key_jwt client authentication (RFC 7523 §2.2, OpenID Connect Core §9) at /token,
 * /introspect, /revoke and /par, driven by oauth4webapi (PrivateKeyJwt) and the MCP SDK's
 * PrivateKeyJwtProvider: machine clients register public keys (inline jwks through RFC 7591, or
 * a jwks_uri fetched through the SSRF guard), and every way an assertion can be wrong is refused
 * invalid_client with its own description.
 */
import * as oauth from 'oauth4webapi';
import { createServer, type Server } from 'node:http';
import { closeServer, listenOnLoopback } from '../../support/loopback-server';
import {
  type KeyPairKeyObjectResult,
  generateKeyPairSync,
  randomUUID,
  sign as nodeSign,
} from 'node:crypto';
import {
  CompactSign,
  SignJWT,
  UnsecuredJWT,
  decodeJwt,
  exportJWK,
  exportPKCS8,
  generateKeyPair,
  type CryptoKey,
  type JWK,
} from 'jose';
import { PrivateKeyJwtProvider } from '@modelcontextprotocol/sdk/client/auth-extensions.js';
import {
  discoverAuthorizationServerMetadata,
  fetchToken,
  registerClient,
} from '@modelcontextprotocol/sdk/client/auth.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { basic } from '../../support/oauth';
import { INSECURE, discover } from '../../support/oauth-discovery';
import { TestApp, startListeningApp } from '../../support/test-app';
import { expectRefusal } from '../../support/refusal';

const INITIAL_ACCESS_TOKEN = 'initial-access-token-for-the-private-key-jwt-spec';
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const MACHINE_SECRET = { id: 'secret-machine', secret: 'secret-machine-secret-1234' };

interface KeyPair {
  privateKey: CryptoKey;
  jwk: JWK;
}

async function keyPair(alg: string, kid?: string): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), ...(kid ? { kid } : {}) };
  return { privateKey, jwk };
}

describe('private_key_jwt client authentication (RFC 7523 §2.2)', () => {
  let t: TestApp;
  let issuer: string;
  let as: oauth.AuthorizationServer;
  let jwksServer: Server;
  let jwksUrl: string;
  let published: JWK[] = [];
  let jwksFetches = 0;
  let es256: KeyPair;
  let configured: KeyPair;
  let clientId: string;

  const register = (body: Record<string, unknown>) =>
    t.http().post('/register').set('Authorization', `Bearer ${INITIAL_ACCESS_TOKEN}`).send(body);

  /** An assertion with every claim under the test's control. */
  async function assertion(
    key: KeyPair,
    claims: Record<string, unknown> = {},
    { alg = 'ES256', kid }: { alg?: string; kid?: string } = {},
  ): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      iss: clientId,
      sub: clientId,
      aud: issuer,
      iat: now,
      exp: now + 60,
      jti: randomUUID(),
      ...claims,
    })
      .setProtectedHeader({ alg, ...(kid ? { kid } : {}) })
      .sign(key.privateKey);
  }

  const token = (fields: Record<string, string>) =>
    t
      .http()
      .post('/token')
      .type('form')
      .send({ grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, ...fields });

  beforeAll(async () => {
    jwksServer = createServer((_request, response) => {
      jwksFetches += 1;
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ keys: published }));
    });
    jwksUrl = `${await listenOnLoopback(jwksServer)}/jwks.json`;
    configured = await keyPair('PS256', 'configured-1');
    ({ t, issuer } = await startListeningApp({
      REGISTRATION_INITIAL_ACCESS_TOKEN: INITIAL_ACCESS_TOKEN,
      RATE_LIMIT_REGISTER_PER_IP: '1000',
      CLIENT_METADATA_ALLOW_PRIVATE: 'true',
      OAUTH_CLIENTS: JSON.stringify([
        {
          client_id: MACHINE_SECRET.id,
          client_secret: MACHINE_SECRET.secret,
          grant_types: ['client_credentials'],
        },
        {
          client_id: 'configured-agent',
          grant_types: ['client_credentials'],
          token_endpoint_auth_method: 'private_key_jwt',
          jwks: { keys: [configured.jwk] },
        },
      ]),
    }));
    as = await discover(issuer);
    es256 = await keyPair('ES256');
    const registered = await register({
      client_name: 'Key-holding agent',
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [es256.jwk] },
    }).expect(201);
    expect(registered.body).toMatchObject({
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [es256.jwk] },
      grant_types: ['client_credentials'],
    });
    expect(registered.body.client_secret).toBeUndefined();
    clientId = registered.body.client_id as string;
  });
  afterAll(async () => {
    await t.close();
    await closeServer(jwksServer);
  });

  it('advertises the method and its algorithms in the metadata', () => {
    expect(as.token_endpoint_auth_methods_supported).toContain('private_key_jwt');
    expect(as.token_endpoint_auth_signing_alg_values_supported).toEqual([
      'ES256',
      'PS256',
      'RS256',
      'EdDSA',
    ]);
    expect(as.introspection_endpoint_auth_methods_supported).toContain('private_key_jwt');
    expect(as.revocation_endpoint_auth_methods_supported).toContain('private_key_jwt');
  });

  it('authenticates oauth4webapi (PrivateKeyJwt) at /token and /introspect', async () => {
    const client: oauth.Client = { client_id: clientId };
    const response = await oauth.clientCredentialsGrantRequest(
      as,
      client,
      oauth.PrivateKeyJwt(es256.privateKey),
      { scope: 'api' },
      INSECURE,
    );
    const tokens = await oauth.processClientCredentialsResponse(as, client, response);
    expect(decodeJwt(tokens.access_token)).toMatchObject({ sub: clientId, client_id: clientId });

    const introspection = await oauth.introspectionRequest(
      as,
      client,
      oauth.PrivateKeyJwt(es256.privateKey),
      tokens.access_token,
      INSECURE,
    );
    const described = await oauth.processIntrospectionResponse(as, client, introspection);
    expect(described).toMatchObject({ active: true, client_id: clientId, sub: clientId });

    const revocation = await oauth.revocationRequest(
      as,
      client,
      oauth.PrivateKeyJwt(es256.privateKey),
      tokens.access_token,
      INSECURE,
    );
    await oauth.processRevocationResponse(revocation);
    const after = await oauth.processIntrospectionResponse(
      as,
      client,
      await oauth.introspectionRequest(
        as,
        client,
        oauth.PrivateKeyJwt(es256.privateKey),
        tokens.access_token,
        INSECURE,
      ),
    );
    expect(after.active).toBe(false);
  });

  it('authenticates a client configured in OAUTH_CLIENTS with its jwks (PS256, with a kid)', async () => {
    const client: oauth.Client = { client_id: 'configured-agent' };
    const response = await oauth.clientCredentialsGrantRequest(
      as,
      client,
      oauth.PrivateKeyJwt({ key: configured.privateKey, kid: 'configured-1' }),
      {},
      INSECURE,
    );
    const tokens = await oauth.processClientCredentialsResponse(as, client, response);
    expect(decodeJwt(tokens.access_token).sub).toBe('configured-agent');
  });

  it('takes only the issuer identifier as aud, as one string: never an endpoint URL or an array (rfc7523bis)', async () => {
    const refused = {
      error: 'invalid_client',
      error_description: 'client_assertion aud must be the issuer identifier, as a single string',
    };
    const audiences = [
      `${issuer}/token`,
      `${issuer}/par`,
      [issuer],
      ['https://elsewhere.example', issuer],
    ];
    for (const aud of audiences) {
      const res = await token({
        client_assertion: await assertion(es256, { aud }),
        client_id: clientId,
      }).expect(401);
      expect(res.body).toEqual(refused);
    }
    // The same rule wherever an assertion authenticates the client: /par, /introspect, /revoke.
    for (const [path, fields] of [
      ['/par', { response_type: 'code' }],
      ['/introspect', { token: 'x' }],
      ['/revoke', { token: 'x' }],
    ] as const) {
      const res = await t
        .http()
        .post(path)
        .type('form')
        .send({
          ...fields,
          client_assertion_type: ASSERTION_TYPE,
          client_assertion: await assertion(es256, { aud: `${issuer}${path}` }),
        })
        .expect(401);
      expect(res.body).toEqual(refused);
    }
    await token({ client_assertion: await assertion(es256, { aud: issuer }) }).expect(200);
  });

  it("registers through DCR and gets a token with the MCP SDK's PrivateKeyJwtProvider", async () => {
    const rsa = await keyPair('RS256');
    const sdkFetch: FetchLike = (url, init) => {
      const headers = new Headers(init?.headers);
      if (String(url).endsWith('/register')) {
        headers.set('Authorization', `Bearer ${INITIAL_ACCESS_TOKEN}`);
      }
      return fetch(url, { ...init, headers });
    };
    const pem = await exportPKCS8(rsa.privateKey);
    const template = new PrivateKeyJwtProvider({
      clientId: 'unregistered',
      privateKey: pem,
      algorithm: 'RS256',
      clientName: 'MCP agent',
      expectedIssuer: issuer,
    });
    // The SDK's metadata names the method; the public key goes with it (RFC 7591 jwks).
    const registered = await registerClient(issuer, {
      clientMetadata: { ...template.clientMetadata, jwks: { keys: [rsa.jwk] } },
      fetchFn: sdkFetch,
    });
    expect(registered.token_endpoint_auth_method).toBe('private_key_jwt');
    const provider = new PrivateKeyJwtProvider({
      clientId: registered.client_id,
      privateKey: pem,
      algorithm: 'RS256',
      expectedIssuer: issuer,
    });
    // The metadata the SDK's auth() discovers and hands on: its assertions' aud is the issuer
    // (without it the SDK falls back to the token endpoint URL, which rfc7523bis rules out).
    const metadata = await discoverAuthorizationServerMetadata(issuer, { fetchFn: sdkFetch });
    const tokens = await fetchToken(provider, issuer, { metadata, fetchFn: sdkFetch });
    expect(tokens.refresh_token).toBeUndefined();
    expect(decodeJwt(tokens.access_token).sub).toBe(registered.client_id);
  });

  it('follows a jwks_uri, and fetches it again for an unknown kid (a rotation)', async () => {
    const first = await keyPair('EdDSA', 'k1');
    published = [first.jwk];
    const registered = await register({
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'private_key_jwt',
      jwks_uri: jwksUrl,
    }).expect(201);
    const id = registered.body.client_id as string;
    const signed = async (key: KeyPair, kid: string) => {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ jti: randomUUID() })
        .setProtectedHeader({ alg: 'EdDSA', kid })
        .setIssuer(id)
        .setSubject(id)
        .setAudience(issuer)
        .setIssuedAt(now)
        .setExpirationTime(now + 60)
        .sign(key.privateKey);
    };
    await token({ client_assertion: await signed(first, 'k1') }).expect(200);
    await token({ client_assertion: await signed(first, 'k1') }).expect(200);
    expect(jwksFetches).toBe(1);

    const second = await keyPair('EdDSA', 'k2');
    published = [second.jwk];
    // Within the cooldown a new kid is not fetched for; past it, the set is fetched again.
    const early = await token({ client_assertion: await signed(second, 'k2') }).expect(401);
    expect(early.body.error_description).toBe(
      'client_assertion is signed by no key registered for the client',
    );
    t.clock.advance(31);
    const rotated = await token({ client_assertion: await signed(second, 'k2') });
    t.clock.advance(-31);
    expect(rotated.status).toBe(200);
    expect(jwksFetches).toBe(2);
  });

  describe('refusals: invalid_client, 401', () => {
    /**
     * A client registered with a jwks_uri (at `path`) that publishes `key`, and its assertion,
     * signed RS256 by node:crypto: jose makes and uses no key the key rules refuse. A URL of its
     * own for each: the rotation test's set is cached under jwksUrl.
     */
    async function assertionOfPublished(key: KeyPairKeyObjectResult, path: string) {
      published = [key.publicKey.export({ format: 'jwk' })];
      const registered = await register({
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
        token_endpoint_auth_method: 'private_key_jwt',
        jwks_uri: jwksUrl.replace('/jwks.json', path),
      }).expect(201);
      const id = registered.body.client_id as string;
      const now = Math.floor(Date.now() / 1000);
      const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const input = `${encode({ alg: 'RS256' })}.${encode({ iss: id, sub: id, aud: issuer, exp: now + 60, jti: randomUUID() })}`;
      const signature = nodeSign('sha256', Buffer.from(input), key.privateKey);
      return { client_assertion: `${input}.${signature.toString('base64url')}` };
    }

    const cases: Array<[string, () => Promise<Record<string, string>>, string]> = [
      [
        'a replayed jti',
        async () => {
          const used = await assertion(es256);
          await token({ client_assertion: used }).expect(200);
          return { client_assertion: used };
        },
        'client_assertion was already used (jti replay)',
      ],
      [
        'a wrong aud',
        async () => ({
          client_assertion: await assertion(es256, { aud: 'https://other.example.com' }),
        }),
        'client_assertion aud must be the issuer identifier, as a single string',
      ],
      [
        'an expired assertion',
        async () => {
          const now = Math.floor(Date.now() / 1000);
          return { client_assertion: await assertion(es256, { iat: now - 600, exp: now - 300 }) };
        },
        'client_assertion expired',
      ],
      [
        'a far-future exp',
        async () => ({
          client_assertion: await assertion(es256, { exp: Math.floor(Date.now() / 1000) + 3600 }),
        }),
        'client_assertion exp must be at most 300 seconds ahead',
      ],
      [
        'no exp',
        async () => ({ client_assertion: await assertion(es256, { exp: undefined }) }),
        'client_assertion must have the exp claim',
      ],
      [
        'no jti',
        async () => ({ client_assertion: await assertion(es256, { jti: undefined }) }),
        'client_assertion must have the jti claim',
      ],
      [
        'an nbf in the future',
        async () => ({
          client_assertion: await assertion(es256, { nbf: Math.floor(Date.now() / 1000) + 120 }),
        }),
        'client_assertion is not valid yet (nbf)',
      ],
      [
        'HS256 signed with a secret',
        async () => {
          const now = Math.floor(Date.now() / 1000);
          const hs = await new SignJWT({ jti: randomUUID() })
            .setProtectedHeader({ alg: 'HS256' })
            .setIssuer(clientId)
            .setSubject(clientId)
            .setAudience(issuer)
            .setExpirationTime(now + 60)
            .sign(new TextEncoder().encode('a-secret-the-client-made-up-0123456789'));
          return { client_assertion: hs };
        },
        'client_assertion must be signed with ES256, PS256, RS256, EdDSA (never HS* or none)',
      ],
      [
        'alg none',
        () => {
          const now = Math.floor(Date.now() / 1000);
          const unsecured = new UnsecuredJWT({ jti: randomUUID() })
            .setIssuer(clientId)
            .setSubject(clientId)
            .setAudience(issuer)
            .setExpirationTime(now + 60)
            .encode();
          return Promise.resolve({ client_assertion: unsecured });
        },
        'client_assertion must be signed with ES256, PS256, RS256, EdDSA (never HS* or none)',
      ],
      [
        'an unknown key',
        async () => ({ client_assertion: await assertion(await keyPair('ES256')) }),
        'client_assertion signature is invalid',
      ],
      [
        'an unknown kid',
        async () => ({
          client_assertion: await assertion(await keyPair('ES256'), {}, { kid: 'nope' }),
        }),
        'client_assertion is signed by no key registered for the client',
      ],
      [
        'a crit header (no JWS extension is understood)',
        async () => {
          const now = Math.floor(Date.now() / 1000);
          const claims = {
            iss: clientId,
            sub: clientId,
            aud: issuer,
            exp: now + 60,
            jti: randomUUID(),
          };
          const critical = await new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
            .setProtectedHeader({ alg: 'ES256', crit: ['b64'], b64: true })
            .sign(es256.privateKey);
          return { client_assertion: critical };
        },
        'client_assertion is invalid',
      ],
      [
        'an RSA key shorter than 2048 bits in its jwks_uri',
        // Registration refuses such a key in `jwks`; a jwks_uri is read when a token is asked.
        () =>
          assertionOfPublished(
            generateKeyPairSync('rsa', { modulusLength: 1024 }),
            '/short-rsa.json',
          ),
        // The fetched set is checked as a registered one: the short key is no usable key.
        "The client's jwks_uri could not be fetched or holds no usable keys",
      ],
      [
        'an RSA key with the public exponent 3 in its jwks_uri',
        () =>
          assertionOfPublished(
            generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 3 }),
            '/exponent-3.json',
          ),
        // A fetched set meets the key rules a registered one does (DPoP's): e = 65537 only.
        "The client's jwks_uri could not be fetched or holds no usable keys",
      ],
      [
        'iss other than sub',
        async () => ({ client_assertion: await assertion(es256, { iss: 'someone-else' }) }),
        'client_assertion iss and sub must both be the client_id',
      ],
      [
        'a client_id other than the sub',
        async () => ({ client_assertion: await assertion(es256), client_id: MACHINE_SECRET.id }),
        'client_id does not match the client_assertion sub',
      ],
      [
        'a wrong client_assertion_type',
        async () => ({
          client_assertion: await assertion(es256),
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer',
        }),
        `client_assertion_type must be ${ASSERTION_TYPE}`,
      ],
      [
        'an assertion with a secret beside it',
        async () => ({ client_assertion: await assertion(es256), client_secret: 'x' }),
        'Use only one client authentication method',
      ],
      [
        'a secret client presenting an assertion',
        async () => {
          const key = await keyPair('ES256');
          return {
            client_assertion: await assertion(key, {
              iss: MACHINE_SECRET.id,
              sub: MACHINE_SECRET.id,
            }),
          };
        },
        'The client is not registered for private_key_jwt authentication',
      ],
    ];

    it.each(cases)('refuses %s', async (_, fields, description) => {
      const res = await token(await fields());
      expectRefusal(res, 401, 'invalid_client', description);
      expect(JSON.stringify(res.body)).not.toContain('eyJ');
    });

    it('refuses a secret from a private_key_jwt client, and a wrong assertion at /par and /introspect', async () => {
      const secret = await t
        .http()
        .post('/token')
        .type('form')
        .set('Authorization', basic(clientId, 'guess'))
        .send({ grant_type: 'client_credentials' });
      expectRefusal(
        secret,
        401,
        'invalid_client',
        'This client authenticates with private_key_jwt: send a client_assertion',
      );
      const par = await t
        .http()
        .post('/par')
        .type('form')
        .send({
          response_type: 'code',
          client_assertion_type: ASSERTION_TYPE,
          client_assertion: await assertion(es256, { exp: Math.floor(Date.now() / 1000) + 3600 }),
        });
      expectRefusal(
        par,
        401,
        'invalid_client',
        'client_assertion exp must be at most 300 seconds ahead',
      );
      const introspect = await t
        .http()
        .post('/introspect')
        .type('form')
        .send({
          token: 'x',
          client_assertion_type: ASSERTION_TYPE,
          client_assertion: await assertion(es256, { aud: 'https://other.example.com' }),
        })
        .expect(401);
      expect(introspect.body.error).toBe('invalid_client');
    });
  });

  describe('registration', () => {
    it.each([
      [
        'a private key',
        async () => ({
          jwks: { keys: [await exportJWK((await keyPair('ES256')).privateKey)] },
        }),
        'jwks keys[0] is a private or symmetric key: register public keys only',
      ],
      [
        'an RSA key shorter than 2048 bits',
        () =>
          Promise.resolve({
            jwks: {
              keys: [
                generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({
                  format: 'jwk',
                }),
              ],
            },
          }),
        'jwks keys[0] is refused: an RSA modulus must be 2048 to 4096 bits',
      ],
      [
        'an RSA key with the public exponent 3',
        () =>
          Promise.resolve({
            jwks: {
              keys: [
                generateKeyPairSync('rsa', {
                  modulusLength: 2048,
                  publicExponent: 3,
                }).publicKey.export({ format: 'jwk' }),
              ],
            },
          }),
        'jwks keys[0] is refused: an RSA key must use the public exponent 65537 (AQAB)',
      ],
      [
        'an EC point off its curve',
        () => {
          const y = Buffer.from(es256.jwk.y!, 'base64url');
          y[31] ^= 1;
          return Promise.resolve({
            jwks: { keys: [{ ...es256.jwk, y: y.toString('base64url') }] },
          });
        },
        'jwks keys[0] is refused: an EC key must be a point on its curve',
      ],
      [
        'a symmetric key',
        () => Promise.resolve({ jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] } }),
        'jwks keys[0] is a private or symmetric key: register public keys only',
      ],
      [
        'no keys',
        () => Promise.resolve({}),
        'A private_key_jwt client registers its public keys: exactly one of jwks and jwks_uri',
      ],
      [
        'both jwks and jwks_uri',
        () =>
          Promise.resolve({ jwks: { keys: [es256.jwk] }, jwks_uri: 'https://agent.example/jwks' }),
        'A private_key_jwt client registers its public keys: exactly one of jwks and jwks_uri',
      ],
    ])('refuses %s: invalid_client_metadata', async (_, extra, description) => {
      const res = await register({
        grant_types: ['client_credentials'],
        token_endpoint_auth_method: 'private_key_jwt',
        ...(await extra()),
      });
      expectRefusal(res, 400, 'invalid_client_metadata', description);
    });

    it('needs the initial access token, as any confidential client', async () => {
      const res = await t
        .http()
        .post('/register')
        .send({
          grant_types: ['client_credentials'],
          token_endpoint_auth_method: 'private_key_jwt',
          jwks: { keys: [es256.jwk] },
        })
        .expect(400);
      expect(res.body.error).toBe('invalid_client_metadata');
    });
  });
});
