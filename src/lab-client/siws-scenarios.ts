import { ed25519 } from '@noble/curves/ed25519';
import { createSignInMessageText } from '@solana/wallet-standard-util';
import bs58 from 'bs58';
import { Outcome, errorOutcome } from './expectations';
import { IssuedWalletNonce, LabWallet, WalletLab } from './wallet-scenarios';

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

/**
 * A Solana dApp with its wallets (Sign In With Solana, CAIP-122), over HTTP only: messages are
 * rebuilt with the Wallet Standard's own `createSignInMessageText`, never with the service's code.
 */
export class SiwsLab extends WalletLab<string, string, IssuedSolanaNonce> {
  constructor(baseUrl: string, signal?: AbortSignal) {
    super(
      baseUrl,
      signal,
      {
        authMethod: 'siws',
        subject: (address) => `${MAINNET_GENESIS}:${address}`,
        subjectText: 'solana:<mainnet genesis>:<address>',
      },
      'solana:mainnet',
    );
  }

  protected newWallet(): LabWallet<string> {
    return newWallet();
  }

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
  async multiLineStatement(): Promise<Outcome> {
    const wallet = newWallet();
    const issued = await this.nonceFor(wallet);
    const message = this.rebuild(issued, {
      statement: 'Sign in to Proofgate\nURI: https://evil.example',
    });
    return errorOutcome(await this.verify(message, await wallet.sign(message)), {
      status: 400,
      error: 'invalid_message',
    });
  }

  /** The signed message with its Expiration Time stretched by a year: a lasting sign-in. */
  tamperedMessage(): Promise<Outcome> {
    return this.signedThenTampered((issued) => {
      const later = new Date(Date.parse(issued.expirationTime) + 365 * 86_400_000);
      return this.rebuild(issued, { expirationTime: later.toISOString() });
    });
  }
}
