import { Grant, RefreshTokenRecord } from './grant';

export abstract class GrantRepository {
  abstract create(grant: Grant): Promise<void>;
  abstract findById(grantId: string): Promise<Grant | null>;
  abstract findByCodeHash(codeHash: string): Promise<Grant | null>;
  /** Marks the grant revoked (first reason wins); true if this call revoked it. */
  abstract revoke(grantId: string, reason: string, at: Date): Promise<boolean>;
  abstract revokeAccessToken(grantId: string, jti: string): Promise<void>;
  /** True if the grant is live (unrevoked, unexpired) and this access token not revoked. */
  abstract isAccessTokenActive(grantId: string, jti: string, now: Date): Promise<boolean>;
}

export abstract class RefreshTokenRepository {
  abstract save(record: RefreshTokenRecord): Promise<void>;
  abstract findByHash(tokenHash: string): Promise<RefreshTokenRecord | null>;
  /**
   * Atomically marks an unrotated, unexpired token of this client as rotated; returns it, or
   * null when no such token exists (unknown, another client's, expired or already rotated).
   */
  abstract markRotated(
    tokenHash: string,
    clientId: string,
    now: Date,
  ): Promise<RefreshTokenRecord | null>;
}
