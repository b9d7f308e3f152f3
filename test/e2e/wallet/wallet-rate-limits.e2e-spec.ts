/**
 * Issue #19, finding 3: a wallet address's budget (RATE_LIMIT_WALLET_PER_ADDRESS) is charged only
 * once its signature is valid (and its nonce redeemed). Before that, /wallet/nonce and
 * /wallet/verify count per IP and per (IP, address): naming a victim's address from one IP no
 * longer denies the victim elsewhere.
 */
import { type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { expectRefusal } from '../../support/refusal';
import { useTestApp } from '../../support/use-test-app';
import { placeInWindow } from '../../support/rate-limit-window';

const PER_ADDRESS = 5;

describe('the wallet address budget is charged after a valid signature', () => {
  const t = useTestApp({
    TRUST_PROXY: 'loopback',
    SIWE_URI: 'https://app.example.com',
    SIWE_CHAIN_IDS: '1',
    RATE_LIMIT_WALLET_PER_IP: '100000',
    RATE_LIMIT_WALLET_PER_ADDRESS: String(PER_ADDRESS),
  });
  beforeEach(() => placeInWindow([t]));

  const nonce = (from: string, address: string) =>
    t.http().post('/wallet/nonce').set('X-Forwarded-For', from).send({ address, chainId: 1 });
  const verify = (from: string, message: string, signature: string) =>
    t.http().post('/wallet/verify').set('X-Forwarded-For', from).send({ message, signature });

  /** The victim's whole sign-in, from its own address. */
  async function signIn(from: string, victim: ReturnType<typeof privateKeyToAccount>) {
    const issued = await nonce(from, victim.address);
    expect(issued.status).toBe(201);
    const message = issued.body.message as string;
    return verify(from, message, await victim.signMessage({ message }));
  }

  it('/wallet/nonce: one more nonce than the budget for a victim from one IP does not deny the victim', async () => {
    const victim = privateKeyToAccount(generatePrivateKey());
    for (let i = 0; i < PER_ADDRESS; i++) {
      expect((await nonce('198.51.100.1', victim.address)).status).toBe(201);
    }
    // The attacker's own (IP, address) count is spent ...
    const attacker = await nonce('198.51.100.1', victim.address);
    expectRefusal(attacker, 429, 'too_many_requests', 'Too many requests; slow down');

    // ... and the victim's address budget is untouched.
    const res = await signIn('203.0.113.1', victim);
    expect(res.status).toBe(200);
    expect(res.body.access_token).toEqual(expect.any(String));
  });

  it('/wallet/verify: messages naming an address without a valid signature do not charge it', async () => {
    const victim = privateKeyToAccount(generatePrivateKey());
    const forger = privateKeyToAccount(generatePrivateKey());
    const issued = await nonce('198.51.100.2', victim.address);
    const message = issued.body.message as string;
    const forged: Hex = await forger.signMessage({ message });
    // Twice the budget, from two addresses (each within its own (IP, address) count).
    for (const from of ['198.51.100.2', '198.51.100.3']) {
      for (let i = 0; i < PER_ADDRESS - 1; i++) {
        const res = await verify(from, message, forged);
        expect(res.status).toBe(401);
        expect(res.body.error).toBe('invalid_signature');
      }
    }
    const res = await signIn('203.0.113.2', victim);
    expect(res.status).toBe(200);
  });

  it('charges the address once its signature is valid, from every IP', async () => {
    const wallet = privateKeyToAccount(generatePrivateKey());
    for (let i = 0; i < PER_ADDRESS; i++) {
      expect((await signIn(`203.0.113.${10 + i}`, wallet)).status).toBe(200);
    }
    const limited = await signIn('203.0.113.30', wallet);
    expect(limited.status).toBe(429);
    expect(limited.body.error).toBe('too_many_requests');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });
});
