/**
 * Issue #51: a CIBA request whose scope or resource needs `phr` (ACR_REQUIRED_BY_SCOPE, RFC 9470)
 * is accepted and left pending for a passkey: the approvals page and its JSON say so; a click in a
 * session and a wallet's proof are refused (403 passkey_required) and the request stays pending;
 * a passkey's proof over the request approves it, and its tokens carry `acr` phr.
 */
import { decodeJwt } from 'jose';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import type { SoftwareAuthenticator } from '../../../../src/lab-client/software-authenticator';
import type { Agent } from '../../../support/oauth';
import {
  cibaClient,
  pendingApproval as pendingOf,
  postApproval as post,
  startPaymentApprovals,
} from '../../../support/ciba-approvals';
import { expectRefusal } from '../../../support/refusal';
import type { TestApp } from '../../../support/test-app';

const AGENT = 'agent';
const PAY_12 = { type: 'payment_initiation', amount: '12.00', currency: 'EUR', creditor: 'X' };
const PASSKEY_NEEDED =
  'This request asks for a scope or resource that needs acr phr (a phishing-resistant sign-in): ' +
  'only a passkey approves it (POST /account/approvals/{id}/challenge with method passkey, then ' +
  'approve with the assertion); a session or a wallet signature does not';

describe('CIBA requests that need phr: pending for a passkey (issue #51)', () => {
  let t: TestApp;
  let secret: string;
  let user1: Agent;
  let passkey: SoftwareAuthenticator;
  const wallet = privateKeyToAccount(generatePrivateKey());
  let walletUser: Agent;

  beforeAll(async () => {
    ({ t, secret, user1, passkey, walletUser } = await startPaymentApprovals(AGENT, wallet, {
      ACR_REQUIRED_BY_SCOPE: JSON.stringify({ api: 'phr' }),
    }));
  });
  afterAll(() => t.close());

  const ask = (bindingMessage: string, loginHint: string, details?: object[]) =>
    cibaClient(t, AGENT, secret).ask({
      scope: 'openid api',
      login_hint: loginHint,
      binding_message: bindingMessage,
      ...(details === undefined ? {} : { authorization_details: JSON.stringify(details) }),
    });
  const poll = (authReqId: string) => cibaClient(t, AGENT, secret).poll(authReqId);

  it('accepts the request, marks it as needing a passkey, refuses a click, approves by a passkey with acr phr', async () => {
    const authReqId = await ask('phr by passkey', 'user1');
    const pending = await pendingOf(user1, 'phr by passkey');
    expect(pending).toMatchObject({ required_acr: 'phr' });

    // The card offers the passkey only: no Approve form, no wallet button.
    const page = await user1.get('/account/approvals').set('Accept', 'text/html');
    const card = page.text.slice(page.text.indexOf(`data-approval-id="${pending.id}"`));
    const own = card.slice(0, card.indexOf('</div>'));
    expect(own).toContain('This request needs your passkey');
    expect(own).toContain('class="approval-passkey"');
    expect(own).not.toContain('class="approval-wallet"');
    expect(own).not.toContain('class="approval-approve"');

    const clicked = await post(user1, `/account/approvals/${pending.id}/approve`);
    expectRefusal(clicked, 403, 'passkey_required', PASSKEY_NEEDED);
    expectRefusal(
      await poll(authReqId),
      400,
      'authorization_pending',
      'The user has not answered yet',
    );
    expect(await pendingOf(user1, 'phr by passkey')).toMatchObject({ id: pending.id });

    const options = await post(user1, `/account/approvals/${pending.id}/challenge`, {
      method: 'passkey',
    });
    expect(options.status).toBe(200);
    const approved = await post(user1, `/account/approvals/${pending.id}/approve`, {
      method: 'passkey',
      response: passkey.assert(options.body as { challenge: string }),
    });
    expect(approved.body).toEqual({ id: pending.id, status: 'approved' });

    t.clock.advance(2);
    const tokens = await poll(authReqId).expect(200);
    expect(decodeJwt(tokens.body.access_token as string)).toMatchObject({
      sub: 'user1',
      scope: 'openid api',
      acr: 'phr',
      approval: { method: 'passkey' },
    });
    expect(decodeJwt(tokens.body.id_token as string)).toMatchObject({ acr: 'phr' });
  });

  it('refuses a wallet’s proof before anything is signed or spent: the request stays pending', async () => {
    const account = `eip155:1:${wallet.address}`;
    const authReqId = await ask('phr by wallet', account, [PAY_12]);
    const { id } = await pendingOf(walletUser, 'phr by wallet');
    const proof = { method: 'eip155', address: wallet.address, chainId: 1 };

    const challenge = await post(walletUser, `/account/approvals/${id}/challenge`, proof);
    expectRefusal(challenge, 403, 'passkey_required', PASSKEY_NEEDED);
    const signed = await post(walletUser, `/account/approvals/${id}/approve`, {
      ...proof,
      signature: `0x${'11'.repeat(65)}`,
    });
    expectRefusal(signed, 403, 'passkey_required', PASSKEY_NEEDED);

    expectRefusal(
      await poll(authReqId),
      400,
      'authorization_pending',
      'The user has not answered yet',
    );
    expect(await pendingOf(walletUser, 'phr by wallet')).toMatchObject({ id, required_acr: 'phr' });
  });

  it('leaves a request that needs no phr as it was: a session approves it', async () => {
    t.clock.advance(2);
    const authReqId = await cibaClient(t, AGENT, secret).ask({
      scope: 'openid',
      login_hint: 'user1',
      binding_message: 'no phr',
    });
    const pending = await pendingOf(user1, 'no phr');
    expect(pending.required_acr).toBeUndefined();
    const clicked = await post(user1, `/account/approvals/${pending.id}/approve`);
    expect(clicked.body).toEqual({ id: pending.id, status: 'approved' });
    const tokens = await poll(authReqId).expect(200);
    expect(decodeJwt(tokens.body.access_token as string)).toMatchObject({
      acr: 'urn:proofgate:acr:1fa',
    });
  });
});
