/**
 * APIs with scopes of their own (RESOURCE_SERVERS): a client asks for an API's scope with that
 * API's `resource` (RFC 8707) and gets it in the tokens for that API alone; the consent screen
 * says what each allows in the operator's words; a scope without its resource, or one no API
 * declared, is `invalid_scope`. Driven over HTTP as a browser and a client send it.
 */
import { decodeJwt } from 'jose';
import request from 'supertest';
import {
  CIBA_GRANT_TYPE,
  DEVICE_CODE_GRANT_TYPE,
  TOKEN_EXCHANGE_GRANT_TYPE,
} from '../../../src/protocol-rules/grant-types';
import { backchannelRequest } from '../../support/ciba';
import { hiddenField } from '../../support/login-form';
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
const CALENDAR = 'https://calendar.example.com/';
const RESOURCE_SERVERS = [
  {
    resource: NOTES,
    name: 'Notes',
    scopes: { 'notes:read': 'Read your notes', 'notes:write': 'Change & delete your notes' },
  },
  { resource: CALENDAR, scopes: { 'calendar:read': 'See your calendar' } },
];

/** Not first-party: its users see the consent screen. */
const CLIENT = {
  id: 'notes-app',
  secret: 'notes-app-secret',
  redirectUri: 'http://127.0.0.1:7411/callback',
};
/** An agent that asks a person's approval (CIBA), allowed the notes API. */
const AGENT = { clientId: 'notes-agent', secret: 'notes-agent-secret' };
/** A machine client allowed the notes API. */
const MACHINE = { id: 'notes-sync', secret: 'notes-sync-secret' };
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

/** A query or form with `resource` once per value, in order. */
function parameters(fields: Record<string, string | undefined>, resources: string[] = []): string {
  const params = new URLSearchParams(
    Object.entries(fields).filter((e): e is [string, string] => e[1] !== undefined),
  );
  for (const resource of resources) params.append('resource', resource);
  return params.toString();
}

describe('APIs with scopes of their own (RESOURCE_SERVERS)', () => {
  let agent: Agent;

  const t = useTestApp({
    RATE_LIMIT_LOGIN_PER_IP: '1000',
    RESOURCE_SERVERS: JSON.stringify(RESOURCE_SERVERS),
    OAUTH_CLIENTS: JSON.stringify([
      clientEntry(CLIENT, {
        resources: [NOTES, CALENDAR],
        grant_types: [
          'authorization_code',
          'refresh_token',
          TOKEN_EXCHANGE_GRANT_TYPE,
          DEVICE_CODE_GRANT_TYPE,
        ],
      }),
      {
        client_id: AGENT.clientId,
        client_secret: AGENT.secret,
        grant_types: [CIBA_GRANT_TYPE],
        backchannel_token_delivery_mode: 'poll',
        resources: [NOTES],
      },
      {
        client_id: MACHINE.id,
        client_secret: MACHINE.secret,
        grant_types: ['client_credentials'],
        resources: [NOTES],
      },
    ]),
  });
  beforeAll(async () => {
    agent = request.agent(t.app.getHttpServer());
    await login(agent);
  });

  const server = () => t.app.getHttpServer();

  /** GET /authorize for CLIENT: the consent page when shown (then Allow), and where it ends. */
  async function authorize(scope: string, resources: string[]) {
    const { verifier, challenge } = pkcePair();
    const path = `/authorize?${parameters(
      {
        response_type: 'code',
        client_id: CLIENT.id,
        redirect_uri: CLIENT.redirectUri,
        state: 'st-scopes',
        scope,
        code_challenge: challenge,
        code_challenge_method: 'S256',
      },
      resources,
    )}`;
    const { consentPage, location } = await authorizeAllowing(agent, path);
    return { consentPage, location, verifier };
  }

  const token = (form: Record<string, string | undefined>, resources: string[] = []) =>
    request(server())
      .post('/token')
      .set('Authorization', basic(CLIENT.id, CLIENT.secret))
      .type('form')
      .send(parameters(form, resources));

  async function tokensFor(scope: string, resources: string[], resource?: string) {
    const { location, verifier, consentPage } = await authorize(scope, resources);
    const code = location.searchParams.get('code');
    if (!code) throw new Error(`no code in ${location.toString()}`);
    const issued = await token({
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: CLIENT.redirectUri,
      resource,
    }).expect(200);
    return { body: issued.body as Record<string, string>, consentPage };
  }

  const machineToken = (form: Record<string, string>) =>
    request(server())
      .post('/token')
      .set('Authorization', basic(MACHINE.id, MACHINE.secret))
      .type('form')
      .send({ grant_type: 'client_credentials', ...form });

  it('lists the declared APIs among the protected resources of its metadata (RFC 9728 §4)', async () => {
    const metadata = await t.http().get('/.well-known/oauth-authorization-server').expect(200);
    expect((metadata.body as { protected_resources: string[] }).protected_resources).toEqual(
      expect.arrayContaining([t.config.tokens.audience, NOTES, CALENDAR]),
    );
    // Discovery's scopes are the server's own: an API lists its own in its metadata document.
    expect((metadata.body as { scopes_supported: string[] }).scopes_supported).not.toContain(
      'notes:read',
    );
  });

  describe('an authorization', () => {
    it("shows each API scope in the operator's words and the API's name, and grants it in that API's token", async () => {
      const { body, consentPage } = await tokensFor('openid notes:read notes:write', [NOTES]);
      expect(consentPage).toContain(
        '<li data-scope="notes:read">Read your notes (<code>notes:read</code>)</li>',
      );
      // The operator's words are text on the page, never markup.
      expect(consentPage).toContain(
        '<li data-scope="notes:write">Change &amp; delete your notes (<code>notes:write</code>)</li>',
      );
      expect(consentPage).toContain(
        `<li><strong>Notes</strong> (<code data-resource="${NOTES}">${NOTES}</code>)</li>`,
      );
      expect(body.scope).toBe('openid notes:read notes:write');
      expect(decodeJwt(body.access_token)).toMatchObject({
        aud: NOTES,
        scope: 'openid notes:read notes:write',
      });
    });

    it('gives each API of a grant its own scopes alone, at the exchange, a refresh and a token exchange', async () => {
      const { body } = await tokensFor('profile notes:read calendar:read', [NOTES, CALENDAR]);
      // The first resource by default: the notes API, without the calendar's scope.
      expect(decodeJwt(body.access_token)).toMatchObject({
        aud: NOTES,
        scope: 'profile notes:read',
      });
      expect(body.scope).toBe('profile notes:read');
      const toCalendar = await token(
        { grant_type: 'refresh_token', refresh_token: body.refresh_token },
        [CALENDAR],
      ).expect(200);
      expect(decodeJwt(toCalendar.body.access_token)).toMatchObject({
        aud: CALENDAR,
        scope: 'profile calendar:read',
      });
      const exchanged = await token({
        grant_type: TOKEN_EXCHANGE_GRANT_TYPE,
        subject_token: body.access_token,
        subject_token_type: ACCESS_TOKEN_TYPE,
        resource: CALENDAR,
      }).expect(200);
      expect(decodeJwt(exchanged.body.access_token)).toMatchObject({
        aud: CALENDAR,
        scope: 'profile',
      });
    });

    it('refuses a narrowing that would leave a token with none of its API scopes, and keeps the refresh token', async () => {
      const { body } = await tokensFor('notes:read calendar:read', [NOTES, CALENDAR]);
      const refused = await token(
        { grant_type: 'refresh_token', refresh_token: body.refresh_token, scope: 'notes:read' },
        [CALENDAR],
      );
      expectRefusal(
        refused,
        400,
        'invalid_scope',
        `No scope asked for is for the resource ${CALENDAR}: ask for one of its scopes, or one of this server's`,
      );
      const exchanged = await token({
        grant_type: TOKEN_EXCHANGE_GRANT_TYPE,
        subject_token: body.access_token,
        subject_token_type: ACCESS_TOKEN_TYPE,
        resource: CALENDAR,
      });
      expectRefusal(
        exchanged,
        400,
        'invalid_scope',
        `The subject token's scope holds nothing for ${CALENDAR}: its scopes are another API's`,
      );
      // The refused refresh changed nothing: the token still rotates.
      await token({ grant_type: 'refresh_token', refresh_token: body.refresh_token }).expect(200);
    });

    it('sends the client invalid_scope for an API scope without its resource, or a resource left without a scope', async () => {
      const without = await authorize('openid notes:read', []);
      expect(Object.fromEntries(without.location.searchParams)).toMatchObject({
        error: 'invalid_scope',
        error_description:
          'notes:read is a scope of https://notes.example.com/: ask for it with resource=https://notes.example.com/ (RFC 8707)',
      });
      const elsewhere = await authorize('notes:read', [CALENDAR]);
      expect(elsewhere.location.searchParams.get('error')).toBe('invalid_scope');
      const bare = await authorize('notes:read', [NOTES, CALENDAR]);
      expect(Object.fromEntries(bare.location.searchParams)).toMatchObject({
        error: 'invalid_scope',
        error_description: `No scope asked for is for the resource ${CALENDAR}: ask for one of its scopes, or one of this server's`,
      });
      const undeclared = await authorize('notes:delete', [NOTES]);
      expect(undeclared.location.searchParams.get('error_description')).toMatch(
        /^Unsupported scope: notes:delete/,
      );
    });
  });

  it("shows an API scope in the operator's words on the device page (RFC 8628)", async () => {
    const started = await request(server())
      .post('/device_authorization')
      .set('Authorization', basic(CLIENT.id, CLIENT.secret))
      .type('form')
      .send(parameters({ scope: 'notes:read' }, [NOTES]))
      .expect(200);
    const form = await agent.get('/device').expect(200);
    const confirm = await agent
      .post('/device')
      .type('form')
      .send({
        user_code: (started.body as { user_code: string }).user_code,
        action: 'lookup',
        csrf_token: hiddenField(form.text, 'csrf_token'),
      })
      .expect(200);
    expect(confirm.text).toContain(
      '<li data-scope="notes:read">Read your notes (<code>notes:read</code>)</li>',
    );
  });

  it("shows an API scope in the operator's words on the approvals page (CIBA)", async () => {
    const { body } = await tokensFor('profile', []);
    const sub = String(decodeJwt(body.access_token).sub);
    await backchannelRequest(t, AGENT, {
      scope: 'openid notes:write',
      login_hint: sub,
      resource: NOTES,
    }).expect(200);
    const page = await agent.get('/account/approvals').expect(200);
    expect(page.text).toContain(
      '<li data-scope="notes:write">Change &amp; delete your notes (<code>notes:write</code>)</li>',
    );
  });

  describe('a machine client', () => {
    it('gets an API scope for itself with the resource, in a token for that API', async () => {
      const issued = await machineToken({ scope: 'notes:read', resource: NOTES }).expect(200);
      expect(issued.body.scope).toBe('notes:read');
      expect(decodeJwt(issued.body.access_token)).toMatchObject({
        aud: NOTES,
        sub: MACHINE.id,
        scope: 'notes:read',
      });
    });

    it('is refused an API scope without its resource, another API, or a resource it may not use', async () => {
      expectRefusal(
        await machineToken({ scope: 'notes:read' }),
        400,
        'invalid_scope',
        'notes:read is a scope of https://notes.example.com/: ask for it with resource=https://notes.example.com/ (RFC 8707)',
      );
      const calendar = await machineToken({ scope: 'calendar:read', resource: CALENDAR });
      expect(calendar.status).toBe(400);
      expect(calendar.body).toMatchObject({ error: 'invalid_target' });
      const mixed = await machineToken({ scope: 'notes:read calendar:read', resource: NOTES });
      expect(mixed.body).toMatchObject({ error: 'invalid_scope' });
    });
  });
});
