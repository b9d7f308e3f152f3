import { type Address } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { createSiweMessage, parseSiweMessage } from 'viem/siwe';
import { ErrorAnswer, Outcome, errorOutcome, raceOutcome } from './expectations';
import {
  IssuedWalletNonce,
  LabWallet,
  NOT_AS_ISSUED,
  WalletChain,
  WalletLab,
} from './wallet-scenarios';

/** The answer of POST /wallet/nonce (docs/WALLET-LOGIN.md). */
export type IssuedNonce = IssuedWalletNonce<Address, number>;

type MessageChanges = Partial<{
  address: Address;
  chainId: number;
  domain: string;
  statement: string;
  issuedAt: Date;
  /** null: leave Expiration Time out of the message. */
  expirationTime: Date | null;
}>;

/** Ethereum mainnet, with externally owned accounts signing as EIP-191 `personal_sign`. */
const ETHEREUM: WalletChain<Address, number> = {
  newWallet: newAccount,
  defaultChainId: 1,
  authMethod: 'siwe',
  subject: (address) => `eip155:1:${address}`,
  subjectText: 'eip155:1:<address>',
};

/** A dApp with its Ethereum wallets (Sign-In with Ethereum, EIP-4361), over HTTP only. */
export class SiweLab extends WalletLab<Address, number, IssuedNonce> {
  protected readonly chain = ETHEREUM;

  /**
   * The issued message with some fields changed, rebuilt as EIP-4361 text by viem from the
   * nonce response's own fields (never guessed: domain and uri are the service's).
   */
  rebuild(issued: IssuedNonce, changes: MessageChanges): string {
    const statement = parseSiweMessage(issued.message).statement;
    const expirationTime =
      changes.expirationTime === null
        ? undefined
        : (changes.expirationTime ?? new Date(issued.expirationTime));
    return createSiweMessage({
      domain: changes.domain ?? issued.domain,
      address: changes.address ?? issued.address,
      statement: changes.statement ?? statement,
      uri: issued.uri,
      version: '1',
      chainId: changes.chainId ?? issued.chainId,
      nonce: issued.nonce,
      issuedAt: changes.issuedAt ?? new Date(issued.issuedAt),
      expirationTime,
    });
  }

  // --- scenarios of Ethereum's own (the shared ones are WalletLab's) -------------------------

  /** A chain-1 nonce in a message for chain 10 (or, where only chain 1 is allowed, refused as such). */
  nonceForAnotherChain(): Promise<Outcome> {
    return this.nonceOnAnotherChain(1, 10, 'chain 10');
  }

  tamperedMessage(): Promise<Outcome> {
    return this.signedThenTampered((issued) =>
      this.rebuild(issued, { statement: 'Sign in to Proofgate and approve a transfer' }),
    );
  }

  backdatedMessage(): Promise<Outcome> {
    return this.refusedWhenChanged(
      (issued) => this.rebuild(issued, { issuedAt: new Date('2000-01-01T00:00:00Z') }),
      NOT_AS_ISSUED,
    );
  }

  wrongDomain(): Promise<Outcome> {
    return this.refusedWhenChanged((issued) => this.rebuild(issued, { domain: 'evil.example' }), {
      status: 401,
      error: 'domain_mismatch',
    });
  }

  wrongChain(): Promise<Outcome> {
    // The nonce endpoint refuses chain 999 itself; a message can still claim it.
    return this.refusedWhenChanged(
      (issued) => this.rebuild(issued, { chainId: 999 }),
      { status: 400, error: 'chain_not_allowed' },
      1,
    );
  }

  /**
   * Without an Expiration Time of its own, the message can only be refused for its nonce:
   * otherwise `expired_message` would answer first and the nonce's expiry would go unproven.
   */
  async startExpiredNonce(): Promise<PendingSiwe> {
    const account = this.newWallet();
    const issued = await this.nonceFor(account);
    const message = this.rebuild(issued, { expirationTime: null });
    return { issued, message, signature: await account.sign(message) };
  }

  async finishExpiredNonce(pending: PendingSiwe): Promise<Outcome> {
    return errorOutcome(await this.verify(pending.message, pending.signature), EXPIRED_NONCE);
  }

  async race(concurrency: number, lifetimeSeconds: number): Promise<Outcome> {
    const account = this.newWallet();
    const asked = Date.now();
    const issued = await this.nonceFor(account);
    const signature = await account.sign(issued.message);
    const started = Date.now();
    const replies = await Promise.all(
      Array.from({ length: concurrency }, () => this.verify(issued.message, signature)),
    );
    const ended = Date.now();
    return raceOutcome(
      replies,
      {
        loser: { status: 401, error: 'nonce_already_used' },
        expired: [
          { status: 401, error: 'invalid_nonce' },
          { status: 401, error: 'expired_message' },
        ],
        outlastedLifetime: ended >= asked + lifetimeSeconds * 1000,
      },
      ended - started,
    );
  }
}

export interface PendingSiwe {
  issued: IssuedNonce;
  message: string;
  signature: string;
}

export const EXPIRED_NONCE: ErrorAnswer = { status: 401, error: 'invalid_nonce' };

/** An Ethereum account (an EOA) with a fresh key, signing as EIP-191 `personal_sign`. */
function newAccount(): LabWallet<Address> {
  const account = privateKeyToAccount(generatePrivateKey());
  return { address: account.address, sign: (message) => account.signMessage({ message }) };
}
