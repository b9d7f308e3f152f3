import { Injectable } from '@nestjs/common';
import { AccountService } from '../../accounts/account.service';
import { SignInMethodRemoved } from '../../accounts/accounts.errors';
import { ResourceScopes } from '../resource-scopes';
import { TokenConfig } from '../../config/sections/tokens.config';
import { Clock } from '../../platform/clock/clock';
import { InvalidGrant } from '../../platform/errors/protocol-error';
import { randomIdentifier } from '../../platform/crypto/hashing';
import { DomainEvents } from '../../platform/events/domain-events';
import { AccessTokenService } from '../access-token.service';
import type { ApprovalClaim } from '../access-token';
import { DEVICE_CODE_GRANT_TYPE } from '../../protocol-rules/grant-types';
import type { AuthMethod } from '../../proofs/proof-vocabulary';
import type { UserClaim } from '../../protocol-rules/claims-request';
import type { AuthorizationDetail } from '../../protocol-rules/authorization-details';
import type { IdTokenAuthentication } from '../id-token';
import { IdTokenService } from '../id-token.service';
import { withinClientScope } from '../scopes';
import { Grant, type DpopBinding } from './grant';
import { GrantOpened } from './grant.events';
import { GrantRepository } from './grant.repository';
import { RefreshTokenRotation } from './refresh-token.rotation';
import type { TokenResponseDto } from './token-response.dto';

/** RFC 6749 §5.1 successful token response. */
export type TokenResponse = TokenResponseDto;

/**
 * The fields of a grant that the person's sign-in decides, from a redeemed challenge's payload (a
 * code, or a polled key a person approved): whose it is, its scope, and by which method.
 */
export function signedInGrant(
  grantId: string,
  clientId: string,
  signedIn: { sub: string; scope: string; authMethod: AuthMethod; methodKey?: string },
): Pick<StartGrant, 'grantId' | 'clientId' | 'sub' | 'scope' | 'authMethod' | 'methodKey'> {
  const { sub, scope, authMethod, methodKey } = signedIn;
  return {
    grantId,
    clientId,
    sub,
    scope,
    authMethod,
    ...(methodKey === undefined ? {} : { methodKey }),
  };
}

export interface StartGrant {
  /** See `grantIdForChallenge`: derived from the challenge the login redeemed. */
  grantId: string;
  clientId: string;
  sub: string;
  scope: string;
  authMethod: AuthMethod;
  /** The method key of the method whose login starts the grant (see Grant.methodKey). */
  methodKey?: string;
  /**
   * RFC 8707: the resource the grant's access tokens are for (their `aud`) when a token request
   * names none, the first of `resources`; default the API's.
   */
  resource?: string;
  /** RFC 8707 §2: every resource the grant authorizes, `resource` first, when several. */
  resources?: string[];
  /**
   * RFC 8707 §2.2: the resource of the first access token, when the request that opens the grant
   * named another of `resources` than the first.
   */
  audience?: string;
  /** When the user logged in: the session's start; default now (a login that opens the grant). */
  authTime?: Date;
  /** OpenID Connect `acr` of that login, when it achieved one (never on a device grant). */
  acr?: string;
  /** RFC 8628: a device grant (see Grant.grantType). */
  grantType?: Grant['grantType'];
  /** The login session's `sid`, when a browser session opened the grant (see Grant.sid). */
  sid?: string;
  /** See Grant.userinfoClaims. */
  userinfoClaims?: readonly UserClaim[];
  /** See Grant.authorizationDetails. */
  authorizationDetails?: readonly AuthorizationDetail[];
  /** See Grant.approval. */
  approval?: ApprovalClaim;
  /**
   * An access token alone, living at most `ttlSeconds`, and no refresh token: the grant ends with
   * it (the admin console's, issue #77: its next token needs a new passkey sign-in).
   */
  accessOnly?: { readonly ttlSeconds: number };
  /**
   * `sub` is the subject `methodKey` gives on its own (a wallet's CAIP-10 id), and the account
   * whose record lists `methodKey`, if another, takes the grant: decided by the check after the
   * write, in its one read (AccountService.signInOf), with no lookup before the write.
   */
  methodDecidesSubject?: boolean;
}

export type { DpopBinding } from './grant';

/** A client's request for a token of its own (client_credentials): checked by its grant. */
export interface ClientTokenRequest {
  clientId: string;
  /**
   * The token's subject when it is not the client: a user or workload a trusted issuer vouched
   * for (the JWT-bearer grant), named under that issuer. Default the client itself.
   */
  sub?: string;
  scope: string;
  /** RFC 8707: the token's `aud`. */
  resource: string;
  /**
   * RFC 9068 §2.2.1 `acr`: the sign-in an identity provider asserted for `sub` (an ID-JAG's);
   * absent on a client's or a workload's own token, which names no sign-in.
   */
  acr?: string;
}

/** 16 bytes: 128 bits of CSPRNG output per client grant id. */
const CLIENT_GRANT_ID_BYTES = 16;

/** Issues the token responses of every login model: a new grant, or a refreshed one. */
@Injectable()
export class GrantTokenIssuer {
  constructor(
    private readonly grants: GrantRepository,
    private readonly refreshTokens: RefreshTokenRotation,
    private readonly accessTokens: AccessTokenService,
    private readonly idTokens: IdTokenService,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
    private readonly tokens: TokenConfig,
    private readonly accounts: AccountService,
    private readonly resourceScopes: ResourceScopes,
  ) {}

  /**
   * Records a new grant and its first refresh token in one write, then signs its tokens; with
   * `authentication` (an OpenID Connect request) an ID token too.
   */
  async startGrant(
    input: StartGrant,
    authentication?: IdTokenAuthentication,
    dpop?: DpopBinding,
    afterWrite?: () => Promise<void>,
  ): Promise<TokenResponse> {
    const now = this.clock.now();
    const first = this.refreshTokens.mint(input.grantId);
    const { methodDecidesSubject, acr, audience, accessOnly, ...fields } = input;
    const ttl = accessOnly?.ttlSeconds;
    let grant: Grant = {
      ...fields,
      // RFC 8628 §5.4: the user code that approved a device grant can be phished, so whatever
      // the approving session achieved, its tokens never say `phr`.
      ...(acr === undefined || input.grantType === DEVICE_CODE_GRANT_TYPE ? {} : { acr }),
      authTime: input.authTime ?? now,
      createdAt: now,
      // An access-only grant ends a little past its one token, as a client's own grant does.
      expiresAt: new Date(
        now.getTime() + (ttl === undefined ? this.tokens.refreshTokenTtlSeconds : ttl + 60) * 1000,
      ),
      refresh: { current: first.hash, retries: 0, spent: [] },
      ...(dpop?.bindRefresh ? { dpopJkt: dpop.jkt } : {}),
      ...(dpop ? { dpopBound: true } : {}),
    };
    await this.grants.open(grant);
    // After the write (see AccountService.assertMaySignIn), beside the signing: the grant of a
    // disabled account, or of a method removed meanwhile, is revoked before any of its tokens
    // leaves. The caller's own check after the write (a login session that ended meanwhile) runs
    // in the same round.
    const [signed, account, caller] = await Promise.allSettled([
      this.respond(grant, grant.scope, first.token, dpop?.jkt, audience, ttl),
      this.checkAfterWrite(grant, now, methodDecidesSubject === true),
      afterWrite?.(),
    ]);
    // One answer whatever the timing when both checks refuse (a lock-down also ends the account's
    // login sessions): the account's refusal, then the caller's, then a failure to sign.
    if (account.status === 'rejected') throw account.reason;
    if (caller.status === 'rejected') throw caller.reason;
    let response: TokenResponse;
    if (account.value === grant.sub) {
      if (signed.status === 'rejected') throw signed.reason;
      response = signed.value;
    } else {
      // The method is listed on another account (a wallet linked to a password user's, say):
      // the grant moves there before any token leaves, by the same upsert. The move is a write
      // too, so that account is checked again after it: a lock-down or a removal of the method
      // that listed its grants between the read and the move would not have seen this one.
      grant = { ...grant, sub: account.value };
      await this.grants.open(grant);
      const [moved, again] = await Promise.allSettled([
        this.respond(grant, grant.scope, first.token, dpop?.jkt, audience, ttl),
        this.checkAfterWrite(grant, now, false),
      ]);
      if (again.status === 'rejected') throw again.reason;
      if (moved.status === 'rejected') throw moved.reason;
      response = moved.value;
    }
    this.events.emit(new GrantOpened(grant.authMethod));
    if (!authentication) return response;
    const idToken = await this.idTokens.sign({
      ...authentication,
      sub: grant.sub,
      clientId: grant.clientId,
      authMethod: grant.authMethod,
      ...(grant.acr === undefined ? {} : { acr: grant.acr }),
      accessToken: response.access_token,
    });
    return { ...response, id_token: idToken };
  }

  /**
   * RFC 6749 §6: rotate the refresh token, optionally narrowing the scope, or choosing the
   * resource among the grant's (RFC 8707 §2.2: the new access token's `aud`). No ID
   * token: OpenID Connect Core §12.2 makes one optional here, and one would have to repeat the
   * original `auth_time`, which the grant does not keep; the client keeps the ID token of the login.
   * With `dpop` the new access token is bound to its key, and the grant stays DPoP-bound.
   * `registeredScope`: the client's scope as registered now (RFC 7591 §2): the new token carries
   * the grant's scopes within it, and a grant left with none of its scopes ends (`invalid_grant`).
   */
  async refresh(
    clientId: string,
    refreshToken: string,
    narrowing: { scope?: string; resource?: string } = {},
    dpop?: DpopBinding,
    registeredScope?: string,
  ): Promise<TokenResponse> {
    const rotated = await this.refreshTokens.rotate(clientId, refreshToken, narrowing, dpop);
    const scope = withinClientScope(rotated.scope, registeredScope);
    if (scope === '') {
      // The operator narrowed the client's scope past everything this grant holds: nothing is
      // left to renew, so the grant ends rather than hand out tokens that allow nothing.
      await this.grants.revoke(rotated.grant.grantId, 'client_scope_narrowed', this.clock.now());
      throw new InvalidGrant(
        "None of the grant's scopes is within the client's registered scope any more: authorize again",
      ).because('client_scope');
    }
    return this.respond(rotated.grant, scope, rotated.refreshToken, dpop?.jkt, rotated.resource);
  }

  /**
   * RFC 6749 §4.4.3: an access token for the client itself, whose `sub` is the client (RFC 9068
   * §2.2: no user, so no `auth_method`, no ID token) and no refresh token. Its grant is recorded
   * first (one write, grouped with the turn's other grants) and ends with the token: revoking
   * the token, or removing the client, ends it as any grant.
   */
  async issueToClient(request: ClientTokenRequest, dpopJkt?: string): Promise<TokenResponse> {
    const now = this.clock.now();
    const grantId = `c${randomIdentifier(CLIENT_GRANT_ID_BYTES)}`;
    await this.grants.openForClient({
      grantId,
      clientId: request.clientId,
      scope: request.scope,
      resource: request.resource,
      createdAt: now,
      // A little past the token's own expiry: the token is checked by its `exp` too.
      expiresAt: new Date(now.getTime() + (this.tokens.accessTokenTtlSeconds + 60) * 1000),
      ...(dpopJkt === undefined ? {} : { dpopBound: true }),
    });
    const access = await this.accessTokens.sign({
      audience: request.resource,
      sub: request.sub ?? request.clientId,
      clientId: request.clientId,
      scope: request.scope,
      grantId,
      ...(request.acr === undefined ? {} : { acr: request.acr }),
      ...(dpopJkt === undefined ? {} : { jkt: dpopJkt }),
    });
    return {
      access_token: access.token,
      token_type: dpopJkt === undefined ? 'Bearer' : 'DPoP',
      expires_in: access.expiresIn,
      scope: request.scope,
    };
  }

  /**
   * The check after a grant's write: resolves to the subject the grant is for (its own, or with
   * `methodDecidesSubject` the account listing its method). A refusal, or a check that fails,
   * revokes the grant first; one refused by another account is moved to it before.
   */
  private async checkAfterWrite(
    grant: Grant,
    now: Date,
    methodDecidesSubject: boolean,
  ): Promise<string> {
    const { sub, methodKey } = grant;
    try {
      if (!methodDecidesSubject || methodKey === undefined) {
        await this.accounts.assertMaySignIn(sub, methodKey);
        return sub;
      }
      const decision = await this.accounts.signInOf(methodKey, sub);
      if (decision.refusal === undefined) return decision.sub;
      if (decision.sub !== sub) await this.grants.open({ ...grant, sub: decision.sub });
      throw decision.refusal;
    } catch (error) {
      const reason = error instanceof SignInMethodRemoved ? 'method_removed' : 'account_disabled';
      await this.grants.revoke(grant.grantId, reason, now);
      throw error;
    }
  }

  /**
   * `audience`: the access token's resource, one of the grant's; default its first. The token
   * and the response carry the grant's scope for that audience (ResourceScopes.forAudience).
   * `accessOnlyTtl`: the token lives at most that long, and no refresh token goes out.
   */
  private async respond(
    grant: Grant,
    grantScope: string,
    refreshToken: string,
    dpopJkt?: string,
    audience: string = grant.resource ?? this.tokens.audience,
    accessOnlyTtl?: number,
  ): Promise<TokenResponse> {
    // A grant for several resources may hold scopes declared by each (RESOURCE_SERVERS): its
    // token for one carries that one's, and never another's.
    const scope = this.resourceScopes.forAudience(grantScope, audience);
    const access = await this.accessTokens.sign({
      ...(accessOnlyTtl === undefined ? {} : { notAfter: this.clock.nowSeconds() + accessOnlyTtl }),
      audience,
      sub: grant.sub,
      clientId: grant.clientId,
      scope,
      authMethod: grant.authMethod,
      grantId: grant.grantId,
      ...(grant.authTime ? { authTime: Math.floor(grant.authTime.getTime() / 1000) } : {}),
      ...(grant.acr === undefined ? {} : { acr: grant.acr }),
      ...(dpopJkt === undefined ? {} : { jkt: dpopJkt }),
      ...(grant.authorizationDetails === undefined
        ? {}
        : { authorizationDetails: grant.authorizationDetails }),
      ...(grant.approval === undefined ? {} : { approval: grant.approval }),
    });
    return {
      access_token: access.token,
      // RFC 9449 §5: a bound token is of type DPoP.
      token_type: dpopJkt === undefined ? 'Bearer' : 'DPoP',
      expires_in: access.expiresIn,
      ...(accessOnlyTtl === undefined ? { refresh_token: refreshToken } : {}),
      scope,
      // RFC 9396 §7: the token response says which details the token grants.
      ...(grant.authorizationDetails === undefined
        ? {}
        : { authorization_details: [...grant.authorizationDetails] }),
    };
  }
}
