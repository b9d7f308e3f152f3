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
