/**
 * Issue #76: a CIBA request approved by an Ethereum wallet's EIP-712 signature, end to end, and
 * every way a signature that is not this request's own is refused: typed data with one field
 * changed, another chain id, another domain (a verifying contract, another name or version), a
 * signature replayed on an identical second request or on another chain's wallet, another key.
 * Each refusal leaves the request pending, and its own fresh signature then approves it. And the
 * approval is one compare-and-set of the request, its challenge spent after it: two approvals
 * racing with one signature approve once, and a database cut between the writes (the reply of
 * the first lost, or the second refused) still leaves the agent its tokens.
 * Signed by viem's account (`signTypedData`), as a wallet signs.
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { decodeJwt } from 'jose';
import { type PrivateKeyAccount, generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { AccountService } from '../../../../src/accounts/account.service';
import { ApprovalAuditLog } from '../../../../src/accounts/approval-audit/approval-audit';
import { ChallengeStore } from '../../../../src/challenges/challenge-store';
import type { Agent } from '../../../support/oauth';
import {
  cibaClient,
  pendingApproval,
  pendingApprovals,
  postApproval,
  startPaymentApprovals,
} from '../../../support/ciba-approvals';
import { cutBetweenWrites } from '../../../support/database-cut';
import { expectRefusal } from '../../../support/refusal';
import type { TestApp } from '../../../support/test-app';

const AGENT = 'wallet-agent';
const PAY_12 = { type: 'payment_initiation', amount: '12.00', currency: 'EUR', creditor: 'X' };
const NOT_VALID = 'The signature is not valid for the message address';
const NOT_PENDING = 'No pending request of this account has that id (answered, expired, or never)';

type TypedData = Parameters<PrivateKeyAccount['signTypedData']>[0];
type Message = Record<string, unknown>;

describe('CIBA approval by an Ethereum wallet’s EIP-712 signature (issue #76)', () => {
  let t: TestApp;
  let secret: string;
  const wallet = privateKeyToAccount(generatePrivateKey());
  const sub = `eip155:1:${wallet.address}`;
  let browser: Agent;

  beforeAll(async () => {
    ({
      t,
      secret,
      walletUser: browser,
    } = await startPaymentApprovals(AGENT, wallet, {
      CIBA_REQUEST_TTL_SECONDS: '600',
      CIBA_MAX_PENDING_PER_CLIENT: '100',
      // A second allowed chain, on which the same address is linked too (below).
      SIWE_CHAIN_IDS: '1,137',
    }));
  });
  afterAll(() => t.close());

  const agent = () => cibaClient(t, AGENT, secret);

  /** A request of the agent to the wallet's account: its auth_req_id and approval id. */
  async function ask(message: string, fields: Record<string, string> = {}) {
    const authReqId = await agent().ask({
      scope: 'openid api',
      login_hint: sub,
      binding_message: message,
      authorization_details: JSON.stringify([PAY_12]),
      ...fields,
    });
    return { authReqId, id: (await pendingApproval(browser, message)).id };
  }

  const proofOn = (chainId: number) => ({ method: 'eip155', address: wallet.address, chainId });

  async function typedData(id: string, chainId = 1): Promise<TypedData> {
    const res = await postApproval(browser, `/account/approvals/${id}/challenge`, proofOn(chainId));
    expect(res.status).toBe(200);
    return (res.body as { typed_data: TypedData }).typed_data;
  }

  const approve = (id: string, signature: string, chainId = 1) =>
    postApproval(browser, `/account/approvals/${id}/approve`, { ...proofOn(chainId), signature });

  const pendingIds = async () => (await pendingApprovals(browser)).approvals.map((a) => a.id);

  /** The request is still pending, and a fresh challenge signed as given approves it. */
  async function stillApprovable(id: string, authReqId: string): Promise<void> {
    expect(await pendingIds()).toContain(id);
    const approved = await approve(id, await wallet.signTypedData(await typedData(id)));
    expect(approved.body).toEqual({ id, status: 'approved' });
    expect((await agent().poll(authReqId)).status).toBe(200);
  }

  /**
   * A new request's typed data, signed as `sign` signs it: refused as invalid_signature, and the
   * request then approved by its own fresh signature.
   */
  async function refusedThenApproved(
    message: string,
    sign: (data: TypedData) => Promise<string>,
  ): Promise<void> {
    const { authReqId, id } = await ask(message);
    const refused = await approve(id, await sign(await typedData(id)));
    expectRefusal(refused, 401, 'invalid_signature', NOT_VALID);
    await stillApprovable(id, authReqId);
  }

  it('approves: the typed data names the request, its domain the chain and no contract; the tokens carry the approval', async () => {
    const { authReqId, id } = await ask('happy path');
    const data = await typedData(id);
    expect(data.domain).toEqual({ name: 'Proofgate approval', version: '1', chainId: 1 });
    const hash = createHash('sha256')
      .update(
        canonicalize({
          client_id: AGENT,
          scope: 'openid api',
          authorization_details: [PAY_12],
          binding_message: 'happy path',
        })!,
      )
      .digest();
    expect(data.message).toMatchObject({
      clientId: AGENT,
      bindingMessage: 'happy path',
      scope: 'openid api',
      requestHash: `0x${hash.toString('hex')}`,
    });
    const approved = await approve(id, await wallet.signTypedData(data));
    expect(approved.body).toEqual({ id, status: 'approved' });
    const tokens = await agent().poll(authReqId).expect(200);
    expect(decodeJwt(tokens.body.access_token as string)).toMatchObject({
      sub,
      auth_method: 'siwe',
      authorization_details: [PAY_12],
      approval: { method: 'eip155', hash: hash.toString('base64url') },
    });
  });

  it.each<[string, (message: Message) => Message]>([
    ['the binding message', (m) => ({ ...m, bindingMessage: 'something else' })],
    ['the scope', (m) => ({ ...m, scope: 'openid api account' })],
    ['the client id', (m) => ({ ...m, clientId: 'another-agent' })],
    ['the client name', (m) => ({ ...m, client: 'Another agent' })],
    ['the resource', (m) => ({ ...m, resource: 'https://bank.example/api' })],
    ['the details shown', (m) => ({ ...m, details: ['Pay 1.00 EUR to X'] })],
    ['the details hash', (m) => ({ ...m, detailsHash: `0x${'00'.repeat(32)}` })],
    ['the request hash (another request)', (m) => ({ ...m, requestHash: `0x${'11'.repeat(32)}` })],
    ['the nonce', (m) => ({ ...m, nonce: 'anotherNonce0123' })],
    ['the time it was issued', (m) => ({ ...m, issuedAt: '2020-01-01T00:00:00.000Z' })],
    ['the issuer', (m) => ({ ...m, issuer: 'https://evil.example' })],
  ])(
    'refuses a signature of the typed data with %s changed, and leaves the request pending',
    (field, change) =>
      refusedThenApproved(`changed ${field}`, (data) =>
        wallet.signTypedData({ ...data, message: change(data.message as Message) }),
      ),
  );

  it.each<[string, (domain: TypedData['domain']) => TypedData['domain']]>([
    ['another chain id', (d) => ({ ...d, chainId: 137 })],
    [
      'a verifying contract',
      (d) => ({ ...d, verifyingContract: '0x5FbDB2315678afecb367f032d93F642f64180aa3' }),
    ],
    ['a salt', (d) => ({ ...d, salt: `0x${'22'.repeat(32)}` })],
    ['another domain name', (d) => ({ ...d, name: 'Proofgate' })],
    ['another domain version', (d) => ({ ...d, version: '2' })],
  ])('refuses a signature over a domain with %s', (what, change) =>
    refusedThenApproved(`domain ${what}`, (data) =>
      wallet.signTypedData({ ...data, domain: change(data.domain) }),
    ),
  );

  it('refuses a signature made on one chain for the same address linked on another', async () => {
    await t.app.get(AccountService).link(sub, `eip155:137:${wallet.address}`, 'operator');
    const { authReqId, id } = await ask('two chains');
    const onMainnet = await typedData(id, 1);
    const onPolygon = await typedData(id, 137);
    expect(onPolygon.domain).toMatchObject({ chainId: 137 });
    // Chain 1's signature, presented as the Polygon wallet's (which has a live challenge of its own).
    expectRefusal(
      await approve(id, await wallet.signTypedData(onMainnet), 137),
      401,
      'invalid_signature',
      NOT_VALID,
    );
    // And a wallet the account does not list: refused before any signature is checked.
    const stranger = privateKeyToAccount(generatePrivateKey());
    expectRefusal(
      await postApproval(browser, `/account/approvals/${id}/approve`, {
        method: 'eip155',
        address: stranger.address,
        chainId: 1,
        signature: await stranger.signTypedData(onMainnet),
      }),
      403,
      'wallet_not_linked',
      'This wallet is not one of the signed-in account’s (link it on the account page first)',
    );
    await stillApprovable(id, authReqId);
  });

  it('refuses a signature replayed on an identical second request: same client, scope, message and details', async () => {
    const identical = {
      scope: 'openid api',
      login_hint: sub,
      binding_message: 'twin',
      authorization_details: JSON.stringify([PAY_12]),
    };
    await agent().ask(identical);
    await agent().ask(identical);
    const [first, second] = (await pendingApprovals(browser)).approvals
      .filter((approval) => approval.binding_message === 'twin')
      .map((approval) => approval.id);
    expect(second).toBeDefined();
    const firstData = await typedData(first);
    const secondData = await typedData(second);
    // The same request, so the same hash: only each challenge's nonce tells them apart.
    expect(secondData.message.requestHash).toBe(firstData.message.requestHash);
    const signature = await wallet.signTypedData(firstData);
    // Before the first is approved, and after: never the second's.
    expectRefusal(await approve(second, signature), 401, 'invalid_signature', NOT_VALID);
    expect((await approve(first, signature)).body).toEqual({ id: first, status: 'approved' });
    await typedData(second);
    expectRefusal(await approve(second, signature), 401, 'invalid_signature', NOT_VALID);
    // A refused signature spent the second's challenge: nothing left to check it against.
    expectRefusal(
      await approve(second, signature),
      401,
      'challenge_already_used',
      'This approval challenge was used already: ask for a new one',
    );
    expect(await pendingIds()).toContain(second);
    expectRefusal(await approve(first, signature), 404, 'not_found', NOT_PENDING);
  });

  it('refuses the exact typed data signed by another key than the account’s wallet', () =>
    refusedThenApproved('another key', (data) =>
      privateKeyToAccount(generatePrivateKey()).signTypedData(data),
    ));

  it('approves once when two approvals race with one signature: one answer, one audit record, one grant', async () => {
    const { authReqId, id } = await ask('race');
    const signature = await wallet.signTypedData(await typedData(id));
    const answers = await Promise.all([approve(id, signature), approve(id, signature)]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 404]);
    const lost = answers.find((answer) => answer.status === 404)!;
    expectRefusal(lost, 404, 'not_found', NOT_PENDING);
    expect((await agent().poll(authReqId)).status).toBe(200);
    expect((await agent().poll(authReqId)).body.error).toBe('invalid_grant');
    const records = await t.app.get(ApprovalAuditLog).listOf(sub, 50);
    expect(records.filter((record) => record.bindingMessage === 'race')).toHaveLength(1);
  });

  it('tells the loser of that race the request was answered, also when the winner spent the challenge before the loser looked at it (404, not 401)', async () => {
    const { authReqId, id } = await ask('race, challenge spent');
    const signature = await wallet.signTypedData(await typedData(id));
    const store = t.app.get(ChallengeStore);
    const inspect = store.inspect.bind(store);
    // The loser has read the request as pending; before it looks at the challenge, the winner
    // answers the request and spends the challenge: the interleaving a race on a busy machine takes.
    const spy = jest.spyOn(store, 'inspect').mockImplementationOnce(async (...args) => {
      const won = await approve(id, signature);
      expect(won.body).toEqual({ id, status: 'approved' });
      return inspect(...args);
    });
    try {
      expectRefusal(await approve(id, signature), 404, 'not_found', NOT_PENDING);
      expect(spy).toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
    expect((await agent().poll(authReqId)).status).toBe(200);
  });

  it.each(['reply-lost', 'second-refused'] as const)(
    'an approval the database cut between its writes (%s) still reaches the agent',
    async (fault) => {
      // The page answers 503; the person tries again and is told the request was answered: the
      // agent must then get its tokens, not poll authorization_pending until the request expires.
      const { authReqId, id } = await ask(`cut ${fault}`);
      const signature = await wallet.signTypedData(await typedData(id));
      const restore = cutBetweenWrites(t.app, ['ciba_request', 'ciba_approval'], fault);
      try {
        expect((await approve(id, signature)).status).toBe(503);
      } finally {
        restore();
      }
      expectRefusal(await approve(id, signature), 404, 'not_found', NOT_PENDING);
      const tokens = await agent().poll(authReqId);
      expect(tokens.body.error ?? 'tokens').toBe('tokens');
      expect(decodeJwt(tokens.body.access_token as string)).toMatchObject({
        approval: { method: 'eip155' },
      });
    },
  );
});
