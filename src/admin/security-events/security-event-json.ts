import {
  type ListedSecurityEvent,
  SECURITY_EVENT_SOURCE,
} from '../../telemetry/security-events/security-event.log';

/**
 * A window of security events as the CLI's `--json` and the admin API show it: its type, where
 * its refused requests came from (named by the type's source detail: `{ "client_id": ... }`),
 * how many in the minute, its first and latest event, and the first event's details (identifiers
 * and hash prefixes of what was replayed, never the code, token or nonce itself).
 */
export function securityEventJson(event: ListedSecurityEvent) {
  return {
    id: event.id,
    type: event.type,
    source: { [SECURITY_EVENT_SOURCE[event.type]]: event.source },
    count: event.count,
    at: event.at,
    last_at: event.lastAt,
    details: event.details,
  };
}

/** The source in one table cell: `client_id=demo-client`. */
export function sourceCell(event: ListedSecurityEvent): string {
  return `${SECURITY_EVENT_SOURCE[event.type]}=${event.source}`;
}
