import type { DomainEvent } from '../../platform/events/domain-events';
import type { AuthMethod } from '../../proofs/proof-vocabulary';

export class GrantOpened implements DomainEvent {
  static readonly type = 'grant.opened';
  readonly type = GrantOpened.type;
  constructor(readonly authMethod: AuthMethod) {}
}

export class GrantRevoked implements DomainEvent {
  static readonly type = 'grant.revoked';
  readonly type = GrantRevoked.type;
  /** `reason`: a closed vocabulary (`authorization_code_replay`, `refresh_token_reuse`, ...). */
  constructor(readonly reason: string) {}
}
