/**
 * Project Wycheproof's secp256k1 vectors through the layer that decides a SIWE signature of an
 * externally owned account: `SignatureRecovery.examine(hash, signature)`. SiweVerifier hashes the
 * EIP-4361 message with EIP-191 and hands the signature's bytes to exactly this call (through
 * `examineMessage`), then accepts iff the outcome is `recovered` with the message's address; a
 * `high-s` outcome with that address is refused (EIP-2). Nothing else looks at r, s or v on the
 * way (a contract wallet's signature goes to the chain, which no vector here can reach).
 *
 * Where the vector's form fits: an Ethereum signature is r ‖ s ‖ v (or EIP-2098's r ‖ yParity·s),
 * and a vector's IEEE P1363 signature is r ‖ s, so ecdsa_secp256k1_sha256_p1363_test.json is the
 * file that fits (the DER files' encodings are a form SIWE never reads). Ethereum signs
 * keccak-256(EIP-191 message); a Wycheproof signature is over SHA-256(msg), so the 32-byte digest
 * handed to `examine` is SHA-256(msg), the only change to the production path. Ethereum signatures
 * are recoverable: both v (27 and 28) are tried, and the EIP-2098 form of each where it exists
 * (s < 2^255); a vector verifies iff one of them is `recovered` as the vector's key (its
 * address). Both implementations run (libsecp256k1, the one production loads on linux-x64, and
 * viem, the fallback) and must answer every vector alike.
 *
 * What Proofgate answers to `valid` vectors it refuses, and why:
 * - `high-s`: s > n/2. EIP-2 (Homestead) makes such a signature invalid for Ethereum
 *   transactions, and wallets never produce one; (r, n − s) is the same signature in its low-s
 *   form. SiweVerifier refuses it outright (401 invalid_signature, reason `high_s`), even with an RPC:
 *   each message has one accepted signature, and ERC-6492's validator would fall back to an
 *   ecrecover that takes the high s. `examine` still names the key, so the refusal says why.
 * - `recovery-id`: the signature's R has an x coordinate of r + n (tcIds 115 and 247: "k*G has a
 *   large x-coordinate", "r = 2, x = n + 2"). Ethereum's v carries the y parity only (recovery ids
 *   0 and 1, as the ecrecover precompile), so no Ethereum signature can name this R: the key is
 *   recovered with recovery id 2 or 3 (shown below with @noble/curves), which SIWE has no way to
 *   receive. A signer meets such an R with probability about 2^-128.
 */
import { createHash } from 'node:crypto';
import { secp256k1 } from '@noble/curves/secp256k1';
import { type Hex, bytesToHex, getAddress, keccak256 } from 'viem';
import {
  type WycheproofAnswer,
  type WycheproofEcKey,
  type WycheproofTest,
  hexBytes,
  wycheproofTests,
} from '../../../test/support/wycheproof-vectors';
import { checkWycheproof } from '../../../test/support/wycheproof-suite';
import { SECP256K1_HALF_N, SignatureRecovery } from './signature-recovery';

const FILE = 'ecdsa_secp256k1_sha256_p1363_test.json';
const TWO_255 = 2n ** 255n;

const sha256 = (bytes: Uint8Array) => new Uint8Array(createHash('sha256').update(bytes).digest());
const bigOf = (bytes: Uint8Array) => BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`);

/** The Ethereum address of the vector's key (Yellow Paper, Appendix F). */
function addressOf(key: WycheproofEcKey) {
  return getAddress(`0x${keccak256(hexBytes(key.uncompressed).subarray(1)).slice(-40)}`);
}

/** The forms SIWE can receive this r ‖ s in: r ‖ s ‖ v for v = 27, 28, and EIP-2098 for each parity. */
function ethereumForms(rs: Uint8Array): Uint8Array[] {
  const forms = [27, 28].map((v) => Uint8Array.from([...rs, v]));
  if (rs.length === 64 && bigOf(rs.subarray(32)) < TWO_255) {
    for (const parity of [0, 1]) {
      const compact = Uint8Array.from(rs);
      compact[32] |= parity << 7;
      forms.push(compact);
    }
  }
  return forms;
}

/** The key, recovered with a recovery id Ethereum's v cannot carry (2 or 3: R.x = r + n). */
function recoversOnlyBeyondV(test: WycheproofTest, key: WycheproofEcKey): boolean {
  const sig = hexBytes(test.sig);
  if (sig.length !== 64) return false;
  return [2, 3].some((recovery) => {
    try {
      return (
        secp256k1.Signature.fromCompact(sig)
          .addRecoveryBit(recovery)
          .recoverPublicKey(sha256(hexBytes(test.msg)))
          .toHex(false) === key.uncompressed
      );
    } catch {
      return false;
    }
  });
}

function siwe(recovery: SignatureRecovery) {
  return async (test: WycheproofTest, group: { publicKey: unknown }): Promise<WycheproofAnswer> => {
    const key = group.publicKey as WycheproofEcKey;
    const address = addressOf(key);
    const hash: Hex = bytesToHex(sha256(hexBytes(test.msg)));
    const outcomes = await Promise.all(
      ethereumForms(hexBytes(test.sig)).map((form) => recovery.examine(hash, form)),
    );
    const bySigner = (outcome: string) =>
      outcomes.some((o) => o.outcome === outcome && 'address' in o && o.address === address);
    if (bySigner('recovered')) return true;
    if (bySigner('high-s')) return { refusedBy: 'high-s' };
    if (recoversOnlyBeyondV(test, key)) return { refusedBy: 'recovery-id' };
    return false;
  };
}

describe('SIWE signature recovery against Project Wycheproof (secp256k1, P1363 form)', () => {
  const outcomes = checkWycheproof([
    {
      name: 'native',
      file: FILE,
      documented: 'SIWE',
      verdict: siwe(SignatureRecovery.using('native')),
    },
    { name: 'viem', file: FILE, verdict: siwe(SignatureRecovery.using('viem')) },
  ]);

  it('libsecp256k1 and viem answer every vector alike', () => {
    expect(outcomes.get('native')).toEqual(outcomes.get('viem'));
  });

  it('refuses a valid signature only for a high s (EIP-2) or an R that v cannot name', () => {
    const { refusedBy } = outcomes.get('native')!;
    expect(Object.keys(refusedBy).sort()).toEqual(['high-s', 'recovery-id']);
    expect(refusedBy['recovery-id']).toEqual([115, 247]);
    // Each high-s refusal is of a signature whose s is above n/2, and only of those.
    const sOf = new Map(
      wycheproofTests(FILE).map(({ test }) => [test.tcId, bigOf(hexBytes(test.sig).subarray(32))]),
    );
    for (const tcId of refusedBy['high-s']) expect(sOf.get(tcId)! > SECP256K1_HALF_N).toBe(true);
  });
});
