import { Injectable } from '@nestjs/common';
import { Clock } from '../../platform/clock/clock';
import { sha256Base64Url } from '../../platform/crypto/hashing';
import { ProtocolError } from '../../platform/errors/protocol-error';
import { AccessTokenService } from '../../tokens/access-token.service';
import type { AccessTokenClaims } from '../../tokens/access-token';
import { Grant } from '../../tokens/grants/grant';
import { GrantRepository } from '../../tokens/grants/grant.repository';

/** A refresh token as its grant knows it. */
export interface RefreshTokenRecord {
  grantId: string;
  clientId: string;
  createdAt: Date;
  expiresAt: Date;
  /** Set when the token was rotated away (it is spent). */
  rotatedAt?: Date;
}

const REFRESH_TOKEN = /^([A-Za-z0-9_-]{22})\.[A-Za-z0-9_-]{43}$/;

export type FoundToken =
  | { type: 'refresh_token'; record: RefreshTokenRecord; grant: Grant | null }
  | { type: 'access_token'; claims: AccessTokenClaims; active: boolean };

/** Finds what a presented token is, for revocation (RFC 7009) and introspection (RFC 7662). */
@Injectable()
export class TokenLookup {
  constructor(
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
    const grantId = REFRESH_TOKEN.exec(token)?.[1];
    const grant = grantId ? await this.grants.findById(grantId) : null;
    if (!grant) return null;
    const hash = sha256Base64Url(token);
    const isCurrent = grant.refresh.current === hash;
    if (!isCurrent && !grant.refresh.spent.includes(hash)) return null;
    const record: RefreshTokenRecord = {
      grantId: grant.grantId,
      clientId: grant.clientId,
      createdAt: (isCurrent && grant.refresh.rotatedAt) || grant.createdAt,
      expiresAt: grant.expiresAt,
      // A spent token's rotation time is not kept; that it was rotated is what matters.
      ...(isCurrent ? {} : { rotatedAt: grant.refresh.rotatedAt ?? grant.createdAt }),
    };
    return { type: 'refresh_token', record, grant };
  }

  private async asAccess(token: string): Promise<FoundToken | null> {
    if (token.split('.').length !== 3) return null;
    try {
      const claims = await this.accessTokens.verify(token, { anyAudience: true });
      const active =
        (await this.grants.activeGrantOf(claims.gid, claims.jti, this.clock.now())) !== null;
      return { type: 'access_token', claims, active };
    } catch (error) {
      // Expired, forged or foreign tokens are simply not ours to revoke or describe.
      if (error instanceof ProtocolError) return null;
      throw error;
    }
  }
}
