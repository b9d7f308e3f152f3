import type { RequestedCredential } from '../config/sections/oid4vp.config';
import {
  AGE_CLAIMS,
  AGE_SCOPE,
  IDENTITY_CLAIMS,
  IDENTITY_SCOPE,
} from '../protocol-rules/claims-request';

/**
 * The claim sets a sign-in for `scope` asks for, in order of preference: the scope's claims with
 * the claims that name the person (OID4VP_SUBJECT_CLAIMS, listed first), then, unless the scope
 * already needs them all, the scope's claims alone, so that a credential without the subject
 * claims still answers (it signs in to its `sub`'s account, or its holder key's). The second set
 * is empty for a sign-in whose scope needs no claim (`openid` alone): dcqlQueryFor then asks for
 * the credential without claims. Scope `age` alone asks age_over_18 alone, one set; the account
 * is then found by `sub` or the holder key.
 */
export function claimSetsFor(
  scope: readonly string[],
  subjectClaims: readonly string[],
): string[][] {
  const identity = scope.includes(IDENTITY_SCOPE);
  const age = scope.includes(AGE_SCOPE);
  const scoped: string[] = [...(identity ? IDENTITY_CLAIMS : []), ...(age ? AGE_CLAIMS : [])];
  if (age && !identity) return [scoped];
  const named = [...new Set([...subjectClaims, ...scoped])];
  return named.length === scoped.length ? [named] : [named, scoped];
}

/** The id of the query for `id`'s credential without claims: one no configured query has. */
function withoutClaimsId(id: string, taken: ReadonlySet<string>): string {
  let candidate = `${id}_no_claims`;
  while (taken.has(candidate)) candidate += '_';
  return candidate;
}

/**
 * OpenID4VP 1.0 §6 (DCQL): one SD-JWT VC query per configured credential, each listing the claims
 * this sign-in's scopes need and the subject claims, and as `claim_sets` the options of
 * claimSetsFor, so that a wallet discloses one of those and nothing more (§6.4.1: the first it can
 * satisfy). No claim is listed that no option names: a wallet could never be asked for it (the
 * OpenID conformance suite warns of such a query). When the scope needs no claim, a claim set
 * cannot be empty: each credential has a second query, after all the first ones, that asks for it
 * without claims (§6.4.1: only what a presentation always carries). With several queries, any one
 * of them answers (`credential_sets`, in the same order of preference). `scopeOptional`: the
 * scope's claims are asked first, then the sets of a sign-in without a scope (the account page's
 * link, whose confirmation shows a name when the credential has one, and links one without).
 */
export function dcqlQueryFor(
  credentials: readonly RequestedCredential[],
  scope: readonly string[],
  subjectClaims: readonly string[],
  scopeOptional = false,
): Record<string, unknown> {
  const sets = scopeOptional
    ? unique([...claimSetsFor(scope, subjectClaims), ...claimSetsFor([], subjectClaims)])
    : claimSetsFor(scope, subjectClaims);
  const asked = sets.filter((set) => set.length > 0);
  const query = (id: string, vct: readonly string[], claimSets: readonly string[][]) => ({
    id,
    format: 'dc+sd-jwt',
    meta: { vct_values: [...vct] },
    ...(claimSets.length === 0
      ? {}
      : {
          claims: claimSets[0].map((claim) => ({ id: claim, path: [claim] })),
          claim_sets: claimSets.map((set) => [...set]),
        }),
  });
  const queries = credentials.map((credential) => query(credential.id, credential.vct, asked));
  // A set of no claims after a set of some: the credential asked for a second time, without.
  if (asked.length > 0 && asked.length < sets.length) {
    const taken = new Set(credentials.map((credential) => credential.id));
    for (const credential of credentials) {
      const id = withoutClaimsId(credential.id, taken);
      taken.add(id);
      queries.push(query(id, credential.vct, []));
    }
  }
  const dcql: Record<string, unknown> = { credentials: queries };
  if (queries.length > 1) {
    dcql.credential_sets = [{ options: queries.map((credential) => [credential.id]) }];
  }
  return dcql;
}

/** The claim sets, each once, in their order. */
function unique(sets: readonly string[][]): string[][] {
  const seen = new Set<string>();
  return sets.filter((set) => {
    const key = JSON.stringify(set);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
