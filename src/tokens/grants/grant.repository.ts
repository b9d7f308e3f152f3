import { ActiveGrant, ClientGrant, DpopBinding, Grant, GrantFilter, GrantSummary } from './grant';

/** How many spent refresh-token hashes a grant keeps for reuse detection. */
export const MAX_SPENT_REFRESH_TOKENS = 64;

/**
 * One rotation of a grant's refresh token, by hashes: `presented` gives way to `successor` at
 * `now`, the family bound to `dpop`'s key where the request proved one (named fields: the two
 * hashes are strings side by side, easily swapped).
 */
export interface RefreshRotation {
  readonly grantId: string;
  readonly presented: string;
  readonly successor: string;
  readonly now: Date;
  readonly dpop?: DpopBinding;
}

export abstract class GrantRepository {
  /**
   * Records a new grant with its first refresh token. If a replay has already revoked this grant
   * id (see `revokeForReplay`), the grant is recorded revoked.
   */
  abstract open(grant: Grant): Promise<void>;
  /** Records a client's own grant (client_credentials): no user, no refresh token. */
  abstract openForClient(grant: ClientGrant): Promise<void>;
  abstract findById(grantId: string): Promise<Grant | null>;
  /** Marks the grant revoked (first reason wins); true if this call revoked it. */
  abstract revoke(grantId: string, reason: string, at: Date): Promise<boolean>;
  /**
   * Revokes the grant a replayed challenge opened, if it belongs to `clientId`; when it is not
   * recorded yet (the replay raced the redemption), records it revoked in advance, so the
   * redemption's `open` finds it revoked. True if this call revoked or pre-empted it.
   */
  abstract revokeForReplay(
    grantId: string,
    clientId: string,
    reason: string,
    at: Date,
    expiresAt: Date,
  ): Promise<boolean>;
  abstract revokeAccessToken(grantId: string, jti: string): Promise<void>;
  /**
   * The grant, if it is live (unrevoked, unexpired) and this access token not revoked; else null.
   */
  abstract activeGrantOf(grantId: string, jti: string, now: Date): Promise<ActiveGrant | null>;
  /**
   * Atomically replaces the live grant's current refresh token `presented` by `successor`;
   * false if `presented` is no longer current (rotated meanwhile) or the grant was revoked.
   * With `dpop` (the request's proven key) the grant becomes DPoP-bound, and with `bindRefresh`
   * its family bound to that key (the caller has checked it was unbound or the same key).
   */
  abstract rotateRefresh(rotation: RefreshRotation): Promise<boolean>;
  /**
   * The usual refresh in one round trip: atomically replaces `presented` by `successor` if it is
   * the current token of a live grant (unrevoked, unexpired at `now`) issued to `clientId`, whose
   * refresh tokens are bound to no DPoP key or to `dpop.jkt`, and which without `dpop` is not
   * DPoP-bound; answers the grant as rotated, having bound it as `rotateRefresh` does; null when
   * any of that does not hold, having changed nothing. The refreshes of one moment rotate
   * together, each grant still atomically and once.
   */
  abstract rotateIfCurrent(clientId: string, rotation: RefreshRotation): Promise<Grant | null>;
  /**
   * Counts one grace-window retry of the token that `current` replaced, if `current` is still
   * the live grant's current token and fewer than `maxRetries` retries were answered.
   */
  abstract countGraceRetry(grantId: string, current: string, maxRetries: number): Promise<boolean>;

  /**
   * Grants matching `filter`, newest first, at most `limit`: only live ones (unrevoked and
   * unexpired at `now`) unless `includeEnded`.
   */
  abstract list(
    filter: GrantFilter,
    options: { now: Date; includeEnded: boolean; limit: number },
  ): Promise<GrantSummary[]>;

  /**
   * The grants of one subject or one client (`filter`), ended ones included, by `_id`, at most
   * `limit`, those after `after` only: one indexed `find` per page (keyset pagination).
   */
  abstract page(
    filter: GrantFilter,
    page: { readonly after?: string; readonly limit: number },
  ): Promise<GrantSummary[]>;

  /**
   * Revokes every live grant matching `filter` (which names a subject or a client) in one
   * write; resolves to how many this call revoked.
   */
  abstract revokeAll(filter: GrantFilter, reason: string, at: Date): Promise<number>;
}
