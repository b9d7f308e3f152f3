import type { DomainEvents } from '../platform/events/domain-events';
import { ProtocolError } from '../platform/errors/protocol-error';
import { ProofVerified } from '../proofs/proof.events';
import type { ChallengeModel } from '../proofs/proof-vocabulary';
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

/**
 * Runs a proof's check and tells the rest of the service how it ended, in one ProofVerified of
 * `proof`: `success`, the error code of a client's mistake (a ProtocolError under 500), else
 * `server_error`; timed from this call to the answer.
 */
export async function reportProofVerified<T>(
  events: DomainEvents,
  proof: ChallengeModel,
  attempt: () => Promise<T>,
): Promise<T> {
  const started = performance.now();
  const done = (outcome: string) =>
    events.emit(new ProofVerified(proof, outcome, (performance.now() - started) / 1000));
  try {
    const result = await attempt();
    done('success');
    return result;
  } catch (error) {
    done(error instanceof ProtocolError && error.status < 500 ? error.error : 'server_error');
    throw error;
  }
}
