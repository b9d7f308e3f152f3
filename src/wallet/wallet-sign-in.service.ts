import { Injectable, Logger } from '@nestjs/common';
import { walletMethodKey } from '../accounts/account';
import { AccountService } from '../accounts/account.service';
import { ChallengeStore } from '../challenges/challenge-store';
import { DomainEvents } from '../platform/events/domain-events';
import { RateLimiter } from '../platform/rate-limit/rate-limiter';
import { STEP_ATTRIBUTES, tracedStep } from '../platform/tracing/tracing';
import { grantIdForChallenge } from '../tokens/grants/grant';
import { GrantTokenIssuer, type TokenResponse } from '../tokens/grants/grant-token.issuer';
import { WalletClients } from './clients/wallet-clients';
import type { ProofExpectation } from './audience/wallet-audience';
import { WalletAudiences } from './audience/wallet-audiences';
import type { StoredChallenge } from '../challenges/challenge';
import type { VerifiedSignature, WalletChain } from './core/wallet-chain';
import { redeemWalletNonce } from './core/wallet-nonce-redemption';
import { reportProofVerified, reportRefusals } from '../challenges/report-refusals';
import type {
  VerifiedWalletAccount,
  VerifiedWalletProof,
  WalletLoginRequest,
  WalletProof,
} from './core/wallet-proof';
import { WalletChains } from './wallet-chains';
import { WALLET_PER_ADDRESS } from './wallet.rate-limits';

/** The scope a wallet login's grant carries. */
export const WALLET_SCOPE = 'profile';

/**
 * Wallet sign-in as a list of steps, for every chain: POST /wallet/verify's token grant, and the
 * bare verification the login page's session and an account's link use. The signed message says
 * which chain it is (its first line names the chain family); that chain reads it back, checks it
 * against the audience's sites and checks its signature (a bad signature never burns its rightful
 * owner's nonce), and only then comes the one atomic redemption of the nonce, bound to the address
 * and chain, to the audience and purpose it was issued for, and to the exact message issued. The
 * address's own rate-limit budget is charged only after that, once the signature is valid and the
 * nonce redeemed: naming an address spends nothing of it.
 */
@Injectable()
export class WalletSignInService {
  private readonly logger = new Logger(WalletSignInService.name);

  constructor(
    private readonly chains: WalletChains,
    private readonly clients: WalletClients,
    private readonly audiences: WalletAudiences,
    private readonly issuer: GrantTokenIssuer,
    private readonly events: DomainEvents,
    private readonly challenges: ChallengeStore,
    private readonly limiter: RateLimiter,
    private readonly accounts: AccountService,
  ) {}

  /**
   * POST /wallet/verify: verify a message issued to the client, then start a token grant for
   * that (public) client. The address's budget is charged alongside the grant's write; past it
   * the answer is 429 (the nonce is spent and the grant's tokens never leave). Which account the
   * wallet signs in (its own, or the one that lists it) is decided by the grant's check after
   * its write, in the read that check makes anyway: no lookup before the write.
   */
  login(request: WalletLoginRequest, callerAddress: string): Promise<TokenResponse> {
    const chain = this.chains.forMessage(request.message);
    return this.reported(chain, async () => {
      // Before verification: an unusable client_id must not cost the wallet its nonce.
      const client = await this.clients.resolve(request.clientId);
      const expected = this.audiences.clientLogin(client);
      const signed = await this.checkSignature(chain, request, callerAddress, expected);
      const proof = this.proven(chain, signed, await this.redeem(chain, signed, request, expected));
      this.logger.log(
        `${chain.label} login by ${proof.walletAccount} for client ${client.clientId}`,
      );
      const [response] = await Promise.all([
        this.issuer.startGrant({
          grantId: grantIdForChallenge(proof.nonceKeyHash),
          clientId: client.clientId,
          sub: proof.walletAccount,
          methodDecidesSubject: true,
          scope: WALLET_SCOPE,
          authMethod: proof.authMethod,
          methodKey: proof.walletAccount,
        }),
        this.chargeAddress(chain, proof.address),
        // A registered client stays known while tokens are issued to it (about one write a day).
        this.clients.recordUse(client),
      ]);
      return response;
    });
  }

  /**
   * Verifies a signed message issued for a login page's browser (`expected`), redeems its nonce
   * and charges the address's budget, issuing nothing: the login session follows (and does nothing
   * past the budget). The subject the wallet signs in is looked up beside the redemption (one
   * indexed read, no added wait): a login session needs it before its write.
   */
  verify(
    proof: WalletProof,
    callerAddress: string,
    expected: ProofExpectation,
  ): Promise<VerifiedWalletAccount> {
    return this.verified(proof, callerAddress, expected, async (walletAccount) => ({
      sub: await this.accounts.subjectFor(walletAccount, walletAccount),
    }));
  }

  /**
   * Verifies a signed message issued for `expected` (an account's link), redeems its nonce and
   * charges the address's budget, issuing nothing and looking up no account: the link itself
   * decides whether the wallet is free.
   */
  prove(
    proof: WalletProof,
    callerAddress: string,
    expected: ProofExpectation,
  ): Promise<VerifiedWalletProof> {
    return this.verified(proof, callerAddress, expected, () => Promise.resolve({}));
  }

  /** Check, redeem (with `beside`, read at the same time), charge: `verify` and `prove`. */
  private verified<T extends object>(
    proof: WalletProof,
    callerAddress: string,
    expected: ProofExpectation,
    beside: (walletAccount: string) => Promise<T>,
  ): Promise<VerifiedWalletProof & T> {
    const chain = this.chains.forMessage(proof.message);
    return this.reported(chain, async () => {
      const signed = await this.checkSignature(chain, proof, callerAddress, expected);
      const [challenge, read] = await Promise.all([
        this.redeem(chain, signed, proof, expected),
        beside(walletMethodKey(signed.account)),
      ]);
      const verified = { ...this.proven(chain, signed, challenge), ...read };
      await this.chargeAddress(chain, verified.address);
      return verified;
    });
  }

  /** The chain's checks of the message and its signature: nothing is spent yet. */
  private checkSignature(
    chain: WalletChain,
    proof: WalletProof,
    callerAddress: string,
    expected: ProofExpectation,
  ): Promise<VerifiedSignature> {
    const fields = chain.parseMessage(proof.message);
    return chain.verifySignature(proof, fields, expected.sites, callerAddress);
  }

  /**
   * The nonce's one atomic redemption for the `expected` audience and purpose (at most one login
   * per nonce, however many race, and only of the exact message issued), charging nothing to the
   * address.
   */
  private redeem(
    chain: WalletChain,
    signed: VerifiedSignature,
    proof: WalletProof,
    expected: ProofExpectation,
  ): Promise<StoredChallenge> {
    return redeemWalletNonce(this.challenges, this.events, {
      kind: chain.nonceKind,
      nonce: signed.nonce,
      binding: signed.binding,
      expected,
      message: proof.message,
      address: signed.address,
    });
  }

  /** What a checked and redeemed message proves (logged: the wallet, never the signature). */
  private proven(
    chain: WalletChain,
    signed: VerifiedSignature,
    challenge: StoredChallenge,
  ): VerifiedWalletProof {
    const walletAccount = walletMethodKey(signed.account);
    const check = signed.check === undefined ? '' : ` (${signed.check})`;
    this.logger.log(`${chain.label} signature of ${walletAccount} verified${check}`);
    return {
      walletAccount,
      address: signed.address,
      nonceKeyHash: challenge.keyHash,
      authMethod: chain.authMethod,
    };
  }

  /** RATE_LIMIT_WALLET_PER_ADDRESS, for an address that has just proven itself. */
  private chargeAddress(chain: WalletChain, address: string): Promise<void> {
    return this.limiter.charge(WALLET_PER_ADDRESS, chain.syntax.budgetKey(address), 'closed');
  }

  /** Tells the rest of the service how the attempt ended, in a span of its own when tracing. */
  private reported<T>(chain: WalletChain, attempt: () => Promise<T>): Promise<T> {
    const { model, nonceKind } = chain;
    return tracedStep(`${model}.verify`, { [STEP_ATTRIBUTES.model]: model }, () =>
      reportRefusals(this.events, { kind: nonceKind }, () =>
        reportProofVerified(this.events, model, attempt),
      ),
    );
  }
}
