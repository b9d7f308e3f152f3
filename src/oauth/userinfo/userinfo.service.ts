import { Injectable } from '@nestjs/common';
import {
  BearerTokenAuthenticator,
  type PresentedToken,
} from '../../tokens/grants/grant-bearer.authenticator';
import { OPENID_SCOPE } from '../../tokens/scopes';
import { UserProfiles } from '../../accounts/users/user-profile.service';
import { ClientRegistry } from '../../clients/client-registry.service';
import { SignedUserInfoService } from '../../tokens/signed-userinfo.service';
import {
  claimsReleasedBy,
  pickProfileClaims,
  type UserClaim,
} from '../../protocol-rules/claims-request';
import type { UserInfoResponseDto } from './userinfo-response.dto';

/** The UserInfo answer: its claims as JSON, or (Core §5.3.2) as a JWT signed for the client. */
export type UserInfoAnswer = { json: UserInfoResponseDto } | { jwt: string };

/**
 * OpenID Connect Core §5.3: the claims about the user that the access token's scopes allow, as
 * JSON, or signed for a client that registered `userinfo_signed_response_alg` (§5.3.2).
 */
@Injectable()
export class UserInfoService {
  constructor(
    private readonly bearer: BearerTokenAuthenticator,
    private readonly profiles: UserProfiles,
    private readonly clients: ClientRegistry,
    private readonly signed: SignedUserInfoService,
  ) {}

  /**
   * The answer to `presented`, whose token must come from an OpenID Connect request (Core §5.3.1:
   * the openid scope); a due DPoP nonce (RFC 9449 §9) goes out through `sendDpopNonce`.
   */
  async userInfo(presented: PresentedToken): Promise<UserInfoAnswer> {
    const { claims: token, grant } = await this.bearer.authenticateWithScope(
      presented,
      OPENID_SCOPE,
      'The access token was not issued for the openid scope',
    );
    // Core §5.4: each scope asks for the claims it releases that the account has (`profile`
    // its profile, `email` its verified address, `identity` and `age` what a credential
    // disclosed); §5.5: the `claims` parameter of the authorization request may ask for any of
    // them here without its scope (kept on the grant). Read only when some are asked for.
    const asked = new Set<UserClaim>([
      ...claimsReleasedBy(token.scope.split(' ')),
      ...(grant.userinfoClaims ?? []),
    ]);
    // The client, for its userinfo_signed_response_alg (a cached lookup, beside the account's).
    const [profile, client] = await Promise.all([
      asked.size === 0
        ? {}
        : this.profiles.claimsOf(token.sub).then((claims) => pickProfileClaims(claims, [...asked])),
      this.clients.find(token.client_id),
    ]);
    const info: UserInfoResponseDto = { sub: token.sub, ...profile };
    const alg = client?.userinfoSignedResponseAlg;
    return alg === undefined
      ? { json: info }
      : { jwt: await this.signed.sign({ clientId: token.client_id, alg, claims: info }) };
  }
}
