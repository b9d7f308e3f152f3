/**
 * A Solana wallet for tests: an Ed25519 keypair (@noble/curves) whose address is its base58
 * public key, as Solana wallets have.
 */
import { ed25519 } from '@noble/curves/ed25519';
import bs58 from 'bs58';

export interface SolanaTestWallet {
  /** Base58 public key. */
  readonly address: string;
  readonly publicKey: Uint8Array;
  /** The raw 64-byte Ed25519 signature of `message`. */
  sign(message: Uint8Array): Uint8Array;
  /** The signature of `text` (UTF-8) in base58, as Solana wallets return it. */
  signText(text: string): string;
}

export function newSolanaWallet(): SolanaTestWallet {
  const secretKey = ed25519.utils.randomPrivateKey();
  const publicKey = ed25519.getPublicKey(secretKey);
  const sign = (message: Uint8Array) => ed25519.sign(message, secretKey);
  return {
    address: bs58.encode(publicKey),
    publicKey,
    sign,
    signText: (text) => bs58.encode(sign(new TextEncoder().encode(text))),
  };
}
