/**
 * Issue #51's contract ("Details clients will rely on"), driven against the running service with
 * openid-client, oauth4webapi, a software passkey and a viem wallet: discovery, self-registration,
 * /backchannel and its refusals, the polls, the approvals page, session, passkey and EIP-712
 * approvals, the `approval` claim, token exchange narrowing, ping mode and CIBA_NOTIFY_URL.
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { createRemoteJWKSet, decodeJwt, exportJWK, generateKeyPair, jwtVerify } from 'jose';
import * as oauth from 'oauth4webapi';
import * as client from 'openid-client';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import type { CookieBrowser } from '../support/cookie-browser';
import type { SoftwareAuthenticator } from '../../src/lab-client/software-authenticator';
import {
  type Agent,
  answerApproval,
  approvalsOf,
  ask,
  bindingMessage,
  CIBA_GRANT,
  pendingFor,
  pollOnce,
  refusalOf,
  register,
  registerAgent,
  requestHash,
  TOKEN_EXCHANGE_GRANT,
  waitInterval,
  cibaMetadata,
} from './ciba-client';
import { addPasskey } from './people-passkeys';
import {
  authorizeLocation,
  basic,
  DEMO_CLIENT,
  demoClientTokens,
  type Json,
  passwordBrowser,
  subjectOf,
  walletBrowser,
} from './people';
import { PHR_RESOURCE, useAcceptanceService } from './service';

const service = useAcceptanceService();

const PAY_12 = {
  type: 'payment_initiation',
  amount: '12.00',
  currency: 'EUR',
  creditor: 'X <Shop>',
};
const PAY_30 = { type: 'payment_initiation', amount: '30.00', currency: 'USD', creditor: 'Y' };

let agent: Agent;
let user0: CookieBrowser;
let user1: CookieBrowser;
let user0Sub: string;
let passkey: SoftwareAuthenticator;

beforeAll(async () => {
  agent = await registerAgent(service());
  user0 = await passwordBrowser(service().issuer, 'user0');
  user1 = await passwordBrowser(service().issuer, 'user1');
  const accountToken = (await demoClientTokens(service().issuer, user0, 'openid account'))
    .access_token as string;
  user0Sub = await subjectOf(service().issuer, accountToken);
  passkey = await addPasskey(service().issuer, accountToken);
}, 60_000);

/** Introspection of `token` by the client it was issued to. */
async function introspect(who: Agent, token: string): Promise<Json> {
  const answer = await fetch(`${service().issuer}/introspect`, {
    method: 'POST',
    headers: { authorization: basic(who.clientId, who.secret) },
    body: new URLSearchParams({ token }),
  });
  expect(answer.status).toBe(200);
  return (await answer.json()) as Json;
}

/** The request of `message` as user0's page lists it (it must be there). */
async function pendingOfUser0(message: string) {
  const { approval, csrf } = await pendingFor(service(), user0, message);
  expect(approval).toBeDefined();
  return { approval: approval!, csrf };
}

describe('discovery', () => {
  it.each(['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server'])(
    '%s lists CIBA and the authorization details types',
    async (path) => {
      const metadata = (await (await fetch(`${service().issuer}${path}`)).json()) as Json;
      expect(metadata.backchannel_authentication_endpoint).toBe(`${service().issuer}/backchannel`);
      expect(metadata.backchannel_token_delivery_modes_supported).toEqual(
        expect.arrayContaining(['poll', 'ping']),
      );
      expect(metadata.backchannel_user_code_parameter_supported).toBe(false);
      expect(metadata.grant_types_supported).toContain(CIBA_GRANT);
      expect(metadata.authorization_details_types_supported).toEqual(['payment_initiation']);
    },
  );
});

describe('self-registration (RFC 7591, the initial access token)', () => {
  it('registers a CIBA client with no redirect URIs nor response types, and its details types', () => {
    expect(agent.registered).toMatchObject({
      client_id: expect.any(String),
      client_secret: expect.any(String),
      redirect_uris: [],
      response_types: [],
      grant_types: expect.arrayContaining([CIBA_GRANT]),
      backchannel_token_delivery_mode: 'poll',
      authorization_details_types: ['payment_initiation'],
    });
  });

  it('refuses a wrong initial access token (401 invalid_token)', async () => {
    const answer = await register(service(), cibaMetadata(), 'not-the-initial-access-token-at-all');
    expect(answer.status).toBe(401);
    expect(((await answer.json()) as Json).error).toBe('invalid_token');
  });

  it('refuses a details type the server does not support (invalid_client_metadata)', async () => {
    const answer = await register(
      service(),
      cibaMetadata({ authorization_details_types: ['merge_pull_request'] }),
    );
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as Json).error).toBe('invalid_client_metadata');
  });
});

describe('/backchannel', () => {
  it('refuses a client not registered for the grant: unauthorized_client', async () => {
    const answer = await fetch(`${service().issuer}/backchannel`, {
      method: 'POST',
      headers: { authorization: basic(DEMO_CLIENT.id, DEMO_CLIENT.secret) },
      body: new URLSearchParams({ scope: 'openid', login_hint: 'user0' }),
    });
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as Json).error).toBe('unauthorized_client');
  });

  it('answers { auth_req_id, expires_in, interval }; requested_expiry shortens expires_in', async () => {
    const plain = await ask(agent, {
      login_hint: 'user0',
      binding_message: bindingMessage('plain'),
    });
    expect(plain.response).toEqual({
      auth_req_id: expect.any(String),
      expires_in: expect.any(Number),
      interval: 1,
    });
    const shortened = await ask(agent, {
      login_hint: 'user0',
      binding_message: bindingMessage('short'),
      requested_expiry: '45',
    });
    expect(shortened.response.expires_in).toBeLessThanOrEqual(45);
    expect(shortened.response.expires_in).toBeGreaterThan(40);
    expect(plain.response.expires_in).toBeGreaterThan(45);
    const lengthened = await ask(agent, {
      login_hint: 'user0',
      binding_message: bindingMessage('long'),
      requested_expiry: String(plain.response.expires_in * 10),
    });
    expect(lengthened.response.expires_in).toBeLessThanOrEqual(plain.response.expires_in);
  });

  it('takes a resource that needs phr and leaves it to a passkey: a session click is 403 passkey_required', async () => {
    const message = bindingMessage('phr');
    const asked = await ask(agent, {
      login_hint: 'user0',
      binding_message: message,
      resource: PHR_RESOURCE,
    });
    const { approval, csrf } = await pendingOfUser0(message);
    expect(approval).toMatchObject({ required_acr: 'phr' });
    const clicked = await answerApproval(service(), user0, approval.id, 'approve', {
      csrf_token: csrf,
    });
    expect(clicked.status).toBe(403);
    expect(clicked.body.error).toBe('passkey_required');
    await waitInterval(asked);
    await expect(pollOnce(agent, asked.response.auth_req_id)).resolves.toEqual({
      error: 'authorization_pending',
    });
  });

  it('refuses a details type it does not know: invalid_authorization_details', async () => {
    await expect(
      refusalOf(agent, {
        scope: 'openid',
        login_hint: 'user0',
        authorization_details: JSON.stringify([{ type: 'merge_pull_request', pr: 7 }]),
      }),
    ).resolves.toEqual({ error: 'invalid_authorization_details', status: 400 });
  });

  it('refuses details invalid by their schema: invalid_authorization_details', async () => {
    await expect(
      refusalOf(agent, {
        scope: 'openid',
        login_hint: 'user0',
        authorization_details: JSON.stringify([{ ...PAY_12, currency: 'XYZ' }]),
      }),
    ).resolves.toEqual({ error: 'invalid_authorization_details', status: 400 });
  });

  it('refuses a binding message over 64 characters: invalid_binding_message', async () => {
    await expect(
      refusalOf(agent, { scope: 'openid', login_hint: 'user0', binding_message: 'x'.repeat(65) }),
    ).resolves.toEqual({ error: 'invalid_binding_message', status: 400 });
  });

  it('asks the account named by its subject, or by an ID token issued to the client', async () => {
    const bySubject = bindingMessage('bysub');
    await ask(agent, { login_hint: user0Sub, binding_message: bySubject });
    await pendingOfUser0(bySubject);
    const first = await ask(agent, { login_hint: 'user0', binding_message: bindingMessage('idt') });
    const { approval, csrf } = await pendingOfUser0(first.parameters.binding_message);
    await answerApproval(service(), user0, approval.id, 'approve', { csrf_token: csrf });
    const idToken = (await client.pollBackchannelAuthenticationGrant(agent.config, first.response))
      .id_token!;
    const byHint = bindingMessage('byhint');
    await ask(agent, { id_token_hint: idToken, binding_message: byHint });
    await expect(pendingFor(service(), user0, byHint)).resolves.toMatchObject({
      approval: { client_id: agent.clientId },
    });
  });

  it('never gives the account scope: invalid_scope', async () => {
    await expect(
      refusalOf(agent, { scope: 'openid account', login_hint: 'user0' }),
    ).resolves.toEqual({ error: 'invalid_scope', status: 400 });
  });

  it('answers for an account an operator locked as for anyone: pending, nobody sees it', async () => {
    const created = await service().admin(['users', 'add', 'carol'], 'password-of-carol\n');
    expect(created.code).toBe(0);
    const carol = await passwordBrowser(service().issuer, 'carol', 'password-of-carol');
    expect((await service().admin(['users', 'disable', 'carol'])).code).toBe(0);
    const message = bindingMessage('locked');
    const locked = await ask(agent, { login_hint: 'carol', binding_message: message });
    expect(locked.response).toEqual({
      auth_req_id: expect.any(String),
      expires_in: expect.any(Number),
      interval: 1,
    });
    await waitInterval(locked);
    await expect(pollOnce(agent, locked.response.auth_req_id)).resolves.toEqual({
      error: 'authorization_pending',
    });
    // Its old session ended with the lock-down: the page is not served to it.
    expect((await carol.getJson(`${service().issuer}/account/approvals`)).status).toBe(401);
  });

  it('answers an unknown login_hint as pending, until expired_token', async () => {
    const unknown = await ask(agent, {
      login_hint: 'nobody-by-this-name',
      binding_message: bindingMessage('unknown'),
      requested_expiry: '3',
    });
    expect(unknown.response).toEqual({
      auth_req_id: expect.any(String),
      expires_in: expect.any(Number),
      interval: 1,
    });
    const known = await ask(agent, {
      login_hint: 'user0',
      binding_message: bindingMessage('known'),
      requested_expiry: '3',
    });
    expect(unknown.response.expires_in).toBe(known.response.expires_in);
    await waitInterval(unknown);
    await expect(pollOnce(agent, unknown.response.auth_req_id)).resolves.toEqual({
      error: 'authorization_pending',
    });
    await expect(pollOnce(agent, unknown.response.auth_req_id)).resolves.toEqual({
      error: 'slow_down',
    });
    await new Promise((resolve) => setTimeout(resolve, unknown.response.expires_in * 1000 + 500));
    await expect(pollOnce(agent, unknown.response.auth_req_id)).resolves.toEqual({
      error: 'expired_token',
    });
  });
});

describe('polling /token (CIBA §11)', () => {
  it('answers authorization_pending in time, slow_down too early', async () => {
    const asked = await ask(agent, {
      login_hint: 'user0',
      binding_message: bindingMessage('poll'),
    });
    await waitInterval(asked);
    await expect(pollOnce(agent, asked.response.auth_req_id)).resolves.toEqual({
      error: 'authorization_pending',
    });
    await expect(pollOnce(agent, asked.response.auth_req_id)).resolves.toEqual({
      error: 'slow_down',
    });
  });

  it("answers invalid_grant to another client's auth_req_id", async () => {
    const other = await registerAgent(service());
    const asked = await ask(agent, {
      login_hint: 'user0',
      binding_message: bindingMessage('theirs'),
    });
    await waitInterval(asked);
    await expect(pollOnce(other, asked.response.auth_req_id)).resolves.toEqual({
      error: 'invalid_grant',
    });
  });

  it('answers access_denied once the person denies', async () => {
    const message = bindingMessage('deny');
    const asked = await ask(agent, { login_hint: 'user0', binding_message: message });
    const { approval, csrf } = await pendingOfUser0(message);
    const denied = await answerApproval(service(), user0, approval.id, 'deny', {
      csrf_token: csrf,
    });
    expect(denied.status).toBe(200);
    await waitInterval(asked);
    await expect(pollOnce(agent, asked.response.auth_req_id)).resolves.toEqual({
      error: 'access_denied',
    });
  });

  it('answers expired_token after expires_in', async () => {
    const asked = await ask(agent, {
      login_hint: 'user0',
      binding_message: bindingMessage('expire'),
      requested_expiry: '2',
    });
    await new Promise((resolve) => setTimeout(resolve, asked.response.expires_in * 1000 + 500));
    await expect(pollOnce(agent, asked.response.auth_req_id)).resolves.toEqual({
      error: 'expired_token',
    });
  });
});

describe('/account/approvals', () => {
  it('lists a pending request as JSON, by an opaque id that is never the auth_req_id', async () => {
    const message = bindingMessage('list');
    const asked = await ask(agent, { login_hint: 'user0', binding_message: message }, [PAY_12]);
    const { approvals, csrf_token, text } = await approvalsOf(service(), user0);
    const approval = approvals.find((item) => item.binding_message === message);
    expect(csrf_token).toEqual(expect.any(String));
    expect(approval).toMatchObject({
      id: expect.any(String),
      client_id: agent.clientId,
      binding_message: message,
      authorization_details: [PAY_12],
    });
    expect(approval!.rendered).toEqual(['Pay 12.00 EUR to X <Shop>']);
    expect(approval!.id).not.toBe(asked.response.auth_req_id);
    expect(text).not.toContain(asked.response.auth_req_id);
  });

  it('marks each request in the HTML page with data-approval-id, and shows the rendered template', async () => {
    const message = bindingMessage('html');
    const asked = await ask(agent, { login_hint: 'user0', binding_message: message }, [PAY_12]);
    const { approval } = await pendingOfUser0(message);
    const page = await user0.navigate(`${service().issuer}/account/approvals`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`data-approval-id="${approval.id}"`);
    expect(html).toContain('Pay 12.00 EUR to X &lt;Shop&gt;');
    expect(html).not.toContain(asked.response.auth_req_id);
  });

  it('shows another account nothing of it', async () => {
    const message = bindingMessage('other');
    await ask(agent, { login_hint: 'user0', binding_message: message });
    await expect(pendingFor(service(), user1, message)).resolves.toMatchObject({
      approval: undefined,
    });
  });
});

describe('an agent on oauth4webapi with private_key_jwt', () => {
  it('registers its key, asks, and redeems the approved request once', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const answer = await register(
      service(),
      cibaMetadata({
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: { keys: [{ ...(await exportJWK(publicKey)), alg: 'ES256', use: 'sig' }] },
      }),
    );
    expect(answer.status).toBe(201);
    const c = { client_id: ((await answer.json()) as Json).client_id as string };
    const as = agent.as;
    const auth = oauth.PrivateKeyJwt(privateKey);
    const insecure = { [oauth.allowInsecureRequests]: true } as const;
    const message = bindingMessage('o4w');
    const asked = await oauth.processBackchannelAuthenticationResponse(
      as,
      c,
      await oauth.backchannelAuthenticationRequest(
        as,
        c,
        auth,
        { scope: 'openid', login_hint: 'user0', binding_message: message },
        insecure,
      ),
    );
    const { approval, csrf } = await pendingOfUser0(message);
    await answerApproval(service(), user0, approval.id, 'approve', { csrf_token: csrf });
    await new Promise((resolve) => setTimeout(resolve, asked.interval! * 1000 + 100));
    const grant = () =>
      oauth.backchannelAuthenticationGrantRequest(as, c, auth, asked.auth_req_id, insecure);
    const tokens = await oauth.processBackchannelAuthenticationGrantResponse(as, c, await grant());
    expect(oauth.getValidatedIdTokenClaims(tokens)?.sub).toBe(user0Sub);
    await new Promise((resolve) => setTimeout(resolve, asked.interval! * 1000 + 100));
    await expect(
      oauth.processBackchannelAuthenticationGrantResponse(as, c, await grant()),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
  });
});

describe('a session approves only requests without authorization_details', () => {
  it('approves a request without details; the agent gets its tokens with openid-client', async () => {
    const message = bindingMessage('session');
    const asked = await ask(agent, { login_hint: 'user0', binding_message: message });
    const { approval, csrf } = await pendingOfUser0(message);
    const approved = await answerApproval(service(), user0, approval.id, 'approve', {
      csrf_token: csrf,
    });
    expect(approved.status).toBe(200);
    const tokens = await client.pollBackchannelAuthenticationGrant(agent.config, asked.response);
    const idToken = tokens.claims()!;
    expect(idToken.sub).toBe(user0Sub);
    // A session is no proof over the request: never phr (docs/AGENTS.md). Whether its token
    // carries an `approval` claim the issue leaves open (its item 4 names the proofs' tokens).
    expect(idToken.acr).toEqual(expect.any(String));
    expect(idToken.acr).not.toBe('phr');
    expect(idToken.amr).toEqual(expect.any(Array));
    // Redeemed once.
    await waitInterval(asked);
    await expect(pollOnce(agent, asked.response.auth_req_id)).resolves.toEqual({
      error: 'invalid_grant',
    });
  });

  it('gives the tokens of an approved request to one of concurrent polls', async () => {
    const message = bindingMessage('race');
    const asked = await ask(agent, { login_hint: 'user0', binding_message: message });
    const { approval, csrf } = await pendingOfUser0(message);
    await answerApproval(service(), user0, approval.id, 'approve', { csrf_token: csrf });
    await waitInterval(asked);
    const polls = await Promise.all(
      [1, 2, 3].map(() => pollOnce(agent, asked.response.auth_req_id)),
    );
    expect(polls.filter((poll) => 'tokens' in poll)).toHaveLength(1);
  });

  it('lets one of a concurrent approve and deny win, and the agent hears that one', async () => {
    const message = bindingMessage('approvedeny');
    const asked = await ask(agent, { login_hint: 'user0', binding_message: message });
    const { approval, csrf } = await pendingOfUser0(message);
    const [approved, denied] = await Promise.all(
      (['approve', 'deny'] as const).map((action) =>
        answerApproval(service(), user0, approval.id, action, { csrf_token: csrf }),
      ),
    );
    expect([approved.status, denied.status].sort()).toEqual([200, 404]);
    await waitInterval(asked);
    const polled = await pollOnce(agent, asked.response.auth_req_id);
    if (approved.status === 200) expect(polled).toHaveProperty('tokens');
    else expect(polled).toEqual({ error: 'access_denied' });
  });

  it('never shows a binding message as markup', async () => {
    const message = `<img src=x onerror=alert(1)> ${bindingMessage('xss')}`.slice(0, 64);
    try {
      await ask(agent, { login_hint: 'user0', binding_message: message });
    } catch (error) {
      // Refusing such a message is as good as escaping it.
      expect(error).toMatchObject({ error: 'invalid_binding_message' });
      return;
    }
    const html = await (await user0.navigate(`${service().issuer}/account/approvals`)).text();
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;img src=x');
  });

  it('refuses to approve a request with details without a proof (403 proof_required): still pending', async () => {
    const message = bindingMessage('noproof');
    const asked = await ask(agent, { login_hint: 'user0', binding_message: message }, [PAY_12]);
    const { approval, csrf } = await pendingOfUser0(message);
    const refused = await answerApproval(service(), user0, approval.id, 'approve', {
      csrf_token: csrf,
    });
    expect(refused).toMatchObject({ status: 403, body: { error: 'proof_required' } });
    await waitInterval(asked);
    await expect(pollOnce(agent, asked.response.auth_req_id)).resolves.toEqual({
      error: 'authorization_pending',
    });
  });
});

describe('approval by a passkey over the exact request', () => {
  async function passkeyChallenge(id: string, csrf: string) {
    const challenge = await answerApproval(service(), user0, id, 'challenge', {
      csrf_token: csrf,
      method: 'passkey',
    });
    expect(challenge.status).toBe(200);
    return challenge.body as Parameters<SoftwareAuthenticator['assert']>[0] & Json;
  }

  it("binds the challenge to the request's hash (its first 32 bytes)", async () => {
    const message = bindingMessage('bound');
    const asked = await ask(agent, { login_hint: 'user0', binding_message: message }, [PAY_12]);
    const { approval, csrf } = await pendingOfUser0(message);
    const options = await passkeyChallenge(approval.id, csrf);
    const challenge = Buffer.from(options.challenge, 'base64url');
    expect(challenge.subarray(0, 32).toString('base64url')).toBe(
      requestHash(agent, asked, [PAY_12]),
    );
  });

  it("refuses an assertion over another request's challenge, leaving it to its own request", async () => {
    const message = bindingMessage('swap');
    const asked = await ask(agent, { login_hint: 'user0', binding_message: message }, [PAY_12]);
    const other = bindingMessage('swap2');
    await ask(agent, { login_hint: 'user0', binding_message: other }, [PAY_30]);
    const mine = await pendingOfUser0(message);
    const theirs = await pendingOfUser0(other);
    const options = await passkeyChallenge(mine.approval.id, mine.csrf);
    const refused = await answerApproval(service(), user0, theirs.approval.id, 'approve', {
      csrf_token: mine.csrf,
      method: 'passkey',
      response: passkey.assert(options),
    });
    expect(refused.status).toBe(401);
    await expect(pendingFor(service(), user0, other)).resolves.toMatchObject({
      approval: { id: theirs.approval.id },
    });
    const approved = await answerApproval(service(), user0, mine.approval.id, 'approve', {
      csrf_token: mine.csrf,
      method: 'passkey',
      response: passkey.assert(options),
    });
    expect(approved.status).toBe(200);
    await expect(
      client.pollBackchannelAuthenticationGrant(agent.config, asked.response),
    ).resolves.toMatchObject({ access_token: expect.any(String) });
  });

  it('answers a fresh challenge each time (user verification required)', async () => {
    const message = bindingMessage('fresh');
    await ask(agent, { login_hint: 'user0', binding_message: message }, [PAY_12]);
    const { approval, csrf } = await pendingOfUser0(message);
    const first = await passkeyChallenge(approval.id, csrf);
    const second = await passkeyChallenge(approval.id, csrf);
    expect(first.userVerification).toBe('required');
    expect(first.challenge).not.toBe(second.challenge);
  });

  it('gives two identical requests different challenges', async () => {
    const message = bindingMessage('twins');
    await ask(agent, { login_hint: 'user0', binding_message: message }, [PAY_12]);
    await ask(agent, { login_hint: 'user0', binding_message: message }, [PAY_12]);
    const { approvals, csrf_token } = await approvalsOf(service(), user0);
    const twins = approvals.filter((item) => item.binding_message === message);
    expect(twins).toHaveLength(2);
    expect(twins[0].id).not.toBe(twins[1].id);
    const challenges = await Promise.all(
      twins.map((twin) => passkeyChallenge(twin.id, csrf_token)),
    );
    expect(challenges[0].challenge).not.toBe(challenges[1].challenge);
  });

  it('approves with the assertion: the token and introspection carry approval and the details', async () => {
    const message = bindingMessage('passkey');
    const asked = await ask(
      agent,
      { login_hint: 'user0', binding_message: message, scope: 'openid' },
      [PAY_12],
    );
    const { approval, csrf } = await pendingOfUser0(message);
    const options = await passkeyChallenge(approval.id, csrf);
    const approved = await answerApproval(service(), user0, approval.id, 'approve', {
      csrf_token: csrf,
      method: 'passkey',
      response: passkey.assert(options),
    });
    expect(approved.status).toBe(200);
    const tokens = await client.pollBackchannelAuthenticationGrant(agent.config, asked.response);
    const expected = {
      method: 'passkey',
      hash: requestHash(agent, asked, [PAY_12]),
      time: expect.any(Number),
    };
    const claims = decodeJwt(tokens.access_token);
    expect(claims.approval).toEqual(expected);
    const { time } = claims.approval as { time: number };
    expect(Math.abs(time - Date.now() / 1000)).toBeLessThan(120);
    expect(claims.authorization_details).toEqual([PAY_12]);
    expect(tokens.authorization_details).toEqual([PAY_12]);
    // A passkey's approval is phishing-resistant, with user verification (docs/AGENTS.md).
    expect(claims.acr).toBe('phr');
    expect(tokens.claims()).toMatchObject({ acr: 'phr', amr: ['pop', 'user'] });
    const introspection = await introspect(agent, tokens.access_token);
    expect(introspection).toMatchObject({
      active: true,
      approval: expected,
      authorization_details: [PAY_12],
    });
    // Every token of the grant, refreshed ones too (docs/AGENTS.md, docs/OAUTH.md).
    const refreshed = await client.refreshTokenGrant(agent.config, tokens.refresh_token!);
    expect(decodeJwt(refreshed.access_token)).toMatchObject({
      approval: expected,
      authorization_details: [PAY_12],
    });
    // The audit, listed on the account page.
    const accountPage = await (await user0.navigate(`${service().issuer}/account`)).text();
    expect(accountPage).toContain(message);
  });

  it('leaves the request pending after a bad proof', async () => {
    const message = bindingMessage('badpasskey');
    const asked = await ask(agent, { login_hint: 'user0', binding_message: message }, [PAY_12]);
    const { approval, csrf } = await pendingOfUser0(message);
    const options = await passkeyChallenge(approval.id, csrf);
    const assertion = passkey.assert(options) as unknown as { response: { signature: string } };
    const signature = Buffer.from(assertion.response.signature, 'base64url');
    signature[signature.length - 1] ^= 0x01;
    assertion.response.signature = signature.toString('base64url');
    const refused = await answerApproval(service(), user0, approval.id, 'approve', {
      csrf_token: csrf,
      method: 'passkey',
      response: assertion,
    });
    expect(refused.status).toBe(401);
    await expect(pendingFor(service(), user0, message)).resolves.toMatchObject({
      approval: { id: approval.id },
    });
    await waitInterval(asked);
    await expect(pollOnce(agent, asked.response.auth_req_id)).resolves.toEqual({
      error: 'authorization_pending',
    });
  });

  it("changes nothing on another account's attempt (404)", async () => {
    const message = bindingMessage('intruder');
    const asked = await ask(agent, { login_hint: 'user0', binding_message: message });
    const { approval } = await pendingOfUser0(message);
    const { csrf_token } = await approvalsOf(service(), user1);
    for (const action of ['approve', 'deny', 'challenge'] as const) {
      const attempt = await answerApproval(service(), user1, approval.id, action, {
        csrf_token,
        ...(action === 'challenge' ? { method: 'passkey' } : {}),
      });
      expect(attempt.status).toBe(404);
    }
    await expect(pendingFor(service(), user0, message)).resolves.toMatchObject({
      approval: { id: approval.id },
    });
    await waitInterval(asked);
    await expect(pollOnce(agent, asked.response.auth_req_id)).resolves.toEqual({
      error: 'authorization_pending',
    });
  });
});

describe('approval by an Ethereum wallet (EIP-712 typed data, viem)', () => {
  const wallet = privateKeyToAccount(generatePrivateKey());
  const hint = `eip155:1:${wallet.address}`;
  let browser: CookieBrowser;

  beforeAll(async () => {
    browser = await walletBrowser(service().issuer, wallet);
  });

  async function typedDataFor(message: string) {
    const { approval, csrf } = await pendingFor(service(), browser, message);
    expect(approval).toBeDefined();
    const challenge = await answerApproval(service(), browser, approval!.id, 'challenge', {
      csrf_token: csrf,
      method: 'eip155',
      address: wallet.address,
      chainId: 1,
    });
    expect(challenge.status).toBe(200);
    return {
      id: approval!.id,
      csrf,
      typedData: challenge.body.typed_data as Parameters<typeof wallet.signTypedData>[0],
    };
  }

  it('approves with the signature of the typed data naming client, message and details', async () => {
    const message = bindingMessage('eip712');
    const asked = await ask(agent, { login_hint: hint, binding_message: message }, [PAY_12]);
    const { id, csrf, typedData } = await typedDataFor(message);
    const shown = JSON.stringify(typedData.message);
    expect(shown).toContain(agent.clientId);
    expect(shown).toContain(message);
    expect(shown).toContain('Pay 12.00 EUR to X <Shop>');
    const approved = await answerApproval(service(), browser, id, 'approve', {
      csrf_token: csrf,
      method: 'eip155',
      address: wallet.address,
      chainId: 1,
      signature: await wallet.signTypedData(typedData),
    });
    expect(approved.status).toBe(200);
    const tokens = await client.pollBackchannelAuthenticationGrant(agent.config, asked.response);
    const claims = decodeJwt(tokens.access_token);
    // The method a wallet's approval names is its chain's namespace (docs/AGENTS.md).
    expect(claims.approval).toEqual({
      method: 'eip155',
      hash: requestHash(agent, asked, [PAY_12]),
      time: expect.any(Number),
    });
    expect(claims.authorization_details).toEqual([PAY_12]);
    expect((await introspect(agent, tokens.access_token)).approval).toEqual(claims.approval);
  });

  it("names the request's and the details' hashes in the typed data", async () => {
    const message = bindingMessage('eip712hash');
    const asked = await ask(agent, { login_hint: hint, binding_message: message }, [PAY_12]);
    const { typedData } = await typedDataFor(message);
    const fields = typedData.message;
    const hex = (base64url: string) => `0x${Buffer.from(base64url, 'base64url').toString('hex')}`;
    expect(fields.requestHash).toBe(hex(requestHash(agent, asked, [PAY_12])));
    expect(fields.detailsHash).toBe(
      `0x${createHash('sha256')
        .update(canonicalize([PAY_12])!)
        .digest('hex')}`,
    );
    expect(fields.details).toEqual(['Pay 12.00 EUR to X <Shop>']);
  });

  it('refuses a signature over another request (other details): both stay pending', async () => {
    const message = bindingMessage('eip712a');
    const other = bindingMessage('eip712b');
    const asked = await ask(agent, { login_hint: hint, binding_message: message }, [PAY_12]);
    await ask(agent, { login_hint: hint, binding_message: other }, [PAY_30]);
    const mine = await typedDataFor(message);
    const theirs = await typedDataFor(other);
    const refused = await answerApproval(service(), browser, theirs.id, 'approve', {
      csrf_token: theirs.csrf,
      method: 'eip155',
      address: wallet.address,
      chainId: 1,
      signature: await wallet.signTypedData(mine.typedData),
    });
    expect(refused.status).toBe(401);
    await expect(pendingFor(service(), browser, other)).resolves.toMatchObject({
      approval: { id: theirs.id },
    });
    await waitInterval(asked);
    await expect(pollOnce(agent, asked.response.auth_req_id)).resolves.toEqual({
      error: 'authorization_pending',
    });
  });

  it('refuses the right signature once a bad proof spent its challenge', async () => {
    const message = bindingMessage('eip712spent');
    const asked = await ask(agent, { login_hint: hint, binding_message: message }, [PAY_12]);
    const { id, csrf, typedData } = await typedDataFor(message);
    const proof = { csrf_token: csrf, method: 'eip155', address: wallet.address, chainId: 1 };
    const bad = await answerApproval(service(), browser, id, 'approve', {
      ...proof,
      signature: await privateKeyToAccount(generatePrivateKey()).signTypedData(typedData),
    });
    expect(bad.status).toBe(401);
    const late = await answerApproval(service(), browser, id, 'approve', {
      ...proof,
      signature: await wallet.signTypedData(typedData),
    });
    expect(late.status).toBe(401);
    await waitInterval(asked);
    await expect(pollOnce(agent, asked.response.auth_req_id)).resolves.toEqual({
      error: 'authorization_pending',
    });
  });

  it('leaves the request pending after a signature by another key', async () => {
    const message = bindingMessage('eip712bad');
    const asked = await ask(agent, { login_hint: hint, binding_message: message }, [PAY_12]);
    const { id, csrf, typedData } = await typedDataFor(message);
    const refused = await answerApproval(service(), browser, id, 'approve', {
      csrf_token: csrf,
      method: 'eip155',
      address: wallet.address,
      chainId: 1,
      signature: await privateKeyToAccount(generatePrivateKey()).signTypedData(typedData),
    });
    expect(refused.status).toBe(401);
    await waitInterval(asked);
    await expect(pollOnce(agent, asked.response.auth_req_id)).resolves.toEqual({
      error: 'authorization_pending',
    });
  });

  it('refuses a signature over the typed data with another chain id, or naming a verifying contract: still pending', async () => {
    const message = bindingMessage('eip712domain');
    const asked = await ask(agent, { login_hint: hint, binding_message: message }, [PAY_12]);
    const domains = [
      (domain: object) => ({ ...domain, chainId: 137 }),
      (domain: object) => ({
        ...domain,
        verifyingContract: '0x000000000000000000000000000000000000dEaD' as const,
      }),
    ];
    for (const changed of domains) {
      // Each refusal spends its challenge: a fresh one for each.
      const { id, csrf, typedData } = await typedDataFor(message);
      const refused = await answerApproval(service(), browser, id, 'approve', {
        csrf_token: csrf,
        method: 'eip155',
        address: wallet.address,
        chainId: 1,
        signature: await wallet.signTypedData({
          ...typedData,
          domain: changed(typedData.domain ?? {}),
        }),
      });
      expect(refused.status).toBe(401);
    }
    await waitInterval(asked);
    await expect(pollOnce(agent, asked.response.auth_req_id)).resolves.toEqual({
      error: 'authorization_pending',
    });
  });

  it('refuses the signature that approved a request on an identical second request', async () => {
    const message = bindingMessage('eip712twin');
    const first = await ask(agent, { login_hint: hint, binding_message: message }, [PAY_12]);
    const approvedOnce = await typedDataFor(message);
    const signature = await wallet.signTypedData(approvedOnce.typedData);
    const proof = { method: 'eip155', address: wallet.address, chainId: 1, signature };
    const approved = await answerApproval(service(), browser, approvedOnce.id, 'approve', {
      ...proof,
      csrf_token: approvedOnce.csrf,
    });
    expect(approved.status).toBe(200);
    // The same client, scope, message and details: the same request hash, another challenge.
    const second = await ask(agent, { login_hint: hint, binding_message: message }, [PAY_12]);
    expect(requestHash(agent, second, [PAY_12])).toBe(requestHash(agent, first, [PAY_12]));
    const twin = await typedDataFor(message);
    expect(twin.id).not.toBe(approvedOnce.id);
    const replayed = await answerApproval(service(), browser, twin.id, 'approve', {
      ...proof,
      csrf_token: twin.csrf,
    });
    expect(replayed.status).toBe(401);
    await waitInterval(second);
    await expect(pollOnce(agent, second.response.auth_req_id)).resolves.toEqual({
      error: 'authorization_pending',
    });
  });

  it('answers a fresh typed data each time', async () => {
    const message = bindingMessage('eip712fresh');
    await ask(agent, { login_hint: hint, binding_message: message }, [PAY_12]);
    const first = await typedDataFor(message);
    const second = await typedDataFor(message);
    expect(JSON.stringify(first.typedData)).not.toBe(JSON.stringify(second.typedData));
  });
});

describe('rich authorization requests at /authorize and /par', () => {
  it('grants the details in the token response and the access token', async () => {
    const tokens = await demoClientTokens(service().issuer, user0, 'openid', {
      authorization_details: JSON.stringify([PAY_12]),
    });
    expect(tokens.authorization_details).toEqual([PAY_12]);
    expect(decodeJwt(tokens.access_token as string).authorization_details).toEqual([PAY_12]);
  });

  it('refuses an unknown type at /authorize to the redirect URI', async () => {
    const location = await authorizeLocation(service().issuer, user0, 'openid', {
      authorization_details: JSON.stringify([{ type: 'merge_pull_request' }]),
    });
    expect(location.searchParams.get('error')).toBe('invalid_authorization_details');
  });

  it('refuses details invalid by their schema at /par: 400', async () => {
    const answer = await fetch(`${service().issuer}/par`, {
      method: 'POST',
      headers: { authorization: basic(DEMO_CLIENT.id, DEMO_CLIENT.secret) },
      body: new URLSearchParams({
        response_type: 'code',
        redirect_uri: DEMO_CLIENT.redirectUri,
        scope: 'openid',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
        authorization_details: JSON.stringify([{ ...PAY_12, amount: '12' }]),
      }),
    });
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as Json).error).toBe('invalid_authorization_details');
  });
});

describe('token exchange narrows authorization_details, never widens', () => {
  let accessToken: string;

  beforeAll(async () => {
    const message = bindingMessage('exchange');
    const asked = await ask(agent, { login_hint: 'user0', binding_message: message }, [
      PAY_12,
      PAY_30,
    ]);
    const { approval, csrf } = await pendingOfUser0(message);
    const options = await answerApproval(service(), user0, approval.id, 'challenge', {
      csrf_token: csrf,
      method: 'passkey',
    });
    await answerApproval(service(), user0, approval.id, 'approve', {
      csrf_token: csrf,
      method: 'passkey',
      response: passkey.assert(options.body as Parameters<SoftwareAuthenticator['assert']>[0]),
    });
    accessToken = (await client.pollBackchannelAuthenticationGrant(agent.config, asked.response))
      .access_token;
  });

  function exchange(details: Json[]) {
    return client.genericGrantRequest(agent.config, TOKEN_EXCHANGE_GRANT, {
      subject_token: accessToken,
      subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      authorization_details: JSON.stringify(details),
    });
  }

  it('narrows to a subset of the granted objects', async () => {
    const narrowed = await exchange([PAY_30]);
    expect(decodeJwt(narrowed.access_token).authorization_details).toEqual([PAY_30]);
  });

  it('keeps them all when the exchange names none', async () => {
    const kept = await client.genericGrantRequest(agent.config, TOKEN_EXCHANGE_GRANT, {
      subject_token: accessToken,
      subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
    });
    expect(decodeJwt(kept.access_token).authorization_details).toEqual([PAY_12, PAY_30]);
  });

  it('refuses widening: invalid_authorization_details', async () => {
    await expect(exchange([{ ...PAY_30, amount: '99.00' }])).rejects.toMatchObject({
      error: 'invalid_authorization_details',
    });
  });
});

describe('ping mode', () => {
  it('POSTs { auth_req_id } with the client notification token to the loopback endpoint', async () => {
    const pinged = await registerAgent(service(), {
      backchannel_token_delivery_mode: 'ping',
      backchannel_client_notification_endpoint: `${service().receiver}/ping`,
    });
    const message = bindingMessage('ping');
    const notificationToken = `ping-${Math.random().toString(36).slice(2)}`;
    const asked = await ask(pinged, {
      login_hint: 'user0',
      binding_message: message,
      client_notification_token: notificationToken,
    });
    const { approval, csrf } = await pendingOfUser0(message);
    await answerApproval(service(), user0, approval.id, 'approve', { csrf_token: csrf });
    const ping = await waitForReceived(
      (item) => item.path === '/ping' && item.body.includes(asked.response.auth_req_id),
    );
    expect(ping.headers.authorization).toBe(`Bearer ${notificationToken}`);
    expect(JSON.parse(ping.body)).toEqual({ auth_req_id: asked.response.auth_req_id });
    const polled = await pollOnce(pinged, asked.response.auth_req_id);
    expect(polled).toMatchObject({ tokens: { access_token: expect.any(String) } });
  });
});

describe('ping mode when the person denies', () => {
  it('pings too, and the poll answers access_denied', async () => {
    const pinged = await registerAgent(service(), {
      backchannel_token_delivery_mode: 'ping',
      backchannel_client_notification_endpoint: `${service().receiver}/ping-denied`,
    });
    const message = bindingMessage('pingdeny');
    const asked = await ask(pinged, {
      login_hint: 'user0',
      binding_message: message,
      client_notification_token: 'denied-token-1',
    });
    const { approval, csrf } = await pendingOfUser0(message);
    await answerApproval(service(), user0, approval.id, 'deny', { csrf_token: csrf });
    const ping = await waitForReceived(
      (item) => item.path === '/ping-denied' && item.body.includes(asked.response.auth_req_id),
    );
    expect(ping.headers.authorization).toBe('Bearer denied-token-1');
    await expect(pollOnce(pinged, asked.response.auth_req_id)).resolves.toEqual({
      error: 'access_denied',
    });
  });
});

describe('ping mode registration and requests', () => {
  it('refuses a ping request without client_notification_token: invalid_request', async () => {
    const pinged = await registerAgent(service(), {
      backchannel_token_delivery_mode: 'ping',
      backchannel_client_notification_endpoint: `${service().receiver}/ping`,
    });
    await expect(refusalOf(pinged, { scope: 'openid', login_hint: 'user0' })).resolves.toEqual({
      error: 'invalid_request',
      status: 400,
    });
  });

  it('refuses push mode at registration: invalid_client_metadata', async () => {
    const answer = await register(
      service(),
      cibaMetadata({
        backchannel_token_delivery_mode: 'push',
        backchannel_client_notification_endpoint: `${service().receiver}/push`,
      }),
    );
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as Json).error).toBe('invalid_client_metadata');
  });
});

describe('CIBA_NOTIFY_URL', () => {
  it("receives a JWT signed with the issuer's keys, without the auth_req_id", async () => {
    const message = bindingMessage('notify');
    const asked = await ask(agent, { login_hint: 'user0', binding_message: message });
    const notification = await waitForReceived(
      (item) => item.path === '/notify' && decodedMessage(item.body) === message,
    );
    expect(notification.body).not.toContain(asked.response.auth_req_id);
    const metadata = (await (
      await fetch(`${service().issuer}/.well-known/openid-configuration`)
    ).json()) as { jwks_uri: string };
    expect(notification.headers['content-type']).toMatch(/^application\/jwt/);
    const { payload, protectedHeader } = await jwtVerify(
      notification.body,
      createRemoteJWKSet(new URL(metadata.jwks_uri)),
      { issuer: service().issuer },
    );
    expect(payload).toMatchObject({
      sub: user0Sub,
      client_id: agent.clientId,
      binding_message: message,
    });
    expect(protectedHeader.typ).toBe('ciba-notify+jwt');
    expect(JSON.stringify(payload)).toContain('/account/approvals');
    expect(JSON.stringify(payload)).not.toContain(asked.response.auth_req_id);
  });
});

function decodedMessage(jwt: string): unknown {
  try {
    return decodeJwt(jwt).binding_message;
  } catch {
    return undefined;
  }
}

async function waitForReceived(
  match: (item: { path: string; body: string }) => boolean,
): Promise<(typeof service extends () => infer S ? S : never)['received'][number]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const found = service().received.find(match);
    if (found) return found;
    if (Date.now() > deadline) throw new Error('nothing received');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
