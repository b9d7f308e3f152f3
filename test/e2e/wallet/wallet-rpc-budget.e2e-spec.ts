/**
 * Issue #19, finding 5 (only with SIWE_RPC_URLS): a contract-wallet signature check is an
 * `eth_call` on the operator's (possibly paid) RPC. A nonce allows at most
 * MAX_CONTRACT_CHECKS_PER_NONCE of them (the last failure spends it), and each IP at most
 * RATE_LIMIT_WALLET_RPC_PER_IP a minute. Checked against a real JSON-RPC server on 127.0.0.1
 * that counts the calls it answers.
 */
import { createServer, type Server } from 'node:http';
import { closeServer, listenOnLoopback } from '../../support/loopback-server';
import { randomBytes } from 'node:crypto';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { ChallengeFiguresRecorder } from '../../../src/compare/figures/challenge-figures.recorder';
import { MAX_CONTRACT_CHECKS_PER_NONCE } from '../../../src/wallet/siwe/siwe-chain';
import { TestApp, createTestApp } from '../../support/test-app';
import { expectRefusal } from '../../support/refusal';
import { placeInWindow } from '../../support/rate-limit-window';

const RPC_PER_IP = 5;

/** A JSON-RPC node whose every contract answers "not a valid signature" (32 zero bytes). */
class CountingRpcNode {
  ethCalls = 0;
  private readonly server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const call = JSON.parse(body) as { id: number; method: string };
      if (call.method === 'eth_call') this.ethCalls += 1;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ jsonrpc: '2.0', id: call.id, result: `0x${'00'.repeat(32)}` }));
    });
  });

  async listen(): Promise<string> {
    return `${await listenOnLoopback(this.server)}/rpc`;
  }

  close(): Promise<void> {
    return closeServer(this.server);
  }
}

/** A long random "signature": no EOA signature, so only the chain can judge it. */
const randomSignature = () => `0x${randomBytes(200).toString('hex')}`;

describe('contract-wallet checks cost a bounded number of RPC calls', () => {
  const node = new CountingRpcNode();
  let t: TestApp;

  beforeAll(async () => {
    const url = await node.listen();
    t = await createTestApp({
      TRUST_PROXY: 'loopback',
      SIWE_URI: 'https://app.example.com',
      SIWE_CHAIN_IDS: '1',
      SIWE_RPC_URLS: `1=${url}`,
      RATE_LIMIT_WALLET_PER_IP: '100000',
      RATE_LIMIT_WALLET_PER_ADDRESS: '100000',
      RATE_LIMIT_WALLET_RPC_PER_IP: String(RPC_PER_IP),
    });
  });
  afterAll(async () => {
    await t.close();
    await node.close();
  });
  beforeEach(() => {
    // A window of its own for each test.
    placeInWindow([t]);
    node.ethCalls = 0;
  });

  const issueNonce = async (from: string): Promise<string> => {
    const address = privateKeyToAccount(generatePrivateKey()).address;
    const res = await t
      .http()
      .post('/wallet/nonce')
      .set('X-Forwarded-For', from)
      .send({ address, chainId: 1 })
      .expect(201);
    return res.body.message as string;
  };
  const verify = (from: string, message: string) =>
    t
      .http()
      .post('/wallet/verify')
      .set('X-Forwarded-For', from)
      .send({ message, signature: randomSignature() });

  it('spends a nonce after its last allowed failed check, however many requests race for it', async () => {
    const message = await issueNonce('198.51.100.1');
    // Twelve forged signatures at once, each from an IP of its own (no per-IP budget in play).
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => verify(`198.51.100.${10 + i}`, message)),
    );

    expect(node.ethCalls).toBe(MAX_CONTRACT_CHECKS_PER_NONCE);
    const checked = answers.filter((res) => res.body.error === 'invalid_signature');
    expect(checked).toHaveLength(MAX_CONTRACT_CHECKS_PER_NONCE);
    expect(checked.map((res) => res.body.error_description as string)).toContain(
      'The signature is not valid for the message address; after 3 failed checks the nonce is used up, request a new one',
    );
    for (const res of answers.filter((r) => r.body.error !== 'invalid_signature')) {
      expectRefusal(
        res,
        401,
        'invalid_nonce',
        'The nonce is unknown, expired or used; request a new one',
      );
    }

    // Spent: one more try costs no call.
    expect((await verify('198.51.100.40', message)).body.error).toBe('invalid_nonce');
    expect(node.ethCalls).toBe(MAX_CONTRACT_CHECKS_PER_NONCE);
  });

  it('counts a used-up nonce as expired unredeemed at once, since start and in the last 5 minutes alike', async () => {
    const expiredUnredeemed = async () => {
      await t.app.get(ChallengeFiguresRecorder).flush();
      const { figures } = (await t.http().get('/challenge-models/siwe').expect(200)).body as {
        figures: Record<'since_start' | 'last_5_minutes', { expired_unredeemed: number }>;
      };
      return {
        sinceStart: figures.since_start.expired_unredeemed,
        lastFiveMinutes: figures.last_5_minutes.expired_unredeemed,
      };
    };
    const message = await issueNonce('198.51.100.60');
    const before = await expiredUnredeemed();
    for (let i = 0; i < MAX_CONTRACT_CHECKS_PER_NONCE; i++) {
      expect((await verify(`198.51.100.${61 + i}`, message)).body.error).toBe('invalid_signature');
    }
    // Its expiry (WALLET_NONCE_TTL_SECONDS, 300 s) is minutes away: it ended now, unredeemed.
    const after = await expiredUnredeemed();
    expect({
      sinceStart: after.sinceStart - before.sinceStart,
      lastFiveMinutes: after.lastFiveMinutes - before.lastFiveMinutes,
    }).toEqual({ sinceStart: 1, lastFiveMinutes: 1 });

    // Nor is it counted again when its expiry comes.
    t.clock.advance(301);
    const expired = await expiredUnredeemed();
    expect(expired.sinceStart).toBe(after.sinceStart);
  });

  it('allows each IP RATE_LIMIT_WALLET_RPC_PER_IP checks a minute, whatever the nonces', async () => {
    const from = '198.51.100.50';
    const messages = await Promise.all([1, 2].map(() => issueNonce(from)));
    const statuses: number[] = [];
    for (let i = 0; i < RPC_PER_IP; i++) {
      statuses.push((await verify(from, messages[Math.floor(i / 3)])).status);
    }
    expect(statuses).toEqual(Array.from({ length: RPC_PER_IP }, () => 401));
    expect(node.ethCalls).toBe(RPC_PER_IP);

    const limited = await verify(from, messages[1]);
    expect(limited.status).toBe(429);
    expect(limited.body.error).toBe('too_many_requests');
    expect(node.ethCalls).toBe(RPC_PER_IP);

    // Another IP still has its own budget.
    expect((await verify('198.51.100.51', await issueNonce('198.51.100.51'))).status).toBe(401);
    expect(node.ethCalls).toBe(RPC_PER_IP + 1);
  });
});
