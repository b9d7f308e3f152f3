/**
 * Issue #51: a CIBA request with authorization_details is approved only by a fresh proof over
 * the exact request: a passkey assertion (the lab's software authenticator) whose challenge
 * starts with the SHA-256 of the request's RFC 8785 canonical JSON, or a wallet's signature of
 * EIP-712 typed data (viem's signTypedData) or, for Solana, of a text message. Every refusal with
 * its exact error; the token's and introspection's `approval` claim; the audit record.
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { decodeJwt } from 'jose';
import request from 'supertest';
import { type PrivateKeyAccount, generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { AccountService } from '../../../../src/accounts/account.service';
import { MAX_LISTED_APPROVALS } from '../../../../src/oauth/ciba/ciba-request';
import { FLAGS, SoftwareAuthenticator } from '../../../../src/lab-client/software-authenticator';
import { type Agent, basic, login } from '../../../support/oauth';
import {
  cibaClient,
  pendingApproval,
  pendingApprovals,
  postApproval,
  startPaymentApprovals,
} from '../../../support/ciba-approvals';
import { adminCli } from '../../../support/admin-cli';
import { addOperatorClient } from '../../../support/operator-clients';
import { CIBA_GRANT_TYPE } from '../../../../src/protocol-rules/grant-types';
import { expectRefusal } from '../../../support/refusal';
import { newSolanaWallet } from '../../../support/solana';
import type { TestApp } from '../../../support/test-app';
import { scriptTag } from '../../../../src/platform/http/html';

const AGENT = 'agent';
const WEBAUTHN_TTL = 120;
const PAY_12 = {
  type: 'payment_initiation',
  amount: '12.00',
  currency: 'EUR',
  creditor: 'X',
};
const PAY_9999 = { ...PAY_12, amount: '9999.00', creditor: 'Y' };

type TypedData = Parameters<PrivateKeyAccount['signTypedData']>[0];

/** The request's hash as the issue states it: SHA-256 of the RFC 8785 JSON of its four members. */
function requestDigest(members: Record<string, unknown>): Buffer {
  return createHash('sha256').update(canonicalize(members)!, 'utf8').digest();
}

describe('CIBA approvals by a proof over the exact request (issue #51)', () => {
  let t: TestApp;
  let issuer: string;
  let secret: string;
  let user1: Agent;
  let user0: Agent;
  let passkey: SoftwareAuthenticator;
  const wallet = privateKeyToAccount(generatePrivateKey());
  let walletUser: Agent;

  beforeAll(async () => {
    ({ t, issuer, secret, user1, passkey, walletUser } = await startPaymentApprovals(
      AGENT,
      wallet,
      {
        CIBA_REQUEST_TTL_SECONDS: '600',
        WEBAUTHN_CHALLENGE_TTL_SECONDS: String(WEBAUTHN_TTL),
        // One agent asks user1 everything here, and one test keeps more pending than the page
        // lists (the cap itself: ciba-pending-cap.e2e-spec.ts).
        CIBA_MAX_PENDING_PER_CLIENT: '100',
      },
    ));
    user0 = request.agent(t.app.getHttpServer());
    await login(user0, '/', 'user0', 'password0');
  });
  afterAll(() => t.close());

  /** A backchannel request of the agent for `loginHint`, with `details`: its auth_req_id. */
  const ask = (
    bindingMessage: string,
    details: object[] | undefined = [PAY_12],
    loginHint = 'user1',
  ) =>
    cibaClient(t, AGENT, secret).ask({
      scope: 'openid api',
      login_hint: loginHint,
      binding_message: bindingMessage,
      ...(details === undefined ? {} : { authorization_details: JSON.stringify(details) }),
    });

  const approvals = pendingApprovals;

  async function approvalId(browser: Agent, message: string): Promise<string> {
    return (await pendingApproval(browser, message)).id;
  }

  const post = postApproval;

  const challenge = (browser: Agent, id: string, body: object) =>
    post(browser, `/account/approvals/${id}/challenge`, body);
  const approve = (browser: Agent, id: string, body: object) =>
    post(browser, `/account/approvals/${id}/approve`, body);

  async function passkeyOptions(browser: Agent, id: string) {
    const res = await challenge(browser, id, { method: 'passkey' });
    expect(res.status).toBe(200);
    return res.body as {
      challenge: string;
      userVerification: string;
      allowCredentials: { id: string }[];
    };
  }

  async function typedData(browser: Agent, id: string, address = wallet.address) {
    const res = await challenge(browser, id, { method: 'eip155', address, chainId: 1 });
    expect(res.status).toBe(200);
    return (res.body as { typed_data: TypedData }).typed_data;
  }

  const poll = (authReqId: string) => cibaClient(t, AGENT, secret).poll(authReqId);

  it('approves with a passkey: the challenge is bound to the request hash, the token says how', async () => {
    const authReqId = await ask('passkey 12');
    const id = await approvalId(user1, 'passkey 12');
    const options = await passkeyOptions(user1, id);
    expect(options.userVerification).toBe('required');
    expect(options.allowCredentials.map((credential) => credential.id)).toEqual([passkey.id]);
    const digest = requestDigest({
      client_id: AGENT,
      scope: 'openid api',
      authorization_details: [PAY_12],
      binding_message: 'passkey 12',
    });
    const bytes = Buffer.from(options.challenge, 'base64url');
    expect(bytes.subarray(0, 32)).toEqual(digest);
    expect(bytes.length).toBeGreaterThan(32);

    const approved = await approve(user1, id, {
      method: 'passkey',
      response: passkey.assert(options),
    });
    expect(approved.status).toBe(200);
    expect(approved.body).toEqual({ id, status: 'approved' });

    const tokens = await poll(authReqId).expect(200);
    const access = decodeJwt(tokens.body.access_token as string);
    const hash = digest.toString('base64url');
    expect(access).toMatchObject({
      sub: 'user1',
      acr: 'phr',
      auth_method: 'passkey',
      authorization_details: [PAY_12],
      approval: { method: 'passkey', hash, time: expect.any(Number) },
    });
    expect(decodeJwt(tokens.body.id_token as string)).toMatchObject({
      acr: 'phr',
      amr: ['pop', 'user'],
    });
    const introspected = await t
      .http()
      .post('/introspect')
      .type('form')
      .set('Authorization', basic(AGENT, secret))
      .send({ token: tokens.body.access_token })
      .expect(200);
    expect(introspected.body).toMatchObject({
      active: true,
      approval: { method: 'passkey', hash, time: (access.approval as { time: number }).time },
    });
  });

  it('shows and signs the server the tokens are for, when it is not Proofgate’s own API (RFC 8707)', async () => {
    const bank = 'https://bank.example/api';
    const bankAgent = cibaClient(
      t,
      'bank-agent',
      (await addOperatorClient(t, {
        clientId: 'bank-agent',
        name: 'Bank agent',
        grantTypes: [CIBA_GRANT_TYPE],
        resources: [bank],
      }))!,
    );
    const authReqId = await bankAgent.ask({
      scope: 'openid api',
      login_hint: 'user1',
      binding_message: 'at the bank',
      resource: bank,
    });
    const approval = await pendingApproval(user1, 'at the bank');
    expect(approval).toMatchObject({ client_id: 'bank-agent', resource: bank });
    const page = await user1.get('/account/approvals').expect(200);
    expect(page.text).toContain(
      `<p>at <strong><code class="approval-resource">${bank}</code></strong> (not Proofgate's own API).</p>`,
    );
    // A request for Proofgate's own API names none, on the page or in its hash.
    await ask('own api', undefined);
    expect(await pendingApproval(user1, 'own api')).not.toHaveProperty('resource');

    const signed = {
      client_id: 'bank-agent',
      scope: 'openid api',
      resource: bank,
      binding_message: 'at the bank',
    };
    const options = await passkeyOptions(user1, approval.id);
    expect(Buffer.from(options.challenge, 'base64url').subarray(0, 32)).toEqual(
      requestDigest(signed),
    );
    const approved = await approve(user1, approval.id, {
      method: 'passkey',
      response: passkey.assert(options),
    });
    expect(approved.status).toBe(200);
    const tokens = await bankAgent.poll(authReqId).expect(200);
    expect(decodeJwt(tokens.body.access_token as string)).toMatchObject({
      aud: bank,
      approval: { method: 'passkey', hash: requestDigest(signed).toString('base64url') },
    });
  });

  it('gives every challenge a fresh nonce: two identical requests, or two asks of one, never share one', async () => {
    await ask('twin');
    await ask('twin');
    const ids = (await approvals(user1)).approvals
      .filter((a) => a.binding_message === 'twin')
      .map((a) => a.id);
    expect(ids).toHaveLength(2);
    const challenges = [
      (await passkeyOptions(user1, ids[0])).challenge,
      (await passkeyOptions(user1, ids[1])).challenge,
      (await passkeyOptions(user1, ids[1])).challenge,
    ];
    expect(new Set(challenges).size).toBe(3);
    // The same request: the same hash in front of each.
    const prefixes = challenges.map((c) =>
      Buffer.from(c, 'base64url').subarray(0, 32).toString('hex'),
    );
    expect(new Set(prefixes).size).toBe(1);
    const walletId = await askFor('twin wallet');
    const first = await typedData(walletUser, walletId);
    const again = await typedData(walletUser, walletId);
    expect(again.message).toMatchObject({ requestHash: first.message.requestHash });
    expect(again.message.nonce).not.toBe(first.message.nonce);
  });

  /** A request to the wallet account's own subject: its approval id. */
  async function askFor(message: string, details: object[] = [PAY_12]): Promise<string> {
    await ask(message, details, `eip155:1:${wallet.address}`);
    return approvalId(walletUser, message);
  }

  it('approves with an Ethereum wallet’s EIP-712 signature of readable typed data', async () => {
    const authReqId = await ask('wallet 12', [PAY_12], `eip155:1:${wallet.address}`);
    const id = await approvalId(walletUser, 'wallet 12');
    const data = await typedData(walletUser, id);
    expect(data.domain).toEqual({ name: 'Proofgate approval', version: '1', chainId: 1 });
    expect(data.primaryType).toBe('Approval');
    expect(data.message).toMatchObject({
      issuer,
      client: 'Payment agent',
      clientId: AGENT,
      bindingMessage: 'wallet 12',
      scope: 'openid api',
      details: ['Pay 12.00 EUR to X'],
      detailsHash: `0x${createHash('sha256')
        .update(canonicalize([PAY_12])!)
        .digest('hex')}`,
    });
    const signature = await wallet.signTypedData(data);
    const approved = await approve(walletUser, id, {
      method: 'eip155',
      address: wallet.address,
      chainId: 1,
      signature,
    });
    expect(approved.status).toBe(200);
    const tokens = await poll(authReqId).expect(200);
    expect(decodeJwt(tokens.body.access_token as string)).toMatchObject({
      sub: `eip155:1:${wallet.address}`,
      acr: 'urn:proofgate:acr:1fa',
      auth_method: 'siwe',
      approval: { method: 'eip155' },
    });
    expect(decodeJwt(tokens.body.id_token as string)).toMatchObject({ amr: ['siwe'] });

    // Replayed on an identical request: its challenge has another nonce.
    const twin = await askFor('wallet 12 again');
    await typedData(walletUser, twin);
    expectRefusal(
      await approve(walletUser, twin, {
        method: 'eip155',
        address: wallet.address,
        chainId: 1,
        signature,
      }),
      401,
      'invalid_signature',
      'The signature is not valid for the message address',
    );
    // And on the request it approved: answered already.
    expect(
      (
        await approve(walletUser, id, {
          method: 'eip155',
          address: wallet.address,
          chainId: 1,
          signature,
        })
      ).status,
    ).toBe(404);
  });

  it('spends a challenge on a bad proof: the request stays pending, the good signature of that challenge is then a replay', async () => {
    const id = await askFor('bad then good');
    const data = await typedData(walletUser, id);
    const stranger = privateKeyToAccount(generatePrivateKey());
    const proof = { method: 'eip155', address: wallet.address, chainId: 1 };
    expectRefusal(
      await approve(walletUser, id, { ...proof, signature: await stranger.signTypedData(data) }),
      401,
      'invalid_signature',
      'The signature is not valid for the message address',
    );
    expect((await approvals(walletUser)).approvals.map((a) => a.id)).toContain(id);
    const good = await wallet.signTypedData(data);
    expectRefusal(
      await approve(walletUser, id, { ...proof, signature: good }),
      401,
      'challenge_already_used',
      'This approval challenge was used already: ask for a new one',
    );
    const fresh = await typedData(walletUser, id);
    expect(
      (await approve(walletUser, id, { ...proof, signature: await wallet.signTypedData(fresh) }))
        .status,
    ).toBe(200);
  });

  it('refuses a signature over other details, and a superseded (stale) challenge', async () => {
    const small = await askFor('small', [PAY_12]);
    const large = await askFor('large', [PAY_9999]);
    const proof = { method: 'eip155', address: wallet.address, chainId: 1 };
    await typedData(walletUser, small);
    const largeData = await typedData(walletUser, large);
    expect(largeData.message).toMatchObject({ details: ['Pay 9999.00 EUR to Y'] });
    expectRefusal(
      await approve(walletUser, small, {
        ...proof,
        signature: await wallet.signTypedData(largeData),
      }),
      401,
      'invalid_signature',
      'The signature is not valid for the message address',
    );
    // Superseded: the first challenge of a request and wallet, once a second was asked for.
    const stale = await typedData(walletUser, large);
    await typedData(walletUser, large);
    expectRefusal(
      await approve(walletUser, large, { ...proof, signature: await wallet.signTypedData(stale) }),
      401,
      'invalid_signature',
      'The signature is not valid for the message address',
    );
    expect((await approvals(walletUser)).approvals.map((a) => a.id)).toEqual(
      expect.arrayContaining([small, large]),
    );
  });

  it('refuses a passkey assertion over another request’s challenge, and leaves that challenge to its request', async () => {
    const one = (await ask('one'), await approvalId(user1, 'one'));
    const other = (await ask('other', [PAY_9999]), await approvalId(user1, 'other'));
    const otherOptions = await passkeyOptions(user1, other);
    expectRefusal(
      await approve(user1, one, { method: 'passkey', response: passkey.assert(otherOptions) }),
      401,
      'invalid_challenge',
      'The approval challenge was issued for another request or method: ask for this request’s own challenge',
    );
    expect(
      (await approve(user1, other, { method: 'passkey', response: passkey.assert(otherOptions) }))
        .status,
    ).toBe(200);
  });

  it('refuses an assertion without user verification (the challenge spent, the request pending)', async () => {
    const id = (await ask('no uv'), await approvalId(user1, 'no uv'));
    const options = await passkeyOptions(user1, id);
    expectRefusal(
      await approve(user1, id, {
        method: 'passkey',
        response: passkey.assert(options, { flags: FLAGS.UP }),
      }),
      401,
      'invalid_credential_response',
      'The authenticator did not verify the user (a PIN or biometric): an approval requires it',
    );
    expect((await approvals(user1)).approvals.map((a) => a.id)).toContain(id);
    expectRefusal(
      await approve(user1, id, { method: 'passkey', response: passkey.assert(options) }),
      401,
      'challenge_already_used',
      'The challenge has already been used; start the ceremony again',
    );
  });

  it('refuses a wallet the account does not list', async () => {
    const id = (await ask('not linked'), await approvalId(user1, 'not linked'));
    expectRefusal(
      await challenge(user1, id, { method: 'eip155', address: wallet.address, chainId: 1 }),
      403,
      'wallet_not_linked',
      'This wallet is not one of the signed-in account’s (link it on the account page first)',
    );
    expectRefusal(
      await challenge(user1, id, { method: 'solana', address: wallet.address, chainId: 1 }),
      403,
      'wallet_not_linked',
      'This wallet is not one of the signed-in account’s (link it on the account page first)',
    );
  });

  it('refuses a malformed assertion or address as a bad request, the request still pending', async () => {
    const id = (await ask('malformed'), await approvalId(user1, 'malformed'));
    const options = await passkeyOptions(user1, id);
    const { response, ...noResponse } = passkey.assert(options);
    void response;
    expectRefusal(
      await approve(user1, id, { method: 'passkey', response: noResponse }),
      400,
      'invalid_request',
      'response is not a WebAuthn credential response (PublicKeyCredential.toJSON())',
    );
    expectRefusal(
      await challenge(user1, id, { method: 'eip155', address: '0xnot-an-address', chainId: 1 }),
      403,
      'wallet_not_linked',
      'This wallet is not one of the signed-in account’s (link it on the account page first)',
    );
    expect((await approvals(user1)).approvals.map((a) => a.id)).toContain(id);
  });

  it('changes nothing for another account: its challenge and its approve answer 404', async () => {
    const id = (await ask('not yours'), await approvalId(user1, 'not yours'));
    const options = await passkeyOptions(user1, id);
    const notFound = 'No pending request of this account has that id (answered, expired, or never)';
    expectRefusal(await challenge(user0, id, { method: 'passkey' }), 404, 'not_found', notFound);
    expectRefusal(
      await approve(user0, id, { method: 'passkey', response: passkey.assert(options) }),
      404,
      'not_found',
      notFound,
    );
    expect((await approvals(user1)).approvals.map((a) => a.id)).toContain(id);
  });

  it('finds the request a person answers however many others are live: answered ones never crowd the list, and one past the list is approved by its id', async () => {
    await ask('the one that matters');
    const wanted = await approvalId(user1, 'the one that matters');
    // More answered requests (denied, still live until their agent polls) than the page lists.
    for (let i = 0; i <= MAX_LISTED_APPROVALS; i += 1) {
      await ask(`answered ${i}`);
      const id = await approvalId(user1, `answered ${i}`);
      expect((await post(user1, `/account/approvals/${id}/deny`)).status).toBe(200);
    }
    expect((await approvals(user1)).approvals.map((a) => a.id)).toContain(wanted);
    // Then more pending ones than it lists: the first falls off the list, and is still the
    // person's to approve by its id.
    for (let i = 0; i < MAX_LISTED_APPROVALS; i += 1) await ask(`pending ${i}`);
    const listed = (await approvals(user1)).approvals;
    expect(listed.map((a) => a.id)).not.toContain(wanted);
    const options = await passkeyOptions(user1, wanted);
    const approved = await approve(user1, wanted, {
      method: 'passkey',
      response: passkey.assert(options),
    });
    expect(approved.body).toEqual({ id: wanted, status: 'approved' });
    // The other tests' lists as they were.
    for (const { id } of listed) await post(user1, `/account/approvals/${id}/deny`);
  });

  it('offers Approve with passkey and Approve with wallet on the page, with the scripts that drive them', async () => {
    const id = (await ask('on the page'), await approvalId(user1, 'on the page'));
    const page = (await user1.get('/account/approvals').expect(200)).text;
    const card = new RegExp(
      `<div class="card approval" data-approval-id="${id}">[\\s\\S]*?</div>`,
    ).exec(page)![0];
    expect(card).toContain(
      '<button type="button" class="approval-passkey" hidden>Approve with passkey</button>',
    );
    expect(card).toContain(
      '<button type="button" class="approval-wallet" hidden>Approve with wallet</button>',
    );
    expect(card).toContain('Pay 12.00 EUR to X');
    expect(card).not.toContain('class="approval-approve"');
    for (const script of [
      '/static/vendor/simplewebauthn-browser.js',
      '/static/siwe-wallet.js',
      '/static/approval.js',
    ]) {
      expect(page).toContain(scriptTag(script));
      await user1.get(script).expect(200);
    }
  });

  it('says at /challenge-models/ciba what the approval proof is bound to', async () => {
    const model = await t.http().get('/challenge-models/ciba').expect(200);
    expect(model.body.protocol.bound_to).toEqual(['client_id', 'account', 'request_hash']);
    expect(model.body.protocol.endpoints).toContain('POST /account/approvals/{id}/challenge');
  });

  it('still answers 403 proof_required to a session approve of a request with details', async () => {
    const id = (await ask('session'), await approvalId(user1, 'session'));
    const res = await approve(user1, id, {});
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('proof_required');
  });

  it('approves with a Solana wallet’s signature of the text message', async () => {
    const solana = newSolanaWallet();
    const caip10 = `solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp:${solana.address}`;
    await t.app.get(AccountService).link('user1', caip10, 'operator');
    const authReqId = await ask('solana 12');
    const id = await approvalId(user1, 'solana 12');
    const proof = { method: 'solana', address: solana.address, chainId: 'solana:mainnet' };
    const res = await challenge(user1, id, proof);
    expect(res.status).toBe(200);
    const message = (res.body as { message: string }).message;
    expect(message).toContain('Message: solana 12');
    expect(message).toContain('- Pay 12.00 EUR to X');
    expect(message).toContain(
      `Request hash: ${requestDigest({
        client_id: AGENT,
        scope: 'openid api',
        authorization_details: [PAY_12],
        binding_message: 'solana 12',
      }).toString('base64url')}`,
    );
    expect(
      (await approve(user1, id, { ...proof, signature: solana.signText(message) })).status,
    ).toBe(200);
    const tokens = await poll(authReqId).expect(200);
    expect(decodeJwt(tokens.body.access_token as string)).toMatchObject({
      auth_method: 'siws',
      approval: { method: 'solana' },
    });
  });

  it('keeps each answer: the account page lists what was answered, for whom, and with which proof', async () => {
    const page = await user1.get('/account').expect(200);
    const table = /<table id="account-approval-answers">[\s\S]*?<\/table>/.exec(page.text)![0];
    expect(table).toContain(`<td>${AGENT}</td><td>passkey 12<br>`);
    expect(table).toContain(
      `<span data-method="passkey">Passkey</span> <code>passkey:${passkey.id}</code>`,
    );
    expect(table).toContain(
      '<span data-method="solana">Wallet</span> <code>solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp:',
    );
    expect(table).toContain('&quot;amount&quot;:&quot;12.00&quot;');
    expect(table).not.toContain('no uv');
  });

  it('lists the answers to an operator: proofgate-admin approvals list --account', async () => {
    const table = await adminCli(t, ['approvals', 'list', '--account', 'user1']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(
      /^AT\s+CLIENT\s+ANSWER\s+PROOF\s+MESSAGE\s+DETAILS\s+REQUEST HASH/,
    );
    const json = await adminCli(t, ['approvals', 'list', '--account', 'user1', '--json']);
    const records = JSON.parse(json.stdout) as Array<Record<string, unknown>>;
    const hash = requestDigest({
      client_id: AGENT,
      scope: 'openid api',
      authorization_details: [PAY_12],
      binding_message: 'passkey 12',
    }).toString('base64url');
    expect(records).toContainEqual(
      expect.objectContaining({
        sub: 'user1',
        client_id: AGENT,
        decision: 'approved',
        method: 'passkey',
        method_key: `passkey:${passkey.id}`,
        request_hash: hash,
        binding_message: 'passkey 12',
        authorization_details: [PAY_12],
      }),
    );
    // Refused proofs are no answers; another account's records are not listed.
    expect(records.map((r) => r.binding_message)).not.toContain('no uv');
    expect(records.every((r) => r.sub === 'user1')).toBe(true);
  });

  it('refuses a stale passkey challenge (expired)', async () => {
    const id = (await ask('stale'), await approvalId(user1, 'stale'));
    const options = await passkeyOptions(user1, id);
    t.clock.advance(WEBAUTHN_TTL + 1);
    expectRefusal(
      await approve(user1, id, { method: 'passkey', response: passkey.assert(options) }),
      401,
      'invalid_challenge',
      'The challenge has expired; start the ceremony again',
    );
    expect((await approvals(user1)).approvals.map((a) => a.id)).toContain(id);
  });
});
