import { domainEvent } from '../platform/events/domain-events';
import type { ChallengeModel } from './proof-vocabulary';

/**
 * A proof was checked, and how that ended: the one event every proof emits for it (a PKCE code
 * exchange at POST /token, a wallet signature at POST /wallet/verify or POST /login/siwe, a
 * passkey assertion), so metrics and figures listen to one shape whatever the proof.
 */
export class ProofVerified extends domainEvent('proof.verified') {
  constructor(
    /** The proof checked: the `model` label of its series. */
    readonly proof: ChallengeModel,
    /** `success`, or the error code answered (`server_error` for anything unexpected). */
    readonly outcome: string,
    /** From the request's arrival (or the proof's own start) to its answer. */
    readonly seconds: number,
  ) {
    super();
  }
}
