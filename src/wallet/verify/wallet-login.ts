import type { Logger } from '@nestjs/common';
import type { DomainEvents } from '../../platform/events/domain-events';
import { STEP_ATTRIBUTES, tracedStep } from '../../platform/tracing/tracing';
import { grantIdForChallenge } from '../../tokens/grants/grant';
import type { GrantTokenIssuer, TokenResponse } from '../../tokens/grants/grant-token.issuer';
import type { WalletClients } from '../clients/wallet-clients';
import type { ProofExpectation } from '../audience/wallet-audience';
import type { WalletAudiences } from '../audience/wallet-audiences';
import { reportWalletVerification, type WalletNonceKind } from './wallet-nonce-redemption';
import type {
  VerifiedWalletAccount,
  WalletLogin,
  WalletLoginRequest,
  WalletProof,
} from './wallet-proof';

/** The scope a wallet login's grant carries. */
export const WALLET_SCOPE = 'profile';

/**
 * What every wallet sign-in protocol (SIWE, SIWS) does around its own verification: POST
 * /wallet/verify's token grant, and the bare verification the login page's session uses. Each
 * protocol supplies `verifyAccount` (parse, policy, signature, the one atomic nonce redemption)
 * and how an address is charged. The address's budget is charged only after that, once the
 * signature is valid and the nonce redeemed: naming an address spends nothing of it.
 */
export abstract class WalletLoginSteps implements WalletLogin {
  protected abstract readonly logger: Logger;
  /** The protocol's name in logs, its model and span in traces, its nonces' challenge kind. */
  protected abstract readonly protocol: {
    name: 'SIWE' | 'SIWS';
    model: 'siwe' | 'siws';
    span: 'siwe.verify' | 'siws.verify';
    nonceKind: WalletNonceKind;
  };

  constructor(
    protected readonly clients: WalletClients,
    protected readonly audiences: WalletAudiences,
    protected readonly issuer: GrantTokenIssuer,
    protected readonly events: DomainEvents,
  ) {}

  /**
   * POST /wallet/verify: verify a message issued to the client, then start a token grant for
   * that (public) client. The address's budget is charged alongside the grant's write; past it
   * the answer is 429 (the nonce is spent and the grant's tokens never leave).
   */
  login(request: WalletLoginRequest, callerAddress: string): Promise<TokenResponse> {
    return this.reported(async () => {
      // Before verification: an unusable client_id must not cost the wallet its nonce.
      const client = await this.clients.resolve(request.clientId);
      const expected = this.audiences.clientLogin(client);
      const account = await this.verifyAccount(request, callerAddress, expected);
      this.logger.log(
        `${this.protocol.name} login of ${account.sub} for client ${client.clientId}`,
      );
      const [response] = await Promise.all([
        this.issuer.startGrant({
          grantId: grantIdForChallenge(account.nonceKeyHash),
          clientId: client.clientId,
          sub: account.sub,
          scope: WALLET_SCOPE,
          authMethod: account.authMethod,
          methodKey: account.walletAccount,
        }),
        this.chargeAddress(account.address),
        // A registered client stays known while tokens are issued to it (about one write a day).
        this.clients.recordUse(client),
      ]);
      return response;
    });
  }

  /**
   * Verifies a signed message issued for `expected` (a login page's browser, an account's link),
   * redeems its nonce and charges the address's budget, issuing nothing: the caller decides what
   * follows (and does nothing of it past the budget).
   */
  verify(
    proof: WalletProof,
    callerAddress: string,
    expected: ProofExpectation,
  ): Promise<VerifiedWalletAccount> {
    return this.reported(async () => {
      const account = await this.verifyAccount(proof, callerAddress, expected);
      await this.chargeAddress(account.address);
      return account;
    });
  }

  /**
   * The protocol's checks and the nonce's redemption for the `expected` audience and purpose,
   * charging nothing to the address.
   */
  protected abstract verifyAccount(
    proof: WalletProof,
    callerAddress: string,
    expected: ProofExpectation,
  ): Promise<VerifiedWalletAccount>;

  /** RATE_LIMIT_WALLET_PER_ADDRESS, for an address that has just proven itself. */
  protected abstract chargeAddress(address: string): Promise<void>;

  /** Tells the rest of the service how the attempt ended, in a span of its own when tracing. */
  private reported<T>(attempt: () => Promise<T>): Promise<T> {
    const { span, model, nonceKind } = this.protocol;
    return tracedStep(span, { [STEP_ATTRIBUTES.model]: model }, () =>
      reportWalletVerification(this.events, { model, nonceKind }, attempt),
    );
  }
}
