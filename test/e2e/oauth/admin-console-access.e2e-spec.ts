/**
 * A person's admin token, only through the console (issue #77 item 2): `proofgate-console`, the
 * service's own public client, gets `admin:read`/`admin:write` by code + PKCE + DPoP only for an
 * account that holds the operator role AND signed in with a passkey (`acr` `phr`) within
 * ADMIN_CONSOLE_MAX_AUTH_AGE_SECONDS. Driven over HTTP as a browser and the console would: the
 * real login page, the lab's software authenticator, DPoP proofs signed with jose. A phished
 * password never reaches the admin API (an operator's password session is sent to sign in with a
 * passkey, and refused with prompt=none), a non-operator's passkey session is access_denied, the
 * role taken away between code and token is invalid_scope and after the token 401, and the audit
 * trail names the operator's account.
 */
import { decodeJwt } from 'jose';
import request from 'supertest';
import type { SoftwareAuthenticator } from '../../../src/lab-client/software-authenticator';
import { adminCli } from '../../support/admin-cli';
import { type DpopKey, dpopKey, signProof } from '../../support/dpop';
import { type Agent, authorizePath, login, pkcePair } from '../../support/oauth';
import { expectRefusal } from '../../support/refusal';
import { addPasskeyOnAccountPage, passkeySignIn } from '../../support/step-up';
import { useTestApp } from '../../support/use-test-app';
import { scriptTag } from '../../../src/platform/http/html';

const ISSUER = 'http://localhost:25000';
const CONSOLE = 'proofgate-console';
const REDIRECT = `${ISSUER}/admin/`;
const ADMIN_API = `${ISSUER}/admin/v1`;

describe('the admin console client: admin scopes for an operator’s recent passkey sign-in only', () => {
  const t = useTestApp({ ISSUER, RATE_LIMIT_LOGIN_PER_IP: '1000' });

  /** user0 (an operator) and user1 (not one), each with a passkey added on the account page. */
  let operatorKey: SoftwareAuthenticator;
  let otherKey: SoftwareAuthenticator;
  beforeAll(async () => {
    operatorKey = await addPasskeyOnAccountPage(await passwordBrowser('user0'), ISSUER);
    otherKey = await addPasskeyOnAccountPage(await passwordBrowser('user1'), ISSUER);
    expect(await adminCli(t, ['operators', 'add', 'user0'])).toMatchObject({ code: 0 });
  });

  const browser = (): Agent => request.agent(t.app.getHttpServer());

  async function passwordBrowser(username: string): Promise<Agent> {
    const agent = browser();
    const n = username.slice(-1);
    await login(agent, '/', username, `password${n}`);
    return agent;
  }

  /** The console's authorization request, as its page sends it. */
  function consoleRequest(extra: Record<string, string> = {}) {
    const { verifier, challenge } = pkcePair();
    const path = authorizePath({
      response_type: 'code',
      client_id: CONSOLE,
      redirect_uri: REDIRECT,
      scope: 'admin:read admin:write',
      resource: ADMIN_API,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      acr_values: 'phr',
      state: 'console-state',
      ...extra,
    });
    return { verifier, path };
  }

  /** Follows the console's request through a passkey sign-in: where /authorize sends it back. */
  async function signInWithPasskey(agent: Agent, key: SoftwareAuthenticator, path: string) {
    const first = await agent.get(path).expect(302);
    const toLogin = new URL(first.headers.location, ISSUER);
    expect(toLogin.pathname).toBe('/login');
    expect(toLogin.searchParams.get('acr_values')).toBe('phr');
    const back = await passkeySignIn(agent, key, `${toLogin.pathname}${toLogin.search}`);
    const answer = await agent.get(back).expect(302);
    return new URL(answer.headers.location);
  }

  function exchange(code: string, verifier: string, key?: DpopKey, proof?: string) {
    const req = t.http().post('/token').type('form');
    if (proof !== undefined) req.set('DPoP', proof);
    return req.send({
      grant_type: 'authorization_code',
      client_id: CONSOLE,
      code,
      redirect_uri: REDIRECT,
      code_verifier: verifier,
    });
  }

  async function consoleTokens(agent = browser(), key = operatorKey) {
    const { verifier, path } = consoleRequest();
    const back = await signInWithPasskey(agent, key, path);
    const code = back.searchParams.get('code');
    expect(code).not.toBeNull();
    const dpop = await dpopKey();
    const tokens = await exchange(
      code!,
      verifier,
      dpop,
      await signProof(dpop, { htu: `${ISSUER}/token` }),
    );
    return { tokens, dpop, agent };
  }

  async function adminCall(
    method: 'get' | 'post',
    path: string,
    token: string,
    dpop: DpopKey,
    body?: object,
  ) {
    const proof = await signProof(dpop, {
      htm: method.toUpperCase(),
      htu: `${ISSUER}${path.split('?')[0]}`,
      accessToken: token,
    });
    const call = t.http()[method](path).set('Authorization', `DPoP ${token}`).set('DPoP', proof);
    return body === undefined ? call : call.send(body);
  }

  it('gives an operator signed in with a passkey a short DPoP-bound admin token, no refresh token, and the trail names the account', async () => {
    const { tokens, dpop } = await consoleTokens();
    expect(tokens.status).toBe(200);
    expect(tokens.body).toEqual({
      access_token: expect.any(String),
      token_type: 'DPoP',
      expires_in: 300,
      scope: 'admin:read admin:write',
    });
    const token = (tokens.body as { access_token: string }).access_token;
    expect(decodeJwt(token)).toMatchObject({
      sub: 'user0',
      client_id: CONSOLE,
      aud: ADMIN_API,
      acr: 'phr',
      cnf: { jkt: dpop.jkt },
    });

    const users = await adminCall('get', '/admin/v1/users', token, dpop);
    expect(users.status).toBe(200);
    const created = await adminCall('post', '/admin/v1/clients', token, dpop, {
      client_id: 'made-in-console',
      redirect_uris: ['https://app.example/cb'],
    });
    expect(created.status).toBe(201);
    const trail = await adminCall('get', '/admin/v1/audit?actor=user0', token, dpop);
    expect((trail.body as { items: unknown[] }).items).toEqual([
      expect.objectContaining({
        action: 'clients.create',
        outcome: 'done',
        actor: { kind: 'operator', account: 'user0', client_id: CONSOLE },
      }),
    ]);
  });

  it('never issues a bearer token to the console: a request without a DPoP proof is refused', async () => {
    const { verifier, path } = consoleRequest();
    const back = await signInWithPasskey(browser(), operatorKey, path);
    expectRefusal(
      await exchange(back.searchParams.get('code')!, verifier),
      400,
      'invalid_request',
      'This client must send a DPoP proof with its token requests',
    );
  });

  it("sends an operator's password session to sign in with a passkey, and refuses it outright with prompt=none", async () => {
    const agent = await passwordBrowser('user0');
    const { path } = consoleRequest();
    const sent = await agent.get(path).expect(302);
    const toLogin = new URL(sent.headers.location, ISSUER);
    expect(toLogin.pathname).toBe('/login');
    expect(toLogin.searchParams.get('acr_values')).toBe('phr');

    const none = await agent.get(consoleRequest({ prompt: 'none' }).path).expect(302);
    const answer = new URL(none.headers.location);
    expect(`${answer.origin}${answer.pathname}`).toBe(REDIRECT);
    expect(answer.searchParams.get('code')).toBeNull();
    expect(answer.searchParams.get('error')).toBe('unmet_authentication_requirements');
  });

  it("answers a non-operator's passkey session access_denied, with no code", async () => {
    const { path } = consoleRequest();
    const back = await signInWithPasskey(browser(), otherKey, path);
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
    expect(back.searchParams.get('code')).toBeNull();
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('error_description')).toBe(
      'This account is not an operator: an operator grants the role with proofgate-admin operators add',
    );
  });

  it('asks a passkey sign-in older than ADMIN_CONSOLE_MAX_AUTH_AGE_SECONDS to sign in again', async () => {
    const agent = browser();
    await signInWithPasskey(agent, operatorKey, consoleRequest().path);
    t.clock.advance(301);
    try {
      const again = await agent.get(consoleRequest().path).expect(302);
      expect(new URL(again.headers.location, ISSUER).pathname).toBe('/login');
    } finally {
      t.clock.advance(-301);
    }
  });

  it('refuses the code at /token once the role is taken away, and a token already out at its next call', async () => {
    const { verifier, path } = consoleRequest();
    const back = await signInWithPasskey(browser(), operatorKey, path);
    const { tokens, dpop } = await consoleTokens();
    const token = (tokens.body as { access_token: string }).access_token;
    expect(await adminCli(t, ['operators', 'remove', 'user0'])).toMatchObject({ code: 0 });
    try {
      const key = await dpopKey();
      expectRefusal(
        await exchange(
          back.searchParams.get('code')!,
          verifier,
          key,
          await signProof(key, { htu: `${ISSUER}/token` }),
        ),
        400,
        'invalid_scope',
        'This account is not an operator: an operator grants the role with proofgate-admin operators add',
      );
      const call = await adminCall('get', '/admin/v1/users', token, dpop);
      expect(call.status).toBe(401);
      expect((call.body as { error_description: string }).error_description).toBe(
        'The account of this token is no longer an operator',
      );
    } finally {
      await adminCli(t, ['operators', 'add', 'user0']);
    }
  });

  it('serves the console page with every page’s CSP and anti-framing, and its script', async () => {
    const page = await t.http().get('/admin/').expect(200);
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.text).toContain(scriptTag('/static/admin-console.js'));
    expect(page.text).toContain(`data-redirect-uri="${REDIRECT}"`);
    // No inline script the CSP would have to allow: scripts by src only (the page's texts for
    // them are a JSON data block, which is never run).
    expect(page.text).not.toMatch(/<script>|<script (?!src=|type="application\/json")/);
    await t.http().get('/static/admin-console.js').expect(200);
  });

  it('gives admin scopes to no other client, and lets no one register or change the console', async () => {
    const agent = await passwordBrowser('user0');
    const other = await agent
      .get(
        authorizePath({
          response_type: 'code',
          client_id: 'demo-spa',
          redirect_uri: 'http://127.0.0.1:25002/callback',
          scope: 'admin:read',
          code_challenge: pkcePair().challenge,
          code_challenge_method: 'S256',
        }),
      )
      .expect(302);
    expect(new URL(other.headers.location).searchParams.get('error')).toBe('invalid_scope');

    const wider = await agent.get(consoleRequest({ scope: 'admin:read openid' }).path).expect(302);
    expect(new URL(wider.headers.location).searchParams.get('error')).toBe('invalid_scope');
    const elsewhere = await agent
      .get(consoleRequest({ resource: 'http://localhost:25000/api' }).path)
      .expect(302);
    expect(new URL(elsewhere.headers.location).searchParams.get('error')).toBe('invalid_target');

    const add = await adminCli(t, [
      'clients',
      'add',
      CONSOLE,
      '--redirect-uri',
      'https://evil.example/cb',
    ]);
    expect(add.code).not.toBe(0);
    expect(add.stderr).toContain('proofgate-console');
    const remove = await adminCli(t, ['clients', 'remove', CONSOLE]);
    expect(remove.stderr).toContain('is built in (the admin console)');
  });
});

describe('ADMIN_CONSOLE=false', () => {
  const t = useTestApp({ ISSUER, ADMIN_CONSOLE: 'false' });

  it('registers no console client: /authorize does not know it', async () => {
    const res = await t.http().get(
      authorizePath({
        response_type: 'code',
        client_id: CONSOLE,
        redirect_uri: REDIRECT,
        scope: 'admin:read',
        code_challenge: pkcePair().challenge,
        code_challenge_method: 'S256',
      }),
    );
    expect(res.status).toBe(400);
    expect(res.text).toContain('Unknown client_id');
    expectRefusal(
      await t.http().get('/admin/'),
      404,
      'not_found',
      'There is no admin console here',
    );
  });
});
