import { Injectable, Logger } from '@nestjs/common';
import { ChallengeRejected } from '../../challenges/challenge.events';
import { ChallengeStore } from '../../challenges/challenge-store';
import { AppConfig } from '../../config/app-config';
import { redact } from '../../platform/crypto/hashing';
import { ProtocolError } from '../../platform/errors/protocol-error';
import { DomainEvents, SecurityEventDetected } from '../../platform/events/domain-events';
import { grantIdForChallenge } from '../../tokens/grants/grant';
import { GrantTokenIssuer, TokenResponse } from '../../tokens/grants/grant-token.issuer';
import { WalletClients } from '../clients/wallet-clients';
import { walletNonceBinding } from '../nonce/wallet-nonce';
import { SiweFields, parseSiweMessage } from '../siwe/siwe-message.parser';
import { SiweVerifier } from '../siwe/siwe-verifier';
import { InvalidNonce, NonceAlreadyUsed } from '../wallet.errors';
import { WalletVerificationCompleted } from './wallet.events';

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
  /** Key hash of the nonce redeemed: the grant a wallet login opens is derived from it. */
  nonceKeyHash: string;
}

export const SIWE_SCOPE = 'profile';

/**
 * EIP-4361 §Message validation as a list of steps, shared by POST /wallet/verify (tokens for a
 * dApp) and POST /login/siwe (a login session inside an OAuth authorization request). Cheap checks
 * first, then the signature (recovered locally; a contract wallet's RPC check only after a
 * read-only look at the nonce, so no RPC call is spent on a nonce never issued), and only then the
 * one atomic, address- and chain-bound redemption of the nonce: a bad signature never burns its
 * rightful owner's nonce.
 */
@Injectable()
export class SiweLoginService {
  private readonly logger = new Logger(SiweLoginService.name);

  constructor(
    private readonly clients: WalletClients,
    private readonly verifier: SiweVerifier,
    private readonly challenges: ChallengeStore,
    private readonly issuer: GrantTokenIssuer,
    private readonly events: DomainEvents,
    private readonly config: AppConfig,
  ) {}

  /** POST /wallet/verify: verify, then start a token grant for the (public) client. */
  login(request: SiweLoginRequest): Promise<TokenResponse> {
    return this.reported(async () => {
      // Before verification: an unusable client_id must not cost the wallet its nonce.
      const client = await this.clients.resolve(request.clientId);
      const { sub, nonceKeyHash } = await this.verifyAccount(request);
      this.logger.log(`SIWE login of ${sub} for client ${client.clientId}`);
      const tokens = await this.issuer.startGrant({
        grantId: grantIdForChallenge(nonceKeyHash),
        clientId: client.clientId,
        sub,
        scope: SIWE_SCOPE,
        authMethod: 'siwe',
      });
      await this.clients.recordUse(client);
      return tokens;
    });
  }

  /** Verifies a signed message and redeems its nonce, issuing nothing: the caller decides what follows. */
  verify(proof: SiweProof): Promise<VerifiedSiweAccount> {
    return this.reported(() => this.verifyAccount(proof));
  }

  /** Tells the rest of the service how the attempt ended. */
  private async reported<T>(attempt: () => Promise<T>): Promise<T> {
    const started = performance.now();
    const done = (outcome: string) =>
      this.events.emit(
        new WalletVerificationCompleted(outcome, (performance.now() - started) / 1000),
      );
    try {
      const result = await attempt();
      done('success');
      return result;
    } catch (error) {
      const known = error instanceof ProtocolError && error.status < 500;
      done(known ? error.error : 'server_error');
      if (known)
        this.events.emit(new ChallengeRejected('wallet_nonce', error.reason ?? error.error));
      throw error;
    }
  }

  private async verifyAccount(proof: SiweProof): Promise<VerifiedSiweAccount> {
    const fields = parseSiweMessage(proof.message);
    this.verifier.checkPolicy(fields);
    const signer = await this.verifier.verifySignature(proof.message, fields, proof.signature, () =>
      this.checkNonceLive(fields),
    );
    const nonceKeyHash = await this.redeemNonce(fields);
    const sub = `eip155:${fields.chainId}:${signer.address}`;
    this.logger.log(`SIWE signature of ${sub} verified (${signer.kind})`);
    return { sub, nonceKeyHash };
  }

  /** Read-only: is the nonce issued and unspent? Spares an RPC call for one that is not. */
  private async checkNonceLive(fields: SiweFields): Promise<void> {
    if (!(await this.challenges.peek('wallet_nonce', fields.nonce))) {
      throw new InvalidNonce('The nonce is unknown, expired or used; request a new one').because(
        'unknown_nonce',
      );
    }
  }

  /** The one atomic redemption: at most one login per nonce, however many race. */
  private async redeemNonce(fields: SiweFields): Promise<string> {
    const result = await this.challenges.consume(
      'wallet_nonce',
      fields.nonce,
      walletNonceBinding(fields.address, fields.chainId),
    );
    if (result.ok) {
      this.checkIssuedAfterNonce(fields, result.challenge.createdAt);
      return result.challenge.keyHash;
    }
    switch (result.reason) {
      case 'expired':
        throw new InvalidNonce('The nonce has expired; request a new one').because('expired_nonce');
      case 'unknown':
        throw new InvalidNonce('The nonce was not issued by this service').because('unknown_nonce');
      case 'binding_mismatch':
        if (result.mismatched.includes('address')) {
          throw new InvalidNonce('The nonce is bound to another address').because(
            'binding_mismatch',
          );
        }
        throw new InvalidNonce('The nonce was issued for another chain').because('chain_mismatch');
      case 'replayed':
        await this.events.emitAndWait(
          new SecurityEventDetected('wallet_nonce_replay', {
            address: fields.address,
            nonce: redact(fields.nonce),
          }),
        );
        throw new NonceAlreadyUsed('The nonce has already been used; request a new one').because(
          'replay',
        );
    }
  }

  /**
   * A message cannot have been written before its nonce existed: `Issued At` earlier than the
   * nonce's creation (less the tolerated clock skew) is a message not built from this nonce.
   */
  private checkIssuedAfterNonce(fields: SiweFields, nonceCreatedAt: Date): void {
    const issuedAt = Date.parse(fields.issuedAt);
    const skew = this.config.wallet.clockSkewSeconds * 1000;
    if (!(issuedAt >= nonceCreatedAt.getTime() - skew)) {
      throw new InvalidNonce('The message was issued before its nonce').because(
        'issued_before_nonce',
      );
    }
  }
}
