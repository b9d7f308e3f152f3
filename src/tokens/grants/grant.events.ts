import { domainEvent } from '../../platform/events/domain-events';
import type { AuthMethod } from '../../proofs/proof-vocabulary';

export class GrantOpened extends domainEvent('grant.opened') {
  constructor(readonly authMethod: AuthMethod) {
    super();
  }
}

export class GrantRevoked extends domainEvent('grant.revoked') {
  /** `reason`: a closed vocabulary (`authorization_code_replay`, `refresh_token_reuse`, ...). */
  constructor(readonly reason: string) {
    super();
  }
}

/**
 * A refresh token was presented again after its rotation and its grant (the token family) was
 * revoked for it (RFC 9700 §4.14.2): whose grant, which client's. Emitted with `emitAndWait`
 * before the refusal is answered; ids only, never the token.
 */
export class RefreshFamilyRevoked extends domainEvent('grant.refresh_family_revoked') {
  constructor(
    readonly sub: string,
    readonly clientId: string,
    readonly grantId: string,
    readonly at: Date,
  ) {
    super();
  }
}
