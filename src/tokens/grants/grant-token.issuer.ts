import { Injectable } from '@nestjs/common';
import { Clock } from '../../platform/clock/clock';
import { randomToken } from '../../platform/crypto/hashing';
import { InvalidScope } from '../../platform/errors/protocol-error';
import { AppConfig } from '../../config/app-config';
import { AccessTokenService } from '../access-token.service';
import type { AuthMethod } from '../access-token';
import { Grant } from './grant';
import { GrantRepository } from './grant.repository';
import { RefreshTokenRotation } from './refresh-token.rotation';

/** RFC 6749 §5.1 successful token response. */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
  scope: string;
}

export interface StartGrant {
  clientId: string;
  sub: string;
  scope: string;
  authMethod: AuthMethod;
  /** SHA-256 of the authorization code redeemed, when the grant comes from one. */
  codeHash?: string;
}

/** Issues the token responses of both login models: a new grant, or a refreshed one. */
@Injectable()
export class GrantTokenIssuer {
  constructor(
    private readonly grants: GrantRepository,
    private readonly refreshTokens: RefreshTokenRotation,
    private readonly accessTokens: AccessTokenService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async startGrant(input: StartGrant): Promise<TokenResponse> {
    return this.issueFor(await this.openGrant(input));
  }

  /** Records a new grant; tokens come from `issueFor`. */
  async openGrant(input: StartGrant): Promise<Grant> {
    const now = this.clock.now();
    const grant: Grant = {
      grantId: randomToken(16),
      ...input,
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.config.tokens.refreshTokenTtlSeconds * 1000),
    };
    await this.grants.create(grant);
    return grant;
  }

  /** The first tokens of a grant opened with `openGrant`. */
  async issueFor(grant: Grant): Promise<TokenResponse> {
    const refreshToken = await this.refreshTokens.mint(grant);
    return this.respond(grant, grant.scope, refreshToken);
  }

  /** RFC 6749 §6: rotate the refresh token, optionally narrowing the scope. */
  async refresh(clientId: string, refreshToken: string, scope?: string): Promise<TokenResponse> {
    const rotated = await this.refreshTokens.rotate(clientId, refreshToken);
    const granted = new Set(rotated.grant.scope.split(' ').filter(Boolean));
    const requested = scope?.split(' ').filter(Boolean);
    if (requested && requested.some((s) => !granted.has(s))) {
      throw new InvalidScope('The requested scope exceeds the scope originally granted');
    }
    return this.respond(
      rotated.grant,
      requested?.join(' ') ?? rotated.grant.scope,
      rotated.refreshToken,
    );
  }

  private async respond(grant: Grant, scope: string, refreshToken: string): Promise<TokenResponse> {
    const access = await this.accessTokens.sign({
      sub: grant.sub,
      clientId: grant.clientId,
      scope,
      authMethod: grant.authMethod,
      grantId: grant.grantId,
    });
    return {
      access_token: access.token,
      token_type: 'Bearer',
      expires_in: access.expiresIn,
      refresh_token: refreshToken,
      scope,
    };
  }
}
