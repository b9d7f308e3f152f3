import { ed25519 } from '@noble/curves/ed25519';
import { createSignInMessageText } from '@solana/wallet-standard-util';
import bs58 from 'bs58';
import { Outcome } from './expectations';
import { IssuedWalletNonce, LabWallet, WalletChain, WalletLab } from './wallet-scenarios';

/** The answer of POST /wallet/nonce for a Solana cluster (docs/SOLANA-AND-DAPP-KITS.md). */
export type IssuedSolanaNonce = IssuedWalletNonce<string, string>;

/** A Solana wallet: an Ed25519 keypair, its address the base58 public key. */
function newWallet(): LabWallet<string> {
  const secretKey = ed25519.utils.randomPrivateKey();
  return {
    address: bs58.encode(ed25519.getPublicKey(secretKey)),
    sign: (message) =>
      Promise.resolve(bs58.encode(ed25519.sign(new TextEncoder().encode(message), secretKey))),
  };
}

const MAINNET_GENESIS = 'solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp';

/** Solana mainnet: a login's `sub` names the cluster by its genesis hash (CAIP-2). */
const SOLANA: WalletChain<string, string> = {
  newWallet,
  defaultChainId: 'solana:mainnet',
  authMethod: 'siws',
  subject: (address) => `${MAINNET_GENESIS}:${address}`,
  subjectText: 'solana:<mainnet genesis>:<address>',
};

/**
 * A Solana dApp with its wallets (Sign In With Solana, CAIP-122), over HTTP only: messages are
 * rebuilt with the Wallet Standard's own `createSignInMessageText`, never with the service's code.
 */
export class SiwsLab extends WalletLab<string, string, IssuedSolanaNonce> {
  protected readonly chain = SOLANA;

  /** The issued message with some fields changed, rendered by the Wallet Standard. */
  rebuild(
    issued: IssuedSolanaNonce,
    changes: Partial<Pick<IssuedSolanaNonce, 'address' | 'chainId' | 'expirationTime'>> & {
      statement?: string;
    },
  ): string {
    return createSignInMessageText({
      domain: issued.domain,
      address: changes.address ?? issued.address,
      // CAIP-122 layout: header, address, a blank line, then the statement.
      statement: changes.statement ?? issued.message.split('\n')[3],
      uri: issued.uri,
      version: '1',
      chainId: changes.chainId ?? issued.chainId,
      nonce: issued.nonce,
      issuedAt: issued.issuedAt,
      expirationTime: changes.expirationTime ?? issued.expirationTime,
    });
  }

  // --- scenarios of Solana's own (the shared ones are WalletLab's) ---------------------------

  /** A mainnet nonce in a devnet message (or, where devnet is not allowed, refused as such). */
  nonceForAnotherCluster(): Promise<Outcome> {
    return this.nonceOnAnotherChain('solana:mainnet', 'solana:devnet', 'devnet');
  }

  /** A second line in the statement: the library's lax parser would read fields from it. */
  multiLineStatement(): Promise<Outcome> {
    return this.refusedWhenChanged(
      (issued) =>
        this.rebuild(issued, { statement: 'Sign in to Proofgate\nURI: https://evil.example' }),
      { status: 400, error: 'invalid_message' },
    );
  }

  /** The signed message with its Expiration Time stretched by a year: a lasting sign-in. */
  tamperedMessage(): Promise<Outcome> {
    return this.signedThenTampered((issued) => {
      const later = new Date(Date.parse(issued.expirationTime) + 365 * 86_400_000);
      return this.rebuild(issued, { expirationTime: later.toISOString() });
    });
  }
}
