/**
 * A client's registered scope (RFC 7591 §2 `scope`): the only scopes it may ask for, wherever it
 * asks (/authorize, client_credentials, token exchange), given by the operator (OAUTH_CLIENTS, the
 * admin API) or by the client's own registration; narrowing it narrows what the client's grants
 * renew. Driven over HTTP as a browser, a client and an operator send it.
 */
import { decodeJwt } from 'jose';
import request from 'supertest';
import { TOKEN_EXCHANGE_GRANT_TYPE } from '../../../src/protocol-rules/grant-types';
import {
  authorizeAllowing,
  basic,
  clientEntry,
  login,
  pkcePair,
  type Agent,
} from '../../support/oauth';
import { expectRefusal } from '../../support/refusal';
import { useTestApp } from '../../support/use-test-app';

const NOTES = 'https://notes.example.com/';
const RESOURCE_SERVERS = [
  {
    resource: NOTES,
    name: 'Notes',
    scopes: { 'notes:read': 'Read your notes', 'notes:write': 'Change your notes' },
  },
];

/** Configured with a scope of OpenID Connect and the notes API's reading. */
const READER = {
  id: 'notes-reader',
  secret: 'notes-reader-secret',
  redirectUri: 'http://127.0.0.1:7412/callback',
};
/** A machine client that may read notes, nothing else. */
const SYNC = { id: 'notes-sync-only', secret: 'notes-sync-secret' };
/** The operator's admin client, which adds and changes clients through the admin API. */
const ADMIN = { id: 'scope-ops', secret: 'scope-ops-secret-1234' };
/** Added through the admin API, then narrowed there. */
const EDITOR = { id: 'notes-editor', redirectUri: 'http://127.0.0.1:7413/callback' };
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

describe("A client's registered scope (RFC 7591 §2)", () => {
  let agent: Agent;
  let admin: string;

  const t = useTestApp({
    RATE_LIMIT_LOGIN_PER_IP: '1000',
    RESOURCE_SERVERS: JSON.stringify(RESOURCE_SERVERS),
    OAUTH_CLIENTS: JSON.stringify([
      clientEntry(READER, {
        first_party: true,
        resources: [NOTES],
        scope: 'openid notes:read',
      }),
      {
        client_id: SYNC.id,
        client_secret: SYNC.secret,
        grant_types: ['client_credentials'],
        resources: [NOTES],
        scope: 'notes:read',
      },
      {
        client_id: ADMIN.id,
        client_secret: ADMIN.secret,
        grant_types: ['client_credentials'],
        admin_scopes: ['admin:read', 'admin:write'],
      },
    ]),
  });
  const server = () => t.app.getHttpServer();

  beforeAll(async () => {
    agent = request.agent(server());
    await login(agent);
    const issued = await request(server())
      .post('/token')
      .set('Authorization', basic(ADMIN.id, ADMIN.secret))
      .type('form')
      .send({ grant_type: 'client_credentials', scope: 'admin:read admin:write' })
      .expect(200);
    admin = (issued.body as { access_token: string }).access_token;
  });

  /** GET /authorize for `clientId` with `scope` (omitted when undefined) at NOTES. */
  function authorizePath(clientId: string, redirectUri: string, scope?: string) {
    const { verifier, challenge } = pkcePair();
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: redirectUri,
      state: 'st-client-scope',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      resource: NOTES,
      ...(scope === undefined ? {} : { scope }),
    });
    return { path: `/authorize?${query.toString()}`, verifier };
  }

  /** Where /authorize sends the browser back, and its error (the operator's client hears it). */
  async function refusedAt(scope?: string) {
    const { path } = authorizePath(READER.id, READER.redirectUri, scope);
    const res = await agent.get(path).expect(302);
    const back = new URL(res.headers.location);
    return {
      error: back.searchParams.get('error'),
      description: back.searchParams.get('error_description'),
    };
  }

  it('lets a configured client ask within its scope at /authorize, and names what lies outside', async () => {
    const { path } = authorizePath(READER.id, READER.redirectUri, 'openid notes:read');
    const { location } = await authorizeAllowing(agent, path);
    expect(location.searchParams.get('code')).toEqual(expect.any(String));

    await expect(refusedAt('openid notes:read notes:write profile')).resolves.toEqual({
      error: 'invalid_scope',
      description:
        "notes:write profile: outside this client's registered scope (openid notes:read)",
    });
    // Asked for nothing, the default (profile) is not the client's: it must ask for a scope.
    await expect(refusedAt(undefined)).resolves.toEqual({
      error: 'invalid_scope',
      description:
        "Ask for a scope: this client's registered scope (openid notes:read) does not hold the default, profile",
    });
  });

  it('holds a machine client to its scope, its default included', async () => {
    const token = (form: Record<string, string>) =>
      request(server())
        .post('/token')
        .set('Authorization', basic(SYNC.id, SYNC.secret))
        .type('form')
        .send({ grant_type: 'client_credentials', ...form });

    const granted = await token({ scope: 'notes:read', resource: NOTES }).expect(200);
    expect(decodeJwt((granted.body as { access_token: string }).access_token)).toMatchObject({
      aud: NOTES,
      scope: 'notes:read',
    });
    expectRefusal(
      await token({ scope: 'api' }),
      400,
      'invalid_scope',
      "api: outside this client's registered scope (notes:read)",
    );
    expectRefusal(
      await token({}),
      400,
      'invalid_scope',
      "Ask for a scope: this client's registered scope (notes:read) does not hold the default, api",
    );
  });

  it('narrowed by the operator, narrows what the grants renew and exchange, and ends a grant left with nothing', async () => {
    const created = await request(server())
      .post('/admin/v1/clients')
      .set('Authorization', `Bearer ${admin}`)
      .send({
        client_id: EDITOR.id,
        redirect_uris: [EDITOR.redirectUri],
        first_party: true,
        resources: [NOTES],
        grant_types: ['authorization_code', 'refresh_token', TOKEN_EXCHANGE_GRANT_TYPE],
        scope: 'openid notes:read notes:write',
      })
      .expect(201);
    expect(created.body).toMatchObject({ scope: 'openid notes:read notes:write' });
    const secret = (created.body as { client_secret: string }).client_secret;
    const asEditor = (form: Record<string, string>) =>
      request(server())
        .post('/token')
        .set('Authorization', basic(EDITOR.id, secret))
        .type('form')
        .send(form);

    const { path, verifier } = authorizePath(
      EDITOR.id,
      EDITOR.redirectUri,
      'openid notes:read notes:write',
    );
    const { location } = await authorizeAllowing(agent, path);
    const exchanged = await asEditor({
      grant_type: 'authorization_code',
      code: location.searchParams.get('code') ?? '',
      code_verifier: verifier,
      redirect_uri: EDITOR.redirectUri,
    }).expect(200);
    const first = exchanged.body as { access_token: string; refresh_token: string; scope: string };
    expect(first.scope).toBe('openid notes:read notes:write');

    // The operator takes notes:write away (If-Match: the ETag the creation answered).
    const narrowed = await request(server())
      .patch(`/admin/v1/clients/${EDITOR.id}`)
      .set('Authorization', `Bearer ${admin}`)
      .set('If-Match', created.headers.etag)
      .send({ scope: 'openid notes:read' })
      .expect(200);
    expect(narrowed.body).toMatchObject({ scope: 'openid notes:read' });

    const refreshed = await asEditor({
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token,
    }).expect(200);
    const renewed = refreshed.body as {
      access_token: string;
      refresh_token: string;
      scope: string;
    };
    expect(renewed.scope).toBe('openid notes:read');
    expect(decodeJwt(renewed.access_token).scope).toBe('openid notes:read');

    // The token issued before the narrowing still says notes:write; its exchange does not.
    const exchange = (scope?: string) =>
      asEditor({
        grant_type: TOKEN_EXCHANGE_GRANT_TYPE,
        subject_token: first.access_token,
        subject_token_type: ACCESS_TOKEN_TYPE,
        ...(scope === undefined ? {} : { scope }),
      });
    const swapped = await exchange().expect(200);
    expect(decodeJwt((swapped.body as { access_token: string }).access_token).scope).toBe(
      'openid notes:read',
    );
    expectRefusal(
      await exchange('notes:write'),
      400,
      'invalid_scope',
      "notes:write: outside this client's registered scope (openid notes:read)",
    );

    // Narrowed past everything the grant holds: the grant ends.
    await request(server())
      .patch(`/admin/v1/clients/${EDITOR.id}`)
      .set('Authorization', `Bearer ${admin}`)
      .set('If-Match', narrowed.headers.etag)
      .send({ scope: 'profile' })
      .expect(200);
    const refusal = await asEditor({
      grant_type: 'refresh_token',
      refresh_token: renewed.refresh_token,
    });
    expectRefusal(
      refusal,
      400,
      'invalid_grant',
      "None of the grant's scopes is within the client's registered scope any more: authorize again",
    );
    expectRefusal(
      await asEditor({ grant_type: 'refresh_token', refresh_token: renewed.refresh_token }),
      400,
      'invalid_grant',
      'The grant has been revoked',
    );
  });

  it('refuses at the admin API a scope the server does not grant, or an admin scope', async () => {
    const add = (scope: string) =>
      request(server())
        .post('/admin/v1/clients')
        .set('Authorization', `Bearer ${admin}`)
        .send({ client_id: 'scope-typo', redirect_uris: ['https://app.example/cb'], scope });
    expectRefusal(
      await add('openid notes:reed'),
      400,
      'invalid_request',
      "scope names notes:reed, neither this server's scope nor one RESOURCE_SERVERS declares",
    );
    expectRefusal(
      await add('openid admin:read'),
      400,
      'invalid_request',
      'scope may not name admin:read: admin scopes are given with admin_scopes, the ssf scope with ssf_receiver',
    );
  });

  it('registers what a client asks of the scopes this server grants, and says what it kept (RFC 7591 §3.2.1)', async () => {
    const register = (scope: string) =>
      request(server())
        .post('/register')
        .send({
          redirect_uris: ['https://tool.example/cb'],
          token_endpoint_auth_method: 'none',
          scope,
        });
    const registered = await register('openid notes:read mcp:tools').expect(201);
    expect(registered.body).toMatchObject({ scope: 'openid notes:read' });
    expectRefusal(
      await register('mcp:tools'),
      400,
      'invalid_client_metadata',
      'scope names no scope this server grants (scopes_supported, or those an API lists in its resource metadata)',
    );
    expectRefusal(
      await register('openid ssf'),
      400,
      'invalid_client_metadata',
      'scope may not name ssf: admin scopes are given with admin_scopes, the ssf scope with ssf_receiver',
    );
  });
});
