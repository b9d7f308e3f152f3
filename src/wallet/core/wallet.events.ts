import type { DomainEvent } from '../../platform/events/domain-events';

/** A wallet verification (POST /wallet/verify or POST /login/siwe; SIWE or SIWS) ended. */
export class WalletVerificationCompleted implements DomainEvent {
  static readonly type = 'wallet.verification.completed';
  readonly type = WalletVerificationCompleted.type;
  constructor(
    /** `success`, or the error code answered (`server_error` for anything unexpected). */
    readonly outcome: string,
    readonly seconds: number,
    /** Whose nonce: `wallet_nonce` (SIWE) or `siws_nonce` (Sign In With Solana). */
    readonly kind: 'wallet_nonce' | 'siws_nonce' = 'wallet_nonce',
  ) {}
}
