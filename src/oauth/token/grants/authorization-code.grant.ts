import { Injectable } from '@nestjs/common';
import { reportRefusals } from '../../../challenges/report-refusals';
import { ChallengeStore } from '../../../challenges/challenge-store';
import { TokenConfig } from '../../../config/sections/tokens.config';
import { Clock } from '../../../platform/clock/clock';
import {
  InvalidGrant,
  InvalidRequest,
  InvalidScope,
} from '../../../platform/errors/protocol-error';
import { ConsoleAdminAccess, isAdminConsole } from '../../admin-console/console-admin-access';
import { AdminConsoleConfig } from '../../../config/sections/admin-console.config';
import { DomainEvents, SecurityEventDetected } from '../../../platform/events/domain-events';
import { grantIdForChallenge } from '../../../tokens/grants/grant';
import { GrantRevoked } from '../../../tokens/grants/grant.events';
import { checkRequestedResource, grantedResources } from '../../../tokens/grants/grant-resource';
import { GrantRepository } from '../../../tokens/grants/grant.repository';
import {
  GrantTokenIssuer,
  TokenResponse,
  signedInGrant,
} from '../../../tokens/grants/grant-token.issuer';
import type { IdTokenAuthentication } from '../../../tokens/id-token';
import { clientLabel, type OAuthClient } from '../../../clients/oauth-client';
import {
  DPOP_JKT_BINDING_FIELD,
  type AuthorizationCodeBinding,
  type AuthorizationCodePayload,
} from '../../authorize/authorization-code.service';
import { SessionLogout } from '../../../sessions/logout/session-logout.service';
import { UserProfiles } from '../../../accounts/users/user-profile.service';
import { EMAIL_CLAIMS, pickProfileClaims } from '../../../protocol-rules/claims-request';
import { ResourceClientIdCheck } from '../../resource/check-resource-client-id';
import {
  PKCE_BINDING_FIELD,
  missingVerifier,
  pkceProof,
  wrongVerifier,
} from '../../pkce/check-pkce';
import { EMAIL_SCOPE, OPENID_SCOPE, hasScope } from '../../../tokens/scopes';
import { credentialClaimsOf } from '../../../tokens/credential-claims';
import type { ClientCharge } from '../../client-budget';
import { EXAMPLE } from '../../oauth.examples';
import { type GrantEntry, GrantHandler, type TokenRequest, grantParameter } from '../grant';

type Replayed = Extract<
  Awaited<ReturnType<ChallengeStore['consume']>>,
  { ok: false; reason: 'replayed' }
>;

/** RFC 6749 §4.1.3, RFC 7636 §4.5: the code exchange's own parameters. */
const PARAMETERS = {
  code: grantParameter({
    description: 'authorization_code: the code from /authorize',
    example: EXAMPLE.code,
  }),
  redirect_uri: grantParameter({
    description: 'authorization_code: the redirect_uri of the authorization request',
    example: EXAMPLE.redirectUri,
  }),
  code_verifier: grantParameter({
    description: 'authorization_code: the PKCE verifier, 43-128 characters of [A-Za-z0-9-._~]',
    example: EXAMPLE.codeVerifier,
  }),
};

/** RFC 6749 §4.1.3 with RFC 7636 §4.5-4.6, as OAuth 2.1 requires them. */
@Injectable()
export class AuthorizationCodeGrant extends GrantHandler<typeof PARAMETERS> {
  constructor(
    private readonly store: ChallengeStore,
    private readonly grants: GrantRepository,
    private readonly issuer: GrantTokenIssuer,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
    private readonly tokens: TokenConfig,
    private readonly resourceClientIds: ResourceClientIdCheck,
    private readonly sessionLogout: SessionLogout,
    private readonly profiles: UserProfiles,
    private readonly consoleAccess: ConsoleAdminAccess,
    private readonly adminConsole: AdminConsoleConfig,
  ) {
    super();
  }

  async handle(
    client: OAuthClient,
    request: TokenRequest<typeof PARAMETERS>,
    charge: ClientCharge,
    dpopJkt?: string,
  ): Promise<TokenResponse> {
    return reportRefusals(
      this.events,
      { kind: 'authorization_code', client: clientLabel(client) },
      () => this.redeem(client, request, charge, dpopJkt),
    );
  }

  private async redeem(
    client: OAuthClient,
    request: TokenRequest<typeof PARAMETERS>,
    charge: ClientCharge,
    dpopJkt: string | undefined,
  ): Promise<TokenResponse> {
    const code = required(request.code, 'code');
    const redirectUri = required(request.redirect_uri, 'redirect_uri');
    // A code issued with an S256 challenge is redeemed only with its verifier, one issued
    // without PKCE (a confidential client's, require_pkce false) only without one: what the
    // request proves is compared with the code's binding, not decided here (check-pkce.ts).
    const proof = pkceProof(request.code_verifier);

    // One atomic consume whose filter carries client, redirect URI and the PKCE proof: a wrong
    // or missing verifier, client or redirect URI leaves the code for its rightful owner.
    const binding: AuthorizationCodeBinding = {
      client_id: client.clientId,
      redirect_uri: redirectUri,
      ...proof,
    };
    // RFC 9449 §10: a code issued with `dpop_jkt` is redeemed only with a proof of that key.
    const result = await this.store.consume<AuthorizationCodePayload>(
      'authorization_code',
      code,
      binding,
      { [DPOP_JKT_BINDING_FIELD]: dpopJkt ?? null },
    );
    if (result.ok) {
      // The code proves its client (bound to it, PKCE checked): the client's budget is charged
      // from here, alongside the grant's write.
      charge.start();
      const { keyHash, payload } = result.challenge;
      const console = isAdminConsole(client);
      if (console) {
        // Issue #77: checked again at the exchange (the role may have been taken away, the
        // sign-in grown old, since the code): the code is spent either way.
        await this.consoleAccess.check(
          {
            sub: payload.sub,
            acr: payload.acr,
            authTime: new Date((payload.authTime ?? 0) * 1000),
          },
          (description) => new InvalidScope(description),
        );
      }
      // RFC 8707 §2.2: the access token is for one of the code's resources, the first unless
      // the request names another; the grant keeps them all, for its refreshes to choose from.
      const resources = grantedResources(payload, this.tokens.audience);
      const audience = checkRequestedResource(resources, request.resource);
      // Checked again, every one: a client ID metadata document may have appeared at such a URL
      // since /authorize. A refresh only ever names a resource checked here. Beside it, the
      // profile claims the ID token was asked for, if any (no read otherwise).
      const [, authentication] = await Promise.all([
        this.resourceClientIds.refuseClientIds(client, resources),
        this.idTokenAuthentication(payload, client),
      ]);
      const grantId = grantIdForChallenge(keyHash);
      const sid = payload.sid;
      const userinfoClaims = payload.claims?.userinfo;
      return this.issuer.startGrant(
        {
          ...signedInGrant(grantId, client.clientId, payload),
          resource: resources[0],
          ...(resources.length > 1 ? { resources: [...resources], audience } : {}),
          ...(payload.authTime === undefined
            ? {}
            : { authTime: new Date(payload.authTime * 1000) }),
          ...(payload.acr === undefined ? {} : { acr: payload.acr }),
          ...(payload.sid === undefined ? {} : { sid: payload.sid }),
          ...(userinfoClaims === undefined ? {} : { userinfoClaims }),
          ...(payload.authorizationDetails === undefined
            ? {}
            : { authorizationDetails: payload.authorizationDetails }),
          // The console's token: short, and no refresh token (its next needs a new passkey).
          ...(console ? { accessOnly: { ttlSeconds: this.adminConsole.tokenTtlSeconds } } : {}),
        },
        authentication,
        // RFC 9449 §5: a public client's refresh tokens are bound to the key as well.
        dpopJkt === undefined ? undefined : { jkt: dpopJkt, bindRefresh: client.type === 'public' },
        // After the grant's write, beside the lock-down check: a session ended meanwhile takes
        // the grant with it.
        sid === undefined ? undefined : () => this.sessionLogout.refuseIfEnded(sid, grantId),
      );
    }
    switch (result.reason) {
      case 'expired':
        throw new InvalidGrant('Authorization code expired').because('expired');
      case 'unknown':
        throw new InvalidGrant('Invalid authorization code').because('unknown_code');
      case 'replayed':
        await this.onReplay(client, result);
        throw new InvalidGrant('Authorization code already used').because('replay');
      case 'binding_mismatch':
        if (result.mismatched.includes('client_id')) {
          throw new InvalidGrant('Authorization code was issued to another client').because(
            'client_mismatch',
          );
        }
        if (result.mismatched.includes('redirect_uri')) {
          throw new InvalidGrant('redirect_uri does not match the authorization request').because(
            'redirect_uri_mismatch',
          );
        }
        if (result.mismatched.includes(PKCE_BINDING_FIELD)) {
          throw request.code_verifier === undefined ? missingVerifier() : wrongVerifier();
        }
        if (result.mismatched.includes(DPOP_JKT_BINDING_FIELD)) {
          // Without a proof the binding can only be the code's: it asks for one, of its key.
          throw new InvalidGrant(
            dpopJkt === undefined
              ? 'Authorization code is bound to a DPoP key (dpop_jkt): send a DPoP proof of that key'
              : 'Authorization code is bound to another DPoP key (dpop_jkt)',
          ).because('dpop_key_mismatch');
        }
        throw new InvalidGrant('Invalid authorization code').because('unknown_code');
    }
  }

  /**
   * What the ID token says of the login, when the code is of an OpenID Connect request: carried
   * by the code, and the profile claims its `claims` parameter asked the ID token for (OpenID
   * Connect Core §5.5), read only then.
   */
  private async idTokenAuthentication(
    payload: AuthorizationCodePayload,
    client: OAuthClient,
  ): Promise<IdTokenAuthentication | undefined> {
    const authentication = idTokenAuthenticationOf(payload, client);
    // Core §5.4 asks for the scope's claims at the UserInfo endpoint when an access token is
    // issued; the `email` scope's go in the ID token too, where most relying parties read them.
    const asked = [
      ...(payload.claims?.id_token ?? []),
      ...(hasScope(payload.scope, EMAIL_SCOPE) ? EMAIL_CLAIMS : []),
      ...credentialClaimsOf(payload.scope),
    ];
    if (authentication === undefined || asked.length === 0) return authentication;
    const profile = pickProfileClaims(await this.profiles.claimsOf(payload.sub), asked);
    return { ...authentication, profile };
  }

  /**
   * RFC 6749 §4.1.2: a code used twice revokes every token issued from it, but only when the
   * code's own client presents it (OAuth 2.1 §4.1.3: the code is bound to its client): proven
   * by client authentication, or for a public client by the PKCE verifier itself. Anyone else
   * presenting a used code is refused and recorded, and revokes nothing.
   */
  private async onReplay(client: OAuthClient, replay: Replayed): Promise<void> {
    const owner = replay.binding.client_id === client.clientId;
    const proven = owner && (client.type === 'confidential' || replay.sameBinding);
    let revoked = false;
    if (proven) {
      const now = this.clock.now();
      revoked = await this.grants.revokeForReplay(
        grantIdForChallenge(replay.keyHash),
        client.clientId,
        'authorization_code_replay',
        now,
        new Date(now.getTime() + this.tokens.refreshTokenTtlSeconds * 1000),
      );
      if (revoked) this.events.emit(new GrantRevoked('authorization_code_replay'));
    }
    // One record per attack: the revoking replay, or each replay by someone else.
    if (revoked || !proven) {
      await this.events.emitAndWait(
        new SecurityEventDetected('authorization_code_replay', {
          client_id: client.clientId,
          code: `sha256:${replay.keyHash.slice(0, 8)}`,
          outcome: revoked ? 'grant_revoked' : 'refused',
        }),
      );
    }
  }
}

export const AUTHORIZATION_CODE_GRANT: GrantEntry<'authorization_code', typeof PARAMETERS> = {
  type: 'authorization_code',
  parameters: PARAMETERS,
  advertised: true,
  registration: {
    usesAuthorizationEndpoint: true,
    confidentialOnly: false,
    issuesRefreshTokens: true,
  },
  proof: { model: 'pkce' },
  handler: AuthorizationCodeGrant,
};

/**
 * OpenID Connect Core §3.1.3.3: an ID token when the authorization request had the openid scope,
 * from what the code carries (no session read). A code issued before `authTime` was carried
 * cannot have asked for openid: `openid` became a scope with it.
 */
function idTokenAuthenticationOf(
  payload: AuthorizationCodePayload,
  client: OAuthClient,
): IdTokenAuthentication | undefined {
  if (!hasScope(payload.scope, OPENID_SCOPE) || payload.authTime === undefined) return undefined;
  return {
    authTime: payload.authTime,
    nonce: payload.nonce,
    amr: payload.amr,
    ...(payload.sid === undefined ? {} : { sid: payload.sid }),
    alg: client.idTokenSignedResponseAlg,
  };
}

function required(value: string | undefined, name: string): string {
  if (value === undefined) throw new InvalidRequest(`${name} is required`);
  return value;
}
