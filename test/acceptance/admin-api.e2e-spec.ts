/**
 * Issue #77, the admin API, accepted from outside: written from the "Details clients will
 * rely on", docs/ADMINISTRATION.md, docs/ENDPOINTS.md and the OpenAPI document, never from src/.
 * The operator's admin clients (`OAUTH_CLIENTS` with `admin_scopes`, service.ts) get their tokens
 * by `client_credentials` with oauth4webapi, one with a jose-made key (`private_key_jwt`, DPoP-bound
 * too), one with a secret. Refused: admin scopes to a client that registered itself or lacks the
 * mark (`invalid_scope`), a call without a token or with a bad one (`401`, `WWW-Authenticate:
 * Bearer`), a write with `admin:read` (`403 insufficient_scope`), a create of what exists (`409`), a
 * change naming a stale version (`412`) or none (`428`). Users are created, refused in another
 * letter case, listed and searched in cursor pages, disabled with the CLI's effect (sign-in
 * refused, a token the person held inactive at /introspect, a back-channel logout token sent);
 * clients are created with RFC 7591 names, changed, listed in cursor pages; a client's secret is
 * rotated with an overlap in which both secrets work at /token, /introspect and /revoke, after
 * which the old one is `401 invalid_client`; the audit trail holds the writes, by whom and how they
 * ended, and never a secret or a password.
 */
import { randomBytes } from 'node:crypto';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import * as oauth from 'oauth4webapi';
import { CookieBrowser, passwordSignIn } from '../support/cookie-browser';
import { csrfOf } from '../support/login-form';
import { waitFor } from '../support/processes';
import {
  AdminApi,
  type Answer,
  adminTokenOf,
  authorizationServer,
  codeFlowAccessToken,
  DEMO_CLIENT,
  expectRefusal,
  insecure,
  type Json,
  postWithSecret,
  read,
  selfRegister,
  tokenActive,
  type WebClient,
} from './admin-client';
import { SECRET_OVERLAP_MAX_SECONDS, type SecretClient, useAcceptanceService } from './service';

const service = useAcceptanceService();

const random = () => randomBytes(5).toString('hex');

/** Every secret and password this file made or handed over: none may show up in the audit trail. */
const confidential: string[] = [];

/** A password `users add` takes (8-1024 characters), remembered as confidential. */
function newPassword(): string {
  const password = `pw-${randomBytes(12).toString('base64url')}`;
  confidential.push(password);
  return password;
}

/** The admin client with the jose-made key, holding admin:read and admin:write. */
let admin: AdminApi;
beforeAll(async () => {
  admin = new AdminApi(service().issuer, await adminTokenOf(service(), 'keyed'));
});

/** POST /admin/v1/clients for a confidential machine client: its id and the secret answered once. */
async function newMachineClient(prefix: string): Promise<SecretClient> {
  const clientId = `${prefix}-${random()}`;
  const created = await admin.call('POST', '/clients', {
    body: {
      client_id: clientId,
      client_name: `Acceptance ${prefix}`,
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  });
  expect(created.status).toBe(201);
  const secret = created.body.client_secret as string;
  expect(typeof secret).toBe('string');
  confidential.push(secret);
  return { clientId, secret };
}

/** POST /token client_credentials with a client's secret. */
function tokenWith(client: SecretClient): Promise<Answer> {
  return postWithSecret(service().issuer, '/token', client, { grant_type: 'client_credentials' });
}

describe('who may call it', () => {
  it('issues admin tokens by client_credentials to both admin clients, for the admin API alone', async () => {
    const { issuer } = service();
    for (const who of ['keyed', 'secret'] as const) {
      const token = await adminTokenOf(service(), who);
      // RFC 9068 access token: the admin API's resource as its audience, the admin scopes only.
      const claims = decodeJwt(token);
      expect([claims.aud].flat()).toEqual([`${issuer}/admin/v1`]);
      expect(String(claims.scope).split(' ').sort()).toEqual(['admin:read', 'admin:write']);
      const listed = await new AdminApi(issuer, token).get('/users?limit=1');
      expect(listed.status).toBe(200);
      expect(Object.keys(listed.body).sort()).toEqual(['items', 'next']);
    }
  });

  it('takes a DPoP-bound admin token with a proof of its key (RFC 9449 §7), and refuses it as a bearer token', async () => {
    const { issuer, machines } = service();
    const as = await authorizationServer(issuer);
    const client: oauth.Client = { client_id: machines.adminKeyed.clientId };
    const DPoP = oauth.DPoP(client, await oauth.generateKeyPair('ES256'));
    const tokens = await oauth.processClientCredentialsResponse(
      as,
      client,
      await oauth.clientCredentialsGrantRequest(
        as,
        client,
        oauth.PrivateKeyJwt(machines.adminKeyed.privateKey),
        { scope: 'admin:read' },
        { DPoP, ...insecure },
      ),
    );
    expect(tokens.token_type).toBe('dpop');
    const listed = await oauth.protectedResourceRequest(
      tokens.access_token,
      'GET',
      new URL(`${issuer}/admin/v1/users?limit=1`),
      new Headers({ accept: 'application/json' }),
      null,
      { DPoP, ...insecure },
    );
    expect(listed.status).toBe(200);
    expect(Object.keys((await listed.json()) as Json).sort()).toEqual(['items', 'next']);
    const asBearer = await new AdminApi(issuer, tokens.access_token).get('/users?limit=1');
    expectRefusal(asBearer, 401, 'invalid_token');
  });

  it('refuses admin:* to a client that registered itself and to a configured one without the mark', async () => {
    const { issuer, machines } = service();
    const registered = await selfRegister(service(), {
      client_name: 'Self-registered machine',
      grant_types: ['client_credentials'],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
    });
    confidential.push(registered.client_secret as string);
    const selfMade = {
      clientId: registered.client_id as string,
      secret: registered.client_secret as string,
    };
    for (const client of [selfMade, machines.unmarked]) {
      for (const scope of ['admin:read', 'admin:write', 'admin:read admin:write']) {
        const refused = await postWithSecret(issuer, '/token', client, {
          grant_type: 'client_credentials',
          scope,
        });
        expectRefusal(refused, 400, 'invalid_scope');
      }
      // The same client gets its ordinary token: the refusal is the admin scope's.
      expect((await tokenWith(client)).status).toBe(200);
    }
  });

  it('answers 401 with a Bearer challenge without a token, with a bad one and with one for another audience', async () => {
    const { issuer, machines } = service();
    const ordinary = (await tokenWith(machines.unmarked)).body.access_token as string;
    const person = await codeFlowAccessToken(
      issuer,
      await signedIn('user1', 'password1'),
      DEMO_CLIENT,
    );
    const forged = `${ordinary.slice(0, ordinary.lastIndexOf('.'))}.${randomBytes(64).toString('base64url')}`;
    for (const token of [undefined, 'not-a-token', forged, ordinary, person]) {
      const api = new AdminApi(issuer, token);
      for (const [method, path, body] of [
        ['GET', '/users', undefined],
        ['POST', '/users', { username: `never-${random()}`, password: newPassword() }],
      ] as const) {
        const refused = await api.call(method, path, { body });
        expect(refused.status).toBe(401);
        expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
        expect(refused.body).toEqual({
          error: expect.any(String),
          error_description: expect.any(String),
        });
        if (token !== undefined) {
          // RFC 6750 §3.1: a token that is not a live one of ours is `invalid_token`.
          expect(refused.body.error).toBe('invalid_token');
          expect(refused.headers.get('www-authenticate')).toContain('error="invalid_token"');
        }
      }
    }
  });

  it('answers a write with admin:read alone 403 insufficient_scope, and writes nothing', async () => {
    const { issuer } = service();
    const reader = new AdminApi(issuer, await adminTokenOf(service(), 'secret', 'admin:read'));
    expect((await reader.get('/clients?limit=1')).status).toBe(200);
    const username = `reader-${random()}`;
    const refused = await reader.call('POST', '/users', {
      body: { username, password: newPassword() },
    });
    expectRefusal(refused, 403, 'insufficient_scope');
    const challenge = refused.headers.get('www-authenticate') ?? '';
    expect(challenge).toMatch(/^Bearer\b/);
    expect(challenge).toContain('error="insufficient_scope"');
    expect(challenge).toContain('admin:write');
    expectRefusal(await admin.get(`/users/${username}`), 404, 'not_found');
  });
});

/** A browser signed in at the login page with a password. */
async function signedIn(username: string, password: string): Promise<CookieBrowser> {
  const browser = new CookieBrowser();
  await passwordSignIn(browser, service().issuer, { username, password });
  return browser;
}

/** POST /login with the right password, as a script asks (`Accept: application/json`). */
async function passwordLogin(username: string, password: string): Promise<Answer> {
  const { issuer } = service();
  const page = await fetch(`${issuer}/login?return_to=%2F`);
  const cookie = page.headers
    .getSetCookie()
    .map((line) => line.split(';')[0])
    .join('; ');
  return read(
    await fetch(`${issuer}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        accept: 'application/json',
        'content-type': 'application/x-www-form-urlencoded',
        cookie,
      },
      body: new URLSearchParams({
        username,
        password,
        csrf_token: csrfOf(await page.text()),
        return_to: '/',
      }),
    }),
  );
}

/**
 * A first-party client of the code flow, created through the admin API with RFC 7591 names: its
 * redirect URI and `backchannel_logout_uri` on the receiver (http on a loopback address outside
 * production, docs/OAUTH.md "Registering").
 */
async function newWebClient(): Promise<WebClient> {
  const { receiver } = service();
  const clientId = `acc-web-${random()}`;
  const redirectUri = `${receiver}/callback/${clientId}`;
  const created = await admin.call('POST', '/clients', {
    body: {
      client_id: clientId,
      client_name: 'Acceptance web app',
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'client_secret_basic',
      first_party: true,
      backchannel_logout_uri: `${receiver}/backchannel-logout/${clientId}`,
    },
  });
  expect(created.status).toBe(201);
  confidential.push(created.body.client_secret as string);
  return { clientId, secret: created.body.client_secret as string, redirectUri };
}

/** The logout token POSTed to the client's back-channel logout URI, verified against /jwks.json. */
async function logoutTokenFor(client: WebClient): Promise<Json> {
  const { issuer, received } = service();
  const path = `/backchannel-logout/${client.clientId}`;
  const post = await waitFor(
    () => Promise.resolve(received.find((one) => one.path === path)),
    (found) => found !== undefined,
    15_000,
  );
  expect(post?.headers['content-type']).toContain('application/x-www-form-urlencoded');
  const token = new URLSearchParams(post!.body).get('logout_token')!;
  const { payload, protectedHeader } = await jwtVerify(
    token,
    createRemoteJWKSet(new URL(`${issuer}/jwks.json`)),
    { issuer, audience: client.clientId, typ: 'logout+jwt' },
  );
  expect(protectedHeader.typ).toBe('logout+jwt');
  expect(payload.events).toEqual({ 'http://schemas.openid.net/event/backchannel-logout': {} });
  return payload;
}

describe('users', () => {
  it('creates a password user: 201 with Location and ETag, 409 for the username in any letter case', async () => {
    const username = `Acc.User-${random()}`;
    const password = newPassword();
    const created = await admin.call('POST', '/users', { body: { username, password } });
    expect(created.status).toBe(201);
    expect(created.body.username).toBe(username);
    expect(created.text).not.toContain(password);
    expect(created.headers.get('etag')).toBeTruthy();
    const location = new URL(created.headers.get('location')!, admin.url('/'));
    expect(location.pathname).toBe(`/admin/v1/users/${encodeURIComponent(username)}`);
    const shown = await read(
      await fetch(location, { headers: { authorization: `Bearer ${await adminToken()}` } }),
    );
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ username, status: 'active' });
    expect(shown.headers.get('etag')).toBeTruthy();

    for (const again of [username, username.toLowerCase(), username.toUpperCase()]) {
      const conflict = await admin.call('POST', '/users', {
        body: { username: again, password: newPassword() },
      });
      expectRefusal(conflict, 409, 'conflict');
    }
    // The first password still signs the user in: the refused creates changed nothing.
    await signedIn(username, password);

    // What `users add` refuses is 400 invalid_request, and the password is not repeated.
    const short = 'short';
    const refused = await admin.call('POST', '/users', {
      body: { username: `acc-short-${random()}`, password: short },
    });
    expectRefusal(refused, 400, 'invalid_request');
    expect(refused.body.error_description).not.toContain(short);
    expectRefusal(
      await admin.call('POST', '/users', {
        body: { username: 'no:colon', password: newPassword() },
      }),
      400,
      'invalid_request',
    );
  });

  it('lists users in cursor pages, ?q= keeping the usernames that start with it in any letter case', async () => {
    const prefix = `acc-q-${random()}`;
    const made: string[] = [];
    for (const name of ['a', 'B', 'c']) {
      const username = `${prefix}-${name}`;
      const created = await admin.call('POST', '/users', {
        body: { username, password: newPassword() },
      });
      expect(created.status).toBe(201);
      made.push(username);
    }
    const { pages, items } = await admin.walk(`/users?q=${prefix.toUpperCase()}`, 2);
    expect(pages.map((page) => page.length)).toEqual([2, 1]);
    // By username, as its keyset (code point order: `B` before `a`).
    expect(items.map((item) => item.username)).toEqual([...made].sort());
    for (const item of items) {
      expect(item).toMatchObject({ sub: expect.any(String), status: 'active', disabled_at: null });
    }
  });

  it('disables with If-Match as the CLI does: sign-in refused, grants revoked, logout sent; 428 without a tag, 412 on a stale one', async () => {
    const { issuer } = service();
    const username = `acc-off-${random()}`;
    const password = newPassword();
    expect((await admin.call('POST', '/users', { body: { username, password } })).status).toBe(201);
    const app = await newWebClient();
    const held = await codeFlowAccessToken(issuer, await signedIn(username, password), app);
    expect(await tokenActive(issuer, app, held)).toBe(true);

    const before = await admin.get(`/users/${username}`);
    expect(before.status).toBe(200);
    const read1 = before.headers.get('etag')!;
    expectRefusal(
      await admin.call('PATCH', `/users/${username}`, { body: { status: 'disabled' } }),
      428,
      'precondition_required',
    );
    expect((await admin.get(`/users/${username}`)).body.status).toBe('active');

    const disabled = await admin.call('PATCH', `/users/${username}`, {
      body: { status: 'disabled' },
      ifMatch: read1,
    });
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ username, status: 'disabled', changed: true });
    expect(disabled.body.grants_revoked).toBeGreaterThanOrEqual(1);
    expect(disabled.body.sessions_ended).toBeGreaterThanOrEqual(1);
    const read2 = disabled.headers.get('etag');
    expect(read2).toBeTruthy();
    expect(read2).not.toBe(read1);

    expect(await tokenActive(issuer, app, held)).toBe(false);
    expectRefusal(await passwordLogin(username, password), 403, 'access_denied');
    // OpenID Connect Back-Channel Logout: the client the person signed in to is told.
    const logout = await logoutTokenFor(app);
    expect(logout).toMatchObject({ aud: app.clientId, sub: before.body.sub });

    // A change naming the version read before the disable is refused, and changes nothing.
    expectRefusal(
      await admin.call('PATCH', `/users/${username}`, {
        body: { status: 'active' },
        ifMatch: read1,
      }),
      412,
      'precondition_failed',
    );
    expect((await admin.get(`/users/${username}`)).body.status).toBe('disabled');
    expectRefusal(await passwordLogin(username, password), 403, 'access_denied');

    // With the current version the user is enabled again, and signs in.
    const enabled = await admin.call('PATCH', `/users/${username}`, {
      body: { status: 'active' },
      ifMatch: read2!,
    });
    expect(enabled.status).toBe(200);
    expect(enabled.body.status).toBe('active');
    await signedIn(username, password);
    // Revoked grants stay revoked (docs/ADMINISTRATION.md, `users enable`).
    expect(await tokenActive(issuer, app, held)).toBe(false);
  });
});

/** A fresh admin token of the keyed admin client (for a request made without AdminApi). */
function adminToken(): Promise<string> {
  return adminTokenOf(service(), 'keyed');
}

describe('clients', () => {
  it('creates a client from RFC 7591 metadata: 201 with Location, ETag and its secret once; 409 on the same client_id', async () => {
    const clientId = `acc-app-${random()}`;
    const metadata = {
      client_id: clientId,
      client_name: 'Acceptance app',
      redirect_uris: ['https://app.acceptance.example/callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_method: 'client_secret_basic',
    };
    const created = await admin.call('POST', '/clients', { body: metadata });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject(metadata);
    const secret = created.body.client_secret as string;
    expect(typeof secret).toBe('string');
    confidential.push(secret);
    expect(created.headers.get('etag')).toBeTruthy();
    expect(new URL(created.headers.get('location')!, admin.url('/')).pathname).toBe(
      `/admin/v1/clients/${clientId}`,
    );

    const shown = await admin.get(`/clients/${clientId}`);
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject(metadata);
    expect(shown.body).not.toHaveProperty('client_secret');
    expect(shown.text).not.toContain(secret);

    // A retry after a lost answer: 409, and the secret answered the first time still works.
    const again = await admin.call('POST', '/clients', {
      body: { ...metadata, client_name: 'A second one' },
    });
    expectRefusal(again, 409, 'conflict');
    expect(again.text).not.toContain(secret);
    expect((await admin.get(`/clients/${clientId}`)).body.client_name).toBe('Acceptance app');
    const introspected = await postWithSecret(
      service().issuer,
      '/introspect',
      { clientId, secret },
      { token: 'unknown' },
    );
    expect(introspected.status).toBe(200);
  });

  it('changes a client with PATCH and If-Match; 428 without a tag, 412 on a stale one', async () => {
    const { clientId } = await newMachineClient('acc-patch');
    const before = await admin.get(`/clients/${clientId}`);
    const read1 = before.headers.get('etag')!;
    expect(read1).toBeTruthy();
    expectRefusal(
      await admin.call('PATCH', `/clients/${clientId}`, { body: { client_name: 'No tag' } }),
      428,
      'precondition_required',
    );
    const changed = await admin.call('PATCH', `/clients/${clientId}`, {
      body: { client_name: 'Renamed' },
      ifMatch: read1,
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ client_id: clientId, client_name: 'Renamed' });
    expect(changed.headers.get('etag')).not.toBe(read1);
    expectRefusal(
      await admin.call('PATCH', `/clients/${clientId}`, {
        body: { client_name: 'Stale' },
        ifMatch: read1,
      }),
      412,
      'precondition_failed',
    );
    const after = await admin.get(`/clients/${clientId}`);
    expect(after.body.client_name).toBe('Renamed');
    expect(after.headers.get('etag')).toBe(changed.headers.get('etag'));
  });

  it('lists clients in pages of { items, next }, a cursor walked to the end without a duplicate', async () => {
    const prefix = `acc-page-${random()}`;
    const made: string[] = [];
    for (let i = 0; i < 5; i += 1) made.push((await newMachineClient(prefix)).clientId);
    const { pages, items } = await admin.walk('/clients', 4);
    const ids = items.map((item) => item.client_id as string);
    expect(pages.length).toBeGreaterThan(1);
    for (const page of pages) expect(page.length).toBeLessThanOrEqual(4);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining([...made, service().machines.adminKeyed.clientId]));
    // Keyset pages by client_id: the walk reads them in order.
    expect([...ids].sort()).toEqual(ids);
    for (const item of items) expect(item).not.toHaveProperty('client_secret');

    // A page size out of 1-1000, or a cursor the API never gave: 400 invalid_request.
    for (const query of ['limit=0', 'limit=1001', 'cursor=not-a-cursor']) {
      expectRefusal(await admin.get(`/clients?${query}`), 400, 'invalid_request');
    }
  });
});

describe('client secrets', () => {
  /** GET .../secrets: the list and its ETag; never a value of the secrets it names. */
  async function secretsOf(clientId: string): Promise<{ items: Json[]; etag: string }> {
    const listed = await admin.get(`/clients/${clientId}/secrets`);
    expect(listed.status).toBe(200);
    expect(listed.body.next).toBeNull();
    for (const secret of confidential) expect(listed.text).not.toContain(secret);
    for (const item of listed.body.items as Json[]) {
      expect(Object.keys(item).sort()).toEqual(['created_at', 'expired', 'expires_at', 'id']);
    }
    return { items: listed.body.items as Json[], etag: listed.headers.get('etag')! };
  }

  /** POST .../secrets with If-Match: `201 { id, secret, created_at }`, the value this once. */
  async function rotate(
    clientId: string,
    body: Json,
  ): Promise<SecretClient & { id: string; createdAt: string }> {
    const { etag } = await secretsOf(clientId);
    const rotated = await admin.call('POST', `/clients/${clientId}/secrets`, {
      body,
      ifMatch: etag,
    });
    expect(rotated.status).toBe(201);
    expect(rotated.body).toMatchObject({
      id: expect.any(String),
      secret: expect.any(String),
      created_at: expect.any(String),
    });
    confidential.push(rotated.body.secret as string);
    return {
      clientId,
      secret: rotated.body.secret as string,
      id: rotated.body.id as string,
      createdAt: rotated.body.created_at as string,
    };
  }

  /** The client authenticates with `client` at /token, /introspect and /revoke (or is refused at each). */
  async function expectEverywhere(client: SecretClient, works: boolean, token: string) {
    const { issuer } = service();
    const answers = [
      await tokenWith(client),
      await postWithSecret(issuer, '/introspect', client, { token }),
      await postWithSecret(issuer, '/revoke', client, { token: `unknown-${random()}` }),
    ];
    for (const answer of answers) {
      if (works) expect(answer.status).toBe(200);
      else expectRefusal(answer, 401, 'invalid_client');
    }
  }

  it('rotates with an overlap: both secrets work at /token, /introspect and /revoke, then the old one is 401 invalid_client', async () => {
    const { issuer } = service();
    const first = await newMachineClient('acc-rotate');
    const listed = await secretsOf(first.clientId);
    expect(listed.items).toHaveLength(1);
    expect(listed.items[0]).toMatchObject({ expires_at: null, expired: false });

    // A rotation names the list it read: without If-Match, 428 and no new secret.
    expectRefusal(
      await admin.call('POST', `/clients/${first.clientId}/secrets`, {
        body: { previous_expires_in: 300 },
      }),
      428,
      'precondition_required',
    );
    const second = await rotate(first.clientId, { previous_expires_in: 300 });
    expect(second.secret).not.toBe(first.secret);
    // During the overlap: a token of the new secret is introspected and revoked with the old one.
    const token = (await tokenWith(second)).body.access_token as string;
    const introspected = await postWithSecret(issuer, '/introspect', first, { token });
    expect(introspected.body).toMatchObject({ active: true, client_id: first.clientId });
    expect((await postWithSecret(issuer, '/revoke', first, { token })).status).toBe(200);
    expect((await postWithSecret(issuer, '/introspect', second, { token })).body.active).toBe(
      false,
    );
    const fresh = (await tokenWith(first)).body.access_token as string;
    await expectEverywhere(first, true, fresh);
    await expectEverywhere(second, true, fresh);
    const overlapping = await secretsOf(first.clientId);
    expect(overlapping.items.map((item) => item.id)).toEqual([second.id, expect.any(String)]);
    expect(overlapping.items[1]).toMatchObject({ expires_at: expect.any(String), expired: false });

    // A retry of the rotation whose answer was "lost" names the list it read: 412, no third secret.
    const retried = await admin.call('POST', `/clients/${first.clientId}/secrets`, {
      body: { previous_expires_in: 300 },
      ifMatch: listed.etag,
    });
    expectRefusal(retried, 412, 'precondition_failed');
    expect((await secretsOf(first.clientId)).items).toHaveLength(2);

    // A second rotation with a short overlap: the oldest stops at once, the previous one when
    // its overlap ends (waited out here), the newest works throughout.
    const third = await rotate(first.clientId, { previous_expires_in: 3 });
    const during = await tokenWith(second);
    const ending = await secretsOf(first.clientId);
    expect(ending.items.map((item) => item.id)).toEqual([third.id, second.id]);
    const expiresAt = Date.parse(ending.items[1].expires_at as string);
    expect(Math.abs(expiresAt - Date.parse(third.createdAt) - 3_000)).toBeLessThan(1_000);
    // The previous secret works within its overlap. Only an answer the service may have made after
    // the expiry (its Date header counts whole seconds) could be a refusal: a machine so loaded
    // that one request took the whole overlap, never the case on a quiet one.
    if (Date.parse(during.headers.get('date')!) + 1_000 <= expiresAt) {
      expect(during.status).toBe(200);
    }
    expectRefusal(await tokenWith(first), 401, 'invalid_client');
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt - Date.now()) + 250));

    const live = (await tokenWith(third)).body.access_token as string;
    await expectEverywhere(second, false, live);
    await expectEverywhere(third, true, live);
    const after = await secretsOf(first.clientId);
    expect(after.items[1]).toMatchObject({ id: second.id, expired: true });
  });

  it('keeps an overlap within CLIENT_SECRET_OVERLAP_MAX_SECONDS: a longer one refused, the 24 h default cut to it', async () => {
    const client = await newMachineClient('acc-overlap');
    const { etag } = await secretsOf(client.clientId);
    const refused = await admin.call('POST', `/clients/${client.clientId}/secrets`, {
      body: { previous_expires_in: SECRET_OVERLAP_MAX_SECONDS + 1 },
      ifMatch: etag,
    });
    expectRefusal(refused, 400, 'invalid_request');
    expect((await secretsOf(client.clientId)).items).toHaveLength(1);
    expect((await tokenWith(client)).status).toBe(200);

    const rotated = await rotate(client.clientId, {});
    const { items } = await secretsOf(client.clientId);
    const previous = items.find((item) => item.id !== rotated.id)!;
    const overlap =
      Date.parse(previous.expires_at as string) - Date.parse(items[0].created_at as string);
    expect(Math.abs(overlap - SECRET_OVERLAP_MAX_SECONDS * 1000)).toBeLessThan(5_000);
  });
});

describe('the audit trail', () => {
  it('lists the admin writes with who, what and how they ended, and never a secret or a password', async () => {
    const { machines } = service();
    const username = `acc-audit-${random()}`;
    const created = await admin.call('POST', '/users', {
      body: { username, password: newPassword() },
    });
    expect(created.status).toBe(201);
    const conflict = await admin.call('POST', '/users', {
      body: { username: username.toUpperCase(), password: newPassword() },
    });
    expectRefusal(conflict, 409, 'conflict');
    const requestId = `acc-${random()}`;
    const disabled = await admin.call('PATCH', `/users/${username}`, {
      body: { status: 'disabled' },
      ifMatch: created.headers.get('etag')!,
      headers: { 'x-request-id': requestId },
    });
    expect(disabled.status).toBe(200);
    expect(disabled.headers.get('x-request-id')).toBe(requestId);
    const { clientId } = await newMachineClient('acc-audit');
    const secrets = await admin.get(`/clients/${clientId}/secrets`);
    const rotated = await admin.call('POST', `/clients/${clientId}/secrets`, {
      body: { previous_expires_in: 60 },
      ifMatch: secrets.headers.get('etag')!,
    });
    expect(rotated.status).toBe(201);
    confidential.push(rotated.body.secret as string);

    // Read by the other admin client, with admin:read alone.
    const reader = new AdminApi(
      service().issuer,
      await adminTokenOf(service(), 'secret', 'admin:read'),
    );
    const actor = machines.adminKeyed.clientId;
    const { items } = await reader.walk(`/audit?actor=${encodeURIComponent(actor)}`, 50);
    for (const record of items) {
      expect(record).toMatchObject({
        id: expect.any(String),
        at: expect.any(String),
        actor: { kind: 'client', client_id: actor },
        action: expect.any(String),
        request_id: expect.any(String),
        outcome: expect.stringMatching(/^(done|refused|failed)$/),
      });
    }
    const about = (id: string) =>
      items
        .filter((record) => JSON.stringify(record.targets).toLowerCase().includes(id))
        .map(({ action, outcome, request_id }) => ({ action, outcome, request_id }));
    // Newest first: the disable, the refused create in another letter case, the create.
    expect(about(username)).toEqual([
      { action: 'users.disable', outcome: 'done', request_id: requestId },
      { action: 'users.create', outcome: 'refused', request_id: expect.any(String) },
      { action: 'users.create', outcome: 'done', request_id: expect.any(String) },
    ]);
    const refusal = items.find(
      (record) =>
        record.outcome === 'refused' &&
        JSON.stringify(record.targets).includes(username.toUpperCase()),
    );
    expect(refusal?.reason).toEqual(expect.any(String));
    expect(about(clientId)).toEqual([
      { action: 'clients.add_secret', outcome: 'done', request_id: expect.any(String) },
      { action: 'clients.create', outcome: 'done', request_id: expect.any(String) },
    ]);
    const times = items.map((record) => Date.parse(record.at as string));
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    // The filters: by action, by outcome.
    const disables = await reader.walk('/audit?action=users.disable', 100);
    expect(disables.items.every((record) => record.action === 'users.disable')).toBe(true);
    expect(disables.items.map((record) => record.request_id)).toContain(requestId);
    const refused = await reader.walk('/audit?outcome=refused', 100);
    expect(refused.items.every((record) => record.outcome === 'refused')).toBe(true);
    expect(refused.items.map((record) => record.id)).toContain(refusal?.id);

    // Never a secret or a password: the whole trail, searched for every one this file made.
    const trail = JSON.stringify((await reader.walk('/audit', 200)).items);
    expect(trail).toContain(username);
    for (const secret of confidential) expect(trail).not.toContain(secret);
  });
});

describe('the OpenAPI document', () => {
  it('describes the admin API under its own tag, with the resources the issue names', async () => {
    const answer = await read(await fetch(`${service().issuer}/docs-json`));
    expect(answer.status).toBe(200);
    const paths = answer.body.paths as Record<
      string,
      Record<string, { tags?: string[]; security?: Json[] }>
    >;
    // Path parameters by position: the document names them its own way ({clientId} for {id}).
    const byShape = new Map(
      Object.entries(paths).map(([path, operations]) => [
        path.replace(/\{[^}]+\}/g, '{}'),
        operations,
      ]),
    );
    const expected: Record<string, string[]> = {
      '/admin/v1/users': ['get', 'post'],
      '/admin/v1/users/{}': ['get', 'patch'],
      '/admin/v1/accounts/{}': ['get'],
      '/admin/v1/clients': ['get', 'post'],
      '/admin/v1/clients/{}': ['delete', 'get', 'patch'],
      '/admin/v1/clients/{}/secrets': ['get', 'post'],
      '/admin/v1/keys': ['get'],
      '/admin/v1/grants': ['get'],
      '/admin/v1/sessions': ['get'],
      '/admin/v1/consents': ['get'],
      '/admin/v1/approvals': ['get'],
      '/admin/v1/audit': ['get'],
    };
    for (const [path, methods] of Object.entries(expected)) {
      const operations = byShape.get(path) ?? {};
      expect([path, Object.keys(operations).sort()]).toEqual([
        path,
        expect.arrayContaining(methods),
      ]);
      for (const method of methods) {
        expect([path, method, operations[method].tags]).toEqual([path, method, ['admin']]);
        expect(operations[method].security?.length).toBeGreaterThan(0);
      }
    }
  });
});
