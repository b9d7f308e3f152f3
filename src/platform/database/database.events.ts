import { domainEvent } from '../events/domain-events';

/**
 * The driver's server monitor changed its mind about the database: its heartbeat failed after
 * succeeding, or the other way round. Reported on change only, off the request path.
 */
export class DatabaseReachabilityChanged extends domainEvent('database.reachability.changed') {
  constructor(readonly reachable: boolean) {
    super();
  }
}
