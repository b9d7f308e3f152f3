/**
 * The JWT-bearer grant (RFC 7523 §2.1) at POST /token, driven by oauth4webapi's generic grant
 * request: a confidential client presents an Identity Assertion JWT Authorization Grant (ID-JAG,
 * MCP enterprise-managed authorization) or a workload JWT signed by an issuer in
 * JWT_BEARER_ISSUERS, whose JWK Set a loopback server in this process serves. Every refusal of
 * the assertion is `invalid_grant` (RFC 7523 §3.1), a scope beyond it `invalid_scope`, another
 * resource `invalid_target`; the jti is spent once.
 */
import type { KeyObject } from 'node:crypto';
import { generateKeyPairSync } from 'node:crypto';
import * as oauth from 'oauth4webapi';
import {
  CompactSign,
  SignJWT,
  decodeJwt,
  generateKeyPair,
  type CryptoKey,
  type JWTPayload,
} from 'jose';
import {
  federatedSubject,
  workloadSubject,
} from '../../../src/oauth/token/grants/jwt-bearer/check-assertion';
import { AccessTokenService } from '../../../src/tokens/access-token.service';
import {
  type EnterpriseIdp,
  IDP,
  IDP_SUBJECT,
  startEnterpriseIdp,
} from '../../support/enterprise-idp';
import { basic, getMe, introspect } from '../../support/oauth';
import { dpopKey, signProof } from '../../support/dpop';
import { INSECURE, discover } from '../../support/oauth-discovery';
import { TestApp, startListeningApp } from '../../support/test-app';
import { expectRefusal } from '../../support/refusal';

const GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const AGENT = { id: 'enterprise-agent', secret: 'enterprise-agent-secret-1234' };
const OTHER = { id: 'other-agent', secret: 'other-agent-secret-1234' };
const UNREGISTERED = { id: 'no-jwt-bearer', secret: 'no-jwt-bearer-secret-1234' };
const CALENDAR = 'https://calendar.example.com/';
const UNTRUSTED = 'https://evil.example.com';
/** An issuer whose workload JWTs may name no client: its entry lists AGENT (`clients`). */
const PLATFORM = 'https://platform.example.com';
/** An issuer whose JWK Set holds an RSA key with e = 3 (the key rules refuse it). */
const WEAK = 'https://weak.example.com';

describe('JWT-bearer grant (RFC 7523 §2.1, ID-JAG)', () => {
  let t: TestApp;
  let issuer: string;
  let as: oauth.AuthorizationServer;
  let idp: EnterpriseIdp;
  let strangerKey: CryptoKey;
  let weakKey: KeyObject;
  const KID = 'idp-key-1';

  beforeAll(async () => {
    strangerKey = (await generateKeyPair('ES256')).privateKey;
    weakKey = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 3 }).privateKey;
    const weakJwk = { ...weakKey.export({ format: 'jwk' }), kid: 'weak-1' };
    for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi'] as const) delete weakJwk[member];
    idp = await startEnterpriseIdp({ kid: KID, otherSets: { '/weak-jwks': weakJwk } });
    const jwksUri = idp.jwksUri;
    ({ t, issuer } = await startListeningApp({
      RESOURCE_SERVERS: JSON.stringify([
        { resource: CALENDAR, scopes: { 'calendar:read': 'See your calendar' } },
      ]),
      JWT_BEARER_ISSUERS: JSON.stringify([
        { issuer: idp.issuer, jwks_uri: jwksUri },
        { issuer: 'https://narrow.example.com', jwks_uri: jwksUri, scopes: ['api'] },
        { issuer: PLATFORM, jwks_uri: jwksUri, clients: [AGENT.id] },
        { issuer: WEAK, jwks_uri: jwksUri.replace('/jwks', '/weak-jwks') },
      ]),
      OAUTH_CLIENTS: JSON.stringify([
        {
          client_id: AGENT.id,
          client_secret: AGENT.secret,
          grant_types: [GRANT],
          resources: [CALENDAR],
        },
        { client_id: OTHER.id, client_secret: OTHER.secret, grant_types: [GRANT] },
        {
          client_id: UNREGISTERED.id,
          client_secret: UNREGISTERED.secret,
          grant_types: ['client_credentials'],
        },
      ]),
    }));
    as = await discover(issuer);
  });
  afterAll(async () => {
    await t.close();
    await idp.close();
  });

  /** An ID-JAG for AGENT, as an enterprise IdP issues it; `overrides` change claims or header. */
  async function idJag(
    overrides: {
      claims?: JWTPayload;
      typ?: string | null;
      alg?: string;
      key?: CryptoKey | KeyObject | Uint8Array;
      kid?: string;
      omit?: string[];
    } = {},
  ): Promise<string> {
    const claims: JWTPayload = {
      ...idp.idJagClaims(issuer, AGENT.id),
      resource: CALENDAR,
      scope: 'api profile',
      ...overrides.claims,
    };
    for (const name of overrides.omit ?? []) delete claims[name];
    const header: { alg: string; kid: string; typ?: string } = {
      alg: overrides.alg ?? 'ES256',
      kid: overrides.kid ?? KID,
    };
    if (overrides.typ !== null) header.typ = overrides.typ ?? 'oauth-id-jag+jwt';
    return new SignJWT(claims).setProtectedHeader(header).sign(overrides.key ?? idp.privateKey);
  }

  function grant(
    assertion: string,
    parameters: Record<string, string> = {},
    client = AGENT,
  ): Promise<Response> {
    return oauth.genericTokenEndpointRequest(
      as,
      { client_id: client.id },
      oauth.ClientSecretBasic(client.secret),
      GRANT,
      { assertion, ...parameters },
      INSECURE,
    );
  }

  async function tokens(response: Response, client = AGENT): Promise<oauth.TokenEndpointResponse> {
    return oauth.processGenericTokenEndpointResponse(as, { client_id: client.id }, response);
  }

  async function refusal(response: Response): Promise<{ status: number; body: unknown }> {
    return { status: response.status, body: await response.json() };
  }

  const invalidGrant = (description: string | RegExp) => ({
    status: 400,
    body: {
      error: 'invalid_grant',
      error_description:
        typeof description === 'string' ? description : expect.stringMatching(description),
    },
  });

  it('lists the grant and the ID-JAG profile in both metadata documents', async () => {
    expect(as.grant_types_supported).toContain(GRANT);
    expect(as.authorization_grant_profiles_supported).toEqual([
      'urn:ietf:params:oauth:grant-profile:id-jag',
    ]);
    const oidc = await t.http().get('/.well-known/openid-configuration').expect(200);
    expect(oidc.body.authorization_grant_profiles_supported).toEqual(
      as.authorization_grant_profiles_supported,
    );
  });

  it('gives an ID-JAG an access token for its resource, its user under the issuer, no refresh token', async () => {
    const answer = await tokens(await grant(await idJag(), { scope: 'api' }));
    expect(answer).toEqual({
      access_token: expect.any(String),
      token_type: 'bearer',
      expires_in: expect.any(Number),
      scope: 'api',
    });
    const claims = decodeJwt(answer.access_token);
    expect(claims).toMatchObject({
      iss: issuer,
      sub: federatedSubject(IDP, IDP_SUBJECT),
      client_id: AGENT.id,
      aud: CALENDAR,
      scope: 'api',
    });
    expect(String(claims.sub)).toMatch(/^jwt:[A-Za-z0-9_-]{16}:alice@corp\.example$/);
    const introspected = await introspect(t, answer.access_token, AGENT).expect(200);
    expect(introspected.body).toMatchObject({
      active: true,
      client_id: AGENT.id,
      sub: claims.sub,
      scope: 'api',
    });
  });

  it('grants, with no scope asked, what was asserted within what an assertion may bring', async () => {
    const answer = await tokens(await grant(await idJag()));
    expect(answer.scope).toBe('profile api');
  });

  it("grants the resource's own scope (RESOURCE_SERVERS) the ID-JAG names, asked or not", async () => {
    const claims = { scope: 'api calendar:read' };
    const unasked = await tokens(await grant(await idJag({ claims })));
    expect(unasked.scope).toBe('api calendar:read');
    expect(decodeJwt(unasked.access_token)).toMatchObject({
      aud: CALENDAR,
      scope: 'api calendar:read',
    });
    const asked = await tokens(await grant(await idJag({ claims }), { scope: 'calendar:read' }));
    expect(asked.scope).toBe('calendar:read');
  });

  it('spends the jti once: the same assertion again is invalid_grant', async () => {
    const assertion = await idJag();
    await tokens(await grant(assertion));
    expect(await refusal(await grant(assertion))).toEqual(
      invalidGrant('The assertion was already used (jti replay)'),
    );
  });

  it('refuses an issuer the operator did not list', async () => {
    const assertion = await idJag({ claims: { iss: UNTRUSTED } });
    expect(await refusal(await grant(assertion))).toEqual(
      invalidGrant("The assertion's issuer is not trusted"),
    );
  });

  it('refuses an assertion whose aud is not the issuer identifier as one string (rfc7523bis)', async () => {
    for (const aud of [
      [issuer],
      [issuer, 'https://other-as.example.com'],
      `${issuer}/token`,
      'https://other-as.example.com',
    ]) {
      expect(await refusal(await grant(await idJag({ claims: { aud } })))).toEqual(
        invalidGrant(
          'The assertion is for another audience (aud must be one string naming this server)',
        ),
      );
    }
  });

  it('refuses an expired assertion, one not valid yet, and one living too long', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(
      await refusal(await grant(await idJag({ claims: { iat: now - 900, exp: now - 600 } }))),
    ).toEqual(invalidGrant('The assertion expired'));
    expect(await refusal(await grant(await idJag({ claims: { nbf: now + 600 } })))).toEqual(
      invalidGrant('The assertion is not valid yet'),
    );
    expect(await refusal(await grant(await idJag({ claims: { exp: now + 7200 } })))).toEqual(
      invalidGrant(/must expire within/),
    );
  });

  it('refuses an ID-JAG issued to another client', async () => {
    const assertion = await idJag({ claims: { client_id: OTHER.id } });
    expect(await refusal(await grant(assertion))).toEqual(
      invalidGrant('The assertion was issued to another client'),
    );
  });

  it('refuses another typ, HS256 and a signature by a key the issuer does not have', async () => {
    expect(await refusal(await grant(await idJag({ typ: 'at+jwt' })))).toEqual(
      invalidGrant(/typ must be oauth-id-jag\+jwt/),
    );
    const secret = new TextEncoder().encode(AGENT.secret.padEnd(32, '!'));
    expect(await refusal(await grant(await idJag({ alg: 'HS256', key: secret })))).toEqual(
      invalidGrant(/never HS\* or none/),
    );
    expect(await refusal(await grant(await idJag({ key: strangerKey })))).toEqual(
      invalidGrant("The assertion's signature is invalid"),
    );
    expect(await refusal(await grant('not.a.jwt'))).toEqual(
      invalidGrant('assertion must be one compact JWS'),
    );
  });

  it('refuses an assertion that names a claim twice, naming it: the issuer’s other relying parties may read the first', async () => {
    const claims = JSON.stringify({
      ...idp.idJagClaims(issuer, AGENT.id),
      resource: CALENDAR,
      scope: 'api profile',
    });
    const sign = (text: string) =>
      new CompactSign(new TextEncoder().encode(text))
        .setProtectedHeader({ alg: 'ES256', kid: KID, typ: 'oauth-id-jag+jwt' })
        .sign(idp.privateKey);
    const twice = await sign(claims.replace('{', '{"sub":"someone-else",'));
    expect(await refusal(await grant(twice))).toEqual(
      invalidGrant('The assertion names member "sub" twice'),
    );
    // The same claims, each named once, are granted.
    expect((await grant(await sign(claims))).status).toBe(200);
  });

  it('refuses a scope beyond the assertion (invalid_scope) and another resource (invalid_target)', async () => {
    expect(
      await refusal(await grant(await idJag({ claims: { scope: 'profile' } }), { scope: 'api' })),
    ).toEqual({
      status: 400,
      body: {
        error: 'invalid_scope',
        error_description: 'None of the requested scopes can be granted for this assertion',
      },
    });
    expect(
      await refusal(await grant(await idJag(), { resource: 'https://elsewhere.example.com/' })),
    ).toEqual({
      status: 400,
      body: {
        error: 'invalid_target',
        error_description: 'resource must be the one the assertion was issued for',
      },
    });
    // The client may not use the resource the assertion names.
    const foreign = await idJag({
      claims: { client_id: OTHER.id, resource: 'https://payroll.example.com/' },
    });
    const refused = await refusal(await grant(foreign, {}, OTHER));
    expect(refused).toMatchObject({ status: 400, body: { error: 'invalid_target' } });
  });

  it('keeps to the scopes an issuer entry allows', async () => {
    const assertion = await idJag({ claims: { iss: 'https://narrow.example.com' } });
    const answer = await tokens(await grant(assertion));
    expect(answer.scope).toBe('api');
  });

  it('gives a workload JWT (no ID-JAG typ) naming the client a client-style token', async () => {
    const workload = await idJag({
      typ: null,
      claims: { sub: 'spiffe://corp.example/ns/agents/sa/planner' },
      omit: ['resource', 'scope'],
    });
    const answer = await tokens(await grant(workload));
    expect(answer.scope).toBe('api');
    const claims = decodeJwt(answer.access_token);
    expect(claims).toMatchObject({
      sub: workloadSubject(IDP, 'spiffe://corp.example/ns/agents/sa/planner'),
      client_id: AGENT.id,
      aud: t.config.tokens.audience,
    });
    // A token for the API, but no user here: /api/me describes accounts only.
    const me = await getMe(t, answer.access_token).expect(403);
    expect(me.body.error_description).toBe(
      'The access token names a workload a trusted issuer vouched for (JWT-bearer grant), no user',
    );
  });

  it("gives a workload a subject of its own kind: never the ID-JAG user's of the same sub", async () => {
    const user = await tokens(await grant(await idJag({ claims: { resource: CALENDAR } })));
    const workload = await tokens(
      await grant(await idJag({ typ: 'JWT', omit: ['resource', 'scope'] }), {
        resource: CALENDAR,
        scope: 'api',
      }),
    );
    const [userSub, workloadSub] = [user, workload].map((answer) =>
      String(decodeJwt(answer.access_token).sub),
    );
    expect(userSub).toBe(federatedSubject(IDP, IDP_SUBJECT));
    expect(workloadSub).toBe(workloadSubject(IDP, IDP_SUBJECT));
    expect(workloadSub).not.toBe(userSub);
    expect(workloadSub).toMatch(/^wl:[A-Za-z0-9_-]{16}:alice@corp\.example$/);
  });

  it('takes a workload JWT only for the client its client_id or azp names, or its issuer lists', async () => {
    const unbound = { typ: null, omit: ['client_id', 'resource', 'scope'] };
    // Naming no client, from an issuer that lists none: any client of the grant could use it.
    expect(await refusal(await grant(await idJag(unbound)))).toEqual(
      invalidGrant(
        "The workload JWT names no client (client_id or azp), and its issuer's clients do not list this one",
      ),
    );
    // azp names the client.
    const byAzp = await idJag({ ...unbound, claims: { azp: AGENT.id } });
    expect((await tokens(await grant(byAzp))).scope).toBe('api');
    // Naming another client.
    const forOther = await idJag({ ...unbound, claims: { azp: OTHER.id } });
    expect(await refusal(await grant(forOther))).toEqual(
      invalidGrant('The assertion was issued to another client'),
    );
    // The issuer's entry lists AGENT: its workload JWTs need not name it; OTHER is not listed.
    const listed = await idJag({ ...unbound, claims: { iss: PLATFORM } });
    expect((await tokens(await grant(listed))).scope).toBe('api');
    const byOther = await idJag({ ...unbound, claims: { iss: PLATFORM } });
    expect(await refusal(await grant(byOther, {}, OTHER))).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant', error_description: expect.stringMatching(/names no client/) },
    });
  });

  it('never grants the account scope for an assertion, and the account API refuses such a token', async () => {
    const workload = await idJag({ typ: 'JWT', omit: ['resource', 'scope'] });
    expect(await refusal(await grant(workload, { scope: 'api account' }))).toEqual({
      status: 400,
      body: {
        error: 'invalid_scope',
        error_description:
          'The account scope is never granted for an assertion: its token has no account here',
      },
    });
    // Even a token of the workload's grant that said `account` (none is issued) changes no account.
    const issued = decodeJwt(
      (await tokens(await grant(await idJag({ typ: 'JWT', omit: ['resource', 'scope'] }))))
        .access_token,
    );
    const { token } = await t.app.get(AccessTokenService).sign({
      sub: String(issued.sub),
      clientId: AGENT.id,
      scope: 'api account',
      grantId: String(issued.gid),
    });
    const methods = await t.http().get('/account/methods').set('Authorization', `Bearer ${token}`);
    expectRefusal(
      methods,
      403,
      'insufficient_scope',
      'The access token names no account here (a client, a workload, or a user of a trusted issuer): only a sign-in here changes an account',
    );
  });

  it('refuses an assertion from an issuer whose key set breaks the key rules (RSA e = 3)', async () => {
    const assertion = await idJag({
      alg: 'RS256',
      kid: 'weak-1',
      key: weakKey,
      claims: { iss: WEAK },
    });
    expect(await refusal(await grant(assertion))).toEqual(
      invalidGrant("The assertion's issuer keys could not be fetched"),
    );
  });

  it('binds the token to a DPoP key when a proof comes with the request', async () => {
    const key = await dpopKey();
    const res = await t
      .http()
      .post('/token')
      .type('form')
      .set('Authorization', basic(AGENT.id, AGENT.secret))
      .set('DPoP', await signProof(key, { htu: `${issuer}/token` }))
      .send({ grant_type: GRANT, assertion: await idJag() })
      .expect(200);
    expect(res.body.token_type).toBe('DPoP');
    expect(decodeJwt(res.body.access_token).cnf).toEqual({ jkt: key.jkt });
  });

  it('refuses a client that did not register the grant, and a request with no assertion', async () => {
    const unregistered = await refusal(
      await grant(await idJag({ claims: { client_id: UNREGISTERED.id } }), {}, UNREGISTERED),
    );
    expect(unregistered).toMatchObject({ status: 400, body: { error: 'unauthorized_client' } });
    const missing = await t
      .http()
      .post('/token')
      .type('form')
      .set('Authorization', basic(AGENT.id, AGENT.secret))
      .send({ grant_type: GRANT });
    expectRefusal(
      missing,
      400,
      'invalid_request',
      'assertion is required for the JWT-bearer grant',
    );
  });
});
