import { Injectable, Logger } from '@nestjs/common';
import { walletMethodKey } from '../../accounts/account';
import { AccountService } from '../../accounts/account.service';
import { ChallengeStore } from '../../challenges/challenge-store';
import { RateLimiter } from '../../platform/rate-limit/rate-limiter';
import { DomainEvents } from '../../platform/events/domain-events';
import { GrantTokenIssuer } from '../../tokens/grants/grant-token.issuer';
import { WalletClients } from '../clients/wallet-clients';
import type { ProofExpectation } from '../audience/wallet-audience';
import { WalletAudiences } from '../audience/wallet-audiences';
import { walletNonceBinding } from '../nonce/wallet-nonce';
import { SiweFields, parseSiweMessage } from '../siwe/siwe-message.parser';
import { SiweVerifier } from '../siwe/siwe-verifier';
import { InvalidNonce, InvalidSignature } from '../wallet.errors';
import { WALLET_PER_ADDRESS, WALLET_RPC_PER_IP } from '../wallet.rate-limits';
import { WalletLoginSteps } from './wallet-login';
import { redeemWalletNonce } from './wallet-nonce-redemption';
import type { VerifiedWalletAccount, WalletProof } from './wallet-proof';

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
 * then the one atomic redemption of the nonce, bound to the address and chain, to the audience and
 * purpose it was issued for, and to the exact message issued. A bad signature never
 * burns its rightful owner's nonce, except the last contract check a nonce allows. The address's
 * own rate-limit budget is charged only then, once the signature is valid and the nonce redeemed:
 * naming an address spends nothing of it.
 */
@Injectable()
export class SiweLoginService extends WalletLoginSteps {
  protected readonly logger = new Logger(SiweLoginService.name);
  protected readonly protocol = {
    name: 'SIWE',
    model: 'siwe',
    span: 'siwe.verify',
    nonceKind: 'wallet_nonce',
  } as const;

  constructor(
    clients: WalletClients,
    audiences: WalletAudiences,
    issuer: GrantTokenIssuer,
    events: DomainEvents,
    private readonly verifier: SiweVerifier,
    private readonly challenges: ChallengeStore,
    private readonly limiter: RateLimiter,
    private readonly accounts: AccountService,
  ) {
    super(clients, audiences, issuer, events);
  }

  /** EIP-55 and lower case name the same address: one budget. */
  protected chargeAddress(address: string): Promise<void> {
    return this.limiter.charge(WALLET_PER_ADDRESS, address.toLowerCase(), 'closed');
  }

  protected async verifyAccount(
    proof: WalletProof,
    callerAddress: string,
    expected: ProofExpectation,
  ): Promise<VerifiedWalletAccount> {
    const fields = parseSiweMessage(proof.message);
    this.verifier.checkPolicy(fields, expected.sites);
    let contractCheck: number | undefined;
    const signer = await this.verifier
      .verifySignature(proof.message, fields, proof.signature, async () => {
        contractCheck = await this.beforeContractCheck(fields, callerAddress);
      })
      .catch((error: unknown) => this.afterFailedCheck(error, fields, contractCheck));
    const walletAccount = walletMethodKey(`eip155:${fields.chainId}:${signer.address}`);
    // The account lookup (one indexed read) runs beside the redemption: no added wait.
    const [nonceKeyHash, sub] = await Promise.all([
      this.redeemNonce(fields, proof.message, expected),
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

  /**
   * The one atomic redemption: at most one login per nonce, however many race, and only of the
   * exact message issued for `expected` (its Issued At and every other field included).
   */
  private async redeemNonce(
    fields: SiweFields,
    message: string,
    expected: ProofExpectation,
  ): Promise<string> {
    const challenge = await redeemWalletNonce(this.challenges, this.events, {
      kind: 'wallet_nonce',
      nonce: fields.nonce,
      binding: walletNonceBinding(fields.address, fields.chainId),
      expected,
      message,
      address: fields.address,
    });
    return challenge.keyHash;
  }
}
