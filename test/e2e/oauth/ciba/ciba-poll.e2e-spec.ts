/**
 * OpenID CIBA Core 1.0, poll mode: an agent (a confidential client registered for the grant)
 * asks for a person at POST /backchannel and polls /token with its auth_req_id, driven by an
 * independent client (openid-client's initiateBackchannelAuthentication and
 * pollBackchannelAuthenticationGrant); the person answers on /account/approvals in a signed-in
 * browser. Every refusal over raw HTTP, with its exact error. Time moves on the test clock.
 */
import * as client from 'openid-client';
import { decodeJwt } from 'jose';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { CIBA_GRANT_TYPE } from '../../../../src/protocol-rules/grant-types';
import { AccountService } from '../../../../src/accounts/account.service';
import { UserAccountService } from '../../../../src/accounts/users/user-account.service';
import { addOperatorClient } from '../../../support/operator-clients';
import { CookieBrowser, signedInBrowser } from '../../../support/cookie-browser';
import { basic } from '../../../support/oauth';
import { backchannelRequest, cibaTokenRequest } from '../../../support/ciba';
import { PAYMENT_INITIATION, PAY_12 } from '../../../support/authorization-details';
import { expectRefusal } from '../../../support/refusal';
import { ttlPass } from '../../../support/ttl-pass';
import { register } from '../../../support/registration';
import { TestApp, startListeningApp } from '../../../support/test-app';
import { walletBrowser } from '../../../support/wallet-login';

const AGENT = 'agent';
const OTHER_AGENT = 'other-agent';
const TTL = 600;
const INITIAL_ACCESS_TOKEN = 'ciba-initial-access-token-0123456789';
const INTERVAL = 1;

const TYPES = { payment_initiation: PAYMENT_INITIATION };

/** A signed authentication request's shape (CIBA Core 1.0 §7.1.1): refused before it is read. */
const SIGNED_REQUEST = [
  Buffer.from(JSON.stringify({ alg: 'ES256', kid: 'agent' })).toString('base64url'),
  Buffer.from(
    JSON.stringify({ iss: AGENT, aud: 'issuer', scope: 'openid api', login_hint: 'user0' }),
  ).toString('base64url'),
  'c2lnbmF0dXJl',
].join('.');

interface Approval {
  id: string;
  client_id: string;
  binding_message?: string;
  authorization_details?: object[];
  rendered: string[];
}

describe('CIBA poll mode (OpenID CIBA Core 1.0)', () => {
  let t: TestApp;
  let issuer: string;
  const secrets: Record<string, string> = {};
  let config: client.Configuration;
  let user1: CookieBrowser;
  let user0: CookieBrowser;

  beforeAll(async () => {
    ({ t, issuer } = await startListeningApp({
      AUTHORIZATION_DETAILS_TYPES: JSON.stringify(TYPES),
      CIBA_INTERVAL_SECONDS: String(INTERVAL),
      CIBA_REQUEST_TTL_SECONDS: String(TTL),
      RATE_LIMIT_LOGIN_PER_IP: '1000',
      REGISTRATION_INITIAL_ACCESS_TOKEN: INITIAL_ACCESS_TOKEN,
    }));
    for (const clientId of [AGENT, OTHER_AGENT]) {
      secrets[clientId] = (await addOperatorClient(t, {
        clientId,
        name: clientId === AGENT ? 'Payment agent' : 'Other agent',
        // The operator's own agent: the account scope is refused for what CIBA is, not for
        // being asked by a third party.
        firstParty: clientId === OTHER_AGENT,
        grantTypes: [CIBA_GRANT_TYPE, 'refresh_token'],
      }))!;
    }
    config = await client.discovery(
      new URL(issuer),
      AGENT,
      { id_token_signed_response_alg: 'ES256' },
      client.ClientSecretPost(secrets[AGENT]),
      { execute: [client.allowInsecureRequests] },
    );
    user1 = await signedInBrowser(issuer);
    user0 = await signedInBrowser(issuer, new CookieBrowser(), {
      username: 'user0',
      password: 'password0',
    });
  });
  afterAll(() => t.close());

  /** POST /backchannel as `clientId` (client_secret_basic): the raw answer. */
  function backchannel(parameters: Record<string, string>, clientId = AGENT) {
    return backchannelRequest(t, { clientId, secret: secrets[clientId] }, parameters);
  }

  async function started(
    parameters: Record<string, string> = {},
    clientId = AGENT,
  ): Promise<{ auth_req_id: string; expires_in: number; interval: number }> {
    const res = await backchannel(
      { scope: 'openid api', login_hint: 'user1', ...parameters },
      clientId,
    );
    expect(res.status).toBe(200);
    return res.body as { auth_req_id: string; expires_in: number; interval: number };
  }

  /** One poll of /token as `clientId`: the raw answer. */
  function poll(authReqId: string, clientId = AGENT) {
    return cibaTokenRequest(t, { clientId, secret: secrets[clientId] }, authReqId);
  }

  async function pollError(authReqId: string, clientId = AGENT): Promise<string> {
    const res = await poll(authReqId, clientId);
    expect(res.status).toBe(400);
    return (res.body as { error: string }).error;
  }

  async function approvalsOf(
    browser: CookieBrowser,
  ): Promise<{ approvals: Approval[]; csrf_token: string }> {
    const res = await browser.getJson(`${issuer}/account/approvals`);
    expect(res.status).toBe(200);
    return (await res.json()) as { approvals: Approval[]; csrf_token: string };
  }

  /** The person's approval of the request whose binding message is `message`. */
  async function approvalWith(browser: CookieBrowser, message: string): Promise<Approval> {
    const { approvals } = await approvalsOf(browser);
    const found = approvals.find((approval) => approval.binding_message === message);
    if (!found) throw new Error(`no approval with binding message ${message}`);
    return found;
  }

  /** The page's form post of `decision` for `id`: the raw answer. */
  async function answer(browser: CookieBrowser, id: string, decision: 'approve' | 'deny') {
    const { csrf_token } = await approvalsOf(browser);
    return browser.postForm(`${issuer}/account/approvals/${id}/${decision}`, { csrf_token });
  }

  it('publishes the endpoint, the poll mode and the grant type in both metadata documents', async () => {
    for (const path of ['oauth-authorization-server', 'openid-configuration']) {
      const res = await t.http().get(`/.well-known/${path}`).expect(200);
      expect(res.body).toMatchObject({
        backchannel_authentication_endpoint: `${issuer}/backchannel`,
        backchannel_token_delivery_modes_supported: ['poll', 'ping'],
        backchannel_user_code_parameter_supported: false,
      });
      // No signed authentication requests (CIBA Core 1.0 §7.1.1, §4): /backchannel refuses them.
      expect(res.body).not.toHaveProperty(
        'backchannel_authentication_request_signing_alg_values_supported',
      );
      expect(res.body.grant_types_supported).toContain(CIBA_GRANT_TYPE);
    }
  });

  it('asks user1 through openid-client, who approves on the page; the library polls the tokens once', async () => {
    const request = await client.initiateBackchannelAuthentication(config, {
      scope: 'openid api',
      login_hint: 'user1',
      binding_message: 'Pay invoice 4711',
    });
    expect(request.expires_in).toBe(TTL);
    expect(request.interval).toBe(INTERVAL);

    const approval = await approvalWith(user1, 'Pay invoice 4711');
    expect(approval).toMatchObject({ client_id: AGENT, rendered: [] });
    // The page's id names the request without being what the agent polls with.
    expect(approval.id).not.toBe(request.auth_req_id);
    expect(approval.id).not.toContain(request.auth_req_id);
    const page = await (await user1.navigate(`${issuer}/account/approvals`)).text();
    expect(page).toContain(`data-approval-id="${approval.id}"`);
    expect(page).not.toContain(request.auth_req_id);
    expect(page).toContain('Payment agent');
    expect(page).toContain('Pay invoice 4711');
    // The account page links to it.
    const account = await (await user1.navigate(`${issuer}/account`)).text();
    expect(account).toContain('<a href="/account/approvals" id="account-approvals">');
    // Not user0's to see.
    expect((await approvalsOf(user0)).approvals.map((a) => a.id)).not.toContain(approval.id);

    const approved = await answer(user1, approval.id, 'approve');
    expect(approved.status).toBe(303);
    expect(approved.headers.get('location')).toBe('/account/approvals');
    expect((await approvalsOf(user1)).approvals.map((a) => a.id)).not.toContain(approval.id);

    const tokens = await client.pollBackchannelAuthenticationGrant(config, request);
    expect(tokens.scope).toBe('openid api');
    expect(tokens.refresh_token).toEqual(expect.any(String));
    const claims = tokens.claims()!;
    expect(claims).toMatchObject({ sub: 'user1', aud: AGENT, amr: ['pwd'] });
    expect(claims.acr).toBe('urn:proofgate:acr:1fa');
    expect(decodeJwt(tokens.access_token)).toMatchObject({ sub: 'user1', client_id: AGENT });

    // Redeemed once: the same auth_req_id again is a replay.
    expectRefusal(
      await poll(request.auth_req_id),
      400,
      'invalid_grant',
      'auth_req_id already used',
    );
  });

  it('answers authorization_pending in time, slow_down (and 5 s more) when polled too fast', async () => {
    const { auth_req_id } = await started({ binding_message: 'slow' });
    expect(await pollError(auth_req_id)).toBe('authorization_pending');
    const fast = await poll(auth_req_id);
    expectRefusal(
      fast,
      400,
      'slow_down',
      `Polled too fast; wait ${INTERVAL + 5} seconds between polls`,
    );
    t.clock.advance(INTERVAL);
    expect(await pollError(auth_req_id)).toBe('slow_down');
    t.clock.advance(INTERVAL + 10);
    expect(await pollError(auth_req_id)).toBe('authorization_pending');
  });

  it('answers access_denied once the person denies, and the request is gone from the page', async () => {
    const { auth_req_id } = await started({ binding_message: 'deny me' });
    const approval = await approvalWith(user1, 'deny me');
    expect((await answer(user1, approval.id, 'deny')).status).toBe(303);
    expectRefusal(await poll(auth_req_id), 400, 'access_denied', 'The user denied the request');
    expect((await approvalsOf(user1)).approvals.map((a) => a.id)).not.toContain(approval.id);
  });

  it('answers expired_token after expires_in, and a requested_expiry shortens it', async () => {
    const { auth_req_id, expires_in } = await started({
      binding_message: 'short',
      requested_expiry: '60',
    });
    expect(expires_in).toBe(60);
    t.clock.advance(61);
    // The TTL monitor has run since (every 60 s): still expired_token, not invalid_grant.
    await ttlPass(t.connection, t.clock.now());
    expectRefusal(
      await poll(auth_req_id),
      400,
      'expired_token',
      'The auth_req_id expired; start a new backchannel authentication request',
    );
    // Never longer than CIBA_REQUEST_TTL_SECONDS.
    expect((await started({ requested_expiry: String(TTL * 10) })).expires_in).toBe(TTL);
  });

  it('refuses an auth_req_id to another client, and it stays its own client’s', async () => {
    const { auth_req_id } = await started({ binding_message: 'mine' });
    expectRefusal(
      await poll(auth_req_id, OTHER_AGENT),
      400,
      'invalid_grant',
      'auth_req_id was issued to another client',
    );
    const approval = await approvalWith(user1, 'mine');
    await answer(user1, approval.id, 'approve');
    expectRefusal(
      await poll(auth_req_id, OTHER_AGENT),
      400,
      'invalid_grant',
      'auth_req_id was issued to another client',
    );
    expect((await poll(auth_req_id)).status).toBe(200);
  });

  it('lets another account change nothing: its approve and deny find no request', async () => {
    const { auth_req_id } = await started({ binding_message: 'not yours' });
    const approval = await approvalWith(user1, 'not yours');
    for (const decision of ['approve', 'deny'] as const) {
      const res = await answer(user0, approval.id, decision);
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ error: 'not_found' });
    }
    expect(await pollError(auth_req_id)).toBe('authorization_pending');
    expect((await approvalWith(user1, 'not yours')).id).toBe(approval.id);
  });

  it('answers an unknown or locked account exactly as a known one, and keeps its request pending until it expires', async () => {
    const users = t.app.get(UserAccountService, { strict: false });
    const accounts = t.app.get(AccountService, { strict: false });
    await users.register('locked-person', 'a long enough password 1');
    await accounts.disable('locked-person');
    const shapeOf = (body: Record<string, unknown>) => ({
      keys: Object.keys(body).sort(),
      idLength: String(body.auth_req_id).length,
      expires_in: body.expires_in,
      interval: body.interval,
    });
    const known = await backchannel({ scope: 'openid api', login_hint: 'user1' });
    const answers = await Promise.all(
      [
        'nobody-here',
        'locked-person',
        'account:AAAAAAAAAAAAAAAAAAAAAA',
        'eip155:1:0x0000000000000000000000000000000000000001',
        // The longest hint taken (one more is refused, below).
        'n'.repeat(512),
      ].map((login_hint) => backchannel({ scope: 'openid api', login_hint })),
    );
    for (const res of answers) {
      expect(res.status).toBe(known.status);
      expect(res.headers['content-type']).toBe(known.headers['content-type']);
      expect(res.headers['cache-control']).toBe(known.headers['cache-control']);
      expect(shapeOf(res.body as Record<string, unknown>)).toEqual(
        shapeOf(known.body as Record<string, unknown>),
      );
    }
    const unknownId = (answers[0].body as { auth_req_id: string }).auth_req_id;
    const knownId = (known.body as { auth_req_id: string }).auth_req_id;
    // Polled alike: pending, then slow_down when too fast, then expired.
    for (const id of [knownId, unknownId]) {
      expect(await pollError(id)).toBe('authorization_pending');
      expect(await pollError(id)).toBe('slow_down');
    }
    t.clock.advance(TTL + 1);
    for (const id of [knownId, unknownId]) expect(await pollError(id)).toBe('expired_token');
  });

  it('asks the account an ID token of the client names (id_token_hint), and refuses one issued to another client', async () => {
    const first = await started({ binding_message: 'for a hint' });
    await answer(user1, (await approvalWith(user1, 'for a hint')).id, 'approve');
    const idToken = (await poll(first.auth_req_id).expect(200)).body.id_token as string;

    const byHint = await backchannel({
      scope: 'openid api',
      id_token_hint: idToken,
      binding_message: 'by hint',
    });
    expect(byHint.status).toBe(200);
    expect((await approvalWith(user1, 'by hint')).client_id).toBe(AGENT);
    expectRefusal(
      await backchannel({ scope: 'openid', id_token_hint: idToken }, OTHER_AGENT),
      400,
      'invalid_request',
      'id_token_hint was not issued to this client',
    );
    expectRefusal(
      await backchannel({ scope: 'openid', id_token_hint: 'not.a.token' }),
      400,
      'invalid_request',
      'id_token_hint is not an ID token this server issued',
    );
  });

  it('asks a wallet by its CAIP-10 account (a checksummed address), approved from the wallet’s own session', async () => {
    const wallet = privateKeyToAccount(generatePrivateKey());
    const caip10 = `eip155:1:${wallet.address}`;
    const { auth_req_id } = await started({ login_hint: caip10, binding_message: 'wallet' });
    const browser = await walletBrowser(t, wallet);
    const listed = await browser
      .get('/account/approvals')
      .set('Accept', 'application/json')
      .expect(200);
    const { approvals, csrf_token } = listed.body as { approvals: Approval[]; csrf_token: string };
    expect(approvals.map((a) => a.binding_message)).toEqual(['wallet']);
    await browser
      .post(`/account/approvals/${approvals[0].id}/approve`)
      .send({ csrf_token })
      .expect(200, { id: approvals[0].id, status: 'approved' });
    const tokens = (await poll(auth_req_id).expect(200)).body as { id_token: string };
    expect(decodeJwt(tokens.id_token)).toMatchObject({ sub: caip10, amr: ['siwe'] });
    // The same address not checksummed names no one: nobody's page shows the request.
    await started({ login_hint: caip10.toLowerCase(), binding_message: 'lower' });
    const again = await browser.get('/account/approvals').set('Accept', 'application/json');
    expect((again.body as { approvals: Approval[] }).approvals).toEqual([]);
  });

  it('shows each authorization detail by its template, and asks a proof to approve one: a session may only deny it', async () => {
    const { auth_req_id } = await started({
      binding_message: 'with details',
      authorization_details: JSON.stringify([PAY_12]),
    });
    const approval = await approvalWith(user1, 'with details');
    expect(approval.authorization_details).toEqual([PAY_12]);
    expect(approval.rendered).toEqual(['Pay 12.00 EUR to X <Shop>']);
    const page = await (await user1.navigate(`${issuer}/account/approvals`)).text();
    expect(page).toContain('Pay 12.00 EUR to X &lt;Shop&gt;');

    const refused = await answer(user1, approval.id, 'approve');
    expect(refused.status).toBe(403);
    const body = (await refused.json()) as { error: string; error_description: string };
    expect(body.error).toBe('proof_required');
    expect(body.error_description).toContain('authorization_details');
    expect(body.error_description).toContain('passkey or a wallet signature');
    expect(await pollError(auth_req_id)).toBe('authorization_pending');

    expect((await answer(user1, approval.id, 'deny')).status).toBe(303);
    t.clock.advance(INTERVAL);
    expect(await pollError(auth_req_id)).toBe('access_denied');
  });

  it('answers JSON to a script: the approve of a JSON body, and 401 login_required without a session', async () => {
    await started({ binding_message: 'by script' });
    const approval = await approvalWith(user1, 'by script');
    const { csrf_token } = await approvalsOf(user1);
    const res = await user1.postJson(`${issuer}/account/approvals/${approval.id}/approve`, {
      csrf_token,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: approval.id, status: 'approved' });

    const anonymous = new CookieBrowser();
    const signedOut = await anonymous.getJson(`${issuer}/account/approvals`);
    expect(signedOut.status).toBe(401);
    expect(await signedOut.json()).toMatchObject({ error: 'login_required' });
    const page = await anonymous.navigate(`${issuer}/account/approvals`);
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/login?return_to=%2Faccount%2Fapprovals');
  });

  describe('registration (RFC 7591, CIBA Core 1.0 §4)', () => {
    const cibaClient = {
      client_name: 'Self-registered agent',
      grant_types: [CIBA_GRANT_TYPE, 'refresh_token'],
      redirect_uris: [],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_basic',
      authorization_details_types: ['payment_initiation'],
    };

    it('registers a CIBA client with the initial access token, in poll mode, that then asks', async () => {
      const res = await register(
        t,
        {
          ...cibaClient,
          backchannel_token_delivery_mode: 'poll',
          backchannel_user_code_parameter: false,
        },
        INITIAL_ACCESS_TOKEN,
      );
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        grant_types: [CIBA_GRANT_TYPE, 'refresh_token'],
        redirect_uris: [],
        response_types: [],
        backchannel_token_delivery_mode: 'poll',
        authorization_details_types: ['payment_initiation'],
      });
      const { client_id, client_secret } = res.body as { client_id: string; client_secret: string };
      const asked = await t
        .http()
        .post('/backchannel')
        .type('form')
        .set('Authorization', basic(client_id, client_secret))
        .send({
          scope: 'openid',
          login_hint: 'user1',
          binding_message: 'self-registered',
          authorization_details: JSON.stringify([PAY_12]),
        });
      expect(asked.status).toBe(200);
      expect((await approvalWith(user1, 'self-registered')).client_id).toBe(client_id);
      // The poll mode is the default.
      const byDefault = await register(t, cibaClient, INITIAL_ACCESS_TOKEN);
      expect(byDefault.body).toMatchObject({ backchannel_token_delivery_mode: 'poll' });
    });

    it.each([
      [
        'the push mode',
        { backchannel_token_delivery_mode: 'push' },
        'backchannel_token_delivery_mode must be poll or ping: the push mode (tokens POSTed to the client) is not supported',
      ],
      [
        'a notification endpoint in poll mode',
        { backchannel_client_notification_endpoint: 'https://agent.example.com/notify' },
        'backchannel_client_notification_endpoint is for the ping mode: register backchannel_token_delivery_mode "ping" with it, or poll without it',
      ],
      [
        'a user code parameter',
        { backchannel_user_code_parameter: true },
        'backchannel_user_code_parameter must be false: backchannel requests take no user code',
      ],
      [
        'redirect URIs',
        { redirect_uris: ['https://agent.example.com/cb'] },
        'redirect_uris must be empty: none of the grant types uses the authorization endpoint',
      ],
    ])('refuses %s', async (_what, extra, description) => {
      const res = await register(t, { ...cibaClient, ...extra }, INITIAL_ACCESS_TOKEN);
      expect(res.status).toBe(400);
      expect((res.body as { error_description: string }).error_description).toBe(description);
    });
  });

  describe('refusals at /backchannel', () => {
    it('refuses a client not registered for the grant (unauthorized_client)', async () => {
      const res = await t
        .http()
        .post('/backchannel')
        .type('form')
        .set('Authorization', basic('demo-client', 'demo-secret'))
        .send({ scope: 'openid', login_hint: 'user1' });
      expectRefusal(
        res,
        400,
        'unauthorized_client',
        `The client is not registered for the ${CIBA_GRANT_TYPE} grant type`,
      );
    });

    it('refuses a public client: it cannot register the grant, nor use it', async () => {
      const registered = await register(t, {
        client_name: 'Public agent',
        redirect_uris: [],
        response_types: [],
        token_endpoint_auth_method: 'none',
        grant_types: [CIBA_GRANT_TYPE],
      });
      expect(registered.status).toBe(400);
      expect(registered.body).toMatchObject({ error: 'invalid_client_metadata' });
      const res = await t
        .http()
        .post('/backchannel')
        .type('form')
        .send({ client_id: 'demo-spa', scope: 'openid', login_hint: 'user1' });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: 'unauthorized_client' });
    });

    it.each([
      [
        'no hint',
        {},
        'Exactly one of login_hint and id_token_hint is required (CIBA Core 1.0 §7.1)',
      ],
      [
        'two hints',
        { login_hint: 'user1', id_token_hint: 'x.y.z' },
        'Exactly one of login_hint and id_token_hint is required (CIBA Core 1.0 §7.1)',
      ],
      [
        'a login_hint_token',
        { login_hint_token: 'x.y.z' },
        'login_hint_token is not supported: send login_hint or id_token_hint',
      ],
      [
        // §7.1.1: not advertised, so refused rather than ignored (its claims would not be honoured).
        'a signed authentication request (request)',
        { login_hint: 'user1', request: SIGNED_REQUEST },
        'Signed authentication requests (the request parameter, CIBA Core 1.0 §7.1.1) are not supported here: send the parameters as form fields',
      ],
      [
        'no openid scope',
        { scope: 'api', login_hint: 'user1' },
        'scope must include openid (CIBA Core 1.0 §7.1)',
      ],
      [
        // It would be kept as the pending request's name: 16 KB each, up to the client's cap.
        'a login_hint longer than any account name can be',
        { login_hint: 'u'.repeat(513) },
        "login_hint is longer than any account's name can be (at most 512 characters)",
      ],
      [
        'a requested_expiry that is no number of seconds',
        { login_hint: 'user1', requested_expiry: '-5' },
        'requested_expiry must be a positive whole number of seconds',
      ],
    ])('refuses %s (invalid_request)', async (_what, parameters, description) => {
      expectRefusal(
        await backchannel({ scope: 'openid api', ...parameters }),
        400,
        'invalid_request',
        description,
      );
    });

    it('refuses the account scope (invalid_scope), as for device codes, even to a first-party client', async () => {
      // A third-party client is told the same, not that being first-party would do.
      for (const client of [OTHER_AGENT, undefined]) {
        expectRefusal(
          await backchannel({ scope: 'openid account', login_hint: 'user1' }, client),
          400,
          'invalid_scope',
          'The account scope is never granted through a backchannel request: it starts away from the person',
        );
      }
    });

    it('refuses a binding message too long or not plain text (invalid_binding_message)', async () => {
      expectRefusal(
        await backchannel({
          scope: 'openid',
          login_hint: 'user1',
          binding_message: 'x'.repeat(65),
        }),
        400,
        'invalid_binding_message',
        'binding_message must be 1 to 64 characters',
      );
      // Characters as a person counts them: 64 emoji (128 UTF-16 units) are 64, 65 are too many.
      const emoji = (count: number) => ({
        scope: 'openid',
        login_hint: 'nobody-counts-emoji',
        binding_message: '\u{1F511}'.repeat(count),
      });
      expect((await backchannel(emoji(64))).status).toBe(200);
      expect((await backchannel(emoji(65))).body).toEqual({
        error: 'invalid_binding_message',
        error_description: 'binding_message must be 1 to 64 characters',
      });
      // A line break, and a right-to-left override that would show "Pay 100" as "Pay 001".
      for (const message of ['a\nb', 'Pay \u202E001']) {
        expectRefusal(
          await backchannel({ scope: 'openid', login_hint: 'user1', binding_message: message }),
          400,
          'invalid_binding_message',
          'binding_message must be plain text on one line, without control or format characters',
        );
      }
    });

    it('refuses authorization details of an unknown type (invalid_authorization_details)', async () => {
      const res = await backchannel({
        scope: 'openid',
        login_hint: 'user1',
        authorization_details: JSON.stringify([{ type: 'launch_missiles' }]),
      });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: 'invalid_authorization_details' });
    });

    it('refuses a wrong client secret (invalid_client)', async () => {
      const res = await t
        .http()
        .post('/backchannel')
        .type('form')
        .set('Authorization', basic(AGENT, 'wrong'))
        .send({ scope: 'openid', login_hint: 'user1' });
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ error: 'invalid_client' });
    });
  });
});
