import { Injectable } from '@nestjs/common';
import { AccountBearerAuthenticator } from '../../tokens/grants/account-bearer.authenticator';
import type { PresentedToken } from '../../tokens/grants/grant-bearer.authenticator';
import { AccountActivityService, type AccountActivity } from './account-activity.service';
import {
  SIGNED_OUT_EVERYWHERE,
  type AccountSessionsResponseDto,
  type SignedOutEverywhereDto,
} from './account-sessions.dto';

export function activityView(sub: string, activity: AccountActivity): AccountSessionsResponseDto {
  return {
    sub,
    sessions: activity.sessions.map((session) => ({
      auth_method: session.authMethod,
      ...(session.methodKey !== undefined ? { method: session.methodKey } : {}),
      auth_time: session.authTime.toISOString(),
      expires_at: session.expiresAt.toISOString(),
    })),
    grants: activity.grants.map((grant) => ({
      client_id: grant.clientId,
      scope: grant.scope,
      auth_method: grant.authMethod,
      ...(grant.methodKey !== undefined ? { method: grant.methodKey } : {}),
      created_at: grant.createdAt.toISOString(),
      expires_at: grant.expiresAt.toISOString(),
    })),
  };
}

/**
 * GET and DELETE /account/sessions, for the bearer of an `account`-scoped token. Neither needs
 * a recent login: seeing where one is signed in changes nothing, and signing out everywhere only
 * takes access away (an owner who fears a thief must not have to sign in first).
 */
@Injectable()
export class AccountSessionsService {
  constructor(
    private readonly bearer: AccountBearerAuthenticator,
    private readonly activity: AccountActivityService,
  ) {}

  async list(presented: PresentedToken): Promise<AccountSessionsResponseDto> {
    const { sub } = await this.bearer.authenticate(presented, { recentLogin: false });
    return activityView(sub, await this.activity.of(sub));
  }

  async signOutEverywhere(presented: PresentedToken): Promise<SignedOutEverywhereDto> {
    const { sub } = await this.bearer.authenticate(presented, { recentLogin: false });
    const ended = await this.activity.signOutEverywhere(sub);
    return {
      sessions_ended: ended.sessionsEnded,
      grants_revoked: ended.grantsRevoked,
      message: SIGNED_OUT_EVERYWHERE,
    };
  }
}
