import type { DomainEvent } from '../events/domain-events';

/**
 * The driver's server monitor changed its mind about the database: its heartbeat failed after
 * succeeding, or the other way round. Reported on change only, off the request path.
 */
export class DatabaseReachabilityChanged implements DomainEvent {
  static readonly type = 'database.reachability.changed';
  readonly type = DatabaseReachabilityChanged.type;
  constructor(readonly reachable: boolean) {}
}
