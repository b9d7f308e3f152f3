import { randomBytes } from 'node:crypto';
import type { ChallengeStore } from '../../challenges/challenge-store';
import type { ChallengeKind } from '../../proofs/proof-vocabulary';
import type { Clock } from '../../platform/clock/clock';
import { type NonceIntent, intentBinding } from '../audience/wallet-audience';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** 22 base62 characters carry log2(62) * 22 ≈ 131 bits, above EIP-4361's 96-bit minimum. */
export const WALLET_NONCE_LENGTH = 22;
// Largest multiple of 62 below 256: bytes at or above it are dropped so every character is uniform.
const UNBIASED_LIMIT = 248;

/**
 * An EIP-4361 nonce (alphanumeric, at least 8 characters) from node:crypto's CSPRNG. Not viem's
 * `generateSiweNonce`, which draws from Math.random.
 */
export function generateWalletNonce(length = WALLET_NONCE_LENGTH): string {
  let nonce = '';
  while (nonce.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte >= UNBIASED_LIMIT) continue;
      nonce += BASE62[byte % 62];
      if (nonce.length === length) break;
    }
  }
  return nonce;
}

/**
 * The challenge kinds wallet logins redeem: SIWE's (EIP-4361) `wallet_nonce`, and each other
 * chain's `siw<chain>_nonce` (CAIP-122: `siws_nonce`, `siwb_nonce`), so a chain's kind added to
 * the vocabulary is one here.
 */
export type WalletNonceKind = Extract<ChallengeKind, 'wallet_nonce' | `siw${string}_nonce`>;

/** A nonce issued with its message: what the caller hands the wallet. */
export interface IssuedWalletNonce {
  nonce: string;
  message: string;
  issuedAt: string;
  expirationTime: string;
}

/**
 * Issues one wallet nonce for `intent`: the message is written first, with the nonce's own issue
 * and expiry times, so the stored challenge can be bound to its exact hash (see `intentBinding`)
 * as well as to the address and chain (`binding`). The message stops being valid when its nonce
 * does (EIP-4361, CAIP-122 Expiration Time).
 */
export async function issueWalletNonce(
  challenges: ChallengeStore,
  clock: Clock,
  input: {
    kind: WalletNonceKind;
    binding: Record<string, string>;
    ttlSeconds: number;
    intent: NonceIntent;
    write: (nonce: string, issuedAt: string, expirationTime: string) => string;
  },
): Promise<IssuedWalletNonce> {
  const nonce = generateWalletNonce();
  const issued = clock.now();
  const issuedAt = issued.toISOString();
  const expirationTime = new Date(issued.getTime() + input.ttlSeconds * 1000).toISOString();
  const message = input.write(nonce, issuedAt, expirationTime);
  await challenges.issue<Record<string, never>>({
    kind: input.kind,
    key: nonce,
    binding: { ...input.binding, ...intentBinding(input.intent, message) },
    payload: {},
    ttlSeconds: input.ttlSeconds,
    issuedAt: issued,
  });
  return { nonce, message, issuedAt, expirationTime };
}
