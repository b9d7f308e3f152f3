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
import { WalletLoginSteps } from '../verify/wallet-login';
import { redeemWalletNonce } from '../verify/wallet-nonce-redemption';
import type { VerifiedWalletAccount, WalletProof } from '../verify/wallet-proof';
import { WALLET_PER_ADDRESS } from '../wallet.rate-limits';
import { parseSiwsMessage } from './siws-message';
import { siwsNonceBinding } from './siws-nonce.service';
import { SiwsVerifier } from './siws-verifier';

/**
 * Sign In With Solana (CAIP-122, Solana profile) as a list of steps, shared by POST /wallet/verify
 * and the login page: the strict parse, the field-by-field policy, the Ed25519 signature (local,
 * no RPC: a Solana address is its key, there is no contract account to consult), then the one
 * atomic, address- and cluster-bound redemption of the nonce and the issue-time binding. A bad
 * signature never burns its owner's nonce. The address's own rate-limit budget is charged only
 * after all that: naming an address spends nothing of it.
 */
@Injectable()
export class SiwsLoginService extends WalletLoginSteps {
  protected readonly logger = new Logger(SiwsLoginService.name);
  protected readonly protocol = {
    name: 'SIWS',
    model: 'siws',
    span: 'siws.verify',
    nonceKind: 'siws_nonce',
  } as const;

  constructor(
    clients: WalletClients,
    audiences: WalletAudiences,
    issuer: GrantTokenIssuer,
    events: DomainEvents,
    private readonly verifier: SiwsVerifier,
    private readonly challenges: ChallengeStore,
    private readonly limiter: RateLimiter,
    private readonly accounts: AccountService,
  ) {
    super(clients, audiences, issuer, events);
  }

  /** Base58 is case-sensitive, so the address is the key as is. */
  protected chargeAddress(address: string): Promise<void> {
    return this.limiter.charge(WALLET_PER_ADDRESS, address, 'closed');
  }

  protected async verifyAccount(
    proof: WalletProof,
    _callerAddress: string,
    expected: ProofExpectation,
  ): Promise<VerifiedWalletAccount> {
    const fields = parseSiwsMessage(proof.message);
    const cluster = this.verifier.checkPolicy(fields, expected.sites);
    this.verifier.verifySignature(proof.message, fields, proof.signature);
    const walletAccount = walletMethodKey(`${cluster.caip2}:${fields.address}`);
    // The account lookup (one indexed read) runs beside the redemption: no added wait. A Solana
    // address links to an account exactly as an Ethereum one does.
    const [challenge, sub] = await Promise.all([
      redeemWalletNonce(this.challenges, this.events, {
        kind: 'siws_nonce',
        nonce: fields.nonce,
        binding: siwsNonceBinding(fields.address, cluster),
        expected,
        message: proof.message,
        address: fields.address,
      }),
      this.accounts.subjectFor(walletAccount, walletAccount),
    ]);
    this.logger.log(`SIWS signature of ${walletAccount} verified`);
    return {
      sub,
      walletAccount,
      address: fields.address,
      nonceKeyHash: challenge.keyHash,
      authMethod: 'siws',
    };
  }
}
