import { Injectable } from '@nestjs/common';
import { Clock } from '../../platform/clock/clock';
import { sha256Base64Url } from '../../platform/crypto/hashing';
import { ProtocolError } from '../../platform/errors/protocol-error';
import { AccessTokenService } from '../../tokens/access-token.service';
import type { AccessTokenClaims } from '../../tokens/access-token';
import { Grant, RefreshTokenRecord } from '../../tokens/grants/grant';
import { GrantRepository, RefreshTokenRepository } from '../../tokens/grants/grant.repository';

export type FoundToken =
  | { type: 'refresh_token'; record: RefreshTokenRecord; grant: Grant | null }
  | { type: 'access_token'; claims: AccessTokenClaims; active: boolean };

/** Finds what a presented token is, for revocation (RFC 7009) and introspection (RFC 7662). */
@Injectable()
export class TokenLookup {
  constructor(
    private readonly refreshTokens: RefreshTokenRepository,
    private readonly grants: GrantRepository,
    private readonly accessTokens: AccessTokenService,
    private readonly clock: Clock,
  ) {}

  /** `hint` only orders the search (RFC 7009 §2.1); an unknown token yields null. */
  async find(token: string, hint?: string): Promise<FoundToken | null> {
    const asAccess = () => this.asAccess(token);
    const asRefresh = () => this.asRefresh(token);
    const order = hint === 'access_token' ? [asAccess, asRefresh] : [asRefresh, asAccess];
    for (const lookup of order) {
      const found = await lookup();
      if (found) return found;
    }
    return null;
  }

  private async asRefresh(token: string): Promise<FoundToken | null> {
    const record = await this.refreshTokens.findByHash(sha256Base64Url(token));
    if (!record) return null;
    return { type: 'refresh_token', record, grant: await this.grants.findById(record.grantId) };
  }

  private async asAccess(token: string): Promise<FoundToken | null> {
    if (!token.includes('.')) return null;
    try {
      const claims = await this.accessTokens.verify(token);
      const active = await this.grants.isAccessTokenActive(
        claims.gid,
        claims.jti,
        this.clock.now(),
      );
      return { type: 'access_token', claims, active };
    } catch (error) {
      // Expired, forged or foreign tokens are simply not ours to revoke or describe.
      if (error instanceof ProtocolError) return null;
      throw error;
    }
  }
}
