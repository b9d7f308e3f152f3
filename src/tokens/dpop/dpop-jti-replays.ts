import type { ReplayStore } from '@proofgate/resource-server';
import { ChallengeStore } from '../../challenges/challenge-store';

/**
 * RFC 9449 §11.1 fleet-wide: the proofs' `jti`s recorded in the one challenge store (kind
 * `dpop_jti`, keyed `dpop:<jkt>:<jti>`), for /token and /par as for /api and the other resources,
 * so that a proof replayed at another instance, or at another of the endpoints, is refused too.
 */
export function dpopJtiReplays(store: ChallengeStore): ReplayStore {
  return {
    recordOnce: (key, _nowMs, lifetimeMs) =>
      store.recordOnce('dpop_jti', `dpop:${key}`, Math.ceil(lifetimeMs / 1000)),
  };
}
