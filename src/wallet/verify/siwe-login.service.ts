import { STEP_ATTRIBUTES, tracedStep } from '../../platform/tracing/tracing';
import { Injectable, Logger } from '@nestjs/common';
import { walletMethodKey } from '../../accounts/account';
import { AccountService } from '../../accounts/account.service';
import { ChallengeStore } from '../../challenges/challenge-store';
import { WalletConfig } from '../../config/sections/wallet.config';
import { RateLimiter } from '../../platform/rate-limit/rate-limiter';
import { DomainEvents } from '../../platform/events/domain-events';
import { grantIdForChallenge } from '../../tokens/grants/grant';
import { GrantTokenIssuer, TokenResponse } from '../../tokens/grants/grant-token.issuer';
import { WalletClients } from '../clients/wallet-clients';
import { walletNonceBinding } from '../nonce/wallet-nonce';
import { SiweFields, parseSiweMessage } from '../siwe/siwe-message.parser';
import { SiweVerifier } from '../siwe/siwe-verifier';
import { InvalidNonce, InvalidSignature } from '../wallet.errors';
import { WALLET_PER_ADDRESS, WALLET_RPC_PER_IP } from '../wallet.rate-limits';
import { redeemWalletNonce, reportWalletVerification } from './wallet-nonce-redemption';
import type { WalletLogin } from './wallet-proof';

/** A signed EIP-4361 message, as a wallet hands it back. */
export interface SiweProof {
  message: string;
  signature: string;
}

export interface SiweLoginRequest extends SiweProof {
  clientId?: string;
}

/** The account a verified SIWE message signs in. */
export interface VerifiedSiweAccount {
  /**
   * The subject the wallet signs in: its account's when the wallet is linked to one (a password
   * user's, say), else the wallet's own CAIP-10 id.
   */
  sub: string;
  /** CAIP-10 account id `eip155:<chainId>:<EIP-55 address>`: the same key on another chain is another account. */
  walletAccount: string;
  /** The signer, EIP-55 checksummed. */
  address: string;
  /** Key hash of the nonce redeemed: the grant a wallet login opens is derived from it. */
  nonceKeyHash: string;
  authMethod: 'siwe';
}

export const SIWE_SCOPE = 'profile';

/**
 * Contract-wallet signature checks (one RPC call each) one nonce allows: the nonce is spent by
 * the last one that fails, so a nonce is never a lever for more calls than this.
 */
export const MAX_CONTRACT_CHECKS_PER_NONCE = 3;

/**
 * EIP-4361 §Message validation as a list of steps, shared by POST /wallet/verify (tokens for a
 * dApp) and POST /login/siwe (a login session inside an OAuth authorization request). Cheap checks
 * first, then the signature (recovered locally; a contract wallet's RPC check only after an
 * atomic count in the nonce's challenge, so no RPC call is spent on a nonce never issued and at
 * most MAX_CONTRACT_CHECKS_PER_NONCE on any nonce, each also charged to the caller's IP), and only
 * then the one atomic, address- and chain-bound redemption of the nonce. A bad signature never
 * burns its rightful owner's nonce, except the last contract check a nonce allows. The address's
 * own rate-limit budget is charged only then, once the signature is valid and the nonce redeemed:
 * naming an address spends nothing of it.
 */
@Injectable()
export class SiweLoginService implements WalletLogin {
  private readonly logger = new Logger(SiweLoginService.name);

  constructor(
    private readonly clients: WalletClients,
    private readonly verifier: SiweVerifier,
    private readonly challenges: ChallengeStore,
    private readonly issuer: GrantTokenIssuer,
    private readonly events: DomainEvents,
    private readonly limiter: RateLimiter,
    private readonly wallet: WalletConfig,
    private readonly accounts: AccountService,
  ) {}

  /**
   * POST /wallet/verify: verify, then start a token grant for the (public) client. The address's
   * budget is charged alongside the grant's write; past it the answer is 429 (the nonce is spent
   * and the grant's tokens never leave).
   */
  login(request: SiweLoginRequest, callerAddress: string): Promise<TokenResponse> {
    return this.reported(async () => {
      // Before verification: an unusable client_id must not cost the wallet its nonce.
      const client = await this.clients.resolve(request.clientId);
      const { sub, address, nonceKeyHash } = await this.verifyAccount(request, callerAddress);
      this.logger.log(`SIWE login of ${sub} for client ${client.clientId}`);
      const [response] = await Promise.all([
        this.issuer.startGrant({
          grantId: grantIdForChallenge(nonceKeyHash),
          clientId: client.clientId,
          sub,
          scope: SIWE_SCOPE,
          authMethod: 'siwe',
        }),
        this.chargeAddress(address),
        // A registered client stays known while tokens are issued to it (about one write a day).
        this.clients.recordUse(client),
      ]);
      return response;
    });
  }

  /**
   * Verifies a signed message, redeems its nonce and charges the address's budget, issuing
   * nothing: the caller decides what follows (and does nothing of it past the budget).
   */
  verify(proof: SiweProof, callerAddress: string): Promise<VerifiedSiweAccount> {
    return this.reported(async () => {
      const account = await this.verifyAccount(proof, callerAddress);
      await this.chargeAddress(account.address);
      return account;
    });
  }

  /** RATE_LIMIT_WALLET_PER_ADDRESS, for an address that has just proven itself. */
  private chargeAddress(address: string): Promise<void> {
    return this.limiter.charge(WALLET_PER_ADDRESS, address.toLowerCase(), 'closed');
  }

  /** Tells the rest of the service how the attempt ended, in a span of its own when tracing. */
  private reported<T>(attempt: () => Promise<T>): Promise<T> {
    return tracedStep('siwe.verify', { [STEP_ATTRIBUTES.model]: 'siwe' }, () =>
      reportWalletVerification(this.events, 'wallet_nonce', attempt),
    );
  }

  private async verifyAccount(
    proof: SiweProof,
    callerAddress: string,
  ): Promise<VerifiedSiweAccount> {
    const fields = parseSiweMessage(proof.message);
    this.verifier.checkPolicy(fields);
    let contractCheck: number | undefined;
    const signer = await this.verifier
      .verifySignature(proof.message, fields, proof.signature, async () => {
        contractCheck = await this.beforeContractCheck(fields, callerAddress);
      })
      .catch((error: unknown) => this.afterFailedCheck(error, fields, contractCheck));
    const walletAccount = walletMethodKey(`eip155:${fields.chainId}:${signer.address}`);
    // The account lookup (one indexed read) runs beside the redemption: no added wait.
    const [nonceKeyHash, sub] = await Promise.all([
      this.redeemNonce(fields),
      this.accounts.subjectFor(walletAccount, walletAccount),
    ]);
    this.logger.log(`SIWE signature of ${walletAccount} verified (${signer.kind})`);
    return { sub, walletAccount, address: signer.address, nonceKeyHash, authMethod: 'siwe' };
  }

  /**
   * Before an RPC call is spent: the nonce must be live with a contract check left (counted
   * atomically in its challenge), and the caller's IP within its RPC budget. Both at once: one
   * round trip's wait. Answers which check of the nonce this is.
   */
  private async beforeContractCheck(fields: SiweFields, callerAddress: string): Promise<number> {
    const [check] = await Promise.all([
      this.challenges.countAttempt('wallet_nonce', fields.nonce, MAX_CONTRACT_CHECKS_PER_NONCE),
      this.limiter.charge(WALLET_RPC_PER_IP, callerAddress, 'closed'),
    ]);
    if (check === null) {
      throw new InvalidNonce('The nonce is unknown, expired or used; request a new one').because(
        'unknown_nonce',
      );
    }
    return check;
  }

  /** The last contract check a nonce allows has failed: the nonce is spent, and the caller told. */
  private async afterFailedCheck(
    error: unknown,
    fields: SiweFields,
    contractCheck: number | undefined,
  ): Promise<never> {
    if (error instanceof InvalidSignature && contractCheck === MAX_CONTRACT_CHECKS_PER_NONCE) {
      await this.challenges.spend('wallet_nonce', fields.nonce);
      throw new InvalidSignature(
        `The signature is not valid for the message address; after ${MAX_CONTRACT_CHECKS_PER_NONCE} failed checks the nonce is used up, request a new one`,
      ).because('nonce_checks_exhausted');
    }
    throw error;
  }

  /** The one atomic redemption: at most one login per nonce, however many race. */
  private async redeemNonce(fields: SiweFields): Promise<string> {
    const challenge = await redeemWalletNonce(
      this.challenges,
      this.events,
      'wallet_nonce',
      fields.nonce,
      walletNonceBinding(fields.address, fields.chainId),
      fields.address,
    );
    this.checkIssuedAfterNonce(fields, challenge.createdAt);
    return challenge.keyHash;
  }

  /**
   * A message cannot have been written before its nonce existed: `Issued At` earlier than the
   * nonce's creation (less the tolerated clock skew) is a message not built from this nonce.
   */
  private checkIssuedAfterNonce(fields: SiweFields, nonceCreatedAt: Date): void {
    const issuedAt = Date.parse(fields.issuedAt);
    const skew = this.wallet.clockSkewSeconds * 1000;
    if (!(issuedAt >= nonceCreatedAt.getTime() - skew)) {
      throw new InvalidNonce('The message was issued before its nonce').because(
        'issued_before_nonce',
      );
    }
  }
}
