import type { DomainEvent } from '../platform/events/domain-events';

/** A passkey sign-in's assertion was verified or refused (the passkey model's proof). */
export class PasskeyVerificationCompleted implements DomainEvent {
  static readonly type = 'passkey.verification.completed';
  readonly type = PasskeyVerificationCompleted.type;
  constructor(
    /** `success`, or the error code answered (`server_error` for anything unexpected). */
    readonly outcome: string,
    readonly seconds: number,
  ) {}
}
