import type { DomainEvent } from '../../platform/events/domain-events';

/** A SIWE verification (POST /wallet/verify or POST /login/siwe) ended. */
export class WalletVerificationCompleted implements DomainEvent {
  static readonly type = 'wallet.verification.completed';
  readonly type = WalletVerificationCompleted.type;
  constructor(
    /** `success`, or the error code answered (`server_error` for anything unexpected). */
    readonly outcome: string,
    readonly seconds: number,
  ) {}
}
