import type { AuthMethod } from '../access-token';

/**
 * A grant: one user's authorization of one client, from a login to its revocation. It is the
 * refresh-token family and the unit of revocation: revoking it invalidates every access and
 * refresh token issued under it.
 */
export interface Grant {
  grantId: string;
  clientId: string;
  sub: string;
  scope: string;
  authMethod: AuthMethod;
  /** SHA-256 of the authorization code that started it, to recognise a replayed code. */
  codeHash?: string;
  createdAt: Date;
  /** Absolute end of the refresh-token family. */
  expiresAt: Date;
  revokedAt?: Date;
  revokedReason?: string;
}

export interface RefreshTokenRecord {
  tokenHash: string;
  grantId: string;
  clientId: string;
  createdAt: Date;
  expiresAt: Date;
  rotatedAt?: Date;
}
