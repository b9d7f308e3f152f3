import { Injectable, Logger } from '@nestjs/common';
import { ChallengeStore } from '../../challenges/challenge-store';
import { Clock } from '../../platform/clock/clock';
import { redact, sha256Base64Url } from '../../platform/crypto/hashing';
import { ChallengeEvents } from '../../compare/figures/challenge-events.service';
import { ProtocolError } from '../../platform/errors/protocol-error';
import { SecurityEventLog } from '../../telemetry/security-events/security-event.log';
import { MetricsService } from '../../telemetry/metrics.service';
import { GrantTokenIssuer, TokenResponse } from '../../tokens/grants/grant-token.issuer';
import { WalletClients } from '../clients/wallet-clients';
import { IssuedWalletNonce, WalletNonceLedger } from '../nonce/wallet-nonce.ledger';
import { SiweFields, parseSiweMessage } from '../siwe/siwe-message.parser';
import { SiweVerifier } from '../siwe/siwe-verifier';
import { InvalidNonce, NonceAlreadyUsed } from '../wallet.errors';

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
  /** CAIP-10 account id `eip155:<chainId>:<EIP-55 address>`: the same key on another chain is another account. */
  sub: string;
}

export const SIWE_SCOPE = 'profile';

/**
 * EIP-4361 §Message validation as a list of steps, shared by POST /wallet/verify (tokens for a
 * dApp) and POST /login/siwe (a login session inside an OAuth authorization request). The nonce is
 * checked read-only before the (possibly RPC-bound) signature check and redeemed atomically only
 * after it, so a bad signature never burns the rightful owner's nonce. Both flows record the same
 * figures and metrics.
 */
@Injectable()
export class SiweLoginService {
  private readonly logger = new Logger(SiweLoginService.name);

  constructor(
    private readonly clients: WalletClients,
    private readonly verifier: SiweVerifier,
    private readonly ledger: WalletNonceLedger,
    private readonly challenges: ChallengeStore,
    private readonly issuer: GrantTokenIssuer,
    private readonly securityEvents: SecurityEventLog,
    private readonly clock: Clock,
    private readonly challengeEvents: ChallengeEvents,
    private readonly metrics: MetricsService,
  ) {}

  /** POST /wallet/verify: verify, then start a token grant for the (public) client. */
  login(request: SiweLoginRequest): Promise<TokenResponse> {
    return this.recorded(async () => {
      // Before verification: an unusable client_id must not cost the wallet its nonce.
      const client = await this.clients.resolve(request.clientId);
      const { sub } = await this.verifyAccount(request);
      this.logger.log(`SIWE login of ${sub} for client ${client.clientId}`);
      return this.issuer.startGrant({
        clientId: client.clientId,
        sub,
        scope: SIWE_SCOPE,
        authMethod: 'siwe',
      });
    });
  }

  /** Verifies a signed message and redeems its nonce, issuing nothing: the caller decides what follows. */
  verify(proof: SiweProof): Promise<VerifiedSiweAccount> {
    return this.recorded(() => this.verifyAccount(proof));
  }

  /** Wallet verification metrics and challenge rejection figures around one attempt. */
  private async recorded<T>(attempt: () => Promise<T>): Promise<T> {
    const stop = this.metrics.startTimer();
    try {
      const result = await attempt();
      this.metrics.walletVerifications.inc({ outcome: 'success' });
      return result;
    } catch (error) {
      const known = error instanceof ProtocolError && error.status < 500;
      this.metrics.walletVerifications.inc({ outcome: known ? error.error : 'server_error' });
      if (known) await this.challengeEvents.rejected('siwe', error.reason ?? error.error);
      throw error;
    } finally {
      this.metrics.walletVerifyDuration.observe(stop());
    }
  }

  /** Parse, policy, read-only nonce check, signature, then the one atomic consume. */
  private async verifyAccount(proof: SiweProof): Promise<VerifiedSiweAccount> {
    const fields = parseSiweMessage(proof.message);
    this.verifier.checkPolicy(fields);
    const issued = await this.checkNonceIssued(fields);
    const signer = await this.verifier.verifySignature(proof.message, fields, proof.signature);
    await this.redeemNonce(fields, issued);
    const sub = `eip155:${fields.chainId}:${signer.address}`;
    this.logger.log(`SIWE signature of ${sub} verified (${signer.kind})`);
    return { sub };
  }

  /** Read-only: did we issue this nonce, to this address, and is it still in date? */
  private async checkNonceIssued(fields: SiweFields): Promise<IssuedWalletNonce> {
    const issued = await this.ledger.find(sha256Base64Url(fields.nonce));
    if (!issued) {
      throw new InvalidNonce('The nonce was not issued by this service').because('unknown_nonce');
    }
    if (issued.expiresAt.getTime() <= this.clock.now().getTime()) {
      throw new InvalidNonce('The nonce has expired; request a new one').because('expired_nonce');
    }
    if (issued.address !== fields.address.toLowerCase()) {
      throw new InvalidNonce('The nonce is bound to another address').because('binding_mismatch');
    }
    return issued;
  }

  /** The one atomic, address-bound redemption: at most one login per nonce, however many race. */
  private async redeemNonce(fields: SiweFields, issued: IssuedWalletNonce): Promise<void> {
    const result = await this.challenges.consume('wallet_nonce', fields.nonce, {
      address: fields.address.toLowerCase(),
    });
    if (result.ok) return;
    switch (result.reason) {
      case 'expired':
        throw new InvalidNonce('The nonce has expired; request a new one').because('expired_nonce');
      case 'binding_mismatch':
        throw new InvalidNonce('The nonce is bound to another address').because('binding_mismatch');
      case 'unknown':
        // Expired meanwhile and already cleaned up by the TTL monitor.
        if (issued.expiresAt.getTime() <= this.clock.now().getTime()) {
          throw new InvalidNonce('The nonce has expired; request a new one').because(
            'expired_nonce',
          );
        }
        // The ledger vouched for an issued, unexpired nonce that is no longer redeemable: used.
        await this.securityEvents.record('wallet_nonce_replay', {
          address: fields.address,
          nonce: redact(fields.nonce),
        });
        throw new NonceAlreadyUsed('The nonce has already been used; request a new one').because(
          'replay',
        );
    }
  }
}
