import { AGE_CLAIMS, IDENTITY_CLAIMS, type UserClaim } from '../protocol-rules/claims-request';
import { AGE_SCOPE, IDENTITY_SCOPE, hasScope } from './scopes';

/**
 * The identity credential's claims a granted scope allows, in the ID token and at /userinfo:
 * `identity` its names and date of birth, `age` `age_over_18` alone. Only what the latest
 * presentation disclosed is kept (AccountService.recordCredentialUse), so a claim the person did
 * not disclose is never given.
 */
export function credentialClaimsOf(scope: string): UserClaim[] {
  return [
    ...(hasScope(scope, IDENTITY_SCOPE) ? IDENTITY_CLAIMS : []),
    ...(hasScope(scope, AGE_SCOPE) ? AGE_CLAIMS : []),
  ];
}
