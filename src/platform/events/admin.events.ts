import { domainEvent } from './domain-events';

/**
 * An administrative write was tried (issue #77), through the admin API or `proofgate-admin`, and
 * is on the audit trail: `action` (`clients.create`, ...) and how it ended (`done`, `refused`: the
 * service said no, `failed`: it broke).
 */
export class AdminActionRecorded extends domainEvent('admin.action') {
  constructor(
    readonly action: string,
    readonly outcome: 'done' | 'refused' | 'failed',
  ) {
    super();
  }
}

/**
 * A call of the admin API refused before it did anything: no token or a bad one
 * (`unauthorized`), a token without the scope (`forbidden`), or over its rate limit
 * (`rate_limited`). `action` is the route's.
 */
export class AdminCallRefused extends domainEvent('admin.call_refused') {
  constructor(
    readonly action: string,
    readonly outcome: 'unauthorized' | 'forbidden' | 'rate_limited',
  ) {
    super();
  }
}
