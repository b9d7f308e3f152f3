import { Injectable } from '@nestjs/common';
import {
  type ListedSecurityEvent,
  type SecurityEventFilter,
  SecurityEventLog,
  type SecurityEventPosition,
} from '../../telemetry/security-events/security-event.log';

/**
 * `proofgate-admin security-events list` and `/admin/v1/security-events`: the attacks the service
 * stopped (a replayed code, a reused refresh token, ...), one window of a minute per type and
 * source with its count, as the security-event log keeps them for 90 days.
 */
@Injectable()
export class SecurityEventAdministration {
  constructor(private readonly log: SecurityEventLog) {}

  /** A page of windows (every type or one, since a time), newest first, after `after`. */
  page(
    filter: SecurityEventFilter,
    page: { readonly after?: SecurityEventPosition; readonly limit: number },
  ): Promise<ListedSecurityEvent[]> {
    return this.log.page(filter, page);
  }
}
