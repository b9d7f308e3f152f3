import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import type { AdminCall } from '../audit/admin-audit';

/** Who runs this command line, for the audit trail: `cli` and the operating-system user. */
function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    // A uid with no passwd entry (a container's arbitrary user): its number is all there is.
    return `uid ${process.getuid?.() ?? 'unknown'}`;
  }
}

/** One run of `proofgate-admin`: its own request id on each record it writes. */
export function cliCall(): AdminCall {
  return { actor: { kind: 'cli', osUser: osUser() }, requestId: randomUUID() };
}
