/**
 * Project Wycheproof's malformed signatures at POST /wallet/verify, one proof after another:
 * each is refused with a 4xx in the one error envelope, never a sign-in, never a 5xx. SIWE gets
 * two secp256k1 P1363 vectors as r ‖ s ‖ v (a zero r, and an r + n too long for 32 bytes); SIWB
 * and SIWS get a real wallet signature of the issued message turned into the vectors' corner case
 * (a BER length in the DER of a BIP-322 witness; an Ed25519 S replaced by S + L, which the same
 * key and message would otherwise accept). Every vector of every file runs in the
 * `*.wycheproof.spec.ts` specs beside the verifiers.
 */
import { RawWitness } from '@scure/btc-signer';
import bs58 from 'bs58';
import { privateKeyToAccount, generatePrivateKey } from 'viem/accounts';
import { newBitcoinWallet } from '../../../src/lab-client/siwb-scenarios';
import { newSolanaWallet } from '../../support/solana';
import { invalidVector, withSPlusL } from '../../support/wycheproof-vectors';
import { expectRefusal } from '../../support/refusal';
import { useTestApp } from '../../support/use-test-app';

const BITCOIN_MAINNET = 'bip122:000000000019d6689c085ae165831e93';
const NOT_VALID = 'The signature is not valid for the message address';

/** A DER SEQUENCE re-encoded with its length in the long form (X.690 §8.1.3.5), as BER allows. */
const longFormLength = (der: Uint8Array) =>
  Uint8Array.from([0x30, 0x81, der[1], ...der.subarray(2)]);

describe('wallet signatures: Wycheproof corner cases over HTTP', () => {
  const t = useTestApp({
    TRUST_PROXY: 'loopback',
    SIWS_CHAINS: 'solana:mainnet',
    RATE_LIMIT_WALLET_PER_IP: '100000',
    RATE_LIMIT_WALLET_PER_ADDRESS: '100000',
  });

  /** The message the service issues for `address` on `chainId`, to sign. */
  async function issued(address: string, chainId: number | string): Promise<string> {
    const res = await t.http().post('/wallet/nonce').send({ address, chainId }).expect(201);
    return (res.body as { message: string }).message;
  }

  const verify = (message: string, signature: string) =>
    t.http().post('/wallet/verify').send({ message, signature });

  it.each([
    // r = 0 (s = n): out of range before any curve arithmetic.
    [
      13,
      'InvalidSignature',
      401,
      'invalid_signature',
      'The signature is not a valid ECDSA signature',
    ],
    // r + n: 33 bytes where 32 go, so 67 bytes in all: no ECDSA signature, and no RPC to ask.
    [2, 'RangeCheck', 401, 'contract_wallet_unsupported', undefined],
  ] as const)(
    'SIWE: vector %i (%s) as r ‖ s ‖ v: %i %s',
    async (tcId, flag, status, error, description) => {
      const account = privateKeyToAccount(generatePrivateKey());
      const message = await issued(account.address, 1);
      const { sig } = invalidVector('ecdsa_secp256k1_sha256_p1363_test.json', tcId, flag);
      const res = await verify(message, `0x${sig}1b`);
      expect(res.status).toBe(status);
      expect(res.body).toEqual({ error, error_description: description ?? expect.any(String) });
    },
  );

  it('SIWB: a real BIP-322 signature whose DER has a long-form length (BerEncodedSignature): 401', async () => {
    const wallet = newBitcoinWallet('p2wpkh');
    const message = await issued(wallet.address, BITCOIN_MAINNET);
    const [signed, publicKey] = RawWitness.decode(Buffer.from(wallet.signText(message), 'base64'));
    const ber = [...longFormLength(signed.subarray(0, -1)), signed[signed.length - 1]];
    const witness = RawWitness.encode([Uint8Array.from(ber), publicKey]);
    const res = await verify(message, Buffer.from(witness).toString('base64'));
    expectRefusal(res, 401, 'invalid_signature', NOT_VALID);
    // The control, last (it spends the nonce): the same signature in DER signs in.
    expect((await verify(message, wallet.signText(message))).status).toBe(200);
  });

  it('SIWS: a real signature whose S is replaced by S + L (SignatureMalleability): 401', async () => {
    const wallet = newSolanaWallet();
    const message = await issued(wallet.address, 'solana:mainnet');
    const signature = wallet.sign(new TextEncoder().encode(message));
    const malleated = bs58.encode(withSPlusL(signature));
    const res = await verify(message, malleated);
    expectRefusal(res, 401, 'invalid_signature', NOT_VALID);
    // The control, last (it spends the nonce): the signature as the wallet made it signs in.
    expect((await verify(message, bs58.encode(signature))).status).toBe(200);
  });
});
