import type { DomainEvents } from '../platform/events/domain-events';
import { ProtocolError } from '../platform/errors/protocol-error';
import type { ChallengeKind } from './challenge';
import { ChallengeRejected } from './challenge.events';

/** Which refusals of a challenge are reported, and under which labels. */
export interface RefusalReport {
  readonly kind: ChallengeKind;
  /** Whose proof failed, as ChallengeRejected's bounded `client` label. */
  readonly client?: string;
  /** Whether a client's mistake counts as a refusal (a device code's pending poll does not). */
  readonly counts?: (error: ProtocolError) => boolean;
}

/**
 * Runs a challenge's redemption and reports every refusal of it: a client's mistake (a
 * ProtocolError under 500) becomes one ChallengeRejected of `kind`, by its reason (else its error
 * code, both a closed vocabulary), and is thrown on unchanged. A server error is no refusal.
 */
export async function reportRefusals<T>(
  events: DomainEvents,
  report: RefusalReport,
  attempt: () => Promise<T>,
): Promise<T> {
  try {
    return await attempt();
  } catch (error) {
    if (error instanceof ProtocolError && error.status < 500 && (report.counts?.(error) ?? true)) {
      events.emit(new ChallengeRejected(report.kind, error.reason ?? error.error, report.client));
    }
    throw error;
  }
}
