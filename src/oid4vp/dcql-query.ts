import type { RequestedCredential } from '../config/sections/oid4vp.config';
import {
  AGE_CLAIMS,
  AGE_SCOPE,
  IDENTITY_CLAIMS,
  IDENTITY_SCOPE,
} from '../protocol-rules/claims-request';

/** The claims a sign-in for `scope` needs disclosed, in the order the query lists them. */
export function claimsNeeded(scope: readonly string[], subjectClaims: readonly string[]): string[] {
  const identity = scope.includes(IDENTITY_SCOPE);
  const age = scope.includes(AGE_SCOPE);
  // Scope `age` alone: age_over_18 alone; the account is then found by `sub` or the holder key.
  if (age && !identity) return [...AGE_CLAIMS];
  const needed = new Set<string>(subjectClaims);
  if (identity) IDENTITY_CLAIMS.forEach((claim) => needed.add(claim));
  if (age) AGE_CLAIMS.forEach((claim) => needed.add(claim));
  return [...needed];
}

/**
 * OpenID4VP 1.0 §6 (DCQL): one SD-JWT VC query per configured credential, each listing the claims
 * this sign-in's scopes need and one `claim_sets` option naming them all, so that a wallet
 * discloses those and nothing more (§6.4.1). No claim is listed that no option names: a wallet
 * could never be asked for it (the OpenID conformance suite warns of such a query). With several
 * credentials, any one of them answers (`credential_sets`).
 */
export function dcqlQueryFor(
  credentials: readonly RequestedCredential[],
  scope: readonly string[],
  subjectClaims: readonly string[],
): Record<string, unknown> {
  const needed = claimsNeeded(scope, subjectClaims);
  const query: Record<string, unknown> = {
    credentials: credentials.map((credential) => ({
      id: credential.id,
      format: 'dc+sd-jwt',
      meta: { vct_values: [...credential.vct] },
      claims: needed.map((claim) => ({ id: claim, path: [claim] })),
      claim_sets: [needed],
    })),
  };
  if (credentials.length > 1) {
    query.credential_sets = [{ options: credentials.map((credential) => [credential.id]) }];
  }
  return query;
}
