/**
 * The admin API (issue #77) over HTTP, against the real service and database, with tokens from
 * client_credentials: who may get admin scopes (and who gets invalid_scope), the guard's 401 and
 * 403, the users, clients, grants, keys, consents and approvals it manages through the CLI's own
 * services, ETag/If-Match, cursor pages, and the audit trail every write leaves.
 */
import { decodeJwt } from 'jose';
import type { mongo } from 'mongoose';
import { cliCall } from '../../../src/admin/io/cli-call';
import { UserAdministration } from '../../../src/admin/users/user-administration.service';
import { ClientAdministration } from '../../../src/admin/clients/client-administration.service';
import { AccountAdministration } from '../../../src/admin/accounts/account-administration.service';
import { PasswordHasher } from '../../../src/platform/crypto/password-hasher';
import request from 'supertest';
import { basic, login } from '../../support/oauth';
import { dpopKey, signProof } from '../../support/dpop';
import { expectRefusal } from '../../support/refusal';
import { oneWinner, readTogether } from '../../support/read-together';
import { useTestApp } from '../../support/use-test-app';
import { adminCli } from '../../support/admin-cli';

const ADMIN = { id: 'ops-robot', secret: 'ops-robot-secret-1234' };
const READER = { id: 'ops-reader', secret: 'ops-reader-secret-1234' };
const MACHINE = { id: 'plain-machine', secret: 'plain-machine-secret-1234' };
const BOUND = { id: 'ops-bound', secret: 'ops-bound-secret-1234' };
const INITIAL_ACCESS_TOKEN = 'initial-access-token-of-the-admin-api-spec';
const PASSWORD = 'correct horse battery staple';

/** The items of a page the admin API answered. */
const itemsOf = <T>(response: { body: unknown }): T[] => (response.body as { items: T[] }).items;

describe('the admin API (/admin/v1)', () => {
  const t = useTestApp({
    // The work off the request path (figures, outbox pollers) waits, so a page's commands are
    // its own (as in test/e2e/oauth/round-trips.e2e-spec.ts).
    FIGURES_FLUSH_MS: '600000',
    BACKCHANNEL_LOGOUT_POLL_INTERVAL_MS: '60000',
    MAIL_POLL_INTERVAL_MS: '60000',
    CIBA_NOTIFICATION_POLL_INTERVAL_MS: '60000',
    SSF_POLL_INTERVAL_MS: '60000',
    REGISTRATION_INITIAL_ACCESS_TOKEN: INITIAL_ACCESS_TOKEN,
    RATE_LIMIT_ADMIN_API_PER_CLIENT: '10000',
    RATE_LIMIT_ADMIN_API_PER_IP: '10000',
    OAUTH_CLIENTS: JSON.stringify([
      {
        client_id: ADMIN.id,
        client_secret: ADMIN.secret,
        grant_types: ['client_credentials'],
        admin_scopes: ['admin:read', 'admin:write'],
      },
      {
        client_id: READER.id,
        client_secret: READER.secret,
        grant_types: ['client_credentials'],
        admin_scopes: ['admin:read'],
      },
      { client_id: MACHINE.id, client_secret: MACHINE.secret, grant_types: ['client_credentials'] },
      {
        client_id: BOUND.id,
        client_secret: BOUND.secret,
        grant_types: ['client_credentials'],
        dpop_bound_access_tokens: true,
        admin_scopes: ['admin:read'],
      },
    ]),
  });
  const adminAudience = () => `${t.config.server.issuer}/admin/v1`;

  function tokenRequest(client: { id: string; secret: string }, fields: Record<string, string>) {
    return t
      .http()
      .post('/token')
      .type('form')
      .set('Authorization', basic(client.id, client.secret))
      .send({ grant_type: 'client_credentials', ...fields });
  }

  async function tokenOf(client: { id: string; secret: string }, scope: string): Promise<string> {
    const response = await tokenRequest(client, { scope });
    expect(response.status).toBe(200);
    return (response.body as { access_token: string }).access_token;
  }

  let admin: string;
  let reader: string;
  beforeAll(async () => {
    admin = await tokenOf(ADMIN, 'admin:read admin:write');
    reader = await tokenOf(READER, 'admin:read');
  });

  const as = (token: string) => ({ Authorization: `Bearer ${token}` });

  /** A DPoP-bound admin:read token of BOUND, and the key it is bound to. */
  async function boundAdminToken() {
    const key = await dpopKey();
    const issued = await t
      .http()
      .post('/token')
      .type('form')
      .set('Authorization', basic(BOUND.id, BOUND.secret))
      .set('DPoP', await signProof(key, { htu: `${t.config.server.issuer}/token` }))
      .send({ grant_type: 'client_credentials', scope: 'admin:read' });
    expect(issued.body).toMatchObject({ token_type: 'DPoP', scope: 'admin:read' });
    return { key, bound: (issued.body as { access_token: string }).access_token };
  }

  /** A live grant of the account `sub`, as a sign-in leaves one: what disabling it revokes. */
  async function insertLiveGrant(id: string, sub: string): Promise<void> {
    const now = t.clock.now();
    await t.connection.db!.collection('grants').insertOne({
      _id: id,
      sub,
      clientId: 'demo-client',
      scope: 'openid',
      resource: t.config.tokens.audience,
      authMethod: 'password',
      createdAt: now,
      expiresAt: new Date(now.getTime() + 3_600_000),
      refresh: { current: 'x' },
    } as unknown as mongo.OptionalId<mongo.Document>);
  }

  describe('who may get admin scopes', () => {
    it('gives a marked client its admin scopes, in a token for <ISSUER>/admin/v1 alone', () => {
      expect(decodeJwt(admin)).toMatchObject({
        sub: ADMIN.id,
        client_id: ADMIN.id,
        aud: adminAudience(),
        scope: 'admin:read admin:write',
      });
    });

    it('refuses admin scopes to a client without the mark, and beyond the mark', async () => {
      expectRefusal(
        await tokenRequest(MACHINE, { scope: 'admin:read' }),
        400,
        'invalid_scope',
        'admin:read: this client is not an admin client (the operator gives admin scopes with admin_scopes in OAUTH_CLIENTS or clients add --admin-scope)',
      );
      expectRefusal(
        await tokenRequest(READER, { scope: 'admin:write' }),
        400,
        'invalid_scope',
        'admin:write: this admin client was given only admin:read',
      );
      expect((await tokenRequest(ADMIN, { scope: 'api admin:read' })).body).toMatchObject({
        error: 'invalid_scope',
      });
      expect(
        (await tokenRequest(ADMIN, { scope: 'admin:read', resource: 'https://api.example/' })).body,
      ).toMatchObject({ error: 'invalid_target' });
    });

    it('refuses admin scopes to a client that registered itself (RFC 7591), whatever it sends', async () => {
      const register = (fields: object) =>
        t
          .http()
          .post('/register')
          .set('Authorization', `Bearer ${INITIAL_ACCESS_TOKEN}`)
          .send({
            client_name: 'Self-made',
            grant_types: ['client_credentials'],
            token_endpoint_auth_method: 'client_secret_basic',
            ...fields,
          });
      // Its registered scope (RFC 7591 §2) never names them ...
      expect((await register({ scope: 'admin:read admin:write' })).body).toMatchObject({
        error: 'invalid_client_metadata',
      });
      // ... and admin_scopes is no registration's member: passed over, as any unknown one.
      const registered = await register({ admin_scopes: ['admin:read', 'admin:write'] });
      expect(registered.status).toBe(201);
      const self = registered.body as { client_id: string; client_secret: string };
      expect(
        (
          await tokenRequest(
            { id: self.client_id, secret: self.client_secret },
            { scope: 'admin:read' },
          )
        ).body,
      ).toMatchObject({ error: 'invalid_scope' });
    });

    it('never lets a user authorize an admin scope (invalid_scope at /authorize)', async () => {
      const response = await t.http().get('/authorize').query({
        response_type: 'code',
        client_id: 'demo-client',
        redirect_uri: 'http://localhost:25001/callback',
        scope: 'openid admin:read',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
        state: 'xyz',
      });
      expect(response.status).toBe(302);
      const location = new URL(response.headers.location);
      expect(location.searchParams.get('error')).toBe('invalid_scope');
    });
  });

  describe('the guard (RFC 6750)', () => {
    it('answers 401 with WWW-Authenticate: Bearer without a token, or with a bad one', async () => {
      const none = await t.http().get('/admin/v1/users');
      expect(none.status).toBe(401);
      expect(none.body).toEqual({
        error: 'invalid_request',
        error_description: 'A bearer access token is required',
      });
      expect(none.headers['www-authenticate']).toMatch(/^Bearer /);
      const forged = await t
        .http()
        .get('/admin/v1/users')
        .set(as(`${admin.slice(0, -4)}AAAA`));
      expect(forged.status).toBe(401);
      expect(forged.headers['www-authenticate']).toMatch(/^Bearer .*error="invalid_token"/);
    });

    it("refuses a token of the service's other API (another aud) with 401", async () => {
      const api = await tokenOf(MACHINE, 'api');
      const refused = await t.http().get('/admin/v1/users').set(as(api));
      expect(refused.status).toBe(401);
      expect(refused.body.error).toBe('invalid_token');
    });

    it('answers 403 insufficient_scope for a write with admin:read only', async () => {
      const refused = await t
        .http()
        .post('/admin/v1/users')
        .set(as(reader))
        .send({ username: 'nobody', password: PASSWORD });
      expectRefusal(refused, 403, 'insufficient_scope', 'This call needs the scope admin:write');
      expect(refused.headers['www-authenticate']).toMatch(
        /^Bearer .*error="insufficient_scope".*scope="admin:write"/,
      );
    });

    it('takes a DPoP-bound admin token with a proof of its key (RFC 9449 §7), and refuses it as a bearer token', async () => {
      const { key, bound } = await boundAdminToken();
      const proven = await t
        .http()
        .get('/admin/v1/keys')
        .set('Authorization', `DPoP ${bound}`)
        .set(
          'DPoP',
          await signProof(key, {
            htm: 'GET',
            htu: `${t.config.server.issuer}/admin/v1/keys`,
            accessToken: bound,
          }),
        );
      expect(proven.status).toBe(200);
      const asBearer = await t.http().get('/admin/v1/keys').set(as(bound));
      expect(asBearer.status).toBe(401);
      expect(asBearer.headers['www-authenticate']).toMatch(/^DPoP /);
      const otherKey = await signProof(await dpopKey(), {
        htm: 'GET',
        htu: `${t.config.server.issuer}/admin/v1/keys`,
        accessToken: bound,
      });
      const stolen = await t
        .http()
        .get('/admin/v1/keys')
        .set('Authorization', `DPoP ${bound}`)
        .set('DPoP', otherKey);
      expect(stolen.status).toBe(401);
    });

    it('counts refused calls for the alert: proofgate_admin_actions_total', async () => {
      await t.http().get('/admin/v1/keys');
      const metrics = await t.http().get('/metrics');
      expect(metrics.text).toMatch(
        /proofgate_admin_actions_total\{action="keys.list",outcome="unauthorized"\} [1-9]/,
      );
    });
  });

  describe('its metadata (RFC 9728)', () => {
    const METADATA_PATH = '/.well-known/oauth-protected-resource/admin/v1';
    const metadataUrl = () => `${t.config.server.issuer}${METADATA_PATH}`;

    it('describes the admin API: the aud of its tokens, the authorization server, the admin scopes', async () => {
      const response = await t
        .http()
        .get(METADATA_PATH)
        .expect('Cache-Control', 'public, max-age=300')
        .expect(200);
      expect(response.body).toEqual({
        resource: adminAudience(),
        authorization_servers: [t.config.server.issuer],
        bearer_methods_supported: ['header'],
        scopes_supported: ['admin:read', 'admin:write'],
        resource_name: 'Proofgate admin API',
        dpop_signing_alg_values_supported: ['ES256', 'EdDSA', 'Ed25519', 'RS256', 'PS256'],
        jwks_uri: `${t.config.server.issuer}/jwks.json`,
      });
      // What it says works: the resource is the aud of a token issued for it ...
      expect(decodeJwt(admin).aud).toBe(response.body.resource);
      // ... and an admin client asking for every scope it lists gets them all, then is let in.
      const body = response.body as { resource: string; scopes_supported: string[] };
      const issued = await tokenRequest(ADMIN, {
        scope: body.scopes_supported.join(' '),
        resource: body.resource,
      });
      expect(issued.status).toBe(200);
      expect(issued.body.scope).toBe(body.scopes_supported.join(' '));
      await t.http().get('/admin/v1/keys').set(as(issued.body.access_token)).expect(200);
    });

    it('names the metadata in every challenge of the guard (RFC 9728 §5.1), a URL that answers it', async () => {
      const named = `resource_metadata="${metadataUrl()}"`;
      const none = await t.http().get('/admin/v1/users');
      expect(none.status).toBe(401);
      // RFC 6750 §3.1: no error code without credentials; RFC 9728 §5.1: where to learn more.
      expect(none.headers['www-authenticate']).toBe(`Bearer realm="proofgate", ${named}`);
      const forged = await t
        .http()
        .get('/admin/v1/users')
        .set(as(`${admin.slice(0, -4)}AAAA`));
      expect(forged.status).toBe(401);
      expect(String(forged.headers['www-authenticate'])).toMatch(
        new RegExp(`^Bearer realm="proofgate", error="invalid_token", .*, ${named}$`),
      );
      const other = await t
        .http()
        .get('/admin/v1/users')
        .set(as(await tokenOf(MACHINE, 'api')));
      expect(other.status).toBe(401);
      expect(String(other.headers['www-authenticate'])).toContain(named);
      const scopeless = await t
        .http()
        .post('/admin/v1/users')
        .set(as(reader))
        .send({ username: 'nobody', password: PASSWORD });
      expect(scopeless.status).toBe(403);
      expect(String(scopeless.headers['www-authenticate'])).toMatch(
        new RegExp(`^Bearer .*scope="admin:write", ${named}$`),
      );
      // The URL the challenge names answers the document, on this server.
      const url = /resource_metadata="([^"]+)"/.exec(String(none.headers['www-authenticate']))![1];
      expect(url.startsWith(`${t.config.server.issuer}/`)).toBe(true);
      const fetched = await t.http().get(new URL(url).pathname).expect(200);
      expect(fetched.body).toMatchObject({
        resource: adminAudience(),
        scopes_supported: ['admin:read', 'admin:write'],
      });
    });

    it('names it in the DPoP challenge of a DPoP-bound token sent as a bearer token', async () => {
      const { bound } = await boundAdminToken();
      const refused = await t.http().get('/admin/v1/keys').set(as(bound));
      expect(refused.status).toBe(401);
      expect(String(refused.headers['www-authenticate'])).toMatch(
        new RegExp(`^DPoP .*, resource_metadata="${metadataUrl()}"$`),
      );
    });
  });

  describe('users', () => {
    it('creates a user (201, Location, ETag), and 409 for the name in any letter case', async () => {
      const created = await t
        .http()
        .post('/admin/v1/users')
        .set(as(admin))
        .set('X-Request-Id', 'create-carol-1')
        .send({ username: 'carol', password: PASSWORD });
      expect(created.status).toBe(201);
      expect(created.headers.location).toBe('/admin/v1/users/carol');
      expect(created.headers.etag).toMatch(/^"[\w-]{27}"$/);
      expect(created.body).toMatchObject({ username: 'carol', status: 'active' });
      expect(JSON.stringify(created.body)).not.toContain(PASSWORD);

      const again = await t
        .http()
        .post('/admin/v1/users')
        .set(as(admin))
        .send({ username: 'Carol', password: PASSWORD });
      expectRefusal(
        again,
        409,
        'conflict',
        'user Carol already exists in another case (usernames are unique whatever their case)',
      );
    });

    it('refuses a bad username with 400 invalid_request, never a 5xx', async () => {
      const bad = await t
        .http()
        .post('/admin/v1/users')
        .set(as(admin))
        .send({ username: 'no:colons', password: PASSWORD });
      expect(bad.status).toBe(400);
      expect(bad.body.error).toBe('invalid_request');
    });

    it('lists users a page at a time, and searches by prefix', async () => {
      for (const name of ['dave1', 'dave2', 'dave3']) {
        await t.app.get(UserAdministration, { strict: false }).add(name, PASSWORD, cliCall());
      }
      const first = await t
        .http()
        .get('/admin/v1/users')
        .query({ q: 'DAVE', limit: 2 })
        .set(as(reader));
      expect(first.status).toBe(200);
      expect(itemsOf<{ username: string }>(first).map((user) => user.username)).toEqual([
        'dave1',
        'dave2',
      ]);
      const second = await t
        .http()
        .get('/admin/v1/users')
        .query({ q: 'dave', limit: 2, cursor: first.body.next })
        .set(as(reader));
      expect(second.body).toEqual({
        items: [expect.objectContaining({ username: 'dave3' })],
        next: null,
      });
      expectRefusal(
        await t.http().get('/admin/v1/users').query({ cursor: 'garbage' }).set(as(reader)),
        400,
        'invalid_request',
        'cursor is not one this API gave (use the `next` of a page)',
      );
    });

    it("disables with If-Match only (428 without, 412 stale), with the CLI's effect", async () => {
      await t
        .http()
        .post('/admin/v1/users')
        .set(as(admin))
        .send({ username: 'erin', password: PASSWORD });
      const read = await t.http().get('/admin/v1/users/erin').set(as(reader));
      expect(read.status).toBe(200);
      const sub = read.body.sub as string;
      // A live grant of erin's account: disabling revokes it, as `users disable` does.
      const grants = t.connection.db!.collection('grants');
      await insertLiveGrant('erin-grant-1', sub);

      expectRefusal(
        await t.http().patch('/admin/v1/users/erin').set(as(admin)).send({ status: 'disabled' }),
        428,
        'precondition_required',
        'A change needs If-Match with the ETag of the resource as you read it (GET it first)',
      );
      expect(
        (
          await t
            .http()
            .patch('/admin/v1/users/erin')
            .set(as(admin))
            .set('If-Match', '"stale"')
            .send({ status: 'disabled' })
        ).status,
      ).toBe(412);
      // Both refusals are on the audit trail, under the route's action, newest first.
      const refusals = await t
        .http()
        .get('/admin/v1/audit')
        .query({ action: 'users.update', outcome: 'refused' })
        .set(as(reader));
      expect(itemsOf(refusals)).toEqual([
        expect.objectContaining({
          actor: { kind: 'client', client_id: ADMIN.id },
          targets: { username: 'erin' },
          reason:
            'The resource changed since you read it (If-Match names another version): GET it again',
        }),
        expect.objectContaining({
          targets: { username: 'erin' },
          reason:
            'A change needs If-Match with the ETag of the resource as you read it (GET it first)',
        }),
      ]);

      const disabled = await t
        .http()
        .patch('/admin/v1/users/erin')
        .set(as(admin))
        .set('If-Match', read.headers.etag)
        .send({ status: 'disabled' });
      expect(disabled.status).toBe(200);
      expect(disabled.body).toMatchObject({
        username: 'erin',
        status: 'disabled',
        changed: true,
        grants_revoked: 1,
      });
      expect((await grants.findOne({ _id: 'erin-grant-1' as never }))?.revokedReason).toBe(
        'user_disabled',
      );
      // Signing in is refused, as after `users disable`.
      const login = await t.app.get(UserAdministration, { strict: false }).show('erin');
      expect(login.disabledAt).toBeDefined();
      // The ETag it answered is the new version's: enabling with it works.
      const enabled = await t
        .http()
        .patch('/admin/v1/users/erin')
        .set(as(admin))
        .set('If-Match', disabled.headers.etag)
        .send({ status: 'active' });
      expect(enabled.body).toMatchObject({ status: 'active', changed: true });
    });

    it('makes If-Match on a user a compare-and-set: of two changes with one ETag, read together, only one is made', async () => {
      await t
        .http()
        .post('/admin/v1/users')
        .set(as(admin))
        .send({ username: 'raced-user', password: PASSWORD });
      const read = await t.http().get('/admin/v1/users/raced-user').set(as(reader));
      const sub = read.body.sub as string;
      await insertLiveGrant('raced-user-grant', sub);
      const service = t.app.get(UserAdministration, { strict: false });
      const stale =
        'user raced-user changed since you read it (If-Match names another version): GET it again';
      const disable = () =>
        t
          .http()
          .patch('/admin/v1/users/raced-user')
          .set(as(admin))
          .set('If-Match', read.headers.etag)
          .send({ status: 'disabled' });

      // Two lock-downs on one reading: one is made (its grant revoked by it), the other is 412
      // and did nothing (no second audit record of a lock-down done).
      const disabled = oneWinner(await readTogether(service, 'show', [disable, disable]), stale);
      expect(disabled.winner.body).toMatchObject({
        status: 'disabled',
        changed: true,
        grants_revoked: 1,
      });
      const audit = t.connection.db!.collection('admin_audit');
      const lockDowns = await audit
        .find({ action: 'users.disable', 'targets.account': 'raced-user' })
        .toArray();
      expect(lockDowns.map(({ outcome }) => outcome as string).sort()).toEqual(['done', 'refused']);

      // Two new passwords on one reading (the representation shows neither: the tag carries the
      // revision): one is stored, the other is 412.
      const passwords = ['first new password', 'second new password'];
      const current = await t.http().get('/admin/v1/users/raced-user').set(as(reader));
      const setPassword = (password: string) => () =>
        t
          .http()
          .put('/admin/v1/users/raced-user/password')
          .set(as(admin))
          .set('If-Match', current.headers.etag)
          .send({ password });
      const answers = await readTogether(service, 'show', [
        setPassword(passwords[0]),
        setPassword(passwords[1]),
      ]);
      const { winner } = oneWinner(answers, stale);
      const stored = await t.connection
        .db!.collection('users')
        .findOne({ _id: 'raced-user' as never });
      const hasher = t.app.get(PasswordHasher);
      const won = passwords[answers.indexOf(winner)];
      const lost = passwords[1 - answers.indexOf(winner)];
      expect(await hasher.verify(won, stored!.passwordHash as string)).toBe(true);
      expect(await hasher.verify(lost, stored!.passwordHash as string)).toBe(false);
      // The answer's ETag is the new revision's: unchanged as the representation is, the tag
      // read before the password changed no longer matches.
      expect(winner.headers.etag).not.toBe(current.headers.etag);
      const after = await t.http().get('/admin/v1/users/raced-user').set(as(reader));
      expect(after.headers.etag).toBe(winner.headers.etag);

      // The CLI names no revision: its changes land and move the revision on.
      await service.setPassword('raced-user', 'a password from the CLI', cliCall());
      expectRefusal(
        await t
          .http()
          .patch('/admin/v1/users/raced-user')
          .set(as(admin))
          .set('If-Match', after.headers.etag)
          .send({ status: 'active' }),
        412,
        'precondition_failed',
        'The resource changed since you read it (If-Match names another version): GET it again',
      );
      const beforeCli = await t.http().get('/admin/v1/users/raced-user').set(as(reader));
      await service.enable(sub, cliCall());
      await service.disable(sub, cliCall());
      const afterCli = await t.http().get('/admin/v1/users/raced-user').set(as(reader));
      // Disabled before and after, with one disabled_at: only the revision tells them apart.
      expect(afterCli.body.status).toBe('disabled');
      expect(afterCli.headers.etag).not.toBe(beforeCli.headers.etag);
    });

    it('answers 404 not_found for a user that does not exist', async () => {
      expectRefusal(
        await t.http().get('/admin/v1/users/nobody-here').set(as(reader)),
        404,
        'not_found',
        'no user nobody-here',
      );
    });
  });

  describe('accounts', () => {
    it('shows an account with its methods, links an email, and unlinks it with If-Match', async () => {
      const before = await t.http().get('/admin/v1/accounts/carol').set(as(reader));
      expect(before.body).toEqual({
        sub: 'carol',
        operator: false,
        methods: [expect.objectContaining({ method: 'password:carol', type: 'password' })],
      });
      const linked = await t
        .http()
        .post('/admin/v1/accounts/carol/methods')
        .set(as(admin))
        .send({ email: 'Carol@Example.com' });
      expect(linked.status).toBe(201);
      expect(linked.body).toMatchObject({ sub: 'carol', method: 'email:carol@example.com' });
      expect(linked.headers.location).toBe(
        '/admin/v1/accounts/carol/methods/email%3Acarol%40example.com',
      );
      // Linked again: nothing is created, so 200 and the method as it was first added.
      const again = await t
        .http()
        .post('/admin/v1/accounts/carol/methods')
        .set(as(admin))
        .send({ email: 'carol@example.com' });
      expect({ status: again.status, body: again.body }).toEqual({
        status: 200,
        body: linked.body,
      });
      expect(again.headers.location).toBeUndefined();
      // The account changed: the tag read before is stale.
      expect(
        (
          await t
            .http()
            .delete('/admin/v1/accounts/carol/methods/email:carol@example.com')
            .set(as(admin))
            .set('If-Match', before.headers.etag)
        ).status,
      ).toBe(412);
      const after = await t.http().get('/admin/v1/accounts/carol').set(as(reader));
      const unlinked = await t
        .http()
        .delete('/admin/v1/accounts/carol/methods/email:carol@example.com')
        .set(as(admin))
        .set('If-Match', after.headers.etag);
      expect(unlinked.body).toEqual({
        removed: 'email:carol@example.com',
        sessions_ended: 0,
        grants_revoked: 0,
      });
      const last = await t.http().get('/admin/v1/accounts/carol').set(as(reader));
      const refused = await t
        .http()
        .delete('/admin/v1/accounts/carol/methods/password:carol')
        .set(as(admin))
        .set('If-Match', last.headers.etag);
      expectRefusal(
        refused,
        409,
        'last_sign_in_method',
        'An account keeps at least one sign-in method',
      );
    });
    it('makes If-Match on an account a compare-and-set: of two removals with one ETag, read together, one is made', async () => {
      await t
        .http()
        .post('/admin/v1/users')
        .set(as(admin))
        .send({ username: 'raced-account', password: PASSWORD });
      const emails = ['email:one@raced.example', 'email:two@raced.example'];
      for (const email of emails) {
        await t
          .http()
          .post('/admin/v1/accounts/raced-account/methods')
          .set(as(admin))
          .send({ email: email.slice('email:'.length) });
      }
      const read = await t.http().get('/admin/v1/accounts/raced-account').set(as(reader));
      const unlink = (method: string) => () =>
        t
          .http()
          .delete(`/admin/v1/accounts/raced-account/methods/${method}`)
          .set(as(admin))
          .set('If-Match', read.headers.etag);
      const service = t.app.get(AccountAdministration, { strict: false });
      const answers = await readTogether(service, 'account', [
        unlink(emails[0]),
        unlink(emails[1]),
      ]);
      const { winner } = oneWinner(
        answers,
        'account raced-account changed since you read it (If-Match names another version): GET it again',
      );
      const after = await t.http().get('/admin/v1/accounts/raced-account').set(as(reader));
      const left = (after.body.methods as { method: string }[]).map(({ method }) => method);
      expect(left).toEqual([
        'password:raced-account',
        emails.find((email) => email !== (winner.body as { removed: string }).removed),
      ]);
    });
  });

  describe('clients', () => {
    it('registers a client from RFC 7591 metadata; its secret (answered once) works at /token', async () => {
      const created = await t
        .http()
        .post('/admin/v1/clients')
        .set(as(admin))
        .send({
          client_id: 'nightly-sync',
          client_name: 'Nightly sync',
          grant_types: ['client_credentials'],
        });
      expect(created.status).toBe(201);
      expect(created.headers.location).toBe('/admin/v1/clients/nightly-sync');
      expect(created.body).toMatchObject({
        client_id: 'nightly-sync',
        client_name: 'Nightly sync',
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: ['client_credentials'],
        source: 'database',
        client_secret: expect.any(String),
      });
      const secret = created.body.client_secret as string;
      expect((await tokenRequest({ id: 'nightly-sync', secret }, {})).status).toBe(200);

      const shown = await t.http().get('/admin/v1/clients/nightly-sync').set(as(reader));
      expect(shown.body.client_secret).toBeUndefined();
      expect(shown.headers.etag).toBe(created.headers.etag);

      // A retry after a lost answer makes no second client: 409.
      const retried = await t
        .http()
        .post('/admin/v1/clients')
        .set(as(admin))
        .send({ client_id: 'nightly-sync', grant_types: ['client_credentials'] });
      expectRefusal(retried, 409, 'conflict', 'client nightly-sync already exists');
    });

    it("changes a client's metadata with PATCH and If-Match, by the rules of clients add", async () => {
      await t
        .http()
        .post('/admin/v1/clients')
        .set(as(admin))
        .send({ client_id: 'web-app', redirect_uris: ['https://web.example/cb'] });
      const read = await t.http().get('/admin/v1/clients/web-app').set(as(reader));
      expectRefusal(
        await t
          .http()
          .patch('/admin/v1/clients/web-app')
          .set(as(admin))
          .send({ client_name: 'Web' }),
        428,
        'precondition_required',
        'A change needs If-Match with the ETag of the resource as you read it (GET it first)',
      );
      const changed = await t
        .http()
        .patch('/admin/v1/clients/web-app')
        .set(as(admin))
        .set('If-Match', read.headers.etag)
        .send({ client_name: 'Web', redirect_uris: ['https://web.example/callback'] });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({
        client_id: 'web-app',
        client_name: 'Web',
        client_type: 'confidential',
        redirect_uris: ['https://web.example/callback'],
      });
      expect(changed.body.client_secret).toBeUndefined();
      expect(changed.headers.etag).not.toBe(read.headers.etag);
      const stale = await t
        .http()
        .patch('/admin/v1/clients/web-app')
        .set(as(admin))
        .set('If-Match', read.headers.etag)
        .send({ client_name: 'Stale' });
      expect(stale.status).toBe(412);
      const refused = await t
        .http()
        .patch('/admin/v1/clients/web-app')
        .set(as(admin))
        .set('If-Match', changed.headers.etag)
        .send({ redirect_uris: ['http://web.example/cb'] });
      expect(refused.status).toBe(400);
      expect(
        (await t.http().get('/admin/v1/clients/web-app').set(as(reader))).body.client_name,
      ).toBe('Web');
      const configured = await t.http().get(`/admin/v1/clients/${MACHINE.id}`).set(as(reader));
      expectRefusal(
        await t
          .http()
          .patch(`/admin/v1/clients/${MACHINE.id}`)
          .set(as(admin))
          .set('If-Match', configured.headers.etag)
          .send({ client_name: 'Renamed' }),
        400,
        'invalid_request',
        `client ${MACHINE.id} is configured in OAUTH_CLIENTS: change it there, not here`,
      );
    });

    it('makes If-Match a compare-and-set: of two PATCHes with one ETag, read together, one lands and the other is 412', async () => {
      await t
        .http()
        .post('/admin/v1/clients')
        .set(as(admin))
        .send({ client_id: 'raced-app', redirect_uris: ['https://raced.example/cb'] });
      const { etag } = (await t.http().get('/admin/v1/clients/raced-app').set(as(reader))).headers;
      const service = t.app.get(ClientAdministration, { strict: false });
      const patch = (name: string) => () =>
        t
          .http()
          .patch('/admin/v1/clients/raced-app')
          .set(as(admin))
          .set('If-Match', etag)
          .send({ client_name: name });
      const answers = await readTogether(service, 'show', [patch('First'), patch('Second')]);
      const { winner } = oneWinner(
        answers,
        'client raced-app changed since you read it (If-Match names another version): GET it again',
      );
      const after = await t.http().get('/admin/v1/clients/raced-app').set(as(reader));
      expect(after.body.client_name).toBe(winner.body.client_name);
      expect(after.headers.etag).toBe(winner.headers.etag);
      // The CLI names no revision: its change lands, and moves the revision on (the old ETag is stale).
      await service.update('raced-app', { name: 'From the CLI' }, cliCall());
      const stale = await t
        .http()
        .delete('/admin/v1/clients/raced-app')
        .set(as(admin))
        .set('If-Match', after.headers.etag);
      expect(stale.status).toBe(412);
      const current = await t.http().get('/admin/v1/clients/raced-app').set(as(reader));
      expect(current.body.client_name).toBe('From the CLI');
    });

    /** PATCHes the client `clientId` as it reads now (If-Match: its current ETag). */
    async function patchClient(clientId: string, body: Record<string, unknown>) {
      const read = await t.http().get(`/admin/v1/clients/${clientId}`).set(as(reader));
      return t
        .http()
        .patch(`/admin/v1/clients/${clientId}`)
        .set(as(admin))
        .set('If-Match', read.headers.etag)
        .send(body);
    }

    it('removes a field PATCH sends as null (RFC 7396 §2): gone from GET, the stored client and /token', async () => {
      const created = await t
        .http()
        .post('/admin/v1/clients')
        .set(as(admin))
        .send({
          client_id: 'trimmed-app',
          client_name: 'Trimmed',
          grant_types: ['client_credentials'],
          logo_uri: 'https://trimmed.example/logo.png',
          policy_uri: 'https://trimmed.example/privacy',
          scope: 'account',
          first_party: true,
          require_pkce: false,
        });
      expect(created.status).toBe(201);
      const trimmed = { id: 'trimmed-app', secret: created.body.client_secret as string };
      // Held to its scope (and so read into this instance's client cache).
      expectRefusal(
        await tokenRequest(trimmed, { scope: 'api' }),
        400,
        'invalid_scope',
        "api: outside this client's registered scope (account)",
      );

      const changed = await patchClient('trimmed-app', {
        logo_uri: null,
        scope: null,
        first_party: null,
        require_pkce: null,
        client_name: 'Still trimmed',
      });
      expect(changed.status).toBe(200);
      const shown = await t.http().get('/admin/v1/clients/trimmed-app').set(as(reader));
      expect(shown.headers.etag).toBe(changed.headers.etag);
      for (const answer of [changed, shown]) {
        expect(answer.body).toMatchObject({
          client_name: 'Still trimmed',
          policy_uri: 'https://trimmed.example/privacy',
          // Booleans removed are their defaults, as a POST without them gets.
          first_party: false,
          require_pkce: true,
        });
        expect(answer.body).not.toHaveProperty('logo_uri');
        expect(answer.body).not.toHaveProperty('scope');
      }
      const stored = await t.connection.db!.collection('oauth_clients').findOne({
        _id: 'trimmed-app' as never,
      });
      expect(stored).toMatchObject({ name: 'Still trimmed' });
      for (const gone of ['logoUri', 'scope', 'firstParty', 'requirePkce']) {
        expect(stored).not.toHaveProperty(gone);
      }
      // Without a scope, it may ask for any the server grants it, at once on this instance.
      const granted = await tokenRequest(trimmed, { scope: 'api' });
      expect(granted.status).toBe(200);
      expect(granted.body.scope).toBe('api');

      const trail = await t
        .http()
        .get('/admin/v1/audit')
        .query({ action: 'clients.update', limit: 1000 })
        .set(as(reader));
      expect(
        (trail.body.items as Array<{ targets: Record<string, string> }>)
          .map((record) => record.targets)
          .filter((targets) => targets.client_id === 'trimmed-app'),
      ).toEqual([
        {
          client_id: 'trimmed-app',
          changed: 'client_name',
          removed: 'first_party require_pkce logo_uri scope',
        },
      ]);
    });

    it("refuses to remove what the client's grants need, in the words of a POST without it", async () => {
      const created = await t
        .http()
        .post('/admin/v1/clients')
        .set(as(admin))
        .send({ client_id: 'redirecting-app', redirect_uris: ['https://redirecting.example/cb'] })
        .expect(201);
      expect(created.body.grant_types).toEqual(['authorization_code', 'refresh_token']);
      /** What POST answers for a client of these fields: a refusal, in its words. */
      const postRefusal = async (fields: Record<string, unknown>) => {
        const refused = await t
          .http()
          .post('/admin/v1/clients')
          .set(as(admin))
          .send({ client_id: 'redirectless-app', ...fields });
        expect(refused.status).toBe(400);
        return refused.body.error_description as string;
      };
      // The authorization code grant comes back through a redirect: it needs one.
      expectRefusal(
        await patchClient('redirecting-app', { redirect_uris: null }),
        400,
        'invalid_request',
        await postRefusal({ grant_types: created.body.grant_types }),
      );
      // Without its grant types too, the grants are the default ones, as a POST gets them.
      expectRefusal(
        await patchClient('redirecting-app', { redirect_uris: null, grant_types: null }),
        400,
        'invalid_request',
        await postRefusal({}),
      );
      const after = await t.http().get('/admin/v1/clients/redirecting-app').set(as(reader));
      expect(after.headers.etag).toBe(created.headers.etag);
    });

    it('takes null at the top level of PATCH alone: not in POST, not inside a field, not for what PATCH never takes', async () => {
      expectRefusal(
        await t
          .http()
          .post('/admin/v1/clients')
          .set(as(admin))
          .send({ client_id: 'null-in-post', grant_types: ['client_credentials'], logo_uri: null }),
        400,
        'invalid_request',
        'logo_uri must not be null: leave it out instead',
      );
      const created = await t
        .http()
        .post('/admin/v1/clients')
        .set(as(admin))
        .send({ client_id: 'null-patched', redirect_uris: ['https://null.example/cb'] })
        .expect(201);
      const refusals: [Record<string, unknown>, string][] = [
        [
          { redirect_uris: ['https://null.example/cb', null] },
          'each value in redirect_uris must be a string',
        ],
        [{ jwks: { keys: null } }, 'Unknown parameter: jwks'],
        [{ client_id: null }, 'Unknown parameter: client_id'],
        [{ token_endpoint_auth_method: null }, 'Unknown parameter: token_endpoint_auth_method'],
      ];
      for (const [body, description] of refusals) {
        expectRefusal(await patchClient('null-patched', body), 400, 'invalid_request', description);
      }
      // Nothing was changed.
      const after = await t.http().get('/admin/v1/clients/null-patched').set(as(reader));
      expect(after.headers.etag).toBe(created.headers.etag);
    });

    it('refuses what clients add refuses, with 400 invalid_request', async () => {
      const refused = await t
        .http()
        .post('/admin/v1/clients')
        .set(as(admin))
        .send({ client_id: 'bad-redirect', redirect_uris: ['http://app.example/cb'] });
      expect(refused.status).toBe(400);
      expect(refused.body.error).toBe('invalid_request');
      const unknown = await t
        .http()
        .post('/admin/v1/clients')
        .set(as(admin))
        .send({ client_id: 'x', redirect_uris: ['https://x.example/cb'], colour: 'red' });
      expect(unknown.status).toBe(400);
    });

    it('pages through clients by client_id, and removes one with If-Match', async () => {
      const first = await t.http().get('/admin/v1/clients').query({ limit: 1 }).set(as(reader));
      expect(first.body.items).toHaveLength(1);
      expect(typeof first.body.next).toBe('string');
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await t
          .http()
          .get('/admin/v1/clients')
          .query({ limit: 2, ...(cursor ? { cursor } : {}) })
          .set(as(reader));
        ids.push(...itemsOf<{ client_id: string }>(page).map((client) => client.client_id));
        cursor = page.body.next as string | null;
      } while (cursor !== null);
      expect(ids).toEqual([...ids].sort());
      expect(ids).toEqual(expect.arrayContaining([ADMIN.id, 'nightly-sync']));

      const shown = await t.http().get('/admin/v1/clients/nightly-sync').set(as(reader));
      const removed = await t
        .http()
        .delete('/admin/v1/clients/nightly-sync')
        .set(as(admin))
        .set('If-Match', shown.headers.etag);
      expect(removed.body).toEqual({
        client_id: 'nightly-sync',
        removed: true,
        grants_revoked: 1,
        streams_removed: 0,
      });
      expect((await t.http().get('/admin/v1/clients/nightly-sync').set(as(reader))).status).toBe(
        404,
      );
    });

    it("rotates a client's secret with an overlap: both work at once, the old one until it expires; a retry makes no second secret", async () => {
      const created = await t
        .http()
        .post('/admin/v1/clients')
        .set(as(admin))
        .send({ client_id: 'rolling-deploy', grant_types: ['client_credentials'] });
      const first = { id: 'rolling-deploy', secret: created.body.client_secret as string };
      // In this instance's cache from here on: the rotation must be in force on its answer anyway.
      expect((await tokenRequest(first, {})).status).toBe(200);

      const listed = await t.http().get('/admin/v1/clients/rolling-deploy/secrets').set(as(reader));
      expect(listed.status).toBe(200);
      expect(listed.body).toEqual({
        items: [
          {
            id: expect.any(String),
            created_at: expect.any(String),
            expires_at: null,
            expired: false,
          },
        ],
        next: null,
      });
      const url = '/admin/v1/clients/rolling-deploy/secrets';
      const noTag = await t.http().post(url).set(as(admin)).send({ previous_expires_in: 30 });
      expect(noTag.status).toBe(428);
      const readOnly = await t
        .http()
        .post(url)
        .set(as(reader))
        .set('If-Match', listed.headers.etag)
        .send({ previous_expires_in: 30 });
      expect(readOnly.status).toBe(403);
      const tooLong = await t
        .http()
        .post(url)
        .set(as(admin))
        .set('If-Match', listed.headers.etag)
        .send({ previous_expires_in: 400 * 24 * 3600 });
      expect(tooLong.status).toBe(400);
      expect(tooLong.body.error).toBe('invalid_request');

      t.clock.freeze();
      try {
        const rotated = await t
          .http()
          .post(url)
          .set(as(admin))
          .set('If-Match', listed.headers.etag)
          .set('X-Request-Id', 'rotate-rolling-deploy-1')
          .send({ previous_expires_in: 30 });
        expect(rotated.status).toBe(201);
        expect(rotated.headers.location).toBe(url);
        expect(rotated.body).toMatchObject({
          id: expect.any(String),
          secret: expect.any(String),
          created_at: expect.any(String),
        });
        const second = { id: 'rolling-deploy', secret: rotated.body.secret as string };
        expect(second.secret).not.toBe(first.secret);
        // Both work at once, on this instance, whatever it had cached.
        expect((await tokenRequest(first, {})).status).toBe(200);
        expect((await tokenRequest(second, {})).status).toBe(200);

        // The same request again (its answer lost): the list changed, 412, no third secret.
        const retried = await t
          .http()
          .post(url)
          .set(as(admin))
          .set('If-Match', listed.headers.etag)
          .send({ previous_expires_in: 30 });
        expect(retried.status).toBe(412);
        const now = await t.http().get(url).set(as(reader));
        expect(now.headers.etag).toBe(rotated.headers.etag);
        const items = itemsOf<{ id: string; expires_at: string | null }>(now);
        expect(items.map((secret) => secret.id)).toEqual([
          rotated.body.id,
          listed.body.items[0].id,
        ]);
        expect(Date.parse(items[1].expires_at as string)).toBe(t.clock.now().getTime() + 30_000);
        expect(JSON.stringify(now.body)).not.toContain(first.secret);

        // (30 s: the clock stays that far ahead for the tests after this one, well within their tokens' life.)
        t.clock.advance(29);
        expect((await tokenRequest(first, {})).status).toBe(200);
        t.clock.advance(1);
        const refused = await tokenRequest(first, {});
        expect(refused.status).toBe(401);
        expect(refused.body.error).toBe('invalid_client');
        expect((await tokenRequest(second, {})).status).toBe(200);
      } finally {
        t.clock.thaw();
      }
      const trail = await t
        .http()
        .get('/admin/v1/audit')
        .query({ action: 'clients.add_secret' })
        .set(as(reader));
      // The rotation, and the three refused: too long an overlap (the service's), and the retry's
      // 412 and the first try's 428 (the If-Match check's, the route's parameter as target). The
      // rotation and its retry share the frozen clock's millisecond: no order between them.
      const refusedBefore = (reason: string): unknown =>
        expect.objectContaining({
          targets: { client_id: 'rolling-deploy' },
          outcome: 'refused',
          reason,
        });
      expect(itemsOf(trail)).toHaveLength(4);
      expect(itemsOf(trail)).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            targets: { client_id: 'rolling-deploy' },
            request_id: 'rotate-rolling-deploy-1',
            outcome: 'done',
          }),
          expect.objectContaining({
            outcome: 'refused',
            reason: expect.stringMatching(/not 400d$/),
          }),
          refusedBefore(
            'The resource changed since you read it (If-Match names another version): GET it again',
          ),
          refusedBefore(
            'A change needs If-Match with the ETag of the resource as you read it (GET it first)',
          ),
        ]),
      );
      expect(JSON.stringify(trail.body)).not.toContain(first.secret);
    });

    it('makes a rotation with If-Match a compare-and-set: of two with one ETag, read together, one adds its secret', async () => {
      const created = await t
        .http()
        .post('/admin/v1/clients')
        .set(as(admin))
        .send({ client_id: 'raced-secrets', grant_types: ['client_credentials'] });
      const first = { id: 'raced-secrets', secret: created.body.client_secret as string };
      const url = '/admin/v1/clients/raced-secrets/secrets';
      const listed = await t.http().get(url).set(as(reader));
      const rotate = () =>
        t
          .http()
          .post(url)
          .set(as(admin))
          .set('If-Match', listed.headers.etag)
          .send({ previous_expires_in: 3600 });
      const service = t.app.get(ClientAdministration, { strict: false });
      const answers = await readTogether(service, 'secretsRead', [rotate, rotate]);
      const { winner } = oneWinner(
        answers,
        'the secret list of client raced-secrets changed since you read it (If-Match names another version): GET it again',
        201,
      );
      // Two secrets, never three: the winner's and the first, which both work.
      const after = await t.http().get(url).set(as(reader));
      expect(itemsOf<{ id: string }>(after).map((secret) => secret.id)).toEqual([
        winner.body.id,
        listed.body.items[0].id,
      ]);
      const second = { id: 'raced-secrets', secret: winner.body.secret as string };
      expect((await tokenRequest(first, {})).status).toBe(200);
      expect((await tokenRequest(second, {})).status).toBe(200);

      // The CLI's rotate-secret names no state read: it lands, and the tag read before is stale.
      const byCli = await service.addSecret('raced-secrets', { previousExpiresIn: 60 }, cliCall());
      const latest = await t.http().get(url).set(as(reader));
      expect(itemsOf<{ id: string }>(latest).map((secret) => secret.id)).toEqual([
        byCli.id,
        winner.body.id,
      ]);
      const stale = await t
        .http()
        .post(url)
        .set(as(admin))
        .set('If-Match', after.headers.etag)
        .send({ previous_expires_in: 60 });
      expect(stale.status).toBe(412);
    });

    it('refuses to remove a client of OAUTH_CLIENTS, as the CLI does', async () => {
      const shown = await t.http().get(`/admin/v1/clients/${MACHINE.id}`).set(as(reader));
      const refused = await t
        .http()
        .delete(`/admin/v1/clients/${MACHINE.id}`)
        .set(as(admin))
        .set('If-Match', shown.headers.etag);
      expectRefusal(
        refused,
        400,
        'invalid_request',
        `client ${MACHINE.id} is configured in OAUTH_CLIENTS: remove it there, not here`,
      );
    });
  });

  describe('grants', () => {
    const SUB = 'grant-holder';

    beforeAll(async () => {
      const now = t.clock.now();
      const docs = Array.from({ length: 1000 }, (_, i) => ({
        _id: `g${String(i).padStart(4, '0')}`,
        sub: SUB,
        clientId: 'demo-client',
        scope: 'openid',
        resource: t.config.tokens.audience,
        authMethod: 'password',
        createdAt: now,
        expiresAt: new Date(now.getTime() + 3_600_000),
        refresh: { current: `r${i}` },
      }));
      await t.connection.db!.collection('grants').insertMany(docs as never[]);
      // The grants' holder is an account: revoking the grants of one that is none is a 404.
      const created = await t
        .http()
        .post('/admin/v1/users')
        .set(as(admin))
        .send({ username: SUB, password: PASSWORD });
      expect(created.status).toBe(201);
    });

    it('pages a list of 1,000 grants with one find per page (keyset on _id), 10 pages of 100', async () => {
      const client = t.connection.getClient();
      const commands: string[] = [];
      const listen = (event: mongo.CommandStartedEvent) => {
        const filter = (event.command as { filter?: { sub?: unknown } }).filter;
        commands.push(
          event.commandName === 'find' &&
            event.command.find === 'grants' &&
            filter?.sub !== undefined
            ? 'page'
            : `${event.commandName} ${String(event.command[event.commandName])}`,
        );
      };
      client.on('commandStarted', listen);
      const seen: string[] = [];
      const perPage: string[][] = [];
      let cursor: string | null = null;
      try {
        do {
          commands.length = 0;
          const page = await t
            .http()
            .get('/admin/v1/grants')
            .query({ user: SUB, limit: 100, ...(cursor ? { cursor } : {}) })
            .set(as(reader));
          expect(page.status).toBe(200);
          seen.push(...itemsOf<{ grant_id: string }>(page).map((grant) => grant.grant_id));
          perPage.push([...commands]);
          cursor = page.body.next as string | null;
        } while (cursor !== null);
      } finally {
        client.off('commandStarted', listen);
      }
      expect(seen).toHaveLength(1000);
      expect(new Set(seen).size).toBe(1000);
      expect(perPage).toHaveLength(10);
      for (const [index, sent] of perPage.entries()) {
        // The page is one find; beside it only the token's grant check and the limiter's count,
        // and on the first page the user's lookup (the account its username signs in): the
        // cursor carries the account to the pages after it.
        expect(sent.filter((command) => command === 'page')).toHaveLength(1);
        const lookups = sent.filter((command) => command === 'find users');
        expect({ index, lookups }).toEqual({ index, lookups: index === 0 ? ['find users'] : [] });
        expect({ sent, length: sent.length }).toEqual({
          sent,
          length: Math.min(sent.length, index === 0 ? 4 : 3),
        });
      }
    });

    it('needs a user or a client, and revokes one grant with If-Match, or all of a user', async () => {
      expectRefusal(
        await t.http().get('/admin/v1/grants').set(as(reader)),
        400,
        'invalid_request',
        'name the user or the client (or both) whose grants',
      );
      const shown = await t.http().get('/admin/v1/grants/g0000').set(as(reader));
      expect(shown.body).toMatchObject({ grant_id: 'g0000', status: 'active' });
      const revoked = await t
        .http()
        .delete('/admin/v1/grants/g0000')
        .set(as(admin))
        .set('If-Match', shown.headers.etag);
      expect(revoked.body).toMatchObject({ grant_id: 'g0000', revoked: true });
      const all = await t.http().post('/admin/v1/grants/revoke').set(as(admin)).send({ user: SUB });
      expect(all.body).toEqual({ revoked: 999 });
    });
  });

  describe('sessions', () => {
    it("lists an account's live sessions, ends one with If-Match (that browser signed out), then all the rest", async () => {
      const browsers = [1, 2].map(() => request.agent(t.app.getHttpServer()));
      for (const browser of browsers) await login(browser);
      const signedIn = async (browser: (typeof browsers)[number]) =>
        (await browser.get('/account')).status === 200;
      expect(await Promise.all(browsers.map(signedIn))).toEqual([true, true]);

      const listed = await t
        .http()
        .get('/admin/v1/sessions')
        .query({ user: 'user0' })
        .set(as(reader));
      expect(listed.status).toBe(200);
      expect(listed.body.next).toBeNull();
      const sessions = itemsOf<{ sid: string; auth_time: string }>(listed);
      expect(sessions.length).toBeGreaterThanOrEqual(2);
      expect(sessions[0]).toEqual({
        sid: expect.stringMatching(/^[\w-]{22}$/),
        sub: 'user0',
        auth_method: 'password',
        amr: ['pwd'],
        acr: 'urn:proofgate:acr:1fa',
        auth_time: expect.any(String),
        expires_at: expect.any(String),
      });
      // Newest sign-in first: the second browser's session.
      const times = sessions.map((session) => Date.parse(session.auth_time));
      expect(times).toEqual([...times].sort((a, b) => b - a));
      const { sid } = sessions[0];

      const url = `/admin/v1/sessions/${sid}?user=user0`;
      const shown = await t.http().get(url).set(as(reader));
      expect(shown.status).toBe(200);
      expect((await t.http().delete(url).set(as(admin))).status).toBe(428);
      const ended = await t.http().delete(url).set(as(admin)).set('If-Match', shown.headers.etag);
      expect(ended.status).toBe(200);
      expect(ended.body).toMatchObject({ sid, revoked: true });
      expect(await Promise.all(browsers.map(signedIn))).toEqual([true, false]);
      expectRefusal(
        await t.http().get(url).set(as(reader)),
        404,
        'not_found',
        `no live session ${sid} of user0`,
      );

      const all = await t
        .http()
        .post('/admin/v1/sessions/revoke')
        .set(as(admin))
        .send({ user: 'user0' });
      expect(all.status).toBe(200);
      expect(all.body.sessions_ended).toBeGreaterThanOrEqual(1);
      expect(await Promise.all(browsers.map(signedIn))).toEqual([false, false]);
      const none = await t
        .http()
        .get('/admin/v1/sessions')
        .query({ user: 'user0' })
        .set(as(reader));
      expect(itemsOf(none)).toEqual([]);

      const trail = await t
        .http()
        .get('/admin/v1/audit')
        .query({ action: 'sessions.revoke' })
        .set(as(reader));
      // Newest first: the revocation, and before it the one refused for want of If-Match, which
      // never reached the service (recorded with the request's parameters).
      expect(itemsOf(trail)).toEqual([
        expect.objectContaining({ targets: { sub: 'user0', sid }, outcome: 'done' }),
        expect.objectContaining({
          targets: { sid, user: 'user0' },
          outcome: 'refused',
          reason:
            'A change needs If-Match with the ETag of the resource as you read it (GET it first)',
        }),
      ]);
    });

    it('does the same from proofgate-admin sessions (one service under both)', async () => {
      const browser = request.agent(t.app.getHttpServer());
      await login(browser);
      const listed = await adminCli(t, ['sessions', 'list', 'user0', '--json']);
      expect(listed.code).toBe(0);
      const [newest] = JSON.parse(listed.stdout) as { sid: string; auth_method: string }[];
      expect(newest.auth_method).toBe('password');
      const table = await adminCli(t, ['sessions', 'list', 'user0']);
      expect(table.stdout.split('\n')[0]).toMatch(
        /^SID\s+METHOD\s+AMR\s+ACR\s+SIGNED IN\s+EXPIRES$/,
      );
      expect((await adminCli(t, ['sessions', 'revoke', 'user0'])).code).toBe(2);
      // `--`: a sid is base64url and starts with '-' one time in 64, which would read as an option.
      const ended = await adminCli(t, ['sessions', 'revoke', 'user0', '--json', '--', newest.sid]);
      expect(ended.stderr).toBe('');
      expect(JSON.parse(ended.stdout)).toMatchObject({ sid: newest.sid, revoked: true });
      expect((await browser.get('/account')).status).not.toBe(200);
      const all = await adminCli(t, ['sessions', 'revoke', 'user0', '--all']);
      expect(all.stdout).toMatch(/^Ended \d+ session\(s\) of user0; \d+ grant\(s\) revoked\.\n$/);
    });

    it('needs the account: 400 without user, never a 5xx', async () => {
      const refused = await t.http().get('/admin/v1/sessions').set(as(reader));
      expect(refused.status).toBe(400);
      expect(refused.body.error).toBe('invalid_request');
    });
  });

  describe('a user that names no account', () => {
    const GHOST = 'ghost';
    const refusedAsGhost = (res: { status: number; body: unknown }) =>
      expectRefusal(res, 404, 'not_found', `no user or account ${GHOST}`);

    it('is 404 not_found at the revocations and lists of sessions, grants and consents, never a silent 0', async () => {
      const post = (path: string, body: object) => t.http().post(path).set(as(admin)).send(body);
      refusedAsGhost(await post('/admin/v1/sessions/revoke', { user: GHOST }));
      refusedAsGhost(await post('/admin/v1/grants/revoke', { user: GHOST }));
      refusedAsGhost(await post('/admin/v1/grants/revoke', { user: GHOST, client: 'demo-client' }));
      refusedAsGhost(await post('/admin/v1/consents/revoke', { user: GHOST }));
      refusedAsGhost(
        await post('/admin/v1/consents/revoke', { user: GHOST, client: 'demo-client' }),
      );
      const get = (path: string, query: object) => t.http().get(path).query(query).set(as(reader));
      refusedAsGhost(await get('/admin/v1/sessions', { user: GHOST }));
      refusedAsGhost(await get('/admin/v1/sessions/abc', { user: GHOST }));
      refusedAsGhost(await get('/admin/v1/grants', { user: GHOST }));
      refusedAsGhost(await get('/admin/v1/grants', { user: GHOST, client: 'demo-client' }));
      refusedAsGhost(await get('/admin/v1/consents', { user: GHOST }));
      refusedAsGhost(await get('/admin/v1/consents', { user: GHOST, client: 'demo-client' }));

      // Each refused revocation is in the trail as refused, not as done.
      const trail = await t
        .http()
        .get('/admin/v1/audit')
        .query({ action: 'consents.revoke', outcome: 'refused' })
        .set(as(reader));
      expect(itemsOf(trail)).toEqual(
        expect.arrayContaining([expect.objectContaining({ targets: { sub: GHOST } })]),
      );
    });

    it('leaves a known account with nothing to end at 200 and zeros', async () => {
      const created = await t
        .http()
        .post('/admin/v1/users')
        .set(as(admin))
        .send({ username: 'quiet', password: PASSWORD });
      expect(created.status).toBe(201);
      const post = (path: string) => t.http().post(path).set(as(admin)).send({ user: 'quiet' });
      const sessions = await post('/admin/v1/sessions/revoke');
      expect({ status: sessions.status, body: sessions.body }).toEqual({
        status: 200,
        body: { sessions_ended: 0, grants_revoked: 0 },
      });
      expect((await post('/admin/v1/grants/revoke')).body).toEqual({ revoked: 0 });
      expect((await post('/admin/v1/consents/revoke')).body).toEqual({ revoked: 0 });
      const listed = await t
        .http()
        .get('/admin/v1/sessions')
        .query({ user: 'quiet' })
        .set(as(reader));
      expect(listed.body).toEqual({ items: [], next: null });
    });

    it('acts on the account a username signs in, not on the username as a subject', async () => {
      // A person who signed in by email and then set a password: the username's account is the
      // email account's minted subject, where its grants are held.
      const created = await t
        .http()
        .post('/admin/v1/users')
        .set(as(admin))
        .send({ username: 'mailer', password: PASSWORD });
      expect(created.status).toBe(201);
      const account = 'account:mailer-minted-subject';
      await t.connection
        .db!.collection('users')
        .updateOne({ _id: 'mailer' as never }, { $set: { sub: account } });
      await insertLiveGrant('g-mailer', account);
      const listed = await t
        .http()
        .get('/admin/v1/grants')
        .query({ user: 'mailer' })
        .set(as(reader));
      expect(itemsOf<{ grant_id: string; sub: string }>(listed)).toEqual([
        expect.objectContaining({ grant_id: 'g-mailer', sub: account }),
      ]);
      const revoked = await t
        .http()
        .post('/admin/v1/grants/revoke')
        .set(as(admin))
        .send({ user: 'mailer' });
      expect(revoked.body).toEqual({ revoked: 1 });
      const cli = await adminCli(t, ['grants', 'list', '--user', 'mailer', '--all', '--json']);
      expect(JSON.parse(cli.stdout)).toEqual([
        expect.objectContaining({ grant_id: 'g-mailer', sub: account, status: 'revoked' }),
      ]);
    });

    it('is "no user or account" from proofgate-admin too (exit 1), the same service under both', async () => {
      const refusal = {
        code: 1,
        stdout: '',
        stderr: `proofgate-admin: no user or account ${GHOST}\n`,
      };
      for (const args of [
        ['sessions', 'list', GHOST],
        ['sessions', 'revoke', GHOST, '--all'],
        ['grants', 'revoke', '--user', GHOST],
        ['consents', 'list', '--user', GHOST],
        ['consents', 'revoke', '--user', GHOST],
      ]) {
        expect({ args, run: await adminCli(t, args) }).toEqual({
          args,
          run: expect.objectContaining(refusal),
        });
      }
    });
  });

  describe('keys, consents and approvals', () => {
    it('lists the signing keys and publishes the next one', async () => {
      const keys = await t.http().get('/admin/v1/keys').set(as(reader));
      expect(keys.body.next).toBeNull();
      expect(keys.body.items).toEqual(
        expect.arrayContaining([expect.objectContaining({ state: 'active' })]),
      );
      const rotated = await t.http().post('/admin/v1/keys/rotate').set(as(admin)).send({});
      expect(rotated.status).toBe(200);
      expect(rotated.body.items[0]).toMatchObject({ state: 'next', created: true });
    });

    it("lists and revokes a user's consents, and lists CIBA approvals", async () => {
      const consents = await t
        .http()
        .get('/admin/v1/consents')
        .query({ user: 'erin' })
        .set(as(reader));
      expect(consents.body).toEqual({ items: [], next: null });
      const revoked = await t
        .http()
        .post('/admin/v1/consents/revoke')
        .set(as(admin))
        .send({ user: 'erin' });
      expect(revoked.body).toEqual({ revoked: 0 });
      const approvals = await t
        .http()
        .get('/admin/v1/approvals')
        .query({ account: 'erin' })
        .set(as(reader));
      expect(approvals.body).toEqual({ items: [], next: null });
    });
  });

  describe('the audit trail', () => {
    it('records every write, API or CLI: who, what, the request id, the outcome, never a password', async () => {
      const trail = await t.http().get('/admin/v1/audit').query({ limit: 1000 }).set(as(reader));
      expect(trail.status).toBe(200);
      const records = trail.body.items as Array<Record<string, unknown>>;
      expect(records).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            action: 'users.create',
            actor: { kind: 'client', client_id: ADMIN.id },
            targets: { username: 'carol' },
            request_id: 'create-carol-1',
            outcome: 'done',
          }),
          expect.objectContaining({
            action: 'users.create',
            targets: { username: 'Carol' },
            outcome: 'refused',
            reason:
              'user Carol already exists in another case (usernames are unique whatever their case)',
          }),
          expect.objectContaining({
            action: 'users.create',
            actor: { kind: 'cli', os_user: expect.any(String) },
            targets: { username: 'dave1' },
          }),
          expect.objectContaining({ action: 'users.disable', targets: { account: 'erin' } }),
          expect.objectContaining({
            action: 'clients.create',
            targets: { client_id: 'nightly-sync' },
          }),
          expect.objectContaining({ action: 'clients.delete', outcome: 'done' }),
          expect.objectContaining({
            action: 'grants.revoke_all',
            targets: { sub: 'grant-holder' },
          }),
          expect.objectContaining({ action: 'keys.rotate', outcome: 'done' }),
          expect.objectContaining({
            action: 'accounts.link',
            targets: { account: 'carol', method: 'email' },
          }),
          expect.objectContaining({
            action: 'accounts.unlink',
            outcome: 'refused',
            reason: 'An account keeps at least one sign-in method',
          }),
        ]),
      );
      const text = JSON.stringify(records);
      expect(text).not.toContain(PASSWORD);
      // Newest first.
      const times = records.map((record) => Date.parse(record.at as string));
      expect(times).toEqual([...times].sort((a, b) => b - a));
    });

    it('names an admin scope or a receiver mark a write grants, and the fields a change sets: never a bare client_id', async () => {
      const created = await t
        .http()
        .post('/admin/v1/clients')
        .set(as(admin))
        .send({
          client_id: 'audited-operator',
          grant_types: ['client_credentials'],
          admin_scopes: ['admin:read', 'admin:write'],
        });
      expect(created.status).toBe(201);
      const change = async (body: Record<string, unknown>) => {
        const read = await t.http().get('/admin/v1/clients/audited-operator').set(as(admin));
        const changed = await t
          .http()
          .patch('/admin/v1/clients/audited-operator')
          .set(as(admin))
          .set('If-Match', read.headers.etag)
          .send(body);
        expect(changed.status).toBe(200);
      };
      await change({ client_name: 'Renamed' });
      await change({ admin_scopes: [], client_name: 'Demoted' });
      const trail = await t.http().get('/admin/v1/audit').query({ limit: 1000 }).set(as(reader));
      const targets = (trail.body.items as Array<Record<string, unknown>>)
        .filter(
          (record) =>
            (record.targets as { client_id?: string } | undefined)?.client_id ===
            'audited-operator',
        )
        .map((record) => [record.action, record.targets]);
      expect(targets).toEqual([
        [
          'clients.update',
          { client_id: 'audited-operator', changed: 'client_name admin_scopes', admin_scopes: '' },
        ],
        ['clients.update', { client_id: 'audited-operator', changed: 'client_name' }],
        [
          'clients.create',
          { client_id: 'audited-operator', admin_scopes: 'admin:read admin:write' },
        ],
      ]);
    });

    it('filters by action, actor and outcome, and pages', async () => {
      const refused = await t
        .http()
        .get('/admin/v1/audit')
        .query({ outcome: 'refused', action: 'users.create' })
        .set(as(reader));
      expect(refused.body.items.length).toBeGreaterThan(0);
      expect(
        itemsOf<{ outcome: string; action: string }>(refused).every(
          (record) => record.outcome === 'refused' && record.action === 'users.create',
        ),
      ).toBe(true);
      const cli = await t.http().get('/admin/v1/audit').query({ actor: 'cli' }).set(as(reader));
      expect(
        itemsOf<{ actor: { kind: string } }>(cli).every((record) => record.actor.kind === 'cli'),
      ).toBe(true);
      const first = await t.http().get('/admin/v1/audit').query({ limit: 2 }).set(as(reader));
      const second = await t
        .http()
        .get('/admin/v1/audit')
        .query({ limit: 2, cursor: first.body.next })
        .set(as(reader));
      expect(second.body.items[0].id < first.body.items[1].id).toBe(true);
    });

    it('counts writes by action and outcome', async () => {
      const metrics = await t.http().get('/metrics');
      expect(metrics.text).toMatch(
        /proofgate_admin_actions_total\{action="users.create",outcome="done"\} [1-9]/,
      );
      expect(metrics.text).toMatch(
        /proofgate_admin_actions_total\{action="users.create",outcome="refused"\} [1-9]/,
      );
    });
  });
});

describe('the admin API rate limits', () => {
  const t = useTestApp({
    RATE_LIMIT_ADMIN_API_PER_CLIENT: '3',
    RATE_LIMIT_ADMIN_API_PER_IP: '1000',
    OAUTH_CLIENTS: JSON.stringify([
      {
        client_id: ADMIN.id,
        client_secret: ADMIN.secret,
        grant_types: ['client_credentials'],
        admin_scopes: ['admin:read'],
      },
    ]),
  });

  it('answers 429 too_many_requests with Retry-After past RATE_LIMIT_ADMIN_API_PER_CLIENT', async () => {
    const token = await t
      .http()
      .post('/token')
      .type('form')
      .set('Authorization', basic(ADMIN.id, ADMIN.secret))
      .send({ grant_type: 'client_credentials', scope: 'admin:read' });
    const access = (token.body as { access_token: string }).access_token;
    const statuses: number[] = [];
    let last: { status: number; headers: Record<string, string>; body: unknown } | undefined;
    for (let i = 0; i < 4; i += 1) {
      last = await t.http().get('/admin/v1/keys').set('Authorization', `Bearer ${access}`);
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(last?.body).toMatchObject({ error: 'too_many_requests' });
    expect(Number(last?.headers['retry-after'])).toBeGreaterThan(0);
  });
});

describe('the admin API with no admin client and ADMIN_CONSOLE=false', () => {
  // Nothing turns the admin API off: with no client that may get its scopes it still answers
  // (401 to every call), and an admin client may be added at any time (clients add
  // --admin-scope). So its metadata is served and named as ever.
  const t = useTestApp({
    ADMIN_CONSOLE: 'false',
    OAUTH_CLIENTS: JSON.stringify([
      { client_id: MACHINE.id, client_secret: MACHINE.secret, grant_types: ['client_credentials'] },
    ]),
  });
  const METADATA_PATH = '/.well-known/oauth-protected-resource/admin/v1';

  it('answers its routes with 401 naming the metadata, and the metadata as ever', async () => {
    expectRefusal(
      await t.http().get('/admin/'),
      404,
      'not_found',
      'There is no admin console here',
    );
    const refused = await t.http().get('/admin/v1/users');
    expect(refused.status).toBe(401);
    expect(refused.headers['www-authenticate']).toBe(
      `Bearer realm="proofgate", resource_metadata="${t.config.server.issuer}${METADATA_PATH}"`,
    );
    const metadata = await t.http().get(METADATA_PATH).expect(200);
    expect(metadata.body).toMatchObject({
      resource: `${t.config.server.issuer}/admin/v1`,
      authorization_servers: [t.config.server.issuer],
      scopes_supported: ['admin:read', 'admin:write'],
    });
  });
});
