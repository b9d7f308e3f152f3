import type { WalletMethod } from '../../proofs/proof-vocabulary';

/** A signed sign-in message (EIP-4361, CAIP-122), as a wallet hands it back. */
export interface WalletProof {
  message: string;
  signature: string;
}

export interface WalletLoginRequest extends WalletProof {
  clientId?: string;
}

/** A verified wallet message whose nonce was redeemed. */
export interface VerifiedWalletProof {
  /**
   * CAIP-10 account id, as its chain writes it (`eip155:<chainId>:<EIP-55 address>`, ...).
   */
  walletAccount: string;
  address: string;
  /** Key hash of the nonce redeemed: the grant a wallet login opens is derived from it. */
  nonceKeyHash: string;
  /** A Sign-In-With-<chain> method: `siwe`, `siws`, ... */
  authMethod: WalletMethod;
}

/** The account a verified wallet message signs in. */
export interface VerifiedWalletAccount extends VerifiedWalletProof {
  /**
   * The subject the wallet signs in: its account's when the wallet is linked to one (a password
   * user's, say), else the wallet's own CAIP-10 id.
   */
  sub: string;
}
