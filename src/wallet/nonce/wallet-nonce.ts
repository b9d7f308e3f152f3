import { randomBytes } from 'node:crypto';

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
 * What a nonce is bound to: the address that asked for it (lower-case hex) and the EIP-155 chain
 * it was issued for, so a chain-1 nonce never signs in on chain 10.
 */
export function walletNonceBinding(address: string, chainId: number): Record<string, string> {
  return { address: address.toLowerCase(), chain_id: String(chainId) };
}
